// Typed views of the registration extensions the companion RFCs add to RFC 5944: Encapsulating Delivery Style (RFC
// 3024 3.3), UDP Tunnel Request / Reply (RFC 3519 3.1 / 3.2), Trusted Networks Configured (RFC 5265 3.4) and the
// Mobile Node NAI (RFC 2794 2).
//
// Each view reads the fields of one Extension as the RFC figure lays them out and writes them back. from() checks the
// structure only (Type and Length); values an RFC forbids (non-zero Sub-Type or Reserved fields, bad placement) decode
// so that validate() can name them. Error offsets are message offsets: Extension::offset + the field's position
// (Type at +0, Length at +1, first body byte at +2).
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/extension.h"

#include <cstdint>
#include <string>

namespace mipvpn::wire {

// RFC 3024 3.3: Type 130, Length 0. Asks the foreign agent for the Encapsulating Delivery Style of reverse tunnelling.
struct EncapsulatingDeliveryStyleExtension {
  // Errors: type not 130 ("encapsulating_delivery_style.type"), Length not 0 ("encapsulating_delivery_style.length").
  static Expected<EncapsulatingDeliveryStyleExtension> from(const Extension& ext);
  Extension to_extension() const;
};

// RFC 3519 3.1, short format (RFC 5944 1.11), 8 bytes on the wire:
//   [0] Type=144 [1] Length=6 [2] Sub-Type=0 [3] Reserved 1 [4] F R Reserved 2 (6 bits) [5] Encapsulation
//   [6-7] Reserved 3
struct UdpTunnelRequestExtension {
  static constexpr uint8_t kLength = 6;
  static constexpr uint8_t kFlagF = 0x80;          // force tunnelling whatever NAT detection finds (3.1.1)
  static constexpr uint8_t kFlagR = 0x40;          // co-located CoA registered through an FA that set 'R' (3.1.2)
  static constexpr uint8_t kReserved2Mask = 0x3f;  // the rest of byte 4
  // Encapsulation values (3.1.4): IP protocol numbers; 0 leaves the choice to the M and G flags of the request.
  static constexpr uint8_t kEncapsulationByFlags = 0;
  static constexpr uint8_t kEncapsulationIpInIp = 4;
  static constexpr uint8_t kEncapsulationGre = 47;
  static constexpr uint8_t kEncapsulationMinimal = 55;

  uint8_t sub_type = 0;
  uint8_t reserved1 = 0;
  bool f = false;
  bool r = false;
  uint8_t reserved2 = 0;  // 6 bits
  uint8_t encapsulation = kEncapsulationByFlags;
  uint16_t reserved3 = 0;

  // The byte holding F, R and Reserved 2.
  uint8_t flags() const;
  // Errors: type not 144; a Length too short names the first missing field ("udp_tunnel_request.reserved3" ...); a
  // Length over 6 names "udp_tunnel_request.length".
  static Expected<UdpTunnelRequestExtension> from(const Extension& ext);
  // Throws std::invalid_argument if reserved2 does not fit its 6 bits.
  Extension to_extension() const;
  bool operator==(const UdpTunnelRequestExtension&) const = default;
};

// RFC 3519 3.2, 8 bytes on the wire:
//   [0] Type=44 [1] Length=6 [2] Sub-Type=0 [3] Reply Code [4-5] F + Reserved (15 bits) [6-7] Keepalive Interval
struct UdpTunnelReplyExtension {
  static constexpr uint8_t kLength = 6;
  static constexpr uint16_t kFlagF = 0x8000;
  static constexpr uint16_t kReservedMask = 0x7fff;
  // Reply codes (3.2.1): "Values in the range 0 .. 63 indicate assent ... 64 .. 255 indicate that tunnelling should
  // not be done".
  static constexpr uint8_t kWillTunnel = 0;
  static constexpr uint8_t kDeclinedUnspecified = 64;

  uint8_t sub_type = 0;
  uint8_t reply_code = kWillTunnel;
  bool f = false;
  uint16_t reserved = 0;            // 15 bits
  uint16_t keepalive_interval = 0;  // seconds; 0 = "use its default configured keepalive interval"

  bool accepted() const { return reply_code <= 63; }
  // The 16-bit word holding F and Reserved.
  uint16_t flags() const;
  // Errors: type not 44; short Length names the first missing field ("udp_tunnel_reply.keepalive_interval" ...);
  // a Length over 6 names "udp_tunnel_reply.length".
  static Expected<UdpTunnelReplyExtension> from(const Extension& ext);
  // Throws std::invalid_argument if reserved does not fit its 15 bits.
  Extension to_extension() const;
  bool operator==(const UdpTunnelReplyExtension&) const = default;
};

// RFC 5265 3.4, short format: [0] Type=149 [1] Length=2 [2] Sub-Type=0 [3] Reserved.
struct TrustedNetworksConfiguredExtension {
  static constexpr uint8_t kLength = 2;
  uint8_t sub_type = 0;
  uint8_t reserved = 0;

  // Errors: type not 149; short Length names "trusted_networks_configured.sub_type" / ".reserved"; a Length over 2
  // names "trusted_networks_configured.length".
  static Expected<TrustedNetworksConfiguredExtension> from(const Extension& ext);
  Extension to_extension() const;
  bool operator==(const TrustedNetworksConfiguredExtension&) const = default;
};

// RFC 2794 2: [0] Type=131 [1] Length = bytes of MN-NAI [2..] MN-NAI, "A string in the NAI format" (RFC 2486).
struct NaiExtension {
  std::string nai;  // the bytes as sent, not necessarily printable

  // Errors: type not 131 ("nai.type"). Any Length decodes (an empty NAI is a validate() matter).
  static Expected<NaiExtension> from(const Extension& ext);
  // Throws std::invalid_argument if the NAI exceeds 255 bytes.
  Extension to_extension() const;
  // The NAI with every byte outside printable ASCII (and the backslash) written as \xNN.
  std::string printable() const;
  bool operator==(const NaiExtension&) const = default;
};

// Types RFC 5944 or the companion RFCs covered here define for registration messages: 0, 32, 33, 34 (RFC 5944), 44,
// 144 (RFC 3519), 130 (RFC 3024), 131 (RFC 2794), 149 (RFC 5265). is_known_registration_extension keeps meaning
// "RFC 5944 alone" because the reference home agent bases its 1.8 discard decision on it.
bool is_defined_registration_extension(uint8_t type);

// One extension as describe_extensions shows it: "MN-HA spi=256", "UDP-Tunnel-Request F encap=4",
// "UDP-Tunnel-Reply code=0 keepalive=110", "Encap-Delivery-Style", "TNC", "NAI user@example.com", "Pad",
// "type 200 len=3". A typed view that does not decode falls back to "<name> len=N".
std::string describe_extension(const Extension& ext);

}  // namespace mipvpn::wire
