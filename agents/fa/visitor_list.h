// The foreign agent's visitor list (RFC 5944 3.7.1): pending registrations (relayed, no reply yet) and current
// ones (accepted by the home agent), each with what 3.7.1 asks to keep from the mobile node's Registration Request.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"

namespace mipvpn::agents::fa {

using TimePoint = std::chrono::steady_clock::time_point;

// RFC 3024 5: how a reverse-tunnelled mobile node hands its packets to the foreign agent.
enum class DeliveryStyle { Direct, Encapsulating };

// One Registration Request as the foreign agent relayed it.
struct Registration {
  // RFC 5944 3.7.1 list.
  std::optional<MacAddress> link_address;  // link-layer source address of the mobile node
  Tins::IPv4Address source_address;        // IP Source Address (home address or co-located care-of address)
  Tins::IPv4Address destination_address;   // IP Destination Address
  uint16_t source_port = 0;                // UDP Source Port
  Tins::IPv4Address home_agent;            // Home Agent field
  uint64_t identification = 0;
  uint16_t lifetime_requested = 0;
  // Also needed to serve the mobile node.
  Tins::IPv4Address home_address;
  Tins::IPv4Address care_of_address;       // Care-of Address field
  Tins::IPv4Address relay_source;          // the offered care-of address the request was relayed from
  Tins::IPv4Address reply_source;          // IP source of replies to the mobile node (3.7.2.3)
  uint8_t flags = 0;                       // S B D M G r T x
  bool reverse_tunnel = false;             // T requested (RFC 3024 3.2)
  DeliveryStyle delivery = DeliveryStyle::Direct;
  std::optional<uint32_t> mn_fa_spi;       // MN-FA security association in use
  bool fa_ha_appended = false;
  TimePoint relayed{};
  TimePoint timeout{};                     // pending: reject with 78 at this time (3.7.1)
  std::optional<TimePoint> lifetime_end;   // pending: deleted silently at this time (3.7.2.2)
};

// A current registration: the request accepted by the home agent.
struct Visitor {
  Registration registration;
  Tins::IPv4Address home_agent;   // Home Agent field of the accepting reply (RFC 3024 5.1.2 reverse tunnel end)
  uint16_t lifetime_granted = 0;  // as in the reply
  uint16_t lifetime = 0;          // what the foreign agent times: min(granted, max_registration_lifetime)
  TimePoint started{};            // when the reply was relayed (3.7.3.2)
  std::optional<TimePoint> expires;  // nullopt: never (fault fa-visitor-never-expires)
};

class VisitorList {
 public:
  // Pending registrations.
  void add_pending(Registration r);
  // The pending registration of that home address whose Identification has the same low-order 32 bits.
  const Registration* find_pending(const Tins::IPv4Address& home_address, uint32_t id_low) const;
  bool has_pending(const Tins::IPv4Address& home_address) const;
  std::optional<Registration> take_pending(const Tins::IPv4Address& home_address, uint32_t id_low);
  // Drops the pending registrations of the same home address, IP source and UDP source port (a retransmission
  // replaces them); returns how many.
  size_t drop_superseded(const Registration& newer);
  size_t pending_count() const { return pending_.size(); }
  const std::vector<Registration>& pending() const { return pending_; }

  // Current registrations.
  void set_visitor(Visitor v);
  bool remove_visitor(const Tins::IPv4Address& home_address);
  const Visitor* find_visitor(const Tins::IPv4Address& home_address) const;
  std::vector<Visitor> visitors() const;
  size_t visitor_count() const { return visitors_.size(); }
  bool knows(const Tins::IPv4Address& home_address) const;  // visitor or pending

  // Expiry. Pending registrations past their Lifetime are removed (silently) and returned; those past the pending
  // timeout likewise, separately.
  struct Expired {
    std::vector<Registration> pending_lifetime_ended;
    std::vector<Registration> pending_timed_out;
    std::vector<Visitor> visitors;
  };
  Expired expire(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

 private:
  std::vector<Registration> pending_;
  std::map<uint32_t, Visitor> visitors_;  // key: host-order home address
};

}  // namespace mipvpn::agents::fa
