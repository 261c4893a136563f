#include "agents/fa/fa_data_plane.h"

#include <algorithm>

#include "agents/common/ip_in_ip.h"
#include "agents/common/ipv4_packet.h"
#include "harness/wire/checksum.h"

namespace mipvpn::agents::fa {
namespace {

std::string flow(const Ipv4Header& h) { return h.source.to_string() + " -> " + h.destination.to_string(); }

// A reverse tunnel through this agent: T set and no co-located care-of address (with D the mobile node tunnels to
// its home agent itself, RFC 3024 4.1.2).
bool reverse_tunnelled_here(const Visitor& v) {
  return v.registration.reverse_tunnel && (v.registration.flags & 0x20) == 0;
}

Forwarding drop(std::string why) {
  Forwarding f;
  f.why = std::move(why);
  return f;
}

// ICMP Destination Unreachable, host unreachable (RFC 792): the offending header and the first 8 bytes after it.
std::vector<uint8_t> host_unreachable(std::span<const uint8_t> offending, const Ipv4Header& h) {
  std::vector<uint8_t> m = {3, 1, 0, 0, 0, 0, 0, 0};
  const size_t quoted = std::min<size_t>(offending.size(), h.header_length + 8u);
  m.insert(m.end(), offending.begin(), offending.begin() + static_cast<std::ptrdiff_t>(quoted));
  const uint16_t sum = wire::internet_checksum(m);
  m[2] = static_cast<uint8_t>(sum >> 8);
  m[3] = static_cast<uint8_t>(sum & 0xff);
  return m;
}

}  // namespace

bool FaDataPlane::diverts(const Visitor& v) const {
  if (!reverse_tunnelled_here(v) || faults_.has(Fault::FaNoReverseTunnel)) return false;
  // RFC 3024 5.2.1: an Encapsulating Delivery visitor's plain packets are forwarded normally, so they are not
  // diverted; the fault diverts them too.
  return v.registration.delivery == DeliveryStyle::Direct ||
         faults_.has(Fault::FaReverseTunnelPlainFromEncapsulating);
}

Tins::IPv4Address FaDataPlane::reverse_tunnel_source(const Visitor& v) const {
  // "IP Source Address: Copied from the Care-of Address field within the Registration Request" (RFC 3024 5.1.2,
  // 5.2.2).
  const Tins::IPv4Address coa = v.registration.care_of_address;
  if (!faults_.has(Fault::FaReverseTunnelWrongSource)) return coa;
  if (config_.upstream && config_.upstream->address != coa) return config_.upstream->address;
  return config_.visited.address != coa ? config_.visited.address : coa;
}

Forwarding FaDataPlane::deliver(std::vector<uint8_t> inner, const Visitor& v, const std::string& context) const {
  const Tins::IPv4Address hoa = v.registration.home_address;
  // "A foreign agent MUST NOT use broadcast ARP for a mobile node's MAC address on a foreign network. It may obtain
  // the MAC address by copying the information from an Agent Solicitation or a Registration Request" (4.2.2).
  if (!v.registration.link_address) {
    return drop(context + ": visitor " + hoa.to_string() + " has no known link-layer address, and no broadcast ARP "
                          "for it (RFC 5944 4.2.2)");
  }
  // RFC 2003 3.1: "If, after decapsulation, the decapsulator forwards the datagram to one of its network
  // interfaces, it will decrement the TTL as a result of doing normal IP forwarding."
  if (inner[8] <= 1) return drop(context + ": inner TTL " + std::to_string(inner[8]) + " expires here (RFC 2003 3.1)");
  --inner[8];
  fix_ipv4_checksum(inner);
  Forwarding f;
  f.action = Forwarding::Action::Deliver;
  f.packet = std::move(inner);
  f.link_destination = *v.registration.link_address;
  f.why = context + ": delivered to visitor " + hoa.to_string() + " at " + mac_to_string(f.link_destination) +
          " (RFC 5944 4.2.2)";
  if (faults_.has(Fault::FaArpForVisitor)) f.arp_request_for = hoa;
  return f;
}

Forwarding FaDataPlane::tunnel(std::vector<uint8_t> inner, const Visitor& v, const std::string& context) const {
  Forwarding f;
  f.action = Forwarding::Action::Tunnel;
  f.packet = std::move(inner);
  f.outer_source = reverse_tunnel_source(v);
  // "IP Destination Address: Copied from the Home Agent field within the most recent successful Registration
  // Reply" (RFC 3024 5.1.2, 5.2.2).
  f.outer_destination = v.home_agent;
  f.why = context + ": reverse tunnel " + f.outer_source.to_string() + " -> " + f.outer_destination.to_string() +
          " (RFC 3024 " + (v.registration.delivery == DeliveryStyle::Direct ? "5.1.2" : "5.2.2") + ")";
  return f;
}

Forwarding FaDataPlane::from_tunnel(std::span<const uint8_t> packet, const VisitorList& visitors) const {
  std::string why;
  const auto outer = parse_ipv4_header(packet, &why);
  if (!outer) return drop("IP-in-IP packet with a bad outer header: " + why);
  const std::string context = "ip-in-ip " + flow(*outer);
  if (outer->more_fragments() || outer->fragment_offset() != 0) {
    return drop(context + ": fragment (the kernel reassembles before raw delivery; not expected)");
  }
  const IpInIpEncapsulation ipip;
  auto inner = ipip.decapsulate(ipv4_payload(packet, *outer), {outer->source, outer->destination}, &why);
  if (!inner) return drop(context + ": " + why);
  const auto ih = parse_ipv4_header(*inner, &why);
  if (!ih) return drop(context + ": bad inner header: " + why);
  const std::string inner_flow = context + " inner " + flow(*ih);

  // Encapsulating Delivery Style (RFC 3024 5.2.1): "it receives an encapsulated packet and after verifying that it
  // was sent by the mobile node, it: decapsulates to recover the inner packet, re-encapsulates, and sends it to the
  // home agent."
  if (const Visitor* v = visitors.find_visitor(outer->source); v != nullptr && config_.is_own_address(outer->destination)) {
    if (!reverse_tunnelled_here(*v) || v->registration.delivery != DeliveryStyle::Encapsulating) {
      return drop(inner_flow + ": visitor " + outer->source.to_string() +
                  " did not register the Encapsulating Delivery Style (RFC 3024 5.2)");
    }
    if (ih->source != outer->source) {
      return drop(inner_flow + ": inner source is not the visitor's home address (RFC 3024 5.2.1)");
    }
    // RFC 2003 3.1: "the TTL in the inner IP header is decremented by one if the tunneling is being done as part of
    // forwarding the datagram".
    if ((*inner)[8] <= 1) return drop(inner_flow + ": inner TTL expires here (RFC 2003 3.1)");
    --(*inner)[8];
    fix_ipv4_checksum(*inner);
    return tunnel(std::move(*inner), *v, inner_flow);
  }

  if (!config_.offers_care_of_address(outer->destination)) {
    return drop(inner_flow + ": not addressed to a care-of address of this agent");
  }
  // "a foreign agent MUST compare the inner Destination Address to those entries in its visitor list. When the
  // Destination does not match the address of any mobile node currently in the visitor list, the foreign agent MUST
  // NOT forward the datagram without modifications to the original IP header ... The datagram SHOULD be silently
  // discarded. ICMP Destination Unreachable MUST NOT be sent" (RFC 5944 4.2.2).
  const Visitor* v = visitors.find_visitor(ih->destination);
  if (v == nullptr) {
    Forwarding f = drop(inner_flow + ": inner destination is no visitor, discarded without ICMP (RFC 5944 4.2.2)");
    if (faults_.has(Fault::FaForwardToNonVisitor)) {
      f.action = Forwarding::Action::Reinject;
      f.packet = std::move(*inner);
      f.why = inner_flow + ": inner destination is no visitor; forwarded by IP routing (fault)";
    } else if (faults_.has(Fault::FaIcmpUnreachableForNonVisitor)) {
      f.icmp = Forwarding::Icmp{host_unreachable(packet, *outer), outer->destination, outer->source};
      f.why = inner_flow + ": inner destination is no visitor; ICMP host unreachable sent (fault)";
    }
    return f;
  }
  return deliver(std::move(*inner), *v, inner_flow);
}

Forwarding FaDataPlane::from_tun(std::span<const uint8_t> packet, const VisitorList& visitors) const {
  std::string why;
  const auto h = parse_ipv4_header(packet, &why);
  if (!h) return drop("tunnel device: bad IPv4 header: " + why);
  const std::string context = "diverted " + flow(*h);
  // Direct Delivery Style (RFC 3024 5.1.1): the foreign agent MUST "detect packets sent by the mobile node, and
  // modify its forwarding function to encapsulate them before forwarding". The kernel already forwarded the packet
  // (TTL decremented) into the tunnel device because of the visitor's rule.
  const Visitor* v = visitors.find_visitor(h->source);
  if (v == nullptr || !diverts(*v)) {
    return drop(context + ": source is no reverse-tunnelled Direct Delivery visitor (a stale rule?)");
  }
  return tunnel(std::vector<uint8_t>(packet.begin(), packet.begin() + h->total_length), *v, context);
}

}  // namespace mipvpn::agents::fa
