// Socket-free data-plane primitives: IPv4 header parsing, ARP fields (RFC 5944 4.6), and the encapsulation classes and
// tunnel data helpers that adapt harness/wire's codecs (IP-in-IP RFC 2003, GRE RFC 2784, minimal RFC 2004, RFC 3519
// 3.3). Golden bytes are written out by hand from the RFC figures.
#include <gtest/gtest.h>

#include "agents/common/arp_packet.h"
#include "agents/common/encapsulation.h"
#include "agents/common/gre.h"
#include "agents/common/minimal_encapsulation.h"
#include "agents/common/ip_in_ip.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/udp_tunnel_data.h"
#include "harness/wire/checksum.h"

namespace mipvpn::agents {
namespace {

const Tins::IPv4Address kA("10.0.1.100");
const Tins::IPv4Address kB("192.0.2.7");

TEST(Ipv4Packet, BuildThenParse) {
  const std::vector<uint8_t> payload = {1, 2, 3};
  auto p = build_ipv4_packet(kA, kB, kProtoUdp, payload, 33, 0x1234, true);
  ASSERT_EQ(p.size(), 23u);
  EXPECT_EQ(wire::internet_checksum(std::span<const uint8_t>(p).first(20)), 0) << "header checksum valid";
  auto h = parse_ipv4_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->header_length, 20);
  EXPECT_EQ(h->total_length, 23);
  EXPECT_EQ(h->ttl, 33);
  EXPECT_EQ(h->protocol, kProtoUdp);
  EXPECT_EQ(h->identification, 0x1234);
  EXPECT_EQ(h->flags_fragment, 0x4000);
  EXPECT_EQ(h->source, kA);
  EXPECT_EQ(h->destination, kB);
  auto body = ipv4_payload(p, *h);
  EXPECT_EQ(std::vector<uint8_t>(body.begin(), body.end()), payload);
}

TEST(Ipv4Packet, RejectsEveryMalformedHeader) {
  auto p = build_ipv4_packet(kA, kB, kProtoIcmp, std::vector<uint8_t>(8, 0));
  std::string why;
  for (size_t n = 0; n < 20; ++n) {
    EXPECT_FALSE(parse_ipv4_header(std::span<const uint8_t>(p).first(n), &why)) << n;
  }
  EXPECT_FALSE(parse_ipv4_header(std::span<const uint8_t>(p).first(27), &why)) << "total length beyond the bytes";
  EXPECT_NE(why.find("total length 28"), std::string::npos) << why;
  auto v6 = p;
  v6[0] = 0x65;
  EXPECT_FALSE(parse_ipv4_header(v6, &why));
  EXPECT_NE(why.find("version 6"), std::string::npos);
  auto short_ihl = p;
  short_ihl[0] = 0x44;
  EXPECT_FALSE(parse_ipv4_header(short_ihl, &why));
  auto padded = p;
  padded.push_back(0);  // Ethernet padding after total_length is fine
  EXPECT_TRUE(parse_ipv4_header(padded));
}

TEST(Arp, GratuitousRequestFieldsAsRfc5944Section4_6) {
  const MacAddress mac = {0x02, 0, 0, 0, 0, 0x01};
  const ArpPacket a = gratuitous_arp(kA, mac);
  // Golden: htype 1, ptype 0x0800, hlen 6, plen 4, op 1, SHA = mac, SPA = TPA = 10.0.1.100, THA unused (zero).
  const std::vector<uint8_t> golden = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
                                       0x00, 0x00, 0x00, 0x01, 10,   0,    1,    100,  0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 10,   0,    1,    100};
  EXPECT_EQ(a.bytes(), golden);
}

TEST(Arp, GratuitousReplySetsTargetHardwareAddressToo) {
  const MacAddress mac = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
  const ArpPacket a = gratuitous_arp(kA, mac, kArpReply);
  EXPECT_EQ(a.operation, kArpReply);
  EXPECT_EQ(a.sender_ip, kA);
  EXPECT_EQ(a.target_ip, kA);
  EXPECT_EQ(a.sender_mac, mac);
  EXPECT_EQ(a.target_mac, mac);
}

TEST(Arp, ProxyReplySwapsAddressesAndSuppliesOwnMac) {
  ArpPacket req;
  req.operation = kArpRequest;
  req.sender_mac = {0x02, 0, 0, 0, 0, 0x09};
  req.sender_ip = Tins::IPv4Address("10.0.1.9");
  req.target_ip = kA;
  const MacAddress own = {0x02, 0, 0, 0, 0, 0x01};
  const ArpPacket r = proxy_arp_reply(req, own);
  EXPECT_EQ(r.operation, kArpReply);
  EXPECT_EQ(r.sender_ip, kA);
  EXPECT_EQ(r.sender_mac, own);
  EXPECT_EQ(r.target_ip, req.sender_ip);
  EXPECT_EQ(r.target_mac, req.sender_mac);
}

TEST(Arp, ParseRoundTripAndRejects) {
  ArpPacket a = gratuitous_arp(kA, {1, 2, 3, 4, 5, 6}, kArpReply);
  auto bytes = a.bytes();
  auto back = ArpPacket::parse(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bytes(), bytes);
  EXPECT_FALSE(ArpPacket::parse(std::span<const uint8_t>(bytes).first(27)));
  bytes[1] = 6;  // hardware type 6 (IEEE 802)
  EXPECT_FALSE(ArpPacket::parse(bytes));
  EXPECT_EQ(mac_to_string({1, 2, 3, 0xa, 0xb, 0xff}), "01:02:03:0a:0b:ff");
}

TEST(IpInIp, PayloadIsTheInnerDatagramWithoutLinkPadding) {
  auto inner = build_ipv4_packet(kB, kA, kProtoIcmp, std::vector<uint8_t>{8, 0, 0xf7, 0xff, 0, 0, 0, 0});
  auto padded = inner;
  padded.resize(inner.size() + 6, 0);
  IpInIpEncapsulation e;
  EXPECT_EQ(e.ip_protocol(), 4);
  auto out = e.encapsulate(padded, {kB, kA});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, inner);
  auto back = e.decapsulate(*out, {kB, kA});
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, inner);
  std::string why;
  EXPECT_FALSE(e.decapsulate(std::vector<uint8_t>{0x45, 0}, {kB, kA}, &why));
  EXPECT_FALSE(why.empty());
  // RFC 2003 3.2: "the router MUST NOT tunnel the datagram" whose source is the tunnel exit point.
  EXPECT_FALSE(e.encapsulate(inner, {kA, kB}, &why));
  EXPECT_NE(why.find("3.2"), std::string::npos) << why;
  // RFC 2003 3.1: "An encapsulator MUST NOT encapsulate a datagram with TTL = 0".
  auto ttl0 = build_ipv4_packet(kB, kA, kProtoIcmp, std::vector<uint8_t>{8, 0, 0xf7, 0xff, 0, 0, 0, 0}, 0);
  EXPECT_FALSE(e.encapsulate(ttl0, {kB, kA}, &why));
  EXPECT_NE(why.find("TTL = 0"), std::string::npos) << why;
}

TEST(Encapsulation, NamesProtocolsAndFactory) {
  EXPECT_EQ(encapsulation_by_name("ip-in-ip"), EncapsulationType::IpInIp);
  EXPECT_EQ(encapsulation_by_name("gre"), EncapsulationType::Gre);
  EXPECT_EQ(encapsulation_by_name("minimal"), EncapsulationType::Minimal);
  EXPECT_FALSE(encapsulation_by_name("ipip"));
  EXPECT_EQ(encapsulation_by_protocol(55), EncapsulationType::Minimal);
  EXPECT_FALSE(encapsulation_by_protocol(17));
  for (EncapsulationType t : {EncapsulationType::IpInIp, EncapsulationType::Gre, EncapsulationType::Minimal}) {
    auto e = make_encapsulation(t);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->type(), t);
  }
}

TEST(Gre, HeaderAsRfc2784AndChecks) {
  const auto inner = build_ipv4_packet(kB, kA, kProtoIcmp, std::vector<uint8_t>{8, 0, 0xf7, 0xff, 0, 0, 0, 0});
  GreEncapsulation g;
  EXPECT_EQ(g.ip_protocol(), 47);
  auto out = g.encapsulate(inner, {kB, kA});
  ASSERT_TRUE(out);
  // Golden: C=0, Reserved0=0, Ver=0, Protocol Type 0x0800, then the datagram.
  EXPECT_EQ(std::vector<uint8_t>(out->begin(), out->begin() + 4), (std::vector<uint8_t>{0, 0, 0x08, 0x00}));
  EXPECT_EQ(std::vector<uint8_t>(out->begin() + 4, out->end()), inner);
  EXPECT_EQ(g.decapsulate(*out, {kB, kA}), inner);
  std::string why;
  auto bad = *out;
  bad[0] = 0x40;  // bit 1 of Reserved0
  EXPECT_FALSE(g.decapsulate(bad, {}, &why));
  EXPECT_NE(why.find("2.3"), std::string::npos);
  bad = *out;
  bad[1] = 0x01;  // Version 1
  EXPECT_FALSE(g.decapsulate(bad, {}, &why));
  bad = *out;
  bad[2] = 0x86;  // IPv6
  EXPECT_FALSE(g.decapsulate(bad, {}, &why));
  bad[0] = 0;
  bad[1] = 0x08;  // bit 12 (reserved, ignored) with Protocol Type restored
  bad[2] = 0x08;
  EXPECT_TRUE(g.decapsulate(bad, {}));
  // With a checksum: C=1, Checksum over the GRE header and payload, Reserved1 0.
  std::vector<uint8_t> with_sum = {0x80, 0, 0x08, 0x00, 0, 0, 0, 0};
  with_sum.insert(with_sum.end(), inner.begin(), inner.end());
  const uint16_t sum = wire::internet_checksum(with_sum);
  with_sum[4] = static_cast<uint8_t>(sum >> 8);
  with_sum[5] = static_cast<uint8_t>(sum);
  EXPECT_EQ(g.decapsulate(with_sum, {}), inner);
  with_sum[5] ^= 1;
  EXPECT_FALSE(g.decapsulate(with_sum, {}, &why));
  for (size_t n = 0; n < 4 + 20; ++n) EXPECT_FALSE(g.decapsulate(std::span<const uint8_t>(*out).first(n), {})) << n;
}

TEST(Minimal, ForwardingHeaderAsRfc2004AndRoundTrip) {
  const std::vector<uint8_t> body = {8, 0, 0xf7, 0xff, 0, 0, 0, 0};
  const auto inner = build_ipv4_packet(kB, kA, kProtoIcmp, body, 57);
  MinimalEncapsulation m;
  EXPECT_EQ(m.ip_protocol(), 55);
  EXPECT_EQ(m.outer_ttl(inner), 57) << "TTL not modified during encapsulation (RFC 2004 3)";
  const Tins::IPv4Address ha("10.0.1.1"), coa("10.0.2.100");
  auto out = m.encapsulate(inner, {ha, coa});
  ASSERT_TRUE(out);
  // Golden: Protocol 1, S=1, checksum, Original Destination 10.0.1.100, Original Source 192.0.2.7, payload.
  ASSERT_EQ(out->size(), 12 + body.size());
  EXPECT_EQ((*out)[0], 1);
  EXPECT_EQ((*out)[1], 0x80);
  EXPECT_EQ(std::vector<uint8_t>(out->begin() + 4, out->begin() + 12),
            (std::vector<uint8_t>{10, 0, 1, 100, 192, 0, 2, 7}));
  EXPECT_EQ(wire::internet_checksum(std::span<const uint8_t>(*out).first(12)), 0);
  EXPECT_EQ(std::vector<uint8_t>(out->begin() + 12, out->end()), body);
  auto back = m.decapsulate(*out, {ha, coa, 57});
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, inner);

  // The encapsulator is the original source: S = 0, 8 bytes, source restored from the outer header.
  const auto own = build_ipv4_packet(ha, kA, kProtoIcmp, body, 64);
  out = m.encapsulate(own, {ha, coa});
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)[1], 0);
  EXPECT_EQ(out->size(), 8 + body.size());
  EXPECT_EQ(m.decapsulate(*out, {ha, coa, 64}), own);

  std::string why;
  auto corrupt = *out;
  corrupt[5] ^= 1;
  EXPECT_FALSE(m.decapsulate(corrupt, {ha, coa}, &why));
  EXPECT_NE(why.find("checksum"), std::string::npos);
  auto fragment = inner;
  fragment[6] = 0x20;  // MF
  fix_ipv4_checksum(fragment);
  EXPECT_FALSE(m.encapsulate(fragment, {ha, coa}, &why));
  EXPECT_NE(why.find("fragmented"), std::string::npos);
  EXPECT_FALSE(m.encapsulate(inner, {ha, kB}, &why)) << "original source = tunnel exit point (RFC 2004 4)";
  // The header as received is what the original one is rebuilt from (TOS, Identification, flags kept).
  auto received = build_ipv4_packet(ha, coa, 55, {}, 57, 0x4321, true);
  received[1] = 0x10;  // TOS
  out = m.encapsulate(inner, {ha, coa});
  ASSERT_TRUE(out);
  back = m.decapsulate(*out, {ha, coa, 57, std::span<const uint8_t>(received)});
  ASSERT_TRUE(back);
  auto h = parse_ipv4_header(*back);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->source, kB);
  EXPECT_EQ(h->destination, kA);
  EXPECT_EQ(h->protocol, kProtoIcmp);
  EXPECT_EQ(h->identification, 0x4321);
  EXPECT_EQ((*back)[1], 0x10);
  EXPECT_EQ(wire::internet_checksum(std::span<const uint8_t>(*back).first(20)), 0);
  EXPECT_EQ(std::vector<uint8_t>(back->begin() + 20, back->end()), body);
  for (size_t n = 0; n < 8; ++n) EXPECT_FALSE(m.decapsulate(std::span<const uint8_t>(*out).first(n), {})) << n;
}

TEST(UdpTunnelData, HeaderAsRfc3519Section3_3) {
  const std::vector<uint8_t> inner = {0x45, 0xaa};
  // Golden: Type 4, Next Header 4 (IP), Reserved 0.
  const std::vector<uint8_t> golden = {4, 4, 0, 0, 0x45, 0xaa};
  EXPECT_EQ(wrap_tunnel_data(4, inner), golden);
  auto td = unwrap_tunnel_data(golden);
  ASSERT_TRUE(td);
  EXPECT_EQ(td->next_header, 4);
  EXPECT_EQ(std::vector<uint8_t>(td->payload.begin(), td->payload.end()), inner);
  auto reserved_set = golden;
  reserved_set[2] = 0xff;  // "MUST be ignored on reception"
  EXPECT_TRUE(unwrap_tunnel_data(reserved_set));
  std::string why;
  for (size_t n = 0; n < 4; ++n) EXPECT_FALSE(unwrap_tunnel_data(std::span<const uint8_t>(golden).first(n), &why));
  auto rrq = golden;
  rrq[0] = 1;
  EXPECT_FALSE(unwrap_tunnel_data(rrq, &why));
  EXPECT_NE(why.find("found 1"), std::string::npos) << why;
}

}  // namespace
}  // namespace mipvpn::agents
