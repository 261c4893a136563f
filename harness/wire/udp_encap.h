// UDP encapsulation of IPsec ESP (RFC 3948): what a UDP 4500 payload is.
//
//   NAT-keepalive (2.3)   one octet 0xFF
//   IKE (2.2)             a Non-ESP Marker, 4 zero octets "aligning with the SPI field of an ESP packet", then the
//                         IKE header
//   ESP (2.1)             an ESP header whose SPI "MUST NOT be a zero value", which is what tells it from the marker
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/violation.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

inline constexpr uint16_t kUdpEncapPort = 4500;
inline constexpr size_t kNonEspMarkerSize = 4;

enum class UdpEncapKind {
  NatKeepalive,  // a short payload starting 0xFF, or any single octet (only keepalives are that short)
  Ike,           // Non-ESP Marker; the IKE message starts at byte 4
  Esp,           // an ESP packet (at least the 8-byte header, SPI not 0)
};

// Never throws. Errors (offset in the payload): an empty payload (field "spi"), and payloads of 2-7 octets that are
// neither a keepalive, nor a marker, nor an ESP header (field "spi" or "sequence", saying what each would need).
Expected<UdpEncapKind> classify_udp_encap(std::span<const uint8_t> payload) noexcept;

// "The sender MUST use a one-octet-long payload with the value 0xFF." (2.3): a payload classified NatKeepalive that is
// longer than one octet or is not 0xFF.
std::vector<Violation> validate_nat_keepalive(std::span<const uint8_t> payload);

// "the IPv4 UDP Checksum SHOULD be transmitted as a zero value" for ESP-in-UDP (2.1) and NAT-keepalives (2.3); RFC
// 3948 sets no checksum rule for IKE (2.2), so nothing is reported for it.
std::vector<Violation> validate_udp_encap_checksum(UdpEncapKind kind, uint16_t udp_checksum);

// Ports: ESP-in-UDP and keepalives use "the same [ports] as that used by IKE traffic" (2.1, 2.3), which after NAT
// detection is 4500 (RFC 3947 4: the initiator "MUST set both UDP source and destination ports to 4500"); a NAT may
// rewrite one of them, so at least one of the two must still be 4500. Ports of 0 (unknown) are not checked.
std::vector<Violation> validate_udp_encap_ports(UdpEncapKind kind, uint16_t src_port, uint16_t dst_port);

}  // namespace mipvpn::wire
