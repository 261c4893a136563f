#include "agents/ha/ha_data_plane.h"

#include <poll.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "agents/common/ipv4_packet.h"
#include "agents/common/tunnel_endpoint.h"
#include "agents/common/udp_tunnel_data.h"
#include "harness/wire/tunnel_data.h"

namespace mipvpn::agents::ha {
namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

// RFC 5944 4.6: the gratuitous ARP "SHOULD be retransmitted a small number of times".
constexpr int kGratuitousArpCount = 3;
constexpr auto kGratuitousArpSpacing = 200ms;
// How long an accepted deregistration waits for the mobile node's link-layer address to be seen.
constexpr auto kMacProbeTimeout = 2s;
constexpr unsigned kDropLogsPerSecond = 10;
constexpr int kMaxPacketsPerWake = 64;

// An RFC 3519 4.9 keepalive (ICMP Echo in the tunnel), recognized by harness/wire. wire reads it in a Next Header 4
// message; the ICMP packet out of a GRE or minimal tunnel is shown to it the same way (a copy, for ICMP only).
std::optional<wire::Keepalive> keepalive_in(const TunnelDataView& td, std::span<const uint8_t> datagram,
                                            std::span<const uint8_t> inner) {
  if (td.next_header == wire::TunnelData::kNextIpInIp) return wire::recognize_keepalive(datagram);
  auto h = parse_ipv4_header(inner);
  if (!h || h->protocol != kProtoIcmp) return std::nullopt;
  return wire::recognize_keepalive(wrap_tunnel_data(wire::TunnelData::kNextIpInIp, inner));
}

}  // namespace

HaDataPlane::HaDataPlane(HomeAgent& ha, EventLoop& loop, Logger& log, PktinfoUdpSocket& registration_socket)
    : ha_(ha), loop_(loop), log_(log), registration_socket_(registration_socket) {
  const HaConfig& c = ha_.config();
  if (!c.data_plane) throw std::logic_error("HaDataPlane without a data_plane configuration");
  tun_ = std::make_unique<TunDevice>(c.data_plane->tunnel_device, c.data_plane->mtu);
  routes_ = std::make_unique<RouteControl>();
  arp_ = std::make_unique<ArpSocket>(c.home_interface);
  for (EncapsulationType t : c.encapsulations) {
    auto e = make_encapsulation(t);
    if (!e) throw std::runtime_error("encapsulation " + std::string(encapsulation_name(t)) + " not implemented");
    encapsulations_[t] = std::move(e);
    // Bound to the HA's address: the outer source is the Home Agent field address (RFC 5944 4.2.3), and only
    // packets addressed to the HA are received (every raw socket of a protocol would get all of them otherwise).
    raw_[t] = std::make_unique<RawIpSocket>(static_cast<uint8_t>(t), RawIpOptions{c.address, std::nullopt, ""});
  }
  loop_.add(tun_->fd(), POLLIN, [this](short revents) { on_tun(revents); });
  for (auto& [type, socket] : raw_) {
    RawIpSocket* s = socket.get();
    loop_.add(s->fd(), POLLIN, [this, s](short revents) { on_raw(*s, revents); });
  }
  loop_.add(arp_->fd(), POLLIN, [this](short) { on_arp(); });

  std::ifstream forwarding("/proc/sys/net/ipv4/ip_forward");
  int on = 0;
  if (forwarding >> on && on == 0) {
    log_.line("warning: net.ipv4.ip_forward is 0: intercepted and reverse-tunnelled datagrams will not be forwarded");
  }
}

HaDataPlane::~HaDataPlane() = default;

std::string HaDataPlane::describe() const {
  std::string encs;
  for (const auto& [t, e] : encapsulations_) encs += (encs.empty() ? "" : ",") + std::string(encapsulation_name(t));
  const HaConfig& c = ha_.config();
  return "tunnel_device=" + tun_->name() + " mtu=" + std::to_string(tun_->mtu()) + " home_interface=" +
         arp_->interface() + " (" + mac_to_string(arp_->mac()) + ") encapsulations=" + encs +
         " udp_tunnelling=" + (c.udp_tunnelling.enabled ? "on" : "off") +
         " reverse_tunnel_check=" + (c.reverse_tunnel_check ? "on" : "off");
}

void HaDataPlane::apply(const HomeLinkAction& action) {
  const Ipv4Prefix host = host_prefix(action.home_address);
  switch (action.change) {
    case HomeLinkChange::Unchanged: return;
    case HomeLinkChange::StartIntercepting: {
      const std::string err = routes_->replace_route(host, tun_->ifindex());
      log_.line("home-link " + action.home_address.to_string() + ": intercepting (route into " + tun_->name() +
                (err.empty() ? "" : " FAILED: " + err) + ", proxy ARP on, RFC 5944 4.6)");
      awaiting_mac_.erase(to_host(action.home_address));
      if (action.gratuitous_arp) {
        // "In the gratuitous ARP, the ARP Sender Hardware Address is set to the link-layer address of the home
        // agent."
        announce(action.home_address, arp_->mac(), "first binding");
      } else {
        log_.line("home-link " + action.home_address.to_string() +
                  ": no gratuitous ARP on the first binding (fault no-gratuitous-arp-on-first-binding)");
      }
      return;
    }
    case HomeLinkChange::StopIntercepting: {
      const std::string err = routes_->delete_route(host, tun_->ifindex());
      log_.line("home-link " + action.home_address.to_string() + ": stopped intercepting (route removed" +
                (err.empty() ? "" : " FAILED: " + err) + ", proxy ARP off, RFC 5944 4.6)");
      if (!action.gratuitous_arp) return;  // expiry, or the fault
      // "In this gratuitous ARP, the ARP Sender Hardware Address is set to the link-layer address of the mobile
      // node." The MN announces itself before deregistering (4.6), so its address is normally known already.
      auto it = mobile_node_macs_.find(to_host(action.home_address));
      if (it != mobile_node_macs_.end()) {
        announce(action.home_address, it->second, "deregistration");
      } else {
        // Ask for it; the answer (or any ARP from the MN) triggers the announcement.
        ArpPacket probe;
        probe.operation = kArpRequest;
        probe.sender_mac = arp_->mac();
        probe.sender_ip = ha_.config().address;
        probe.target_ip = action.home_address;
        const int e = arp_->send(probe, kBroadcastMac);
        awaiting_mac_[to_host(action.home_address)] = steady_clock::now() + kMacProbeTimeout;
        log_.line("home-link " + action.home_address.to_string() +
                  ": mobile node's link-layer address unknown, ARP probe sent" +
                  (e ? std::string(" FAILED: ") + std::strerror(e) : std::string()));
      }
      return;
    }
  }
}

void HaDataPlane::announce(const Tins::IPv4Address& address, const MacAddress& mac, const std::string& why) {
  std::erase_if(announcements_, [&](const Announcement& a) { return a.address == address; });
  announcements_.push_back({address, mac, kGratuitousArpCount, steady_clock::now()});
  log_.line("home-link " + address.to_string() + ": gratuitous ARP x" + std::to_string(kGratuitousArpCount) +
            " with " + mac_to_string(mac) + " (" + why + ", RFC 5944 4.6)");
  fire(steady_clock::now());
}

std::optional<steady_clock::time_point> HaDataPlane::next_deadline() const {
  std::optional<steady_clock::time_point> next;
  for (const Announcement& a : announcements_) {
    if (!next || a.next < *next) next = a.next;
  }
  for (const auto& [hoa, deadline] : awaiting_mac_) {
    if (!next || deadline < *next) next = deadline;
  }
  return next;
}

void HaDataPlane::fire(steady_clock::time_point now) {
  for (Announcement& a : announcements_) {
    if (a.next > now || a.remaining <= 0) continue;
    const int e = arp_->send(gratuitous_arp(a.address, a.mac), kBroadcastMac);  // "as a broadcast packet"
    if (e) log_.line("tx-failed gratuitous ARP " + a.address.to_string() + ": " + std::strerror(e));
    --a.remaining;
    a.next = now + kGratuitousArpSpacing;
  }
  std::erase_if(announcements_, [](const Announcement& a) { return a.remaining <= 0; });
  for (auto it = awaiting_mac_.begin(); it != awaiting_mac_.end();) {
    if (it->second <= now) {
      log_.line("home-link " + from_host(it->first).to_string() +
                ": mobile node's link-layer address not seen, no gratuitous ARP on its behalf");
      it = awaiting_mac_.erase(it);
    } else {
      ++it;
    }
  }
}

void HaDataPlane::on_arp() {
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    auto r = arp_->receive();
    if (!r) return;
    if (r->outgoing || r->arp.sender_mac == arp_->mac()) continue;
    const ArpPacket& a = r->arp;
    // Learn a mobile node's own link-layer address from any ARP it sends (its gratuitous ARP on return, 4.6).
    if (ha_.serves(a.sender_ip)) {
      mobile_node_macs_[to_host(a.sender_ip)] = a.sender_mac;
      if (awaiting_mac_.erase(to_host(a.sender_ip)) && ha_.bindings().of(a.sender_ip).empty()) {
        announce(a.sender_ip, a.sender_mac, "deregistration");
      }
    }
    if (a.operation != kArpRequest || a.sender_ip == a.target_ip) continue;  // gratuitous ones need no answer
    if (!ha_.answers_arp_for(a.target_ip)) continue;
    const int e = arp_->send(proxy_arp_reply(a, arp_->mac()), a.sender_mac);
    log_.line("proxy ARP " + a.target_ip.to_string() + " is-at " + mac_to_string(arp_->mac()) + " to " +
              a.sender_ip.to_string() + (e ? std::string(" FAILED: ") + std::strerror(e) : std::string()));
  }
}

const Encapsulation* HaDataPlane::encapsulation(EncapsulationType t) const {
  auto it = encapsulations_.find(t);
  return it == encapsulations_.end() ? nullptr : it->second.get();
}

void HaDataPlane::on_tun(short revents) {
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    TunRead r = tun_->read();
    if (r.status == TunReadStatus::WouldBlock) break;
    if (r.status == TunReadStatus::Gone) {
      fatal_ = r.error;
      loop_.stop();
      return;
    }
    send_forward(r.packet);
  }
  if (TunDevice::revents_mean_gone(revents) && !fatal_) {
    fatal_ = tun_->gone_message("poll revents " + std::to_string(revents));
    loop_.stop();
  }
}

void HaDataPlane::send_forward(std::span<const uint8_t> packet) {
  const ForwardDecision d = ha_.forward(packet);
  if (d.targets.empty()) {
    drop("drop from " + tun_->name() + ": " + d.drop_reason);
    return;
  }
  for (const TunnelTarget& t : d.targets) {
    auto enc = encapsulations_.find(t.encapsulation);
    if (enc == encapsulations_.end()) {
      drop("drop for " + t.care_of_address.to_string() + ": encapsulation " +
           std::string(encapsulation_name(t.encapsulation)) + " not available");
      continue;
    }
    std::string err;
    if (t.udp_tunnel) {
      UdpTunnelEndpoint ep(registration_socket_, enc->second, ha_.config().address, *t.udp_tunnel);
      err = ep.send(packet);
      if (!err.empty()) drop("tx-failed " + ep.describe() + ": " + err);
    } else {
      RawTunnelEndpoint ep(*raw_.at(t.encapsulation), enc->second, ha_.config().address, t.care_of_address);
      err = ep.send(packet);
      if (!err.empty()) drop("tx-failed " + ep.describe() + ": " + err);
    }
  }
}

void HaDataPlane::on_raw(RawIpSocket& socket, short) {
  const auto type = encapsulation_by_protocol(socket.protocol());
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    auto p = socket.receive();
    if (!p) return;
    std::string why;
    auto outer = parse_ipv4_header(p->bytes, &why);
    if (!outer || !type) {
      drop("drop protocol " + std::to_string(socket.protocol()) + " packet: " + why);
      continue;
    }
    if (outer->destination != ha_.config().address) continue;  // not ours (bound socket: should not happen)
    const Encapsulation* enc = encapsulation(*type);
    const OuterAddresses received{outer->source, outer->destination, outer->ttl,
                                  std::span<const uint8_t>(p->bytes).first(outer->header_length)};
    auto inner = enc->decapsulate(ipv4_payload(p->bytes, *outer), received, &why);
    if (!inner) {
      drop("drop " + std::string(encapsulation_name(*type)) + " from " + outer->source.to_string() + ": " + why);
      continue;
    }
    deliver_reverse(ArrivedTunnel{outer->source, *type, std::nullopt}, *inner);
  }
}

void HaDataPlane::on_tunnel_data(const Datagram& d) {
  std::string why;
  auto td = unwrap_tunnel_data(d.payload, &why);
  const std::string from = d.source.to_string();
  if (!td) {
    drop("drop tunnel data from " + from + ": " + why);
    return;
  }
  const auto type = encapsulation_by_protocol(td->next_header);
  const Encapsulation* enc = type ? encapsulation(*type) : nullptr;
  if (enc == nullptr) {
    drop("drop tunnel data from " + from + ": Next Header " + std::to_string(td->next_header) +
         " not a tunnelling mode of this HA (RFC 3519 3.3)");
    return;
  }
  auto inner = enc->decapsulate(td->payload, {d.source.address, d.destination.address}, &why);
  if (!inner) {
    drop("drop tunnel data from " + from + ": " + why);
    return;
  }
  const ArrivedTunnel tunnel{d.source.address, *type, d.source.port};
  if (auto keepalive = keepalive_in(*td, d.payload, *inner)) {
    if (auto latched = ha_.latch_keepalive(tunnel, *keepalive)) log_.line(*latched);
  }
  deliver_reverse(tunnel, *inner);
}

void HaDataPlane::deliver_reverse(const ArrivedTunnel& tunnel, std::span<const uint8_t> inner) {
  const ReverseDecision r = ha_.check_reverse(tunnel, inner);
  if (!r.accept) {
    drop("drop reverse-tunnelled " + r.reason);
    return;
  }
  // Written to the tunnel device, the packet enters the kernel as if it had arrived there: forwarded to its
  // destination (RFC 3024 4.3.2), or answered locally (an RFC 3519 keepalive Echo Request to the HA).
  const int e = tun_->write(inner);
  if (e != 0) drop("tx-failed to " + tun_->name() + ": " + std::strerror(e) + " (" + r.reason + ")");
}

void HaDataPlane::drop(const std::string& text) {
  const auto now = steady_clock::now();
  if (now - drop_window_ >= 1s) {
    if (drops_suppressed_ > 0) {
      log_.line("(" + std::to_string(drops_suppressed_) + " more data-plane log lines suppressed)");
    }
    drop_window_ = now;
    drops_in_window_ = 0;
    drops_suppressed_ = 0;
  }
  if (drops_in_window_++ < kDropLogsPerSecond) {
    log_.line(text);
  } else {
    ++drops_suppressed_;
  }
}

}  // namespace mipvpn::agents::ha
