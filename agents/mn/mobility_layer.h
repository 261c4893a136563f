// One Mobile IPv4 registration layer of the mobile node: the MobileNode core with its registration socket, the agent
// advertisement socket when it listens on a link, and its data plane, wired to the event loop. A plain mobile node is
// one layer; RFC 5265 mode runs an external layer, a direct internal one and one through the VPN. The owner feeds the
// interface state (on_link) and drives the timer (next_deadline / on_timer), so several layers share one loop.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agents/common/event_loop.h"
#include "agents/common/faults.h"
#include "agents/common/link_ip_socket.h"
#include "agents/common/log.h"
#include "agents/common/udp_socket.h"
#include "agents/mn/mn_data_plane.h"
#include "agents/mn/mobile_node.h"

namespace mipvpn::agents::mn {

class MobilityLayer {
 public:
  struct Options {
    bool listen_for_agents = true;  // Agent Advertisements on the configured interface (not on a VPN device)
    bool data_plane = true;         // false: the core's data plane decisions are kept and applied on activation
  };
  // Opens the sockets (and the data plane when asked) in the calling thread's namespace. Throws std::system_error /
  // std::runtime_error naming what could not be opened.
  MobilityLayer(MnConfig config, FaultSet faults, EventLoop& loop, Logger& log, Options options);
  ~MobilityLayer();
  MobilityLayer(const MobilityLayer&) = delete;
  MobilityLayer& operator=(const MobilityLayer&) = delete;

  void on_link(const LinkState& link);
  void on_routes_changed();
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const { return node_.next_deadline(); }
  void on_timer();
  void suspend(bool deregister);
  void resume();
  // Opens the data plane and applies the core's latest decision; closing it removes what it installed.
  void activate_data_plane();
  void deactivate_data_plane();
  bool data_plane_active() const { return data_plane_ != nullptr; }
  void set_user_data_allowed(bool allowed);
  // Called after every event the layer handled by itself (a reply, an advertisement, a keepalive answer).
  void set_after_event(std::function<void()> fn) { after_event_ = std::move(fn); }

  const MobileNode& node() const { return node_; }
  const MnConfig& config() const { return config_; }
  uint16_t port() const { return socket_->port(); }
  std::optional<std::string> fatal() const;
  std::string describe() const;

 private:
  void carry(const Output& out);
  void on_agents();
  void on_socket();

  MnConfig config_;
  EventLoop& loop_;
  Logger& log_;
  MobileNode node_;
  std::unique_ptr<PktinfoUdpSocket> socket_;
  std::unique_ptr<LinkIpSocket> agents_;
  std::unique_ptr<MnDataPlane> data_plane_;
  LinkState link_;
  std::optional<DataPlaneState> wanted_;  // the core's latest data plane decision
  bool user_data_allowed_ = true;
  std::function<void()> after_event_;
};

}  // namespace mipvpn::agents::mn
