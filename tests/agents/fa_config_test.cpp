// Foreign agent configuration: the documented example loads; every bad value names the file, the JSON pointer and
// what was expected.
#include <gtest/gtest.h>

#include "agents/common/config_reader.h"
#include "agents/fa/fa_config.h"
#include "harness/wire/agent_advertisement.h"

namespace mipvpn::agents::fa {
namespace {

using wire::AgentAdvertisement;

nlohmann::json good() {
  return nlohmann::json::parse(R"({"role":"fa",
    "interfaces":{"visited":{"name":"fa-mn","address":"10.0.2.1/24"},
                  "upstream":{"name":"fa-ha","address":"10.0.12.2/24"}},
    "care_of_addresses":["10.0.2.1"],
    "advertisement":{"interval_ms":1000,"lifetime":3,"destination":"224.0.0.1","flags":["R","F","T"],
                     "min_gap_ms":500,"solicitation_reply":"unicast","router_address":true,"prefix_lengths":true,
                     "routes_common_traffic":false},
    "max_registration_lifetime":600,"pending_timeout_ms":7000,"max_pending":5,
    "reverse_tunnelling":"offered","encapsulating_delivery":true,"encapsulations":["ip-in-ip"],
    "security_associations":{
      "mobile_nodes":[{"home_address":"10.0.1.100","spi":300,"key":"00112233","algorithm":"hmac-md5"}],
      "home_agents":[{"address":"10.0.1.1","spi":500,"key":"aabbccdd"}]},
    "control_socket":"/tmp/fa.sock"})");
}

ConfigError error_of(const nlohmann::json& j) {
  try {
    parse_fa_config(j, "fa.json");
  } catch (const ConfigException& e) {
    return e.error();
  }
  ADD_FAILURE() << "no error for " << j.dump();
  return {};
}

TEST(FaConfig, DocumentedExampleLoads) {
  const FaConfig c = parse_fa_config(good(), "fa.json");
  EXPECT_EQ(c.visited.name, "fa-mn");
  EXPECT_EQ(c.visited.address, Tins::IPv4Address("10.0.2.1"));
  EXPECT_EQ(c.visited.prefix_length, 24u);
  ASSERT_TRUE(c.upstream);
  EXPECT_EQ(c.upstream->address, Tins::IPv4Address("10.0.12.2"));
  EXPECT_EQ(c.care_of_addresses, std::vector<Tins::IPv4Address>{Tins::IPv4Address("10.0.2.1")});
  EXPECT_EQ(c.advertisement.interval_ms, 1000u);
  EXPECT_EQ(c.advertisement.lifetime, 3);
  EXPECT_EQ(c.advertisement.flags,
            AgentAdvertisement::kFlagR | AgentAdvertisement::kFlagF | AgentAdvertisement::kFlagT);
  EXPECT_EQ(c.advertisement.min_gap_ms, 500u);
  EXPECT_EQ(c.advertisement.solicitation_reply, SolicitationReply::Unicast);
  EXPECT_TRUE(c.advertisement.prefix_lengths);
  EXPECT_FALSE(c.advertisement.routes_common_traffic);
  EXPECT_EQ(c.max_registration_lifetime, 600);
  EXPECT_EQ(c.reverse_tunnelling, ReverseTunnelling::Offered);
  ASSERT_NE(c.mobile_node_sa(Tins::IPv4Address("10.0.1.100")), nullptr);
  EXPECT_EQ(c.mobile_node_sa(Tins::IPv4Address("10.0.1.100"))->sa.spi, 300u);
  ASSERT_NE(c.home_agent_sa(Tins::IPv4Address("10.0.1.1")), nullptr);
  EXPECT_EQ(c.home_agent_sa(Tins::IPv4Address("10.0.1.1"))->sa.key.size(), 4u);
  EXPECT_EQ(c.control_socket, "/tmp/fa.sock");
  EXPECT_TRUE(c.is_own_address(Tins::IPv4Address("10.0.12.2")));
  EXPECT_FALSE(c.is_own_address(Tins::IPv4Address("10.0.1.1")));
}

TEST(FaConfig, MinimalConfigGetsDefaults) {
  const FaConfig c = parse_fa_config(nlohmann::json::parse(R"({"role":"fa",
    "interfaces":{"visited":{"name":"v","address":"10.0.2.1/24"}},"care_of_addresses":["10.0.2.1"],
    "max_registration_lifetime":1800})"),
                                     "fa.json");
  EXPECT_FALSE(c.upstream);
  EXPECT_EQ(c.advertisement.interval_ms, 1000u);
  EXPECT_EQ(c.advertisement.lifetime, 3) << "three nominal intervals";
  EXPECT_EQ(c.advertisement.min_gap_ms, 750u) << "never above the shortest randomized interval";
  EXPECT_EQ(c.advertisement.destination, Tins::IPv4Address("224.0.0.1"));
  EXPECT_EQ(c.advertisement.flags, AgentAdvertisement::kFlagF | AgentAdvertisement::kFlagT);
  EXPECT_EQ(c.pending_timeout_ms, 7000u);
  EXPECT_EQ(c.max_pending, 5u);
  EXPECT_TRUE(c.encapsulating_delivery);
  EXPECT_EQ(c.encapsulations, std::vector<std::string>{"ip-in-ip"});
}

TEST(FaConfig, SolicitedOnlyAndReverseTunnellingOff) {
  nlohmann::json j = good();
  j["advertisement"] = {{"interval_ms", 0u}};
  j["reverse_tunnelling"] = "off";
  const FaConfig c = parse_fa_config(j, "fa.json");
  EXPECT_EQ(c.advertisement.interval_ms, 0u);
  EXPECT_EQ(c.advertisement.lifetime, 1800);
  EXPECT_EQ(c.advertisement.flags, AgentAdvertisement::kFlagF);
  EXPECT_FALSE(c.encapsulating_delivery);
}

TEST(FaConfig, ErrorsNameTheFileThePointerAndTheExpectation) {
  const struct {
    const char* pointer;  // JSON pointer to change
    nlohmann::json value;
    const char* error_path;
    const char* expected_fragment;
  } cases[] = {
      {"/role", "ha", "/role", "\"fa\""},
      {"/interfaces/visited/address", "10.0.2.1", "/interfaces/visited/address", "prefix length"},
      {"/interfaces/upstream/name", "fa-mn", "/interfaces/upstream", "other than the visited"},
      {"/care_of_addresses", nlohmann::json::array(), "/care_of_addresses", "3.7.1"},
      {"/care_of_addresses/0", "224.0.0.1", "/care_of_addresses/0", "unicast"},
      {"/advertisement/interval_ms", 2000u, "/advertisement/interval_ms", "a third of lifetime"},
      {"/advertisement/interval_ms", 50u, "/advertisement/interval_ms", "100 to 600000"},
      {"/advertisement/destination", "10.0.2.255", "/advertisement/destination", "224.0.0.1"},
      {"/advertisement/flags", nlohmann::json::array({"F"}), "/advertisement/flags", "\"T\""},
      {"/advertisement/flags", nlohmann::json::array({"T"}), "/advertisement/flags", "\"F\""},
      {"/advertisement/flags", nlohmann::json::array({"F", "T", "U"}), "/advertisement/flags/2", "implements"},
      {"/advertisement/flags", nlohmann::json::array({"F", "T", "M"}), "/advertisement/flags", "minimal"},
      {"/advertisement/flags", nlohmann::json::array({"F", "T", "Q"}), "/advertisement/flags/2", "one of"},
      {"/advertisement/min_gap_ms", 900u, "/advertisement/min_gap_ms", "3/4"},
      {"/advertisement/solicitation_reply", "anycast", "/advertisement/solicitation_reply", "unicast"},
      {"/advertisement/colour", "blue", "/advertisement/colour", "unknown member"},
      {"/max_registration_lifetime", 0u, "/max_registration_lifetime", "1 to 65535"},
      {"/reverse_tunnelling", "yes", "/reverse_tunnelling", "\"offered\""},
      {"/encapsulations", nlohmann::json::array({"ip-in-ip", "gre"}), "/encapsulations/1", "not implemented"},
      {"/security_associations/mobile_nodes/0/spi", 255u, "/security_associations/mobile_nodes/0/spi", "256"},
      {"/security_associations/home_agents/0/key", "xyz", "/security_associations/home_agents/0/key", "hex"},
      {"/security_associations/home_agents/0/algorithm", "sha1", "/security_associations/home_agents/0/algorithm",
       "hmac-md5"},
      {"/control_socket", "", "/control_socket", "1 to 107"},
  };
  for (const auto& c : cases) {
    nlohmann::json j = good();
    j[nlohmann::json::json_pointer(c.pointer)] = c.value;
    const ConfigError e = error_of(j);
    EXPECT_EQ(e.file, "fa.json") << c.pointer;
    EXPECT_EQ(e.path, c.error_path) << c.pointer << ": " << e.to_string();
    EXPECT_NE(e.expected.find(c.expected_fragment), std::string::npos) << c.pointer << ": " << e.to_string();
  }
}

TEST(FaConfig, DuplicatesAreErrors) {
  nlohmann::json j = good();
  j["care_of_addresses"] = {"10.0.2.1", "10.0.2.1"};
  EXPECT_EQ(error_of(j).path, "/care_of_addresses/1");
  j = good();
  j["security_associations"]["mobile_nodes"].push_back(j["security_associations"]["mobile_nodes"][0]);
  EXPECT_EQ(error_of(j).path, "/security_associations/mobile_nodes/1/home_address");
  j = good();
  j.erase("max_registration_lifetime");
  EXPECT_EQ(error_of(j).path, "/max_registration_lifetime");
}

}  // namespace
}  // namespace mipvpn::agents::fa
