// Minimal encapsulation (RFC 2004): the original IP header becomes the outer one (here: the kernel's, with the
// original TTL) and a minimal forwarding header (Protocol, S, checksum, Original Destination, [Original Source])
// precedes the original payload. The bytes are harness/wire's (wire::encapsulate_minimal, wire::MinimalEncapsulation,
// wire::rebuild_original).
#pragma once

#include "agents/common/encapsulation.h"

namespace mipvpn::agents {

class MinimalEncapsulation final : public Encapsulation {
 public:
  EncapsulationType type() const override { return EncapsulationType::Minimal; }
  // Refuses a fragmented datagram ("MUST NOT be used when an original datagram is already fragmented", RFC 2004 3),
  // one whose source is the tunnel exit point (RFC 2004 4, RFC 2003 3.2) and one with IP options (the kernel-built
  // outer header could not keep them).
  std::optional<std::vector<uint8_t>> encapsulate(std::span<const uint8_t> inner, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
  // "the Time to Live (TTL) field in the IP header is not modified during encapsulation" (RFC 2004 3).
  std::optional<uint8_t> outer_ttl(std::span<const uint8_t> inner) const override;
  // Restores Protocol, Destination and (S = 1) Source from the forwarding header into the outer header as received
  // (`outer.header`), or into one made of the outer addresses and TTL; a wrong forwarding-header checksum is an error.
  std::optional<std::vector<uint8_t>> decapsulate(std::span<const uint8_t> outer_payload, const OuterAddresses& outer,
                                                  std::string* why = nullptr) const override;
};

}  // namespace mipvpn::agents
