// End-to-end (root only): the reference HA and the reference MN (mipd --role mn, co-located care-of address) in the
// mobility lab of mn_netns_fixture.h. A correspondent node on the home link pings the home address through the
// IP-in-IP tunnel, across a handoff to a second foreign link and back home; the captures show the encapsulation, the
// registration's IP fields and the gratuitous ARP before the deregistration (RFC 5944 4.6).
#include "agents/common/arp_socket.h"
#include "harness/wire/registration_request.h"
#include "tests/agents/mn_netns_fixture.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using test::poll_until;

class MnColocatedNetns : public test::MobilityLab {
 protected:
  // The first IP-in-IP packet on `c` from `outer_src` to `outer_dst` whose inner packet matches.
  std::optional<std::pair<Ipv4Header, Ipv4Header>> tunnelled(net::SegmentCapture& c, const std::string& outer_src,
                                                              const std::string& outer_dst, uint8_t inner_protocol,
                                                              const std::string& inner_src, uint64_t from = 0) {
    std::optional<std::pair<Ipv4Header, Ipv4Header>> found;
    c.wait_for(
        [&](const net::Frame& f) {
          auto ip = test::ip_of(f);
          auto o = parse_ipv4_header(ip);
          if (!o || o->protocol != kProtoIpInIp || o->source != Tins::IPv4Address(outer_src) ||
              o->destination != Tins::IPv4Address(outer_dst)) {
            return false;
          }
          auto i = parse_ipv4_header(ipv4_payload(ip, *o));
          if (!i || i->protocol != inner_protocol || i->source != Tins::IPv4Address(inner_src)) return false;
          found = std::make_pair(*o, *i);
          return true;
        },
        from, std::chrono::steady_clock::now() + 3s);
    return found;
  }
};

TEST_F(MnColocatedNetns, RegistersAndTheCorrespondentPingsTheHomeAddressThroughTheTunnel) {
  auto& foreign = capture(sw_, "br-fa", "foreign-a");
  start_ha();
  start_mn();
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  const auto b = ha_bindings();
  ASSERT_EQ(b.size(), 1u) << b.dump();
  EXPECT_EQ(b[0]["care_of_address"], "10.0.2.50");

  // The request on the foreign link: from the care-of address (RFC 5944 3.6.1.1), TTL 255 (RFC 3024 3.2), D set.
  auto rrq = foreign.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        return u && u->destination_port == 434 && !u->payload.empty() && u->payload[0] == 1;
      },
      0, std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(rrq);
  const auto u = *test::udp434_of(*rrq);
  EXPECT_EQ(u.ip.source, Tins::IPv4Address("10.0.2.50"));
  EXPECT_EQ(u.ip.destination, Tins::IPv4Address("10.0.1.1"));
  EXPECT_EQ(u.ip.ttl, 255);
  auto req = wire::RegistrationRequest::decode(u.payload);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req.value().d());
  EXPECT_EQ(req.value().care_of_address(), Tins::IPv4Address("10.0.2.50"));

  const uint64_t before = foreign.frame_count();
  const auto r = ping(cn_, {"-c", "3", "-i", "0.2", "-W", "2", kHoA});
  EXPECT_TRUE(r.ok()) << r.out << r.err << logs();
  // The echo request crossed the foreign link IP-in-IP from the HA to the care-of address (RFC 2003).
  auto t = tunnelled(foreign, "10.0.1.1", "10.0.2.50", kProtoIcmp, kCn, before);
  ASSERT_TRUE(t) << "no IP-in-IP echo request in the foreign capture";
  EXPECT_EQ(t->second.destination, Tins::IPv4Address(kHoA));
}

TEST_F(MnColocatedNetns, DoesNotAnswerArpForTheHomeAddressAway) {
  start_ha();
  start_mn();
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  auto rt_arp = net::in_netns(rt_, [] { return std::make_unique<ArpSocket>("eth1"); });
  auto asks = [&](const char* target) {
    ArpPacket q;
    q.sender_mac = rt_arp->mac();
    q.sender_ip = Tins::IPv4Address("10.0.2.254");
    q.target_ip = Tins::IPv4Address(target);
    EXPECT_EQ(rt_arp->send(q, kBroadcastMac), 0);
    return poll_until(
        [&] {
          while (auto a = rt_arp->receive()) {
            if (!a->outgoing && a->arp.operation == kArpReply && a->arp.sender_ip == Tins::IPv4Address(target)) {
              return true;
            }
          }
          return false;
        },
        1000ms);
  };
  EXPECT_TRUE(asks("10.0.2.50")) << "the co-located care-of address SHOULD be answered (RFC 5944 4.6)";
  EXPECT_FALSE(asks(kHoA)) << "RFC 5944 4.6: MUST NOT reply for the home address while away";
}

TEST_F(MnColocatedNetns, AnswersArpForTheHomeAddressAwayOnlyWithTheFault) {
  start_ha();
  start_mn({}, {"mn-answer-arp-while-away"});
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  auto rt_arp = net::in_netns(rt_, [] { return std::make_unique<ArpSocket>("eth1"); });
  ArpPacket q;
  q.sender_mac = rt_arp->mac();
  q.sender_ip = Tins::IPv4Address("10.0.2.254");
  q.target_ip = Tins::IPv4Address(kHoA);
  ASSERT_EQ(rt_arp->send(q, kBroadcastMac), 0);
  EXPECT_TRUE(poll_until(
      [&] {
        while (auto a = rt_arp->receive()) {
          if (!a->outgoing && a->arp.operation == kArpReply && a->arp.sender_ip == Tins::IPv4Address(kHoA)) return true;
        }
        return false;
      },
      1000ms));
}

TEST_F(MnColocatedNetns, HandoffToASecondForeignLinkAndBackHome) {
  auto& foreign_b = capture(sw_, "br-fb", "foreign-b");
  auto& home = capture(sw_, "br-home", "home");
  start_ha();
  start_mn();
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();

  // A -> B while the CN pings every 10 ms.
  const std::string ping_log = (dir_ / "ping-ab.txt").string();
  net::ChildProcess pinger({"ping", "-D", "-i", "0.01", "-W", "1", "-w", "4", kHoA}, cn_, ping_log);
  ASSERT_EQ(pinger.start(), "");
  ASSERT_TRUE(poll_until([&] { return test::parse_ping(read_file(ping_log)).replies.size() >= 20; }, 3000ms))
      << read_file(ping_log) << logs();
  move_mn("br-fb", "10.0.3.50/24", "10.0.3.254");
  ASSERT_TRUE(wait_registered("10.0.3.50")) << logs();
  EXPECT_EQ(ha_bindings()[0]["care_of_address"], "10.0.3.50");
  ASSERT_TRUE(pinger.wait(10000ms));
  const auto ab = test::parse_ping(read_file(ping_log));
  ASSERT_GE(ab.replies.size(), 40u) << read_file(ping_log);
  EXPECT_GT(ab.replies.back().second - ab.replies.front().second, 3.0) << "pings resume after the handoff";
  std::printf("[handoff A->B] %u echo requests, %zu replies, longest gap between replies %.1f ms (%u lost there); "
              "command: ping -D -i 0.01 -W 1 -w 4 %s\n",
              ab.transmitted, ab.replies.size(), ab.longest_gap_s * 1000, ab.lost_in_gap, kHoA);
  RecordProperty("handoff_ab_longest_gap_ms", std::to_string(ab.longest_gap_s * 1000));
  EXPECT_LT(ab.longest_gap_s, 1.5) << "outage above 1.5 s";
  auto t = tunnelled(foreign_b, "10.0.1.1", "10.0.3.50", kProtoIcmp, kCn);
  EXPECT_TRUE(t) << "echo requests tunnelled to the new care-of address";

  // B -> home: gratuitous ARP, then the deregistration (RFC 5944 4.6, 2.4.3).
  const std::string ping_home = (dir_ / "ping-home.txt").string();
  net::ChildProcess pinger2({"ping", "-D", "-i", "0.01", "-W", "1", "-w", "4", kHoA}, cn_, ping_home);
  ASSERT_EQ(pinger2.start(), "");
  ASSERT_TRUE(poll_until([&] { return test::parse_ping(read_file(ping_home)).replies.size() >= 20; }, 3000ms));
  const uint64_t home_from = home.frame_count();
  move_mn("br-home", "10.0.1.100/24", "");
  ASSERT_TRUE(wait_home()) << logs();
  EXPECT_TRUE(ha_bindings().empty()) << ha_bindings().dump();
  ASSERT_TRUE(pinger2.wait(10000ms));
  const auto bh = test::parse_ping(read_file(ping_home));
  std::printf("[handoff B->home] %u echo requests, %zu replies, longest gap between replies %.1f ms (%u lost there); "
              "command: ping -D -i 0.01 -W 1 -w 4 %s\n",
              bh.transmitted, bh.replies.size(), bh.longest_gap_s * 1000, bh.lost_in_gap, kHoA);
  RecordProperty("handoff_home_longest_gap_ms", std::to_string(bh.longest_gap_s * 1000));
  EXPECT_GT(bh.replies.back().second - bh.replies.front().second, 3.0);

  const MacAddress mn_mac = net::in_netns(mn_, [] { return ArpSocket("eth0").mac(); });
  const auto [garp, dereg] = return_home_frames(home, home_from, mn_mac);
  ASSERT_TRUE(garp) << "no gratuitous ARP from the mobile node";
  ASSERT_TRUE(dereg) << "no deregistration";
  EXPECT_LT(garp->index, dereg->index) << "RFC 5944 4.6: the gratuitous ARP comes before the (de)Registration Request";
  const auto d = *test::udp434_of(*dereg);
  auto r = wire::RegistrationRequest::decode(d.payload).value();
  EXPECT_EQ(r.care_of_address(), Tins::IPv4Address(kHoA)) << "3.6.1.2: deregister all";
  EXPECT_EQ(d.ip.source, Tins::IPv4Address(kHoA));

  // At home the echo is answered directly: the CN's ARP entry names the mobile node's own MAC.
  const auto direct = ping(cn_, {"-c", "2", "-i", "0.2", "-W", "2", kHoA});
  EXPECT_TRUE(direct.ok()) << direct.out;
  const std::string neigh = output(cn_, {"ip", "neigh", "show", kHoA});
  EXPECT_NE(neigh.find(mac_to_string(mn_mac)), std::string::npos) << neigh;
}

TEST_F(MnColocatedNetns, NoGratuitousArpAtHomeWithTheFault) {
  auto& home = capture(sw_, "br-home", "home");
  start_ha();
  start_mn({}, {"mn-no-gratuitous-arp-at-home"});
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  const MacAddress mn_mac = net::in_netns(mn_, [] { return ArpSocket("eth0").mac(); });
  const uint64_t from = home.frame_count();
  move_mn("br-home", "10.0.1.100/24", "");
  ASSERT_TRUE(wait_home()) << logs();
  auto garp = home.wait_for(
      [&](const net::Frame& f) {
        auto a = test::arp_of(f);
        return a && a->sender_ip == Tins::IPv4Address(kHoA) && a->target_ip == Tins::IPv4Address(kHoA) &&
               test::eth_source(f) == mn_mac;
      },
      from, std::chrono::steady_clock::now() + 1s);
  EXPECT_FALSE(garp) << "the fault sends no gratuitous ARP";
}

TEST_F(MnColocatedNetns, ReverseTunnelCarriesTheMobileNodesOwnTraffic) {
  auto& foreign = capture(sw_, "br-fa", "foreign-a");
  start_ha();
  start_mn({{"reverse_tunnelling", true}});
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  EXPECT_EQ(mn_state()["reverse_tunnel"], true);
  const auto r = ping(mn_, {"-c", "3", "-i", "0.2", "-W", "2", "-I", kHoA, kCn});
  EXPECT_TRUE(r.ok()) << r.out << r.err << logs();
  // RFC 3024: outer source the care-of address, outer destination the home agent, inner source the home address.
  auto t = tunnelled(foreign, "10.0.2.50", "10.0.1.1", kProtoIcmp, kHoA);
  ASSERT_TRUE(t) << "no reverse-tunnelled echo request";
  EXPECT_EQ(t->second.destination, Tins::IPv4Address(kCn));
}

TEST_F(MnColocatedNetns, LosingTheTunnelDeviceEndsTheMobileNodeWithAMessage) {
  start_ha();
  start_mn();
  ASSERT_TRUE(wait_registered("10.0.2.50")) << logs();
  run(mn_, {"ip", "link", "del", "mn0"});
  auto st = mn_process_.wait(5000ms);
  ASSERT_TRUE(st) << "the mobile node kept running without its TUN device";
  EXPECT_TRUE(st->exited);
  EXPECT_EQ(st->code, 1);
  EXPECT_NE(log_text("mn").find("TUN device mn0 vanished"), std::string::npos) << log_text("mn");
  EXPECT_NE(read_file((dir_ / "mn.out").string()).find("mn0"), std::string::npos);
}

}  // namespace
}  // namespace mipvpn::agents
