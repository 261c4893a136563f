#include "agents/ha/ha_config.h"

#include <set>
#include <utility>

#include "agents/common/config_reader.h"
#include "agents/common/security_association.h"

namespace mipvpn::agents::ha {

bool HaConfig::trusts(const Tins::IPv4Address& source) const {
  if (!trusted_networks) return false;
  for (const Ipv4Prefix& p : *trusted_networks) {
    if (p.contains(source)) return true;
  }
  return false;
}

bool HaConfig::offers(EncapsulationType t) const {
  for (EncapsulationType e : encapsulations) {
    if (e == t) return true;
  }
  return false;
}

bool HaConfig::shares_sa_with_foreign_agent(const Tins::IPv4Address& fa_address) const {
  for (const ForeignAgentSa& sa : foreign_agents) {
    if (sa.address == fa_address) return true;
  }
  return false;
}

const ForeignAgentSa* HaConfig::foreign_agent_sa(const Tins::IPv4Address& fa_address, uint32_t spi) const {
  for (const ForeignAgentSa& sa : foreign_agents) {
    if (sa.address == fa_address && sa.spi == spi) return &sa;
  }
  return nullptr;
}

HaConfig parse_ha_config(const nlohmann::json& doc, const std::string& file) {
  const JsonObject root(doc, "", file);
  root.reject_unknown({"role", "address", "home_network", "max_lifetime", "simultaneous_bindings", "replay",
                       "replay_tolerance_s", "control_socket", "mobile_nodes", "data_plane", "home_interface",
                       "encapsulations", "udp_tunnelling", "reverse_tunnel_check", "trusted_networks",
                       "foreign_agents"});
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

  if (root.has("data_plane")) {
    const JsonObject dp = root.object("data_plane");
    dp.reject_unknown({"tunnel_device", "mtu"});
    DataPlaneConfig d;
    if (dp.has("tunnel_device")) d.tunnel_device = dp.string("tunnel_device");
    if (d.tunnel_device.empty() || d.tunnel_device.size() > 15 || d.tunnel_device.find('/') != std::string::npos) {
      dp.fail("tunnel_device", "expected an interface name of 1 to 15 bytes without '/', got \"" + d.tunnel_device +
                                   "\"");
    }
    if (dp.has("mtu")) d.mtu = static_cast<unsigned>(dp.unsigned_integer("mtu", 576, 65535));
    cfg.data_plane = d;
    cfg.home_interface = root.string("home_interface");
    if (cfg.home_interface.empty() || cfg.home_interface.size() > 15) {
      root.fail("home_interface", "expected the home link's interface name (1 to 15 bytes), got \"" +
                                      cfg.home_interface + "\"");
    }
  } else if (root.has("home_interface")) {
    root.fail("home_interface", "expected only together with \"data_plane\" (the ARP handling is part of it)");
  }
  if (root.has("encapsulations")) {
    const nlohmann::json& list = root.at("encapsulations", "an array of encapsulation names");
    if (!list.is_array() || list.empty()) {
      root.fail("encapsulations", "expected a non-empty array of \"ip-in-ip\", \"gre\", \"minimal\", " +
                                      describe_json(list));
    }
    cfg.encapsulations.clear();
    for (size_t i = 0; i < list.size(); ++i) {
      auto t = list[i].is_string() ? encapsulation_by_name(list[i].get<std::string>()) : std::nullopt;
      if (!t) {
        throw ConfigException({file, root.child_path("encapsulations") + "/" + std::to_string(i),
                               "expected \"ip-in-ip\", \"gre\" or \"minimal\", " + describe_json(list[i])});
      }
      if (!make_encapsulation(*t)) {
        throw ConfigException({file, root.child_path("encapsulations") + "/" + std::to_string(i),
                               "expected an encapsulation this build implements, got \"" +
                                   std::string(encapsulation_name(*t)) + "\""});
      }
      if (!cfg.offers(*t)) cfg.encapsulations.push_back(*t);
    }
    if (!cfg.offers(EncapsulationType::IpInIp)) {
      root.fail("encapsulations", "expected \"ip-in-ip\" among them (home agents MUST support it, RFC 5944 4.1)");
    }
  }
  if (root.has("udp_tunnelling")) {
    const JsonObject u = root.object("udp_tunnelling");
    u.reject_unknown({"enabled", "keepalive_s", "max_lifetime", "force_allowed"});
    cfg.udp_tunnelling.enabled = u.boolean("enabled");
    if (u.has("keepalive_s")) {
      cfg.udp_tunnelling.keepalive_s = static_cast<uint16_t>(u.unsigned_integer("keepalive_s", 0, 65535));
    }
    if (u.has("max_lifetime")) {
      cfg.udp_tunnelling.max_lifetime = static_cast<uint16_t>(u.unsigned_integer("max_lifetime", 1, 65535));
    }
    if (u.has("force_allowed")) cfg.udp_tunnelling.force_allowed = u.boolean("force_allowed");
  }
  if (root.has("reverse_tunnel_check")) cfg.reverse_tunnel_check = root.boolean("reverse_tunnel_check");
  if (root.has("trusted_networks")) {
    // RFC 5265 4.3: "a list of trusted IP subnets (containing only addresses from the internal network), with no
    // subnets being trusted by default".
    const nlohmann::json& list = root.at("trusted_networks", "an array of IPv4 prefixes");
    if (!list.is_array()) {
      root.fail("trusted_networks", "expected an array of IPv4 prefixes \"a.b.c.d/len\" (may be empty), " +
                                        describe_json(list));
    }
    cfg.trusted_networks.emplace();
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = list[i].is_string() ? Ipv4Prefix::parse(list[i].get<std::string>()) : std::nullopt;
      if (!p || p->length == 0) {
        throw ConfigException({file, root.child_path("trusted_networks") + "/" + std::to_string(i),
                               "expected an IPv4 prefix \"a.b.c.d/len\" with len 1-32 (only internal-network "
                               "addresses, RFC 5265 4.3), " + describe_json(list[i])});
      }
      cfg.trusted_networks->push_back(*p);
    }
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
    SecurityAssociation common = parse_security_association(mn);
    sa.spi = common.spi;
    sa.key = std::move(common.key);
    sa.algorithm = std::move(common.algorithm);
    if (!seen.insert({hoa, sa.spi}).second) {
      mn.fail("spi", "expected a (home_address, spi) pair not listed before; " + sa.home_address.to_string() +
                         " with SPI " + std::to_string(sa.spi) + " is a duplicate");
    }
    cfg.mobile_nodes.push_back(std::move(sa));
  }
  if (root.has("foreign_agents")) {
    std::set<std::pair<uint32_t, uint32_t>> fa_seen;
    for (const JsonObject& fa : root.objects("foreign_agents")) {
      fa.reject_unknown({"address", "spi", "key", "algorithm"});
      ForeignAgentSa sa;
      sa.address = fa.ipv4("address");
      const uint32_t a = to_host(sa.address);
      if (a == 0 || a == 0xffffffffu || sa.address.is_multicast()) {
        fa.fail("address", "expected the foreign agent's unicast care-of address, got \"" + sa.address.to_string() +
                               "\"");
      }
      SecurityAssociation common = parse_security_association(fa);
      sa.spi = common.spi;
      sa.key = std::move(common.key);
      sa.algorithm = std::move(common.algorithm);
      if (!fa_seen.insert({a, sa.spi}).second) {
        fa.fail("spi", "expected an (address, spi) pair not listed before; " + sa.address.to_string() + " with SPI " +
                           std::to_string(sa.spi) + " is a duplicate");
      }
      cfg.foreign_agents.push_back(std::move(sa));
    }
  }
  return cfg;
}

HaConfig load_ha_config(const std::string& file) { return parse_ha_config(read_json_file(file), file); }

}  // namespace mipvpn::agents::ha
