// Home Agent configuration (docs/seams.md, "agents/mipd").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/ipv4.h"

namespace mipvpn::agents::ha {

// One mobility security association with a mobile node (RFC 5944 1.6, 3.5.1).
struct MobileNodeSa {
  Tins::IPv4Address home_address;
  uint32_t spi = 0;
  std::vector<uint8_t> key;
  std::string algorithm = "hmac-md5";
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

  const MobileNodeSa* find_sa(const Tins::IPv4Address& home_address, uint32_t spi) const;
  bool serves(const Tins::IPv4Address& home_address) const;  // some SA exists for it
};

// Parse (throws ConfigException naming `file`, the JSON pointer and what was expected).
HaConfig parse_ha_config(const nlohmann::json& doc, const std::string& file);
HaConfig load_ha_config(const std::string& file);

}  // namespace mipvpn::agents::ha
