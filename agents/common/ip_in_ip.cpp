#include "agents/common/ip_in_ip.h"

namespace mipvpn::agents {

std::optional<std::vector<uint8_t>> IpInIpEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                     const OuterAddresses&, std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  // Link padding after total_length is not part of the datagram and must not travel inside the tunnel.
  return std::vector<uint8_t>(inner.begin(), inner.begin() + h->total_length);
}

std::optional<std::vector<uint8_t>> IpInIpEncapsulation::decapsulate(std::span<const uint8_t> outer_payload,
                                                                     const OuterAddresses&, std::string* why) const {
  auto h = parse_ipv4_header(outer_payload, why);
  if (!h) return std::nullopt;
  return std::vector<uint8_t>(outer_payload.begin(), outer_payload.begin() + h->total_length);
}

}  // namespace mipvpn::agents
