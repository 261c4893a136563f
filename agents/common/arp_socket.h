// An AF_PACKET socket for ARP on one Ethernet interface: receives every ARP frame on it and sends ARP frames, either
// broadcast (gratuitous ARP, RFC 5944 4.6) or unicast (a proxy ARP reply to its requester).
#pragma once

#include <optional>
#include <string>

#include "agents/common/arp_packet.h"
#include "agents/common/packet_socket.h"

namespace mipvpn::agents {

struct ReceivedArp {
  ArpPacket arp;
  MacAddress link_source{};  // Ethernet source address of the frame
  bool outgoing = false;     // a frame this host sent (PACKET_OUTGOING), seen on the way out
  bool unicast = false;      // addressed to this interface's link-layer address (PACKET_HOST), not broadcast
};

class ArpSocket {
 public:
  // Opens a packet socket for ETH_P_ARP bound to `interface`. Throws std::system_error naming the interface.
  explicit ArpSocket(const std::string& interface);

  int fd() const { return socket_.fd(); }
  const std::string& interface() const { return interface_; }
  int ifindex() const { return socket_.ifindex(); }
  const MacAddress& mac() const { return socket_.mac(); }  // the interface's own link-layer address

  // Sends the ARP body in a frame to `link_destination` (kBroadcastMac for a local broadcast). 0 or an errno value.
  int send(const ArpPacket& arp, const MacAddress& link_destination);
  // Next ARP frame, or nullopt when none is waiting. Frames that are not Ethernet/IPv4 ARP are skipped.
  std::optional<ReceivedArp> receive();

 private:
  std::string interface_;
  PacketSocket socket_;
};

}  // namespace mipvpn::agents
