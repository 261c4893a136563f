#include "agents/mn/mn_data_plane.h"

#include <net/if.h>
#include <poll.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "agents/common/ip_in_ip.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/tunnel_endpoint.h"
#include "agents/common/udp_tunnel_data.h"
#include "harness/wire/tunnel_data.h"

namespace mipvpn::agents::mn {
namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr unsigned kDropLogsPerSecond = 10;
constexpr int kMaxPacketsPerWake = 64;

std::string read_sysctl(const std::string& path) {
  std::ifstream in(path);
  std::string v;
  in >> v;
  return v;
}

bool same_route(const std::optional<RouteSpec>& a, const std::optional<RouteSpec>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->prefix.network == b->prefix.network && a->prefix.length == b->prefix.length &&
         a->ifindex == b->ifindex && a->gateway == b->gateway && a->onlink == b->onlink && a->table == b->table;
}

// The RFC 3519 4.9 keepalive's inner packet: an ICMP Echo Request from the home address to the home agent.
std::vector<uint8_t> keepalive_packet(const Tins::IPv4Address& home_address, const Tins::IPv4Address& home_agent,
                                      uint16_t sequence) {
  return wire::make_keepalive(home_address, home_agent, MobileNode::kKeepaliveIdentifier, sequence).payload();
}

}  // namespace

MnDataPlane::MnDataPlane(const MnConfig& config, EventLoop& loop, Logger& log, PktinfoUdpSocket& registration_socket,
                         Callbacks callbacks)
    : config_(config),
      loop_(loop),
      log_(log),
      registration_socket_(registration_socket),
      callbacks_(std::move(callbacks)),
      ip_in_ip_(std::make_shared<IpInIpEncapsulation>()) {
  tun_ = std::make_unique<TunDevice>(config_.data_plane.tunnel_device, config_.data_plane.mtu);
  routes_ = std::make_unique<RouteControl>();
  raw_ = std::make_unique<RawIpSocket>(kProtoIpInIp);
  if (config_.data_plane.link_layer) {
    arp_ = std::make_unique<ArpSocket>(config_.interface);
    ifindex_ = arp_->ifindex();
    const std::string conf = "/proc/sys/net/ipv4/conf/" + config_.interface + "/";
    original_arp_ignore_ = read_sysctl(conf + "arp_ignore");
    original_arp_announce_ = read_sysctl(conf + "arp_announce");
  } else {
    ifindex_ = static_cast<int>(::if_nametoindex(config_.interface.c_str()));
    if (ifindex_ == 0) throw std::runtime_error("interface " + config_.interface + " does not exist");
  }
  // Decapsulated packets enter through the TUN device while the way back may be the physical interface.
  std::ofstream("/proc/sys/net/ipv4/conf/" + tun_->name() + "/rp_filter") << "0\n";
  if (read_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter") == "1") {
    log_.line("warning: net.ipv4.conf.all.rp_filter is 1 (strict): packets tunnelled to the home address may be "
              "dropped unless a reverse tunnel routes the answers back through " + tun_->name());
  }
  loop_.add(tun_->fd(), POLLIN, [this](short revents) { on_tun(revents); });
  loop_.add(raw_->fd(), POLLIN, [this](short) { on_raw(); });
  if (arp_) loop_.add(arp_->fd(), POLLIN, [this](short) { on_arp(); });
}

MnDataPlane::~MnDataPlane() {
  loop_.remove(tun_->fd());
  loop_.remove(raw_->fd());
  if (arp_) loop_.remove(arp_->fd());
  clear_routes();
  if (!original_arp_ignore_.empty()) set_sysctl("arp_ignore", original_arp_ignore_);
  if (!original_arp_announce_.empty()) set_sysctl("arp_announce", original_arp_announce_);
}

std::string MnDataPlane::describe() const {
  return "tunnel_device=" + tun_->name() + " mtu=" + std::to_string(tun_->mtu()) + " interface=" + config_.interface +
         (arp_ ? " (" + mac_to_string(arp_->mac()) + ")" : std::string(" (no link layer)")) +
         " table=" + std::to_string(config_.data_plane.routing_table);
}

void MnDataPlane::set_sysctl(const std::string& name, const std::string& value) {
  const std::string path = "/proc/sys/net/ipv4/conf/" + config_.interface + "/" + name;
  std::ofstream out(path);
  out << value << "\n";
  out.flush();
  if (!out) log_.line("warning: cannot write " + value + " to " + path);
}

void MnDataPlane::clear_routes() {
  const Ipv4Prefix hoa = host_prefix(config_.home_address);
  if (rule_installed_) {
    const std::string e = routes_->delete_rule(hoa, config_.data_plane.routing_table, config_.data_plane.rule_priority);
    if (!e.empty()) log_.line("data plane: " + e);
    rule_installed_ = false;
  }
  if (table_route_) {
    const std::string e = routes_->delete_route(*table_route_);
    if (!e.empty()) log_.line("data plane: " + e);
    table_route_.reset();
  }
  if (neighbor_) {
    const std::string e = routes_->delete_neighbor(*neighbor_, ifindex_);
    if (!e.empty()) log_.line("data plane: " + e);
    neighbor_.reset();
  }
}

void MnDataPlane::apply(const DataPlaneState& state, const LinkState& link) {
  std::vector<std::string> errors;
  auto check = [&](const std::string& e) {
    if (!e.empty()) errors.push_back(e);
  };
  const bool home = state.location == Location::Home;
  // ARP (4.6): away, the physical interface answers only for its own addresses (arp_ignore 1, so never for the home
  // address on the TUN device) and never names the home address as its sender (arp_announce 2).
  if (arp_) {
    set_sysctl("arp_ignore", state.answer_arp_for_home_address ? original_arp_ignore_ : "1");
    set_sysctl("arp_announce", home ? original_arp_announce_ : "2");
  }
  if (home) {
    clear_routes();
    if (home_address_on_tun_) {
      check(routes_->delete_address(config_.home_address, 32, tun_->ifindex()));
      home_address_on_tun_ = false;
    }
    bool present = false;
    for (const InterfaceAddress& a : link.addresses) present = present || a.address == config_.home_address;
    if (!present) check(routes_->add_address(config_.home_address, config_.home_network.length, ifindex_));
  } else {
    for (const InterfaceAddress& a : link.addresses) {
      if (a.address == config_.home_address) {
        check(routes_->delete_address(config_.home_address, a.prefix_length, ifindex_));
      }
    }
    if (!home_address_on_tun_) {
      check(routes_->add_address(config_.home_address, 32, tun_->ifindex()));
      home_address_on_tun_ = true;
    }
    std::optional<RouteSpec> route;
    if (state.location == Location::ForeignAgent) {
      // "it MAY use its foreign agent as a first-hop router. The foreign agent's MAC address can be learned from the
      // foreign agent's Agent Advertisement message." (4.2.1)
      if (neighbor_ && *neighbor_ != state.agent_address) {
        check(routes_->delete_neighbor(*neighbor_, ifindex_));
        neighbor_.reset();
      }
      check(routes_->replace_neighbor(state.agent_address, state.agent_mac, ifindex_));
      neighbor_ = state.agent_address;
      route = RouteSpec{Ipv4Prefix{Tins::IPv4Address(), 0}, ifindex_, state.agent_address, true, std::nullopt,
                        config_.data_plane.routing_table};
    } else {
      if (neighbor_) {
        check(routes_->delete_neighbor(*neighbor_, ifindex_));
        neighbor_.reset();
      }
      if (state.location == Location::CoLocated && state.reverse_tunnel) {
        route = RouteSpec{Ipv4Prefix{Tins::IPv4Address(), 0}, tun_->ifindex(), std::nullopt, false, std::nullopt,
                          config_.data_plane.routing_table};
      }
    }
    if (!same_route(route, table_route_)) {
      if (table_route_ && !route) check(routes_->delete_route(*table_route_));
      if (route) check(routes_->replace_route(*route));
      table_route_ = route;
    }
    const Ipv4Prefix hoa = host_prefix(config_.home_address);
    if (route && !rule_installed_) {
      check(routes_->add_rule(hoa, config_.data_plane.routing_table, config_.data_plane.rule_priority));
      rule_installed_ = true;
    } else if (!route && rule_installed_) {
      check(routes_->delete_rule(hoa, config_.data_plane.routing_table, config_.data_plane.rule_priority));
      rule_installed_ = false;
    }
  }
  state_ = state;
  applied_ = true;
  std::string text = "data plane: " + std::string(location_name(state.location));
  if (home) {
    text += ": home address on " + config_.interface + ", ARP answered";
  } else {
    text += ": home address on " + tun_->name();
    if (state.location == Location::ForeignAgent) {
      text += ", first hop " + state.agent_address.to_string() + " (" + mac_to_string(state.agent_mac) + ")";
    }
    if (state.location == Location::CoLocated) {
      text += ", decapsulating from " + state.home_agent.to_string() + " to " + state.care_of_address.to_string();
      text += state.udp_tunnel ? " (UDP tunnel " + state.udp_tunnel->to_string() + ")" : " (IP-in-IP)";
      text += state.reverse_tunnel ? ", reverse tunnel via " + tun_->name() : ", no reverse tunnel";
    }
    text += state.answer_arp_for_home_address ? ", ARP for the home address answered (fault mn-answer-arp-while-away)"
                                              : ", no ARP for the home address";
  }
  for (const std::string& e : errors) text += "; FAILED: " + e;
  log_.line(text);
}

void MnDataPlane::set_user_data_allowed(bool allowed) {
  if (allowed == user_data_allowed_) return;
  user_data_allowed_ = allowed;
  log_.line(std::string("data plane: user data ") +
            (allowed ? "flows again" : "stopped: dropped until detection and registrations complete (RFC 5265 3.2.2)"));
}

void MnDataPlane::send_gratuitous_arp(const Tins::IPv4Address& address) {
  if (!arp_) return;
  // "In this gratuitous ARP, the ARP Sender Hardware Address is set to the link-layer address of the mobile node."
  const int e = arp_->send(gratuitous_arp(address, arp_->mac()), kBroadcastMac);
  log_.line("tx gratuitous ARP " + address.to_string() + " is-at " + mac_to_string(arp_->mac()) +
            (e ? std::string(" FAILED: ") + std::strerror(e) : std::string()));
}

void MnDataPlane::send_keepalive(uint16_t sequence) {
  if (!state_.udp_tunnel) return;
  send_to_home_agent(keepalive_packet(config_.home_address, state_.home_agent, sequence));
  log_.line("tx keepalive ICMP Echo seq=" + std::to_string(sequence) + " through the UDP tunnel to " +
            state_.udp_tunnel->to_string() + " (RFC 3519 4.9)");
}

void MnDataPlane::send_to_home_agent(std::span<const uint8_t> inner) {
  std::string err;
  if (state_.udp_tunnel) {
    UdpTunnelEndpoint ep(registration_socket_, ip_in_ip_, state_.care_of_address, *state_.udp_tunnel);
    err = ep.send(inner);
    if (!err.empty()) drop("tx-failed " + ep.describe() + ": " + err);
  } else {
    RawTunnelEndpoint ep(*raw_, ip_in_ip_, state_.care_of_address, state_.home_agent);
    err = ep.send(inner);
    if (!err.empty()) drop("tx-failed " + ep.describe() + ": " + err);
  }
  if (err.empty() && callbacks_.sent_to_home_agent) callbacks_.sent_to_home_agent();
}

void MnDataPlane::on_tun(short revents) {
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    TunRead r = tun_->read();
    if (r.status == TunReadStatus::WouldBlock) break;
    if (r.status == TunReadStatus::Gone) {
      fatal_ = r.error;
      loop_.stop();
      return;
    }
    auto h = parse_ipv4_header(r.packet);
    if (!h) continue;
    if (state_.location != Location::CoLocated || !state_.reverse_tunnel) {
      drop("drop from " + tun_->name() + ": " + h->source.to_string() + " -> " + h->destination.to_string() +
           ", no reverse tunnel");
      continue;
    }
    if (h->source != config_.home_address) {
      drop("drop from " + tun_->name() + ": source " + h->source.to_string() + " is not the home address");
      continue;
    }
    if (!user_data_allowed_) {
      drop("drop from " + tun_->name() + ": " + h->source.to_string() + " -> " + h->destination.to_string() +
           ", user data stopped (RFC 5265 3.2.2)");
      continue;
    }
    // "it MAY encapsulate outgoing data such that the destination address of the outer header is the home agent"
    // (RFC 3024 4.1.2)
    send_to_home_agent(r.packet);
  }
  if (TunDevice::revents_mean_gone(revents) && !fatal_) {
    fatal_ = tun_->gone_message("poll revents " + std::to_string(revents));
    loop_.stop();
  }
}

void MnDataPlane::on_raw() {
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    auto p = raw_->receive();
    if (!p) return;
    auto outer = parse_ipv4_header(p->bytes);
    if (!outer) continue;
    if (state_.location != Location::CoLocated || outer->destination != state_.care_of_address) continue;
    const std::string from = "IP-in-IP " + outer->source.to_string() + " -> " + outer->destination.to_string();
    if (outer->source != state_.home_agent) {
      drop("drop " + from + ": outer source is not the home agent");
      continue;
    }
    if (state_.udp_tunnel) {
      drop("drop " + from + ": UDP tunnelling is in force for this binding (RFC 3519 4.7)");
      continue;
    }
    std::string why;
    auto inner = ip_in_ip_->decapsulate(ipv4_payload(p->bytes, *outer), {outer->source, outer->destination}, &why);
    if (!inner) {
      drop("drop " + from + ": " + why);
      continue;
    }
    deliver(*inner, from);
  }
}

void MnDataPlane::on_tunnel_data(const Datagram& d) {
  const std::string from = "tunnel data " + d.source.to_string() + " -> " + d.destination.to_string();
  // "the decapsulating node MUST verify that the outer IP addresses and UDP port numbers exactly match the values
  // used for the tunnel" (RFC 3519 4.3)
  if (!state_.udp_tunnel || state_.location != Location::CoLocated) {
    drop("drop " + from + ": no UDP tunnel established");
    return;
  }
  if (!(d.source == *state_.udp_tunnel) || d.destination.address != state_.care_of_address) {
    drop("drop " + from + ": not the tunnel " + state_.udp_tunnel->to_string() + " -> " +
         state_.care_of_address.to_string() + " (RFC 3519 4.3)");
    return;
  }
  std::string why;
  auto td = unwrap_tunnel_data(d.payload, &why);
  if (!td) {
    drop("drop " + from + ": " + why);
    return;
  }
  // "The receiver of a tunnelled packet MUST check that the Next Header value matches the tunnelling mode established
  // for the mobility binding" (RFC 3519 3.3)
  if (td->next_header != ip_in_ip_->ip_protocol()) {
    drop("drop " + from + ": Next Header " + std::to_string(td->next_header) + ", the tunnel uses IP-in-IP (4)");
    return;
  }
  auto inner = ip_in_ip_->decapsulate(td->payload, {d.source.address, d.destination.address}, &why);
  if (!inner) {
    drop("drop " + from + ": " + why);
    return;
  }
  deliver(*inner, from);
}

void MnDataPlane::deliver(std::span<const uint8_t> inner, const std::string& via) {
  std::string why;
  auto h = parse_ipv4_header(inner, &why);
  if (!h) {
    drop("drop " + via + ": inner packet malformed: " + why);
    return;
  }
  if (h->destination != config_.home_address) {
    drop("drop " + via + ": inner destination " + h->destination.to_string() + " is not the home address");
    return;
  }
  // The answer to our keepalive (ICMP Echo Reply from the home agent with our identifier) is consumed here.
  const auto payload = ipv4_payload(inner, *h);
  if (h->protocol == kProtoIcmp && h->source == state_.home_agent && payload.size() >= 8 && payload[0] == 0 &&
      ((payload[4] << 8) | payload[5]) == MobileNode::kKeepaliveIdentifier) {
    if (callbacks_.keepalive_reply) callbacks_.keepalive_reply();
    return;
  }
  if (!user_data_allowed_) {
    drop("drop " + via + ": " + h->source.to_string() + " -> " + h->destination.to_string() +
         ", user data stopped (RFC 5265 3.2.2)");
    return;
  }
  const int e = tun_->write(inner);
  if (e != 0) drop("tx-failed to " + tun_->name() + ": " + std::strerror(e));
}

void MnDataPlane::on_arp() {
  for (int i = 0; i < kMaxPacketsPerWake; ++i) {
    auto r = arp_->receive();
    if (!r) return;
    if (r->outgoing || r->arp.operation != kArpRequest || r->arp.target_ip != config_.home_address) continue;
    if (state_.location == Location::Home || state_.answer_arp_for_home_address) continue;  // the kernel answers
    // "it MUST NOT reply to ARP Requests in which the target IP address is its own home address unless the ARP
    // Request is unicast by a foreign agent with which the mobile node is attempting to register or a foreign agent
    // with which the mobile node has an unexpired registration. In the latter case, the mobile node MUST use a
    // unicast ARP Reply to respond to the foreign agent." (4.6)
    if (state_.location == Location::ForeignAgent && r->unicast && r->arp.sender_ip == state_.agent_address) {
      const int e = arp_->send(proxy_arp_reply(r->arp, arp_->mac()), r->arp.sender_mac);
      log_.line("ARP " + config_.home_address.to_string() + " is-at " + mac_to_string(arp_->mac()) +
                " unicast to foreign agent " + r->arp.sender_ip.to_string() +
                (e ? std::string(" FAILED: ") + std::strerror(e) : std::string()) + " (RFC 5944 4.6)");
    } else {
      drop("ARP request for the home address from " + r->arp.sender_ip.to_string() + (r->unicast ? "" : " (broadcast)") +
           " not answered while away (RFC 5944 4.6)");
    }
  }
}

void MnDataPlane::drop(const std::string& text) {
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

}  // namespace mipvpn::agents::mn
