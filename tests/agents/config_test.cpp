// Configuration parsing: good configs load; every bad one names the file, the JSON pointer and what was expected.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "agents/common/config_reader.h"
#include "agents/common/faults.h"
#include "agents/common/ipv4.h"
#include "agents/ha/ha_config.h"

namespace mipvpn::agents::ha {
namespace {

nlohmann::json good() {
  return nlohmann::json::parse(R"({"role":"ha","address":"10.0.1.1","home_network":"10.0.1.0/24",
    "max_lifetime":1800,"simultaneous_bindings":true,"replay":"timestamps","replay_tolerance_s":7,
    "control_socket":"/tmp/ha.sock","mobile_nodes":[{"home_address":"10.0.1.100","spi":256,
    "key":"00112233445566778899aabbccddeeff","algorithm":"hmac-md5"}]})");
}

ConfigError error_of(const nlohmann::json& j) {
  try {
    parse_ha_config(j, "ha.json");
  } catch (const ConfigException& e) {
    return e.error();
  }
  ADD_FAILURE() << "no error for " << j.dump();
  return {};
}

TEST(HaConfig, SeamsExampleLoads) {
  const HaConfig c = parse_ha_config(good(), "ha.json");
  EXPECT_EQ(c.address, Tins::IPv4Address("10.0.1.1"));
  EXPECT_EQ(c.home_network.to_string(), "10.0.1.0/24");
  EXPECT_EQ(c.max_lifetime, 1800);
  EXPECT_TRUE(c.simultaneous_bindings);
  EXPECT_EQ(c.replay_tolerance_s, 7.0);
  EXPECT_EQ(c.control_socket, "/tmp/ha.sock");
  ASSERT_EQ(c.mobile_nodes.size(), 1u);
  EXPECT_EQ(c.mobile_nodes[0].spi, 256u);
  EXPECT_EQ(c.mobile_nodes[0].key.size(), 16u);
  EXPECT_EQ(c.mobile_nodes[0].key[15], 0xff);
  EXPECT_EQ(c.mobile_nodes[0].home_address, Tins::IPv4Address("10.0.1.100"));
}

TEST(HaConfig, OptionalMembersDefault) {
  nlohmann::json j = good();
  for (const char* k : {"simultaneous_bindings", "replay", "replay_tolerance_s", "control_socket"}) j.erase(k);
  j["mobile_nodes"][0].erase("algorithm");
  const HaConfig c = parse_ha_config(j, "ha.json");
  EXPECT_FALSE(c.simultaneous_bindings);
  EXPECT_EQ(c.replay_tolerance_s, 7.0);
  EXPECT_FALSE(c.control_socket);
  EXPECT_EQ(c.mobile_nodes[0].algorithm, "hmac-md5");
}

struct BadCase {
  const char* name;
  const char* pointer;        // JSON pointer to change ("" = replace the whole document)
  nlohmann::json value;       // new value; discarded() = remove the member
  const char* path;           // expected error path
  const char* expected_part;  // substring of the expected text
};

class HaConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(HaConfigErrors, NamesFilePathAndExpectation) {
  const BadCase& c = GetParam();
  nlohmann::json j = good();
  if (std::string(c.pointer).empty()) {
    j = c.value;
  } else if (c.value.is_discarded()) {
    const nlohmann::json::json_pointer p(c.pointer);
    j[p.parent_pointer()].erase(p.back());
  } else {
    j[nlohmann::json::json_pointer(c.pointer)] = c.value;
  }
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.file, "ha.json");
  EXPECT_EQ(e.path, c.path);
  EXPECT_NE(e.expected.find(c.expected_part), std::string::npos) << e.to_string();
  EXPECT_NE(e.to_string().find("ha.json: " + std::string(c.path)), std::string::npos) << e.to_string();
}

const nlohmann::json kRemove = nlohmann::json::value_t::discarded;

INSTANTIATE_TEST_SUITE_P(
    Cases, HaConfigErrors,
    ::testing::Values(
        BadCase{"NotObject", "", nlohmann::json::array(), "", "expected a JSON object"},
        BadCase{"WrongRole", "/role", "fa", "/role", "expected \"ha\""},
        BadCase{"MissingAddress", "/address", kRemove, "/address", "missing; expected an IPv4 address"},
        BadCase{"BadAddress", "/address", "10.0.1", "/address", "expected an IPv4 address"},
        BadCase{"AddressNotString", "/address", 5, "/address", "got 5"},
        BadCase{"BroadcastAddress", "/address", "255.255.255.255", "/address", "unicast"},
        BadCase{"BadPrefix", "/home_network", "10.0.1.0", "/home_network", "a.b.c.d/len"},
        BadCase{"PrefixTooLong", "/home_network", "10.0.1.0/33", "/home_network", "len 0-32"},
        BadCase{"PrefixHostRoute", "/home_network", "10.0.1.1/32", "/home_network", "1 to 30"},
        BadCase{"LifetimeZero", "/max_lifetime", 0, "/max_lifetime", "from 1 to 65535"},
        BadCase{"LifetimeTooBig", "/max_lifetime", 70000, "/max_lifetime", "from 1 to 65535"},
        BadCase{"LifetimeNegative", "/max_lifetime", -1, "/max_lifetime", "got -1"},
        BadCase{"LifetimeString", "/max_lifetime", "1800", "/max_lifetime", "got \"1800\""},
        BadCase{"SimultaneousNotBool", "/simultaneous_bindings", 1, "/simultaneous_bindings", "true or false"},
        BadCase{"ReplayNonces", "/replay", "nonces", "/replay", "\"timestamps\""},
        BadCase{"ToleranceNegative", "/replay_tolerance_s", -1, "/replay_tolerance_s", "a number from 0"},
        BadCase{"ControlSocketEmpty", "/control_socket", "", "/control_socket", "1 to 107 bytes"},
        BadCase{"UnknownMember", "/max_lifetim", 5, "/max_lifetim", "unknown member"},
        BadCase{"MobileNodesNotArray", "/mobile_nodes", "x", "/mobile_nodes", "array of objects"},
        BadCase{"MobileNodeNotObject", "/mobile_nodes/0", 3, "/mobile_nodes/0", "expected a JSON object"},
        BadCase{"HomeAddressBad", "/mobile_nodes/0/home_address", "x", "/mobile_nodes/0/home_address", "IPv4"},
        BadCase{"SpiReserved", "/mobile_nodes/0/spi", 255, "/mobile_nodes/0/spi", "from 256"},
        BadCase{"SpiTooBig", "/mobile_nodes/0/spi", 4294967296ull, "/mobile_nodes/0/spi", "4294967295"},
        BadCase{"KeyOdd", "/mobile_nodes/0/key", "abc", "/mobile_nodes/0/key", "hex digits"},
        BadCase{"KeyNotHex", "/mobile_nodes/0/key", "zz", "/mobile_nodes/0/key", "hex digits"},
        BadCase{"KeyEmpty", "/mobile_nodes/0/key", "", "/mobile_nodes/0/key", "non-empty"},
        BadCase{"KeyMissing", "/mobile_nodes/0/key", kRemove, "/mobile_nodes/0/key", "missing"},
        BadCase{"Algorithm", "/mobile_nodes/0/algorithm", "hmac-sha1", "/mobile_nodes/0/algorithm", "hmac-md5"},
        BadCase{"MobileNodeUnknownMember", "/mobile_nodes/0/spii", 1, "/mobile_nodes/0/spii", "unknown member"}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

nlohmann::json with_data_plane() {
  nlohmann::json j = good();
  j["data_plane"] = {{"tunnel_device", "ha0"}, {"mtu", 1400u}};
  j["home_interface"] = "veth-home";
  j["encapsulations"] = {"ip-in-ip"};
  j["udp_tunnelling"] = {{"enabled", true}, {"keepalive_s", 20u}, {"max_lifetime", 30u}, {"force_allowed", false}};
  j["reverse_tunnel_check"] = false;
  return j;
}

TEST(HaConfig, DataPlaneMembers) {
  const HaConfig d = parse_ha_config(good(), "ha.json");
  EXPECT_FALSE(d.data_plane);
  EXPECT_EQ(d.encapsulations, std::vector<EncapsulationType>{EncapsulationType::IpInIp});
  EXPECT_FALSE(d.udp_tunnelling.enabled);
  EXPECT_EQ(d.udp_tunnelling.max_lifetime, 60);
  EXPECT_EQ(d.udp_tunnelling.keepalive_s, 110);
  EXPECT_TRUE(d.reverse_tunnel_check) << "RFC 3024 4.3.2: SHOULD enable by default";
  const HaConfig c = parse_ha_config(with_data_plane(), "ha.json");
  ASSERT_TRUE(c.data_plane);
  EXPECT_EQ(c.data_plane->tunnel_device, "ha0");
  EXPECT_EQ(c.data_plane->mtu, 1400u);
  EXPECT_EQ(c.home_interface, "veth-home");
  EXPECT_TRUE(c.udp_tunnelling.enabled);
  EXPECT_EQ(c.udp_tunnelling.keepalive_s, 20);
  EXPECT_EQ(c.udp_tunnelling.max_lifetime, 30);
  EXPECT_FALSE(c.udp_tunnelling.force_allowed);
  EXPECT_FALSE(c.reverse_tunnel_check);
}

TEST(HaConfig, DataPlaneErrorsNamePointers) {
  auto expect = [](nlohmann::json j, const std::string& path, const std::string& part) {
    const ConfigError e = error_of(j);
    EXPECT_EQ(e.path, path) << e.to_string();
    EXPECT_NE(e.expected.find(part), std::string::npos) << e.to_string();
  };
  nlohmann::json j = with_data_plane();
  j["data_plane"]["tunnel_device"] = "a-name-longer-than-15";
  expect(j, "/data_plane/tunnel_device", "1 to 15 bytes");
  j = with_data_plane();
  j["data_plane"]["mtu"] = 100u;
  expect(j, "/data_plane/mtu", "from 576");
  j = with_data_plane();
  j.erase("home_interface");
  expect(j, "/home_interface", "missing");
  j = good();
  j["home_interface"] = "eth0";
  expect(j, "/home_interface", "only together with \"data_plane\"");
  j = with_data_plane();
  j["encapsulations"] = {"ip-in-ip", "ipip"};
  expect(j, "/encapsulations/1", "\"minimal\"");
  j["encapsulations"] = nlohmann::json::array();
  expect(j, "/encapsulations", "non-empty array");
  j["encapsulations"] = {"gre"};
  expect(j, "/encapsulations", "\"ip-in-ip\" among them");
  j["encapsulations"] = {"minimal", "ip-in-ip", "gre"};
  EXPECT_EQ(parse_ha_config(j, "ha.json").encapsulations.size(), 3u);
  j = with_data_plane();
  j["udp_tunnelling"]["max_lifetime"] = 0u;
  expect(j, "/udp_tunnelling/max_lifetime", "from 1");
  j = with_data_plane();
  j["udp_tunnelling"]["keepalive"] = 5;
  expect(j, "/udp_tunnelling/keepalive", "unknown member");
  j = with_data_plane();
  j["udp_tunnelling"].erase("enabled");
  expect(j, "/udp_tunnelling/enabled", "missing");
  j = with_data_plane();
  j["reverse_tunnel_check"] = "yes";
  expect(j, "/reverse_tunnel_check", "true or false");
}

TEST(HaConfig, TrustedNetworksMakeAnInternalHomeAgent) {
  EXPECT_FALSE(parse_ha_config(good(), "ha.json").is_internal_home_agent()) << "absent: a plain home agent";
  nlohmann::json j = good();
  j["trusted_networks"] = {"10.0.2.0/24", "172.16.9.9/16"};
  const HaConfig c = parse_ha_config(j, "ha.json");
  ASSERT_TRUE(c.trusted_networks);
  ASSERT_EQ(c.trusted_networks->size(), 2u);
  EXPECT_EQ((*c.trusted_networks)[1].to_string(), "172.16.0.0/16");
  EXPECT_TRUE(c.trusts(Tins::IPv4Address("10.0.2.200")));
  EXPECT_TRUE(c.trusts(Tins::IPv4Address("172.16.200.1")));
  EXPECT_FALSE(c.trusts(Tins::IPv4Address("10.0.3.1")));
  j["trusted_networks"] = nlohmann::json::array();
  const HaConfig empty = parse_ha_config(j, "ha.json");
  EXPECT_TRUE(empty.is_internal_home_agent()) << "an empty list: an i-HA trusting no subnet (RFC 5265 4.3)";
  EXPECT_FALSE(empty.trusts(Tins::IPv4Address("10.0.2.200")));

  auto expect = [](nlohmann::json bad, const std::string& path, const std::string& part) {
    const ConfigError e = error_of(bad);
    EXPECT_EQ(e.path, path) << e.to_string();
    EXPECT_NE(e.expected.find(part), std::string::npos) << e.to_string();
  };
  j["trusted_networks"] = "10.0.2.0/24";
  expect(j, "/trusted_networks", "an array of IPv4 prefixes");
  j["trusted_networks"] = {"10.0.2.0/24", "10.0.3.0"};
  expect(j, "/trusted_networks/1", "\"a.b.c.d/len\" with len 1-32");
  j["trusted_networks"] = {"0.0.0.0/0"};
  expect(j, "/trusted_networks/0", "internal-network");
  j["trusted_networks"] = {7};
  expect(j, "/trusted_networks/0", "got 7");
}

TEST(HaConfig, DuplicateSaRejected) {
  nlohmann::json j = good();
  j["mobile_nodes"].push_back(j["mobile_nodes"][0]);
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.path, "/mobile_nodes/1/spi");
  EXPECT_NE(e.expected.find("duplicate"), std::string::npos);
}

TEST(HaConfig, PointerTokensAreEscaped) {
  nlohmann::json j = good();
  j["a/b~c"] = 1;
  EXPECT_EQ(error_of(j).path, "/a~1b~0c");
}

TEST(HaConfig, FileErrors) {
  const auto dir = std::filesystem::temp_directory_path() / ("mipd-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string missing = (dir / "missing.json").string();
  try {
    load_ha_config(missing);
    ADD_FAILURE();
  } catch (const ConfigException& e) {
    EXPECT_EQ(e.error().file, missing);
    EXPECT_NE(e.error().expected.find("readable"), std::string::npos);
  }
  const std::string broken = (dir / "broken.json").string();
  std::ofstream(broken) << "{\"role\": \"ha\",\n  \"address\": }";
  try {
    load_ha_config(broken);
    ADD_FAILURE();
  } catch (const ConfigException& e) {
    EXPECT_EQ(e.error().file, broken);
    EXPECT_NE(e.error().expected.find("syntax error at byte"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(Ipv4, ParsesStrictly) {
  EXPECT_TRUE(parse_ipv4("0.0.0.0"));
  EXPECT_TRUE(parse_ipv4("255.255.255.255"));
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3"}) {
    EXPECT_FALSE(parse_ipv4(bad)) << bad;
  }
  auto p = Ipv4Prefix::parse("10.0.1.77/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->network, Tins::IPv4Address("10.0.1.0"));
  EXPECT_EQ(p->broadcast(), Tins::IPv4Address("10.0.1.255"));
  EXPECT_TRUE(p->contains(Tins::IPv4Address("10.0.1.200")));
  EXPECT_FALSE(p->contains(Tins::IPv4Address("10.0.2.1")));
  EXPECT_FALSE(Ipv4Prefix::parse("10.0.1.0/"));
  EXPECT_FALSE(Ipv4Prefix::parse("10.0.1.0/x"));
}

// --- the mipd binary: exit codes and messages ---

struct MipdRun {
  int status = -1;
  std::string output;
};

MipdRun run_mipd(std::vector<std::string> args) {
  args.insert(args.begin(), MIPD_PATH);
  char tmpl[] = "/tmp/mipd-test-out-XXXXXX";
  const int out = ::mkstemp(tmpl);
  MipdRun r;
  if (out < 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  ::close(out);
  std::ifstream in(tmpl);
  r.output.assign(std::istreambuf_iterator<char>(in), {});
  ::unlink(tmpl);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(Mipd, ListFaults) {
  const MipdRun r = run_mipd({"--list-faults"});
  EXPECT_EQ(r.status, 0);
  size_t lines = 0;
  for (size_t pos = 0; pos < r.output.size();) {
    const size_t nl = r.output.find('\n', pos);
    const std::string line = r.output.substr(pos, nl - pos);
    const size_t tab = line.find('\t');
    EXPECT_NE(tab, std::string::npos) << line;
    EXPECT_EQ(line.find('\t', tab + 1), std::string::npos) << line;
    ++lines;
    pos = nl == std::string::npos ? r.output.size() : nl + 1;
  }
  EXPECT_EQ(lines, all_faults().size());
  EXPECT_NE(r.output.find("reply-without-sa\t"), std::string::npos);
}

TEST(Mipd, Help) { EXPECT_EQ(run_mipd({"--help"}).status, 0); }

TEST(Mipd, UsageErrorsExit2) {
  EXPECT_EQ(run_mipd({}).status, 2);
  EXPECT_EQ(run_mipd({"--bogus"}).status, 2);
  EXPECT_EQ(run_mipd({"--role", "xx", "--config", "/nonexistent"}).status, 2);
}

TEST(Mipd, UnknownFaultExits2) {
  const MipdRun r = run_mipd({"--role", "ha", "--config", "/nonexistent", "--fault", "no-such-fault"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("no-such-fault"), std::string::npos) << r.output;
}

TEST(Mipd, ConfigErrorExits2NamingFileAndPath) {
  const std::string file = "/tmp/mipd-config-test-" + std::to_string(::getpid()) + ".json";
  nlohmann::json j = good();
  j["mobile_nodes"][0]["key"] = "xyz";
  std::ofstream(file) << j.dump();
  const MipdRun r = run_mipd({"--role", "ha", "--config", file});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(file + ": /mobile_nodes/0/key: expected"), std::string::npos) << r.output;
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace mipvpn::agents::ha
