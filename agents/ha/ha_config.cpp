#include "agents/ha/ha_config.h"

#include <set>
#include <utility>

#include "agents/common/config_reader.h"

namespace mipvpn::agents::ha {

const MobileNodeSa* HaConfig::find_sa(const Tins::IPv4Address& home_address, uint32_t spi) const {
  for (const MobileNodeSa& sa : mobile_nodes) {
    if (sa.home_address == home_address && sa.spi == spi) return &sa;
  }
  return nullptr;
}

bool HaConfig::serves(const Tins::IPv4Address& home_address) const {
  for (const MobileNodeSa& sa : mobile_nodes) {
    if (sa.home_address == home_address) return true;
  }
  return false;
}

HaConfig parse_ha_config(const nlohmann::json& doc, const std::string& file) {
  const JsonObject root(doc, "", file);
  root.reject_unknown({"role", "address", "home_network", "max_lifetime", "simultaneous_bindings", "replay",
                       "replay_tolerance_s", "control_socket", "mobile_nodes"});
  HaConfig cfg;
  const std::string role = root.string("role");
  if (role != "ha") root.fail("role", "expected \"ha\" (the role given by --role ha), got \"" + role + "\"");

  cfg.address = root.ipv4("address");
  const uint32_t host = to_host(cfg.address);
  if (cfg.address.is_multicast() || host == 0 || host == 0xffffffffu || (host >> 24) == 127) {
    root.fail("address", "expected a unicast address that is not 0.0.0.0, loopback or broadcast, got \"" +
                             cfg.address.to_string() + "\"");
  }
  cfg.home_network = root.prefix("home_network");
  if (cfg.home_network.length == 0 || cfg.home_network.length > 30) {
    root.fail("home_network", "expected a prefix length from 1 to 30, got \"" + cfg.home_network.to_string() + "\"");
  }
  cfg.max_lifetime = static_cast<uint16_t>(root.unsigned_integer("max_lifetime", 1, 65535));
  if (root.has("simultaneous_bindings")) cfg.simultaneous_bindings = root.boolean("simultaneous_bindings");
  if (root.has("replay")) {
    cfg.replay = root.string("replay");
    if (cfg.replay != "timestamps") {
      root.fail("replay", "expected \"timestamps\" (the only replay protection implemented), got \"" + cfg.replay +
                              "\"");
    }
  }
  if (root.has("replay_tolerance_s")) cfg.replay_tolerance_s = root.number("replay_tolerance_s", 0.0, 86400.0);
  if (root.has("control_socket")) {
    std::string path = root.string("control_socket");
    if (path.empty() || path.size() > 107) {
      root.fail("control_socket", "expected a unix socket path of 1 to 107 bytes, got " + std::to_string(path.size()) +
                                      " bytes");
    }
    cfg.control_socket = std::move(path);
  }

  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const JsonObject& mn : root.objects("mobile_nodes")) {
    mn.reject_unknown({"home_address", "spi", "key", "algorithm"});
    MobileNodeSa sa;
    sa.home_address = mn.ipv4("home_address");
    const uint32_t hoa = to_host(sa.home_address);
    if (hoa == 0 || hoa == 0xffffffffu || sa.home_address.is_multicast()) {
      mn.fail("home_address", "expected a unicast home address, got \"" + sa.home_address.to_string() + "\"");
    }
    sa.spi = static_cast<uint32_t>(mn.unsigned_integer("spi", 256, 0xffffffffu));  // 0-255 reserved (RFC 5944 1.6)
    sa.key = mn.hex("key");
    if (mn.has("algorithm")) sa.algorithm = mn.string("algorithm");
    if (sa.algorithm != "hmac-md5") {
      mn.fail("algorithm", "expected \"hmac-md5\" (the only algorithm implemented), got \"" + sa.algorithm + "\"");
    }
    if (!seen.insert({hoa, sa.spi}).second) {
      mn.fail("spi", "expected a (home_address, spi) pair not listed before; " + sa.home_address.to_string() +
                         " with SPI " + std::to_string(sa.spi) + " is a duplicate");
    }
    cfg.mobile_nodes.push_back(std::move(sa));
  }
  return cfg;
}

HaConfig load_ha_config(const std::string& file) { return parse_ha_config(read_json_file(file), file); }

}  // namespace mipvpn::agents::ha
