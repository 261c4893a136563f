#include "agents/common/link_ip_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "agents/common/ipv4.h"

namespace mipvpn::agents {

LinkIpSocket::LinkIpSocket(const std::string& interface) : interface_(interface), buffer_(65536) {
  const std::string what = "IPv4 packet socket on " + interface;
  ifindex_ = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex_ == 0) throw std::system_error(errno, std::generic_category(), what + ": no such interface");
  // SOCK_DGRAM: the kernel adds and strips the Ethernet header; sll_addr carries the link-layer address.
  fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), what);
  auto fail = [&](const std::string& step) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(e, std::generic_category(), what + ": " + step);
  };
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_IP);
  sll.sll_ifindex = ifindex_;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0) fail("bind");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd_, SIOCGIFHWADDR, &ifr) != 0) fail("SIOCGIFHWADDR");
  std::memcpy(mac_.data(), ifr.ifr_hwaddr.sa_data, 6);
}

LinkIpSocket::~LinkIpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int LinkIpSocket::send(std::span<const uint8_t> packet, const MacAddress& link_destination) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_IP);
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, link_destination.data(), 6);
  if (::sendto(fd_, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
    return errno;
  }
  return 0;
}

std::optional<LinkFrame> LinkIpSocket::receive() {
  sockaddr_ll from{};
  socklen_t len = sizeof from;
  const ssize_t n = ::recvfrom(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) return std::nullopt;
  LinkFrame f;
  const size_t got = std::min(static_cast<size_t>(n), buffer_.size());
  f.truncated = static_cast<size_t>(n) > buffer_.size();
  f.packet.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(got));
  std::memcpy(f.link_source.data(), from.sll_addr, 6);
  f.outgoing = from.sll_pkttype == PACKET_OUTGOING;
  return f;
}

void LinkIpSocket::accept_only_icmp_type(uint8_t icmp_type) {
  // On a SOCK_DGRAM packet socket the filter sees the packet from the IPv4 header on.
  sock_filter code[] = {
      {BPF_LD | BPF_B | BPF_ABS, 0, 0, 9},         // 0: A = protocol
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 6, 1},        // 1: ICMP? else drop
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 6},         // 2: A = flags | fragment offset
      {BPF_JMP | BPF_JSET | BPF_K, 4, 0, 0x1fff},  // 3: not the first fragment: drop
      {BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0},        // 4: X = IHL * 4
      {BPF_LD | BPF_B | BPF_IND, 0, 0, 0},         // 5: A = ICMP type
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, icmp_type},  // 6: the type? else drop
      {BPF_RET | BPF_K, 0, 0, 0x40000},            // 7: accept
      {BPF_RET | BPF_K, 0, 0, 0},                  // 8: drop
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    throw std::system_error(errno, std::generic_category(), "IPv4 packet socket on " + interface_ + ": filter");
  }
  while (::recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT) >= 0) {
  }
}

std::optional<MacAddress> link_address_without_arp(const Tins::IPv4Address& destination,
                                                   const std::optional<Tins::IPv4Address>& subnet_broadcast) {
  const uint32_t h = to_host(destination);
  if (h == 0xffffffffu || (subnet_broadcast && destination == *subnet_broadcast)) return kBroadcastMac;
  if (destination.is_multicast()) {
    return MacAddress{0x01, 0x00, 0x5e, static_cast<uint8_t>((h >> 16) & 0x7f), static_cast<uint8_t>((h >> 8) & 0xff),
                      static_cast<uint8_t>(h & 0xff)};
  }
  return std::nullopt;
}

}  // namespace mipvpn::agents
