#include "agents/common/minimal_encapsulation.h"

#include <stdexcept>

#include "harness/wire/minimal_encap.h"

namespace mipvpn::agents {
namespace {

std::optional<std::vector<uint8_t>> fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<uint8_t>> MinimalEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                      const OuterAddresses& outer,
                                                                      std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  if (h->header_length != 20) return fail(why, "datagram carries IP options the outer header could not keep");
  // The modified original header (S = 1 unless the encapsulator is the original source) and the forwarding header;
  // the kernel writes the header again from the socket's addresses and the TTL of outer_ttl().
  auto packet = wire::encapsulate_minimal(inner, outer.source, outer.destination);
  if (!packet) return fail(why, "minimal encapsulation (RFC 2004 3): " + packet.error().to_string());
  std::vector<uint8_t> out = std::move(packet).value();
  out.erase(out.begin(), out.begin() + h->header_length);
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
  auto forwarding = wire::MinimalEncapsulation::decode(payload);  // verifies the Header Checksum
  if (!forwarding) return fail(why, "minimal forwarding header (RFC 2004 3): " + forwarding.error().to_string());
  // Without the received header (RFC 3519 tunnel data), one made of what the outer packet said stands in for it.
  const std::vector<uint8_t> made =
      outer.header.empty() ? build_ipv4_packet(outer.source, outer.destination, wire::MinimalEncapsulation::kIpProtocol,
                                               {}, outer.ttl)
                           : std::vector<uint8_t>{};
  const std::span<const uint8_t> header = outer.header.empty() ? std::span<const uint8_t>(made) : outer.header;
  if (header.size() < 20) return fail(why, "outer IPv4 header shorter than 20 bytes");
  try {
    return wire::rebuild_original(header, *forwarding, payload.subspan(forwarding->header_size()));
  } catch (const std::invalid_argument& e) {
    return fail(why, e.what());
  }
}

}  // namespace mipvpn::agents
