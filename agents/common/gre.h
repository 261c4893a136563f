// GRE encapsulation (RFC 2784) of IPv4 in IPv4: the GRE header (wire::Gre: C = 0, Version 0, Protocol Type 0x0800)
// before the inner datagram.
#pragma once

#include "agents/common/encapsulation.h"

namespace mipvpn::agents {

class GreEncapsulation final : public Encapsulation {
 public:
  EncapsulationType type() const override { return EncapsulationType::Gre; }
  std::optional<std::vector<uint8_t>> encapsulate(std::span<const uint8_t> inner, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
  // Accepts the optional checksum (2.2: "a compliant implementation MUST accept and process this field") and
  // verifies it; discards bits 1-5 of Reserved0 set (2.3), a Version other than 0 (2.3.1), a Protocol Type other
  // than IPv4.
  std::optional<std::vector<uint8_t>> decapsulate(std::span<const uint8_t> outer_payload, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
};

}  // namespace mipvpn::agents
