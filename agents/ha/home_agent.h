// The Home Agent's registration logic (RFC 5944 3.8), with no sockets and no clock of its own: every input (the UDP
// payload, its IP/UDP addresses, the time) is a parameter, so each rule and each fault is unit-testable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/faults.h"
#include "agents/common/ipv4.h"
#include "agents/ha/binding_table.h"
#include "agents/ha/ha_config.h"
#include "harness/wire/extension.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"

namespace mipvpn::agents::ha {

inline constexpr uint16_t kRegistrationPort = 434;
// Limit on simultaneous bindings per mobile node; a request that would exceed it is denied with Code 135.
inline constexpr size_t kMaxBindingsPerMobileNode = 8;

// The two clocks the HA needs: monotonic for binding lifetimes, wall clock for timestamp Identifications.
struct Now {
  std::chrono::steady_clock::time_point mono;
  std::chrono::system_clock::time_point wall;
  static Now current() { return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()}; }
  Now plus(std::chrono::nanoseconds d) const { return {mono + d, wall + d}; }
};

// A Registration Reply ready to send, with the IP/UDP fields RFC 5944 3.8.3.1 dictates.
struct OutgoingReply {
  std::vector<uint8_t> payload;   // the UDP payload (Registration Reply with its extensions)
  Tins::IPv4Address source;       // IP source address
  uint16_t source_port = kRegistrationPort;  // UDP source port (the request's destination port)
  Endpoint destination;           // IP destination address and UDP destination port
  // Decoded fields, for logs and tests.
  uint8_t code = 0;
  uint16_t lifetime = 0;
  uint64_t identification = 0;
  Tins::IPv4Address home_agent;
  bool trusted_networks_configured = false;  // carries the RFC 5265 TNC extension (i-HA, trusted source)
  std::optional<uint32_t> foreign_home_spi;  // ends with a Foreign-Home Authentication Extension with this SPI
};

enum class Verdict {
  Accepted,   // bindings updated (a reply may or may not have been built, see `reply`)
  Denied,     // rejected with a code (reply built unless it cannot be addressed)
  Discarded,  // silently dropped
};
std::string_view verdict_name(Verdict);

// What the home link must do after a registration event (RFC 5944 4.6, 4.2.3).
enum class HomeLinkChange {
  Unchanged,
  // First binding of a home address: route it into the tunnel device, start proxy ARP, gratuitous ARP with the
  // HA's link-layer address.
  StartIntercepting,
  // No binding left: remove the route, stop proxy ARP; after an accepted deregistration a gratuitous ARP with the
  // mobile node's own link-layer address.
  StopIntercepting,
};

struct HomeLinkAction {
  HomeLinkChange change = HomeLinkChange::Unchanged;
  Tins::IPv4Address home_address;
  bool gratuitous_arp = false;
};

struct Outcome {
  Verdict verdict = Verdict::Discarded;
  std::string request;  // one-line summary of the request, or why it could not be decoded
  std::string reason;   // why it was accepted / denied / discarded (with the RFC section)
  std::optional<OutgoingReply> reply;
  HomeLinkAction home_link;
};

struct ExpiryEvent {
  Binding binding;
  std::optional<OutgoingReply> reply;  // only with the reply-on-expiry fault
  HomeLinkAction home_link;            // StopIntercepting when it was the last binding (no gratuitous ARP)
};

// Where one copy of a datagram for a bound home address goes (RFC 5944 4.2.3).
struct TunnelTarget {
  Tins::IPv4Address care_of_address;  // outer destination (raw IP transport)
  EncapsulationType encapsulation = EncapsulationType::IpInIp;
  std::optional<Endpoint> udp_tunnel;  // RFC 3519 transport instead, to this address and port
};

struct ForwardDecision {
  std::vector<TunnelTarget> targets;  // empty: drop
  std::string drop_reason;
};

// How a decapsulated packet arrived (RFC 3024 4.3.2 check inputs).
struct ArrivedTunnel {
  Tins::IPv4Address outer_source;
  EncapsulationType encapsulation = EncapsulationType::IpInIp;
  std::optional<uint16_t> udp_source_port;  // set when it came as an RFC 3519 tunnel data message
};

struct ReverseDecision {
  bool accept = false;
  std::string reason;
};

class HomeAgent {
 public:
  HomeAgent(HaConfig config, FaultSet faults = {});

  // Processes one UDP payload received on port 434. `source` is the request's IP source address and UDP source
  // port, `destination` its IP destination address (from IP_PKTINFO) and UDP destination port.
  Outcome process(std::span<const uint8_t> payload, const Endpoint& source, const Endpoint& destination,
                  const Now& now);

  // Deletes the bindings whose lifetime has ended (nothing is sent, RFC 5944 3.8).
  std::vector<ExpiryEvent> expire(const Now& now);
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const;

  const BindingTable& bindings() const { return table_; }
  // {"bindings":[{"home_address","care_of_address","lifetime_granted","remaining_s","identification",
  //   "encapsulation","udp_tunnel","reverse_tunnel"}]}
  // remaining_s is null for an infinite lifetime; udp_tunnel ("address:port", RFC 3519) null without UDP tunnelling.
  nlohmann::json bindings_json(const Now& now) const;
  // The highest accepted Identification of a mobile node, if any.
  std::optional<uint64_t> last_accepted_identification(const Tins::IPv4Address& home_address) const;
  // Some security association exists for the home address.
  bool serves(const Tins::IPv4Address& home_address) const { return first_position(home_address).has_value(); }

  // Data plane decisions (socket-free; the daemon does the I/O).
  // Where to tunnel a packet read from the tunnel device (it was routed there for a bound home address).
  ForwardDecision forward(std::span<const uint8_t> packet) const;
  // The RFC 3024 4.3.2 check for a decapsulated packet addressed to the HA.
  ReverseDecision check_reverse(const ArrivedTunnel& tunnel, std::span<const uint8_t> inner) const;
  // RFC 3519 4.6, R flag: a keepalive (inner ICMP Echo Request HoA -> HA, as wire::recognize_keepalive found it)
  // from the registration's source address fixes the UDP tunnel's port. Returns a log line when it did, nullopt
  // otherwise. Call before check_reverse.
  std::optional<std::string> latch_keepalive(const ArrivedTunnel& tunnel, const wire::Keepalive& keepalive);
  // Proxy ARP: answer an ARP Request for this address (RFC 5944 4.6)?
  bool answers_arp_for(const Tins::IPv4Address& address) const;

  const HaConfig& config() const { return config_; }
  const FaultSet& faults() const { return faults_; }

  // True for 255.255.255.255, the home network's subnet-directed broadcast, and multicast addresses.
  bool is_broadcast_or_multicast(const Tins::IPv4Address& a) const;

 private:
  struct ReplySpec {
    uint8_t code = 0;
    uint16_t lifetime = 0;
    Tins::IPv4Address home_address;
    Tins::IPv4Address home_agent;
    uint64_t identification = 0;
    uint32_t spi = 0;
    std::span<const uint8_t> key;
  };
  struct Denial {
    uint8_t code = 0;
    std::string why;
  };
  // The request's first UDP Tunnel Request extension (RFC 3519 3.1), and whether it stood after the MN-HA
  // authenticator (then a foreign agent added it, 4.5).
  struct UdpTunnelRequestAt {
    const wire::Extension* extension = nullptr;
    bool after_mn_ha = false;
  };
  // How an accepted registration is tunnelled (home_agent_tunnel_setup.cpp).
  struct TunnelSetup {
    std::optional<Denial> denial;
    EncapsulationType encapsulation = EncapsulationType::IpInIp;
    std::optional<Endpoint> udp_tunnel;           // RFC 3519 tunnel to this address and port
    std::vector<wire::Extension> reply_extensions;  // the UDP Tunnel Reply
    std::string text;                              // for the log line
  };
  // process() without the Foreign-Home Authentication Extension of the reply; sets `fa_sa` to the foreign agent's
  // security association whose SPI the request's valid FA-HA used, if any.
  Outcome process_request(std::span<const uint8_t> payload, const Endpoint& source, const Endpoint& destination,
                          const Now& now, const ForeignAgentSa*& fa_sa);
  // RFC 5944 3.8.3.3 e: appends the Foreign-Home Authentication Extension to a reply to a foreign agent with which the
  // HA shares a security association (not to a deregistration's reply, 3.5.4).
  void authenticate_to_foreign_agent(OutgoingReply& reply, const Endpoint& source, const ForeignAgentSa* fa_sa) const;
  TunnelSetup set_up_tunnel(const wire::RegistrationRequest& req, const UdpTunnelRequestAt& udp_request,
                            const Endpoint& source) const;
  OutgoingReply build_reply(const ReplySpec& spec, const Endpoint& source, const Endpoint& destination,
                            const std::vector<wire::Extension>& before_auth = {}) const;
  Tins::IPv4Address wrong_source_address() const;
  // RFC 5265 4.3 (i-HA only): is a request from this IP source address trusted (answered with TNC) or dropped?
  bool treats_as_trusted(const Tins::IPv4Address& source) const;

  HaConfig config_;
  FaultSet faults_;
  BindingTable table_;
  // Mobile nodes (home_agent_mobile_nodes.cpp): the keys of config_.mobile_nodes ordered by (home address, SPI) in one
  // contiguous array, so that each request finds its security association by a cache-friendly binary search, and per
  // home address (at the position of its first association) the replay state, which outlives the bindings. Both are
  // sized once, from the configuration.
  struct MobileNodeState {
    uint64_t last_accepted = 0;  // highest accepted Identification
    bool accepted_any = false;
    bool ever_bound = false;  // had a binding (proxy-arp-after-deregistration fault only)
  };
  void index_mobile_nodes();
  std::optional<size_t> first_position(const Tins::IPv4Address& home_address) const;
  const MobileNodeSa* find_sa(const Tins::IPv4Address& home_address, uint32_t spi) const;
  MobileNodeState* state_of(const Tins::IPv4Address& home_address);
  const MobileNodeState* state_of(const Tins::IPv4Address& home_address) const;

  struct SaKey {
    uint32_t home;      // host order
    uint32_t spi;
    uint32_t position;  // in config_.mobile_nodes
    auto key() const { return std::pair(home, spi); }
  };
  std::vector<SaKey> sa_keys_;
  std::vector<MobileNodeState> node_state_;  // parallel to sa_keys_
};

}  // namespace mipvpn::agents::ha
