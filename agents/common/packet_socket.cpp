#include "agents/common/packet_socket.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {

PacketSocket::PacketSocket(const std::string& interface, uint16_t ethertype, const std::string& what)
    : ethertype_(ethertype) {
  ifindex_ = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex_ == 0) throw std::system_error(errno, std::generic_category(), what + ": no such interface");
  fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ethertype));
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), what);
  auto fail = [&](const std::string& step) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(e, std::generic_category(), what + ": " + step);
  };
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ethertype);
  sll.sll_ifindex = ifindex_;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0) fail("bind");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd_, SIOCGIFHWADDR, &ifr) != 0) fail("SIOCGIFHWADDR");
  std::memcpy(mac_.data(), ifr.ifr_hwaddr.sa_data, 6);
}

PacketSocket::~PacketSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int PacketSocket::send(std::span<const uint8_t> payload, const MacAddress& link_destination) const {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ethertype_);
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, link_destination.data(), 6);
  if (::sendto(fd_, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
    return errno;
  }
  return 0;
}

}  // namespace mipvpn::agents
