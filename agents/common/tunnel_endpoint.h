// The sending end of one tunnel: an encapsulation plus an outer transport. Two transports exist: a raw IP socket of
// the encapsulation's protocol (RFC 2003/2004/2784, outer header by the kernel) and the RFC 3519 UDP tunnel (tunnel
// data messages on the registration socket, port 434). Roles build one endpoint per peer and call send(); they never
// look at which kind it is.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "agents/common/encapsulation.h"
#include "agents/common/ipv4.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/udp_socket.h"

namespace mipvpn::agents {

class TunnelEndpoint {
 public:
  virtual ~TunnelEndpoint() = default;
  // Encapsulates and sends one whole inner IPv4 packet. "" on success, else why it was not sent.
  virtual std::string send(std::span<const uint8_t> inner) = 0;
  // "ip-in-ip 10.0.1.1 -> 10.0.2.100", "udp ip-in-ip 10.0.1.1:434 -> 192.0.2.1:40000"
  virtual std::string describe() const = 0;
  virtual const Encapsulation& encapsulation() const = 0;
};

// Raw IP transport. The socket must be of the encapsulation's protocol.
class RawTunnelEndpoint final : public TunnelEndpoint {
 public:
  RawTunnelEndpoint(RawIpSocket& socket, std::shared_ptr<const Encapsulation> encapsulation,
                    const Tins::IPv4Address& local, const Tins::IPv4Address& remote);
  std::string send(std::span<const uint8_t> inner) override;
  std::string describe() const override;
  const Encapsulation& encapsulation() const override { return *encapsulation_; }

 private:
  RawIpSocket& socket_;
  std::shared_ptr<const Encapsulation> encapsulation_;
  OuterAddresses outer_;
};

// RFC 3519 UDP transport: tunnel data header (Type 4, Next Header = the encapsulation's protocol) + encapsulation.
class UdpTunnelEndpoint final : public TunnelEndpoint {
 public:
  UdpTunnelEndpoint(PktinfoUdpSocket& socket, std::shared_ptr<const Encapsulation> encapsulation,
                    const Tins::IPv4Address& local, const Endpoint& remote);
  std::string send(std::span<const uint8_t> inner) override;
  std::string describe() const override;
  const Encapsulation& encapsulation() const override { return *encapsulation_; }

 private:
  PktinfoUdpSocket& socket_;
  std::shared_ptr<const Encapsulation> encapsulation_;
  Tins::IPv4Address local_;
  Endpoint remote_;
};

}  // namespace mipvpn::agents
