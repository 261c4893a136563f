// The Mobile IP layers of the layered decoder (layer.h): what rides UDP port 434 and the ICMP agent discovery
// messages. The dispatcher (stack.cpp) calls these; each appends exactly one Layer and never throws.
//
// Besides validate() of the message, these add the rules that need the enclosing IP header of the same packet:
// - RRQ to 224.0.0.11 with TTL other than 1 (RFC 5944 3.6.1.1);
// - RRQ with 'T' set and 'D' clear, sent from its Home Address to an address that is neither its Home Agent field
//   nor 224.0.0.11 / 255.255.255.255, i.e. a mobile node's request to a foreign agent, with TTL other than 255 (RFC
//   3024 3.2, 4.1.1);
// - Tunnel Data (Next Header 4) carrying a Registration Request or Reply whose Home Agent field is the tunnel's own
//   home-agent endpoint (outer destination for a Request, outer source for a Reply) (RFC 3519 4.2);
// - Agent Advertisement TTL 1 and multicast destination 224.0.0.1 (RFC 5944 2.1); Agent Solicitation TTL 1 (2.2);
// - the ICMP checksum when DecodeOptions::verify_checksums (a mismatch is a violation naming the computed value).
// These context checks are skipped when the IpContext carries no IP header (ctx.header empty).
#pragma once

#include "harness/wire/layer.h"

namespace mipvpn::wire {

// A UDP datagram to or from port 434; `offset` is where udp_payload[0] sits. Type 1 -> layer "rrq", 3 -> "rrp"
// (leaf messages: Next is None), 4 -> "tunnel-data" (Next: IPv4 for Next Header 4, else IpPayload with
// protocol = Next Header, bytes = the tunnelled packet), anything else -> layer "mip" with an error on field "type".
Next decode_mobile_ip_layer(Bytes udp_payload, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                            DecodedFrame& out);

// An ICMP message of type 9 (layer "adv") or 10 (layer "sol"), checksum included, from `offset`. Any other type
// (a dispatcher mistake) gets an "adv" layer carrying the decoder's error on field "type". A Router Advertisement
// without the Mobility Agent Advertisement Extension is not an Agent Advertisement: "adv" layer with that error.
void decode_agent_discovery_layer(Bytes icmp, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                                  DecodedFrame& out);

}  // namespace mipvpn::wire
