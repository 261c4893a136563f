// HomeAgent's data-plane decisions (RFC 5944 4.2.3, 4.6; RFC 3024 4.3.2; RFC 3519 4.3, 4.7): which care-of addresses
// a datagram for a home address is tunnelled to, whether a reverse-tunnelled packet may be forwarded, and whether
// an ARP Request is answered. No sockets: the daemon reads and writes the packets.
#include "agents/ha/home_agent.h"

#include "agents/common/ipv4_packet.h"

namespace mipvpn::agents::ha {

ForwardDecision HomeAgent::forward(std::span<const uint8_t> packet) const {
  ForwardDecision d;
  std::string why;
  auto h = parse_ipv4_header(packet, &why);
  if (!h) {
    d.drop_reason = "not an IPv4 packet: " + why;
    return d;
  }
  std::span<const Binding> bindings = table_.of(h->destination);
  if (bindings.empty()) {
    d.drop_reason = "no mobility binding for " + h->destination.to_string() + " (RFC 5944 4.2.3)";
    return d;
  }
  // An IP-in-IP packet whose inner destination is the outer one (the mobile node), sent from its current care-of
  // address, would loop: "the home agent MUST silently discard that datagram" (RFC 5944 4.2.3).
  if (h->protocol == kProtoIpInIp) {
    auto inner = parse_ipv4_header(ipv4_payload(packet, *h));
    if (inner && inner->destination == h->destination) {
      for (const Binding& b : bindings) {
        if (b.care_of_address == h->source) {
          d.drop_reason = "encapsulated datagram from the current care-of address " + h->source.to_string() +
                          " to the home address: likely routing loop (RFC 5944 4.2.3)";
          return d;
        }
      }
    }
  }
  if (faults_.has(Fault::SingleCopyForSimultaneousBindings) && bindings.size() > 1) {
    auto newest = std::max_element(bindings.begin(), bindings.end(), [](const Binding& a, const Binding& b) {
      return a.registered < b.registered;
    });
    bindings = bindings.subspan(static_cast<size_t>(newest - bindings.begin()), 1);
  }
  for (const Binding& b : bindings) {
    if (b.udp_awaiting_keepalive) {
      if (d.drop_reason.empty()) {
        d.drop_reason = "UDP tunnel to " + b.udp_tunnel->address.to_string() +
                        " waits for the first keepalive (R flag, RFC 3519 4.6)";
      }
      continue;
    }
    TunnelTarget t;
    t.care_of_address = b.care_of_address;
    t.encapsulation = b.encapsulation;
    t.udp_tunnel = b.udp_tunnel;
    if (faults_.has(Fault::TunnelToWrongAddress)) {
      t.care_of_address = from_host(to_host(b.care_of_address) + 1);
      if (t.udp_tunnel) t.udp_tunnel->address = from_host(to_host(t.udp_tunnel->address) + 1);
    }
    if (faults_.has(Fault::IpInIpDespiteUdpTunnel) && t.udp_tunnel) {
      t.udp_tunnel.reset();
      t.encapsulation = EncapsulationType::IpInIp;
    }
    d.targets.push_back(t);
  }
  return d;
}

ReverseDecision HomeAgent::check_reverse(const ArrivedTunnel& tunnel, std::span<const uint8_t> inner) const {
  std::string why;
  auto h = parse_ipv4_header(inner, &why);
  if (!h) return {false, "inner packet malformed: " + why};
  const std::string what = std::string(encapsulation_name(tunnel.encapsulation)) +
                           (tunnel.udp_source_port ? " in UDP from " + tunnel.outer_source.to_string() + ":" +
                                                         std::to_string(*tunnel.udp_source_port)
                                                   : " from " + tunnel.outer_source.to_string()) +
                           ", inner " + h->source.to_string() + " -> " + h->destination.to_string();
  if (!config_.reverse_tunnel_check || faults_.has(Fault::ReverseTunnelCheckOff)) {
    return {true, what + ": accepted without the RFC 3024 4.3.2 check (" +
                      (config_.reverse_tunnel_check ? "fault reverse-tunnel-check-off" : "reverse_tunnel_check off") +
                      ")"};
  }
  for (const Binding& b : table_.of(h->source)) {
    if (tunnel.udp_source_port) {
      // RFC 3519 4.3: outer addresses and ports must exactly match the tunnel's.
      if (!b.udp_tunnel || b.udp_tunnel->address != tunnel.outer_source ||
          b.udp_tunnel->port != *tunnel.udp_source_port) {
        continue;
      }
    } else if (b.udp_tunnel || b.care_of_address != tunnel.outer_source) {
      continue;  // a UDP-tunnelled binding takes no IP-in-IP (RFC 3519 4.7)
    }
    if (b.encapsulation != tunnel.encapsulation) {
      return {false, what + ": encapsulation not negotiated at registration (" +
                         std::string(encapsulation_name(b.encapsulation)) + " was), silently discarded "
                                                                             "(RFC 3024 4.3.2)"};
    }
    return {true, what + ": binding " + b.home_address.to_string() + " via " + b.care_of_address.to_string() +
                      " (RFC 3024 4.3.2)"};
  }
  return {false, what + ": no binding with care-of address = outer source and home address = inner source, "
                        "silently discarded (RFC 3024 4.3.2 security exception)"};
}

std::optional<std::string> HomeAgent::latch_keepalive(const ArrivedTunnel& tunnel, const wire::Keepalive& keepalive) {
  if (!tunnel.udp_source_port) return std::nullopt;
  // "The inner source address ... MUST be the home address of the mobile node, and the inner destination address
  // MUST be that of the home agent", and it is an ICMP Echo Request (4.9).
  if (keepalive.reply || keepalive.inner_destination != config_.address) return std::nullopt;
  for (const Binding& b : table_.of(keepalive.inner_source)) {
    // "the outer source address (but not the port) of this keepalive packet is identical with the source address of
    // the corresponding registration request".
    if (!b.udp_awaiting_keepalive || b.udp_tunnel->address != tunnel.outer_source) continue;
    Binding* m = table_.find(b.home_address, b.care_of_address);
    m->udp_tunnel->port = *tunnel.udp_source_port;
    m->udp_awaiting_keepalive = false;
    return "first keepalive from " + tunnel.outer_source.to_string() + ":" + std::to_string(*tunnel.udp_source_port) +
           ": UDP tunnel for " + b.home_address.to_string() + " now to that port (R flag, RFC 3519 4.6)";
  }
  return std::nullopt;
}

bool HomeAgent::answers_arp_for(const Tins::IPv4Address& address) const {
  if (!table_.of(address).empty()) return true;
  const MobileNodeState* node = state_of(address);
  return faults_.has(Fault::ProxyArpAfterDeregistration) && node != nullptr && node->ever_bound;
}

}  // namespace mipvpn::agents::ha
