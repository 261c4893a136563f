#pragma once
// A UDP socket bound inside a namespace (to sink replies, or to talk to a SUT the ordinary way).
#include "harness/net/netns.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::net {

struct UdpOptions {
    bool broadcast = false;      // SO_BROADCAST (needed to send to a broadcast address)
    bool reuse_address = true;   // SO_REUSEADDR
    std::string bind_device;     // SO_BINDTODEVICE when not empty
};

struct Datagram {
    std::string source;          // dotted quad
    uint16_t source_port = 0;
    std::string destination;     // the datagram's IP destination (IP_PKTINFO): tells unicast from broadcast
    int ttl = -1;                // IP TTL as received (IP_RECVTTL), -1 if unknown
    std::vector<uint8_t> data;
    std::chrono::system_clock::time_point received;
};

class UdpSocket {
public:
    // Binds address:port ("0.0.0.0" for any; port 0 for an ephemeral one) inside namespace `ns` (not empty).
    // Throws NetError.
    UdpSocket(std::string ns, std::string address, uint16_t port, UdpOptions options = {});
    ~UdpSocket();
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    // The next datagram, waiting up to `timeout` (poll); nullopt on timeout.
    std::optional<Datagram> recv(std::chrono::milliseconds timeout);
    // Everything already queued, without waiting.
    std::vector<Datagram> drain();
    Status send_to(const std::string& address, uint16_t port, std::span<const uint8_t> payload);

    const std::string& ns() const { return ns_; }
    const std::string& address() const { return address_; }
    uint16_t port() const { return port_; }  // the bound port (resolved when 0 was asked)
    int fd() const { return fd_; }

private:
    std::optional<Datagram> receive_one(int flags);
    std::string ns_, address_;
    uint16_t port_ = 0;
    int fd_ = -1;
};

}  // namespace mipvpn::net
