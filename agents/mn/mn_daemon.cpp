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
#include "agents/common/link_ip_socket.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/udp_socket.h"
#include "agents/common/udp_tunnel_data.h"
#include "agents/mn/link_monitor.h"
#include "agents/mn/mn_data_plane.h"
#include "agents/mn/mobile_node.h"
#include "harness/wire/agent_advertisement.h"

namespace mipvpn::agents::mn {
namespace {

constexpr int kMaxPerWake = 64;

}  // namespace

int run_mobile_node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals) {
  MobileNode node(config, faults);
  EventLoop loop;
  std::unique_ptr<PktinfoUdpSocket> sock;
  std::unique_ptr<LinkMonitor> monitor;
  std::unique_ptr<LinkIpSocket> agents;
  std::unique_ptr<MnDataPlane> data_plane;
  std::unique_ptr<ControlServer> control;
  std::optional<std::string> fatal;
  LinkState link;

  auto carry = [&](const Output& out) {
    for (const std::string& line : out.log) log.line(line);
    for (const Action& action : out.actions) {
      if (const auto* c = std::get_if<ConfigureDataPlane>(&action)) {
        data_plane->apply(c->state, link);
      } else if (const auto* g = std::get_if<SendGratuitousArp>(&action)) {
        data_plane->send_gratuitous_arp(g->address);
      } else if (const auto* a = std::get_if<SendRequest>(&action)) {
        const int ttl = a->ttl;
        ::setsockopt(sock->fd(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
        const int err = sock->send(a->payload, a->source, a->destination);
        const std::string route = a->source.to_string() + ":" + std::to_string(sock->port()) + " -> " +
                                  a->destination.to_string();
        log.line((err ? "tx-failed " : "tx ") + route + " " + a->summary +
                 (err ? std::string(": ") + std::strerror(err) : std::string()));
        if (err) node.on_request_not_sent(Now::current());
      } else if (const auto* s = std::get_if<SendSolicitation>(&action)) {
        const auto packet = build_ipv4_packet(s->source, s->destination, kProtoIcmp, s->icmp, s->ttl);
        const int err = agents->send(packet, link_address_without_arp(s->destination).value_or(kBroadcastMac));
        if (err) log.line("tx-failed Agent Solicitation: " + std::string(std::strerror(err)));
      } else if (const auto* k = std::get_if<SendKeepalive>(&action)) {
        data_plane->send_keepalive(k->sequence);
      }
    }
  };

  try {
    sock = std::make_unique<PktinfoUdpSocket>(0);
    monitor = std::make_unique<LinkMonitor>(config.interface);
    if (monitor->ifindex() == 0) throw std::runtime_error("interface " + config.interface + " does not exist");
    agents = std::make_unique<LinkIpSocket>(config.interface);
    agents->accept_only(wire::AgentAdvertisement::kIcmpType);
    MnDataPlane::Callbacks callbacks;
    callbacks.keepalive_reply = [&] { carry(node.on_keepalive_reply(Now::current())); };
    callbacks.sent_to_home_agent = [&] { node.note_sent_to_home_agent(Now::current()); };
    data_plane = std::make_unique<MnDataPlane>(config, loop, log, *sock, callbacks);
    if (config.control_socket) {
      control = std::make_unique<ControlServer>(*config.control_socket, loop, [&node](std::string_view line) {
        if (line == "state") return node.state_json(Now::current()).dump();
        if (line == "ping") return std::string(R"({"pong":true})");
        return nlohmann::json{{"error", "unknown command"}, {"commands", {"state", "ping"}}}.dump();
      });
    }
  } catch (const std::exception& e) {
    log.line(std::string("error: ") + e.what());
    std::fprintf(stderr, "mipd: %s\n", e.what());
    return 1;
  }

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
        carry(node.on_link(link, Now::current()));
      }
    }
    if (changes.route) carry(node.on_routes_changed(Now::current()));
  });
  loop.add(agents->fd(), POLLIN, [&](short) {
    for (int i = 0; i < kMaxPerWake; ++i) {
      auto p = agents->receive();
      if (!p) return;
      if (p->outgoing || p->truncated) continue;
      auto h = parse_ipv4_header(p->packet);
      if (!h || h->protocol != kProtoIcmp) continue;
      const auto icmp = ipv4_payload(p->packet, *h);
      ReceivedIcmp m{std::vector<uint8_t>(icmp.begin(), icmp.end()), h->source, h->destination, h->ttl, p->link_source};
      carry(node.on_advertisement(m, Now::current()));
    }
  });
  loop.add(sock->fd(), POLLIN, [&](short) {
    for (int i = 0; i < kMaxPerWake; ++i) {
      auto d = sock->receive();
      if (!d) return;
      if (d->truncated) {
        log.line("rx " + d->source.to_string() + ": datagram truncated, discarded");
        continue;
      }
      if (!d->payload.empty() && d->payload[0] == kTunnelDataType) {
        data_plane->on_tunnel_data(*d);
        continue;
      }
      try {
        carry(node.on_reply(d->payload, d->source, Now::current()));
      } catch (const std::exception& e) {
        log.line("rx " + d->source.to_string() + " => discarded: internal error: " + e.what());
      }
    }
  });
  loop.add(signals.fd(), POLLIN, [&](short) {
    while (int s = signals.read_signal()) {
      log.line(std::string("received SIG") + sigabbrev_np(s) + ", exiting");
      loop.stop();
    }
  });
  loop.set_timer([&] { return node.next_deadline(); }, [&] { carry(node.on_timer(Now::current())); });

  std::string fault_list;
  for (const std::string& n : faults.names()) fault_list += (fault_list.empty() ? "" : ",") + n;
  log.line("ready: role=mn interface=" + config.interface + " home_address=" + config.home_address.to_string() +
           " home_network=" + config.home_network.to_string() + " home_agent=" + config.home_agent.to_string() +
           " mode=" + std::string(care_of_mode_name(config.mode)) + " lifetime=" + std::to_string(config.lifetime) +
           " reverse_tunnelling=" + (config.reverse_tunnelling ? "true" : "false") + " udp_tunnelling=" +
           (config.udp_tunnelling.enabled ? (config.udp_tunnelling.force ? "forced" : "true") : "false") +
           " port=" + std::to_string(sock->port()) +
           " control_socket=" + (config.control_socket ? *config.control_socket : "-") +
           " faults=" + (fault_list.empty() ? "-" : fault_list) + " data_plane: " + data_plane->describe());
  link = monitor->snapshot();
  carry(node.on_link(link, Now::current()));

  const bool ok = loop.run();
  if (!fatal && data_plane->fatal()) fatal = data_plane->fatal();
  data_plane.reset();  // restores ARP settings, removes routes
  control.reset();     // removes the socket file
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
