// End-to-end (root only): the mobile node behind a NAT (nft masquerade on the router for the second foreign link,
// and no route from the home agent to that private network). With the RFC 3519 UDP Tunnel Request the home agent
// sees the source address differ from the care-of address, assents, and tunnels over UDP port 434 through the NAT;
// the mobile node decapsulates the tunnel data, reverse-tunnels through UDP, and keeps the mapping with keepalives.
#include "harness/wire/registration_reply.h"
#include "harness/wire/tunnel_data.h"
#include "tests/agents/mn_netns_fixture.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using test::poll_until;

class MnNatNetns : public test::MobilityLab {
 protected:
  void SetUp() override {
    MobilityLab::SetUp();
    if (IsSkipped()) return;
    run(ha_, {"ip", "route", "del", "10.0.3.0/24"});
    run(rt_, {"nft", "add", "table", "ip", "nat"});
    run(rt_, {"nft", "add", "chain", "ip", "nat", "post", "{ type nat hook postrouting priority 100 ; }"});
    run(rt_, {"nft", "add", "rule", "ip", "nat", "post", "ip", "saddr", "10.0.3.0/24", "oifname", "eth0",
              "masquerade"});
    move_mn("br-fb", "10.0.3.50/24", "10.0.3.254");
  }
};

TEST_F(MnNatNetns, UdpTunnellingThroughMasqueradeCarriesPingsBothWaysAndKeepalives) {
  auto& pub = capture(rt_, "eth0", "public");
  start_ha({{"udp_tunnelling", {{"enabled", true}, {"keepalive_s", 10u}, {"max_lifetime", 60u}}}});
  start_mn({{"udp_tunnelling", {{"enabled", true}}}, {"lifetime", 60u}});
  ASSERT_TRUE(wait_registered("10.0.3.50")) << logs();
  const auto state = mn_state();
  EXPECT_EQ(state["udp_tunnel"], true) << state.dump();
  EXPECT_EQ(state["reverse_tunnel"], true) << "RFC 3519 3.1.5: T with the UDP Tunnel Request";

  // The reply carried an assenting UDP Tunnel Reply (RFC 3519 3.2), seen on the public side of the NAT.
  auto reply = pub.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        return u && u->source_port == 434 && !u->payload.empty() && u->payload[0] == 3;
      },
      0, std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(reply);
  const auto ru = *test::udp434_of(*reply);
  EXPECT_EQ(ru.ip.destination, Tins::IPv4Address("10.0.9.2")) << "to the NAT's public address";
  auto rrp = wire::RegistrationReply::decode(ru.payload);
  ASSERT_TRUE(rrp);
  bool assent = false;
  for (const auto& e : rrp.value().extensions()) assent = assent || (e.type == wire::UdpTunnelReply && e.body[1] < 64);
  EXPECT_TRUE(assent);

  // CN -> HoA: tunnel data from the HA's port 434 to the NAT's mapped port.
  const uint64_t from = pub.frame_count();
  const auto r = ping(cn_, {"-c", "3", "-i", "0.2", "-W", "2", kHoA});
  EXPECT_TRUE(r.ok()) << r.out << r.err << logs();
  auto fwd = pub.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        return u && u->source_port == 434 && u->ip.destination == Tins::IPv4Address("10.0.9.2") &&
               u->payload.size() > 24 && u->payload[0] == 4 && u->payload[1] == 4;
      },
      from, std::chrono::steady_clock::now() + 2s);
  EXPECT_TRUE(fwd) << "no RFC 3519 tunnel data towards the NAT";
  // MN -> CN from the home address: reverse-tunnelled through UDP to the HA.
  const auto back = ping(mn_, {"-c", "3", "-i", "0.2", "-W", "2", "-I", kHoA, kCn});
  EXPECT_TRUE(back.ok()) << back.out << back.err << logs();
  auto rev = pub.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        return u && u->destination_port == 434 && u->ip.source == Tins::IPv4Address("10.0.9.2") &&
               u->payload.size() > 24 && u->payload[0] == 4;
      },
      from, std::chrono::steady_clock::now() + 2s);
  EXPECT_TRUE(rev) << "no reverse tunnel data from the NAT";

  // Idle for K = 10 s: an ICMP Echo keepalive to the HA through the tunnel, and its answer (RFC 3519 4.9).
  const uint64_t idle = pub.frame_count();
  auto ka = pub.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        if (!u || u->destination_port != 434) return false;
        auto k = wire::recognize_keepalive(u->payload);
        return k && !k->reply && k->inner_source == Tins::IPv4Address(kHoA) &&
               k->inner_destination == Tins::IPv4Address("10.0.1.1");
      },
      idle, std::chrono::steady_clock::now() + 15s);
  ASSERT_TRUE(ka) << "no keepalive within 15 s\n" << logs();
  auto answer = pub.wait_for(
      [](const net::Frame& f) {
        auto u = test::udp434_of(f);
        if (!u || u->source_port != 434) return false;
        auto k = wire::recognize_keepalive(u->payload);
        return k && k->reply;
      },
      ka->index, std::chrono::steady_clock::now() + 3s);
  EXPECT_TRUE(answer) << "the home agent answers the keepalive";
  EXPECT_NE(log_text("mn").find("keepalive"), std::string::npos);
}

TEST_F(MnNatNetns, WithoutUdpTunnellingTheHomeAddressIsUnreachableBehindTheNat) {
  start_ha({{"udp_tunnelling", {{"enabled", true}}}});
  start_mn({{"lifetime", 60u}});
  ASSERT_TRUE(wait_registered("10.0.3.50")) << logs();
  EXPECT_EQ(mn_state()["udp_tunnel"], false);
  // IP-in-IP to the private care-of address has no route from the HA: the ping fails, which is what RFC 3519 fixes.
  const auto r = ping(cn_, {"-c", "2", "-i", "0.2", "-W", "1", kHoA});
  EXPECT_FALSE(r.ok()) << r.out;
}

}  // namespace
}  // namespace mipvpn::agents
