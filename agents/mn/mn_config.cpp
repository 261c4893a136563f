#include "agents/mn/mn_config.h"

#include <set>

#include "agents/common/config_reader.h"
#include "agents/mn/rfc5265_config.h"

namespace mipvpn::agents::mn {
namespace {

std::string interface_name(const JsonObject& o, std::string_view key) {
  std::string name = o.string(key);
  if (name.empty() || name.size() > 15 || name.find('/') != std::string::npos) {
    o.fail(key, "expected an interface name of 1 to 15 bytes without '/', got \"" + name + "\"");
  }
  return name;
}

}  // namespace

std::string_view care_of_mode_name(CareOfMode m) {
  switch (m) {
    case CareOfMode::ForeignAgent: return "fa";
    case CareOfMode::CoLocated: return "colocated";
    case CareOfMode::Auto: return "auto";
  }
  return "?";
}

const SecurityAssociation* MnConfig::foreign_agent_sa(const Tins::IPv4Address& agent) const {
  for (const ForeignAgentSa& f : foreign_agents) {
    if (f.address == agent) return &f.sa;
  }
  return nullptr;
}

// The fields of one Mobile IPv4 registration layer: the whole configuration of a plain mobile node, and RFC 5265's
// internal layer (rfc5265/internal).
void parse_registration_fields(const JsonObject& root, MnConfig& cfg) {
  cfg.home_network = root.prefix("home_network");
  if (cfg.home_network.length == 0 || cfg.home_network.length > 30) {
    root.fail("home_network", "expected a prefix length from 1 to 30, got \"" + cfg.home_network.to_string() + "\"");
  }
  cfg.home_address = root.ipv4("home_address");
  if (!is_unicast(cfg.home_address) || !cfg.home_network.contains(cfg.home_address) ||
      cfg.home_address == cfg.home_network.network || cfg.home_address == cfg.home_network.broadcast()) {
    root.fail("home_address", "expected a unicast host address inside home_network " + cfg.home_network.to_string() +
                                  ", got \"" + cfg.home_address.to_string() + "\"");
  }
  cfg.home_agent = root.ipv4("home_agent");
  if (!is_unicast(cfg.home_agent) || cfg.home_agent == cfg.home_address) {
    root.fail("home_agent", "expected the home agent's unicast address (not the home address), got \"" +
                                cfg.home_agent.to_string() + "\"");
  }
  {
    const JsonObject sa = root.object("sa");
    sa.reject_unknown({"spi", "key", "algorithm"});
    cfg.sa = parse_security_association(sa);
  }
  if (root.has("mode")) {
    const std::string m = root.string("mode");
    if (m == "fa") {
      cfg.mode = CareOfMode::ForeignAgent;
    } else if (m == "colocated") {
      cfg.mode = CareOfMode::CoLocated;
    } else if (m == "auto") {
      cfg.mode = CareOfMode::Auto;
    } else {
      root.fail("mode", "expected \"fa\", \"colocated\" or \"auto\", got \"" + m + "\"");
    }
  }
  if (root.has("colocated_address")) {
    if (cfg.mode == CareOfMode::ForeignAgent) {
      root.fail("colocated_address", "expected only with mode \"colocated\" or \"auto\" (mode is \"fa\")");
    }
    const Tins::IPv4Address a = root.ipv4("colocated_address");
    if (!is_unicast(a) || cfg.home_network.contains(a)) {
      root.fail("colocated_address", "expected a unicast address outside home_network, got \"" + a.to_string() + "\"");
    }
    cfg.colocated_address = a;
  }
  if (root.has("lifetime")) cfg.lifetime = static_cast<uint16_t>(root.unsigned_integer("lifetime", 1, 65535));
  if (root.has("reverse_tunnelling")) cfg.reverse_tunnelling = root.boolean("reverse_tunnelling");
  if (root.has("retransmission")) {
    const JsonObject r = root.object("retransmission");
    r.reject_unknown({"initial_ms", "max_ms"});
    // "The minimum time between Registration Requests MUST NOT be less than 1 second" (RFC 5944 3.6.3).
    if (r.has("initial_ms")) {
      cfg.retransmission.initial_ms = static_cast<unsigned>(r.unsigned_integer("initial_ms", 1000, 3600000));
    }
    if (r.has("max_ms")) cfg.retransmission.max_ms = static_cast<unsigned>(r.unsigned_integer("max_ms", 1000, 3600000));
    if (cfg.retransmission.max_ms < cfg.retransmission.initial_ms) {
      r.fail("max_ms", "expected at least initial_ms (" + std::to_string(cfg.retransmission.initial_ms) + "), got " +
                           std::to_string(cfg.retransmission.max_ms));
    }
  }
  if (root.has("data_plane")) {
    const JsonObject d = root.object("data_plane");
    d.reject_unknown({"tunnel_device", "mtu", "routing_table", "rule_priority"});
    if (d.has("tunnel_device")) cfg.data_plane.tunnel_device = interface_name(d, "tunnel_device");
    if (d.has("mtu")) cfg.data_plane.mtu = static_cast<unsigned>(d.unsigned_integer("mtu", 576, 65535));
    if (d.has("routing_table")) {
      cfg.data_plane.routing_table = static_cast<uint32_t>(d.unsigned_integer("routing_table", 1, 252));
    }
    if (d.has("rule_priority")) {
      cfg.data_plane.rule_priority = static_cast<uint32_t>(d.unsigned_integer("rule_priority", 1, 32765));
    }
  }
}

MnConfig parse_mn_config(const nlohmann::json& doc, const std::string& file) {
  const JsonObject root(doc, "", file);
  root.reject_unknown({"role", "interface", "home_address", "home_network", "home_agent", "sa", "foreign_agents",
                       "mode", "colocated_address", "lifetime", "reverse_tunnelling", "udp_tunnelling",
                       "retransmission", "solicitation", "data_plane", "control_socket", "rfc5265"});
  MnConfig cfg;
  const std::string role = root.string("role");
  if (role != "mn") root.fail("role", "expected \"mn\" (the role given by --role mn), got \"" + role + "\"");
  cfg.interface = interface_name(root, "interface");
  parse_registration_fields(root, cfg);
  if (root.has("foreign_agents")) {
    std::set<uint32_t> seen;
    for (const JsonObject& fa : root.objects("foreign_agents")) {
      fa.reject_unknown({"address", "spi", "key", "algorithm"});
      ForeignAgentSa f;
      f.address = fa.ipv4("address");
      if (!is_unicast(f.address)) fa.fail("address", "expected a unicast foreign agent address");
      if (!seen.insert(to_host(f.address)).second) {
        fa.fail("address", "expected each foreign agent once; " + f.address.to_string() + " is a duplicate");
      }
      f.sa = parse_security_association(fa);
      cfg.foreign_agents.push_back(std::move(f));
    }
  }
  if (root.has("udp_tunnelling")) {
    const JsonObject u = root.object("udp_tunnelling");
    u.reject_unknown({"enabled", "force", "keepalive_s"});
    cfg.udp_tunnelling.enabled = u.boolean("enabled");
    if (u.has("force")) cfg.udp_tunnelling.force = u.boolean("force");
    // "the mobile node MUST NOT use a keepalive less than 10 seconds" (RFC 3519 4.10)
    if (u.has("keepalive_s")) {
      cfg.udp_tunnelling.keepalive_s = static_cast<uint16_t>(u.unsigned_integer("keepalive_s", 10, 65535));
    }
    if (cfg.udp_tunnelling.enabled && cfg.mode == CareOfMode::ForeignAgent) {
      u.fail("enabled", "expected false with mode \"fa\": the UDP Tunnel Request SHALL NOT be used with a foreign "
                        "agent care-of address (RFC 3519 4.4)");
    }
  }
  if (root.has("solicitation")) {
    const JsonObject s = root.object("solicitation");
    s.reject_unknown({"address", "max_interval_s"});
    if (s.has("address")) {
      const Tins::IPv4Address a = s.ipv4("address");
      if (to_host(a) != 0xffffffffu && a != Tins::IPv4Address("224.0.0.2") && a != Tins::IPv4Address("224.0.0.11")) {
        s.fail("address", "expected \"224.0.0.2\" (all routers), \"224.0.0.11\" (mobile agents) or "
                          "\"255.255.255.255\", got \"" + a.to_string() + "\"");
      }
      cfg.solicitation.address = a;
    }
    if (s.has("max_interval_s")) {
      cfg.solicitation.max_interval_s = static_cast<unsigned>(s.unsigned_integer("max_interval_s", 4, 86400));
    }
  }
  if (cfg.data_plane.tunnel_device == cfg.interface) {
    root.fail("data_plane", "expected a tunnel_device other than the interface \"" + cfg.interface + "\"");
  }
  if (root.has("control_socket")) {
    std::string path = root.string("control_socket");
    if (path.empty() || path.size() > 107) {
      root.fail("control_socket", "expected a unix socket path of 1 to 107 bytes, got " + std::to_string(path.size()) +
                                      " bytes");
    }
    cfg.control_socket = std::move(path);
  }
  if (root.has("rfc5265")) {
    cfg.rfc5265 = std::make_shared<const Rfc5265Config>(parse_rfc5265_config(root.object("rfc5265"), cfg));
  }
  return cfg;
}

MnConfig load_mn_config(const std::string& file) { return parse_mn_config(read_json_file(file), file); }

}  // namespace mipvpn::agents::mn
