#include "agents/common/arp_socket.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cstring>

namespace mipvpn::agents {

ArpSocket::ArpSocket(const std::string& interface)
    : interface_(interface), socket_(interface, ETH_P_ARP, "ARP packet socket on " + interface) {}

int ArpSocket::send(const ArpPacket& arp, const MacAddress& link_destination) {
  return socket_.send(arp.bytes(), link_destination);
}

std::optional<ReceivedArp> ArpSocket::receive() {
  uint8_t buf[256];
  for (;;) {
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(socket_.fd(), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    auto arp = ArpPacket::parse(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    if (!arp) continue;
    ReceivedArp r;
    r.arp = *arp;
    std::memcpy(r.link_source.data(), from.sll_addr, 6);
    r.outgoing = from.sll_pkttype == PACKET_OUTGOING;
    r.unicast = from.sll_pkttype == PACKET_HOST;
    return r;
  }
}

}  // namespace mipvpn::agents
