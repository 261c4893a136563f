// MIP Tunnel Data Message (RFC 3519 3.3) and the 4.9 keepalive: golden encodings written out by hand (checksums
// computed separately with a few lines of Python), round trips, libtins stacking, truncation, validation.
#include "harness/wire/malformed.h"
#include "harness/wire/tunnel_data.h"
#include "harness/wire/validate.h"

#include <gtest/gtest.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

namespace mipvpn::wire {
namespace {

// Tunnel Data (Type 4, Next Header 4, Reserved 0) | IPv4 10.0.1.100 -> 10.0.1.1, TTL 64, protocol 1, id 1 |
// ICMP Echo Request id 0x1234 sequence 1: the mobile node's keepalive to its home agent.
const std::vector<uint8_t> kKeepalive = {
    0x04, 0x04, 0x00, 0x00,                          // RFC 3519 3.3 header
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,  // IPv4, IHL 5, total length 28, id 1
    0x40, 0x01, 0x64, 0x7c,                          // TTL 64, protocol 1 (ICMP), header checksum
    10,   0,    1,    100,  10,   0,    1,    1,     // 10.0.1.100 -> 10.0.1.1
    0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01,  // Echo Request, checksum, id, sequence
};
// The home agent's answer: addresses swapped, Echo Reply.
const std::vector<uint8_t> kKeepaliveReply = {
    0x04, 0x04, 0x00, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x64, 0x7c,
    10,   0,    1,    1,    10,   0,    1,    100,  0x00, 0x00, 0xed, 0xca, 0x12, 0x34, 0x00, 0x01,
};

TEST(TunnelData, GoldenHeader) {
  EXPECT_EQ(TunnelData(TunnelData::kNextGre).bytes(), (std::vector<uint8_t>{0x04, 0x2f, 0x00, 0x00}));
  EXPECT_EQ(TunnelData(TunnelData::kNextMinimal, 0xa5a5).bytes(), (std::vector<uint8_t>{0x04, 0x37, 0xa5, 0xa5}));
  EXPECT_EQ(TunnelData().header_size(), 4u);
  EXPECT_EQ(TunnelData().pdu_type(), Tins::PDU::USER_DEFINED_PDU + 5);
}

TEST(TunnelData, KeepaliveGolden) {
  EXPECT_EQ(make_keepalive("10.0.1.100", "10.0.1.1", 0x1234, 1).bytes(), kKeepalive);
  EXPECT_EQ(make_keepalive_reply("10.0.1.1", "10.0.1.100", 0x1234, 1).bytes(), kKeepaliveReply);
}

TEST(TunnelData, DecodeKeepsThePayloadExactly) {
  auto t = TunnelData::decode(kKeepalive);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(t->next_header(), 4);
  EXPECT_EQ(t->reserved(), 0);
  EXPECT_EQ(t->payload(), std::vector<uint8_t>(kKeepalive.begin() + 4, kKeepalive.end()));
  EXPECT_EQ(t->bytes(), kKeepalive);
  ASSERT_NE(t->inner_pdu(), nullptr);
  EXPECT_EQ(t->inner_pdu()->pdu_type(), Tins::PDU::RAW);
  auto empty = TunnelData::decode(std::vector<uint8_t>{4, 47, 0, 0});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->inner_pdu(), nullptr);
  EXPECT_TRUE(empty->payload().empty());
}

TEST(TunnelData, ConstructorParsesInnerIp) {
  TunnelData t(kKeepalive.data(), static_cast<uint32_t>(kKeepalive.size()));
  const auto* ip = t.find_pdu<Tins::IP>();
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->src_addr(), Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(ip->dst_addr(), Tins::IPv4Address("10.0.1.1"));
  const auto* icmp = t.find_pdu<Tins::ICMP>();
  ASSERT_NE(icmp, nullptr);
  EXPECT_EQ(icmp->type(), Tins::ICMP::ECHO_REQUEST);
  EXPECT_EQ(icmp->id(), 0x1234);
  // Next Header 47: the GRE packet stays raw bytes. Next Header 4 that is not IPv4: raw too.
  const std::vector<uint8_t> gre = {4, 47, 0, 0, 0x00, 0x00, 0x08, 0x00, 0xde, 0xad};
  TunnelData g(gre.data(), static_cast<uint32_t>(gre.size()));
  ASSERT_NE(g.inner_pdu(), nullptr);
  EXPECT_EQ(g.inner_pdu()->pdu_type(), Tins::PDU::RAW);
  EXPECT_EQ(g.bytes(), gre);
  const std::vector<uint8_t> junk = {4, 4, 0, 0, 0x45, 0x00};
  TunnelData j(junk.data(), static_cast<uint32_t>(junk.size()));
  ASSERT_NE(j.inner_pdu(), nullptr);
  EXPECT_EQ(j.inner_pdu()->pdu_type(), Tins::PDU::RAW);
  const uint8_t not_tunnel[] = {1, 4, 0, 0};
  EXPECT_THROW(TunnelData(not_tunnel, 4), Tins::malformed_packet);
  EXPECT_THROW(TunnelData(not_tunnel, 2), MalformedMessage);
}

TEST(TunnelData, StacksInLibtins) {
  Tins::IP inner("192.0.2.7", "10.0.1.100");
  auto pkt = Tins::IP("198.51.100.1", "10.0.1.1") / Tins::UDP(4500, 434) / TunnelData() / inner /
             Tins::UDP(53, 5353) / Tins::RawPDU(std::vector<uint8_t>{1, 2, 3});
  const auto w = pkt.serialize();
  ASSERT_GE(w.size(), 20u + 8 + 4 + 20 + 8 + 3);
  EXPECT_EQ(w[28], 4);  // Type
  EXPECT_EQ(w[29], 4);  // Next Header
  EXPECT_EQ(w[32], 0x45);
  // Parsed back from the UDP payload the libtins way.
  Tins::IP back(w.data(), static_cast<uint32_t>(w.size()));
  auto t = back.rfind_pdu<Tins::RawPDU>().to<TunnelData>();
  EXPECT_EQ(t.next_header(), 4);
  ASSERT_NE(t.find_pdu<Tins::IP>(), nullptr);
  EXPECT_EQ(t.find_pdu<Tins::IP>()->dst_addr(), Tins::IPv4Address("192.0.2.7"));
}

TEST(TunnelData, TruncationNamesTheField) {
  const char* fields[] = {"type", "next_header", "reserved", "reserved"};
  for (size_t n = 0; n < 4; ++n) {
    auto r = TunnelData::decode(kKeepalive.data(), n);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().field, fields[n]) << n;
    EXPECT_EQ(r.error().offset, n < 2 ? n : 2u) << n;
  }
  for (size_t n = 4; n <= kKeepalive.size(); ++n) {
    auto r = TunnelData::decode(kKeepalive.data(), n);
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->bytes(), std::vector<uint8_t>(kKeepalive.begin(), kKeepalive.begin() + static_cast<long>(n)));
  }
  auto wrong = TunnelData::decode(std::vector<uint8_t>{3, 4, 0, 0});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "type");
  EXPECT_NE(wrong.error().expected.find("found 3"), std::string::npos);
  EXPECT_FALSE(TunnelData::decode(nullptr, 4));
}

TEST(TunnelData, RecognizesKeepalives) {
  auto k = recognize_keepalive(kKeepalive);
  ASSERT_TRUE(k);
  EXPECT_FALSE(k->reply);
  EXPECT_EQ(k->inner_source, Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(k->inner_destination, Tins::IPv4Address("10.0.1.1"));
  EXPECT_EQ(k->id, 0x1234);
  EXPECT_EQ(k->sequence, 1);
  EXPECT_TRUE(k->ip_checksum_ok);
  EXPECT_TRUE(k->icmp_checksum_ok);
  auto r = recognize_keepalive(kKeepaliveReply);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->reply);

  auto bad_sum = kKeepalive;
  bad_sum[26] ^= 0xff;
  ASSERT_TRUE(recognize_keepalive(bad_sum));
  EXPECT_FALSE(recognize_keepalive(bad_sum)->icmp_checksum_ok);

  // Not keepalives: another ICMP type, another protocol, a fragment, GRE Next Header, a registration message.
  auto unreachable = kKeepalive;
  unreachable[24] = 3;
  EXPECT_FALSE(recognize_keepalive(unreachable));
  auto udp = kKeepalive;
  udp[13] = 17;
  EXPECT_FALSE(recognize_keepalive(udp));
  auto fragment = kKeepalive;
  fragment[10] = 0x20;  // MF
  EXPECT_FALSE(recognize_keepalive(fragment));
  auto gre = kKeepalive;
  gre[1] = 47;
  EXPECT_FALSE(recognize_keepalive(gre));
  EXPECT_FALSE(recognize_keepalive(std::vector<uint8_t>{1, 0, 0, 0}));
  // Every truncation is rejected without reading past the end.
  for (size_t n = 0; n < kKeepalive.size(); ++n)
    EXPECT_FALSE(recognize_keepalive(std::span<const uint8_t>(kKeepalive.data(), n))) << n;
}

TEST(TunnelData, ValidateReserved) {
  EXPECT_TRUE(validate(TunnelData()).empty());
  EXPECT_TRUE(validate(TunnelData(TunnelData::kNextGre)).empty());
  const auto v = validate(TunnelData(4, 0x0001));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rfc, "RFC 3519");
  EXPECT_EQ(v[0].section, "3.3");
  EXPECT_EQ(v[0].level, "MUST");
  EXPECT_NE(v[0].text.find("0x0001"), std::string::npos);
}

}  // namespace
}  // namespace mipvpn::wire
