#include "agents/ha/ha_daemon.h"

#include <poll.h>
#include <signal.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "agents/common/control_server.h"
#include "agents/common/event_loop.h"
#include "agents/common/udp_socket.h"
#include "agents/common/udp_tunnel_data.h"
#include "agents/ha/ha_data_plane.h"
#include "agents/ha/home_agent.h"
#include "harness/wire/codes.h"

namespace mipvpn::agents::ha {
namespace {

constexpr int kMaxDatagramsPerWake = 64;

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
  return buf;
}

void send_reply(PktinfoUdpSocket& sock, Logger& log, const OutgoingReply& r, std::string_view why) {
  const std::string route = r.source.to_string() + ":" + std::to_string(r.source_port) + " -> " +
                            r.destination.to_string();
  const std::string what = "RRP code=" + std::to_string(r.code) + " (" + std::string(wire::reply_code_name(r.code)) +
                           ") lifetime=" + std::to_string(r.lifetime) + " HA=" + r.home_agent.to_string() +
                           " id=" + hex64(r.identification) + " len=" + std::to_string(r.payload.size()) +
                           (r.trusted_networks_configured ? " TNC" : "") +
                           (r.foreign_home_spi ? " FA-HA spi=" + std::to_string(*r.foreign_home_spi) : "");
  if (static_cast<uint32_t>(r.destination.address) == 0) {
    log.line("tx-skipped " + route + " " + what + ": the request's source address is 0.0.0.0");
    return;
  }
  const int err = sock.send(r.payload, r.source, r.destination);
  if (err != 0) {
    log.line("tx-failed " + route + " " + what + ": " + std::strerror(err));
  } else {
    log.line("tx " + route + " " + what + (why.empty() ? "" : " (" + std::string(why) + ")"));
  }
}

std::string handle_control(HomeAgent& ha, std::string_view line) {
  if (line == "bindings") return ha.bindings_json(Now::current()).dump();
  if (line == "ping") return R"({"pong":true})";
  nlohmann::json err{{"error", "unknown command"}, {"commands", {"bindings", "ping"}}};
  return err.dump();
}

// "-" for a plain home agent; the i-HA's trusted subnets (RFC 5265 4.3), "none" when the list is empty.
std::string trusted_text(const HaConfig& config) {
  if (!config.trusted_networks) return "-";
  std::string out;
  for (const Ipv4Prefix& p : *config.trusted_networks) out += (out.empty() ? "" : ",") + p.to_string();
  return out.empty() ? "none" : out;
}

}  // namespace

int run_home_agent(const HaConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals) {
  HomeAgent ha(config, faults);
  EventLoop loop;
  std::unique_ptr<PktinfoUdpSocket> sock;
  std::unique_ptr<ControlServer> control;
  std::unique_ptr<HaDataPlane> data_plane;
  try {
    sock = std::make_unique<PktinfoUdpSocket>(kRegistrationPort);
    if (faults.has(Fault::ReplyWrongSourceAddress) && !sock->allow_foreign_source()) {
      log.line(std::string("warning: IP_TRANSPARENT refused (") + std::strerror(errno) +
               "); replies from a foreign source address may fail");
    }
    if (config.data_plane) data_plane = std::make_unique<HaDataPlane>(ha, loop, log, *sock);
    if (config.control_socket) {
      control = std::make_unique<ControlServer>(*config.control_socket, loop,
                                                [&ha](std::string_view line) { return handle_control(ha, line); });
    }
  } catch (const std::exception& e) {
    log.line(std::string("error: ") + e.what());
    return 1;
  }

  loop.add(sock->fd(), POLLIN, [&](short) {
    for (int i = 0; i < kMaxDatagramsPerWake; ++i) {
      auto d = sock->receive();
      if (!d) return;
      const std::string route = d->source.to_string() + " -> " + d->destination.to_string();
      if (d->truncated) {
        log.line("rx " + route + " len>" + std::to_string(d->payload.size()) + " => discarded: datagram truncated");
        continue;
      }
      if (!d->payload.empty() && d->payload[0] == kTunnelDataType) {  // RFC 3519 3.3 tunnel data
        if (data_plane) {
          data_plane->on_tunnel_data(*d);
        } else {
          log.line("rx " + route + " tunnel data => discarded: no data plane configured");
        }
        continue;
      }
      try {
        Outcome o = ha.process(d->payload, d->source, d->destination, Now::current());
        log.line("rx " + route + " len=" + std::to_string(d->payload.size()) + " " + o.request + " => " +
                 std::string(verdict_name(o.verdict)) + ": " + o.reason);
        // RFC 5944 4.6 orders it: gratuitous ARP and proxy ARP start when the request is accepted; after an
        // accepted deregistration they proceed "in parallel with" the reply.
        if (data_plane) data_plane->apply(o.home_link);
        if (o.reply) send_reply(*sock, log, *o.reply, "");
      } catch (const std::exception& e) {  // never expected; one bad datagram must not end the daemon
        log.line("rx " + route + " len=" + std::to_string(d->payload.size()) + " => discarded: internal error: " +
                 e.what());
      }
    }
  });
  loop.add(signals.fd(), POLLIN, [&](short) {
    while (int s = signals.read_signal()) {
      log.line(std::string("received SIG") + sigabbrev_np(s) + ", exiting");
      loop.stop();
    }
  });
  loop.set_timer(
      [&]() -> std::optional<std::chrono::steady_clock::time_point> {
        auto next = ha.next_expiry();
        auto dp = data_plane ? data_plane->next_deadline() : std::nullopt;
        if (!next || (dp && *dp < *next)) next = dp;
        return next;
      },
      [&] {
        for (const ExpiryEvent& ev : ha.expire(Now::current())) {
          log.line("expired binding HoA=" + ev.binding.home_address.to_string() +
                   " CoA=" + ev.binding.care_of_address.to_string() + " id=" + hex64(ev.binding.identification) +
                   " (no reply, RFC 5944 3.8)");
          if (data_plane) data_plane->apply(ev.home_link);
          if (ev.reply) send_reply(*sock, log, *ev.reply, "fault reply-on-expiry");
        }
        if (data_plane) data_plane->fire(std::chrono::steady_clock::now());
      });

  std::string fault_list;
  for (const std::string& n : faults.names()) fault_list += (fault_list.empty() ? "" : ",") + n;
  log.line("ready: role=ha address=" + config.address.to_string() + " home_network=" +
           config.home_network.to_string() + " port=" + std::to_string(kRegistrationPort) + " max_lifetime=" +
           std::to_string(config.max_lifetime) + " simultaneous_bindings=" +
           (config.simultaneous_bindings ? "true" : "false") + " mobile_nodes=" +
           std::to_string(config.mobile_nodes.size()) +
           " control_socket=" + (config.control_socket ? *config.control_socket : "-") +
           " faults=" + (fault_list.empty() ? "-" : fault_list) + " trusted_networks=" + trusted_text(config) +
           (data_plane ? " data_plane: " + data_plane->describe() : std::string(" data_plane=-")));
  if (config.trusted_networks && config.trusted_networks->empty()) {
    log.line("warning: trusted_networks is empty: as an i-HA this home agent drops every registration request "
             "(RFC 5265 4.3: no subnets are trusted by default)");
  }
  if (!loop.run()) {
    log.line(std::string("error: poll failed: ") + std::strerror(errno));
    return 1;
  }
  if (data_plane && data_plane->fatal()) {
    log.line("error: " + *data_plane->fatal() + ", exiting");
    std::fprintf(stderr, "mipd: %s\n", data_plane->fatal()->c_str());
    control.reset();
    return 1;
  }
  control.reset();  // removes the socket file
  log.line("stopped");
  return 0;
}

}  // namespace mipvpn::agents::ha
