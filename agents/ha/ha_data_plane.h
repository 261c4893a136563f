// The home agent's data plane I/O: the tunnel device holding the routes of bound home addresses, raw IP sockets
// (one per offered encapsulation) and RFC 3519 tunnel data on the registration socket for the outside, and an ARP
// socket on the home link for proxy and gratuitous ARP (RFC 5944 4.6). Every decision comes from the HomeAgent core.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/common/arp_socket.h"
#include "agents/common/event_loop.h"
#include "agents/common/log.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/route_control.h"
#include "agents/common/tun_device.h"
#include "agents/common/udp_socket.h"
#include "agents/ha/home_agent.h"

namespace mipvpn::agents::ha {

class HaDataPlane {
 public:
  // Opens everything (in the calling thread's namespace) and registers the fds with `loop`. Throws
  // std::system_error / std::runtime_error naming what could not be opened.
  HaDataPlane(HomeAgent& ha, EventLoop& loop, Logger& log, PktinfoUdpSocket& registration_socket);
  ~HaDataPlane();
  HaDataPlane(const HaDataPlane&) = delete;
  HaDataPlane& operator=(const HaDataPlane&) = delete;

  // Carries out a home-link change the core decided (routes, proxy ARP state, gratuitous ARP).
  void apply(const HomeLinkAction& action);
  // An RFC 3519 tunnel data message (Type 4) that arrived on port 434.
  void on_tunnel_data(const Datagram& d);

  // Gratuitous ARP retransmissions and probes waiting for the mobile node's link-layer address.
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const;
  void fire(std::chrono::steady_clock::time_point now);

  // Set when the tunnel device vanished: the daemon must exit non-zero with this message.
  const std::optional<std::string>& fatal() const { return fatal_; }
  std::string describe() const;  // for the ready line

 private:
  struct Announcement {
    Tins::IPv4Address address;
    MacAddress mac;
    int remaining = 0;
    std::chrono::steady_clock::time_point next;
  };
  void on_tun(short revents);
  void on_raw(RawIpSocket& socket, short revents);
  void on_arp();
  void send_forward(std::span<const uint8_t> packet);
  void deliver_reverse(const ArrivedTunnel& tunnel, std::span<const uint8_t> inner);
  void announce(const Tins::IPv4Address& address, const MacAddress& mac, const std::string& why);
  void drop(const std::string& text);
  const Encapsulation* encapsulation(EncapsulationType t) const;

  HomeAgent& ha_;
  EventLoop& loop_;
  Logger& log_;
  PktinfoUdpSocket& registration_socket_;
  std::unique_ptr<TunDevice> tun_;
  std::unique_ptr<RouteControl> routes_;
  std::unique_ptr<ArpSocket> arp_;
  std::map<EncapsulationType, std::unique_ptr<RawIpSocket>> raw_;
  std::map<EncapsulationType, std::shared_ptr<const Encapsulation>> encapsulations_;
  std::map<uint32_t, MacAddress> mobile_node_macs_;  // learned from the mobile nodes' own ARP packets
  std::map<uint32_t, std::chrono::steady_clock::time_point> awaiting_mac_;  // deregistered, MAC being probed
  std::vector<Announcement> announcements_;
  std::optional<std::string> fatal_;
  // Drop logging is rate-limited (RFC 3519 3.3: "the amount of log entries written is not excessive").
  std::chrono::steady_clock::time_point drop_window_;
  unsigned drops_in_window_ = 0;
  unsigned drops_suppressed_ = 0;
};

}  // namespace mipvpn::agents::ha
