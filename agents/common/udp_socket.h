// UDP socket that reports each datagram's IP destination address (IP_PKTINFO) and sends with a chosen IP source
// address (ipi_spec_dst), as the Mobile IP agents need (RFC 5944 3.8.3.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agents/common/ipv4.h"

namespace mipvpn::agents {

struct Datagram {
  std::vector<uint8_t> payload;
  Endpoint source;       // IP source address and UDP source port
  Endpoint destination;  // IP destination address (from IP_PKTINFO) and our port
  int ifindex = 0;
  bool truncated = false;  // larger than the receive buffer
};

class PktinfoUdpSocket {
 public:
  // Binds 0.0.0.0:port (exclusively; 0 = an ephemeral port, which port() then reports), non-blocking, IP_PKTINFO
  // and SO_BROADCAST on. Throws std::system_error.
  explicit PktinfoUdpSocket(uint16_t port);
  ~PktinfoUdpSocket();
  PktinfoUdpSocket(const PktinfoUdpSocket&) = delete;
  PktinfoUdpSocket& operator=(const PktinfoUdpSocket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

  // Lets replies leave with a source address the host does not own (IP_TRANSPARENT, needs CAP_NET_ADMIN).
  bool allow_foreign_source();

  // Next queued datagram, or nullopt when none is waiting (or on error, see last_error()).
  std::optional<Datagram> receive();
  // Sends `payload` from `source` (0.0.0.0 = let the kernel choose) to `destination`. Returns 0 or an errno value.
  int send(const std::vector<uint8_t>& payload, const Tins::IPv4Address& source, const Endpoint& destination);

 private:
  int fd_ = -1;
  uint16_t port_;
  std::vector<uint8_t> buffer_;
};

}  // namespace mipvpn::agents
