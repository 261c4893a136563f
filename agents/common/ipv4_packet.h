// Reading and building the few IPv4 header fields the data plane needs (tunnel endpoints look at the inner and outer
// source and destination, the protocol and the lengths; they never trust a length they have not checked).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

namespace mipvpn::agents {

inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoIpInIp = 4;   // RFC 2003
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoGre = 47;     // RFC 2784
inline constexpr uint8_t kProtoMinimal = 55; // RFC 2004

struct Ipv4Header {
  uint8_t header_length = 0;  // bytes (IHL * 4)
  uint16_t total_length = 0;
  uint16_t identification = 0;
  uint16_t flags_fragment = 0;
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  Tins::IPv4Address source;
  Tins::IPv4Address destination;

  bool more_fragments() const { return (flags_fragment & 0x2000) != 0; }
  uint16_t fragment_offset() const { return flags_fragment & 0x1fff; }
};

// Parses the header of an IPv4 packet: version 4, IHL >= 5, header and total length within `packet`. nullopt (and
// `why` filled when given) otherwise. Bytes after total_length (link padding) are allowed.
std::optional<Ipv4Header> parse_ipv4_header(std::span<const uint8_t> packet, std::string* why = nullptr);

// The packet's payload (after the header, up to total_length); the header must have come from parse_ipv4_header.
std::span<const uint8_t> ipv4_payload(std::span<const uint8_t> packet, const Ipv4Header& h);

// A 20-byte header (no options) with a correct checksum followed by `payload`: for tests and for the minimal
// encapsulation decapsulator that has to rebuild the original header.
std::vector<uint8_t> build_ipv4_packet(const Tins::IPv4Address& source, const Tins::IPv4Address& destination,
                                       uint8_t protocol, std::span<const uint8_t> payload, uint8_t ttl = 64,
                                       uint16_t identification = 0, bool dont_fragment = false);

// Recomputes the header checksum in place (after a field was changed).
void fix_ipv4_checksum(std::span<uint8_t> packet);

}  // namespace mipvpn::agents
