// Foreign Agent configuration (docs/seams.md, "agents/mipd"; agents/README.md, "Foreign agent config").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/ipv4.h"
#include "agents/common/security_association.h"

namespace mipvpn::agents::fa {

// A mobility security association (agents/common/security_association.h).
using SecurityAssociation = agents::SecurityAssociation;

// MN-FA: keyed by the mobile node's home address (the FA knows a mobile node by it, 3.7.1).
struct MobileNodeSa {
  Tins::IPv4Address home_address;
  SecurityAssociation sa;
};

// FA-HA: keyed by the home agent's address ("selected by the foreign agent based on the value of the home agent
// Address field of the Registration Reply", 3.5.4).
struct HomeAgentSa {
  Tins::IPv4Address address;
  SecurityAssociation sa;
};

struct Interface {
  std::string name;
  Tins::IPv4Address address;
  unsigned prefix_length = 0;
  Ipv4Prefix prefix() const;
};

enum class ReverseTunnelling { Off, Offered, Mandatory };

// The user-space data plane (docs/machine.md: no kernel tunnels). Without it the agent relays registrations only.
struct DataPlaneConfig {
  std::string tunnel_device = "mipfa0";  // TUN device: direct-delivery visitors' packets are routed into it
  unsigned mtu = 1480;                   // 1500 minus the 20-byte outer header of IP-in-IP
  uint32_t table = 100;                  // routing table holding "default dev <tunnel_device>"
  uint32_t rule_priority = 1000;         // of the per-visitor rules "from HoA iif <visited> lookup <table>"
};
enum class SolicitationReply { Multicast, Unicast };

struct AdvertisementConfig {
  // Nominal interval between unsolicited advertisements; 0 = only in response to solicitations (RFC 5944 2.3).
  uint32_t interval_ms = 1000;
  // ICMP Router Advertisement Lifetime (seconds). The interval SHOULD be no longer than a third of it (2.1).
  uint16_t lifetime = 3;
  // 224.0.0.1 or 255.255.255.255 (2.1).
  Tins::IPv4Address destination{"224.0.0.1"};
  // Mobility Agent Advertisement Extension flags as sent (R B H F M G T U X I bits, 2.1.1).
  uint16_t flags = 0;
  // Smallest gap between two multicast/broadcast advertisements ("MUST limit the rate", 2.3).
  uint32_t min_gap_ms = 1000;
  SolicitationReply solicitation_reply = SolicitationReply::Multicast;
  bool router_address = true;         // the visited-link address as the one Router Address (2.3.1)
  bool prefix_lengths = false;        // Prefix-Lengths extension (2.1.2) for that router address
  bool routes_common_traffic = true;  // ICMP Code 0, else 16 (2.1)
};

struct FaConfig {
  Interface visited;                                 // the foreign link the mobile nodes attach to
  std::optional<Interface> upstream;                 // towards the home agents (routing does the rest)
  std::vector<Tins::IPv4Address> care_of_addresses;  // advertised; the first is used for co-located (D) relays
  AdvertisementConfig advertisement;
  uint16_t max_registration_lifetime = 1800;  // advertised as Registration Lifetime; longer requests get 69
  uint32_t pending_timeout_ms = 7000;         // 3.7.1 "MAY delete ... pending for more than 7 seconds" -> 78
  size_t max_pending = 5;                     // 3.7.1 "typically 5" -> 66
  ReverseTunnelling reverse_tunnelling = ReverseTunnelling::Offered;
  bool encapsulating_delivery = true;  // RFC 3024 3.3 Encapsulating Delivery Style
  std::vector<std::string> encapsulations = {"ip-in-ip"};
  std::vector<MobileNodeSa> mobile_node_sas;
  std::vector<HomeAgentSa> home_agent_sas;
  std::optional<std::string> control_socket;
  std::optional<DataPlaneConfig> data_plane;

  const MobileNodeSa* mobile_node_sa(const Tins::IPv4Address& home_address) const;
  const HomeAgentSa* home_agent_sa(const Tins::IPv4Address& home_agent) const;
  bool offers_care_of_address(const Tins::IPv4Address& a) const;
  // Any address of the FA's own interfaces (visited, upstream, care-of addresses).
  bool is_own_address(const Tins::IPv4Address& a) const;
  bool offers_encapsulation(const std::string& name) const;
  bool busy() const;  // B flag advertised: no registrations from additional mobile nodes
};

// Parse (throws ConfigException naming `file`, the JSON pointer and what was expected).
FaConfig parse_fa_config(const nlohmann::json& doc, const std::string& file);
FaConfig load_fa_config(const std::string& file);

}  // namespace mipvpn::agents::fa
