// The Foreign Agent's registration logic (RFC 5944 3.7, RFC 3024 3-4.2), with no sockets and no clock of its own:
// every input (the UDP payload, its IP/UDP fields, TTL, link-layer source, the time) is a parameter, so each rule
// and each fault is unit-testable. The daemon sends what the outcomes carry.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/faults.h"
#include "agents/common/ipv4.h"
#include "agents/fa/fa_config.h"
#include "agents/fa/visitor_list.h"

namespace mipvpn::agents::fa {

inline constexpr uint16_t kRegistrationPort = 434;
inline const Tins::IPv4Address kAllMobilityAgents{"224.0.0.11"};  // "All Agents Multicast" (RFC 5944 2.3, 3.7.2.3)
inline constexpr uint8_t kRequiredTtl = 255;                       // RFC 3024 4.2.1
inline constexpr std::chrono::milliseconds kDenialGap{1000};       // one denial per second per mobile node (3.7.2)

// What the daemon knows about a received UDP datagram.
struct Received {
  Endpoint source;       // IP source address and UDP source port
  Endpoint destination;  // IP destination address (IP_PKTINFO) and UDP destination port
  int ttl = -1;          // IP TTL as received, -1 if unknown
  bool on_visited_link = false;
  std::optional<MacAddress> link_source;
};

// A Registration Request or Reply to send.
struct OutgoingMessage {
  enum class Kind { RelayedRequest, RelayedReply, Denial };
  Kind kind = Kind::Denial;
  std::vector<uint8_t> payload;  // UDP payload
  Tins::IPv4Address source;      // IP source address
  uint16_t source_port = kRegistrationPort;
  Endpoint destination;
  // To the mobile node: sent on the visited link to link_destination (its home address is not on this link, so
  // the datagram is not routed); nullopt there means the link-layer broadcast address.
  bool to_mobile_node = false;
  std::optional<MacAddress> link_destination;
  // Decoded, for the log.
  std::string summary;
};

enum class Verdict {
  Relayed,    // passed on (a request to the home agent, a reply to the mobile node)
  Denied,     // refused with a code (a denial is sent unless the rate limit holds it back)
  Discarded,  // dropped silently
  Expired,    // timers: a pending or current registration ended
};
std::string_view verdict_name(Verdict);

struct Outcome {
  Verdict verdict = Verdict::Discarded;
  std::string message;  // one-line summary of what arrived (or of the registration that ended)
  std::string reason;   // why, with the RFC section
  std::vector<OutgoingMessage> out;
  bool visitors_changed = false;  // a current registration was added, changed or removed
};

class ForeignAgent {
 public:
  explicit ForeignAgent(FaConfig config, FaultSet faults = {});

  // Any UDP payload received on port 434: Registration Requests (type 1) from mobile nodes on the visited link,
  // Registration Replies (type 3) from home agents; anything else is discarded.
  Outcome on_datagram(std::span<const uint8_t> payload, const Received& rx, TimePoint now);
  Outcome on_request(std::span<const uint8_t> payload, const Received& rx, TimePoint now);
  Outcome on_reply(std::span<const uint8_t> payload, const Received& rx, TimePoint now);
  // An ICMP error about a relayed request (`original` is the UDP payload it quotes, sent to `home_agent`): the
  // pending registration is rejected with a "home agent unreachable" code 80-95 (3.7.3).
  std::optional<Outcome> on_icmp_error(std::span<const uint8_t> original, const Tins::IPv4Address& home_agent,
                                       uint8_t icmp_type, uint8_t icmp_code, TimePoint now);

  // Pending timeouts (78), pending lifetimes, visitor expiry.
  std::vector<Outcome> expire(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  const VisitorList& visitors() const { return list_; }
  // {"visitors":[...],"pending":[...]} (agents/README.md "Control socket").
  nlohmann::json visitors_json(TimePoint now) const;
  const FaConfig& config() const { return config_; }
  const FaultSet& faults() const { return faults_; }

 private:
  struct DenialSpec {
    uint8_t code = 0;
    uint16_t lifetime = 0;
    Tins::IPv4Address home_address;
    Tins::IPv4Address home_agent;
    uint64_t identification = 0;
    Tins::IPv4Address source;  // IP source (3.7.2.3)
    uint16_t destination_port = 0;
    std::optional<MacAddress> link_destination;
    Tins::IPv4Address rate_key;  // the mobile node, for the one-per-second limit
  };
  // Builds the denial, or notes in `o` that the rate limit holds it back.
  void deny(Outcome& o, const DenialSpec& d, TimePoint now);
  Tins::IPv4Address reply_source(const Tins::IPv4Address& request_destination) const;
  void append_mn_fa(std::vector<uint8_t>& message, const Tins::IPv4Address& home_address) const;
  Tins::IPv4Address other_own_address(const Tins::IPv4Address& not_this) const;

  FaConfig config_;
  FaultSet faults_;
  VisitorList list_;
  std::map<uint32_t, TimePoint> last_denial_;  // host-order mobile node address -> last denial sent
};

}  // namespace mipvpn::agents::fa
