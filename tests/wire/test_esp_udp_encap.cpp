// RFC 3948: what a UDP 4500 payload is (2.1-2.3) and the rules a single datagram can be checked against.
#include "harness/wire/udp_encap.h"

#include <gtest/gtest.h>

namespace mipvpn::wire {
namespace {

using B = std::vector<uint8_t>;

UdpEncapKind kind_of(const B& p) {
  auto k = classify_udp_encap(p);
  if (!k) ADD_FAILURE() << k.error().to_string();
  return k ? *k : UdpEncapKind::Esp;
}

TEST(UdpEncap, Classification) {
  EXPECT_EQ(kind_of({0xff}), UdpEncapKind::NatKeepalive);                     // 2.3
  EXPECT_EQ(kind_of({0, 0, 0, 0}), UdpEncapKind::Ike);                        // 2.2, marker with nothing after it
  EXPECT_EQ(kind_of({0, 0, 0, 0, 0x11, 0x22}), UdpEncapKind::Ike);
  EXPECT_EQ(kind_of({0, 0, 1, 0, 0, 0, 0, 1}), UdpEncapKind::Esp);           // 2.1, SPI 256
  EXPECT_EQ(kind_of({0xff, 0, 0, 0, 0, 0, 0, 1}), UdpEncapKind::Esp);        // SPI 0xff000000
  EXPECT_EQ(kind_of({0, 0, 0, 1, 0, 0, 0, 0}), UdpEncapKind::Esp);           // SPI 1: not a marker
  // Malformed keepalives are still keepalives (only they are this short); the validator reports them.
  EXPECT_EQ(kind_of({0x00}), UdpEncapKind::NatKeepalive);
  EXPECT_EQ(kind_of({0xff, 0xff}), UdpEncapKind::NatKeepalive);
  EXPECT_EQ(kind_of({0xff, 1, 2, 3, 4, 5, 6}), UdpEncapKind::NatKeepalive);
}

TEST(UdpEncap, UnclassifiablePayloadsAreErrors) {
  auto empty = classify_udp_encap({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().field, "spi");
  EXPECT_EQ(empty.error().offset, 0u);
  for (const B& p : {B{0, 0}, B{1, 2, 3}, B{0, 0, 0}}) {
    auto k = classify_udp_encap(p);
    ASSERT_FALSE(k) << p.size();
    EXPECT_EQ(k.error().field, "spi");
  }
  for (size_t n = 4; n < 8; ++n) {
    B p(n, 0);
    p[3] = 1;  // not a marker, too short for ESP
    auto k = classify_udp_encap(p);
    ASSERT_FALSE(k) << n;
    EXPECT_EQ(k.error().field, "sequence");
    EXPECT_EQ(k.error().offset, 4u);
  }
}

TEST(UdpEncap, KeepaliveIsExactlyOneOctet0xFF) {
  EXPECT_TRUE(validate_nat_keepalive(B{0xff}).empty());
  for (const B& p : {B{0x00}, B{0xfe}, B{0xff, 0xff}, B{0xff, 0, 0}}) {
    auto v = validate_nat_keepalive(p);
    ASSERT_EQ(v.size(), 1u) << p.size();
    EXPECT_EQ(v[0].rfc, "RFC 3948");
    EXPECT_EQ(v[0].section, "2.3");
    EXPECT_EQ(v[0].level, "MUST");
    EXPECT_NE(v[0].text.find("one-octet-long payload with the value 0xFF"), std::string::npos);
  }
}

TEST(UdpEncap, ChecksumShouldBeZero) {
  EXPECT_TRUE(validate_udp_encap_checksum(UdpEncapKind::Esp, 0).empty());
  EXPECT_TRUE(validate_udp_encap_checksum(UdpEncapKind::NatKeepalive, 0).empty());
  EXPECT_TRUE(validate_udp_encap_checksum(UdpEncapKind::Ike, 0x1234).empty());  // 2.2: no new requirement
  auto esp = validate_udp_encap_checksum(UdpEncapKind::Esp, 0x1234);
  ASSERT_EQ(esp.size(), 1u);
  EXPECT_EQ(esp[0].section, "2.1");
  EXPECT_EQ(esp[0].level, "SHOULD");
  EXPECT_NE(esp[0].text.find("0x1234"), std::string::npos);
  EXPECT_NE(esp[0].text.find("SHOULD be transmitted as a zero value"), std::string::npos);
  auto ka = validate_udp_encap_checksum(UdpEncapKind::NatKeepalive, 0xffff);
  ASSERT_EQ(ka.size(), 1u);
  EXPECT_EQ(ka[0].section, "2.3");
}

TEST(UdpEncap, PortsKeep4500OnOneSide) {
  EXPECT_TRUE(validate_udp_encap_ports(UdpEncapKind::Esp, 4500, 4500).empty());
  EXPECT_TRUE(validate_udp_encap_ports(UdpEncapKind::Esp, 61234, 4500).empty());  // NATed source
  EXPECT_TRUE(validate_udp_encap_ports(UdpEncapKind::Esp, 4500, 61234).empty());  // reply to the NAT mapping
  EXPECT_TRUE(validate_udp_encap_ports(UdpEncapKind::Esp, 0, 0).empty());         // unknown
  EXPECT_TRUE(validate_udp_encap_ports(UdpEncapKind::Ike, 500, 501).empty());
  auto v = validate_udp_encap_ports(UdpEncapKind::Esp, 500, 501);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].section, "2.1");
  EXPECT_EQ(v[0].level, "MUST");
  EXPECT_NE(v[0].text.find("500>501"), std::string::npos);
  auto k = validate_udp_encap_ports(UdpEncapKind::NatKeepalive, 1, 2);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].section, "2.3");
}

}  // namespace
}  // namespace mipvpn::wire
