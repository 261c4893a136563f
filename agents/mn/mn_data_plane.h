// The mobile node's data plane I/O (RFC 5944 4.2.1, 4.6; RFC 3024 5.4; RFC 3519 4.3, 4.9). Away from home the home
// address lives on a TUN device, so the kernel accepts packets for it and applications keep using it, while the
// physical interface does not answer ARP for it. With a co-located care-of address IP-in-IP from the home agent (raw
// protocol-4 socket, outer source = the home agent, outer destination = the care-of address) or RFC 3519 tunnel data
// (port 434) is decapsulated into the TUN device; when a reverse tunnel was granted, `ip rule from HoA` routes the
// home address's traffic into the TUN device and it is tunnelled to the home agent. Through a foreign agent the home
// address's traffic goes to the agent's link-layer address (a permanent neighbour entry, no broadcast ARP). At home
// the home address is on the physical interface again and ARP is answered. Every decision comes from MobileNode.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agents/common/arp_socket.h"
#include "agents/common/encapsulation.h"
#include "agents/common/event_loop.h"
#include "agents/common/log.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/route_control.h"
#include "agents/common/tun_device.h"
#include "agents/common/udp_socket.h"
#include "agents/mn/mn_config.h"
#include "agents/mn/mobile_node.h"

namespace mipvpn::agents::mn {

class MnDataPlane {
 public:
  struct Callbacks {
    std::function<void()> keepalive_reply;       // an RFC 3519 keepalive Echo Reply came back through the tunnel
    std::function<void()> sent_to_home_agent;    // data went to the home agent through the UDP tunnel
  };
  // Opens the TUN device, the raw socket and the ARP socket (in the calling thread's namespace) and registers them
  // with `loop`. Throws std::system_error / std::runtime_error naming what could not be opened.
  MnDataPlane(const MnConfig& config, EventLoop& loop, Logger& log, PktinfoUdpSocket& registration_socket,
              Callbacks callbacks);
  ~MnDataPlane();  // restores the interface's ARP settings, removes the rule and routes it added
  MnDataPlane(const MnDataPlane&) = delete;
  MnDataPlane& operator=(const MnDataPlane&) = delete;

  // Carries out the core's decision; `link` is the interface as last seen (which addresses it has).
  void apply(const DataPlaneState& state, const LinkState& link);
  // An RFC 3519 tunnel data message (Type 4) that arrived on the registration socket.
  void on_tunnel_data(const Datagram& d);
  void send_gratuitous_arp(const Tins::IPv4Address& address);
  void send_keepalive(uint16_t sequence);
  // RFC 5265 3.2.2 / 3.2.4: while false, user data from and to the home address is dropped (not queued); signalling
  // and keepalives are not user data.
  void set_user_data_allowed(bool allowed);
  bool user_data_allowed() const { return user_data_allowed_; }

  const std::optional<std::string>& fatal() const { return fatal_; }
  std::string describe() const;

 private:
  void on_tun(short revents);
  void on_raw();
  void on_arp();
  void deliver(std::span<const uint8_t> inner, const std::string& via);
  void send_to_home_agent(std::span<const uint8_t> inner);
  void set_sysctl(const std::string& name, const std::string& value);
  void drop(const std::string& text);
  void clear_routes();

  const MnConfig& config_;
  EventLoop& loop_;
  Logger& log_;
  PktinfoUdpSocket& registration_socket_;
  Callbacks callbacks_;
  std::unique_ptr<TunDevice> tun_;
  std::unique_ptr<RouteControl> routes_;
  std::unique_ptr<RawIpSocket> raw_;
  std::unique_ptr<ArpSocket> arp_;  // absent without a link layer
  std::shared_ptr<const Encapsulation> ip_in_ip_;
  int ifindex_ = 0;
  DataPlaneState state_;
  bool applied_ = false;
  // What this process installed, so that it is changed and removed exactly.
  bool home_address_on_tun_ = false;
  bool rule_installed_ = false;
  std::optional<RouteSpec> table_route_;
  std::optional<Tins::IPv4Address> neighbor_;
  std::string original_arp_ignore_, original_arp_announce_;
  std::optional<std::string> fatal_;
  std::chrono::steady_clock::time_point drop_window_;
  unsigned drops_in_window_ = 0;
  unsigned drops_suppressed_ = 0;
  bool user_data_allowed_ = true;
};

}  // namespace mipvpn::agents::mn
