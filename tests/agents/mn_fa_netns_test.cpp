// End-to-end (root only): the reference MN registering through the reference FA (mipd --role fa in the router
// namespace, visited link br-fa, care-of address 10.0.2.254) with the reference HA, in the mobility lab of
// mn_netns_fixture.h. Covers agent discovery (advertisements and solicitations), delivery by the FA to the MN's
// link-layer address, reverse tunnelling through the FA (RFC 3024), FA reboot detection (RFC 5944 2.4.4) and a
// handoff between the FA and a co-located care-of address on the second foreign link.
#include "agents/common/arp_socket.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/registration_request.h"
#include "tests/agents/mn_netns_fixture.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using test::poll_until;

class MnFaNetns : public test::MobilityLab {
 protected:
  void SetUp() override {
    MobilityLab::SetUp();
    if (IsSkipped()) return;
    // Through a foreign agent the mobile node needs no address of the foreign link.
    run(mn_, {"ip", "addr", "flush", "dev", "eth0"});
  }
  void TearDown() override {
    for (net::ChildProcess* p : {&fa_process_, &fb_process_}) {
      if (p->started() && p->running()) p->stop(2000ms);
    }
    MobilityLab::TearDown();
  }

  // A second foreign agent on the second foreign link: namespace "fb" whose eth1 (10.0.3.254/24, care-of address)
  // is a port of br-fb and whose eth0 (10.0.8.2/24) is linked to the router (10.0.8.1/24). The router's own port on
  // br-fb is removed, so FA B is the only agent and router of that link:
  //   HA 10.0.1.1 ═ 10.0.9.2 rt ─ 10.0.8.1 ═ 10.0.8.2 fb 10.0.3.254 ─ br-fb
  void add_foreign_agent_b_namespace() {
    run(rt_, {"ip", "link", "del", "eth2"});
    fb_ = add_ns("fb");
    port(fb_, "eth1", "10.0.3.254/24", "p-fb", "br-fb");
    veth(rt_, "eth3", "10.0.8.1/24", fb_, "eth0", "10.0.8.2/24");
    run(rt_, {"ip", "route", "add", "10.0.3.0/24", "via", "10.0.8.2"});
    run(ha_, {"ip", "route", "add", "10.0.8.0/24", "via", "10.0.9.2"});
    run(fb_, {"ip", "route", "add", "default", "via", "10.0.8.1"});
    run(fb_, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
  }
  void start_fb(nlohmann::json patch = {}, std::vector<std::string> faults = {}) {
    nlohmann::json cfg = {{"role", "fa"},
                          {"interfaces",
                           {{"visited", {{"name", "eth1"}, {"address", "10.0.3.254/24"}}},
                            {"upstream", {{"name", "eth0"}, {"address", "10.0.8.2/24"}}}}},
                          {"care_of_addresses", {"10.0.3.254"}},
                          {"advertisement", {{"interval_ms", 1000u}, {"lifetime", 3u}, {"min_gap_ms", 100u}}},
                          {"max_registration_lifetime", 600u},
                          {"reverse_tunnelling", "offered"},
                          {"control_socket", (dir_ / "fb.sock").string()},
                          {"data_plane", {{"tunnel_device", "mipfa0"}}}};
    if (!patch.is_null()) cfg.merge_patch(patch);
    start(fb_process_, fb_, "fa", cfg, faults, "fb");
  }
  nlohmann::json visitors(const std::string& socket_name) {
    auto text = test::control_query((dir_ / socket_name).string(), "visitors");
    return text ? nlohmann::json::parse(*text)["visitors"] : nlohmann::json();
  }

  void start_fa(nlohmann::json patch = {}) {
    nlohmann::json cfg = {{"role", "fa"},
                          {"interfaces",
                           {{"visited", {{"name", "eth1"}, {"address", "10.0.2.254/24"}}},
                            {"upstream", {{"name", "eth0"}, {"address", "10.0.9.2/24"}}}}},
                          {"care_of_addresses", {"10.0.2.254"}},
                          {"advertisement", {{"interval_ms", 1000u}, {"lifetime", 3u}}},
                          {"max_registration_lifetime", 600u},
                          {"reverse_tunnelling", "offered"},
                          {"control_socket", (dir_ / "fa.sock").string()},
                          {"data_plane", {{"tunnel_device", "mipfa0"}}}};
    if (!patch.is_null()) cfg.merge_patch(patch);
    start(fa_process_, rt_, "fa", cfg, {});
  }
  std::string all_logs() const {
    return logs() + "--- fa.log\n" + log_text("fa") + (fb_.empty() ? "" : "--- fb.log\n" + log_text("fb"));
  }
  MacAddress mac_of(const std::string& ns, const std::string& iface) {
    return net::in_netns(ns, [&] { return ArpSocket(iface).mac(); });
  }
  // A link-layer handoff: carrier lost, the port moved to another bridge, addresses changed, carrier back.
  void handoff(const std::string& bridge, const std::string& address, const std::string& gateway) {
    run(sw_, {"ip", "link", "set", "p-mn", "down"});
    run(sw_, {"ip", "link", "set", "p-mn", "master", bridge});
    run(mn_, {"ip", "addr", "flush", "dev", "eth0"});
    if (!address.empty()) run(mn_, {"ip", "addr", "add", address, "dev", "eth0"});
    run(sw_, {"ip", "link", "set", "p-mn", "up"});
    if (!gateway.empty()) {
      ASSERT_TRUE(poll_until([&] { return net::run_command_in(mn_, {"ip", "route", "replace", "default", "via",
                                                                     gateway}).ok(); }, 3000ms));
    }
  }
  bool wait_registered_via_fa(std::chrono::milliseconds timeout = 8000ms) {
    return poll_until(
        [&] {
          auto s = mn_state();
          return s.value("registered", false) && s["agent"] == "10.0.2.254" && s["care_of_address"] == "10.0.2.254";
        },
        timeout);
  }

  // The first IP-in-IP packet on `c` (from index `from`) from the HA to `coa` carrying an echo request to the home
  // address (RFC 5944 4.2.2: the home agent tunnels to the foreign agent's care-of address).
  std::optional<net::Frame> tunnelled_to(net::SegmentCapture& c, const std::string& coa, uint64_t from) {
    return c.wait_for(
        [&](const net::Frame& f) {
          auto ip = test::ip_of(f);
          auto o = parse_ipv4_header(ip);
          if (!o || o->protocol != kProtoIpInIp || o->source != Tins::IPv4Address("10.0.1.1") ||
              o->destination != Tins::IPv4Address(coa)) {
            return false;
          }
          auto i = parse_ipv4_header(ipv4_payload(ip, *o));
          return i && i->protocol == kProtoIcmp && i->destination == Tins::IPv4Address(kHoA);
        },
        from, std::chrono::steady_clock::now() + 3s);
  }
  // The first plain (not encapsulated) echo request to the home address in a frame to `mn_mac` sent by `fa_mac`
  // (RFC 5944 4.2.2: the foreign agent delivers to the mobile node by its link-layer address).
  static std::optional<net::Frame> delivered_to(net::SegmentCapture& c, const MacAddress& fa_mac,
                                                const MacAddress& mn_mac, uint64_t from) {
    return c.wait_for(
        [&](const net::Frame& f) {
          auto h = parse_ipv4_header(test::ip_of(f));
          MacAddress d{};
          std::copy(f.data.begin(), f.data.begin() + 6, d.begin());
          return h && h->protocol == kProtoIcmp && h->destination == Tins::IPv4Address(kHoA) && d == mn_mac &&
                 test::eth_source(f) == fa_mac;
        },
        from, std::chrono::steady_clock::now() + 3s);
  }
  // RFC 5944 4.2.2: "A foreign agent MUST NOT use broadcast ARP for a mobile node's MAC address on a foreign
  // network." Every ARP request the agent (`fa_mac`) sent on its link for the home address, broadcast or not.
  static std::vector<std::string> arp_for_home_address(const net::SegmentCapture& c, const MacAddress& fa_mac) {
    std::vector<std::string> found;
    for (const net::Frame& f : c.frames(0)) {
      auto a = test::arp_of(f);
      if (a && test::eth_source(f) == fa_mac && a->operation == kArpRequest &&
          a->target_ip == Tins::IPv4Address(kHoA)) {
        found.push_back(a->to_string());
      }
    }
    return found;
  }
  // Registration messages (UDP 434) with IP source `source` on `c` from index `from`.
  static size_t registration_messages_from(const net::SegmentCapture& c, const std::string& source, uint64_t from) {
    size_t n = 0;
    for (const net::Frame& f : c.frames(from)) {
      auto u = test::udp434_of(f);
      if (u && u->ip.source == Tins::IPv4Address(source)) ++n;
    }
    return n;
  }

  net::ChildProcess fa_process_, fb_process_;
  std::string fb_;
};

TEST_F(MnFaNetns, RegistersThroughTheForeignAgentAndTheCorrespondentReachesTheHomeAddress) {
  auto& foreign = capture(sw_, "br-fa", "foreign-a");
  start_ha();
  start_fa();
  start_mn({{"mode", "fa"}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  const auto b = ha_bindings();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["care_of_address"], "10.0.2.254");

  // The request as RFC 5944 3.6.1.1 wants it: from the home address to the advertisement's source, in a frame to the
  // advertisement's link-layer source, no D bit, TTL 255.
  const MacAddress fa_mac = mac_of(rt_, "eth1");
  const MacAddress mn_mac = mac_of(mn_, "eth0");
  auto rrq = foreign.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        return u && u->destination_port == 434 && !u->payload.empty() && u->payload[0] == 1 &&
               u->ip.source == Tins::IPv4Address("10.0.1.100");
      },
      0, std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(rrq);
  MacAddress dst{};
  std::copy(rrq->data.begin(), rrq->data.begin() + 6, dst.begin());
  EXPECT_EQ(dst, fa_mac);
  const auto u = *test::udp434_of(*rrq);
  EXPECT_EQ(u.ip.destination, Tins::IPv4Address("10.0.2.254"));
  EXPECT_EQ(u.ip.ttl, 255);
  auto req = wire::RegistrationRequest::decode(u.payload).value();
  EXPECT_FALSE(req.d());
  EXPECT_EQ(req.care_of_address(), Tins::IPv4Address("10.0.2.254"));
  EXPECT_LE(req.lifetime(), 600) << "not above the advertised Registration Lifetime";

  // CN -> HoA: tunnelled to the FA, delivered to the MN's MAC without encapsulation.
  const uint64_t from = foreign.frame_count();
  const auto r = ping(cn_, {"-c", "3", "-i", "0.2", "-W", "2", kHoA});
  EXPECT_TRUE(r.ok()) << r.out << r.err << all_logs();
  auto delivered = foreign.wait_for(
      [&](const net::Frame& f) {
        auto h = parse_ipv4_header(test::ip_of(f));
        MacAddress d{};
        std::copy(f.data.begin(), f.data.begin() + 6, d.begin());
        return h && h->protocol == kProtoIcmp && h->destination == Tins::IPv4Address(kHoA) && d == mn_mac;
      },
      from, std::chrono::steady_clock::now() + 2s);
  EXPECT_TRUE(delivered) << "echo request delivered to the MN's link-layer address";
  // Away, the mobile node sent no broadcast ARP at all (RFC 5944 4.6).
  for (const net::Frame& f : foreign.frames_between(std::chrono::system_clock::time_point{},
                                                    std::chrono::system_clock::now())) {
    auto a = test::arp_of(f);
    MacAddress d{};
    std::copy(f.data.begin(), f.data.begin() + 6, d.begin());
    EXPECT_FALSE(a && test::eth_source(f) == mn_mac && d == kBroadcastMac) << "broadcast ARP from the MN: "
                                                                           << a->to_string();
  }
}

TEST_F(MnFaNetns, ReverseTunnelThroughTheForeignAgent) {
  auto& upstream = capture(rt_, "eth0", "upstream");
  start_ha();
  start_fa();
  start_mn({{"mode", "fa"}, {"reverse_tunnelling", true}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  EXPECT_EQ(mn_state()["reverse_tunnel"], true) << "T requested: the FA advertises T";
  const auto r = ping(mn_, {"-c", "3", "-i", "0.2", "-W", "2", "-I", kHoA, kCn});
  EXPECT_TRUE(r.ok()) << r.out << r.err << all_logs();
  // RFC 3024 5.1.2: the FA tunnels it from its care-of address to the home agent.
  auto t = upstream.wait_for(
      [](const net::Frame& f) {
        auto ip = test::ip_of(f);
        auto o = parse_ipv4_header(ip);
        if (!o || o->protocol != kProtoIpInIp || o->source != Tins::IPv4Address("10.0.2.254") ||
            o->destination != Tins::IPv4Address("10.0.1.1")) {
          return false;
        }
        auto i = parse_ipv4_header(ipv4_payload(ip, *o));
        return i && i->source == Tins::IPv4Address(kHoA) && i->destination == Tins::IPv4Address(kCn);
      },
      0, std::chrono::steady_clock::now() + 3s);
  EXPECT_TRUE(t) << "no reverse tunnel from the FA's care-of address";
}

TEST_F(MnFaNetns, SolicitsWhenTheAgentOnlyAnswersSolicitations) {
  auto& foreign = capture(sw_, "br-fa", "foreign-a");
  start_ha();
  start_fa({{"advertisement", {{"interval_ms", 0u}}}});
  start_mn({{"mode", "fa"}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  auto sol = foreign.wait_for(
      [](const net::Frame& f) {
        auto ip = test::ip_of(f);
        auto h = parse_ipv4_header(ip);
        if (!h || h->protocol != kProtoIcmp) return false;
        auto icmp = ipv4_payload(ip, *h);
        return !icmp.empty() && icmp[0] == wire::AgentSolicitation::kIcmpType;
      },
      0, std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(sol);
  const auto h = *parse_ipv4_header(test::ip_of(*sol));
  EXPECT_EQ(h.ttl, 1) << "RFC 5944 2.2";
  EXPECT_EQ(h.destination, Tins::IPv4Address("224.0.0.2"));
  EXPECT_TRUE(wire::AgentSolicitation::decode(ipv4_payload(test::ip_of(*sol), h)));
  EXPECT_GE(mn_state()["solicitations_sent"].get<unsigned>(), 1u);
}

TEST_F(MnFaNetns, ForeignAgentRebootMakesTheMobileNodeRegisterAgain) {
  start_ha();
  start_fa();
  start_mn({{"mode", "fa"}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  const unsigned before = mn_state()["requests_sent"].get<unsigned>();
  // Restarted, the agent begins again at sequence number 0 (2.3.2) and has forgotten its visitors.
  fa_process_.stop(2000ms);
  start_fa();
  ASSERT_TRUE(poll_until([&] { return mn_state()["requests_sent"].get<unsigned>() > before; }, 5000ms))
      << all_logs();
  EXPECT_NE(log_text("mn").find("rebooted"), std::string::npos) << log_text("mn");
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  const auto r = ping(cn_, {"-c", "2", "-i", "0.2", "-W", "2", kHoA});
  EXPECT_TRUE(r.ok()) << r.out << all_logs();
}

TEST_F(MnFaNetns, HandoffBetweenTheForeignAgentAndACoLocatedCareOfAddress) {
  start_ha();
  // Answers to solicitations may follow 100 ms after the last multicast advertisement (RFC 5944 2.3 rate limit).
  start_fa({{"advertisement", {{"interval_ms", 1000u}, {"lifetime", 3u}, {"min_gap_ms", 100u}}}});
  start_mn({{"mode", "auto"}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();

  // FA (link A) -> co-located 10.0.3.50 (link B), then back to the FA.
  struct Leg {
    const char* name;
    std::string bridge, address, gateway, coa;
  };
  const Leg legs[] = {{"FA A->colocated B", "br-fb", "10.0.3.50/24", "10.0.3.254", "10.0.3.50"},
                      {"colocated B->FA A", "br-fa", "", "", "10.0.2.254"}};
  for (const Leg& leg : legs) {
    const std::string ping_log = (dir_ / (std::string("ping-") + leg.bridge + ".txt")).string();
    net::ChildProcess pinger({"ping", "-D", "-i", "0.01", "-W", "1", "-w", "5", kHoA}, cn_, ping_log);
    ASSERT_EQ(pinger.start(), "");
    ASSERT_TRUE(poll_until([&] { return test::parse_ping(read_file(ping_log)).replies.size() >= 20; }, 3000ms))
        << read_file(ping_log) << all_logs();
    handoff(leg.bridge, leg.address, leg.gateway);
    ASSERT_TRUE(wait_registered(leg.coa)) << leg.name << "\n" << all_logs();
    ASSERT_TRUE(pinger.wait(12000ms));
    const auto p = test::parse_ping(read_file(ping_log));
    ASSERT_FALSE(p.replies.empty());
    EXPECT_GT(p.replies.back().second - p.replies.front().second, 4.0) << leg.name << ": pings resume";
    std::printf("[handoff %s] %u echo requests, %zu replies, longest gap between replies %.1f ms (%u lost there); "
                "command: ping -D -i 0.01 -W 1 -w 5 %s\n",
                leg.name, p.transmitted, p.replies.size(), p.longest_gap_s * 1000, p.lost_in_gap, kHoA);
    RecordProperty(std::string("gap_ms ") + leg.name, std::to_string(p.longest_gap_s * 1000));
  }
  EXPECT_EQ(mn_state()["agent"], "10.0.2.254");
}

// RFC 5944 handoff between two foreign agents and back home while the correspondent pings the home address every
// 20 ms: FA A (rt, care-of address 10.0.2.254, link br-fa) -> FA B (fb, 10.0.3.254, br-fb) -> home.
TEST_F(MnFaNetns, HandoffFromForeignAgentToForeignAgentAndBackHome) {
  add_foreign_agent_b_namespace();
  ASSERT_FALSE(HasFatalFailure());
  auto& foreign_a = capture(sw_, "br-fa", "foreign-a");
  auto& foreign_b = capture(sw_, "br-fb", "foreign-b");
  auto& home = capture(sw_, "br-home", "home");
  auto& upstream_a = capture(rt_, "eth0", "upstream-a");  // HA <-> rt: the tunnel to FA A's care-of address
  auto& upstream_b = capture(fb_, "eth0", "upstream-b");  // rt <-> fb: the tunnel to FA B's care-of address
  start_ha();
  // FA A grants at most 8 s, so its visitor entry for the departed mobile node runs out during the test.
  start_fa({{"advertisement", {{"interval_ms", 1000u}, {"lifetime", 3u}, {"min_gap_ms", 100u}}},
            {"max_registration_lifetime", 8u}});
  start_fb();
  start_mn({{"mode", "fa"}});
  ASSERT_TRUE(wait_registered_via_fa()) << all_logs();
  ASSERT_EQ(ha_bindings().size(), 1u);
  EXPECT_EQ(ha_bindings()[0]["care_of_address"], "10.0.2.254");
  const MacAddress mn_mac = mac_of(mn_, "eth0");
  const MacAddress fa_mac = mac_of(rt_, "eth1");
  const MacAddress fb_mac = mac_of(fb_, "eth1");

  struct Leg {
    const char* name;
    std::string bridge, address;
  };
  const auto wall_now = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  // One leg: ping every 20 ms, move once 20 replies came back, wait for `moved`, then the whole run (5 s).
  const auto leg = [&](const Leg& l, const std::function<bool()>& moved) -> std::optional<test::PingRun> {
    const std::string ping_log = (dir_ / (std::string("ping-") + l.bridge + ".txt")).string();
    net::ChildProcess pinger({"ping", "-D", "-i", "0.02", "-W", "1", "-w", "5", kHoA}, cn_, ping_log);
    EXPECT_EQ(pinger.start(), "");
    if (!poll_until([&] { return test::parse_ping(read_file(ping_log)).replies.size() >= 20; }, 3000ms)) {
      ADD_FAILURE() << l.name << ": no replies before the move\n" << read_file(ping_log) << all_logs();
      return std::nullopt;
    }
    handoff(l.bridge, l.address, "");
    if (!moved()) {
      ADD_FAILURE() << l.name << ": not registered after the move\n" << all_logs();
      return std::nullopt;
    }
    const double registered_at = wall_now();
    EXPECT_TRUE(pinger.wait(12000ms));
    const auto p = test::parse_ping(read_file(ping_log));
    EXPECT_FALSE(p.replies.empty());
    if (p.replies.empty()) return std::nullopt;
    EXPECT_GT(p.replies.back().second, registered_at) << l.name << ": replies resume after the registration";
    EXPECT_GT(p.replies.back().second - p.replies.front().second, 4.0) << l.name << ": replies resume";
    std::printf("[handoff %s] %u echo requests, %zu replies, %u lost, longest gap between replies %.1f ms (%u lost "
                "there); command: ping -D -i 0.02 -W 1 -w 5 %s\n",
                l.name, p.transmitted, p.replies.size(), p.lost, p.longest_gap_s * 1000, p.lost_in_gap, kHoA);
    RecordProperty(std::string("gap_ms ") + l.name, std::to_string(p.longest_gap_s * 1000));
    return p;
  };

  // At FA A: tunnelled to its care-of address, delivered by link-layer address.
  {
    const uint64_t up = upstream_a.frame_count(), vis = foreign_a.frame_count();
    const auto r = ping(cn_, {"-c", "2", "-i", "0.2", "-W", "2", kHoA});
    EXPECT_TRUE(r.ok()) << r.out << all_logs();
    EXPECT_TRUE(tunnelled_to(upstream_a, "10.0.2.254", up)) << "no IP-in-IP HA -> FA A care-of address";
    EXPECT_TRUE(delivered_to(foreign_a, fa_mac, mn_mac, vis)) << "FA A did not deliver to the MN's MAC";
  }

  // FA A -> FA B.
  const uint64_t a_after_move = upstream_a.frame_count(), a_link_after_move = foreign_a.frame_count();
  const uint64_t b_up = upstream_b.frame_count(), b_vis = foreign_b.frame_count();
  const auto ab = leg({"FA A->FA B", "br-fb", ""}, [&] {
    return poll_until(
        [&] {
          auto s = mn_state();
          return s.value("registered", false) && s["agent"] == "10.0.3.254" && s["care_of_address"] == "10.0.3.254";
        },
        8000ms);
  });
  ASSERT_TRUE(ab);
  auto b = ha_bindings();
  ASSERT_EQ(b.size(), 1u) << b.dump();
  EXPECT_EQ(b[0]["care_of_address"], "10.0.3.254") << "the HA binds FA B's care-of address";
  auto vb = visitors("fb.sock");
  ASSERT_EQ(vb.size(), 1u) << vb.dump();
  EXPECT_EQ(vb[0]["home_address"], kHoA);
  EXPECT_EQ(vb[0]["link_layer_address"], mac_to_string(mn_mac));
  EXPECT_TRUE(tunnelled_to(upstream_b, "10.0.3.254", b_up)) << "no IP-in-IP HA -> FA B care-of address";
  EXPECT_TRUE(delivered_to(foreign_b, fb_mac, mn_mac, b_vis)) << "FA B did not deliver to the MN's MAC";

  // The old visitor entry: nobody tells FA A (RFC 5944 has no deregistration through the old agent, and 3.7 "a
  // foreign agent MUST NOT generate a Registration Request or Reply because a mobile node's registration Lifetime
  // has expired"); it expires with the lifetime FA A granted (3.7.3.2: at most its maximum, here 8 s).
  ASSERT_TRUE(poll_until([&] { return visitors("fa.sock").empty(); }, 10000ms))
      << visitors("fa.sock").dump() << "\n" << log_text("fa");
  EXPECT_NE(log_text("fa").find("timer visitor "), std::string::npos) << log_text("fa");
  EXPECT_EQ(registration_messages_from(upstream_a, "10.0.2.254", a_after_move), 0u)
      << "FA A originated a registration message after the mobile node left";
  EXPECT_EQ(registration_messages_from(foreign_a, "10.0.2.254", a_link_after_move), 0u)
      << "FA A sent a registration message on its link after the mobile node left";

  // FA B -> home: gratuitous ARP before the deregistration, no binding left.
  const uint64_t home_from = home.frame_count();
  const auto bh = leg({"FA B->home", "br-home", "10.0.1.100/24"}, [&] { return wait_home(); });
  ASSERT_TRUE(bh);
  EXPECT_TRUE(ha_bindings().empty()) << ha_bindings().dump();
  auto garp = home.wait_for(
      [&](const net::Frame& f) {
        auto a = test::arp_of(f);
        return a && a->sender_ip == Tins::IPv4Address(kHoA) && a->target_ip == Tins::IPv4Address(kHoA) &&
               a->sender_mac == mn_mac && test::eth_source(f) == mn_mac;
      },
      home_from, std::chrono::steady_clock::now() + 2s);
  auto dereg = home.wait_for(
      [&](const net::Frame& f) {
        auto u = test::udp434_of(f);
        if (!u || u->destination_port != 434 || u->payload.empty() || u->payload[0] != 1) return false;
        auto r = wire::RegistrationRequest::decode(u->payload);
        return r && r.value().lifetime() == 0;
      },
      home_from, std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(garp) << "no gratuitous ARP from the mobile node at home";
  ASSERT_TRUE(dereg) << "no deregistration at home";
  EXPECT_LT(garp->index, dereg->index) << "RFC 5944 4.6: gratuitous ARP before the deregistration";

  // Neither agent ever asked the link for the mobile node's MAC (RFC 5944 4.2.2).
  EXPECT_TRUE(arp_for_home_address(foreign_a, fa_mac).empty()) << arp_for_home_address(foreign_a, fa_mac)[0];
  EXPECT_TRUE(arp_for_home_address(foreign_b, fb_mac).empty()) << arp_for_home_address(foreign_b, fb_mac)[0];
}

}  // namespace
}  // namespace mipvpn::agents
