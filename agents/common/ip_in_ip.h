// IP-in-IP encapsulation (RFC 2003): the inner packet is the whole outer payload, unchanged. The outer header is the
// kernel's (the raw socket sends without IP_HDRINCL); the encapsulator's rules of 3.1 and 3.2 are harness/wire's
// (wire::encapsulate_ip_in_ip), so they exist once.
#pragma once

#include "agents/common/encapsulation.h"

namespace mipvpn::agents {

class IpInIpEncapsulation final : public Encapsulation {
 public:
  EncapsulationType type() const override { return EncapsulationType::IpInIp; }
  // Refuses what RFC 2003 forbids an encapsulator: an inner TTL of 0 (3.1) and an inner source equal to the tunnel
  // exit point (3.2).
  std::optional<std::vector<uint8_t>> encapsulate(std::span<const uint8_t> inner, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
  std::optional<std::vector<uint8_t>> decapsulate(std::span<const uint8_t> outer_payload, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
};

}  // namespace mipvpn::agents
