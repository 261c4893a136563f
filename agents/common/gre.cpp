#include "agents/common/gre.h"

#include "harness/wire/gre.h"

namespace mipvpn::agents {
namespace {

// RFC 2784 2.3: "A receiver MUST discard a packet where any of bits 1-5 are non-zero, unless that receiver implements
// RFC 1701" (this one does not); bits 6-12 "MUST be ignored on receipt". Bit 5 is the top bit of Recursion Control.
constexpr uint16_t kBits1To5 = wire::Gre::kFlagR | wire::Gre::kFlagK | wire::Gre::kFlagS |
                               wire::Gre::kFlagStrictRoute | (wire::Gre::kRecursionMask & 0x0400);

std::optional<std::vector<uint8_t>> fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<uint8_t>> GreEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                  const OuterAddresses&, std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  return wire::Gre(wire::Gre::kProtoIPv4).bytes(inner.first(h->total_length));
}

std::optional<std::vector<uint8_t>> GreEncapsulation::decapsulate(std::span<const uint8_t> payload,
                                                                  const OuterAddresses&, std::string* why) const {
  // Bits 1-5 are judged before decoding: with them set the header is RFC 1701's, whose optional fields this
  // receiver does not process.
  if (payload.size() >= 2 && (((payload[0] << 8) | payload[1]) & kBits1To5) != 0) {
    return fail(why, "GRE Reserved0 bits 1-5 set (RFC 2784 2.3)");
  }
  auto gre = wire::Gre::decode(payload);  // verifies the checksum when C is set (RFC 2784 2.5)
  if (!gre) return fail(why, "GRE header: " + gre.error().to_string());
  if (gre->version() != 0) {
    return fail(why, "GRE Version " + std::to_string(gre->version()) + ", expected 0 (RFC 2784 2.3.1)");
  }
  if (gre->protocol_type() != wire::Gre::kProtoIPv4) {
    return fail(why, "GRE Protocol Type " + std::to_string(gre->protocol_type()) + ", expected 0x0800 (IPv4)");
  }
  auto inner = payload.subspan(gre->header_size());
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  return std::vector<uint8_t>(inner.begin(), inner.begin() + h->total_length);
}

}  // namespace mipvpn::agents
