// IP in IP encapsulation (RFC 2003), the tunnel every home and foreign agent MUST support (RFC 5944 4.1):
//
//   Outer IP Header (protocol 4) | IP Header | IP Payload
//
// The encapsulators set every outer field as 3.1 says; validate_ip_in_ip checks one encapsulated packet against the
// rules of 3.1 and 3.2 that need nothing but that packet.
#pragma once

#include "harness/wire/layer.h"
#include "harness/wire/violation.h"

#include <tins/ip.h>
#include <tins/ip_address.h>

#include <cstdint>
#include <vector>

namespace mipvpn::wire {

inline constexpr uint8_t kIpProtoIpInIp = 4;

// A copy of `inner` behind the outer header of 3.1: Version 4, IHL 5 (inner options are "in general NOT copied"),
// TOS copied from the inner header, DF set exactly when the inner header has it (3.1 lets an encapsulator also set it
// otherwise, for 5.1 tunnel MTU discovery; this one does not), MF 0, offset 0, the given Identification and TTL,
// Protocol 4, source = tunnel entry point, destination = tunnel exit point; libtins computes Total Length and the
// header checksum when the packet is serialized. The inner header is not changed: 3.1 decrements its TTL only "if the
// tunneling is being done as part of forwarding the datagram", which the caller knows and does before calling.
// Throws std::invalid_argument for what 3.1 and 3.2 forbid an encapsulator: an inner TTL of 0 ("An encapsulator MUST
// NOT encapsulate a datagram with TTL = 0") and an inner source equal to the tunnel exit point (3.2). Tests that need
// such packets build them by hand: `Tins::IP(outer_dst, outer_src) / inner`.
Tins::IP encapsulate_ip_in_ip(const Tins::IP& inner, Tins::IPv4Address outer_src, Tins::IPv4Address outer_dst,
                              uint8_t outer_ttl, uint16_t identification = 0);

// The same on bytes: the 20-byte outer header (checksum computed) followed by inner_packet unchanged. Throws
// std::invalid_argument also when inner_packet does not start with an IPv4 header (fewer than 20 bytes or version not
// 4) or the result would exceed 65535 bytes.
std::vector<uint8_t> encapsulate_ip_in_ip(Bytes inner_packet, Tins::IPv4Address outer_src, Tins::IPv4Address outer_dst,
                                          uint8_t outer_ttl, uint16_t identification = 0);

// The rules of RFC 2003 one encapsulated packet can be checked against. outer_header is the whole outer IPv4 header
// (options included), inner_packet what follows it. Checked:
//   3.1 Version 4; Protocol 4; an outer TTL that can reach the exit point (not 0); TOS copied from the inner header;
//       Total Length = outer header + inner datagram (when the outer packet is not a fragment); DF copied ("it MUST be
//       set in the outer IP header"); no fragmentation of the outer packet when the inner header has DF; the outer
//       header checksum (unless check_outer_checksum is false, e.g. when the outer IP layer reports its own checksum);
//       no encapsulation of an inner TTL of 0 (MUST NOT).
//   3.2 the inner source is not the tunnel exit point (outer destination): the "router MUST NOT tunnel the datagram".
// Not checked: the 3.2 rule on an inner source equal to one of the encapsulator's own addresses. It binds a datagram
// that "arrives at a router for forwarding", and a packet the encapsulator originated itself (a home agent tunnelling
// its own datagram to a mobile node) legitimately has inner source = outer source; one packet cannot tell them apart.
// Rules about the inner header need it whole: they are skipped when inner_packet holds fewer than 20 bytes, is not
// version 4, or when the outer packet is a non-first fragment (its payload is not the inner header).
std::vector<Violation> validate_ip_in_ip(Bytes outer_header, Bytes inner_packet, bool check_outer_checksum = true);

}  // namespace mipvpn::wire
