// The home agent's mobility binding list (RFC 5944 3.8.1): per home address, one entry per care-of address.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/encapsulation.h"
#include "agents/common/ipv4.h"

namespace mipvpn::agents::ha {

inline constexpr uint16_t kInfiniteLifetime = 0xffff;  // RFC 5944 3.3

struct Binding {
  Tins::IPv4Address home_address;
  Tins::IPv4Address care_of_address;
  uint16_t lifetime_granted = 0;  // as sent in the reply; kInfiniteLifetime never expires
  std::chrono::steady_clock::time_point registered;
  std::optional<std::chrono::steady_clock::time_point> expires;  // nullopt = infinite
  uint64_t identification = 0;  // of the accepted request (and its reply)
  uint32_t spi = 0;             // of the SA the mobile node used
  Endpoint requester;           // where the accepting reply went (IP source and UDP source port of the request)
  Tins::IPv4Address reply_source;
  // Data plane (RFC 5944 4.1, RFC 3024 4.3.1, RFC 3519 4.6): how datagrams for the home address are tunnelled.
  EncapsulationType encapsulation = EncapsulationType::IpInIp;
  std::optional<Endpoint> udp_tunnel;  // RFC 3519: tunnel data messages to this (NAT) address and port
  // RFC 3519 4.6 with the R flag: the port is not known until the mobile node's first keepalive arrives.
  bool udp_awaiting_keepalive = false;
  bool reverse_tunnel = false;         // the request's T bit
};

class BindingTable {
 public:
  // Adds the binding, replacing one with the same care-of address; removes the mobile node's other bindings unless
  // keep_others.
  void add(const Binding& b, bool keep_others);
  // Deletes every binding of the home address; returns how many.
  size_t remove_all(const Tins::IPv4Address& home_address);
  // Deletes the binding of that care-of address; returns whether there was one.
  bool remove(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address);

  const Binding* find(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address) const;
  Binding* find(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address);
  std::vector<Binding> of(const Tins::IPv4Address& home_address) const;
  std::vector<Binding> all() const;
  size_t size() const;

  // Removes and returns the bindings whose lifetime has ended at `now`.
  std::vector<Binding> expire(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const;

 private:
  std::map<uint32_t, std::vector<Binding>> by_home_;  // key: host-order home address
};

}  // namespace mipvpn::agents::ha
