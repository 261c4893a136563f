#include "agents/mn/rfc5265_config.h"

#include "agents/common/config_reader.h"

namespace mipvpn::agents::mn {
namespace {

std::string identity(const JsonObject& o, std::string_view key) {
  std::string id = o.string(key);
  if (id.empty() || id.size() > 255 || id.find_first_of(" \t\r\n\"{}") != std::string::npos) {
    o.fail(key, "expected an IKE identity of 1 to 255 bytes without spaces, quotes or braces");
  }
  return id;
}

VpnClientConfig parse_vpn(const JsonObject& o) {
  o.reject_unknown({"gateway", "intranet", "local_id", "remote_id", "psk", "interface", "run_directory", "mobike",
                    "proposals", "esp_proposals", "log_keys", "initiate_timeout_s"});
  VpnClientConfig v;
  v.gateway = o.ipv4("gateway");
  const nlohmann::json& list = o.at("intranet", "a list of prefixes the VPN protects");
  if (!list.is_array() || list.empty()) o.fail("intranet", "expected a non-empty list of prefixes like \"10.10.0.0/16\"");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::optional<Ipv4Prefix> p = list[i].is_string() ? Ipv4Prefix::parse(list[i].get<std::string>()) : std::nullopt;
    if (!p) {
      throw ConfigException(ConfigError{o.file(), o.child_path("intranet") + "/" + std::to_string(i),
                                        "expected a prefix like \"10.10.0.0/16\", got " + list[i].dump()});
    }
    v.intranet.push_back(*p);
  }
  if (o.has("local_id")) v.local_id = identity(o, "local_id");
  v.remote_id = identity(o, "remote_id");
  v.psk = o.string("psk");
  if (v.psk.size() < 16 || v.psk.find_first_of("\"\r\n") != std::string::npos) {
    o.fail("psk", "expected a pre-shared key of at least 16 bytes without quotes or line breaks");
  }
  if (o.has("interface")) v.interface = o.string("interface");
  v.run_directory = o.string("run_directory");
  if (v.run_directory.empty() || v.run_directory.front() != '/' || v.run_directory.size() > 80) {
    o.fail("run_directory", "expected an absolute directory path of at most 80 bytes (the vici socket lives there)");
  }
  if (o.has("mobike")) v.mobike = o.boolean("mobike");
  if (o.has("proposals")) v.proposals = o.string("proposals");
  if (o.has("esp_proposals")) v.esp_proposals = o.string("esp_proposals");
  if (o.has("log_keys")) v.log_keys = o.boolean("log_keys");
  if (o.has("initiate_timeout_s")) {
    v.initiate_timeout_s = static_cast<unsigned>(o.unsigned_integer("initiate_timeout_s", 1, 300));
  }
  return v;
}

}  // namespace

Rfc5265Config parse_rfc5265_config(const JsonObject& o, const MnConfig& external) {
  o.reject_unknown({"internal", "vpn", "t_monitor_s", "grace_s", "detection_period_ms", "internal_probe_s"});
  Rfc5265Config c;
  if (!external.reverse_tunnelling) {
    o.fail_here("expected the external layer's \"reverse_tunnelling\": true in RFC 5265 mode: IKE and ESP from the "
                       "x-HoA must leave through the x-HA (RFC 5265 2.3, A.1)");
  }
  const JsonObject in = o.object("internal");
  in.reject_unknown({"home_address", "home_network", "home_agent", "sa", "mode", "colocated_address", "lifetime",
                     "reverse_tunnelling", "retransmission", "data_plane"});
  c.internal.interface = external.interface;
  c.internal.reverse_tunnelling = true;  // RFC 5265 2.3: "T SHOULD be set"
  c.internal.data_plane.tunnel_device = "imip0";
  c.internal.data_plane.mtu = 1380;
  c.internal.data_plane.routing_table = 151;
  c.internal.data_plane.rule_priority = 149;
  parse_registration_fields(in, c.internal);
  if (c.internal.home_address == external.home_address) {
    in.fail("home_address", "expected an internal home address other than the external one (" +
                                external.home_address.to_string() + ")");
  }
  if (c.internal.data_plane.tunnel_device == external.data_plane.tunnel_device ||
      c.internal.data_plane.routing_table == external.data_plane.routing_table) {
    in.fail("data_plane", "expected a tunnel_device and routing_table other than the external layer's (" +
                              external.data_plane.tunnel_device + ", table " +
                              std::to_string(external.data_plane.routing_table) + ")");
  }
  c.vpn = parse_vpn(o.object("vpn"));
  if (c.vpn.interface == external.interface || c.vpn.interface == external.data_plane.tunnel_device ||
      c.vpn.interface == c.internal.data_plane.tunnel_device) {
    o.object("vpn").fail("interface", "expected the VPN's own device name, not \"" + c.vpn.interface + "\"");
  }
  if (o.has("t_monitor_s")) c.t_monitor_s = static_cast<unsigned>(o.unsigned_integer("t_monitor_s", 5, 86400));
  if (o.has("grace_s")) c.grace_s = static_cast<unsigned>(o.unsigned_integer("grace_s", 1, 86400));
  if (c.grace_s >= c.t_monitor_s) {
    o.fail("grace_s", "expected less than t_monitor_s (" + std::to_string(c.t_monitor_s) + "), got " +
                          std::to_string(c.grace_s));
  }
  if (o.has("detection_period_ms")) {
    c.detection_period_ms = static_cast<unsigned>(o.unsigned_integer("detection_period_ms", 0, 60000));
  }
  if (o.has("internal_probe_s")) {
    c.internal_probe_s = static_cast<unsigned>(o.unsigned_integer("internal_probe_s", 1, 3600));
  }
  return c;
}

}  // namespace mipvpn::agents::mn
