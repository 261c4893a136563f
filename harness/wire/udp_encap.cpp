#include "harness/wire/udp_encap.h"

#include "harness/wire/esp.h"

#include <cstdio>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc3948 = "RFC 3948";

std::string hex_byte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

}  // namespace

Expected<UdpEncapKind> classify_udp_encap(std::span<const uint8_t> p) noexcept {
  const size_t n = p.size();
  if (n == 0)
    return DecodeError{0, "spi",
                       "a NAT-keepalive (one octet 0xFF), a Non-ESP Marker (4 zero octets) or an ESP header (8 octets, "
                       "RFC 3948 2), found an empty UDP payload"};
  // Only a keepalive is this short; RFC 3948 2.3 says what it must contain, validate_nat_keepalive checks it.
  if (n == 1 || (p[0] == 0xff && n < Esp::kHeaderSize)) return UdpEncapKind::NatKeepalive;
  if (n >= kNonEspMarkerSize && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) return UdpEncapKind::Ike;
  if (n >= Esp::kHeaderSize) return UdpEncapKind::Esp;
  if (n < kNonEspMarkerSize)
    return DecodeError{0, "spi",
                       "a NAT-keepalive (one octet 0xFF), a 4-octet Non-ESP Marker or an 8-octet ESP header, found " +
                           std::to_string(n) + " octets starting " + hex_byte(p[0])};
  return DecodeError{4, "sequence",
                     "the Sequence Number of an ESP header (8 octets; the SPI is not the all-zero Non-ESP Marker), "
                     "found only " + std::to_string(n) + " octets"};
}

std::vector<Violation> validate_nat_keepalive(std::span<const uint8_t> payload) {
  std::vector<Violation> out;
  if (payload.size() != 1 || payload[0] != 0xff) {
    std::string seen;
    for (size_t i = 0; i < payload.size() && i < 8; ++i) seen += (i ? " " : "") + hex_byte(payload[i]);
    out.push_back({kRfc3948, "2.3", "MUST",
                   "NAT-keepalive payload is " + std::to_string(payload.size()) + " octet(s) [" + seen +
                       "]: \"The sender MUST use a one-octet-long payload with the value 0xFF.\""});
  }
  return out;
}

std::vector<Violation> validate_udp_encap_checksum(UdpEncapKind kind, uint16_t checksum) {
  std::vector<Violation> out;
  if (checksum == 0 || kind == UdpEncapKind::Ike) return out;
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", checksum);
  const bool esp = kind == UdpEncapKind::Esp;
  out.push_back({kRfc3948, esp ? "2.1" : "2.3", "SHOULD",
                 std::string(esp ? "UDP-encapsulated ESP" : "NAT-keepalive") + " has UDP checksum " + buf +
                     ": \"the IPv4 UDP Checksum SHOULD be transmitted as a zero value\" (receivers \"MUST NOT depend "
                     "on the UDP checksum being a zero value\", so this is the sender's deviation only)"});
  return out;
}

std::vector<Violation> validate_udp_encap_ports(UdpEncapKind kind, uint16_t src, uint16_t dst) {
  std::vector<Violation> out;
  if (kind == UdpEncapKind::Ike || src == 0 || dst == 0) return out;
  if (src != kUdpEncapPort && dst != kUdpEncapPort) {
    const bool esp = kind == UdpEncapKind::Esp;
    out.push_back({kRfc3948, esp ? "2.1" : "2.3", "MUST",
                   std::string(esp ? "UDP-encapsulated ESP" : "NAT-keepalive") + " on ports " + std::to_string(src) +
                       ">" + std::to_string(dst) + ": the Source Port and Destination Port " +
                       (esp ? "\"MUST be the same as that used by IKE traffic\""
                            : "\"MUST be the same as used by UDP-ESP encapsulation of Section 2.1\"") +
                       ", which is 4500 once NAT is detected (RFC 3947 4: \"The initiator MUST set both UDP source "
                       "and destination ports to 4500.\"); a NAT rewrites at most one side"});
  }
  return out;
}

}  // namespace mipvpn::wire
