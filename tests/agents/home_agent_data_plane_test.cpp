// The home agent core's data-plane decisions: home-link changes (RFC 5944 4.6), forwarding to care-of addresses
// (4.2.3), the reverse-tunnel check (RFC 3024 4.3.2), encapsulation choice (RFC 3024 4.3.1), RFC 3519 UDP tunnelling
// (4.6, 4.6.1, 5.2), and each data-plane fault breaking its rule.
#include "agents/common/ipv4_packet.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/tunnel_data.h"
#include "tests/agents/ha_test_support.h"

namespace mipvpn::agents::ha::test {
namespace {

using namespace std::chrono_literals;

constexpr uint8_t kS = 0x80, kD = 0x20, kM = 0x10, kG = 0x08, kT = 0x02;
const Tins::IPv4Address kCn("192.0.2.50");
const Endpoint kNat{Tins::IPv4Address("198.51.100.7"), 61000};

std::vector<uint8_t> packet(const Tins::IPv4Address& src, const Tins::IPv4Address& dst, uint8_t proto = kProtoIcmp,
                            std::vector<uint8_t> payload = {8, 0, 0xf7, 0xff, 0, 0, 0, 0}) {
  return build_ipv4_packet(src, dst, proto, payload);
}

// UDP Tunnel Request (RFC 3519 3.1) with the given fields.
wire::Extension udp_request(bool force = false, uint8_t encapsulation = 0, uint16_t reserved3 = 0,
                            uint8_t sub_type = 0) {
  wire::UdpTunnelRequestExtension r;
  r.sub_type = sub_type;
  r.f = force;
  r.encapsulation = encapsulation;
  r.reserved3 = reserved3;
  return r.to_extension();
}

// The RFC 3519 4.9 keepalive from `source` to `destination` as the HA's data plane recognizes it.
wire::Keepalive keepalive(const Tins::IPv4Address& source, const Tins::IPv4Address& destination) {
  auto k = wire::recognize_keepalive(wire::make_keepalive(source, destination, 7, 1).bytes());
  EXPECT_TRUE(k);
  return k.value_or(wire::Keepalive{});
}

constexpr uint8_t kAssent = wire::UdpTunnelReplyExtension::kWillTunnel;
constexpr uint8_t kDeclined = wire::UdpTunnelReplyExtension::kDeclinedUnspecified;

class HaDataPlaneCore : public HaTest {
 protected:
  void reset(HaConfig c, FaultSet f = {}) { ha_ = HomeAgent(std::move(c), f); }
  static HaConfig udp_config(bool enabled = true) {
    HaConfig c = reference_config();
    c.udp_tunnelling.enabled = enabled;
    c.udp_tunnelling.keepalive_s = 25;
    c.udp_tunnelling.max_lifetime = 60;
    return c;
  }
  // A co-located registration with a UDP Tunnel Request, sent from `from`.
  Outcome register_udp(Endpoint from, bool force = false, uint8_t flags = kD | kT) {
    Rrq r = rrq();
    r.flags = flags;
    r.before_auth = {udp_request(force)};
    return send(r, ha_destination(), from);
  }
  // The UDP Tunnel Reply extension of a reply, if any; checks it precedes the MN-HA extension.
  std::optional<wire::Extension> tunnel_reply(const Outcome& o) {
    auto rep = decode_reply(*o.reply);
    for (size_t i = 0; i < rep.extensions().size(); ++i) {
      if (rep.extensions()[i].type == wire::UdpTunnelReply) {
        EXPECT_LT(i + 1, rep.extensions().size()) << "UDP Tunnel Reply must come before the MN-HA extension";
        return rep.extensions()[i];
      }
    }
    return std::nullopt;
  }
  Tins::IPv4Address hoa_ = Tins::IPv4Address(kHoA);
  Tins::IPv4Address coa_ = Tins::IPv4Address(kCoA);
};

TEST_F(HaDataPlaneCore, FirstBindingStartsInterceptionWithGratuitousArp) {
  Outcome o = send(rrq());
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::StartIntercepting);
  EXPECT_EQ(o.home_link.home_address, hoa_);
  EXPECT_TRUE(o.home_link.gratuitous_arp);
  EXPECT_TRUE(ha_.answers_arp_for(hoa_));
  EXPECT_FALSE(ha_.answers_arp_for(Tins::IPv4Address(kHoA2)));

  // A renewal and a simultaneous second binding change nothing on the home link.
  EXPECT_EQ(send(rrq()).home_link.change, HomeLinkChange::Unchanged);
  Rrq second = rrq();
  second.flags = kS;
  second.care_of_address = kCoA2;
  EXPECT_EQ(send(second).home_link.change, HomeLinkChange::Unchanged);
  // Deregistering one of two care-of addresses leaves interception on.
  Rrq one = rrq();
  one.lifetime = 0;
  one.care_of_address = kCoA2;
  EXPECT_EQ(send(one).home_link.change, HomeLinkChange::Unchanged);
  EXPECT_TRUE(ha_.answers_arp_for(hoa_));
}

TEST_F(HaDataPlaneCore, AcceptedDeregistrationStopsInterceptionWithGratuitousArp) {
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  Rrq home = rrq();
  home.lifetime = 0;
  home.care_of_address = kHoA;
  Outcome o = send(home);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::StopIntercepting);
  EXPECT_TRUE(o.home_link.gratuitous_arp);
  EXPECT_FALSE(ha_.answers_arp_for(hoa_)) << "proxy ARP only while a binding exists (RFC 5944 4.6)";
}

TEST_F(HaDataPlaneCore, DeniedRequestsChangeNoArpProcessing) {
  Rrq bad = rrq();
  bad.corrupt_authenticator = true;
  Outcome o = send(bad);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::Unchanged);
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  Rrq dereg = rrq();
  dereg.lifetime = 0;
  dereg.care_of_address = kHoA;
  dereg.corrupt_authenticator = true;
  o = send(dereg);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::Unchanged);
  EXPECT_TRUE(ha_.answers_arp_for(hoa_)) << "a rejected deregistration keeps proxy ARP (RFC 5944 4.6)";
}

TEST_F(HaDataPlaneCore, ExpiryOfTheLastBindingStopsInterceptionWithoutArp) {
  Rrq r = rrq();
  r.lifetime = 5;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  advance(6s);
  auto events = ha_.expire(now_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].home_link.change, HomeLinkChange::StopIntercepting);
  EXPECT_FALSE(events[0].home_link.gratuitous_arp);
  EXPECT_FALSE(ha_.answers_arp_for(hoa_));
}

TEST_F(HaDataPlaneCore, ForwardsToEveryCareOfAddress) {
  EXPECT_TRUE(ha_.forward(packet(kCn, hoa_)).targets.empty()) << "no binding, no tunnel";
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  ForwardDecision d = ha_.forward(packet(kCn, hoa_));
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(d.targets[0].care_of_address, coa_);
  EXPECT_EQ(d.targets[0].encapsulation, EncapsulationType::IpInIp);
  EXPECT_FALSE(d.targets[0].udp_tunnel);
  Rrq second = rrq();
  second.flags = kS;
  second.care_of_address = kCoA2;
  ASSERT_EQ(send(second).verdict, Verdict::Accepted);
  d = ha_.forward(packet(kCn, hoa_));
  ASSERT_EQ(d.targets.size(), 2u) << "a copy to each care-of address (RFC 5944 4.2.3)";
  EXPECT_NE(d.targets[0].care_of_address, d.targets[1].care_of_address);
  EXPECT_TRUE(ha_.forward(packet(kCn, Tins::IPv4Address(kHoA2))).targets.empty());
  EXPECT_FALSE(ha_.forward(std::vector<uint8_t>{0x45, 0}).drop_reason.empty());
}

TEST_F(HaDataPlaneCore, DropsEncapsulatedLoopFromTheCurrentCareOfAddress) {
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  const auto inner = packet(kCn, hoa_);
  ForwardDecision d = ha_.forward(packet(coa_, hoa_, kProtoIpInIp, inner));
  EXPECT_TRUE(d.targets.empty());
  EXPECT_NE(d.drop_reason.find("routing loop"), std::string::npos);
  // From elsewhere, the encapsulated datagram is forwarded (nested).
  EXPECT_EQ(ha_.forward(packet(kCn, hoa_, kProtoIpInIp, inner)).targets.size(), 1u);
}

TEST_F(HaDataPlaneCore, ReverseTunnelCheck) {
  Rrq r = rrq();
  r.flags = kT;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  const auto from_mn = packet(hoa_, kCn);
  EXPECT_TRUE(ha_.check_reverse({coa_, EncapsulationType::IpInIp, std::nullopt}, from_mn).accept);
  ReverseDecision wrong_coa = ha_.check_reverse({Tins::IPv4Address(kCoA2), EncapsulationType::IpInIp, {}}, from_mn);
  EXPECT_FALSE(wrong_coa.accept);
  EXPECT_NE(wrong_coa.reason.find("RFC 3024 4.3.2"), std::string::npos);
  EXPECT_FALSE(ha_.check_reverse({coa_, EncapsulationType::IpInIp, {}}, packet(Tins::IPv4Address(kHoA2), kCn)).accept)
      << "inner source is not the binding's home address";
  EXPECT_FALSE(ha_.check_reverse({coa_, EncapsulationType::Gre, {}}, from_mn).accept) << "not negotiated";
  EXPECT_FALSE(ha_.check_reverse({coa_, EncapsulationType::IpInIp, uint16_t{434}}, from_mn).accept)
      << "UDP tunnel data for a binding without UDP tunnelling";
  HaConfig off = reference_config();
  off.reverse_tunnel_check = false;
  reset(off);
  EXPECT_TRUE(ha_.check_reverse({Tins::IPv4Address(kCoA2), EncapsulationType::IpInIp, {}}, from_mn).accept);
}

TEST_F(HaDataPlaneCore, EncapsulationFromTheMAndGFlags) {
  Rrq g = rrq();
  g.flags = kG | kT;
  Outcome o = send(g);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 139) << o.reason;
  Rrq m = rrq();
  m.flags = kM;
  o = send(m);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 139);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::Unchanged);
  EXPECT_EQ(ha_.bindings().size(), 0u);

  HaConfig c = reference_config();
  c.encapsulations = {EncapsulationType::IpInIp, EncapsulationType::Gre, EncapsulationType::Minimal};
  reset(c);
  g.identification = next_id();
  ASSERT_EQ(send(g).verdict, Verdict::Accepted);
  EXPECT_EQ(ha_.forward(packet(kCn, hoa_)).targets.at(0).encapsulation, EncapsulationType::Gre);
  m.identification = next_id();
  ASSERT_EQ(send(m).verdict, Verdict::Accepted);
  EXPECT_EQ(ha_.forward(packet(kCn, hoa_)).targets.at(0).encapsulation, EncapsulationType::Minimal);
  EXPECT_EQ(ha_.bindings().all().at(0).reverse_tunnel, false);
}

TEST_F(HaDataPlaneCore, UdpTunnelRequestBehindNatIsAssented) {
  reset(udp_config());
  Outcome o = register_udp(kNat);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  auto reply_ext = tunnel_reply(o);
  ASSERT_TRUE(reply_ext) << "UDP Tunnel Reply MUST be in the reply (RFC 3519 4.6)";
  // Golden body: Sub-Type 0, Reply Code 0, F clear, Reserved, Keepalive Interval 25.
  EXPECT_EQ(reply_ext->body, (std::vector<uint8_t>{0, 0, 0, 0, 0, 25}));
  EXPECT_EQ(o.reply->lifetime, 60) << "RFC 3519 5.2 suggested maximum";
  EXPECT_EQ(o.reply->destination, kNat);
  ForwardDecision d = ha_.forward(packet(kCn, hoa_));
  ASSERT_EQ(d.targets.size(), 1u);
  ASSERT_TRUE(d.targets[0].udp_tunnel);
  EXPECT_EQ(*d.targets[0].udp_tunnel, kNat) << "the request's source is the effective care-of address";
  const auto from_mn = packet(hoa_, kCn);
  EXPECT_TRUE(ha_.check_reverse({kNat.address, EncapsulationType::IpInIp, kNat.port}, from_mn).accept);
  EXPECT_FALSE(ha_.check_reverse({kNat.address, EncapsulationType::IpInIp, uint16_t{61001}}, from_mn).accept)
      << "ports must match exactly (RFC 3519 4.3)";
  EXPECT_FALSE(ha_.check_reverse({kNat.address, EncapsulationType::IpInIp, std::nullopt}, from_mn).accept)
      << "IP-in-IP on a UDP-tunnelled binding (RFC 3519 4.7)";
  EXPECT_FALSE(ha_.check_reverse({kNat.address, EncapsulationType::Gre, kNat.port}, from_mn).accept)
      << "Next Header must match the binding's mode (RFC 3519 3.3)";
}

TEST_F(HaDataPlaneCore, UdpTunnelRequestWithoutNatIsDeclinedUnlessForced) {
  reset(udp_config());
  Outcome o = register_udp(Endpoint{coa_, 40000});
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  auto reply_ext = tunnel_reply(o);
  ASSERT_TRUE(reply_ext);
  EXPECT_EQ(reply_ext->body[1], kDeclined);
  EXPECT_EQ(o.reply->lifetime, 600) << "no UDP tunnel, no cap";
  EXPECT_FALSE(ha_.forward(packet(kCn, hoa_)).targets.at(0).udp_tunnel);

  o = register_udp(Endpoint{coa_, 40000}, /*force=*/true);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  reply_ext = tunnel_reply(o);
  ASSERT_TRUE(reply_ext);
  EXPECT_EQ(reply_ext->body[1], kAssent);
  EXPECT_EQ(reply_ext->body[2], 0x80) << "F (Forced) flag";
  EXPECT_TRUE(ha_.forward(packet(kCn, hoa_)).targets.at(0).udp_tunnel);

  HaConfig c = udp_config();
  c.udp_tunnelling.force_allowed = false;
  reset(c);
  o = register_udp(Endpoint{coa_, 40000}, true);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 129) << "RFC 3519 4.6.1";
}

TEST_F(HaDataPlaneCore, RFlagWaitsForTheFirstKeepaliveToLearnThePort) {
  reset(udp_config());
  Rrq r = rrq();
  r.flags = kD | kT;
  // UDP Tunnel Request with R (0x40): co-located care-of address registered through a foreign agent behind a NAT.
  wire::UdpTunnelRequestExtension with_r;
  with_r.r = true;
  r.before_auth = {with_r.to_extension()};
  Outcome o = send(r, ha_destination(), kNat);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  ASSERT_TRUE(tunnel_reply(o));
  EXPECT_EQ(tunnel_reply(o)->body[1], kAssent);
  ForwardDecision d = ha_.forward(packet(kCn, hoa_));
  EXPECT_TRUE(d.targets.empty());
  EXPECT_NE(d.drop_reason.find("first keepalive"), std::string::npos) << d.drop_reason;

  const Tins::IPv4Address ha_address(kHa);
  const wire::Keepalive first = keepalive(hoa_, ha_address);  // ICMP Echo Request HoA -> HA
  const ArrivedTunnel other_address{Tins::IPv4Address("198.51.100.8"), EncapsulationType::IpInIp, uint16_t{5000}};
  EXPECT_FALSE(ha_.latch_keepalive(other_address, first)) << "outer source address must match the request's";
  const ArrivedTunnel from_mn{kNat.address, EncapsulationType::IpInIp, uint16_t{5000}};
  EXPECT_FALSE(ha_.latch_keepalive(from_mn, keepalive(hoa_, kCn))) << "inner destination must be the HA";
  EXPECT_FALSE(ha_.latch_keepalive(from_mn, keepalive(Tins::IPv4Address(kHoA2), ha_address)));
  wire::Keepalive answer = first;
  answer.reply = true;
  EXPECT_FALSE(ha_.latch_keepalive(from_mn, answer)) << "an Echo Reply is no keepalive request";
  EXPECT_TRUE(ha_.forward(packet(kCn, hoa_)).targets.empty());
  ASSERT_TRUE(ha_.latch_keepalive(from_mn, first));
  d = ha_.forward(packet(kCn, hoa_));
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(*d.targets[0].udp_tunnel, (Endpoint{kNat.address, 5000}));
  EXPECT_TRUE(ha_.check_reverse(from_mn, packet(hoa_, ha_address)).accept);
  EXPECT_FALSE(ha_.latch_keepalive(from_mn, first)) << "only the first keepalive sets the port";
}

TEST_F(HaDataPlaneCore, UdpTunnellingDisabledDeniesNatWith129) {
  reset(udp_config(false));
  Outcome o = register_udp(kNat);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 129) << o.reason;
  o = register_udp(Endpoint{coa_, 40000});
  EXPECT_EQ(o.verdict, Verdict::Accepted) << "no NAT and no F: registration proceeds";
}

TEST_F(HaDataPlaneCore, UdpTunnelRequestErrorsAsRfc3519Section4_6_1) {
  reset(udp_config());
  Rrq r = rrq();
  r.flags = kD;
  r.before_auth = {udp_request(false, 0, 1)};
  Outcome o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.reply->code, 134) << "Reserved 3 non-zero: " << o.reason;

  r.identification = next_id();
  r.flags = 0;
  r.before_auth = {udp_request()};
  o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.reply->code, 134) << "MN's extension without D: " << o.reason;

  r.identification = next_id();
  r.flags = kD;
  r.before_auth = {};
  r.after_auth = {udp_request()};
  o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.reply->code, 134) << "FA's extension with D: " << o.reason;

  r.identification = next_id();
  r.after_auth = {};
  r.before_auth = {udp_request(false, 47)};
  o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.reply->code, 142) << "GRE not offered: " << o.reason;

  r.identification = next_id();
  r.before_auth = {ext(wire::UdpTunnelRequest, {0, 0, 0, 0})};
  o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.reply->code, 134) << "Length 4: " << o.reason;

  r.identification = next_id();
  r.before_auth = {udp_request(false, 0, 0, 7)};
  o = send(r, ha_destination(), kNat);
  EXPECT_EQ(o.verdict, Verdict::Accepted) << "unknown sub-type: skipped like an unknown extension";
  EXPECT_FALSE(tunnel_reply(o));
}

TEST_F(HaDataPlaneCore, FaultsBreakTheirDataPlaneRule) {
  // no-gratuitous-arp-on-first-binding
  reset(reference_config(), {Fault::NoGratuitousArpOnFirstBinding});
  Outcome o = send(rrq());
  EXPECT_EQ(o.home_link.change, HomeLinkChange::StartIntercepting);
  EXPECT_FALSE(o.home_link.gratuitous_arp);

  // no-gratuitous-arp-on-deregistration
  reset(reference_config(), {Fault::NoGratuitousArpOnDeregistration});
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  Rrq home = rrq();
  home.lifetime = 0;
  home.care_of_address = kHoA;
  o = send(home);
  EXPECT_EQ(o.home_link.change, HomeLinkChange::StopIntercepting);
  EXPECT_FALSE(o.home_link.gratuitous_arp);

  // proxy-arp-after-deregistration
  reset(reference_config(), {Fault::ProxyArpAfterDeregistration});
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  home.identification = next_id();
  ASSERT_EQ(send(home).verdict, Verdict::Accepted);
  EXPECT_TRUE(ha_.answers_arp_for(hoa_));
  EXPECT_FALSE(ha_.answers_arp_for(Tins::IPv4Address(kHoA2))) << "never bound";

  // reverse-tunnel-check-off
  reset(reference_config(), {Fault::ReverseTunnelCheckOff});
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  EXPECT_TRUE(ha_.check_reverse({Tins::IPv4Address(kCoA2), EncapsulationType::IpInIp, {}}, packet(hoa_, kCn)).accept);

  // tunnel-to-wrong-address
  reset(reference_config(), {Fault::TunnelToWrongAddress});
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  EXPECT_EQ(ha_.forward(packet(kCn, hoa_)).targets.at(0).care_of_address, Tins::IPv4Address("10.0.2.101"));

  // single-copy-for-simultaneous-bindings
  reset(reference_config(), {Fault::SingleCopyForSimultaneousBindings});
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  advance(1s);
  Rrq second = rrq();
  second.flags = kS;
  second.care_of_address = kCoA2;
  ASSERT_EQ(send(second).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.bindings().size(), 2u);
  ForwardDecision d = ha_.forward(packet(kCn, hoa_));
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(d.targets[0].care_of_address, Tins::IPv4Address(kCoA2));

  // accept-unoffered-encapsulation
  reset(reference_config(), {Fault::AcceptUnofferedEncapsulation});
  Rrq g = rrq();
  g.flags = kG;
  EXPECT_EQ(send(g).verdict, Verdict::Accepted);

  // no-udp-tunnel-reply: still tunnels over UDP
  reset(udp_config(), {Fault::NoUdpTunnelReply});
  o = register_udp(kNat);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_FALSE(tunnel_reply(o));
  EXPECT_TRUE(ha_.forward(packet(kCn, hoa_)).targets.at(0).udp_tunnel);

  // udp-tunnel-without-nat
  reset(udp_config(), {Fault::UdpTunnelWithoutNat});
  o = register_udp(Endpoint{coa_, 40000});
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  ASSERT_TRUE(tunnel_reply(o));
  EXPECT_EQ(tunnel_reply(o)->body[1], kAssent);
  EXPECT_TRUE(ha_.forward(packet(kCn, hoa_)).targets.at(0).udp_tunnel);

  // ip-in-ip-despite-udp-tunnel
  reset(udp_config(), {Fault::IpInIpDespiteUdpTunnel});
  ASSERT_EQ(register_udp(kNat).verdict, Verdict::Accepted);
  d = ha_.forward(packet(kCn, hoa_));
  EXPECT_FALSE(d.targets.at(0).udp_tunnel);
  EXPECT_EQ(d.targets.at(0).care_of_address, coa_);

  // udp-lifetime-not-capped
  reset(udp_config(), {Fault::UdpLifetimeNotCapped});
  o = register_udp(kNat);
  EXPECT_EQ(o.reply->lifetime, 600);
}

}  // namespace
}  // namespace mipvpn::agents::ha::test
