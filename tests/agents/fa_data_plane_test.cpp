// The foreign agent's forwarding decisions (RFC 5944 4.2.2, RFC 3024 5) on the socket-free FaDataPlane, and each
// data-plane fault breaking its rule.
#include "agents/common/ipv4_packet.h"
#include "agents/fa/fa_data_plane.h"
#include "harness/wire/checksum.h"
#include "tests/agents/fa_test_support.h"

namespace mipvpn::agents::fa::test {
namespace {

namespace w = mipvpn::wire;
const Tins::IPv4Address kCn("10.0.1.9"), kFaAddr(kVisited), kHaAddr(kHa), kHome(kHoA);

std::vector<uint8_t> inner(Tins::IPv4Address src, Tins::IPv4Address dst, uint8_t ttl = 64) {
  const std::vector<uint8_t> body = {8, 0, 0xf7, 0xff, 0, 0, 0, 0};  // ICMP echo request, checksum valid
  return build_ipv4_packet(src, dst, kProtoIcmp, body, ttl);
}
std::vector<uint8_t> ipip(Tins::IPv4Address src, Tins::IPv4Address dst, const std::vector<uint8_t>& in) {
  return build_ipv4_packet(src, dst, kProtoIpInIp, in);
}

class FaDataPlaneTest : public FaTest {
 protected:
  // Registers kHoA; with `flags` (T) and the delivery-style extension when `encapsulating`.
  void visit(uint8_t flags = 0, bool encapsulating = false) {
    Rrq q;
    q.flags = flags;
    if (encapsulating) q.after_auth = {ext(w::EncapsulatingDeliveryStyle)};
    ASSERT_EQ(register_with(q, Rrp(), from_mn(kHoA, 255)).verdict, Verdict::Relayed);
    ASSERT_NE(fa_.visitors().find_visitor(kHome), nullptr);
  }
  FaDataPlane plane(FaultSet f = {}) const { return FaDataPlane(reference_config(), f); }
};

TEST_F(FaDataPlaneTest, TunnelledDatagramForAVisitorIsDeliveredToItsLinkAddress) {
  visit();
  const std::vector<uint8_t> in = inner(kCn, kHome, 63);
  const Forwarding f = plane().from_tunnel(ipip(kHaAddr, kFaAddr, in), fa_.visitors());
  ASSERT_EQ(f.action, Forwarding::Action::Deliver) << f.why;
  EXPECT_EQ(f.link_destination, kMnMac);
  ASSERT_EQ(f.packet.size(), in.size());
  EXPECT_EQ(f.packet[8], 62) << "TTL decremented by the forwarding after decapsulation (RFC 2003 3.1)";
  EXPECT_EQ(w::internet_checksum(std::span<const uint8_t>(f.packet).first(20)), 0) << "header checksum fixed";
  EXPECT_TRUE(std::equal(in.begin() + 20, in.end(), f.packet.begin() + 20)) << "payload untouched";
  EXPECT_FALSE(f.arp_request_for);
  EXPECT_FALSE(f.icmp);
}

TEST_F(FaDataPlaneTest, TunnelledDatagramForANonVisitorIsDroppedWithoutIcmp) {
  visit();
  const Forwarding f = plane().from_tunnel(ipip(kHaAddr, kFaAddr, inner(kCn, Tins::IPv4Address("10.0.1.77"))),
                                           fa_.visitors());
  EXPECT_EQ(f.action, Forwarding::Action::Drop);
  EXPECT_FALSE(f.icmp);
  EXPECT_NE(f.why.find("4.2.2"), std::string::npos);
}

TEST_F(FaDataPlaneTest, DropsWhatItCannotDeliver) {
  visit();
  // Not to a care-of address.
  EXPECT_EQ(plane().from_tunnel(ipip(kHaAddr, Tins::IPv4Address(kUpstream), inner(kCn, kHome)), fa_.visitors()).action,
            Forwarding::Action::Drop);
  // Inner TTL that expires here.
  EXPECT_EQ(plane().from_tunnel(ipip(kHaAddr, kFaAddr, inner(kCn, kHome, 1)), fa_.visitors()).action,
            Forwarding::Action::Drop);
  // Garbage.
  const std::vector<uint8_t> junk = {0x45, 0, 0, 10};
  EXPECT_EQ(plane().from_tunnel(junk, fa_.visitors()).action, Forwarding::Action::Drop);
  EXPECT_EQ(plane().from_tunnel(ipip(kHaAddr, kFaAddr, junk), fa_.visitors()).action, Forwarding::Action::Drop);
  // A visitor whose link-layer address is unknown gets nothing (and no broadcast ARP).
  FaTest::with(reference_config());
  Rrq q;
  Received rx = from_mn();
  rx.link_source.reset();
  ASSERT_EQ(register_with(q, Rrp(), rx).verdict, Verdict::Relayed);
  const Forwarding f = plane().from_tunnel(ipip(kHaAddr, kFaAddr, inner(kCn, kHome)), fa_.visitors());
  EXPECT_EQ(f.action, Forwarding::Action::Drop);
  EXPECT_FALSE(f.arp_request_for);
}

TEST_F(FaDataPlaneTest, DirectDeliveryVisitorIsDivertedAndTunnelledFromTheCareOfAddress) {
  visit(w::RegistrationRequest::kFlagT);
  const Visitor& v = *fa_.visitors().find_visitor(kHome);
  EXPECT_TRUE(plane().diverts(v));
  const std::vector<uint8_t> out = inner(kHome, kCn, 63);
  const Forwarding f = plane().from_tun(out, fa_.visitors());
  ASSERT_EQ(f.action, Forwarding::Action::Tunnel) << f.why;
  EXPECT_EQ(f.packet, out) << "the kernel already forwarded (and decremented) it";
  EXPECT_EQ(f.outer_source, kFaAddr) << "the Care-of Address field (RFC 3024 5.1.2)";
  EXPECT_EQ(f.outer_destination, kHaAddr) << "the Home Agent field of the reply";
  // Not a visitor (a stale rule): dropped.
  EXPECT_EQ(plane().from_tun(inner(Tins::IPv4Address("10.0.1.77"), kCn), fa_.visitors()).action,
            Forwarding::Action::Drop);
}

TEST_F(FaDataPlaneTest, OnlyReverseTunnelledDirectDeliveryVisitorsAreDiverted) {
  visit();
  EXPECT_FALSE(plane().diverts(*fa_.visitors().find_visitor(kHome)));
  FaTest::with(reference_config());
  visit(w::RegistrationRequest::kFlagT, true);
  EXPECT_FALSE(plane().diverts(*fa_.visitors().find_visitor(kHome))) << "RFC 3024 5.2.1: plain packets routed";
}

TEST_F(FaDataPlaneTest, EncapsulatingDeliveryIsDecapsulatedAndReTunnelled) {
  visit(w::RegistrationRequest::kFlagT, true);
  const std::vector<uint8_t> in = inner(kHome, kCn, 64);
  const Forwarding f = plane().from_tunnel(ipip(kHome, kFaAddr, in), fa_.visitors());
  ASSERT_EQ(f.action, Forwarding::Action::Tunnel) << f.why;
  EXPECT_EQ(f.outer_source, kFaAddr);
  EXPECT_EQ(f.outer_destination, kHaAddr);
  EXPECT_EQ(f.packet[8], 63) << "forwarded into the new tunnel: TTL decremented (RFC 2003 3.1)";
  // Inner source not the mobile node: not verified as "sent by the mobile node" (5.2.1).
  EXPECT_EQ(plane().from_tunnel(ipip(kHome, kFaAddr, inner(kCn, kCn)), fa_.visitors()).action,
            Forwarding::Action::Drop);
}

TEST_F(FaDataPlaneTest, EncapsulatedPacketsFromADirectDeliveryVisitorAreDropped) {
  visit(w::RegistrationRequest::kFlagT);
  EXPECT_EQ(plane().from_tunnel(ipip(kHome, kFaAddr, inner(kHome, kCn)), fa_.visitors()).action,
            Forwarding::Action::Drop);
}

// ---- Faults ----

TEST_F(FaDataPlaneTest, FaultForwardToNonVisitor) {
  visit();
  const std::vector<uint8_t> packet = ipip(kHaAddr, kFaAddr, inner(kCn, Tins::IPv4Address("10.0.1.77")));
  EXPECT_EQ(plane().from_tunnel(packet, fa_.visitors()).action, Forwarding::Action::Drop);
  const Forwarding f = plane({Fault::FaForwardToNonVisitor}).from_tunnel(packet, fa_.visitors());
  EXPECT_EQ(f.action, Forwarding::Action::Reinject);
  EXPECT_EQ(f.packet, inner(kCn, Tins::IPv4Address("10.0.1.77"))) << "unmodified inner datagram";
}

TEST_F(FaDataPlaneTest, FaultIcmpUnreachableForNonVisitor) {
  visit();
  const std::vector<uint8_t> packet = ipip(kHaAddr, kFaAddr, inner(kCn, Tins::IPv4Address("10.0.1.77")));
  EXPECT_FALSE(plane().from_tunnel(packet, fa_.visitors()).icmp);
  const Forwarding f = plane({Fault::FaIcmpUnreachableForNonVisitor}).from_tunnel(packet, fa_.visitors());
  ASSERT_TRUE(f.icmp);
  EXPECT_EQ(f.icmp->message[0], 3);
  EXPECT_EQ(f.icmp->message[1], 1);
  EXPECT_EQ(f.icmp->destination, kHaAddr);
  EXPECT_EQ(w::internet_checksum(f.icmp->message), 0);
}

TEST_F(FaDataPlaneTest, FaultArpForVisitor) {
  visit();
  const std::vector<uint8_t> packet = ipip(kHaAddr, kFaAddr, inner(kCn, kHome));
  EXPECT_FALSE(plane().from_tunnel(packet, fa_.visitors()).arp_request_for);
  EXPECT_EQ(plane({Fault::FaArpForVisitor}).from_tunnel(packet, fa_.visitors()).arp_request_for, kHome);
}

TEST_F(FaDataPlaneTest, FaultNoReverseTunnel) {
  visit(w::RegistrationRequest::kFlagT);
  EXPECT_TRUE(plane().diverts(*fa_.visitors().find_visitor(kHome)));
  EXPECT_FALSE(plane({Fault::FaNoReverseTunnel}).diverts(*fa_.visitors().find_visitor(kHome)));
}

TEST_F(FaDataPlaneTest, FaultReverseTunnelWrongSource) {
  visit(w::RegistrationRequest::kFlagT);
  const std::vector<uint8_t> out = inner(kHome, kCn);
  EXPECT_EQ(plane().from_tun(out, fa_.visitors()).outer_source, kFaAddr);
  EXPECT_EQ(plane({Fault::FaReverseTunnelWrongSource}).from_tun(out, fa_.visitors()).outer_source,
            Tins::IPv4Address(kUpstream));
}

TEST_F(FaDataPlaneTest, FaultReverseTunnelPlainFromEncapsulating) {
  visit(w::RegistrationRequest::kFlagT, true);
  const Visitor& v = *fa_.visitors().find_visitor(kHome);
  EXPECT_FALSE(plane().diverts(v));
  EXPECT_EQ(plane().from_tun(inner(kHome, kCn), fa_.visitors()).action, Forwarding::Action::Drop);
  const FaDataPlane faulty = plane({Fault::FaReverseTunnelPlainFromEncapsulating});
  EXPECT_TRUE(faulty.diverts(v));
  EXPECT_EQ(faulty.from_tun(inner(kHome, kCn), fa_.visitors()).action, Forwarding::Action::Tunnel);
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
