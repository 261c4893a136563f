// The Security Association payload body: proposals, transforms and attributes, for IKEv2 (RFC 7296 3.3.1-3.3.5) and
// IKEv1 (RFC 2408 3.4-3.6 with the IPsec DOI of RFC 2407). Readable only in unencrypted messages (IKE_SA_INIT, Main
// Mode and Aggressive Mode first messages); enough to check the nesting of lengths and counts that 3.3 requires and
// to know the Diffie-Hellman groups a KE payload must match (3.4).
//
// IKEv2 proposal:  Last Substruc(1) RESERVED(1) Proposal Length(2) Proposal Num(1) Protocol ID(1) SPI Size(1)
//                  Num Transforms(1) SPI Transforms...
// IKEv2 transform: Last Substruc(1) RESERVED(1) Transform Length(2) Transform Type(1) RESERVED(1) Transform ID(2)
//                  Attributes...
// IKEv1: the SA body starts with DOI(4) Situation(4 for the IPsec DOI, SIT_IDENTITY_ONLY); proposals and transforms
// are payloads of their own (generic header with Next Payload 2/3 or 0), transform = Transform #(1)
// Transform-Id(1) RESERVED2(2) SA Attributes.
// Attributes (both): AF|Type(2) then Value(2) when AF=1 (TV) or Length(2) Value when AF=0 (TLV).
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/ike_payload.h"

#include <cstdint>
#include <vector>

namespace mipvpn::wire {

struct IkeAttribute {
  uint16_t type = 0;  // without the AF bit
  bool tv = true;     // AF=1: two-byte value in `value`; AF=0: `data`
  uint16_t value = 0;
  std::vector<uint8_t> data;
  bool operator==(const IkeAttribute&) const = default;
};

struct IkeTransform {
  uint8_t last = 0;        // Last Substruc (IKEv2) / Next Payload (IKEv1): 3 = more transforms follow, 0 = last
  uint8_t reserved = 0;    // RESERVED after Last Substruc
  uint8_t type = 0;        // IKEv2 Transform Type (1 ENCR, 2 PRF, 3 INTEG, 4 D-H, 5 ESN); 0 in IKEv1
  uint8_t number = 0;      // IKEv1 Transform #; 0 in IKEv2
  uint8_t reserved1 = 0;   // IKEv2 RESERVED between Type and ID
  uint16_t id = 0;         // Transform ID (IKEv1 Transform-Id is one byte)
  uint16_t reserved2 = 0;  // IKEv1 RESERVED2
  std::vector<IkeAttribute> attributes;
  size_t offset = 0;  // message offset of its first byte
  bool operator==(const IkeTransform&) const = default;
};

struct IkeProposal {
  uint8_t last = 0;  // 2 = more proposals follow, 0 = last
  uint8_t reserved = 0;
  uint8_t number = 0;
  uint8_t protocol_id = 0;  // IKEv2: 1 IKE, 2 AH, 3 ESP; IKEv1 (RFC 2407): 1 PROTO_ISAKMP, 2 AH, 3 ESP
  std::vector<uint8_t> spi;
  uint8_t num_transforms = 0;  // as carried (decode checks it against the transforms found)
  std::vector<IkeTransform> transforms;
  size_t offset = 0;
  bool operator==(const IkeProposal&) const = default;
};

struct IkeSecurityAssociation {
  uint32_t doi = 0;        // IKEv1 only (1 = IPsec DOI)
  uint32_t situation = 0;  // IKEv1 only
  // False when an IKEv1 SA uses a DOI or Situation whose layout this decoder does not know (then `proposals` is
  // empty and the body was not checked further).
  bool proposals_decoded = true;
  std::vector<IkeProposal> proposals;

  // Errors name "sa.doi", "sa.situation", "sa.proposal[i].<field>", "sa.proposal[i].transform[j].<field>",
  // "sa.proposal[i].transform[j].attribute[k].<field>"; a count that disagrees with the structures found is an
  // error on "...num_transforms". Offsets are message offsets.
  static Expected<IkeSecurityAssociation> decode(const IkePayload& payload, IkeVersion version) noexcept;
  // The body with Last Substruc, lengths and Num Transforms computed from the content (stored values ignored).
  std::vector<uint8_t> body(IkeVersion version) const;
  // The D-H group IDs (IKEv2 Transform Type 4) of all proposals, in order.
  std::vector<uint16_t> dh_groups() const;
};

// IKEv2 Transform Type names (3.3.2): "ENCR", "PRF", "INTEG", "D-H", "ESN", or "type N".
std::string ikev2_transform_type_name(uint8_t type);

}  // namespace mipvpn::wire
