#include "agents/common/raw_ip_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {

RawIpSocket::RawIpSocket(uint8_t protocol, const RawIpOptions& options) : protocol_(protocol), buffer_(65536) {
  const std::string what = "raw socket for IP protocol " + std::to_string(protocol);
  fd_ = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), what);
  auto fail = [&](const std::string& step) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(e, std::generic_category(), what + ": " + step);
  };
  const int on = 1;
  if (::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0) fail("IP_PKTINFO");
  if (options.ttl) {
    const int ttl = *options.ttl;
    if (::setsockopt(fd_, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) fail("IP_TTL");
  }
  if (!options.bind_device.empty() &&
      ::setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, options.bind_device.c_str(),
                   static_cast<socklen_t>(options.bind_device.size())) != 0) {
    fail("SO_BINDTODEVICE " + options.bind_device);
  }
  if (options.bind_source) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = static_cast<uint32_t>(*options.bind_source);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof sin) != 0) {
      fail("bind " + options.bind_source->to_string());
    }
  }
}

RawIpSocket::~RawIpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int RawIpSocket::send(std::span<const uint8_t> payload, const Tins::IPv4Address& destination,
                      const Tins::IPv4Address& source, std::optional<uint8_t> ttl) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = static_cast<uint32_t>(destination);
  iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  size_t used = 0;
  if (static_cast<uint32_t>(source) != 0 || ttl) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (static_cast<uint32_t>(source) != 0) {
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      info.ipi_spec_dst.s_addr = static_cast<uint32_t>(source);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
      used += CMSG_SPACE(sizeof(in_pktinfo));
      c = CMSG_NXTHDR(&msg, c);
    }
    if (ttl) {
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_TTL;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      const int value = *ttl;
      std::memcpy(CMSG_DATA(c), &value, sizeof value);
      used += CMSG_SPACE(sizeof(int));
    }
    msg.msg_controllen = used;
  }
  if (::sendmsg(fd_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) return errno;
  return 0;
}

std::optional<RawIpPacket> RawIpSocket::receive() {
  sockaddr_in from{};
  iovec iov{buffer_.data(), buffer_.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo)) + 64];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  RawIpPacket p;
  p.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  p.bytes.assign(buffer_.begin(), buffer_.begin() + n);
  p.source = Tins::IPv4Address(from.sin_addr.s_addr);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      p.destination = Tins::IPv4Address(info.ipi_addr.s_addr);
      p.ifindex = info.ipi_ifindex;
    }
  }
  return p;
}

}  // namespace mipvpn::agents
