// The strongswan.conf and swanctl.conf rendered for a client and a gateway charon: the lines that matter for RFC 5265
// (interfaces_use, vips, plugin order, pool, PSK) and the validation that keeps bad values out of the files; and the
// CharonProcess start error that needs neither root nor strongSwan.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "agents/common/charon_config.h"
#include "agents/common/charon_process.h"

namespace mipvpn::agents {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string l = text.substr(pos, end - pos);
    while (!l.empty() && l.front() == ' ') l.erase(0, 1);
    if (l == line) return true;
    pos = end + 1;
  }
  return false;
}

CharonConfig client_config() {
  CharonConfig c;
  c.dir = "/tmp/mipvpn-charon-unit/mn";
  c.interfaces_use = {"xmip0"};
  CharonClientConnection conn;
  conn.local_addrs = {"192.0.2.10"};
  conn.remote_addrs = {"203.0.113.1"};
  conn.remote_ts = {"10.10.0.0/24"};
  conn.local_id = "mn.example";
  conn.remote_id = "gw.example";
  conn.psk = "a-long-test-only-psk";
  c.connection = conn;
  return c;
}

CharonConfig gateway_config() {
  CharonConfig c;
  c.dir = "/tmp/mipvpn-charon-unit/gw";
  c.interfaces_ignore = {"intra0"};
  CharonGatewayConnection conn;
  conn.local_addrs = {"203.0.113.1"};
  conn.pool_addrs = "10.10.99.0/24";
  conn.local_ts = {"10.10.0.0/24"};
  conn.local_id = "gw.example";
  conn.client_ids = {"mn.example"};
  conn.psk = "a-long-test-only-psk";
  conn.mobike = false;
  c.connection = conn;
  return c;
}

TEST(CharonConfig, StrongswanConfLoadsLibipsecBeforeNetlinkAndUsesOnlyTheTun) {
  const std::string s = render_strongswan_conf(client_config());
  EXPECT_TRUE(has_line(s, "interfaces_use = xmip0")) << s;
  EXPECT_EQ(s.find("interfaces_ignore"), std::string::npos) << s;
  EXPECT_TRUE(has_line(s, "load_modular = no")) << s;
  const size_t libipsec = s.find("kernel-libipsec");
  const size_t netlink = s.find("kernel-netlink");
  ASSERT_NE(libipsec, std::string::npos);
  ASSERT_NE(netlink, std::string::npos);
  EXPECT_LT(libipsec, netlink);
  EXPECT_TRUE(has_line(s, "socket = unix:///tmp/mipvpn-charon-unit/mn/charon.vici")) << s;
  EXPECT_TRUE(has_line(s, "path = /tmp/mipvpn-charon-unit/mn/charon.log")) << s;
  EXPECT_TRUE(has_line(s, "ike = 2")) << s;
  EXPECT_EQ(s.find("chd"), std::string::npos) << "key logging is off by default:\n" << s;
}

TEST(CharonConfig, ChildKeyLoggingIsOptIn) {
  CharonConfig c = client_config();
  c.log.child_keys = true;
  EXPECT_TRUE(has_line(render_strongswan_conf(c), "chd = 4"));
}

TEST(CharonConfig, GatewayIgnoresItsIntranetInterface) {
  const std::string s = render_strongswan_conf(gateway_config());
  EXPECT_TRUE(has_line(s, "interfaces_ignore = intra0")) << s;
  EXPECT_EQ(s.find("interfaces_use"), std::string::npos) << s;
}

TEST(CharonConfig, ClientConnectionAsksForAVirtualIp) {
  const std::string s = render_swanctl_conf(client_config());
  for (const char* line : {"home {", "version = 2", "local_addrs = 192.0.2.10", "remote_addrs = 203.0.113.1",
                           "vips = 0.0.0.0", "mobike = yes", "proposals = aes256gcm16-prfsha256-x25519",
                           "id = mn.example", "id = gw.example", "intranet {", "remote_ts = 10.10.0.0/24",
                           "esp_proposals = aes256gcm16", "secret = \"a-long-test-only-psk\"",
                           "id-local = mn.example", "id-remote = gw.example"}) {
    EXPECT_TRUE(has_line(s, line)) << "missing `" << line << "` in\n" << s;
  }
  EXPECT_EQ(s.find("pools"), std::string::npos) << s;
}

TEST(CharonConfig, GatewayConnectionHandsOutThePool) {
  const std::string s = render_swanctl_conf(gateway_config());
  for (const char* line : {"rw {", "local_addrs = 203.0.113.1", "pools = rw-pool", "mobike = no",
                           "proposals = aes256gcm16-prfsha256-x25519, aes256-sha256-x25519", "id = gw.example",
                           "id = %any", "local_ts = 10.10.0.0/24", "esp_proposals = aes256gcm16, aes256-sha256",
                           "rw-pool {", "addrs = 10.10.99.0/24", "id-client0 = mn.example"}) {
    EXPECT_TRUE(has_line(s, line)) << "missing `" << line << "` in\n" << s;
  }
  EXPECT_EQ(s.find("vips"), std::string::npos) << s;
}

TEST(CharonConfig, RejectsValuesThatWouldBreakTheFiles) {
  CharonConfig c = client_config();
  std::get<CharonClientConnection>(c.connection).psk = "with\"quote";
  try {
    render_swanctl_conf(c);
    FAIL() << "a PSK with a quote was accepted";
  } catch (const CharonError& e) {
    EXPECT_NE(std::string(e.what()).find("connection/psk"), std::string::npos) << e.what();
  }
  c = client_config();
  std::get<CharonClientConnection>(c.connection).remote_addrs.clear();
  EXPECT_THROW(render_swanctl_conf(c), CharonError);
  c = client_config();
  c.interfaces_use = {"xmip0, eth0"};
  EXPECT_THROW(render_strongswan_conf(c), CharonError);
}

TEST(CharonConfig, RejectsADirectoryBelowRunOrTooLongForTheSocket) {
  CharonConfig c = client_config();
  c.dir = "/run/mipvpn/mn";
  try {
    validate_charon_config(c);
    FAIL() << "a directory below /run was accepted";
  } catch (const CharonError& e) {
    EXPECT_NE(std::string(e.what()).find("outside /run"), std::string::npos) << e.what();
  }
  c.dir = "relative/dir";
  EXPECT_THROW(validate_charon_config(c), CharonError);
  c.dir = "/tmp/" + std::string(120, 'x');
  EXPECT_THROW(validate_charon_config(c), CharonError);
}

TEST(CharonProcessErrors, MissingCharonBinaryNamesTheStepAndPath) {
  CharonConfig c = client_config();
  c.dir = std::filesystem::temp_directory_path() / ("mipvpn-charon-missing-" + std::to_string(::getpid()));
  c.charon_path = "/nonexistent/ipsec/charon";
  CharonProcess charon(c);
  try {
    charon.start();
    FAIL() << "charon started from a missing binary";
  } catch (const CharonError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("starting charon /nonexistent/ipsec/charon"), std::string::npos) << what;
    EXPECT_NE(what.find("No such file"), std::string::npos) << what;
  }
  EXPECT_FALSE(charon.running());
  std::filesystem::remove_all(c.dir);
}

}  // namespace
}  // namespace mipvpn::agents
