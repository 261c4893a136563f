#include "agents/common/arp_socket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {

ArpSocket::ArpSocket(const std::string& interface) : interface_(interface) {
  const std::string what = "ARP packet socket on " + interface;
  ifindex_ = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex_ == 0) throw std::system_error(errno, std::generic_category(), what + ": no such interface");
  // SOCK_DGRAM: the kernel adds and strips the Ethernet header; sll_addr carries the link-layer address.
  fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), what);
  auto fail = [&](const std::string& step) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(e, std::generic_category(), what + ": " + step);
  };
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ARP);
  sll.sll_ifindex = ifindex_;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0) fail("bind");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd_, SIOCGIFHWADDR, &ifr) != 0) fail("SIOCGIFHWADDR");
  std::memcpy(mac_.data(), ifr.ifr_hwaddr.sa_data, 6);
}

ArpSocket::~ArpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int ArpSocket::send(const ArpPacket& arp, const MacAddress& link_destination) {
  const std::vector<uint8_t> body = arp.bytes();
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, link_destination.data(), 6);
  if (::sendto(fd_, body.data(), body.size(), MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&to),
               sizeof to) < 0) {
    return errno;
  }
  return 0;
}

std::optional<ReceivedArp> ArpSocket::receive() {
  uint8_t buf[256];
  for (;;) {
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
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
