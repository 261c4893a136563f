// The Mobile Node's logic (RFC 5944 2.4, 3.6, 4.2.1, 4.6; RFC 3024 4.1; RFC 3519 4.4, 4.9), with no sockets and no
// clock of its own: the daemon reports what it observed (the interface's state, Agent Advertisements, Registration
// Replies, keepalive answers) with the time, and carries out the actions returned (send this, configure that).
// next_deadline() / on_timer() drive retransmissions, renewals, solicitations, advertisement expiry and keepalives.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"
#include "agents/common/faults.h"
#include "agents/common/ipv4.h"
#include "agents/mn/agent_list.h"
#include "agents/mn/identification_clock.h"
#include "agents/mn/mn_config.h"
#include "agents/mn/registration_messages.h"
#include "agents/mn/solicitation_schedule.h"

namespace mipvpn::agents::mn {

inline constexpr uint16_t kRegistrationPort = 434;
inline constexpr uint16_t kInfiniteLifetime = 0xffff;

// Monotonic time for every timer, wall clock for timestamp Identifications.
struct Now {
  std::chrono::steady_clock::time_point mono;
  std::chrono::system_clock::time_point wall;
  static Now current() { return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()}; }
  Now plus(std::chrono::nanoseconds d) const { return {mono + d, wall + d}; }
};

struct InterfaceAddress {
  Tins::IPv4Address address;
  unsigned prefix_length = 32;
  bool operator==(const InterfaceAddress&) const = default;
};

// The physical interface as the daemon sees it.
struct LinkState {
  bool exists = false;
  bool up = false;  // administratively up and carrier (IFF_UP and IFF_RUNNING)
  MacAddress mac{};
  std::vector<InterfaceAddress> addresses;  // IPv4, in the kernel's order (primary first)
  bool operator==(const LinkState&) const = default;
};

// An ICMP message from a frame received on the interface (the daemon parsed the IP header).
struct ReceivedIcmp {
  std::vector<uint8_t> icmp;  // the whole ICMP message
  Tins::IPv4Address source;
  Tins::IPv4Address destination;
  uint8_t ttl = 0;
  MacAddress source_mac{};
};

enum class Location {
  Detached,      // no usable point of attachment known (searching)
  Home,          // on the home link: no mobility services (4.2.1)
  ForeignAgent,  // away, registered (or registering) through a foreign agent's care-of address
  CoLocated,     // away, with its own care-of address on the foreign link, registering straight with the HA
};
std::string_view location_name(Location);

// How the data plane must be set up (the daemon applies differences).
struct DataPlaneState {
  Location location = Location::Detached;
  Tins::IPv4Address care_of_address;  // co-located: our address; via an FA: the agent's care-of address
  Tins::IPv4Address agent_address;    // via an FA: its IP address, the first-hop router (4.2.1)
  MacAddress agent_mac{};             // "learned from the foreign agent's Agent Advertisement message" (4.2.1)
  Tins::IPv4Address home_agent;
  // At home: the home address belongs on the physical interface (added when missing), ARP is answered (4.6).
  // Away: the home address lives on the tunnel device and ARP for it is not answered (4.6).
  bool answer_arp_for_home_address = false;
  bool reverse_tunnel = false;          // T granted, co-located: home-address traffic goes into the tunnel
  std::optional<Endpoint> udp_tunnel;   // the HA's RFC 3519 tunnel endpoint, when it assented
  bool operator==(const DataPlaneState&) const = default;
};

struct SendSolicitation {
  std::vector<uint8_t> icmp;  // Agent Solicitation (ICMP type 10)
  Tins::IPv4Address source;   // 0.0.0.0 when the mobile node has no address on this link (RFC 1256 allows it)
  Tins::IPv4Address destination;
  uint8_t ttl = 1;
};
struct SendRequest {
  std::vector<uint8_t> payload;  // Registration Request
  Tins::IPv4Address source;
  Endpoint destination;
  uint8_t ttl = 255;
  std::string summary;
};
struct SendGratuitousArp {
  Tins::IPv4Address address;  // sender and target protocol address; sender hardware address = our own (4.6)
};
struct ConfigureDataPlane {
  DataPlaneState state;
};
struct SendKeepalive {
  uint16_t sequence = 0;  // ICMP Echo Request to the home agent through the UDP tunnel (RFC 3519 4.9)
};
using Action = std::variant<ConfigureDataPlane, SendGratuitousArp, SendRequest, SendSolicitation, SendKeepalive>;

struct Output {
  std::vector<Action> actions;  // in order
  std::vector<std::string> log;
};

class MobileNode {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1)
  static constexpr int kGratuitousArpCount = 3;            // "retransmitted a small number of times" (4.6)
  static constexpr std::chrono::milliseconds kGratuitousArpSpacing{200};
  static constexpr std::chrono::seconds kMinRequestSpacing{1};  // 3.6, 3.6.3
  static constexpr std::chrono::seconds kKeepaliveReplyTimeout{5};
  static constexpr int kKeepaliveAttempts = 3;  // unanswered keepalives before re-registering (RFC 3519 4.10)
  static constexpr uint16_t kKeepaliveIdentifier = 0x4d4e;  // "MN": our ICMP Echo identifier

  MobileNode(MnConfig config, FaultSet faults = {}, Random random = {});

  // Inputs. Each returns what to do now.
  Output on_link(const LinkState& link, const Now& now);
  Output on_advertisement(const ReceivedIcmp& message, const Now& now);
  // A UDP payload received on the registration socket (not tunnel data); `source` its IP source and UDP port.
  Output on_reply(std::span<const uint8_t> payload, const Endpoint& source, const Now& now);
  Output on_keepalive_reply(const Now& now);
  // The daemon could not send the last SendRequest (e.g. no route yet: an address comes before its default route).
  // It did not leave the host, so it does not count against the once-per-second limit, and it goes out as soon as
  // the routing changes (on_routes_changed) or at its retransmission time, whichever is first.
  void on_request_not_sent(const Now& now);
  Output on_routes_changed(const Now& now);
  // Data the daemon sent to the home agent through the UDP tunnel (RFC 3519 4.9: a keepalive is due only after K
  // seconds without "any signalling or data traffic").
  void note_sent_to_home_agent(const Now& now);
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const;
  Output on_timer(const Now& now);

  // RFC 5265: the mobile node's internal network detection suspends a layer (the external one once inside, 3.3 "SHOULD
  // de-register with the x-HA") and resumes it after a connection status change. Suspended, the node registers
  // nowhere; with `deregister` a registration in force is first cancelled (Lifetime 0, RFC 5944 3.6.1.2).
  Output suspend(bool deregister, const Now& now);
  Output resume(const Now& now);
  bool suspended() const { return suspended_; }
  // The most recent accepted registration (not deregistration): when its reply came and whether it carried an
  // authenticated Trusted Networks Configured extension (RFC 5265 3.4). `accepts()` counts them, so a caller sees a
  // new one; `denials()` counts denials by the home agent or foreign agent.
  struct Accepted {
    std::chrono::steady_clock::time_point at;
    bool trusted_networks_configured = false;
    Tins::IPv4Address care_of_address;
  };
  const std::optional<Accepted>& last_accepted() const { return last_accepted_; }
  unsigned accepts() const { return accepts_; }
  unsigned denials() const { return denials_; }

  // State for the control socket and tests.
  Location location() const { return data_plane_.location; }
  const DataPlaneState& data_plane() const { return data_plane_; }
  bool registered() const { return registration_.has_value(); }
  std::optional<uint8_t> last_reply_code() const { return last_reply_code_; }
  const AgentList& agents() const { return agents_; }
  const SolicitationSchedule& solicitations() const { return solicitation_; }
  const IdentificationClock& identification_clock() const { return ids_; }
  unsigned requests_sent() const { return requests_sent_; }
  nlohmann::json state_json(const Now& now) const;
  const MnConfig& config() const { return config_; }
  const FaultSet& faults() const { return faults_; }

 private:
  // Where the mobile node wants to be registered.
  struct Target {
    Location location = Location::Detached;
    Tins::IPv4Address care_of_address;
    Tins::IPv4Address agent_address;  // foreign agent
    MacAddress agent_mac{};
    bool operator==(const Target& o) const {
      return location == o.location && care_of_address == o.care_of_address && agent_address == o.agent_address;
    }
  };
  // "the mobile node MUST NOT register more frequently than once per second on average" (2.4.2): a token bucket of
  // one request per second holding at most two, so a move announced by the link (3.6: the once-per-second rule is
  // for "the absence of link-layer indications") is registered at once even right after another request.
  struct RequestBudget {
    static constexpr double kBurst = 2.0;
    double tokens = kBurst;
    std::optional<std::chrono::steady_clock::time_point> updated;
    double available(std::chrono::steady_clock::time_point now) const;
    std::chrono::steady_clock::time_point earliest(std::chrono::steady_clock::time_point now) const;
    void spend(std::chrono::steady_clock::time_point now);
    void refund(std::chrono::steady_clock::time_point now);
  };
  struct Pending {
    Target target;
    bool deregistration = false;
    RequestFields fields;
    bool udp_requested = false;
    Tins::IPv4Address destination;
    std::optional<std::chrono::steady_clock::time_point> sent;  // most recent transmission
    std::chrono::steady_clock::time_point due;                   // next transmission
    std::chrono::milliseconds timeout{0};                        // current retransmission timeout
    unsigned transmissions = 0;
    bool unsent = false;  // the last transmission failed locally
    std::optional<std::chrono::steady_clock::time_point> previous_request;  // last_request_ before it
  };
  struct Registration {
    Target target;
    uint16_t granted = 0;
    std::chrono::steady_clock::time_point started;  // when the accepted request was sent (3.6.2.2)
    std::optional<std::chrono::steady_clock::time_point> expires;
    std::optional<std::chrono::steady_clock::time_point> renew_at;
    bool reverse_tunnel = false;
    std::optional<Endpoint> udp_tunnel;
    std::chrono::seconds keepalive{110};
    uint64_t identification = 0;
  };

  Target choose_target(const Now& now, Output& out);
  std::optional<Target> moved_by_prefix() const;  // Algorithm 2 at renewal time (2.4.2.2)
  void reevaluate(const Now& now, Output& out);
  void begin(const Target& target, const Now& now, Output& out);
  void start_request(const Target& target, bool deregistration, const Now& now, Output& out,
                     std::optional<std::chrono::steady_clock::time_point> not_before = std::nullopt);
  void transmit(const Now& now, Output& out);
  void handle_accept(const ReplyCheck& check, const Now& now, Output& out);
  void handle_denial(const ReplyCheck& check, const Now& now, Output& out);
  void retry_later(const Now& now, Output& out, bool fresh_backoff);
  void set_data_plane(DataPlaneState state, Output& out);
  DataPlaneState data_plane_for(const Target& target) const;
  void update_solicitation(const Now& now, Output& out);
  void send_solicitation(const Now& now, Output& out);
  std::optional<InterfaceAddress> colocated_address() const;
  bool home_address_evidence() const;
  bool home_agent_heard() const;
  std::chrono::milliseconds max_retransmission() const;
  double draw();

  MnConfig config_;
  FaultSet faults_;
  Random random_;
  LinkState link_;
  AgentList agents_;
  SolicitationSchedule solicitation_;
  IdentificationClock ids_;
  Tins::IPv4Address home_agent_;  // configured; replaced by a Code 136 reply's Home Agent field (3.6.2.3)
  std::optional<Target> target_;  // what we are registered / registering with
  std::optional<Pending> pending_;
  std::optional<Registration> registration_;
  bool at_home_deregistered_ = false;
  DataPlaneState data_plane_;
  bool data_plane_applied_ = false;
  bool added_home_address_ = false;  // the home address on the interface is there because we asked for it
  std::optional<std::chrono::steady_clock::time_point> last_request_;
  RequestBudget budget_;
  bool link_indication_ = false;  // the link announced a move (carrier or address change) since the last request
  std::optional<uint8_t> last_reply_code_;
  std::string last_reply_text_;
  unsigned requests_sent_ = 0;
  unsigned solicitations_sent_ = 0;  // over all searches
  // Request adjustments learned from denials (RFC 5944 3.6.2.3, RFC 3024 4.1.2, RFC 3519 4.1).
  std::optional<uint16_t> lifetime_limit_;  // Code 69
  bool drop_reverse_tunnel_ = false;        // 74 / 137 (or 70 / 134 answering a T request)
  bool force_reverse_tunnel_ = false;       // 75 / 138
  bool drop_udp_tunnel_request_ = false;    // 142
  size_t care_of_index_ = 0;                // next advertised care-of address after an FA denial (2.4)
  // Gratuitous ARPs still to send on returning home (4.6).
  int garp_remaining_ = 0;
  std::chrono::steady_clock::time_point garp_next_;
  bool garp_after_reply_ = false;  // fault mn-gratuitous-arp-after-request
  // RFC 3519 keepalives.
  std::optional<std::chrono::steady_clock::time_point> last_sent_to_ha_;
  std::optional<std::chrono::steady_clock::time_point> keepalive_reply_due_;
  int keepalives_unanswered_ = 0;
  uint16_t keepalive_sequence_ = 0;
  bool colocated_r_bit_noted_ = false;
  bool suspended_ = false;
  std::optional<std::chrono::steady_clock::time_point> home_refresh_at_;  // RFC 5265 inside at home
  std::optional<Accepted> last_accepted_;
  unsigned accepts_ = 0;
  unsigned denials_ = 0;
};

}  // namespace mipvpn::agents::mn
