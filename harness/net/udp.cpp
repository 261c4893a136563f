#include "harness/net/udp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace mipvpn::net {

namespace {

std::string ntop(const in_addr& a) {
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &a, buf, sizeof(buf));
    return buf;
}

bool parse_address(const std::string& text, in_addr& out) { return ::inet_pton(AF_INET, text.c_str(), &out) == 1; }

}  // namespace

UdpSocket::UdpSocket(std::string ns, std::string address, uint16_t port, UdpOptions options)
    : ns_(std::move(ns)), address_(std::move(address)), port_(port) {
    const std::string what = "UDP socket " + address_ + ":" + std::to_string(port) + " in " + ns_;
    if (ns_.empty()) throw NetError(what + ": a namespace is required");
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    if (!parse_address(address_, local.sin_addr)) throw NetError(what + ": not an IPv4 address");
    NetnsGuard guard(ns_);
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd_ < 0) throw NetError(what + ": socket: " + ::strerror(errno));
    auto fail = [&](const std::string& step) {
        const std::string msg = what + ": " + step + ": " + ::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        throw NetError(msg);
    };
    const int on = 1;
    if (options.reuse_address && ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) fail("SO_REUSEADDR");
    if (options.broadcast && ::setsockopt(fd_, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) != 0) fail("SO_BROADCAST");
    if (!options.bind_device.empty() &&
        ::setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, options.bind_device.c_str(), static_cast<socklen_t>(options.bind_device.size())) != 0)
        fail("SO_BINDTODEVICE " + options.bind_device);
    if (::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0) fail("IP_PKTINFO");
    if (::setsockopt(fd_, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)) != 0) fail("IP_RECVTTL");
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) fail("bind");
    sockaddr_in bound{};
    socklen_t len = sizeof(bound);
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len) == 0) port_ = ntohs(bound.sin_port);
}

UdpSocket::~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<Datagram> UdpSocket::receive_one(int flags) {
    std::vector<uint8_t> buf(65536);
    sockaddr_in from{};
    alignas(cmsghdr) char control[256];
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n;
    do {
        n = ::recvmsg(fd_, &msg, flags);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return std::nullopt;
    Datagram d;
    d.received = std::chrono::system_clock::now();
    d.source = ntop(from.sin_addr);
    d.source_port = ntohs(from.sin_port);
    buf.resize(static_cast<size_t>(n));
    d.data = std::move(buf);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IP) continue;
        if (c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            ::memcpy(&info, CMSG_DATA(c), sizeof(info));
            d.destination = ntop(info.ipi_addr);
        } else if (c->cmsg_type == IP_TTL) {
            int ttl = 0;
            ::memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
            d.ttl = ttl;
        }
    }
    return d;
}

std::optional<Datagram> UdpSocket::recv(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto d = receive_one(MSG_DONTWAIT)) return d;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000000)));
        if (r < 0 && errno != EINTR) return std::nullopt;
    }
}

std::vector<Datagram> UdpSocket::drain() {
    std::vector<Datagram> out;
    while (auto d = receive_one(MSG_DONTWAIT)) out.push_back(std::move(*d));
    return out;
}

Status UdpSocket::send_to(const std::string& address, uint16_t port, std::span<const uint8_t> payload) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    if (!parse_address(address, to.sin_addr)) return Status::failure("not an IPv4 address: " + address);
    const ssize_t n = ::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    if (n < 0) return Status::failure("sendto " + address + ":" + std::to_string(port) + " from " + ns_ + ": " + ::strerror(errno));
    return Status::success();
}

}  // namespace mipvpn::net
