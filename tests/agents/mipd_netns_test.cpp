// End-to-end (root only): mipd runs as a home agent in a network namespace created here; a "mobile node" in a second
// namespace registers over a veth pair and gets replies. Packets never leave the two namespaces, which are deleted
// (exactly those two) at the end; only the mipd process started here is signalled.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/net/command.h"
#include "harness/net/netns.h"
#include "harness/net/udp.h"
#include "harness/wire/authentication.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "tests/agents/mipd_lab.h"

namespace {

using namespace std::chrono_literals;
using mipvpn::agents::test::control_query;
namespace net = mipvpn::net;
namespace wire = mipvpn::wire;

const std::vector<uint8_t> kKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

std::string random_prefix() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "mv%08x", static_cast<unsigned>(rd()));
  return buf;
}

uint64_t ntp_now() {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000));
}

// Strictly increasing timestamps even within one clock tick.
uint64_t fresh_id() {
  static uint64_t last = 0;
  uint64_t id = ntp_now();
  if (id <= last) id = last + 1;
  last = id;
  return id;
}

std::vector<uint8_t> rrq(uint16_t lifetime, const char* coa, uint64_t id, uint32_t spi = 256,
                         const std::vector<uint8_t>& key = kKey, const char* ha = "10.0.1.1") {
  wire::RegistrationRequest r(lifetime, Tins::IPv4Address("10.0.1.100"), Tins::IPv4Address(ha),
                              Tins::IPv4Address(coa), id, 0);
  r.add_authentication(wire::MnHaAuth, spi, key);
  return r.bytes();
}

class MipdNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    if (!net::run_command({"ip", "-V"}).ok()) GTEST_SKIP() << "iproute2 not installed";
    prefix_ = random_prefix();
    ns_ha_ = prefix_ + "-ha";
    ns_mn_ = prefix_ + "-mn";
    dir_ = std::filesystem::temp_directory_path() / ("mipd-netns-" + prefix_);
    std::filesystem::create_directories(dir_);
    control_ = (dir_ / "ha.sock").string();
    net::netns_add(ns_ha_);
    created_.push_back(ns_ha_);
    net::netns_add(ns_mn_);
    created_.push_back(ns_mn_);
    must(net::run_command_in(ns_ha_, {"ip", "link", "set", "lo", "up"}));
    must(net::run_command_in(ns_mn_, {"ip", "link", "set", "lo", "up"}));
    must(net::run_command_in(ns_ha_, {"ip", "link", "add", "veth-ha", "type", "veth", "peer", "name", "veth-mn",
                                      "netns", ns_mn_}));
    must(net::run_command_in(ns_ha_, {"ip", "addr", "add", "10.0.1.1/24", "broadcast", "10.0.1.255", "dev",
                                      "veth-ha"}));
    must(net::run_command_in(ns_mn_, {"ip", "addr", "add", "10.0.1.50/24", "broadcast", "10.0.1.255", "dev",
                                      "veth-mn"}));
    must(net::run_command_in(ns_ha_, {"ip", "link", "set", "veth-ha", "up"}));
    must(net::run_command_in(ns_mn_, {"ip", "link", "set", "veth-mn", "up"}));
  }

  void TearDown() override {
    if (mipd_.started() && mipd_.running()) mipd_.stop(2000ms);
    for (const std::string& ns : created_) {
      try {
        net::netns_delete(ns);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "netns_delete " << ns << ": " << e.what();
      }
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  static void must(const net::CommandResult& r) { ASSERT_TRUE(r.ok()) << r.out << r.err << r.spawn_error; }

  void start_mipd(std::vector<std::string> faults = {}, uint16_t max_lifetime = 1800) {
    nlohmann::json cfg = {{"role", "ha"},
                          {"address", "10.0.1.1"},
                          {"home_network", "10.0.1.0/24"},
                          {"max_lifetime", max_lifetime},
                          {"simultaneous_bindings", true},
                          {"replay", "timestamps"},
                          {"replay_tolerance_s", 7},
                          {"control_socket", control_},
                          {"mobile_nodes",
                           {{{"home_address", "10.0.1.100"},
                             {"spi", 256},
                             {"key", "00112233445566778899aabbccddeeff"},
                             {"algorithm", "hmac-md5"}}}}};
    const std::string cfg_path = (dir_ / "ha.json").string();
    std::ofstream(cfg_path) << cfg.dump(2);
    log_ = (dir_ / "mipd.log").string();
    std::vector<std::string> argv = {MIPD_PATH, "--role", "ha", "--config", cfg_path, "--log", log_};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    mipd_ = net::ChildProcess(argv, ns_ha_, (dir_ / "mipd.out").string());
    ASSERT_EQ(mipd_.start(), "");
    // Ready once the control socket answers (it is created after the UDP socket is bound).
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (control_query(control_, "ping")) return;
      ASSERT_TRUE(mipd_.running()) << "mipd exited: " << mipd_.exit_description() << "\n" << log_text();
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "mipd not ready within 5 s\n" << log_text();
  }

  std::string log_text() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  nlohmann::json bindings() {
    auto text = control_query(control_, "bindings");
    EXPECT_TRUE(text);
    return text ? nlohmann::json::parse(*text) : nlohmann::json{};
  }

  void stop_and_check_clean_exit() {
    const net::ExitStatus st = mipd_.stop(3000ms);
    EXPECT_TRUE(st.exited) << st.to_string();
    EXPECT_EQ(st.code, 0) << st.to_string() << "\n" << log_text();
    struct stat sb{};
    EXPECT_NE(::lstat(control_.c_str(), &sb), 0) << "control socket left behind";
  }

  std::string prefix_, ns_ha_, ns_mn_, control_, log_;
  std::filesystem::path dir_;
  std::vector<std::string> created_;
  net::ChildProcess mipd_;
};

TEST_F(MipdNetns, RegistersOverVethAndExitsCleanlyOnSigterm) {
  start_mipd();
  net::UdpSocket mn(ns_mn_, "10.0.1.50", 0, net::UdpOptions{true, true, ""});

  // 1. A valid registration is accepted; the reply comes from 10.0.1.1:434 to our port.
  const uint64_t id = fresh_id();
  ASSERT_TRUE(mn.send_to("10.0.1.1", 434, rrq(600, "10.0.1.50", id)));
  auto d = mn.recv(3s);
  ASSERT_TRUE(d) << "no reply\n" << log_text();
  EXPECT_EQ(d->source, "10.0.1.1");
  EXPECT_EQ(d->source_port, 434);
  auto rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  EXPECT_EQ(rep->code(), 0);
  EXPECT_EQ(rep->lifetime(), 600);
  EXPECT_EQ(rep->identification(), id);
  ASSERT_EQ(rep->extensions().size(), 1u);
  EXPECT_TRUE(wire::verify_authentication(d->data, rep->extensions()[0], kKey));

  nlohmann::json b = bindings();
  ASSERT_EQ(b["bindings"].size(), 1u) << b.dump();
  EXPECT_EQ(b["bindings"][0]["care_of_address"], "10.0.1.50");
  EXPECT_EQ(b["bindings"][0]["lifetime_granted"], 600);
  EXPECT_EQ(b["bindings"][0]["identification"].get<uint64_t>(), id);

  // 2. Sent to the subnet-directed broadcast address: 136 from the unicast address (IP_PKTINFO at work).
  ASSERT_TRUE(mn.send_to("10.0.1.255", 434, rrq(600, "10.0.1.50", fresh_id(), 256, kKey, "10.0.1.255")));
  d = mn.recv(3s);
  ASSERT_TRUE(d) << log_text();
  EXPECT_EQ(d->source, "10.0.1.1");
  rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->code(), 136);
  EXPECT_EQ(rep->home_agent(), Tins::IPv4Address("10.0.1.1"));

  // 3. No security association: silence. Then a flood of junk; the daemon still answers afterwards.
  ASSERT_TRUE(mn.send_to("10.0.1.1", 434, rrq(600, "10.0.1.50", fresh_id(), 999)));
  EXPECT_FALSE(mn.recv(300ms)) << "reply to a request without SA";
  std::mt19937 rng(1);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> junk(rng() % 80);
    for (auto& x : junk) x = static_cast<uint8_t>(rng());
    if (!junk.empty()) junk[0] = 1;
    (void)mn.send_to("10.0.1.1", 434, junk);
  }
  // Like a mobile node (3.6.3), retransmit with a new Identification until answered: a flood may overflow the
  // socket buffer (drops are allowed), but the daemon must not stall.
  bool answered = false;
  const auto flood_deadline = std::chrono::steady_clock::now() + 10s;
  while (!answered && std::chrono::steady_clock::now() < flood_deadline) {
    const uint64_t id2 = fresh_id();
    ASSERT_TRUE(mn.send_to("10.0.1.1", 434, rrq(1, "10.0.1.50", id2)));
    while ((d = mn.recv(500ms))) {
      rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
      ASSERT_TRUE(rep.ok());
      if (wire::ntp_fraction(rep->identification()) == wire::ntp_fraction(id2)) {
        answered = true;
        break;
      }
    }
  }
  ASSERT_TRUE(answered) << "no reply after the flood\n" << log_text().substr(0, 2000);
  EXPECT_EQ(rep->code(), 0);
  EXPECT_EQ(rep->lifetime(), 1);

  // 4. The 1 s binding expires by the timer (checked through the control socket).
  const auto deadline = std::chrono::steady_clock::now() + 4s;
  while (!bindings()["bindings"].empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(bindings()["bindings"].empty()) << "binding did not expire";
  EXPECT_FALSE(mn.recv(100ms)) << "something was sent on expiry";

  // 5. SIGTERM: exit status 0 and no socket file left.
  stop_and_check_clean_exit();
  const std::string log = log_text();
  EXPECT_NE(log.find("=> accepted"), std::string::npos);
  EXPECT_NE(log.find("expired binding"), std::string::npos);
  EXPECT_NE(log.find("received SIGTERM"), std::string::npos);
}

TEST_F(MipdNetns, WrongSourceAddressFaultReallySendsFromAnotherAddress) {
  start_mipd({"reply-wrong-source-address"});
  net::UdpSocket mn(ns_mn_, "10.0.1.50", 0, net::UdpOptions{});
  ASSERT_TRUE(mn.send_to("10.0.1.1", 434, rrq(600, "10.0.1.50", fresh_id())));
  auto d = mn.recv(3s);
  ASSERT_TRUE(d) << log_text();
  EXPECT_NE(d->source, "10.0.1.1");
  stop_and_check_clean_exit();
}

TEST_F(MipdNetns, SecondInstanceRefusesLiveControlSocket) {
  start_mipd({""});  // an empty --fault (a profile's unfilled {fault}) means no fault
  // A second mipd in the same namespace fails (port 434 and the control socket are taken) without removing the
  // first one's socket.
  const std::string cfg_path = (dir_ / "ha.json").string();
  const net::CommandResult r =
      net::run_command_in(ns_ha_, {MIPD_PATH, "--role", "ha", "--config", cfg_path}, 5000ms);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(control_query(control_, "ping"));
  stop_and_check_clean_exit();
}

}  // namespace
