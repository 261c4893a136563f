#include "agents/common/ip_in_ip.h"

#include <stdexcept>

#include "harness/wire/ip_in_ip.h"

namespace mipvpn::agents {

std::optional<std::vector<uint8_t>> IpInIpEncapsulation::encapsulate(std::span<const uint8_t> inner,
                                                                     const OuterAddresses& outer,
                                                                     std::string* why) const {
  auto h = parse_ipv4_header(inner, why);
  if (!h) return std::nullopt;
  // Link padding after total_length is not part of the datagram and must not travel inside the tunnel.
  const auto datagram = inner.first(h->total_length);
  try {
    // The outer header wire builds is dropped (the kernel writes its own); what is kept is its verdict on 3.1/3.2.
    std::vector<uint8_t> packet = wire::encapsulate_ip_in_ip(datagram, outer.source, outer.destination, outer.ttl);
    packet.erase(packet.begin(), packet.begin() + static_cast<ptrdiff_t>(packet.size() - datagram.size()));
    return packet;
  } catch (const std::invalid_argument& e) {
    if (why) *why = e.what();
    return std::nullopt;
  }
}

std::optional<std::vector<uint8_t>> IpInIpEncapsulation::decapsulate(std::span<const uint8_t> outer_payload,
                                                                     const OuterAddresses&, std::string* why) const {
  auto h = parse_ipv4_header(outer_payload, why);
  if (!h) return std::nullopt;
  return std::vector<uint8_t>(outer_payload.begin(), outer_payload.begin() + h->total_length);
}

}  // namespace mipvpn::agents
