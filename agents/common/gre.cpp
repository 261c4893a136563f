#include "agents/common/gre.h"

#include "harness/wire/checksum.h"

namespace mipvpn::agents {
namespace {

std::optional<std::vector<uint8_t>> fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<uint8_t>> GreEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                  const OuterAddresses&, std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  std::vector<uint8_t> out(4 + h->total_length);
  out[2] = 0x08;  // Protocol Type 0x0800 (IPv4)
  out[3] = 0x00;
  std::copy(inner.begin(), inner.begin() + h->total_length, out.begin() + 4);
  return out;
}

std::optional<std::vector<uint8_t>> GreEncapsulation::decapsulate(std::span<const uint8_t> payload,
                                                                  const OuterAddresses&, std::string* why) const {
  if (payload.size() < 4) return fail(why, "GRE header needs 4 bytes, got " + std::to_string(payload.size()));
  const uint16_t flags = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
  if ((flags & 0x7c00) != 0) return fail(why, "GRE Reserved0 bits 1-5 set (RFC 2784 2.3)");
  if ((flags & 0x0007) != 0) return fail(why, "GRE Version " + std::to_string(flags & 7) + ", expected 0 (2.3.1)");
  const uint16_t protocol = static_cast<uint16_t>((payload[2] << 8) | payload[3]);
  if (protocol != 0x0800) return fail(why, "GRE Protocol Type " + std::to_string(protocol) + ", expected 0x0800");
  size_t header = 4;
  if (flags & 0x8000) {
    header = 8;
    if (payload.size() < 8) return fail(why, "GRE header with checksum needs 8 bytes");
    if (wire::internet_checksum(payload) != 0) return fail(why, "GRE checksum wrong (RFC 2784 2.5)");
  }
  auto inner = payload.subspan(header);
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  return std::vector<uint8_t>(inner.begin(), inner.begin() + h->total_length);
}

}  // namespace mipvpn::agents
