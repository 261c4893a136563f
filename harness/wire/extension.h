// Mobile IP extensions (RFC 5944 1.8-1.11) and the authentication extensions (3.5.2-3.5.4).
#pragma once

#include "harness/wire/expected.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::wire {

// Types named by RFC 5944 1.8 and by the companion RFCs this harness covers. The two numbering spaces (registration
// messages vs. ICMP Router Discovery) overlap by design (1.8), so e.g. 16 and 19 exist only in advertisements.
enum ExtensionType : uint8_t {
  Pad = 0,                           // both spaces, one byte, no Length (1.8, 2.1.3)
  MobilityAgentAdvertisement = 16,   // advertisements (2.1.1)
  PrefixLengths = 19,                // advertisements (2.1.2)
  MnHaAuth = 32,                     // registration (3.5.2)
  MnFaAuth = 33,                     // registration (3.5.3)
  FaHaAuth = 34,                     // registration (3.5.4)
  UdpTunnelReply = 44,               // registration, RFC 3519 3.2 (short format)
  EncapsulatingDeliveryStyle = 130,  // registration, RFC 3024 3.3
  MobileNodeNai = 131,               // registration, RFC 2794 2
  UdpTunnelRequest = 144,            // registration, RFC 3519 3.1 (short format)
  TrustedNetworksConfigured = 149,   // registration, RFC 5265 3.4 (short format)
};

// One extension as found in (or to be put into) a message. For every type but Pad the wire form is the 1.9 TLV
// Type(1) Length(1) body(Length). Pad (type 0) is the single Type byte and has an empty body.
struct Extension {
  uint8_t type = 0;
  std::vector<uint8_t> body;  // everything after the 2-byte Type/Length header
  size_t offset = 0;          // where the Type byte sits inside the message it was decoded from (or will be encoded)

  // Bytes on the wire: 1 for Pad, 2 + body.size() otherwise.
  size_t wire_size() const { return type == Pad ? 1 : 2 + body.size(); }
  bool operator==(const Extension&) const = default;
};

// What RFC 5944 1.8 tells a receiver to do with an extension it does not recognize: "within the range 0 through 127
// ... the message containing that Extension MUST be silently discarded"; "in the range 128 through 255 ... that
// particular Extension is ignored, but the rest of the Extensions and message data MUST still be processed".
enum class ExtensionDisposition { DiscardMessage, SkipExtension };
ExtensionDisposition classify_unknown(uint8_t type);

// Types RFC 5944 defines for registration messages (1.8): 0, 32, 33, 34.
bool is_known_registration_extension(uint8_t type);
// Types RFC 5944 defines for ICMP Router Discovery messages (1.8): 0, 16, 19.
bool is_known_advertisement_extension(uint8_t type);

// "MN-HA", "MN-FA", "FA-HA", "Pad", "UDP-Tunnel-Request", ... or "type N". Registration-message numbering space.
std::string registration_extension_name(uint8_t type);
// "Mobility-Agent", "Prefix-Lengths", "Pad" or "type N". ICMP Router Discovery numbering space.
std::string advertisement_extension_name(uint8_t type);

// Splits bytes into 1.9 TLV extensions. base_offset is where `data` starts inside the message, so each Extension's
// offset and any DecodeError offset are message offsets. Every type is read as Type/Length/Data because RFC 5944
// defines no long-format (1.10) type, and 1.10 itself notes a receiver "is likely to treat the 8 bits immediately
// following the Type as the Length field"; use decode_long_extension for a type known to be long.
// Errors name "extension[i].length" (Type is the last byte) or "extension[i].data" (Length runs past the end).
Expected<std::vector<Extension>> decode_extensions(std::span<const uint8_t> data, size_t base_offset);

// Appends the wire form of one extension. Throws std::invalid_argument if it cannot be encoded (body over 255 bytes,
// or a Pad with a body).
void encode_extension(const Extension& ext, std::vector<uint8_t>& out);
// Same check without encoding.
void check_encodable(const Extension& ext);

// Short extension format (1.11): Type, Length (= 1 + data size), Sub-Type, Data. Fits an Extension whose body is
// Sub-Type followed by Data.
struct ShortExtension {
  uint8_t type = 0;
  uint8_t sub_type = 0;
  std::vector<uint8_t> data;

  // Error if the body is empty (no Sub-Type byte). The error offset is that of the Length byte.
  static Expected<ShortExtension> from(const Extension& ext);
  // Throws std::invalid_argument if data exceeds 254 bytes ("not applicable for extensions that require more than
  // 256 bytes of data", 1.11; the 8-bit Length also counts the Sub-Type).
  Extension to_extension() const;
};

// Long extension format (1.10): Type, Sub-Type, Length(16 bits, Data only), Data. Not a TLV in the 1.9 sense, so it
// is decoded from raw bytes rather than from an Extension.
struct LongExtension {
  uint8_t type = 0;
  uint8_t sub_type = 0;
  std::vector<uint8_t> data;
  size_t offset = 0;  // of the Type byte in the message

  size_t wire_size() const { return 4 + data.size(); }
  // Decodes the long extension at the start of `data` (base_offset as in decode_extensions).
  static Expected<LongExtension> decode(std::span<const uint8_t> data, size_t base_offset);
  // Throws std::invalid_argument if data exceeds 65535 bytes.
  void encode(std::vector<uint8_t>& out) const;
};

// MN-HA / MN-FA / FA-HA authentication extension (3.5.2-3.5.4): Length = 4 + authenticator size, SPI (4 bytes),
// Authenticator.
struct AuthExtension {
  uint8_t type = MnHaAuth;
  uint32_t spi = 0;
  std::vector<uint8_t> authenticator;

  // Errors: type not 32/33/34 (field "type"), body shorter than the 4-byte SPI (field "spi").
  static Expected<AuthExtension> from(const Extension& ext);
  Extension to_extension() const;
};

inline bool is_auth_extension(uint8_t type) { return type == MnHaAuth || type == MnFaAuth || type == FaHaAuth; }

}  // namespace mipvpn::wire
