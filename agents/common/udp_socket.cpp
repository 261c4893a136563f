#include "agents/common/udp_socket.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

PktinfoUdpSocket::PktinfoUdpSocket(uint16_t port) : port_(port), buffer_(65536) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd_ < 0) throw_errno("socket(AF_INET, SOCK_DGRAM)");
  const int on = 1;
  // No SO_REUSEADDR: with it a second daemon could bind the same UDP port and take the traffic.
  if (::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0 ||
      ::setsockopt(fd_, IPPROTO_IP, IP_RECVTTL, &on, sizeof on) != 0 ||
      ::setsockopt(fd_, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0) {
    const int e = errno;
    ::close(fd_);
    errno = e;
    throw_errno("setsockopt(IP_PKTINFO/IP_RECVTTL/SO_BROADCAST)");
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof sin) != 0) {
    const int e = errno;
    ::close(fd_);
    errno = e;
    throw_errno("bind(0.0.0.0:" + std::to_string(port) + ")");
  }
  if (port == 0) {  // an ephemeral port: remember which one the kernel chose
    socklen_t len = sizeof sin;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len) == 0) port_ = ntohs(sin.sin_port);
  }
}

PktinfoUdpSocket::~PktinfoUdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool PktinfoUdpSocket::allow_foreign_source() {
  const int on = 1;
  return ::setsockopt(fd_, IPPROTO_IP, IP_TRANSPARENT, &on, sizeof on) == 0;
}

bool PktinfoUdpSocket::enable_errors() {
  const int on = 1;
  return ::setsockopt(fd_, IPPROTO_IP, IP_RECVERR, &on, sizeof on) == 0;
}

bool PktinfoUdpSocket::join_multicast(const Tins::IPv4Address& group, int ifindex) {
  ip_mreqn m{};
  m.imr_multiaddr.s_addr = static_cast<uint32_t>(group);
  m.imr_ifindex = ifindex;
  return ::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) == 0;
}

std::optional<DatagramError> PktinfoUdpSocket::receive_error() {
  for (;;) {
    sockaddr_in to{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(sock_extended_err) + sizeof(sockaddr_in)) + 64];
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = sizeof to;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd_, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR) continue;
      sock_extended_err ee{};
      std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
      if (ee.ee_origin != SO_EE_ORIGIN_ICMP) break;
      DatagramError e;
      e.payload.assign(buffer_.begin(), buffer_.begin() + std::min<ssize_t>(n, static_cast<ssize_t>(buffer_.size())));
      e.destination.address = Tins::IPv4Address(to.sin_addr.s_addr);
      e.destination.port = ntohs(to.sin_port);
      sockaddr_in offender{};
      std::memcpy(&offender, CMSG_DATA(c) + sizeof ee, sizeof offender);  // SO_EE_OFFENDER
      e.offender = Tins::IPv4Address(offender.sin_addr.s_addr);
      e.icmp_type = ee.ee_type;
      e.icmp_code = ee.ee_code;
      e.error = static_cast<int>(ee.ee_errno);
      return e;
    }
  }
}

std::optional<Datagram> PktinfoUdpSocket::receive() {
  sockaddr_in from{};
  iovec iov{buffer_.data(), buffer_.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  Datagram d;
  d.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  d.payload.assign(buffer_.begin(), buffer_.begin() + n);
  d.source.address = Tins::IPv4Address(from.sin_addr.s_addr);
  d.source.port = ntohs(from.sin_port);
  d.destination.port = port_;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.destination.address = Tins::IPv4Address(info.ipi_addr.s_addr);
      d.ifindex = info.ipi_ifindex;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      int ttl = 0;
      std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
      d.ttl = ttl;
    }
  }
  return d;
}

int PktinfoUdpSocket::send(const std::vector<uint8_t>& payload, const Tins::IPv4Address& source,
                           const Endpoint& destination) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(destination.port);
  to.sin_addr.s_addr = static_cast<uint32_t>(destination.address);
  iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))]{};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (static_cast<uint32_t>(source) != 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_spec_dst.s_addr = static_cast<uint32_t>(source);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
  }
  if (::sendmsg(fd_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) return errno;
  return 0;
}

}  // namespace mipvpn::agents
