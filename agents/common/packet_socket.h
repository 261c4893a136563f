// The part the link-layer sockets share: an AF_PACKET SOCK_DGRAM socket for one EtherType bound to one interface (the
// kernel adds and strips the Ethernet header, sll_addr carries the link-layer address), and sending one payload to a
// chosen link-layer destination. ArpSocket (ETH_P_ARP) and LinkIpSocket (ETH_P_IP) are built on it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "agents/common/arp_packet.h"

namespace mipvpn::agents {

class PacketSocket {
 public:
  // Opens and binds the socket and reads the interface's link-layer address. Throws std::system_error whose message
  // starts with `what` and names the failing step.
  PacketSocket(const std::string& interface, uint16_t ethertype, const std::string& what);
  ~PacketSocket();
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;

  int fd() const { return fd_; }
  int ifindex() const { return ifindex_; }
  const MacAddress& mac() const { return mac_; }
  // 0 or an errno value; never blocks.
  int send(std::span<const uint8_t> payload, const MacAddress& link_destination) const;

 private:
  int fd_ = -1;
  int ifindex_ = 0;
  uint16_t ethertype_ = 0;
  MacAddress mac_{};
};

}  // namespace mipvpn::agents
