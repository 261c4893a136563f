// End-to-end (root only): a strongSwan gateway charon and a client charon, each supervised by CharonProcess in a
// namespace created here, over a veth pair. The client gets a virtual IP from the pool, pings the gateway's intranet
// address through the tunnel, and the capture on the veth shows ESP in UDP 4500 with the SPIs list_sas reports.
// Also: a wrong PSK makes initiate report failure (not hang), a bad proposal makes start() name swanctl.conf.
// Only the charon and swanctl processes started here are signalled; exactly the namespaces made here are deleted.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "agents/common/charon_process.h"
#include "harness/net/capture.h"
#include "harness/net/netns.h"
#include "tests/agents/charon_gateway.h"
#include "tests/agents/netns_fixture.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kGateway = "203.0.113.1";
constexpr const char* kClient = "203.0.113.2";
constexpr const char* kIntranetHost = "10.10.0.1";
constexpr const char* kPsk = "a-long-test-only-psk";

bool process_exists(pid_t pid) { return pid > 0 && std::filesystem::exists("/proc/" + std::to_string(pid)); }

// The UDP payload of an Ethernet/IPv4/UDP frame with port 4500 on either side, or empty.
std::vector<uint8_t> udp4500_payload(const net::Frame& f) {
  const auto& d = f.data;
  if (d.size() < 14 + 20 + 8 || d[12] != 0x08 || d[13] != 0x00) return {};
  const size_t ihl = static_cast<size_t>(d[14] & 0x0f) * 4;
  if (d[14 + 9] != 17 || d.size() < 14 + ihl + 8) return {};
  const uint8_t* udp = d.data() + 14 + ihl;
  const unsigned sport = static_cast<unsigned>(udp[0] << 8 | udp[1]);
  const unsigned dport = static_cast<unsigned>(udp[2] << 8 | udp[3]);
  if (sport != 4500 && dport != 4500) return {};
  return {udp + 8, d.data() + d.size()};
}

// ESP in UDP (RFC 3948): the payload starts with the SPI, never with the four zero bytes of the non-ESP marker.
bool is_esp_with_spi(const net::Frame& f, uint32_t spi) {
  const auto p = udp4500_payload(f);
  if (p.size() < 8) return false;
  const uint32_t got = static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
                       static_cast<uint32_t>(p[2]) << 8 | p[3];
  return got == spi && got != 0;
}

class CharonNetns : public test::NetnsTest {
 protected:
  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root (network namespaces) and iproute2";
    if (!std::filesystem::exists("/usr/lib/ipsec/charon") || !std::filesystem::exists("/usr/sbin/swanctl")) {
      GTEST_SKIP() << "strongSwan charon/swanctl not installed (scripts/install-deps.sh)";
    }
    prefix_ = test::random_prefix("ch");
    gw_ = add_ns("gw");
    mn_ = add_ns("mn");
    veth(gw_, "vgw", std::string(kGateway) + "/24", mn_, "vmn", std::string(kClient) + "/24");
    // The intranet side of the gateway (a veth whose peer stays in the namespace: no dummy module here).
    run(gw_, {"ip", "link", "add", "intra0", "type", "veth", "peer", "name", "intra1"});
    run(gw_, {"ip", "addr", "add", std::string(kIntranetHost) + "/24", "dev", "intra0"});
    run(gw_, {"ip", "link", "set", "intra0", "up"});
    run(gw_, {"ip", "link", "set", "intra1", "up"});
    dir_ = std::filesystem::temp_directory_path() / ("mipvpn-charon-" + prefix_);
  }

  void TearDown() override {
    capture_.reset();
    client_.reset();  // stop() by PID before the namespaces go
    gateway_.reset();
    test::NetnsTest::TearDown();
    std::error_code ec;
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  CharonConfig gateway_config(const std::string& psk = kPsk) {
    return test::test_gateway_config(dir_ / "gw", kGateway, {"10.10.0.0/24"}, {"intra0", "intra1"}, psk);
  }

  CharonConfig client_config(const std::string& psk = kPsk) {
    CharonConfig c;
    c.dir = dir_ / "mn";
    c.interfaces_use = {"vmn"};
    CharonClientConnection m;
    m.local_addrs = {kClient};
    m.remote_addrs = {kGateway};
    m.remote_ts = {"10.10.0.0/24"};
    m.local_id = "mn.example";
    m.remote_id = "gw.example";
    m.psk = psk;
    c.connection = m;
    return c;
  }

  // Starts charon inside `ns`: the forked child inherits this thread's network namespace.
  std::unique_ptr<CharonProcess> start_in(const std::string& ns, CharonConfig config) {
    auto charon = std::make_unique<CharonProcess>(std::move(config));
    net::in_netns(ns, [&] { charon->start(); });
    return charon;
  }

  std::string gw_, mn_;
  std::filesystem::path dir_;
  std::unique_ptr<CharonProcess> gateway_, client_;
  std::unique_ptr<net::SegmentCapture> capture_;
};

TEST_F(CharonNetns, ClientGetsAVirtualIpAndPingsTheIntranetThroughEspInUdp) {
  gateway_ = start_in(gw_, gateway_config());
  client_ = start_in(mn_, client_config());
  const pid_t gw_pid = gateway_->pid();
  const pid_t mn_pid = client_->pid();
  ASSERT_TRUE(process_exists(gw_pid));
  ASSERT_TRUE(process_exists(mn_pid));
  ASSERT_NE(gw_pid, mn_pid);
  // Each charon wrote its PID file into its own run directory, nothing into the host's /run.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "gw" / "run" / "charon.pid"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "mn" / "run" / "charon.pid"));
  // The charons are in the test's namespaces.
  const auto gw_pids = net::netns_pids(gw_);
  EXPECT_NE(std::find(gw_pids.begin(), gw_pids.end(), gw_pid), gw_pids.end());

  capture_ = std::make_unique<net::SegmentCapture>(mn_, "vmn", (dir_ / "vmn.pcapng").string());
  const auto t0 = Clock::now();
  const InitiateResult r = client_->initiate_and_wait(15s);
  const auto initiate_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  ASSERT_TRUE(r.ok) << r.message;

  const auto sas = client_->list_sas();
  const auto child = find_installed_child(sas, "home", "intranet");
  ASSERT_TRUE(child) << "no INSTALLED CHILD_SA intranet in an ESTABLISHED IKE SA home";
  EXPECT_TRUE(child->encap);
  EXPECT_NE(child->spi_in, 0u);
  EXPECT_NE(child->spi_out, 0u);
  EXPECT_NE(sas[0].initiator_spi, 0u);
  EXPECT_NE(sas[0].responder_spi, 0u);

  const auto vip = client_->virtual_ip();
  ASSERT_TRUE(vip) << "no virtual IP in list_sas";
  EXPECT_EQ(vip->rfind("10.10.99.", 0), 0u) << *vip << " is not from the pool 10.10.99.0/24";
  const std::string ipsec0 = output(mn_, {"ip", "-4", "-o", "addr", "show", "dev", "ipsec0"});
  EXPECT_NE(ipsec0.find(*vip + "/32"), std::string::npos) << ipsec0;

  // The gateway sees the same SAs mirrored and the VIP it handed out.
  const auto gw_sas = gateway_->list_sas();
  const auto gw_child = find_installed_child(gw_sas, "rw", "intranet");
  ASSERT_TRUE(gw_child);
  EXPECT_EQ(gw_child->spi_in, child->spi_out);
  EXPECT_EQ(gw_child->spi_out, child->spi_in);
  ASSERT_FALSE(gw_sas.empty());
  EXPECT_EQ(gw_sas[0].remote_vips, std::vector<std::string>{*vip});

  // Ping from the VIP to the intranet host through the tunnel (each try waits at most 1 s for its reply).
  const auto ping0 = Clock::now();
  std::string last;
  const bool pinged = test::poll_until(
      [&] {
        const auto p = net::run_command_in(mn_, {"ping", "-n", "-c", "1", "-W", "1", "-I", *vip, kIntranetHost}, 5s);
        last = p.out + p.err;
        return p.ok();
      },
      10s);
  const auto ping_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ping0).count();
  ASSERT_TRUE(pinged) << last << "\n" << client_->log_tail();

  // ESP in UDP 4500 both ways, with the SPIs list_sas reported (kernel-libipsec always encapsulates).
  const auto deadline = Clock::now() + 3s;
  EXPECT_TRUE(capture_->wait_for([&](const net::Frame& f) { return is_esp_with_spi(f, child->spi_out); }, 0, deadline))
      << "no ESP-in-UDP frame with the outbound SPI on vmn";
  EXPECT_TRUE(capture_->wait_for([&](const net::Frame& f) { return is_esp_with_spi(f, child->spi_in); }, 0, deadline))
      << "no ESP-in-UDP frame with the inbound SPI on vmn";
  for (const auto& f : capture_->frames()) {
    const auto& d = f.data;
    if (d.size() > 14 + 9 && d[12] == 0x08 && d[13] == 0x00) {
      EXPECT_NE(d[14 + 9], 50) << "raw ESP (protocol 50) seen";
    }
  }
  const auto after = client_->list_sas();
  const auto counted = find_installed_child(after, "home", "intranet");
  ASSERT_TRUE(counted);
  EXPECT_GE(counted->packets_out, 1u);
  EXPECT_GE(counted->packets_in, 1u);

  std::printf("[ charon ] gateway: start-to-ready %lld ms, load %lld ms; client: start-to-ready %lld ms, load %lld ms; "
              "initiate-to-CHILD_SA %lld ms (swanctl --initiate measured %lld ms); ping through tunnel %lld ms\n",
              static_cast<long long>(gateway_->ready_time().count()),
              static_cast<long long>(gateway_->load_time().count()),
              static_cast<long long>(client_->ready_time().count()),
              static_cast<long long>(client_->load_time().count()), static_cast<long long>(initiate_ms),
              static_cast<long long>(r.elapsed.count()), static_cast<long long>(ping_ms));

  capture_.reset();
  const auto mn_end = client_->stop();
  const auto gw_end = gateway_->stop();
  ASSERT_TRUE(mn_end && gw_end);
  EXPECT_FALSE(mn_end->timed_out) << "charon needed SIGKILL: " << mn_end->to_string();
  EXPECT_FALSE(gw_end->timed_out) << "charon needed SIGKILL: " << gw_end->to_string();
  EXPECT_FALSE(process_exists(mn_pid));
  EXPECT_FALSE(process_exists(gw_pid));
  EXPECT_TRUE(net::netns_pids(gw_).empty());
  EXPECT_TRUE(net::netns_pids(mn_).empty());
  // stop() is idempotent.
  EXPECT_TRUE(client_->stop());
  EXPECT_FALSE(client_->running());

  const std::vector<std::string> ours = created_;
  TearDown();
  for (const auto& ns : ours) EXPECT_FALSE(net::netns_exists(ns)) << ns;
}

TEST_F(CharonNetns, WrongPskMakesInitiateFailWithAMessage) {
  gateway_ = start_in(gw_, gateway_config());
  client_ = start_in(mn_, client_config("not-the-gateways-psk"));
  // Asynchronous form, as mipd's event loop uses it: wait on the fd, then poll_initiate().
  client_->initiate();
  EXPECT_TRUE(client_->initiate_pending());
  const int fd = client_->initiate_fd();
  ASSERT_GE(fd, 0);
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 20000), 1) << "swanctl --initiate did not end within 20 s";
  const auto r = client_->poll_initiate();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_FALSE(r->timed_out) << r->message;
  EXPECT_NE(r->message.find("AUTHENTICATION_FAILED"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("swanctl --initiate --ike home --child intranet"), std::string::npos) << r->message;
  EXPECT_FALSE(client_->poll_initiate()) << "the result is returned once";
  EXPECT_FALSE(find_installed_child(client_->list_sas(), "home", "intranet"));
  EXPECT_FALSE(client_->virtual_ip());
  std::printf("[ charon ] wrong PSK reported after %lld ms: %s\n", static_cast<long long>(r->elapsed.count()),
              r->message.substr(0, r->message.find('\n')).c_str());
}

TEST_F(CharonNetns, BadProposalMakesStartNameSwanctlConfAndStopCharon) {
  CharonConfig c = gateway_config();
  std::get<CharonGatewayConnection>(c.connection).proposals = "no-such-algorithm";
  auto charon = std::make_unique<CharonProcess>(c);
  try {
    net::in_netns(gw_, [&] { charon->start(); });
    FAIL() << "a connection with a bad proposal loaded";
  } catch (const CharonError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("swanctl --load-all of " + c.swanctl_conf().string()), std::string::npos) << what;
    EXPECT_NE(what.find("loading connection 'rw' failed: invalid value for: proposals"), std::string::npos) << what;
  }
  EXPECT_FALSE(charon->running()) << "charon must be stopped when start() fails";
  EXPECT_TRUE(net::netns_pids(gw_).empty());
}

TEST_F(CharonNetns, CharonThatCannotStartIsReportedWithItsLog) {
  CharonConfig c = gateway_config();
  c.charon_path = "/bin/false";  // exits at once: never opens a vici socket
  CharonProcess charon(c);
  try {
    net::in_netns(gw_, [&] { charon.start(); });
    FAIL() << "start() succeeded without a charon";
  } catch (const CharonError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited with status 1 before its vici socket"), std::string::npos) << what;
    EXPECT_NE(what.find(c.strongswan_conf().string()), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mipvpn::agents
