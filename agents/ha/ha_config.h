// Home Agent configuration (docs/seams.md, "agents/mipd").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/encapsulation.h"
#include "agents/common/ipv4.h"

namespace mipvpn::agents::ha {

// One mobility security association with a mobile node (RFC 5944 1.6, 3.5.1).
struct MobileNodeSa {
  Tins::IPv4Address home_address;
  uint32_t spi = 0;
  std::vector<uint8_t> key;
  std::string algorithm = "hmac-md5";
};

// A mobility security association with a foreign agent (RFC 5944 3.5.4, 3.8.1), keyed by the address the foreign
// agent relays from: RFC 5944 3.7.2.2 sets the relayed request's IP Source Address to "the care-of address offered by
// the foreign agent for the mobile node", so that is `address`.
struct ForeignAgentSa {
  Tins::IPv4Address address;
  uint32_t spi = 0;
  std::vector<uint8_t> key;
  std::string algorithm = "hmac-md5";
};

// The user-space tunnel device that holds the routes of bound home addresses (docs/machine.md: no kernel tunnels).
struct DataPlaneConfig {
  std::string tunnel_device = "mipha0";
  unsigned mtu = 1480;  // 1500 minus the 20-byte outer header of IP-in-IP
};

// RFC 3519 NAT traversal as the home agent offers it.
struct UdpTunnellingConfig {
  bool enabled = false;
  uint16_t keepalive_s = 110;  // Keepalive Interval sent in the UDP Tunnel Reply (RFC 3519 3.2, default K = 110 s)
  uint16_t max_lifetime = 60;  // longest Lifetime granted to a UDP-tunnelled binding (RFC 3519 5.2 suggestion)
  bool force_allowed = true;   // honour the F flag without a NAT (else Code 129, RFC 3519 4.6.1)
};

struct HaConfig {
  Tins::IPv4Address address;                 // the HA's unicast address
  Ipv4Prefix home_network;                   // home network prefix
  uint16_t max_lifetime = 1800;              // longest Lifetime granted (65535 = may grant infinity)
  bool simultaneous_bindings = false;        // S bit honoured; accepting code 0 (else 1)
  std::string replay = "timestamps";         // only timestamps (RFC 5944 5.7.1) is implemented
  double replay_tolerance_s = 7.0;           // RFC 5944 5.7.1 default
  std::optional<std::string> control_socket; // unix stream socket path
  std::vector<MobileNodeSa> mobile_nodes;
  std::vector<ForeignAgentSa> foreign_agents;  // FA-HA security associations (none by default)
  // The data plane runs only when `data_plane` is configured (registration-only otherwise, as the conformance
  // harness's registration tests need).
  std::optional<DataPlaneConfig> data_plane;
  std::string home_interface;  // Ethernet interface of the home link (proxy and gratuitous ARP); needs data_plane
  std::vector<EncapsulationType> encapsulations{EncapsulationType::IpInIp};  // offered; IP-in-IP always first
  UdpTunnellingConfig udp_tunnelling;
  bool reverse_tunnel_check = true;  // RFC 3024 4.3.2: MUST implement, SHOULD enable by default
  // RFC 5265 4.3: present = this HA is an internal home agent (i-HA) trusting requests whose IP source address is in
  // one of these subnets (none by default: an empty list trusts nothing); absent = a plain RFC 5944 home agent.
  std::optional<std::vector<Ipv4Prefix>> trusted_networks;

  bool offers(EncapsulationType t) const;
  // Shares at least one security association with the foreign agent at `address`.
  bool shares_sa_with_foreign_agent(const Tins::IPv4Address& fa_address) const;
  // The security association with the foreign agent at `address` that has `spi`, if any.
  const ForeignAgentSa* foreign_agent_sa(const Tins::IPv4Address& fa_address, uint32_t spi) const;

  bool is_internal_home_agent() const { return trusted_networks.has_value(); }
  // In one of the trusted subnets (RFC 5265 4.3); false for every address when this is not an i-HA.
  bool trusts(const Tins::IPv4Address& source) const;
};

// Parse (throws ConfigException naming `file`, the JSON pointer and what was expected).
HaConfig parse_ha_config(const nlohmann::json& doc, const std::string& file);
HaConfig load_ha_config(const std::string& file);

}  // namespace mipvpn::agents::ha
