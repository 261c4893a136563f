#include "harness/wire/ip_in_ip.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/format.h"
#include "harness/wire/ipv4_fields.h"

#include <stdexcept>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc2003 = "RFC 2003";

void add(std::vector<Violation>& out, const char* section, const char* level, std::string text) {
  out.push_back(Violation{kRfc2003, section, level, std::move(text)});
}

using detail::hex;

// The checksum a correct sender would have written into this header.
uint16_t expected_checksum(Bytes header) {
  std::vector<uint8_t> copy(header.begin(), header.end());
  detail::set_ipv4_checksum(copy);
  return detail::load16(copy.data() + 10);
}

void check_encapsulator_rules(uint8_t inner_ttl, Tins::IPv4Address inner_src, Tins::IPv4Address outer_dst) {
  if (inner_ttl == 0)
    throw std::invalid_argument("RFC 2003 3.1: \"An encapsulator MUST NOT encapsulate a datagram with TTL = 0\"");
  if (inner_src == outer_dst)
    throw std::invalid_argument("RFC 2003 3.2: inner source " + inner_src.to_string() +
                                " is the tunnel exit point; \"the router MUST NOT tunnel the datagram\"");
}

}  // namespace

Tins::IP encapsulate_ip_in_ip(const Tins::IP& inner, Tins::IPv4Address outer_src, Tins::IPv4Address outer_dst,
                              uint8_t outer_ttl, uint16_t identification) {
  check_encapsulator_rules(inner.ttl(), inner.src_addr(), outer_dst);
  Tins::IP outer(outer_dst, outer_src);
  outer.tos(inner.tos());
  const bool df = (inner.flags() & Tins::IP::DONT_FRAGMENT) != 0;
  outer.flags(df ? Tins::IP::DONT_FRAGMENT : static_cast<Tins::IP::Flags>(0));
  outer.fragment_offset(0);
  outer.id(identification);
  outer.ttl(outer_ttl);
  outer.protocol(kIpProtoIpInIp);
  outer.inner_pdu(inner.clone());
  return outer;
}

std::vector<uint8_t> encapsulate_ip_in_ip(Bytes inner_packet, Tins::IPv4Address outer_src, Tins::IPv4Address outer_dst,
                                          uint8_t outer_ttl, uint16_t identification) {
  const auto inner = detail::read_ipv4_fields(inner_packet);
  if (!inner || inner->version != 4)
    throw std::invalid_argument("IP in IP: the inner packet does not start with an IPv4 header");
  check_encapsulator_rules(inner->ttl, inner->src, outer_dst);
  const size_t total = detail::kIpv4MinHeader + inner_packet.size();
  if (total > 0xffff) throw std::invalid_argument("IP in IP: " + std::to_string(total) + " bytes exceed Total Length");
  std::vector<uint8_t> out(total);
  uint8_t* h = out.data();
  h[0] = 0x45;
  h[1] = inner->tos;
  detail::store16(h + 2, static_cast<uint16_t>(total));
  detail::store16(h + 4, identification);
  detail::store16(h + 6, inner->df() ? detail::kIpv4FlagDf : uint16_t{0});
  h[8] = outer_ttl;
  h[9] = kIpProtoIpInIp;
  detail::store_ip(h + 12, outer_src);
  detail::store_ip(h + 16, outer_dst);
  detail::set_ipv4_checksum(std::span<uint8_t>(h, detail::kIpv4MinHeader));
  std::copy(inner_packet.begin(), inner_packet.end(), out.begin() + detail::kIpv4MinHeader);
  return out;
}

std::vector<Violation> validate_ip_in_ip(Bytes outer_header, Bytes inner_packet, bool check_outer_checksum) {
  std::vector<Violation> out;
  const auto outer = detail::read_ipv4_fields(outer_header);
  if (!outer) return out;  // not an IPv4 header at all: the IP layer reports that
  if (outer->version != 4)
    add(out, "3.1", "MUST", "outer Version is " + std::to_string(outer->version) + "; 3.1 sets it to 4");
  if (outer->protocol != kIpProtoIpInIp)
    add(out, "3.1", "MUST",
        "outer Protocol is " + std::to_string(outer->protocol) + "; the encapsulator sets it to 4 (IP in IP)");
  if (outer->ttl == 0)
    add(out, "3.1", "MUST",
        "outer TTL is 0, which reaches no tunnel exit point: it \"is set to a value appropriate for delivery of the "
        "encapsulated datagram to the tunnel exit point\"");
  if (check_outer_checksum && internet_checksum(outer_header) != 0)
    add(out, "3.1", "MUST",
        "outer Header Checksum " + hex(outer->checksum, 4) + " does not verify (" +
            hex(expected_checksum(outer_header), 4) +
            " expected); it is \"The Internet Header checksum [10] of the outer IP header\"");

  const auto inner = detail::read_ipv4_fields(inner_packet);
  if (!inner || inner->version != 4 || outer->fragment_offset() != 0) return out;

  // SHOULD, not MUST: the sentence carries no keyword, and later RFCs (2983, 6040) let DSCP and ECN differ.
  if (outer->tos != inner->tos)
    add(out, "3.1", "SHOULD",
        "outer TOS " + hex(outer->tos, 2) + " differs from inner TOS " + hex(inner->tos, 2) +
            ": \"The Type of Service (TOS) is copied from the inner IP header\"");
  if (!outer->is_fragment() && outer->total_length != outer_header.size() + inner->total_length)
    add(out, "3.1", "MUST",
        "outer Total Length " + std::to_string(outer->total_length) + " is not the outer header (" +
            std::to_string(outer_header.size()) + ") plus the inner datagram (" + std::to_string(inner->total_length) +
            "): it \"measures the length of the entire encapsulated IP datagram, including the outer IP header, the "
            "inner IP header, and its payload\"");
  if (inner->df() && !outer->df())
    add(out, "3.1", "MUST",
        "the inner header has Don't Fragment but the outer one does not: \"if the \"Don't Fragment\" bit is set in the "
        "inner IP header, it MUST be set in the outer IP header\"");
  if (inner->df() && outer->mf())
    add(out, "3.1", "MUST",
        "the outer packet is a fragment (MF set) of a datagram whose inner header has Don't Fragment: \"use of "
        "fragmentation is allowed unless the \"Don't Fragment\" bit is set in the inner IP header\"");
  if (inner->ttl == 0)
    add(out, "3.1", "MUST",
        "the inner datagram has TTL 0: \"An encapsulator MUST NOT encapsulate a datagram with TTL = 0\" (and a "
        "decapsulator \"MUST discard the datagram\")");
  if (inner->src == outer->dst)
    add(out, "3.2", "MUST",
        "inner Source Address " + inner->src.to_string() +
            " is the tunnel exit point (outer destination): when \"the IP Source Address of the datagram matches the "
            "IP address of the tunnel destination ... the router MUST NOT tunnel the datagram\"");
  return out;
}

}  // namespace mipvpn::wire
