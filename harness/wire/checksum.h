// The Internet checksum (RFC 1071) used by ICMP agent discovery messages and by UDP.
#pragma once

#include <tins/ip_address.h>

#include <cstdint>
#include <span>

namespace mipvpn::wire {

// One's complement of the one's complement sum of 16-bit big-endian words; an odd trailing byte is padded with zero.
// A message that carries a correct checksum sums (checksum included) to 0.
uint16_t internet_checksum(std::span<const uint8_t> data);

// UDP checksum over the IPv4 pseudo header (src, dst, 0, 17, UDP length) and the UDP header + payload as given
// (its checksum field included, so a correctly checksummed datagram yields 0). Per RFC 768 a computed 0 is sent as
// 0xffff; this returns the raw one's complement value.
uint16_t udp_checksum_ipv4(Tins::IPv4Address src, Tins::IPv4Address dst, std::span<const uint8_t> udp_datagram);

}  // namespace mipvpn::wire
