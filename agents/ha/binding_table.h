// The home agent's mobility binding list (RFC 5944 3.8.1): per home address, one entry per care-of address.
//
// Sized for a home agent with 100,000 bindings (docs/performance.md, "Agents"): a hash map from home address to its
// bindings, held inline for the usual single binding, and a lazily cleaned min-heap of expiry times so that the event
// loop's next_expiry() and the expiry of due bindings cost O(log n), not a walk over the table.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <tins/ip_address.h>

#include "agents/common/encapsulation.h"
#include "agents/common/ipv4.h"

namespace mipvpn::agents::ha {

inline constexpr uint16_t kInfiniteLifetime = 0xffff;  // RFC 5944 3.3

// Members ordered by alignment so that no padding is wasted (80 bytes).
struct Binding {
  uint64_t identification = 0;  // of the accepted request (and its reply)
  std::chrono::steady_clock::time_point registered;
  std::optional<std::chrono::steady_clock::time_point> expires;  // nullopt = infinite
  Tins::IPv4Address home_address;
  Tins::IPv4Address care_of_address;
  Tins::IPv4Address reply_source;
  uint32_t spi = 0;             // of the SA the mobile node used
  Endpoint requester;           // where the accepting reply went (IP source and UDP source port of the request)
  // Data plane (RFC 5944 4.1, RFC 3024 4.3.1, RFC 3519 4.6): how datagrams for the home address are tunnelled.
  std::optional<Endpoint> udp_tunnel;  // RFC 3519: tunnel data messages to this (NAT) address and port
  uint16_t lifetime_granted = 0;  // as sent in the reply; kInfiniteLifetime never expires
  EncapsulationType encapsulation = EncapsulationType::IpInIp;
  // RFC 3519 4.6 with the R flag: the port is not known until the mobile node's first keepalive arrives.
  bool udp_awaiting_keepalive = false;
  bool reverse_tunnel = false;  // the request's T bit
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
  // The home address's bindings in the order they were first added; valid until the table next changes.
  std::span<const Binding> of(const Tins::IPv4Address& home_address) const;
  std::vector<Binding> all() const;  // ordered by home address, then as of()
  size_t size() const { return count_; }

  // Removes and returns the bindings whose lifetime has ended at `now`, earliest first.
  std::vector<Binding> expire(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const;

 private:
  using List = boost::container::small_vector<Binding, 1>;
  // One heap entry per finite lifetime granted; an entry whose binding was since renewed, replaced or removed no
  // longer matches it and is dropped when it reaches the top.
  struct Deadline {
    std::chrono::steady_clock::time_point at;
    uint32_t home;  // host order
    uint32_t care_of;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };
  bool current(const Deadline& d) const;
  void drop_stale_deadlines() const;
  void push_deadline(const Binding& b);
  void rebuild_deadlines();

  std::unordered_map<uint32_t, List> by_home_;  // key: host-order home address
  size_t count_ = 0;
  mutable std::vector<Deadline> deadlines_;  // min-heap on `at` (std::greater)
};

}  // namespace mipvpn::agents::ha
