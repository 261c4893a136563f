// The mobile node's configuration: defaults, and errors that name the file, the JSON pointer and the expectation.
#include <gtest/gtest.h>

#include "agents/common/config_reader.h"
#include "agents/mn/mn_config.h"
#include "agents/mn/rfc5265_config.h"

namespace mipvpn::agents::mn {
namespace {

nlohmann::json minimal() {
  return nlohmann::json{{"role", "mn"},
                        {"interface", "eth0"},
                        {"home_address", "10.0.1.100"},
                        {"home_network", "10.0.1.0/24"},
                        {"home_agent", "10.0.1.1"},
                        {"sa", {{"spi", 256u}, {"key", "00112233445566778899aabbccddeeff"}}}};
}

// The ConfigError of parsing `doc`, or a failure.
ConfigError error_of(const nlohmann::json& doc) {
  try {
    parse_mn_config(doc, "mn.json");
  } catch (const ConfigException& e) {
    return e.error();
  }
  ADD_FAILURE() << "accepted: " << doc.dump();
  return {};
}

TEST(MnConfig, MinimalConfigGetsTheDefaults) {
  const MnConfig c = parse_mn_config(minimal(), "mn.json");
  EXPECT_EQ(c.interface, "eth0");
  EXPECT_EQ(c.home_address, Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(c.home_network.to_string(), "10.0.1.0/24");
  EXPECT_EQ(c.sa.spi, 256u);
  EXPECT_EQ(c.sa.key.size(), 16u);
  EXPECT_EQ(c.mode, CareOfMode::Auto);
  EXPECT_EQ(c.lifetime, 1800);
  EXPECT_FALSE(c.reverse_tunnelling);
  EXPECT_FALSE(c.udp_tunnelling.enabled);
  EXPECT_EQ(c.retransmission.initial_ms, 1000u);
  EXPECT_EQ(c.solicitation.address, Tins::IPv4Address("224.0.0.2"));
  EXPECT_EQ(c.solicitation.max_interval_s, 60u);
  EXPECT_EQ(c.data_plane.tunnel_device, "mn0");
  EXPECT_FALSE(c.control_socket);
}

TEST(MnConfig, FullConfig) {
  nlohmann::json j = minimal();
  j["mode"] = "colocated";
  j["colocated_address"] = "10.0.2.50";
  j["lifetime"] = 60u;
  j["reverse_tunnelling"] = true;
  j["udp_tunnelling"] = {{"enabled", true}, {"force", true}, {"keepalive_s", 20u}};
  j["retransmission"] = {{"initial_ms", 1500u}, {"max_ms", 20000u}};
  j["solicitation"] = {{"address", "255.255.255.255"}, {"max_interval_s", 90u}};
  j["data_plane"] = {{"tunnel_device", "mob0"}, {"mtu", 1400u}, {"routing_table", 77u}, {"rule_priority", 500u}};
  j["foreign_agents"] = {{{"address", "10.0.2.254"}, {"spi", 300u}, {"key", "fafa"}}};
  j["control_socket"] = "/run/mn.sock";
  const MnConfig c = parse_mn_config(j, "mn.json");
  EXPECT_EQ(c.mode, CareOfMode::CoLocated);
  EXPECT_EQ(*c.colocated_address, Tins::IPv4Address("10.0.2.50"));
  EXPECT_TRUE(c.udp_tunnelling.force);
  EXPECT_EQ(c.udp_tunnelling.keepalive_s, 20);
  EXPECT_EQ(c.retransmission.max_ms, 20000u);
  EXPECT_EQ(c.data_plane.routing_table, 77u);
  ASSERT_NE(c.foreign_agent_sa(Tins::IPv4Address("10.0.2.254")), nullptr);
  EXPECT_EQ(c.foreign_agent_sa(Tins::IPv4Address("10.0.2.254"))->spi, 300u);
  EXPECT_EQ(c.foreign_agent_sa(Tins::IPv4Address("10.0.2.253")), nullptr);
}

TEST(MnConfig, ErrorsNameTheFileThePointerAndTheExpectation) {
  struct Case {
    std::string pointer;
    std::function<void(nlohmann::json&)> edit;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"/role", [](auto& j) { j["role"] = "ha"; }, "expected \"mn\""},
      {"/interface", [](auto& j) { j.erase("interface"); }, "missing"},
      {"/home_address", [](auto& j) { j["home_address"] = "10.0.9.1"; }, "inside home_network"},
      {"/home_agent", [](auto& j) { j["home_agent"] = "10.0.1.100"; }, "not the home address"},
      {"/sa/spi", [](auto& j) { j["sa"]["spi"] = 255u; }, "from 256"},
      {"/sa/key", [](auto& j) { j["sa"]["key"] = "xyz"; }, "hex digits"},
      {"/sa/algorithm", [](auto& j) { j["sa"]["algorithm"] = "sha1"; }, "hmac-md5"},
      {"/mode", [](auto& j) { j["mode"] = "both"; }, "\"fa\", \"colocated\" or \"auto\""},
      {"/colocated_address", [](auto& j) { j["colocated_address"] = "10.0.1.7"; }, "outside home_network"},
      {"/colocated_address",
       [](auto& j) {
         j["mode"] = "fa";
         j["colocated_address"] = "10.0.2.7";
       },
       "only with mode"},
      {"/lifetime", [](auto& j) { j["lifetime"] = 0u; }, "from 1 to 65535"},
      {"/retransmission/initial_ms", [](auto& j) { j["retransmission"] = {{"initial_ms", 500u}}; }, "from 1000"},
      {"/retransmission/max_ms",
       [](auto& j) { j["retransmission"] = {{"initial_ms", 4000u}, {"max_ms", 2000u}}; }, "at least initial_ms"},
      {"/udp_tunnelling/enabled",
       [](auto& j) {
         j["mode"] = "fa";
         j["udp_tunnelling"] = {{"enabled", true}};
       },
       "SHALL NOT"},
      {"/udp_tunnelling/keepalive_s", [](auto& j) { j["udp_tunnelling"] = {{"enabled", true}, {"keepalive_s", 5u}}; },
       "from 10"},
      {"/solicitation/address", [](auto& j) { j["solicitation"] = {{"address", "10.0.0.1"}}; }, "224.0.0.2"},
      {"/data_plane", [](auto& j) { j["data_plane"] = {{"tunnel_device", "eth0"}}; }, "other than the interface"},
      {"/foreign_agents/1/address",
       [](auto& j) {
         j["foreign_agents"] = {{{"address", "10.0.2.254"}, {"spi", 300u}, {"key", "aa"}},
                                {{"address", "10.0.2.254"}, {"spi", 301u}, {"key", "bb"}}};
       },
       "duplicate"},
      {"/colour", [](auto& j) { j["colour"] = "blue"; }, "unknown member"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = minimal();
    c.edit(j);
    const ConfigError e = error_of(j);
    EXPECT_EQ(e.file, "mn.json");
    EXPECT_EQ(e.path, c.pointer) << e.to_string();
    EXPECT_NE(e.expected.find(c.expected), std::string::npos) << e.to_string();
  }
}

// The RFC 5265 section: the configuration above then describes the external layer.
nlohmann::json rfc5265_doc() {
  nlohmann::json doc{{"role", "mn"},
                     {"interface", "eth0"},
                     {"home_address", "198.51.100.100"},
                     {"home_network", "198.51.100.0/24"},
                     {"home_agent", "198.51.100.1"},
                     {"reverse_tunnelling", true},
                     {"data_plane", {{"tunnel_device", "xmip0"}}},
                     {"sa", {{"spi", 256u}, {"key", "00112233445566778899aabbccddeeff"}}}};
  doc["rfc5265"] = {
      {"internal",
       {{"home_address", "10.10.1.100"},
        {"home_network", "10.10.1.0/24"},
        {"home_agent", "10.10.1.1"},
        {"sa", {{"spi", 300u}, {"key", "ffeeddccbbaa99887766554433221100"}}}}},
      {"vpn",
       {{"gateway", "203.0.113.1"},
        {"intranet", {"10.10.0.0/16"}},
        {"remote_id", "gw.example"},
        {"psk", "a-long-test-only-psk"},
        {"run_directory", "/tmp/mipvpn-mn-charon"}}}};
  return doc;
}

TEST(Rfc5265Config, DefaultsFollowTheRfc) {
  const MnConfig c = parse_mn_config(rfc5265_doc(), "mn.json");
  ASSERT_TRUE(c.rfc5265);
  const Rfc5265Config& r = *c.rfc5265;
  EXPECT_EQ(r.t_monitor_s, 60u);  // "have the default value of 60 seconds" (3.2.4)
  EXPECT_EQ(r.detection_period_ms, 0u);
  EXPECT_EQ(r.internal.interface, "eth0");
  EXPECT_TRUE(r.internal.reverse_tunnelling);  // T SHOULD be set
  EXPECT_EQ(r.internal.data_plane.tunnel_device, "imip0");
  EXPECT_NE(r.internal.data_plane.routing_table, c.data_plane.routing_table);
  EXPECT_EQ(r.vpn.gateway, Tins::IPv4Address("203.0.113.1"));
  ASSERT_EQ(r.vpn.intranet.size(), 1u);
  EXPECT_EQ(r.vpn.intranet[0].to_string(), "10.10.0.0/16");
  EXPECT_EQ(r.vpn.interface, "ipsec0");
  EXPECT_FALSE(r.vpn.log_keys);
  EXPECT_FALSE(c.max_renewal_interval_s);  // the external layer renews by its lifetime ("When outside ... ordinary")
}

TEST(Rfc5265Config, ErrorsNameThePointer) {
  auto doc = rfc5265_doc();
  doc["rfc5265"]["t_monitor_s"] = 10u;
  doc["rfc5265"]["grace_s"] = 10u;
  ConfigError e = error_of(doc);
  EXPECT_EQ(e.file, "mn.json");
  EXPECT_EQ(e.path, "/rfc5265/grace_s");

  doc = rfc5265_doc();
  doc["rfc5265"]["vpn"]["intranet"] = {"10.10.0.0/16", "nonsense"};
  EXPECT_EQ(error_of(doc).path, "/rfc5265/vpn/intranet/1");

  doc = rfc5265_doc();
  doc["rfc5265"]["vpn"]["psk"] = "short";
  EXPECT_EQ(error_of(doc).path, "/rfc5265/vpn/psk");

  doc = rfc5265_doc();
  doc["rfc5265"]["internal"]["home_address"] = "198.51.100.100";
  doc["rfc5265"]["internal"]["home_network"] = "198.51.100.0/24";
  EXPECT_EQ(error_of(doc).path, "/rfc5265/internal/home_address");

  doc = rfc5265_doc();
  doc["rfc5265"]["internal"]["data_plane"] = {{"tunnel_device", "xmip0"}};
  EXPECT_EQ(error_of(doc).path, "/rfc5265/internal/data_plane");

  doc = rfc5265_doc();
  doc["reverse_tunnelling"] = false;
  e = error_of(doc);
  EXPECT_EQ(e.path, "/rfc5265");
  EXPECT_NE(e.expected.find("reverse_tunnelling"), std::string::npos);

  doc = rfc5265_doc();
  doc["rfc5265"]["vpn"]["run_directory"] = "relative/dir";
  EXPECT_EQ(error_of(doc).path, "/rfc5265/vpn/run_directory");

  doc = rfc5265_doc();
  doc["rfc5265"]["unknown"] = 1u;
  EXPECT_EQ(error_of(doc).path, "/rfc5265/unknown");
}

}  // namespace
}  // namespace mipvpn::agents::mn
