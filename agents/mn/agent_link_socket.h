// The mobile node's link-layer view of agent discovery: an AF_PACKET socket for IPv4 on the physical interface that
// receives only ICMP type 9 (Router/Agent Advertisements, a kernel BPF filter) with the sender's link-layer address
// (needed to reach a foreign agent without ARP, RFC 5944 3.6.1.1, 4.6), and sends whole IPv4 packets to a chosen
// link-layer address (Agent Solicitations with TTL 1 even when the node has no address on the link, 2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"

namespace mipvpn::agents::mn {

struct LinkIpPacket {
  std::vector<uint8_t> packet;  // from the IPv4 header on
  MacAddress source_mac{};
};

class AgentLinkSocket {
 public:
  // Throws std::system_error naming the interface.
  explicit AgentLinkSocket(const std::string& interface);
  ~AgentLinkSocket();
  AgentLinkSocket(const AgentLinkSocket&) = delete;
  AgentLinkSocket& operator=(const AgentLinkSocket&) = delete;

  int fd() const { return fd_; }
  // Next advertisement frame received (frames this host sent are skipped), or nullopt when none is waiting.
  std::optional<LinkIpPacket> receive();
  // Sends a whole IPv4 packet in a frame to `destination`. 0 or an errno value.
  int send(std::span<const uint8_t> ip_packet, const MacAddress& destination);

 private:
  std::string interface_;
  int ifindex_ = 0;
  int fd_ = -1;
};

// The Ethernet address of an IPv4 destination sent without ARP: broadcast for 255.255.255.255, 01:00:5e + the low
// 23 bits for a multicast group (RFC 1112 6.4).
MacAddress link_destination_for(const Tins::IPv4Address& destination);

}  // namespace mipvpn::agents::mn
