#include "harness/net/inject.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tins/ethernetII.h>
#include <tins/ip.h>

#include <cerrno>

namespace mipvpn::net {

namespace {

std::string sys_error(const std::string& what) { return what + ": " + ::strerror(errno); }

}  // namespace

Injector::Injector(std::string ns) : ns_(std::move(ns)) {
    const Status s = open_raw("", raw_fd_);
    if (!s) open_error_ = s.error;
}

Injector::~Injector() {
    if (raw_fd_ >= 0) ::close(raw_fd_);
    for (auto& [iface, fd] : bound_raw_) ::close(fd);
    for (auto& [iface, p] : packet_) ::close(p.first);
}

Status Injector::open_raw(const std::string& iface, int& fd) {
    fd = -1;
    if (ns_.empty()) return Status::failure("Injector needs a namespace (it never sends from the caller's own)");
    try {
        NetnsGuard guard(ns_);
        const int s = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        if (s < 0) return Status::failure(sys_error("socket(AF_INET, SOCK_RAW, IPPROTO_RAW) in " + ns_));
        const int on = 1;
        if (::setsockopt(s, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) != 0 ||
            ::setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) != 0) {
            const Status st = Status::failure(sys_error("setsockopt on raw socket in " + ns_));
            ::close(s);
            return st;
        }
        if (!iface.empty() &&
            ::setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(), static_cast<socklen_t>(iface.size())) != 0) {
            const Status st = Status::failure(sys_error("SO_BINDTODEVICE " + iface + " in " + ns_));
            ::close(s);
            return st;
        }
        fd = s;
        return Status::success();
    } catch (const std::exception& e) {
        return Status::failure(e.what());
    }
}

Status Injector::open_packet(const std::string& iface, int& fd, int& ifindex) {
    fd = -1;
    if (ns_.empty()) return Status::failure("Injector needs a namespace (it never sends from the caller's own)");
    try {
        NetnsGuard guard(ns_);
        // Protocol 0: a send-only socket, it receives nothing.
        const int s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (s < 0) return Status::failure(sys_error("socket(AF_PACKET) in " + ns_));
        const unsigned idx = ::if_nametoindex(iface.c_str());  // resolved in this thread's namespace
        if (idx == 0) {
            const Status st = Status::failure(sys_error("interface " + iface + " in " + ns_));
            ::close(s);
            return st;
        }
        fd = s;
        ifindex = static_cast<int>(idx);
        return Status::success();
    } catch (const std::exception& e) {
        return Status::failure(e.what());
    }
}

Status Injector::send(const Tins::IP& datagram) { return send(datagram, ""); }

Status Injector::send(const Tins::IP& datagram, const std::string& iface) {
    Tins::IP copy(datagram);  // serialize() is not const
    std::vector<uint8_t> bytes;
    try {
        bytes = copy.serialize();
    } catch (const std::exception& e) {
        return Status::failure(std::string("cannot serialize the datagram: ") + e.what());
    }
    return send_ip_bytes(bytes, iface);
}

Status Injector::send_ip_bytes(std::span<const uint8_t> datagram) { return send_ip_bytes(datagram, ""); }

Status Injector::send_ip_bytes(std::span<const uint8_t> datagram, const std::string& iface) {
    if (datagram.size() < 20 || (datagram[0] >> 4) != 4)
        return Status::failure("not an IPv4 datagram (" + std::to_string(datagram.size()) + " bytes)");
    std::lock_guard<std::mutex> lk(mu_);
    int fd = raw_fd_;
    if (iface.empty()) {
        if (fd < 0) return Status::failure(open_error_);
    } else {
        auto it = bound_raw_.find(iface);
        if (it == bound_raw_.end()) {
            const Status s = open_raw(iface, fd);
            if (!s) return s;
            it = bound_raw_.emplace(iface, fd).first;
        }
        fd = it->second;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    ::memcpy(&to.sin_addr, datagram.data() + 16, 4);
    const ssize_t n = ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    if (n < 0) {
        char dst[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &to.sin_addr, dst, sizeof(dst));
        return Status::failure(sys_error(std::string("sendto ") + dst + " from " + ns_));
    }
    if (static_cast<size_t>(n) != datagram.size())
        return Status::failure("short send: " + std::to_string(n) + " of " + std::to_string(datagram.size()) + " bytes");
    return Status::success();
}

Status Injector::send_ethernet(const std::string& iface, const Tins::EthernetII& frame) {
    Tins::EthernetII copy(frame);
    std::vector<uint8_t> bytes;
    try {
        bytes = copy.serialize();
    } catch (const std::exception& e) {
        return Status::failure(std::string("cannot serialize the frame: ") + e.what());
    }
    return send_ethernet_bytes(iface, bytes);
}

Status Injector::send_ethernet_bytes(const std::string& iface, std::span<const uint8_t> frame) {
    if (frame.size() < 14) return Status::failure("Ethernet frame shorter than its header (" + std::to_string(frame.size()) + " bytes)");
    std::lock_guard<std::mutex> lk(mu_);
    auto it = packet_.find(iface);
    if (it == packet_.end()) {
        int fd = -1, ifindex = 0;
        const Status s = open_packet(iface, fd, ifindex);
        if (!s) return s;
        it = packet_.emplace(iface, std::make_pair(fd, ifindex)).first;
    }
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = it->second.second;
    to.sll_halen = ETH_ALEN;
    ::memcpy(to.sll_addr, frame.data(), ETH_ALEN);
    const ssize_t n = ::sendto(it->second.first, frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    if (n < 0) return Status::failure(sys_error("send on " + iface + " in " + ns_));
    if (static_cast<size_t>(n) != frame.size())
        return Status::failure("short send: " + std::to_string(n) + " of " + std::to_string(frame.size()) + " bytes");
    return Status::success();
}

}  // namespace mipvpn::net
