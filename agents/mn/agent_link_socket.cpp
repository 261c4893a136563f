#include "agents/mn/agent_link_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "agents/common/ipv4.h"

namespace mipvpn::agents::mn {

AgentLinkSocket::AgentLinkSocket(const std::string& interface) : interface_(interface) {
  const std::string what = "IPv4 packet socket on " + interface;
  ifindex_ = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex_ == 0) throw std::system_error(errno, std::generic_category(), what + ": no such interface");
  fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), what);
  auto fail = [&](const std::string& step) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(e, std::generic_category(), what + ": " + step);
  };
  // On a SOCK_DGRAM packet socket the filter sees the packet from the IPv4 header on. Accept: protocol 1 (ICMP), not
  // a non-first fragment, ICMP type 9.
  static sock_filter code[] = {
      {BPF_LD | BPF_B | BPF_ABS, 0, 0, 9},            // 0: A = protocol
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 6, 1},           // 1: ICMP? else drop
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 6},            // 2: A = flags | fragment offset
      {BPF_JMP | BPF_JSET | BPF_K, 4, 0, 0x1fff},     // 3: fragment offset != 0: drop
      {BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0},           // 4: X = IHL * 4
      {BPF_LD | BPF_B | BPF_IND, 0, 0, 0},            // 5: A = ICMP type
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 9},           // 6: type 9? else drop
      {BPF_RET | BPF_K, 0, 0, 0x40000},               // 7: accept
      {BPF_RET | BPF_K, 0, 0, 0},                     // 8: drop
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) fail("SO_ATTACH_FILTER");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_IP);
  sll.sll_ifindex = ifindex_;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0) fail("bind");
  // Frames queued between socket() and the filter may be anything: drop them.
  char drain[2048];
  while (::recv(fd_, drain, sizeof drain, MSG_DONTWAIT) >= 0) {
  }
}

AgentLinkSocket::~AgentLinkSocket() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<LinkIpPacket> AgentLinkSocket::receive() {
  std::vector<uint8_t> buf(65536);
  for (;;) {
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    LinkIpPacket p;
    p.packet.assign(buf.begin(), buf.begin() + n);
    std::memcpy(p.source_mac.data(), from.sll_addr, 6);
    return p;
  }
}

int AgentLinkSocket::send(std::span<const uint8_t> ip_packet, const MacAddress& destination) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_IP);
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, destination.data(), 6);
  if (::sendto(fd_, ip_packet.data(), ip_packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
    return errno;
  }
  return 0;
}

MacAddress link_destination_for(const Tins::IPv4Address& destination) {
  if (!destination.is_multicast()) return kBroadcastMac;
  const uint32_t h = to_host(destination);
  return MacAddress{0x01, 0x00, 0x5e, static_cast<uint8_t>((h >> 16) & 0x7f), static_cast<uint8_t>(h >> 8),
                    static_cast<uint8_t>(h)};
}

}  // namespace mipvpn::agents::mn
