// The RFC 5265 section of a mobile node configuration: defaults, and errors naming the file, the JSON pointer and the
// expectation.
#include <gtest/gtest.h>

#include "agents/common/config_reader.h"
#include "agents/mn/mn_config.h"
#include "agents/mn/rfc5265_config.h"

namespace mipvpn::agents::mn {
namespace {

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

ConfigError error_of(const nlohmann::json& doc) {
  try {
    parse_mn_config(doc, "mn.json");
  } catch (const ConfigException& e) {
    return e.error();
  }
  ADD_FAILURE() << "accepted: " << doc.dump();
  return {};
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
