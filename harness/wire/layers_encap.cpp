#include "harness/wire/layers_encap.h"

#include "harness/wire/format.h"
#include "harness/wire/gre.h"
#include "harness/wire/ip_in_ip.h"
#include "harness/wire/ipv4_fields.h"
#include "harness/wire/minimal_encap.h"

#include <cstdio>
#include <string>

namespace mipvpn::wire {
namespace {

using detail::hex;

// Bytes as tshark shows FT_BYTES: "0a:00:00:01".
std::string colon_hex(const std::vector<uint8_t>& b) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < b.size(); ++i) {
    std::snprintf(buf, sizeof buf, i ? ":%02x" : "%02x", b[i]);
    s += buf;
  }
  return s;
}

void append(std::vector<Violation>& to, std::vector<Violation> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

DecodeError shifted(DecodeError e, size_t by) {
  e.offset += by;
  return e;
}

// Adds the fields of a decoded GRE header in wire order.
void add_gre_fields(const Gre& g, bool checksum_checked, bool checksum_ok, Layer& layer) {
  layer.add("flags_version", uint64_t{g.flags_version()});
  layer.add("c", g.c());
  layer.add("r", g.r());
  layer.add("k", g.k());
  layer.add("s", g.s());
  layer.add("strict_source_route", g.strict_source_route());
  layer.add("recursion_control", uint64_t{g.recursion_control()});
  layer.add("flags", uint64_t{g.flags()});
  layer.add("version", uint64_t{g.version()});
  layer.add("protocol_type", uint64_t{g.protocol_type()});
  if (g.c() || g.r()) {
    layer.add("checksum", uint64_t{g.checksum()});
    if (checksum_checked) layer.add("checksum_valid", checksum_ok);
    layer.add(g.r() ? "offset" : "reserved1", uint64_t{g.offset()});
  }
  if (g.k()) layer.add("key", uint64_t{g.key()});
  if (g.s()) layer.add("sequence_number", uint64_t{g.sequence_number()});
  for (size_t i = 0; i < g.routing().size(); ++i) {
    const auto& sre = g.routing()[i];
    const std::string p = "routing[" + std::to_string(i) + "].";
    layer.add(p + "address_family", uint64_t{sre.address_family});
    layer.add(p + "sre_offset", uint64_t{sre.sre_offset});
    layer.add(p + "sre_length", uint64_t{sre.sre_length()});
    if (!sre.routing_information.empty()) layer.add(p + "routing_information", colon_hex(sre.routing_information));
  }
}

std::string protocol_text(uint16_t protocol_type) {
  const std::string name = gre_protocol_type_name(protocol_type);
  return hex(protocol_type, 4) + (name.empty() ? "" : " (" + name + ")");
}

}  // namespace

Next decode_gre_layer(Bytes gre, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out) {
  Layer layer;
  layer.protocol = "gre";
  layer.offset = offset;
  auto decoded = Gre::decode(gre.data(), gre.size(), false);
  if (!decoded) {
    layer.length = gre.size();
    layer.summary = "GRE undecodable (" + decoded.error().field + ")";
    layer.error = shifted(decoded.error(), offset);
    out.layers.push_back(std::move(layer));
    return Next{};
  }
  const Gre& g = *decoded;
  const size_t hdr = g.header_size();
  const Bytes payload = gre.subspan(hdr);
  const bool checksum_ok = !g.c() || g.checksum_verifies(payload);
  layer.length = hdr;
  add_gre_fields(g, opt.verify_checksums && g.c(), checksum_ok, layer);
  layer.violations = validate(g, opt.verify_checksums ? gre : Bytes{});
  append(layer.violations, validate_gre_ipv4_payload(Tins::IPv4Address(ctx.src), g, payload));

  std::string s = "GRE";
  if (g.version() != 0) s += " version=" + std::to_string(g.version());
  s += " proto=" + hex(g.protocol_type(), 4);
  if (g.k()) s += " key=" + hex(g.key(), 8);
  if (g.s()) s += " seq=" + std::to_string(g.sequence_number());
  if (g.r()) s += " sres=" + std::to_string(g.routing().size());
  if (g.c() && opt.verify_checksums && !checksum_ok) s += " cksum=bad";

  Next next;
  next.bytes = payload;
  next.offset = offset + hdr;
  next.in_plaintext = ctx.in_plaintext;
  if (g.version() == 0 && g.protocol_type() == Gre::kProtoIPv4) {
    next.kind = NextKind::IPv4;
  } else if (g.version() == 0 && g.protocol_type() == Gre::kProtoTransparentEthernet) {
    next.kind = NextKind::Ethernet;
  } else {
    next = Next{};
    s += g.version() != 0 ? " (GRE version " + std::to_string(g.version()) + " payload not decoded)"
                          : " payload " + protocol_text(g.protocol_type()) + " not decoded, " +
                                std::to_string(payload.size()) + " bytes";
  }
  layer.summary = std::move(s);
  out.layers.push_back(std::move(layer));
  return next;
}

Next decode_minimal_encap_layer(Bytes payload, size_t offset, const IpContext& outer, const DecodeOptions& opt,
                                DecodedFrame& out) {
  Layer layer;
  layer.protocol = "minenc";
  layer.offset = offset;
  const auto ip = detail::read_ipv4_fields(outer.header);
  if (!ip) {
    layer.summary = "MINENC without its IP header";
    layer.error = DecodeError{outer.offset, "header",
                              "the 20-byte IPv4 header the forwarding header belongs to (the context holds " +
                                  std::to_string(outer.header.size()) + " bytes)"};
    out.layers.push_back(std::move(layer));
    return Next{};
  }
  // Reached as the payload of RFC 3519 tunnel data (Next Header 55) or of ESP, the forwarding header follows an IP
  // header whose Protocol is 17 or 50; RFC 3519 4.3 has the receiver replace that Protocol with the Next Header before
  // "ordinary minimal IP encapsulation processing", so the RFC 2004 rules judge that conceptual header.
  std::vector<uint8_t> conceptual;
  Bytes ip_header = outer.header;
  if (ip->protocol != MinimalEncapsulation::kIpProtocol) {
    conceptual.assign(outer.header.begin(), outer.header.end());
    conceptual[9] = MinimalEncapsulation::kIpProtocol;
    ip_header = conceptual;
  }
  auto decoded = MinimalEncapsulation::decode(payload.data(), payload.size(), false);
  if (ip->fragment_offset() != 0) {
    // Only the first fragment carries the forwarding header; report one here only when its checksum says it is real.
    layer.length = payload.size();
    layer.summary = "MINENC fragment offset=" + std::to_string(ip->fragment_offset() * 8) +
                    " len=" + std::to_string(payload.size());
    if (decoded && decoded->checksum_valid()) layer.violations = validate_minimal_encap(ip_header, *decoded, false);
    out.layers.push_back(std::move(layer));
    return Next{};
  }
  if (!decoded) {
    layer.length = payload.size();
    layer.summary = "MINENC undecodable (" + decoded.error().field + ")";
    layer.error = shifted(decoded.error(), offset);
    out.layers.push_back(std::move(layer));
    return Next{};
  }
  const MinimalEncapsulation& m = *decoded;
  const size_t hdr = m.header_size();
  layer.length = hdr;
  layer.add("protocol", uint64_t{m.protocol()});
  layer.add("flags", uint64_t{m.flags()});
  layer.add("s", m.s());
  layer.add("reserved", uint64_t{m.reserved()});
  layer.add("checksum", uint64_t{m.checksum()});
  if (opt.verify_checksums) layer.add("checksum_valid", m.checksum_valid());
  layer.add("original_destination", m.original_destination().to_string());
  if (m.s()) layer.add("original_source", m.original_source().to_string());
  layer.violations = validate_minimal_encap(ip_header, m, opt.verify_checksums);

  std::string s = "MINENC proto=" + std::to_string(m.protocol()) + " inner-dst=" + m.original_destination().to_string();
  if (m.s()) s += " inner-src=" + m.original_source().to_string();
  if (opt.verify_checksums && !m.checksum_valid()) s += " cksum=bad";
  layer.summary = std::move(s);
  try {
    out.buffers.push_back(rebuild_original(outer.header, m, payload.subspan(hdr)));
  } catch (const std::exception& e) {  // allocation, or a context whose sizes cannot come from one packet
    layer.error = DecodeError{offset, "original_payload", std::string("a rebuildable datagram (") + e.what() + ")"};
    out.layers.push_back(std::move(layer));
    return Next{};
  }
  out.layers.push_back(std::move(layer));
  Next next;
  next.kind = NextKind::IPv4;
  next.bytes = Bytes(out.buffers.back());
  next.offset = 0;
  next.in_plaintext = true;
  next.buffer = static_cast<int>(out.buffers.size() - 1);
  return next;
}

std::vector<Violation> ip_in_ip_violations(const IpContext& outer, Bytes inner_packet) {
  return validate_ip_in_ip(outer.header, inner_packet, false);
}

}  // namespace mipvpn::wire
