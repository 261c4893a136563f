#include "agents/common/minimal_encapsulation.h"

#include <cstring>

#include "harness/wire/checksum.h"

namespace mipvpn::agents {
namespace {

std::optional<std::vector<uint8_t>> fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

void put_address(uint8_t* p, const Tins::IPv4Address& a) {
  const uint32_t v = static_cast<uint32_t>(a);
  std::memcpy(p, &v, 4);
}

Tins::IPv4Address get_address(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return Tins::IPv4Address(v);
}

}  // namespace

std::optional<std::vector<uint8_t>> MinimalEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                      const OuterAddresses& outer,
                                                                      std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  if (h->more_fragments() || h->fragment_offset() != 0) {
    return fail(why, "datagram already fragmented: minimal encapsulation MUST NOT be used (RFC 2004 3)");
  }
  if (h->header_length != 20) return fail(why, "datagram carries IP options the outer header could not keep");
  // S = 1 unless the encapsulator is the original source (RFC 2004 3).
  const bool s = h->source != outer.source;
  const size_t fwd = s ? 12 : 8;
  const auto payload = ipv4_payload(inner, *h);
  std::vector<uint8_t> out(fwd + payload.size());
  out[0] = h->protocol;
  out[1] = s ? 0x80 : 0x00;
  put_address(&out[4], h->destination);
  if (s) put_address(&out[8], h->source);
  const uint16_t sum = wire::internet_checksum(std::span<const uint8_t>(out).first(fwd));
  out[2] = static_cast<uint8_t>(sum >> 8);
  out[3] = static_cast<uint8_t>(sum);
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<ptrdiff_t>(fwd));
  return out;
}

std::optional<uint8_t> MinimalEncapsulation::outer_ttl(std::span<const uint8_t> inner) const {
  auto h = parse_ipv4_header(inner);
  if (!h) return std::nullopt;
  return h->ttl;
}

std::optional<std::vector<uint8_t>> MinimalEncapsulation::decapsulate(std::span<const uint8_t> payload,
                                                                      const OuterAddresses& outer,
                                                                      std::string* why) const {
  if (payload.size() < 8) {
    return fail(why, "minimal forwarding header needs 8 bytes, got " + std::to_string(payload.size()));
  }
  const bool s = (payload[1] & 0x80) != 0;
  const size_t fwd = s ? 12 : 8;
  if (payload.size() < fwd) return fail(why, "minimal forwarding header with S needs 12 bytes");
  if (wire::internet_checksum(payload.first(fwd)) != 0) {
    return fail(why, "minimal forwarding header checksum wrong (RFC 2004 3)");
  }
  const Tins::IPv4Address destination = get_address(&payload[4]);
  const Tins::IPv4Address source = s ? get_address(&payload[8]) : outer.source;
  return build_ipv4_packet(source, destination, payload[0], payload.subspan(fwd), outer.ttl);
}

}  // namespace mipvpn::agents
