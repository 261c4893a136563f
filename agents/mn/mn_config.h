// Mobile Node configuration (agents/README.md, docs/seams.md "agents/mipd").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/ipv4.h"
#include "agents/common/security_association.h"

namespace mipvpn::agents {
class JsonObject;
}

namespace mipvpn::agents::mn {

struct Rfc5265Config;

// How the mobile node gets a care-of address away from home.
enum class CareOfMode {
  ForeignAgent,  // only through a foreign agent (its advertised care-of address)
  CoLocated,     // only its own address on the foreign link, registering straight with the home agent (D bit)
  Auto,          // a foreign agent when one is heard (RFC 5944 2.4 preference), else co-located
};
std::string_view care_of_mode_name(CareOfMode);

// A mobility security association (agents/common/security_association.h).
using SecurityAssociation = agents::SecurityAssociation;

// An MN-FA security association with one foreign agent (RFC 5944 3.5.3), keyed by the agent's address.
struct ForeignAgentSa {
  Tins::IPv4Address address;
  SecurityAssociation sa;
};

struct UdpTunnellingConfig {
  bool enabled = false;         // include the UDP Tunnel Request when co-located (RFC 3519 4.4)
  bool force = false;           // F flag (RFC 3519 3.1.1)
  uint16_t keepalive_s = 110;   // used when the UDP Tunnel Reply says 0 (RFC 3519 3.2, default K = 110 s)
};

// Registration retransmission (RFC 5944 3.6.3).
struct RetransmissionConfig {
  unsigned initial_ms = 1000;  // "MUST NOT be less than 1 second"
  unsigned max_ms = 32000;     // capped at the requested Lifetime at run time ("no greater than")
};

// Agent Solicitation (RFC 5944 2.4).
struct SolicitationConfig {
  Tins::IPv4Address address{"224.0.0.2"};  // all-routers (RFC 1256 default), or 255.255.255.255 / 224.0.0.11
  unsigned max_interval_s = 60;             // "SHOULD be at least one minute"
};

// The user-space data plane: a TUN device holding the home address away from home.
struct MnDataPlaneConfig {
  std::string tunnel_device = "mn0";
  unsigned mtu = 1480;          // 1500 minus the 20-byte outer header of IP-in-IP
  uint32_t routing_table = 150; // table for the home address's routes while away (`ip rule from HoA lookup T`)
  uint32_t rule_priority = 150;
  // False for a layer whose interface has no link layer (RFC 5265's inner layer over the VPN's TUN device): no ARP
  // socket, no ARP settings, no neighbour entries.
  bool link_layer = true;
};

struct MnConfig {
  std::string interface;               // the physical interface that moves between links
  Tins::IPv4Address home_address;
  Ipv4Prefix home_network;             // home network prefix (RFC 5944 3.6: "MUST be configured with a netmask")
  Tins::IPv4Address home_agent;
  SecurityAssociation sa;              // MN-HA
  std::vector<ForeignAgentSa> foreign_agents;  // MN-FA, optional
  CareOfMode mode = CareOfMode::Auto;
  std::optional<Tins::IPv4Address> colocated_address;  // else the interface's address outside the home network
  uint16_t lifetime = 1800;            // requested Lifetime (s); 65535 = infinity
  // Re-register at least this often whatever the Lifetime (RFC 5265 3.2.4: every T_MONITOR - N seconds inside).
  std::optional<unsigned> max_renewal_interval_s;
  bool reverse_tunnelling = false;     // T bit (RFC 3024) when co-located, or when the FA advertises T
  UdpTunnellingConfig udp_tunnelling;
  RetransmissionConfig retransmission;
  SolicitationConfig solicitation;
  MnDataPlaneConfig data_plane;
  std::optional<std::string> control_socket;
  // RFC 5265 mode: the fields above are the external layer (x-HoA, x-HA); this adds the internal one and the VPN.
  std::shared_ptr<const Rfc5265Config> rfc5265;

  const SecurityAssociation* foreign_agent_sa(const Tins::IPv4Address& agent) const;
};

// The fields of one registration layer (home network, home address, home agent, SA, mode, co-located address,
// lifetime, reverse tunnelling, retransmission, data plane) from `o` into `cfg`. Throws ConfigException.
void parse_registration_fields(const JsonObject& o, MnConfig& cfg);

// Parse (throws ConfigException naming `file`, the JSON pointer and what was expected).
MnConfig parse_mn_config(const nlohmann::json& doc, const std::string& file);
MnConfig load_mn_config(const std::string& file);

}  // namespace mipvpn::agents::mn
