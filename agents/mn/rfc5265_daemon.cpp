#include "agents/mn/rfc5265_daemon.h"

#include <poll.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "agents/common/control_server.h"
#include "agents/common/event_loop.h"
#include "agents/mn/link_monitor.h"
#include "agents/mn/mobility_layer.h"
#include "agents/mn/network_detection.h"
#include "agents/mn/rfc5265_config.h"
#include "agents/mn/vpn_client.h"

namespace mipvpn::agents::mn {
namespace {

using std::chrono::steady_clock;

void earliest(std::optional<steady_clock::time_point>& next, std::optional<steady_clock::time_point> t) {
  if (t && (!next || *t < *next)) next = t;
}

// The mobile node of RFC 5265: the layers, the VPN client and the detection, kept consistent by sync() after every
// event.
class Rfc5265Node {
 public:
  Rfc5265Node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals)
      : config_(config),
        r_(*config.rfc5265),
        faults_(faults),
        log_(log),
        signals_(signals),
        external_log_(log, "x: "),
        direct_log_(log, "i: "),
        tunnelled_log_(log, "i-vpn: "),
        vpn_log_(log, "vpn: "),
        detection_(NetworkDetection::Params{std::chrono::seconds(r_.t_monitor_s),
                                            std::chrono::milliseconds(r_.detection_period_ms),
                                            std::chrono::seconds(r_.internal_probe_s),
                                            r_.internal.home_agent == config.home_agent,
                                            faults.has(Fault::Mn5265InsideWithoutTnc),
                                            faults.has(Fault::Mn5265NoTMonitor)}) {}

  int run();

 private:
  void open();
  void on_physical();
  void on_vpn_device();
  void sync();
  void open_tunnelled();
  void retire_tunnelled();
  nlohmann::json state_json();
  std::optional<steady_clock::time_point> next_deadline() const;
  void on_timer();

  const MnConfig& config_;
  const Rfc5265Config& r_;
  FaultSet faults_;
  Logger& log_;
  SignalFd& signals_;
  Logger external_log_, direct_log_, tunnelled_log_, vpn_log_;
  EventLoop loop_;
  NetworkDetection detection_;
  std::unique_ptr<LinkMonitor> monitor_;
  std::unique_ptr<MobilityLayer> external_;
  std::unique_ptr<MobilityLayer> direct_;
  std::unique_ptr<VpnClient> vpn_;
  std::unique_ptr<LinkMonitor> vpn_monitor_;
  std::unique_ptr<MobilityLayer> tunnelled_;
  std::vector<std::unique_ptr<MobilityLayer>> retired_;
  std::unique_ptr<ControlServer> control_;
  LinkState link_;
  LinkState vpn_link_;
  std::optional<std::string> fatal_;
  bool was_inside_ = false;
  int vpn_event_fd_ = -1;
};

void Rfc5265Node::open() {
  monitor_ = std::make_unique<LinkMonitor>(config_.interface);
  if (monitor_->ifindex() == 0) throw std::runtime_error("interface " + config_.interface + " does not exist");
  external_ = std::make_unique<MobilityLayer>(config_, faults_, loop_, external_log_, MobilityLayer::Options{});
  MnConfig direct = r_.internal;
  // "The MN SHOULD start re-registration every (T_MONITOR - N) seconds when inside" (3.2.4)
  direct.max_renewal_interval_s = r_.t_monitor_s - r_.grace_s;
  direct_ = std::make_unique<MobilityLayer>(direct, faults_, loop_, direct_log_, MobilityLayer::Options{true, false});
  external_->set_after_event([this] { sync(); });
  direct_->set_after_event([this] { sync(); });
  vpn_ = std::make_unique<VpnClient>(
      vpn_charon_config(r_.vpn, config_.home_address, config_.data_plane.tunnel_device, config_.interface,
                        faults_.has(Fault::Mn5265IpsecEndpointCareOf)),
      vpn_log_,
      std::chrono::seconds(r_.vpn.initiate_timeout_s));
  vpn_->start();
  if (config_.control_socket) {
    control_ = std::make_unique<ControlServer>(*config_.control_socket, loop_, [this](std::string_view line) {
      if (line == "state") return state_json().dump();
      if (line == "ping") return std::string(R"({"pong":true})");
      return nlohmann::json{{"error", "unknown command"}, {"commands", {"state", "ping"}}}.dump();
    });
  }
}

nlohmann::json Rfc5265Node::state_json() {
  const Now now = Now::current();
  nlohmann::json j;
  j["placement"] = std::string(placement_name(detection_.placement()));
  j["user_data_allowed"] = detection_.user_data_allowed(now.mono);
  j["external"] = external_->node().state_json(now);
  j["internal_direct"] = direct_->node().state_json(now);
  j["internal_direct"]["active"] = !direct_->node().suspended();
  j["internal_direct"]["accepted"] = direct_->node().accepts();
  j["internal_direct"]["last_accepted_with_tnc"] =
      direct_->node().last_accepted() && direct_->node().last_accepted()->trusted_networks_configured;
  j["internal_through_vpn"] = tunnelled_ ? tunnelled_->node().state_json(now) : nlohmann::json();
  j["vpn"] = {{"up", vpn_->up()}, {"connecting", vpn_->connecting()}, {"charon_pid", vpn_->pid()},
              {"interface", r_.vpn.interface}};
  if (!vpn_link_.addresses.empty()) j["vpn"]["inner_address"] = vpn_link_.addresses.front().address.to_string();
  return j;
}

void Rfc5265Node::open_tunnelled() {
  vpn_monitor_ = std::make_unique<LinkMonitor>(r_.vpn.interface);
  if (vpn_monitor_->ifindex() == 0) {
    vpn_log_.line("the VPN is up but " + r_.vpn.interface + " does not exist: waiting for it");
    vpn_monitor_.reset();
    return;
  }
  MnConfig c = r_.internal;
  // Outside, the internal layer registers through the VPN with the VPN tunnel inner address as a co-located care-of
  // address (RFC 5265 2.3), D set by the co-located mode, T set ("SHOULD", internal.reverse_tunnelling).
  c.interface = r_.vpn.interface;
  c.mode = CareOfMode::CoLocated;
  c.colocated_address.reset();
  c.data_plane.link_layer = false;
  tunnelled_ = std::make_unique<MobilityLayer>(c, faults_, loop_, tunnelled_log_, MobilityLayer::Options{false, true});
  tunnelled_->set_after_event([this] { sync(); });
  loop_.add(vpn_monitor_->fd(), POLLIN, [this](short) { on_vpn_device(); });
  vpn_link_ = vpn_monitor_->snapshot();
  tunnelled_->on_link(vpn_link_);
}

void Rfc5265Node::on_vpn_device() {
  const LinkMonitor::Changes changes = vpn_monitor_->drain();
  if (changes.link_or_address) {
    const LinkState now_link = vpn_monitor_->snapshot();
    if (now_link != vpn_link_) {
      vpn_link_ = now_link;
      tunnelled_->on_link(vpn_link_);
    }
  }
  if (changes.route) tunnelled_->on_routes_changed();
  sync();
}

void Rfc5265Node::on_physical() {
  retired_.clear();
  const LinkMonitor::Changes changes = monitor_->drain();
  if (changes.link_or_address) {
    const LinkState now_link = monitor_->snapshot();
    if (!now_link.exists) {
      fatal_ = "interface " + config_.interface + " vanished";
      loop_.stop();
      return;
    }
    if (now_link != link_) {
      link_ = now_link;
      // RFC 5265 3.2.2: a connection status change stops user data and restarts detection; the direct internal
      // layer starts over with a fresh registration whatever it did before.
      if (faults_.has(Fault::Mn5265DataBeforeDetection)) {
        log_.line("detection: connection status changed, user data keeps flowing (fault mn-5265-data-before-detection)");
      } else {
        detection_.connection_changed(steady_clock::now());
        // Before any layer sees the new link: the direct layer would otherwise re-point its data plane at the new
        // care-of address, and for that moment the i-HoA's traffic could leave in clear.
        sync();
      }
      external_->on_link(link_);
      direct_->on_link(link_);
      if (direct_->node().suspended()) direct_->resume();
    }
  }
  if (changes.route) {
    external_->on_routes_changed();
    direct_->on_routes_changed();
  }
  sync();
}

void Rfc5265Node::retire_tunnelled() {
  if (vpn_monitor_) loop_.remove(vpn_monitor_->fd());
  vpn_monitor_.reset();
  vpn_link_ = {};
  if (!tunnelled_) return;
  // sync() may run inside one of this layer's own callbacks: its data plane goes now (the tunnel device is needed by
  // the direct layer), the layer itself at the next timer or interface event.
  tunnelled_->deactivate_data_plane();
  retired_.push_back(std::move(tunnelled_));
}

void Rfc5265Node::sync() {
  const auto now = steady_clock::now();
  NetworkDetection::Observation o;
  o.external_registered = external_->node().registered();
  o.vpn_up = vpn_->up();
  o.tunnelled_registered = tunnelled_ && tunnelled_->node().registered();
  o.direct_accepts = direct_->node().accepts();
  o.direct_last_tnc = direct_->node().last_accepted() && direct_->node().last_accepted()->trusted_networks_configured;
  o.direct_denials = direct_->node().denials();
  detection_.observe(o, now);
  for (const std::string& line : detection_.take_log()) log_.line(line);
  const bool inside = detection_.placement() == Placement::Inside;

  // External layer: "When successfully registered with the i-HA directly, MN SHOULD de-register with the x-HA" (3.3).
  if (!detection_.external_active() && !external_->node().suspended()) external_->suspend(true);
  if (detection_.external_active() && external_->node().suspended()) external_->resume();
  // Direct internal layer: registering while detection runs, and the only internal layer inside.
  const bool direct_on = detection_.internal_direct_active(now);
  if (was_inside_ && !inside) {
    // Detection restarted (T_MONITOR passed or a re-registration failed, 3.3): register directly again at once.
    direct_->suspend(false);
    direct_->resume();
  }
  was_inside_ = inside;
  if (!direct_on && !direct_->node().suspended()) direct_->suspend(false);
  if (inside) {
    retire_tunnelled();  // its data plane owns the i-HoA's tunnel device
    if (vpn_->up() || vpn_->connecting()) vpn_->disconnect();
    if (!direct_->data_plane_active()) direct_->activate_data_plane();
  } else if (direct_->data_plane_active()) {
    direct_->deactivate_data_plane();
  }
  // VPN: wanted once outside; kept while undecided (an external handoff must not touch it, RFC 5265 1.7).
  if (detection_.want_vpn()) vpn_->connect();
  if (detection_.internal_through_vpn() && !tunnelled_) open_tunnelled();
  if (tunnelled_ && !vpn_->up()) retire_tunnelled();
  if (vpn_->event_fd() >= 0 && vpn_event_fd_ != vpn_->event_fd()) {
    vpn_event_fd_ = vpn_->event_fd();
    loop_.add(vpn_event_fd_, POLLIN, [this](short) {
      loop_.remove(vpn_event_fd_);
      vpn_event_fd_ = -1;
      vpn_->on_event();
      sync();
    });
  }
  // User data (3.2.2, 3.2.4).
  const bool allowed = detection_.user_data_allowed(now);
  direct_->set_user_data_allowed(allowed);
  if (tunnelled_) tunnelled_->set_user_data_allowed(allowed);
}

std::optional<steady_clock::time_point> Rfc5265Node::next_deadline() const {
  std::optional<steady_clock::time_point> next;
  earliest(next, external_->next_deadline());
  earliest(next, direct_->next_deadline());
  if (tunnelled_) earliest(next, tunnelled_->next_deadline());
  earliest(next, detection_.next_deadline());
  if (detection_.want_vpn() && !vpn_->up() && !vpn_->connecting()) earliest(next, vpn_->retry_at());
  return next;
}

void Rfc5265Node::on_timer() {
  retired_.clear();
  const auto now = steady_clock::now();
  auto due = [&](const std::optional<steady_clock::time_point>& t) { return t && *t <= now; };
  if (due(external_->next_deadline())) external_->on_timer();
  if (due(direct_->next_deadline())) direct_->on_timer();
  if (tunnelled_ && due(tunnelled_->next_deadline())) tunnelled_->on_timer();
  if (due(detection_.next_deadline())) detection_.on_timer(now);
  sync();
}

int Rfc5265Node::run() {
  try {
    open();
  } catch (const std::exception& e) {
    log_.line(std::string("error: ") + e.what());
    std::fprintf(stderr, "mipd: %s\n", e.what());
    return 1;
  }
  loop_.add(monitor_->fd(), POLLIN, [this](short) { on_physical(); });
  loop_.add(signals_.fd(), POLLIN, [this](short) {
    while (int s = signals_.read_signal()) {
      log_.line(std::string("received SIG") + sigabbrev_np(s) + ", exiting");
      loop_.stop();
    }
  });
  loop_.set_timer([this] { return next_deadline(); }, [this] { on_timer(); });
  std::string fault_list;
  for (const std::string& n : faults_.names()) fault_list += (fault_list.empty() ? "" : ",") + n;
  log_.line("ready: role=mn rfc5265 t_monitor=" + std::to_string(r_.t_monitor_s) + "s grace=" +
            std::to_string(r_.grace_s) + "s detection_period=" + std::to_string(r_.detection_period_ms) +
            "ms vpn_gateway=" + r_.vpn.gateway.to_string() + " vpn_interface=" + r_.vpn.interface +
            " control_socket=" + (config_.control_socket ? *config_.control_socket : "-") +
            " faults=" + (fault_list.empty() ? "-" : fault_list));
  log_.line("ready: x: " + external_->describe());
  log_.line("ready: i: " + direct_->describe());
  link_ = monitor_->snapshot();
  detection_.connection_changed(steady_clock::now());
  external_->on_link(link_);
  direct_->on_link(link_);
  sync();

  const bool ok = loop_.run();
  if (!fatal_) fatal_ = external_->fatal();
  if (!fatal_) fatal_ = direct_->fatal();
  if (!fatal_ && tunnelled_) fatal_ = tunnelled_->fatal();
  tunnelled_.reset();
  retired_.clear();
  direct_.reset();
  external_.reset();
  vpn_.reset();  // stops charon
  control_.reset();
  if (!ok) {
    log_.line(std::string("error: poll failed: ") + std::strerror(errno));
    return 1;
  }
  if (fatal_) {
    log_.line("error: " + *fatal_ + ", exiting");
    std::fprintf(stderr, "mipd: %s\n", fatal_->c_str());
    return 1;
  }
  log_.line("stopped");
  return 0;
}

}  // namespace

int run_rfc5265_mobile_node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals) {
  Rfc5265Node node(config, faults, log, signals);
  return node.run();
}

}  // namespace mipvpn::agents::mn
