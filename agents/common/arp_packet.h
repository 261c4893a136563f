// ARP over Ethernet (RFC 826) as RFC 5944 4.6 uses it: proxy ARP replies and gratuitous ARP. Socket-free, so each
// field rule is unit-tested.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

namespace mipvpn::agents {

using MacAddress = std::array<uint8_t, 6>;
inline constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
std::string mac_to_string(const MacAddress& mac);

inline constexpr uint16_t kArpRequest = 1;
inline constexpr uint16_t kArpReply = 2;

// The 28-byte ARP body for Ethernet/IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4).
struct ArpPacket {
  uint16_t operation = kArpRequest;
  MacAddress sender_mac{};
  Tins::IPv4Address sender_ip;
  MacAddress target_mac{};
  Tins::IPv4Address target_ip;

  std::vector<uint8_t> bytes() const;
  // nullopt unless Ethernet/IPv4 ARP of at least 28 bytes.
  static std::optional<ArpPacket> parse(std::span<const uint8_t> body);
  std::string to_string() const;
};

// RFC 5944 4.6: "the ARP Sender Protocol Address and ARP Target Protocol Address are both set to the IP address of
// the cache entry to be updated, and the ARP Sender Hardware Address is set to the link-layer address to which this
// cache entry should be updated. When using an ARP Reply packet, the Target Hardware Address is also set to the
// link-layer address to which this cache entry should be updated (this field is not used in an ARP Request packet)."
// It "MUST be transmitted as a local broadcast packet on the local link" (the socket's job).
ArpPacket gratuitous_arp(const Tins::IPv4Address& address, const MacAddress& mac, uint16_t operation = kArpRequest);

// RFC 5944 4.6 proxy ARP: "After exchanging the sender and target addresses in the packet [49], the home agent MUST
// set the sender link-layer address in the packet to the link-layer address of its own interface over which the
// Reply will be sent." Sent unicast to the requester.
ArpPacket proxy_arp_reply(const ArpPacket& request, const MacAddress& own_mac);

}  // namespace mipvpn::agents
