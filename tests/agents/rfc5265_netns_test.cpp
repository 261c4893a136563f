// RFC 5265 end to end (root only): the reference mobile node in RFC 5265 mode with a real strongSwan charon as its VPN
// client, the reference x-HA and i-HA, and a strongSwan gateway, in namespaces made here (prefix "rf" + 6 hex digits):
//
//   MN eth0 ── br-fa 10.0.2.0/24 ─┐                ┌─ x-HA 172.16.1.1 (home 198.51.100.0/24, br-xhome)
//   (moved)    br-fb 10.0.3.0/24 ─┤ rt (Internet) ─┤
//              br-ia 10.10.2.0/24 │                └─ GW 172.16.2.1 ═ intranet br-in 10.10.0.0/24 ─┬─ i-HA 10.10.0.1
//              (intranet access,  │                   (charon, pool 10.10.99.0/24)                 └─ CN 10.10.0.10
//               router = i-HA) ───┘ i-HA eth2 10.10.2.1;  i-HA home 10.10.1.0/24 (br-ihome)
//
// Outside, the MN's intranet traffic travels CN -> i-HA =IP-in-IP=> VPN-TIA -> GW =ESP in UDP 4500=> x-HoA -> x-HA
// =IP-in-IP=> care-of address, and back. The handoff test moves the MN between the foreign links while the CN pings
// the internal home address and checks, on the gateway's outside link, that no IKE message and no new ESP SPI appears
// (RFC 5265 1.7, 5.3). Only processes started here are stopped (by PID); exactly these namespaces are deleted.
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agents/common/charon_process.h"
#include "harness/net/capture.h"
#include "harness/net/command.h"
#include "harness/wire/sa_frame.h"
#include "harness/wire/stack.h"
#include "tests/agents/charon_gateway.h"
#include "tests/agents/mn_netns_fixture.h"

namespace mipvpn::agents::test {
namespace {

constexpr const char* kXHoA = "198.51.100.100";
constexpr const char* kIHoA = "10.10.1.100";
constexpr const char* kXKey = "00112233445566778899aabbccddeeff";
constexpr const char* kIKey = "ffeeddccbbaa99887766554433221100";
constexpr const char* kPsk = "a-long-test-only-psk";
constexpr const char* kGateway = "172.16.2.1";

class Rfc5265Lab : public MipdLab {
 protected:
  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root and iproute2";
    if (!std::filesystem::exists("/usr/lib/ipsec/charon") || !std::filesystem::exists("/usr/sbin/swanctl")) {
      GTEST_SKIP() << "strongSwan charon/swanctl not installed (scripts/install-deps.sh)";
    }
    prefix_ = random_prefix("rf");
    sw_ = add_ns("sw");
    rt_ = add_ns("rt");
    xha_ = add_ns("xha");
    gw_ = add_ns("gw");
    iha_ = add_ns("iha");
    cn_ = add_ns("cn");
    mn_ = add_ns("mn");
    for (const char* b : {"br-fa", "br-fb", "br-ia", "br-in", "br-xhome", "br-ihome"}) {
      run(sw_, {"ip", "link", "add", b, "type", "bridge"});
      run(sw_, {"ip", "link", "set", b, "up"});
    }
    port(rt_, "eth1", "10.0.2.254/24", "p-rt-fa", "br-fa");
    port(rt_, "eth2", "10.0.3.254/24", "p-rt-fb", "br-fb");
    veth(rt_, "to-xha", "172.16.1.254/24", xha_, "eth0", "172.16.1.1/24");
    veth(rt_, "to-gw", "172.16.2.254/24", gw_, "eth0", "172.16.2.1/24");
    port(xha_, "home0", "198.51.100.1/24", "p-xha", "br-xhome");
    port(gw_, "eth1", "10.10.0.254/24", "p-gw", "br-in");
    port(iha_, "eth0", "10.10.0.1/24", "p-iha", "br-in");
    port(iha_, "home0", "10.10.1.1/24", "p-iha-home", "br-ihome");
    port(iha_, "eth2", "10.10.2.1/24", "p-iha-ia", "br-ia");
    port(cn_, "eth0", "10.10.0.10/24", "p-cn", "br-in");
    port(mn_, "eth0", "10.0.2.50/24", "p-mn", "br-fa");
    run(rt_, {"ip", "route", "add", "198.51.100.0/24", "via", "172.16.1.1"});
    run(xha_, {"ip", "route", "add", "default", "via", "172.16.1.254"});
    run(gw_, {"ip", "route", "add", "default", "via", "172.16.2.254"});
    run(gw_, {"ip", "route", "add", "10.10.1.0/24", "via", "10.10.0.1"});
    run(gw_, {"ip", "route", "add", "10.10.2.0/24", "via", "10.10.0.1"});
    run(iha_, {"ip", "route", "add", "default", "via", "10.10.0.254"});
    run(cn_, {"ip", "route", "add", "default", "via", "10.10.0.254"});
    run(cn_, {"ip", "route", "add", "10.10.1.0/24", "via", "10.10.0.1"});
    run(cn_, {"ip", "route", "add", "10.10.2.0/24", "via", "10.10.0.1"});
    run(mn_, {"ip", "route", "add", "default", "via", "10.0.2.254"});
    for (const std::string& ns : {rt_, xha_, gw_, iha_}) run(ns, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    // Gateway -> x-HA and i-HA -> gateway traffic turns back on the link it came from: no redirects.
    for (const std::string& ns : {rt_, gw_, iha_}) {
      run(ns, {"sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"});
    }
    make_dir("mipvpn-rfc5265-");
  }

  void TearDown() override {
    for (net::ChildProcess* p : {&ping_, &mn_process_, &xha_process_, &iha_process_}) {
      if (p->started() && p->running()) p->stop(3000ms);
    }
    gateway_.reset();  // stops the gateway charon by its PID
    MipdLab::TearDown();
  }

  void start_gateway() {
    const CharonConfig c = test_gateway_config(dir_ / "gw-charon", kGateway, {"10.10.0.0/16"}, {"eth1"}, kPsk);
    gateway_ = std::make_unique<CharonProcess>(c);
    net::in_netns(gw_, [&] { gateway_->start(); });
  }

  void start_home_agents(std::vector<std::string> iha_faults = {}) {
    nlohmann::json x = {{"role", "ha"},
                        {"address", "198.51.100.1"},
                        {"home_network", "198.51.100.0/24"},
                        {"max_lifetime", 1800u},
                        {"control_socket", (dir_ / "xha.sock").string()},
                        {"mobile_nodes", {{{"home_address", kXHoA}, {"spi", 256u}, {"key", kXKey}}}},
                        {"data_plane", {{"tunnel_device", "xha0"}}},
                        {"home_interface", "home0"}};
    start(xha_process_, xha_, "ha", x, {}, "xha");
    // RFC 5265 4.3: the i-HA trusts only internal subnets: the VPN pool and the intranet access link.
    nlohmann::json i = {{"role", "ha"},
                        {"address", "10.10.1.1"},
                        {"home_network", "10.10.1.0/24"},
                        {"max_lifetime", 1800u},
                        {"control_socket", (dir_ / "iha.sock").string()},
                        {"mobile_nodes", {{{"home_address", kIHoA}, {"spi", 300u}, {"key", kIKey}}}},
                        {"data_plane", {{"tunnel_device", "iha0"}, {"mtu", 1380u}}},
                        {"home_interface", "home0"},
                        {"trusted_networks", {"10.10.99.0/24", "10.10.2.0/24"}}};
    start(iha_process_, iha_, "ha", i, iha_faults, "iha");
  }

  nlohmann::json mn_config(nlohmann::json extra = {}) {
    nlohmann::json c = {
        {"role", "mn"},
        {"interface", "eth0"},
        {"home_address", kXHoA},
        {"home_network", "198.51.100.0/24"},
        {"home_agent", "198.51.100.1"},
        {"sa", {{"spi", 256u}, {"key", kXKey}}},
        {"mode", "colocated"},
        {"lifetime", 300u},
        {"reverse_tunnelling", true},
        {"data_plane", {{"tunnel_device", "xmip0"}}},
        {"control_socket", (dir_ / "mn.sock").string()},
        {"rfc5265",
         {{"internal",
           {{"home_address", kIHoA},
            {"home_network", "10.10.1.0/24"},
            {"home_agent", "10.10.1.1"},
            {"sa", {{"spi", 300u}, {"key", kIKey}}},
            {"mode", "colocated"},
            {"lifetime", 300u}}},
          {"vpn",
           {{"gateway", kGateway},
            {"intranet", {"10.10.0.0/16"}},
            {"remote_id", "gw.example"},
            {"psk", kPsk},
            {"run_directory", (dir_ / "mn-charon").string()}}}}}};
    if (!extra.is_null()) c.merge_patch(extra);
    return c;
  }

  void start_mn(nlohmann::json extra = {}, std::vector<std::string> faults = {}) {
    start(mn_process_, mn_, "mn", mn_config(extra), faults);
  }

  std::string logs() const {
    return "--- mn.log\n" + log_text("mn") + "--- xha.log\n" + log_text("xha") + "--- iha.log\n" + log_text("iha");
  }

  nlohmann::json mn_state() {
    auto text = control_query((dir_ / "mn.sock").string(), "state");
    return text ? nlohmann::json::parse(*text) : nlohmann::json{};
  }
  bool wait_placement(const std::string& placement, bool user_data, std::chrono::milliseconds timeout = 15000ms) {
    return poll_until(
        [&] {
          auto s = mn_state();
          return s.value("placement", "") == placement && s.value("user_data_allowed", !user_data) == user_data;
        },
        timeout);
  }

  void move_mn(const std::string& bridge, const std::string& address, const std::string& gateway) {
    run(sw_, {"ip", "link", "set", "p-mn", "master", bridge});
    run(mn_, {"ip", "addr", "flush", "dev", "eth0"});
    run(mn_, {"ip", "addr", "add", address, "dev", "eth0"});
    run(mn_, {"ip", "route", "replace", "default", "via", gateway});
  }

  bool cn_pings_internal_home_address(int count = 3) {
    return net::run_command_in(cn_, {"ping", "-c", std::to_string(count), "-i", "0.2", "-W", "2", kIHoA}, 20000ms)
        .ok();
  }

  std::string rt_, xha_, gw_, iha_, cn_, mn_;
  std::unique_ptr<CharonProcess> gateway_;
  net::ChildProcess xha_process_, iha_process_, mn_process_, ping_;
};

// Decodes every frame of `frames` and feeds its IKE and ESP to `sa`.
void classify(const std::vector<net::Frame>& frames, wire::SaClassifier& sa) {
  for (const net::Frame& f : frames) {
    const wire::DecodedFrame d = wire::decode_frame(f.data, wire::LinkType::Ethernet);
    wire::classify_frame(d, f.ts, sa);
  }
}

// RFC 5265 2.3/A.1 outside (cvc): "RRQ to the i-HA inside ESP with CoA = VPN-TIA", data as i-MIP inside ESP inside
// x-MIP; and 1.7/5.3: an external handoff needs only a new x-HA registration: no IKE, the same ESP SPIs.
// Returns what the gateway's outside link showed during two handoffs (A -> B -> A) while the CN pinged the i-HoA.
struct HandoffResult {
  wire::SaWindowCounts during;
  PingRun ping;
  size_t triple_stack_frames = 0;  // IP-in-IP / IP / UDP / ESP on the MN's link
};

class Rfc5265Handoffs : public Rfc5265Lab {
 protected:
  void run_handoffs(const std::vector<std::string>& faults, HandoffResult& result);
};

void Rfc5265Handoffs::run_handoffs(const std::vector<std::string>& faults, HandoffResult& result) {
  start_gateway();
  start_home_agents();
  auto& gw_outside = capture(gw_, "eth0", "gw-outside");
  auto& mn_link = capture(mn_, "eth0", "mn-eth0");
  start_mn({}, faults);
  ASSERT_TRUE(wait_placement("outside", true)) << mn_state().dump(2) << "\n" << logs();
  const nlohmann::json up = mn_state();
  ASSERT_TRUE(up["vpn"]["up"].get<bool>());
  const std::string tia = up["vpn"].value("inner_address", "");
  ASSERT_EQ(tia.rfind("10.10.99.", 0), 0u) << up.dump(2);
  EXPECT_EQ(up["internal_through_vpn"]["care_of_address"], tia);  // CoA = VPN-TIA
  EXPECT_EQ(up["external"]["care_of_address"], "10.0.2.50");
  ASSERT_TRUE(cn_pings_internal_home_address()) << logs();

  // The external link carries the triple stack: IP-in-IP (CoA <-> x-HA) / IP (x-HoA <-> GW) / UDP 4500 / ESP, and
  // nothing from or to the internal home address or the VPN tunnel inner address in clear.
  size_t triple = 0;
  for (const net::Frame& f : mn_link.frames()) {
    const wire::DecodedFrame d = wire::decode_frame(f.data, wire::LinkType::Ethernet);
    for (const wire::Layer& l : d.layers) {
      if (l.protocol != "ip") continue;
      for (const std::string& a : {std::string(kIHoA), tia}) {
        // Only inside ESP (not decoded here, no keys) may these addresses travel.
        EXPECT_TRUE(l.summary.find(" " + a + ">") == std::string::npos && l.summary.find(">" + a + " ") == std::string::npos)
            << "in clear on the external link: " << d.summary();
      }
    }
    if (d.layers.size() >= 4 && d.layers[1].protocol == "ip" && d.layers[2].protocol == "ip" &&
        d.find("esp") != nullptr) {
      ++triple;
    }
  }
  result.triple_stack_frames = triple;

  // Handoffs A -> B -> A while the CN pings the internal home address every 20 ms.
  const auto before = std::chrono::system_clock::now();
  ping_ = net::ChildProcess({"ping", "-D", "-i", "0.02", "-c", "400", kIHoA}, cn_, (dir_ / "ping.out").string());
  ASSERT_EQ(ping_.start(), "");
  ASSERT_TRUE(poll_until([&] { return parse_ping(read_text(dir_ / "ping.out")).replies.size() >= 20; }, 5000ms));
  move_mn("br-fb", "10.0.3.50/24", "10.0.3.254");
  ASSERT_TRUE(poll_until(
      [&] {
        auto s = mn_state();
        return s["external"].value("care_of_address", "") == "10.0.3.50" && s.value("user_data_allowed", false);
      },
      10000ms))
      << mn_state().dump(2) << logs();
  ASSERT_TRUE(poll_until([&] { return parse_ping(read_text(dir_ / "ping.out")).replies.size() >= 150; }, 8000ms));
  move_mn("br-fa", "10.0.2.50/24", "10.0.2.254");
  ASSERT_TRUE(poll_until(
      [&] {
        auto s = mn_state();
        return s["external"].value("care_of_address", "") == "10.0.2.50" && s.value("user_data_allowed", false);
      },
      10000ms))
      << mn_state().dump(2) << logs();
  ASSERT_TRUE(poll_until([&] { return !ping_.running(); }, 15000ms));
  const PingRun run = parse_ping(read_text(dir_ / "ping.out"));
  const auto after = std::chrono::system_clock::now();
  std::printf("RFC 5265 handoffs A->B->A: %zu of %u echo replies, longest gap %.0f ms (%u lost in it)\n",
              run.replies.size(), run.transmitted, run.longest_gap_s * 1000, run.lost_in_gap);

  // On the gateway's outside link: ESP from the x-HoA throughout, no IKE message, no new ESP SPI.
  wire::SaClassifier sa;
  classify(gw_outside.frames(), sa);
  result.during = sa.between(before, after);
  result.ping = run;
  EXPECT_GT(sa.counts().ike_sa_init, 0u);  // the initial set-up is seen, so the classifier does see IKE here
  std::printf("gateway outside link: %zu IKE messages, %zu new IKE SAs, %zu new ESP SPIs during the handoffs; %zu ESP "
              "packets\n", result.during.ike_messages, result.during.new_ike_sas, result.during.new_esp_spis,
              result.during.esp_packets);
}

TEST_F(Rfc5265Handoffs, OutsideTheIntranetIsReachedThroughTheVpnAndHandoffsNeedNoIke) {
  HandoffResult r;
  run_handoffs({}, r);
  if (HasFatalFailure()) return;
  EXPECT_EQ(r.during.ike_messages, 0u);
  EXPECT_EQ(r.during.new_ike_sas, 0u);
  EXPECT_EQ(r.during.new_esp_spis, 0u);
  EXPECT_GT(r.during.esp_packets, 300u);
  EXPECT_GE(r.ping.replies.size(), 300u) << logs();
  EXPECT_GT(r.triple_stack_frames, 0u) << "no IP-in-IP / IP / UDP / ESP frame on the MN's link";
}

// The same judge fails an MN whose IPsec endpoint is its care-of address (the problem of RFC 4093 4.1).
TEST_F(Rfc5265Handoffs, FaultIpsecEndpointCareOfRenegotiatesOnEveryHandoff) {
  HandoffResult r;
  run_handoffs({"mn-5265-ipsec-endpoint-care-of"}, r);
  if (HasFatalFailure()) return;
  EXPECT_GT(r.during.ike_messages + r.during.new_esp_spis, 0u);
  EXPECT_EQ(r.triple_stack_frames, 0u);  // ESP leaves from the care-of address, outside the x-MIP tunnel
}

// Frames on which an IP header (at any depth decoded without keys) carries `address` as its source or destination.
bool in_clear(const net::Frame& f, const std::string& address) {
  const wire::DecodedFrame d = wire::decode_frame(f.data, wire::LinkType::Ethernet);
  for (const wire::Layer& l : d.layers) {
    if (l.protocol != "ip") continue;
    if (l.summary.find(" " + address + ">") != std::string::npos ||
        l.summary.find(">" + address + " ") != std::string::npos) {
      return true;
    }
  }
  return false;
}

class Rfc5265Inside : public Rfc5265Lab {
 protected:
  // The MN starts on the intranet access link (trusted by the i-HA, x-HA unreachable from there).
  void start_inside(nlohmann::json extra = {}, std::vector<std::string> mn_faults = {},
                    std::vector<std::string> iha_faults = {}) {
    move_mn("br-ia", "10.10.2.50/24", "10.10.2.1");
    start_gateway();
    start_home_agents(iha_faults);
    start_mn(extra, mn_faults);
  }
  bool direct_accepted() {
    return poll_until([&] { return mn_state()["internal_direct"].value("accepted", 0u) > 0; }, 8000ms);
  }
  // Makes the i-HA's registration replies vanish (its data plane keeps working).
  void drop_iha_replies() {
    run(iha_, {"nft", "add", "table", "ip", "mipvpn"});
    run(iha_, {"nft", "add", "chain", "ip", "mipvpn", "out", "{ type filter hook output priority 0; }"});
    run(iha_, {"nft", "add", "rule", "ip", "mipvpn", "out", "udp", "sport", "434", "drop"});
  }
};

// 3.3: "If a response from the i-HA is received and the response contains the Trusted Networks Configured extension
// (Section 3.4), the MN SHOULD determine that it is inside." Inside (mode c) the intranet is reached directly: no IKE.
TEST_F(Rfc5265Inside, TheDirectRegistrationWithTncMeansInsideWithoutTheVpn) {
  start_inside();
  auto& gw_outside = capture(gw_, "eth0", "gw-outside");
  ASSERT_TRUE(wait_placement("inside", true)) << mn_state().dump(2) << logs();
  const nlohmann::json s = mn_state();
  EXPECT_EQ(s["internal_direct"]["care_of_address"], "10.10.2.50");
  EXPECT_FALSE(s["vpn"]["up"].get<bool>());
  EXPECT_FALSE(s["external"].value("registered", true));
  ASSERT_TRUE(cn_pings_internal_home_address()) << logs();
  for (const net::Frame& f : gw_outside.frames()) {
    const wire::DecodedFrame d = wire::decode_frame(f.data, wire::LinkType::Ethernet);
    EXPECT_TRUE(d.find("ike") == nullptr && d.find("esp") == nullptr) << d.summary();
  }
}

// 3.2.3: "The mobile node MUST NOT infer that an interface is connected to the internal network unless [...] the i-HA
// registration reply contained a Trusted Networks Configured extension". An i-HA that leaves it out (its own fault)
// gets a registration, but the MN relays no user data.
TEST_F(Rfc5265Inside, WithoutTncTheMobileNodeRelaysNoUserData) {
  start_inside({}, {}, {"no-tnc-to-trusted-source"});
  ASSERT_TRUE(direct_accepted()) << logs();
  const nlohmann::json s = mn_state();
  EXPECT_FALSE(s["internal_direct"].value("last_accepted_with_tnc", true));
  EXPECT_NE(s.value("placement", ""), "inside");
  EXPECT_FALSE(s.value("user_data_allowed", true));
  EXPECT_FALSE(net::run_command_in(cn_, {"ping", "-c", "2", "-i", "0.2", "-W", "1", kIHoA}, 10000ms).ok()) << logs();
}

TEST_F(Rfc5265Inside, FaultInsideWithoutTncRelaysUserData) {
  start_inside({}, {"mn-5265-inside-without-tnc"}, {"no-tnc-to-trusted-source"});
  ASSERT_TRUE(wait_placement("inside", true)) << logs();
  EXPECT_TRUE(cn_pings_internal_home_address()) << logs();
}

// 3.2.4: "The mobile node MUST NOT send or receive a user data packet if more than T_MONITOR seconds have elapsed
// since the last successful (re-)registration with the i-HA." With T_MONITOR = 6 s and N = 2 s, the MN re-registers
// every 4 s; once the i-HA's replies vanish, user data stops within T_MONITOR.
class Rfc5265TMonitor : public Rfc5265Inside {
 protected:
  // Returns whether the CN still reaches the i-HoA T_MONITOR + 1 s after the replies stopped.
  void run_blocked(const std::vector<std::string>& faults, bool& reachable_after) {
    start_inside({{"rfc5265", {{"t_monitor_s", 6u}, {"grace_s", 2u}}}}, faults);
    ASSERT_TRUE(wait_placement("inside", true)) << logs();
    // Re-registration within T_MONITOR - N (the renewal is due 4 s after the first registration).
    const unsigned first = mn_state()["internal_direct"].value("requests_sent", 0u);
    ASSERT_TRUE(poll_until([&] { return mn_state()["internal_direct"].value("requests_sent", 0u) > first; }, 6000ms))
        << logs();
    ASSERT_TRUE(wait_placement("inside", true, 3000ms)) << logs();
    const auto blocked = std::chrono::steady_clock::now();
    drop_iha_replies();
    ASSERT_TRUE(cn_pings_internal_home_address(1)) << logs();  // the data plane works until T_MONITOR passes
    const bool stopped = poll_until([&] { return !mn_state().value("user_data_allowed", true); }, 8000ms);
    const auto took = std::chrono::steady_clock::now() - blocked;
    std::printf("user data %s %lld ms after the i-HA's replies vanished (T_MONITOR 6 s)\n",
                stopped ? "stopped" : "still allowed",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    reachable_after =
        net::run_command_in(cn_, {"ping", "-c", "2", "-i", "0.2", "-W", "1", kIHoA}, 10000ms).ok();
  }
};

TEST_F(Rfc5265TMonitor, UserDataStopsWithinTMonitorWithoutReRegistration) {
  bool reachable = true;
  run_blocked({}, reachable);
  if (HasFatalFailure()) return;
  EXPECT_FALSE(mn_state().value("user_data_allowed", true));
  EXPECT_FALSE(reachable) << logs();
}

TEST_F(Rfc5265TMonitor, FaultNoTMonitorKeepsRelaying) {
  bool reachable = false;
  run_blocked({"mn-5265-no-t-monitor"}, reachable);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(reachable) << logs();
}

// 3.2.2: on a connection status change the MN MUST "immediately stop relaying user data packets" and "resume data
// traffic only after the internal network detection and necessary registrations and VPN tunnel establishment have
// been completed". The MN pings the CN from its i-HoA while it leaves the intranet for a foreign link: nothing from
// the i-HoA in clear on the foreign link, and the ping resumes through the VPN.
class Rfc5265Leaving : public Rfc5265Inside {
 protected:
  // The frames on the MN's link that carried the i-HoA in clear during the 2 s after the move, and whether the ping
  // got replies through the VPN afterwards.
  void leave(const std::vector<std::string>& faults, size_t& clear_frames, bool& resumed) {
    start_inside({{"rfc5265", {{"detection_period_ms", 300u}}}}, faults);
    ASSERT_TRUE(wait_placement("inside", true)) << logs();
    ping_ = net::ChildProcess({"ping", "-D", "-I", kIHoA, "-i", "0.05", "10.10.0.10"}, mn_,
                              (dir_ / "ping.out").string());
    ASSERT_EQ(ping_.start(), "");
    ASSERT_TRUE(poll_until([&] { return parse_ping(read_text(dir_ / "ping.out")).replies.size() >= 5; }, 5000ms))
        << logs();
    auto& link = capture(mn_, "eth0", "mn-eth0");
    move_mn("br-fa", "10.0.2.50/24", "10.0.2.254");
    const auto moved = std::chrono::system_clock::now();
    const size_t before = parse_ping(read_text(dir_ / "ping.out")).replies.size();
    auto clear = [](const net::Frame& f) { return in_clear(f, kIHoA); };
    if (faults.empty()) {
      // The window that matters ends when the traffic flows again (through the VPN).
      resumed = poll_until(
          [&] { return parse_ping(read_text(dir_ / "ping.out")).replies.size() >= before + 10; }, 10000ms);
    } else {
      (void)link.wait_for(clear, 0, std::chrono::steady_clock::now() + 3s);
    }
    clear_frames = 0;
    for (const net::Frame& f : link.frames_between(moved, std::chrono::system_clock::now())) {
      clear_frames += clear(f) ? 1 : 0;
    }
    std::printf("after leaving the intranet: %zu frames with the i-HoA in clear; ping %s\n", clear_frames,
                resumed ? "resumed through the VPN" : "did not resume");
  }
};

TEST_F(Rfc5265Leaving, NoUserDataInClearAndTheTrafficResumesThroughTheVpn) {
  size_t clear = 1;
  bool resumed = false;
  leave({}, clear, resumed);
  if (HasFatalFailure()) return;
  EXPECT_EQ(clear, 0u) << logs();
  EXPECT_TRUE(resumed) << mn_state().dump(2) << logs();
  EXPECT_EQ(mn_state().value("placement", ""), "outside");
}

TEST_F(Rfc5265Leaving, FaultDataBeforeDetectionLeaksTheInternalHomeAddress) {
  size_t clear = 0;
  bool resumed = false;
  leave({"mn-5265-data-before-detection"}, clear, resumed);
  if (HasFatalFailure()) return;
  EXPECT_GT(clear, 0u) << logs();
}

}  // namespace
}  // namespace mipvpn::agents::test
