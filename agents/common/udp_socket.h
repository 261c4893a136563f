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
  int ttl = -1;            // IP TTL as received (IP_RECVTTL), -1 if the kernel did not say
  bool truncated = false;  // larger than the receive buffer
};

// An ICMP error the kernel queued for a datagram this socket sent (IP_RECVERR).
struct DatagramError {
  std::vector<uint8_t> payload;  // the UDP payload of the datagram that caused it
  Endpoint destination;          // where that datagram was sent
  Tins::IPv4Address offender;    // the node that sent the ICMP error
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  int error = 0;                 // the errno the kernel maps it to
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
  // Queues ICMP errors about sent datagrams (IP_RECVERR); poll then reports POLLERR and receive_error() reads them.
  bool enable_errors();
  // Joins an IPv4 multicast group on one interface (IP_ADD_MEMBERSHIP with ip_mreqn).
  bool join_multicast(const Tins::IPv4Address& group, int ifindex);

  // Next queued datagram, or nullopt when none is waiting (or on error, see last_error()).
  std::optional<Datagram> receive();
  // Next queued ICMP error of an ICMP origin, or nullopt when none is waiting.
  std::optional<DatagramError> receive_error();
  // Sends `payload` from `source` (0.0.0.0 = let the kernel choose) to `destination`. Returns 0 or an errno value.
  int send(const std::vector<uint8_t>& payload, const Tins::IPv4Address& source, const Endpoint& destination);

 private:
  int fd_ = -1;
  uint16_t port_;
  std::vector<uint8_t> buffer_;
};

}  // namespace mipvpn::agents
