// The generic payload chain shared by IKEv2 (RFC 7296 3.2) and IKEv1/ISAKMP (RFC 2408 3.2), and the payload bodies
// a passive observer can read without keys: Notify (RFC 7296 3.10, RFC 2408 3.14), Key Exchange (3.4 / 3.7), Nonce,
// Delete (3.11 / 3.15).
//
//   Next Payload(1) | C(1 bit, IKEv2 only) RESERVED(7 bits; 8 in IKEv1) | Payload Length(2, header included) | body
#pragma once

#include "harness/wire/expected.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mipvpn::wire {

enum class IkeVersion { Unknown, V1, V2 };

struct IkePayload {
  static constexpr size_t kHeaderSize = 4;
  uint8_t type = 0;           // this payload's type, named by the Next Payload field before it
  uint8_t next = 0;           // its own Next Payload field (for SK/SKF: the type of the first encrypted payload)
  bool critical = false;      // IKEv2 Critical bit; always false in IKEv1
  uint8_t reserved = 0;       // the 7 RESERVED bits (IKEv2) or the RESERVED octet (IKEv1)
  size_t offset = 0;          // of its generic header in the message
  std::vector<uint8_t> body;  // everything after the generic header

  size_t length() const { return kHeaderSize + body.size(); }  // the Payload Length field
  bool operator==(const IkePayload&) const = default;
};

// The chain from `start` (the end of the 28-byte header) up to the payload whose Next Payload is 0, or up to and
// including the first payload whose type is in `stop_types` (SK and SKF in IKEv2: what follows is ciphertext).
struct IkePayloadWalk {
  std::vector<IkePayload> payloads;
  size_t end = 0;  // message offset just past the last payload walked
  bool stopped_at_stop_type = false;
};

// At most this many payloads are walked; a longer chain is an error (no real message comes close).
inline constexpr size_t kMaxIkePayloads = 1024;

// Walks the chain in data[start, size). Offsets in payloads and errors are message offsets (data[0] is the first
// header byte). Errors: "payload[i].next_payload" / ".flags" / ".payload_length" (header cut short),
// "payload[i].payload_length" (below 4, the generic header), "payload[i].body" (Length runs past the datagram),
// "payload[1024]" (chain too long). Never throws.
Expected<IkePayloadWalk> walk_ike_payloads(const uint8_t* data, size_t size, size_t start, uint8_t first_type,
                                           IkeVersion version, const std::vector<uint8_t>& stop_types) noexcept;

// Writes the generic header and body of each payload in order (their own next/critical/reserved fields as stored).
void write_ike_payloads(const std::vector<IkePayload>& payloads, IkeVersion version, uint8_t* out);

// Notify payload body: IKEv2 (3.10) Protocol ID(1) SPI Size(1) Type(2) SPI Data; IKEv1 (RFC 2408 3.14) adds a 4-byte
// DOI in front.
struct IkeNotify {
  uint32_t doi = 0;  // IKEv1 only
  uint8_t protocol_id = 0;
  uint16_t type = 0;
  std::vector<uint8_t> spi;  // SPI Size bytes
  std::vector<uint8_t> data;

  // Errors name "notify.protocol_id"... (body too short for the fixed part) or "notify.spi" (SPI Size beyond the
  // body); offsets are message offsets of the payload.
  static Expected<IkeNotify> decode(const IkePayload& payload, IkeVersion version) noexcept;
  std::vector<uint8_t> body(IkeVersion version) const;
  bool operator==(const IkeNotify&) const = default;
};

// Key Exchange body: IKEv2 (3.4) DH Group Num(2) RESERVED(2) data; IKEv1 (RFC 2408 3.7) data only (group 0).
struct IkeKeyExchange {
  uint16_t group = 0;
  uint16_t reserved = 0;
  std::vector<uint8_t> data;

  static Expected<IkeKeyExchange> decode(const IkePayload& payload, IkeVersion version) noexcept;
  std::vector<uint8_t> body(IkeVersion version) const;
};

// Delete body: IKEv2 (3.11) Protocol ID(1) SPI Size(1) Num of SPIs(2) SPIs; IKEv1 (RFC 2408 3.15) adds a DOI first.
struct IkeDeletePayload {
  uint32_t doi = 0;  // IKEv1 only
  uint8_t protocol_id = 0;
  uint8_t spi_size = 0;
  uint16_t num_spis = 0;
  std::vector<uint8_t> spis;  // as carried; spi_size * num_spis bytes when consistent

  static Expected<IkeDeletePayload> decode(const IkePayload& payload, IkeVersion version) noexcept;
};

// The public value size RFC 7296 3.4 / RFC 2409 5 fix for a MODP group ("MUST be equal to the length of the prime
// modulus"): 96 for group 1, 128 for 2, 192 for 5, 256 for 14, ... 1024 for 18; nullopt for other groups.
std::optional<size_t> modp_public_value_size(uint16_t group);

}  // namespace mipvpn::wire
