// Small IPv4 helpers shared by the agents (host-order arithmetic on Tins::IPv4Address).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tins/ip_address.h>

namespace mipvpn::agents {

// The address as a host-order integer (10.0.1.2 -> 0x0a000102) and back.
uint32_t to_host(const Tins::IPv4Address& a);
Tins::IPv4Address from_host(uint32_t host_order);

// A unicast host address: not 0.0.0.0, 255.255.255.255, multicast or loopback.
bool is_unicast(const Tins::IPv4Address& a);

// Strict dotted-quad parser ("10.0.1.1"; no leading/trailing junk, no shorthand).
std::optional<Tins::IPv4Address> parse_ipv4(std::string_view text);

struct Ipv4Prefix {
  Tins::IPv4Address network;  // host bits cleared
  unsigned length = 0;

  static std::optional<Ipv4Prefix> parse(std::string_view text);  // "a.b.c.d/len"
  bool contains(const Tins::IPv4Address& a) const;
  uint32_t mask() const;
  Tins::IPv4Address broadcast() const;  // subnet-directed broadcast (all host bits set)
  std::string to_string() const;
};

}  // namespace mipvpn::agents

namespace mipvpn::agents {

// An IPv4 transport address.
struct Endpoint {
  Tins::IPv4Address address;
  uint16_t port = 0;
  std::string to_string() const { return address.to_string() + ":" + std::to_string(port); }
  bool operator==(const Endpoint& o) const { return address == o.address && port == o.port; }
};

}  // namespace mipvpn::agents
