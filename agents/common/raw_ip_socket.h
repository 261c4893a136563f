// A raw IPv4 socket for one IP protocol (4 IP-in-IP, 47 GRE, 55 minimal encapsulation): the outside of a user-space
// tunnel. Sends WITHOUT IP_HDRINCL, so the kernel builds the outer header and picks the source per routing (or the
// bound / per-packet source). Receives whole packets, outer header included. Every raw socket of a protocol in a
// namespace gets a copy of every packet of that protocol: filtering on the outer addresses is the caller's job.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

namespace mipvpn::agents {

struct RawIpOptions {
  std::optional<Tins::IPv4Address> bind_source;  // bind(2): outer source of every packet, and receive filter
  std::optional<uint8_t> ttl;                    // IP_TTL of the outer header (kernel default otherwise)
  std::string bind_device;                       // SO_BINDTODEVICE when not empty
};

struct RawIpPacket {
  std::vector<uint8_t> bytes;  // the whole packet, outer IPv4 header first
  Tins::IPv4Address source;    // outer source (from recvfrom)
  int ifindex = 0;             // arrival interface (IP_PKTINFO)
  Tins::IPv4Address destination;  // outer destination (IP_PKTINFO)
  bool truncated = false;
};

class RawIpSocket {
 public:
  // Throws std::system_error naming the protocol.
  explicit RawIpSocket(uint8_t protocol, const RawIpOptions& options = {});
  ~RawIpSocket();
  RawIpSocket(const RawIpSocket&) = delete;
  RawIpSocket& operator=(const RawIpSocket&) = delete;

  int fd() const { return fd_; }
  uint8_t protocol() const { return protocol_; }

  // Sends `payload` (everything after the outer header) to `destination`. `source` 0.0.0.0 = the bound source or the
  // routing choice; otherwise that source address (IP_PKTINFO ipi_spec_dst). `ttl` overrides the outer TTL for this
  // packet (IP_TTL control message). Returns 0 or an errno value.
  int send(std::span<const uint8_t> payload, const Tins::IPv4Address& destination,
           const Tins::IPv4Address& source = Tins::IPv4Address(), std::optional<uint8_t> ttl = std::nullopt);
  // Next queued packet, or nullopt when none is waiting (errno tells an error from EAGAIN).
  std::optional<RawIpPacket> receive();

 private:
  uint8_t protocol_;
  int fd_ = -1;
  std::vector<uint8_t> buffer_;
};

}  // namespace mipvpn::agents
