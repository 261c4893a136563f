#include "agents/fa/fa_config.h"

#include <algorithm>
#include <set>
#include <utility>

#include "agents/common/config_reader.h"
#include "agents/common/encapsulation.h"
#include "harness/wire/agent_advertisement.h"

namespace mipvpn::agents::fa {
namespace {

using wire::AgentAdvertisement;

constexpr uint16_t kMaxIcmpLifetime = 9000;  // RFC 1256 AdvertisementLifetime upper bound

Interface parse_interface(const JsonObject& o) {
  o.reject_unknown({"name", "address"});
  Interface itf;
  itf.name = o.string("name");
  if (itf.name.empty() || itf.name.size() > 15) {
    o.fail("name", "expected an interface name of 1 to 15 characters, got \"" + itf.name + "\"");
  }
  const std::string text = o.string("address");
  const size_t slash = text.find('/');
  auto address = parse_ipv4(text.substr(0, slash));
  auto prefix = Ipv4Prefix::parse(text);
  if (slash == std::string::npos || !address || !prefix || prefix->length == 0 || prefix->length > 30 ||
      !is_unicast(*address)) {
    o.fail("address", "expected the interface's unicast address with its prefix length 1-30, \"a.b.c.d/len\", got \"" +
                          text + "\"");
  }
  itf.address = *address;
  itf.prefix_length = prefix->length;
  return itf;
}

// Errors about the element `index` of the array member `key` (JsonObject::fail would escape the '/').
[[noreturn]] void fail_element(const JsonObject& o, std::string_view key, size_t index, std::string expected) {
  throw ConfigException({o.file(), o.child_path(key) + "/" + std::to_string(index), std::move(expected)});
}

// The array member `key` as strings.
std::vector<std::string> strings(const JsonObject& o, std::string_view key, std::string_view what) {
  const auto& v = o.at(key, std::string("an array of ") + std::string(what));
  if (!v.is_array()) o.fail(key, "expected an array of " + std::string(what) + ", " + describe_json(v));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      fail_element(o, key, i, "expected " + std::string(what) + ", " + describe_json(v[i]));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

struct FlagName {
  const char* letter;
  uint16_t bit;
};
constexpr FlagName kFlagNames[] = {
    {"R", AgentAdvertisement::kFlagR}, {"B", AgentAdvertisement::kFlagB}, {"H", AgentAdvertisement::kFlagH},
    {"F", AgentAdvertisement::kFlagF}, {"M", AgentAdvertisement::kFlagM}, {"G", AgentAdvertisement::kFlagG},
    {"T", AgentAdvertisement::kFlagT}, {"U", AgentAdvertisement::kFlagU}, {"X", AgentAdvertisement::kFlagX},
    {"I", AgentAdvertisement::kFlagI},
};

uint16_t default_flags(const FaConfig& c) {
  uint16_t f = AgentAdvertisement::kFlagF;
  if (c.reverse_tunnelling != ReverseTunnelling::Off) f |= AgentAdvertisement::kFlagT;
  if (c.offers_encapsulation("minimal")) f |= AgentAdvertisement::kFlagM;
  if (c.offers_encapsulation("gre")) f |= AgentAdvertisement::kFlagG;
  return f;
}

// Flags must tell the truth about this FA: an advertised capability it lacks would make mobile nodes fail.
uint16_t parse_flags(const JsonObject& adv, const FaConfig& c) {
  uint16_t flags = 0;
  const std::vector<std::string> letters = strings(adv, "flags", "flag letters (R B F M G T)");
  for (size_t i = 0; i < letters.size(); ++i) {
    const FlagName* found = nullptr;
    for (const FlagName& f : kFlagNames) {
      if (letters[i] == f.letter) found = &f;
    }
    if (found == nullptr) {
      fail_element(adv, "flags", i, "expected one of R, B, H, F, M, G, T, U, X, I, got \"" + letters[i] + "\"");
    }
    if (flags & found->bit) fail_element(adv, "flags", i, "expected each flag once, \"" + letters[i] + "\" repeats");
    const std::string l = found->letter;
    if (l == "H" || l == "U" || l == "X" || l == "I") {
      fail_element(adv, "flags", i,
                   "expected a flag this foreign agent implements (R, B, F, M, G, T); \"" + l +
                       "\" would advertise a service it does not offer (RFC 5944 2.1.1)");
    }
    flags |= found->bit;
  }
  auto require = [&](uint16_t bit, bool want, const std::string& why) {
    if (((flags & bit) != 0) != want) adv.fail("flags", "expected " + why);
  };
  require(AgentAdvertisement::kFlagF, true, "\"F\": this agent is a foreign agent (RFC 5944 2.1.1)");
  require(AgentAdvertisement::kFlagT, c.reverse_tunnelling != ReverseTunnelling::Off,
          "\"T\" exactly when reverse_tunnelling is \"offered\" or \"mandatory\" (RFC 3024 3.1)");
  require(AgentAdvertisement::kFlagM, c.offers_encapsulation("minimal"),
          "\"M\" exactly when encapsulations lists \"minimal\" (RFC 5944 2.1.1)");
  require(AgentAdvertisement::kFlagG, c.offers_encapsulation("gre"),
          "\"G\" exactly when encapsulations lists \"gre\" (RFC 5944 2.1.1)");
  return flags;
}

void parse_advertisement(const JsonObject& adv, FaConfig& c) {
  adv.reject_unknown({"interval_ms", "lifetime", "destination", "flags", "min_gap_ms", "solicitation_reply",
                      "router_address", "prefix_lengths", "routes_common_traffic"});
  AdvertisementConfig& a = c.advertisement;
  if (adv.has("interval_ms")) {
    a.interval_ms = static_cast<uint32_t>(adv.unsigned_integer("interval_ms", 0, 600000));
    if (a.interval_ms != 0 && a.interval_ms < 100) {
      adv.fail("interval_ms",
               "expected 0 (only solicited advertisements) or 100 to 600000, got " + std::to_string(a.interval_ms));
    }
  }
  if (adv.has("lifetime")) {
    a.lifetime = static_cast<uint16_t>(adv.unsigned_integer("lifetime", 1, kMaxIcmpLifetime));
  } else {
    a.lifetime = a.interval_ms == 0 ? uint16_t{1800}
                                    : static_cast<uint16_t>(std::max<uint32_t>(1, (3 * a.interval_ms + 999) / 1000));
  }
  // "the nominal interval at which Agent Advertisements are sent SHOULD be no longer than 1/3 of the advertisement
  // Lifetime given in the ICMP header" (RFC 5944 2.1).
  if (uint64_t{a.interval_ms} * 3 > uint64_t{a.lifetime} * 1000) {
    adv.fail("interval_ms", "expected at most a third of lifetime (" + std::to_string(a.lifetime) +
                                " s) in milliseconds (RFC 5944 2.1), got " + std::to_string(a.interval_ms));
  }
  if (adv.has("destination")) {
    a.destination = adv.ipv4("destination");
    if (a.destination != Tins::IPv4Address("224.0.0.1") && a.destination != Tins::IPv4Address("255.255.255.255")) {
      adv.fail("destination", "expected \"224.0.0.1\" or \"255.255.255.255\" (RFC 5944 2.1), got \"" +
                                  a.destination.to_string() + "\"");
    }
  }
  const uint32_t shortest = a.interval_ms * 3 / 4;  // the jittered interval lies in [3/4, 1] of the nominal one
  a.min_gap_ms = a.interval_ms == 0 ? 1000 : std::min<uint32_t>(1000, shortest);
  if (adv.has("min_gap_ms")) {
    a.min_gap_ms = static_cast<uint32_t>(adv.unsigned_integer("min_gap_ms", 10, 600000));
    if (a.interval_ms != 0 && a.min_gap_ms > shortest) {
      adv.fail("min_gap_ms", "expected at most 3/4 of interval_ms (" + std::to_string(shortest) +
                                 "), the shortest randomized interval, got " + std::to_string(a.min_gap_ms));
    }
  }
  if (adv.has("solicitation_reply")) {
    const std::string s = adv.string("solicitation_reply");
    if (s == "multicast") {
      a.solicitation_reply = SolicitationReply::Multicast;
    } else if (s == "unicast") {
      a.solicitation_reply = SolicitationReply::Unicast;
    } else {
      adv.fail("solicitation_reply", "expected \"multicast\" or \"unicast\", got \"" + s + "\"");
    }
  }
  if (adv.has("router_address")) a.router_address = adv.boolean("router_address");
  if (adv.has("prefix_lengths")) a.prefix_lengths = adv.boolean("prefix_lengths");
  if (a.prefix_lengths && !a.router_address) {
    adv.fail("prefix_lengths",
             "expected false when router_address is false (one prefix length per router address, "
             "RFC 5944 2.1.2)");
  }
  if (adv.has("routes_common_traffic")) a.routes_common_traffic = adv.boolean("routes_common_traffic");
  a.flags = adv.has("flags") ? parse_flags(adv, c) : default_flags(c);
}

}  // namespace

Ipv4Prefix Interface::prefix() const {
  Ipv4Prefix p;
  p.length = prefix_length;
  p.network = from_host(to_host(address) & p.mask());
  return p;
}

const MobileNodeSa* FaConfig::mobile_node_sa(const Tins::IPv4Address& home_address) const {
  for (const MobileNodeSa& s : mobile_node_sas) {
    if (s.home_address == home_address) return &s;
  }
  return nullptr;
}

const HomeAgentSa* FaConfig::home_agent_sa(const Tins::IPv4Address& home_agent) const {
  for (const HomeAgentSa& s : home_agent_sas) {
    if (s.address == home_agent) return &s;
  }
  return nullptr;
}

bool FaConfig::offers_care_of_address(const Tins::IPv4Address& a) const {
  return std::find(care_of_addresses.begin(), care_of_addresses.end(), a) != care_of_addresses.end();
}

bool FaConfig::is_own_address(const Tins::IPv4Address& a) const {
  return a == visited.address || (upstream && a == upstream->address) || offers_care_of_address(a);
}

bool FaConfig::offers_encapsulation(const std::string& name) const {
  return std::find(encapsulations.begin(), encapsulations.end(), name) != encapsulations.end();
}

bool FaConfig::busy() const { return (advertisement.flags & AgentAdvertisement::kFlagB) != 0; }

FaConfig parse_fa_config(const nlohmann::json& doc, const std::string& file) {
  const JsonObject root(doc, "", file);
  root.reject_unknown({"role", "interfaces", "care_of_addresses", "advertisement", "max_registration_lifetime",
                       "pending_timeout_ms", "max_pending", "reverse_tunnelling", "encapsulating_delivery",
                       "encapsulations", "security_associations", "control_socket", "data_plane"});
  FaConfig cfg;
  const std::string role = root.string("role");
  if (role != "fa") root.fail("role", "expected \"fa\" (the role given by --role fa), got \"" + role + "\"");

  const JsonObject itfs = root.object("interfaces");
  itfs.reject_unknown({"visited", "upstream"});
  cfg.visited = parse_interface(itfs.object("visited"));
  if (itfs.has("upstream")) {
    cfg.upstream = parse_interface(itfs.object("upstream"));
    if (cfg.upstream->name == cfg.visited.name) {
      itfs.fail("upstream", "expected an interface other than the visited one (\"" + cfg.visited.name + "\")");
    }
  }

  // "Each foreign agent MUST be configured with a care-of address" (RFC 5944 3.7.1).
  const auto& coas = root.at("care_of_addresses", "a non-empty array of IPv4 addresses");
  if (!coas.is_array() || coas.empty() || coas.size() > AgentAdvertisement::kMaxCareOfAddresses) {
    root.fail("care_of_addresses", "expected an array of 1 to " +
                                       std::to_string(AgentAdvertisement::kMaxCareOfAddresses) +
                                       " IPv4 addresses (RFC 5944 3.7.1), " + describe_json(coas));
  }
  for (size_t i = 0; i < coas.size(); ++i) {
    auto a = coas[i].is_string() ? parse_ipv4(coas[i].get<std::string>()) : std::nullopt;
    if (!a || !is_unicast(*a)) {
      fail_element(root, "care_of_addresses", i,
                   "expected a unicast IPv4 address \"a.b.c.d\", " + describe_json(coas[i]));
    }
    if (cfg.offers_care_of_address(*a)) {
      fail_element(root, "care_of_addresses", i, "expected each care-of address once, " + a->to_string() + " repeats");
    }
    cfg.care_of_addresses.push_back(*a);
  }

  cfg.max_registration_lifetime = static_cast<uint16_t>(root.unsigned_integer("max_registration_lifetime", 1, 65535));
  if (root.has("pending_timeout_ms")) {
    cfg.pending_timeout_ms = static_cast<uint32_t>(root.unsigned_integer("pending_timeout_ms", 100, 600000));
  }
  if (root.has("max_pending")) cfg.max_pending = root.unsigned_integer("max_pending", 1, 100000);
  if (root.has("reverse_tunnelling")) {
    const std::string r = root.string("reverse_tunnelling");
    if (r == "off") {
      cfg.reverse_tunnelling = ReverseTunnelling::Off;
    } else if (r == "offered") {
      cfg.reverse_tunnelling = ReverseTunnelling::Offered;
    } else if (r == "mandatory") {
      cfg.reverse_tunnelling = ReverseTunnelling::Mandatory;
    } else {
      root.fail("reverse_tunnelling", "expected \"off\", \"offered\" or \"mandatory\", got \"" + r + "\"");
    }
  }
  if (root.has("encapsulating_delivery")) cfg.encapsulating_delivery = root.boolean("encapsulating_delivery");
  if (cfg.encapsulating_delivery && cfg.reverse_tunnelling == ReverseTunnelling::Off) {
    cfg.encapsulating_delivery = false;  // a delivery style of a reverse tunnel that is not offered
  }
  if (root.has("encapsulations")) {
    cfg.encapsulations = strings(root, "encapsulations", "encapsulation names");
    std::set<std::string> seen;
    for (size_t i = 0; i < cfg.encapsulations.size(); ++i) {
      const std::string& e = cfg.encapsulations[i];
      // Only what this build implements may be offered (M and G in the advertisement follow, 2.1.1).
      const auto type = encapsulation_by_name(e);
      if (!type || !make_encapsulation(*type)) {
        fail_element(root, "encapsulations", i, "expected \"ip-in-ip\", \"minimal\" or \"gre\", got \"" + e + "\"");
      }
      if (!seen.insert(e).second) fail_element(root, "encapsulations", i, "expected each name once");
    }
    if (!seen.count("ip-in-ip")) {
      root.fail("encapsulations", "expected \"ip-in-ip\" in the list (IP in IP is mandatory, RFC 5944 4.1)");
    }
  }
  if (root.has("security_associations")) {
    const JsonObject sas = root.object("security_associations");
    sas.reject_unknown({"mobile_nodes", "home_agents"});
    if (sas.has("mobile_nodes")) {
      for (const JsonObject& o : sas.objects("mobile_nodes")) {
        o.reject_unknown({"home_address", "spi", "key", "algorithm"});
        MobileNodeSa m{o.ipv4("home_address"), parse_security_association(o)};
        if (!is_unicast(m.home_address)) {
          o.fail("home_address", "expected a unicast home address, got \"" + m.home_address.to_string() + "\"");
        }
        if (cfg.mobile_node_sa(m.home_address)) {
          o.fail("home_address", "expected one MN-FA security association per mobile node; " +
                                     m.home_address.to_string() + " is listed before");
        }
        cfg.mobile_node_sas.push_back(std::move(m));
      }
    }
    if (sas.has("home_agents")) {
      for (const JsonObject& o : sas.objects("home_agents")) {
        o.reject_unknown({"address", "spi", "key", "algorithm"});
        HomeAgentSa h{o.ipv4("address"), parse_security_association(o)};
        if (!is_unicast(h.address)) o.fail("address", "expected a unicast home agent address");
        if (cfg.home_agent_sa(h.address)) {
          o.fail("address", "expected one FA-HA security association per home agent; " + h.address.to_string() +
                                " is listed before");
        }
        cfg.home_agent_sas.push_back(std::move(h));
      }
    }
  }
  if (root.has("control_socket")) {
    std::string path = root.string("control_socket");
    if (path.empty() || path.size() > 107) {
      root.fail("control_socket",
                "expected a unix socket path of 1 to 107 bytes, got " + std::to_string(path.size()) + " bytes");
    }
    cfg.control_socket = std::move(path);
  }
  if (root.has("data_plane")) {
    const JsonObject dp = root.object("data_plane");
    dp.reject_unknown({"tunnel_device", "mtu", "table", "rule_priority"});
    DataPlaneConfig d;
    if (dp.has("tunnel_device")) d.tunnel_device = dp.string("tunnel_device");
    if (d.tunnel_device.empty() || d.tunnel_device.size() > 15 || d.tunnel_device.find('/') != std::string::npos ||
        d.tunnel_device == cfg.visited.name || (cfg.upstream && d.tunnel_device == cfg.upstream->name)) {
      dp.fail("tunnel_device",
              "expected a new interface name of 1 to 15 bytes without '/', got \"" + d.tunnel_device + "\"");
    }
    if (dp.has("mtu")) d.mtu = static_cast<unsigned>(dp.unsigned_integer("mtu", 576, 65535));
    // 0 and 253-255 are the kernel's unspec, default, main and local tables.
    if (dp.has("table")) d.table = static_cast<uint32_t>(dp.unsigned_integer("table", 1, 252));
    // Rule 0 is the local table's: a higher number keeps packets to the agent's own addresses local.
    if (dp.has("rule_priority"))
      d.rule_priority = static_cast<uint32_t>(dp.unsigned_integer("rule_priority", 1, 32765));
    cfg.data_plane = d;
  }
  // Last: the flags depend on reverse_tunnelling and encapsulations.
  const nlohmann::json no_advertisement = nlohmann::json::object();  // every member at its default
  parse_advertisement(
      root.has("advertisement") ? root.object("advertisement") : JsonObject(no_advertisement, "/advertisement", file),
      cfg);
  return cfg;
}

FaConfig load_fa_config(const std::string& file) { return parse_fa_config(read_json_file(file), file); }

}  // namespace mipvpn::agents::fa
