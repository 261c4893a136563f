// The parser of `swanctl --list-sas --pretty`, on output captured from a real charon pair (strongSwan 5.9.8,
// kernel-libipsec, the recipe of docs/seams.md): a client with a virtual IP and the gateway that handed it out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "agents/common/swanctl_sas.h"

namespace mipvpn::agents {
namespace {

std::string data(const std::string& name) {
  std::ifstream in(std::string(MIPVPN_AGENTS_TEST_DATA) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CharonListSas, ClientSeesItsVirtualIpAndBothSpis) {
  const auto sas = parse_list_sas(data("swanctl_list_sas_mn-pretty.txt"));
  ASSERT_EQ(sas.size(), 1u);
  const IkeSaState& s = sas[0];
  EXPECT_EQ(s.name, "home");
  EXPECT_EQ(s.state, "ESTABLISHED");
  EXPECT_EQ(s.version, 2);
  EXPECT_EQ(s.local_host, "203.0.113.2");
  EXPECT_EQ(s.remote_host, "203.0.113.1");
  EXPECT_EQ(s.local_port, 4500);
  EXPECT_EQ(s.local_id, "mn.example");
  EXPECT_EQ(s.remote_id, "gw.example");
  EXPECT_TRUE(s.initiator);
  EXPECT_EQ(s.initiator_spi, 0x81f8c0a96fb8ec77u);
  EXPECT_EQ(s.responder_spi, 0x87db9a30c184bf24u);
  EXPECT_TRUE(s.nat_remote);
  EXPECT_EQ(s.local_vips, std::vector<std::string>{"10.10.99.1"});
  EXPECT_TRUE(s.remote_vips.empty());
  ASSERT_EQ(s.children.size(), 1u);
  const ChildSaState& c = s.children[0];
  EXPECT_EQ(c.name, "intranet");
  EXPECT_EQ(c.state, "INSTALLED");
  EXPECT_EQ(c.mode, "TUNNEL");
  EXPECT_EQ(c.protocol, "ESP");
  EXPECT_TRUE(c.encap);
  EXPECT_EQ(c.spi_in, 0xd33aa18eu);
  EXPECT_EQ(c.spi_out, 0x4f53a4d1u);
  EXPECT_EQ(c.local_ts, std::vector<std::string>{"10.10.99.1/32"});
  EXPECT_EQ(c.remote_ts, std::vector<std::string>{"10.10.0.0/24"});
  ASSERT_TRUE(find_installed_child(sas, "home", "intranet"));
  EXPECT_FALSE(find_installed_child(sas, "home", "other"));
}

TEST(CharonListSas, SummaryIsOneLineWithAddressesVipAndSpis) {
  const auto sas = parse_list_sas(data("swanctl_list_sas_mn-pretty.txt"));
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].summary(),
            "home ESTABLISHED 203.0.113.2[mn.example] ... 203.0.113.1[gw.example] vip 10.10.99.1 IKE SPIs "
            "81f8c0a96fb8ec77/87db9a30c184bf24; intranet INSTALLED ESP in UDP SPIs in d33aa18e out 4f53a4d1 "
            "10.10.99.1/32 === 10.10.0.0/24");
}

TEST(CharonListSas, GatewaySeesTheMirroredSpisAndTheHandedOutVip) {
  const auto sas = parse_list_sas(data("swanctl_list_sas_gw-pretty.txt"));
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].name, "rw");
  EXPECT_FALSE(sas[0].initiator);
  EXPECT_EQ(sas[0].remote_vips, std::vector<std::string>{"10.10.99.1"});
  ASSERT_EQ(sas[0].children.size(), 1u);
  EXPECT_EQ(sas[0].children[0].spi_in, 0x4f53a4d1u);
  EXPECT_EQ(sas[0].children[0].spi_out, 0xd33aa18eu);
}

TEST(CharonListSas, NoSasIsAnEmptyList) {
  EXPECT_TRUE(parse_list_sas(data("swanctl_list_sas_none-pretty.txt")).empty());
  EXPECT_TRUE(parse_list_sas("").empty());
}

TEST(CharonListSas, UnknownKeysAndSectionsAreIgnored) {
  const auto sas = parse_list_sas(
      "list-sa event {\n  x {\n    state = CONNECTING\n    future-key = some value\n    future-list = [\n"
      "      a\n    ]\n    future-section {\n      k = v\n    }\n    empty = []\n  }\n}\n");
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].state, "CONNECTING");
}

TEST(CharonListSas, DamagedOutputNamesTheLine) {
  const std::string whole = data("swanctl_list_sas_mn-pretty.txt");
  try {
    parse_list_sas(whole.substr(0, whole.rfind('\n', whole.size() / 2) + 1));  // cut after a whole line
    FAIL() << "truncated output parsed";
  } catch (const ListSasParseError& e) {
    EXPECT_NE(std::string(e.what()).find("before the end of the output"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_list_sas(whole.substr(0, whole.size() / 2)), ListSasParseError);  // cut inside a line
  EXPECT_THROW(parse_list_sas("}\n"), ListSasParseError);
  EXPECT_THROW(parse_list_sas("list-sa event {\n  home {\n    garbage\n  }\n}\n"), ListSasParseError);
  try {
    parse_list_sas("list-sa event {\n  home {\n    initiator-spi = xyz\n  }\n}\n");
    FAIL() << "bad SPI parsed";
  } catch (const ListSasParseError& e) {
    EXPECT_NE(std::string(e.what()).find("home/initiator-spi"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mipvpn::agents
