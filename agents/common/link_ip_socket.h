// An AF_PACKET socket for IPv4 on one Ethernet interface: receives every IPv4 frame on that link with its link-layer
// source address, and sends whole IPv4 packets to a chosen link-layer destination. A foreign agent needs both: it
// learns a visiting mobile node's link-layer address from its frames and delivers to it by that address, since the
// mobile node's home address is not on the link and "A foreign agent MUST NOT use broadcast ARP for a mobile node's
// MAC address on a foreign network" (RFC 5944 4.2.2).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"
#include "agents/common/packet_socket.h"

namespace mipvpn::agents {

struct LinkFrame {
  std::vector<uint8_t> packet;  // the IPv4 packet (the kernel strips the Ethernet header)
  MacAddress link_source{};
  bool outgoing = false;  // a frame this host sent (PACKET_OUTGOING)
  bool truncated = false;
};

class LinkIpSocket {
 public:
  // Opens a packet socket for ETH_P_IP bound to `interface`. Throws std::system_error naming the interface.
  explicit LinkIpSocket(const std::string& interface);

  int fd() const { return socket_.fd(); }
  const std::string& interface() const { return interface_; }
  int ifindex() const { return socket_.ifindex(); }
  const MacAddress& mac() const { return socket_.mac(); }

  // Sends the IPv4 packet in a frame to `link_destination` (kBroadcastMac for a local broadcast). 0 or an errno value.
  int send(std::span<const uint8_t> packet, const MacAddress& link_destination);
  // Next IPv4 frame, or nullopt when none is waiting.
  std::optional<LinkFrame> receive();
  // Narrows what receive() returns, with a kernel filter, to frames arriving from the link (not this host's own)
  // that carry ICMP messages of `icmp_type` or, when given, UDP datagrams to `udp_destination_port` (first fragments
  // only). A mobile node listening for agent advertisements (type 9), or a foreign agent learning its visitors'
  // link-layer addresses from their registrations (port 434), is then neither woken by data traffic nor loses the
  // frames it needs when data traffic fills the socket's queue. Frames queued before the filter are dropped. Throws
  // std::system_error.
  void accept_only(uint8_t icmp_type, std::optional<uint16_t> udp_destination_port = std::nullopt);
  // Asks for a receive queue of `bytes` (beyond the system maximum when privileged); false when refused.
  bool enlarge_receive_queue(int bytes);

 private:
  std::string interface_;
  PacketSocket socket_;
  std::vector<uint8_t> buffer_;
};

// The Ethernet address an IPv4 destination maps to without ARP: 01:00:5e + the low 23 bits for multicast (RFC 1112
// 6.4), ff:ff:ff:ff:ff:ff for 255.255.255.255 (and for `subnet_broadcast` when given); nullopt for unicast.
std::optional<MacAddress> link_address_without_arp(const Tins::IPv4Address& destination,
                                                   const std::optional<Tins::IPv4Address>& subnet_broadcast = {});

}  // namespace mipvpn::agents
