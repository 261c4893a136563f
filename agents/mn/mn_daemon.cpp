#include "agents/mn/mn_daemon.h"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "agents/common/control_server.h"
#include "agents/common/event_loop.h"
#include "agents/mn/link_monitor.h"
#include "agents/mn/mobility_layer.h"
#include "agents/mn/rfc5265_daemon.h"

namespace mipvpn::agents::mn {
int run_mobile_node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals) {
  if (config.rfc5265) return run_rfc5265_mobile_node(config, faults, log, signals);
  EventLoop loop;
  std::unique_ptr<LinkMonitor> monitor;
  std::unique_ptr<MobilityLayer> layer;
  std::unique_ptr<ControlServer> control;
  std::optional<std::string> fatal;

  try {
    monitor = std::make_unique<LinkMonitor>(config.interface);
    if (monitor->ifindex() == 0) throw std::runtime_error("interface " + config.interface + " does not exist");
    layer = std::make_unique<MobilityLayer>(config, faults, loop, log, MobilityLayer::Options{});
    if (config.control_socket) {
      control = std::make_unique<ControlServer>(*config.control_socket, loop, [&layer](std::string_view line) {
        if (line == "state") return layer->node().state_json(Now::current()).dump();
        if (line == "ping") return std::string(R"({"pong":true})");
        return nlohmann::json{{"error", "unknown command"}, {"commands", {"state", "ping"}}}.dump();
      });
    }
  } catch (const std::exception& e) {
    log.line(std::string("error: ") + e.what());
    std::fprintf(stderr, "mipd: %s\n", e.what());
    return 1;
  }

  LinkState link;
  loop.add(monitor->fd(), POLLIN, [&](short) {
    const LinkMonitor::Changes changes = monitor->drain();
    if (changes.link_or_address) {
      const LinkState now_link = monitor->snapshot();
      if (!now_link.exists) {
        fatal = "interface " + config.interface + " vanished";
        loop.stop();
        return;
      }
      if (now_link != link) {
        link = now_link;
        layer->on_link(link);
      }
    }
    if (changes.route) layer->on_routes_changed();
  });
  loop.add(signals.fd(), POLLIN, [&](short) {
    while (int s = signals.read_signal()) {
      log.line(std::string("received SIG") + sigabbrev_np(s) + ", exiting");
      loop.stop();
    }
  });
  loop.set_timer([&] { return layer->next_deadline(); }, [&] { layer->on_timer(); });

  std::string fault_list;
  for (const std::string& n : faults.names()) fault_list += (fault_list.empty() ? "" : ",") + n;
  log.line("ready: role=mn " + layer->describe() +
           " control_socket=" + (config.control_socket ? *config.control_socket : "-") +
           " faults=" + (fault_list.empty() ? "-" : fault_list));
  link = monitor->snapshot();
  layer->on_link(link);

  const bool ok = loop.run();
  if (!fatal) fatal = layer->fatal();
  layer.reset();    // restores ARP settings, removes routes
  control.reset();  // removes the socket file
  if (!ok) {
    log.line(std::string("error: poll failed: ") + std::strerror(errno));
    return 1;
  }
  if (fatal) {
    log.line("error: " + *fatal + ", exiting");
    std::fprintf(stderr, "mipd: %s\n", fatal->c_str());
    return 1;
  }
  log.line("stopped");
  return 0;
}

}  // namespace mipvpn::agents::mn
