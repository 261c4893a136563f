#include "agents/common/tunnel_endpoint.h"

#include <cstring>

#include "agents/common/udp_tunnel_data.h"

namespace mipvpn::agents {

RawTunnelEndpoint::RawTunnelEndpoint(RawIpSocket& socket, std::shared_ptr<const Encapsulation> encapsulation,
                                     const Tins::IPv4Address& local, const Tins::IPv4Address& remote)
    : socket_(socket), encapsulation_(std::move(encapsulation)), outer_{local, remote} {}

std::string RawTunnelEndpoint::send(std::span<const uint8_t> inner) {
  std::string why;
  auto payload = encapsulation_->encapsulate(inner, outer_, &why);
  if (!payload) return "cannot encapsulate: " + why;
  const int err = socket_.send(*payload, outer_.destination, outer_.source, encapsulation_->outer_ttl(inner));
  return err == 0 ? std::string() : std::string(std::strerror(err));
}

std::string RawTunnelEndpoint::describe() const {
  return std::string(encapsulation_name(encapsulation_->type())) + " " + outer_.source.to_string() + " -> " +
         outer_.destination.to_string();
}

UdpTunnelEndpoint::UdpTunnelEndpoint(PktinfoUdpSocket& socket, std::shared_ptr<const Encapsulation> encapsulation,
                                     const Tins::IPv4Address& local, const Endpoint& remote)
    : socket_(socket), encapsulation_(std::move(encapsulation)), local_(local), remote_(remote) {}

std::string UdpTunnelEndpoint::send(std::span<const uint8_t> inner) {
  std::string why;
  auto payload = encapsulation_->encapsulate(inner, OuterAddresses{local_, remote_.address}, &why);
  if (!payload) return "cannot encapsulate: " + why;
  const int err = socket_.send(wrap_tunnel_data(encapsulation_->ip_protocol(), *payload), local_, remote_);
  return err == 0 ? std::string() : std::string(std::strerror(err));
}

std::string UdpTunnelEndpoint::describe() const {
  return "udp " + std::string(encapsulation_name(encapsulation_->type())) + " " + local_.to_string() + ":" +
         std::to_string(socket_.port()) + " -> " + remote_.to_string();
}

}  // namespace mipvpn::agents
