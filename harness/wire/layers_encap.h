// Layer decoders of the tunnel encapsulations, called by the dispatcher (harness/wire/stack.cpp) with the bytes after
// the IP header that announced them. Each appends exactly one Layer and says what follows (see layer.h).
#pragma once

#include "harness/wire/layer.h"

#include <vector>

namespace mipvpn::wire {

// GRE (IP protocol 47), layer "gre": `gre` is the IP payload (header and payload packet), `offset` where it starts.
// Fields in wire order: flags_version, c, r, k, s, strict_source_route, recursion_control, flags, version,
// protocol_type, [checksum, checksum_valid (when C and checksums are verified), offset or reserved1], [key],
// [sequence_number], [routing[i].address_family / sre_offset / sre_length / routing_information]. Violations:
// validate() and validate_gre_ipv4_payload() of gre.h (the checksum rule only with opt.verify_checksums). Next: IPv4
// for Protocol Type 0x0800, Ethernet for 0x6558, otherwise (and for a Version other than 0) None with the summary
// naming the protocol type.
Next decode_gre_layer(Bytes gre, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out);

// Minimal encapsulation (IP protocol 55), layer "minenc": `payload` is the IP payload (forwarding header and original
// payload), `outer` the modified IP header around it. Fields: protocol, flags, s, reserved, checksum,
// [checksum_valid], original_destination, [original_source]. Violations: validate_minimal_encap (checksum only with
// opt.verify_checksums). Rebuilds the original datagram into a new out.buffers entry and returns
// Next{IPv4, that buffer, offset 0, in_plaintext = true}. A non-first fragment (no forwarding header in it) gives a
// layer without fields and Next None.
Next decode_minimal_encap_layer(Bytes payload, size_t offset, const IpContext& outer, const DecodeOptions& opt,
                                DecodedFrame& out);

// RFC 2003 rules of an IP-in-IP packet (validate_ip_in_ip without the outer checksum, which the outer IP layer
// reports), for the dispatcher to attach to the inner IP layer.
std::vector<Violation> ip_in_ip_violations(const IpContext& outer, Bytes inner_packet);

}  // namespace mipvpn::wire
