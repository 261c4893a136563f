// The mobility agents a mobile node has heard (RFC 5944 2.4): one entry per advertising IP source address, kept
// until the advertisement's ICMP Lifetime runs out (move detection Algorithm 1, 2.4.2.1). Also holds the rules that
// compare advertisements: network prefixes (Algorithm 2, 2.4.2.2) and foreign agent reboots by sequence number
// (2.4.4). Socket-free.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"
#include "agents/common/ipv4.h"
#include "harness/wire/agent_advertisement.h"

namespace mipvpn::agents::mn {

struct HeardAgent {
  Tins::IPv4Address address;  // IP source of its advertisements: where Registration Requests go (3.6.1.1)
  MacAddress mac{};           // link-layer source of the advertisement (3.6.1.1, 4.2.1, 4.6)
  wire::AgentAdvertisement advertisement;  // the latest one
  std::chrono::steady_clock::time_point heard;
  std::chrono::steady_clock::time_point expires;  // heard + ICMP Lifetime
  std::optional<uint16_t> previous_sequence;

  bool foreign_agent() const { return advertisement.f(); }
  bool home_agent() const { return advertisement.h(); }
  bool busy() const { return advertisement.b(); }
  bool registration_required() const { return advertisement.r(); }
  // The network prefix of the agent's address per the Prefix-Lengths Extension (the length given for the first
  // router address, else for its own address when it is listed); nullopt without the extension.
  std::optional<Ipv4Prefix> prefix() const;
};

// What one advertisement changed.
struct AdvertisementUpdate {
  bool new_agent = false;
  // 2.4.4: "the second of which is less than the first and inside the range 0 to 255"
  bool rebooted = false;
  // "less than the first but is greater than or equal to 256": rollover, no re-registration
  bool rolled_over = false;
};

class AgentList {
 public:
  // Records an advertisement heard at `now` from `source` / `mac`. An ICMP Lifetime of 0 removes the agent.
  AdvertisementUpdate heard(const wire::AgentAdvertisement& adv, const Tins::IPv4Address& source, const MacAddress& mac,
                            std::chrono::steady_clock::time_point now);
  // Removes the agents whose Lifetime has passed; returns their addresses.
  std::vector<Tins::IPv4Address> expire(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const;
  // A link-layer indication of movement: every agent heard so far may be elsewhere now.
  void clear() { agents_.clear(); }

  const HeardAgent* find(const Tins::IPv4Address& address) const;
  const std::vector<HeardAgent>& all() const { return agents_; }
  // The most recently heard foreign agent (F set, at least one care-of address) that is not busy.
  const HeardAgent* newest_foreign_agent() const;

 private:
  std::vector<HeardAgent> agents_;
};

// Algorithm 2 (2.4.2.2): true when both prefixes are known and differ ("If the prefixes differ, the mobile node MAY
// assume that it has moved").
bool prefixes_differ(const std::optional<Ipv4Prefix>& current, const std::optional<Ipv4Prefix>& candidate);

}  // namespace mipvpn::agents::mn
