#pragma once
// Sending crafted packets from inside a namespace. Errors are returned, never thrown.
#include "harness/net/netns.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>

namespace Tins {
class IP;
class EthernetII;
}  // namespace Tins

namespace mipvpn::net {

class Injector {
public:
    // Opens (inside `ns`) a raw IPv4 socket (AF_INET, SOCK_RAW, IPPROTO_RAW: IP_HDRINCL, SO_BROADCAST).
    // A failure to open is kept and reported by every send. `ns` must not be empty: an Injector never sends
    // from the caller's own namespace.
    explicit Injector(std::string ns);
    ~Injector();
    Injector(const Injector&) = delete;
    Injector& operator=(const Injector&) = delete;

    // Sends the serialized datagram as it is: TTL, addresses, options, IP id and the transport checksum are
    // exactly as given. The kernel routes it by its destination (in `ns`) and, per raw(7), always recomputes the
    // IP header checksum and total length (and fills a zero source address or id); use send_ethernet to send
    // a datagram whose IP header checksum or length is wrong.
    Status send(const Tins::IP& datagram);
    Status send_ip_bytes(std::span<const uint8_t> datagram);
    // As above, but out of a given interface (SO_BINDTODEVICE), e.g. for 255.255.255.255.
    Status send(const Tins::IP& datagram, const std::string& iface);
    Status send_ip_bytes(std::span<const uint8_t> datagram, const std::string& iface);

    // Sends a whole Ethernet frame on `iface` (AF_PACKET), byte for byte.
    Status send_ethernet(const std::string& iface, const Tins::EthernetII& frame);
    Status send_ethernet_bytes(const std::string& iface, std::span<const uint8_t> frame);

    const std::string& ns() const { return ns_; }
    // Why the raw IP socket could not be opened ("" if it was).
    const std::string& open_error() const { return open_error_; }

private:
    Status open_raw(const std::string& iface, int& fd);
    Status open_packet(const std::string& iface, int& fd, int& ifindex);

    std::string ns_;
    std::mutex mu_;
    int raw_fd_ = -1;
    std::string open_error_;
    std::map<std::string, int> bound_raw_;                 // iface -> raw socket bound to it
    std::map<std::string, std::pair<int, int>> packet_;    // iface -> (AF_PACKET socket, ifindex)
};

}  // namespace mipvpn::net
