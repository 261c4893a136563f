// IP-in-IP encapsulation (RFC 2003): the inner packet is the whole outer payload, unchanged. The outer header
// (protocol 4, the encapsulator's TTL, DF copied by the kernel's policy) is the kernel's, since the raw socket sends
// without IP_HDRINCL.
#pragma once

#include "agents/common/encapsulation.h"

namespace mipvpn::agents {

class IpInIpEncapsulation final : public Encapsulation {
 public:
  EncapsulationType type() const override { return EncapsulationType::IpInIp; }
  std::optional<std::vector<uint8_t>> encapsulate(std::span<const uint8_t> inner, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
  std::optional<std::vector<uint8_t>> decapsulate(std::span<const uint8_t> outer_payload, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
};

}  // namespace mipvpn::agents
