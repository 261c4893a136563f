// Oracle: every message kind encoded by harness/wire, written into a pcap inside Ethernet/IP(/UDP), must be decoded
// by tshark (an implementation we did not write) as Mobile IP / ICMP agent discovery with the same field values, good
// checksums, and no malformed-packet or warning/error expert marks.
#include "tests/oracle/oracle_frames.h"
#include "tests/oracle/tshark_run.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mipvpn::wire::oracle {
namespace {

using TsharkOracle = TsharkTest;

TEST_F(TsharkOracle, EveryMessageKindDecodesWithTheSameValues) {
  const auto rrq = oracle_rrq();
  const auto rrp = oracle_rrp();
  const auto adv = oracle_advert();
  const auto sol = oracle_solicitation();
  const auto layers = dissect(
      {udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, rrq).serialize(),
       udp_frame("10.0.1.1", "10.0.2.2", 434, 40000, rrp).serialize(),
       icmp_frame("10.0.2.1", "224.0.0.1", adv).serialize(), icmp_frame("10.0.2.2", "224.0.0.11", sol).serialize()},
      "wire");
  ASSERT_EQ(layers.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    expect_clean(layers[static_cast<size_t>(i)], i + 1);
    EXPECT_EQ(value(layers[static_cast<size_t>(i)], "ip.checksum.status"), "1") << "frame " << i + 1;
  }

  // Frame 1: Registration Request (RFC 5944 3.3) with MN-HA (3.5.2).
  const Json& l1 = layers[0];
  ASSERT_NE(value(l1, "mip.type"), "<absent>") << "frame 1 not dissected as Mobile IP";
  EXPECT_EQ(value(l1, "udp.dstport"), "434");
  EXPECT_EQ(value(l1, "udp.checksum.status"), "1");
  EXPECT_EQ(value(l1, "mip.type"), "1");
  EXPECT_EQ(value(l1, "mip.flags"), "0xa2");
  EXPECT_EQ(value(l1, "mip.s"), "1");
  EXPECT_EQ(value(l1, "mip.b"), "0");
  EXPECT_EQ(value(l1, "mip.d"), "1");
  EXPECT_EQ(value(l1, "mip.m"), "0");
  EXPECT_EQ(value(l1, "mip.g"), "0");
  EXPECT_EQ(value(l1, "mip.t"), "1");
  EXPECT_EQ(value(l1, "mip.x"), "0");
  EXPECT_EQ(value(l1, "mip.life"), std::to_string(rrq.lifetime()));
  EXPECT_EQ(value(l1, "mip.homeaddr"), rrq.home_address().to_string());
  EXPECT_EQ(value(l1, "mip.haaddr"), rrq.home_agent().to_string());
  EXPECT_EQ(value(l1, "mip.coa"), rrq.care_of_address().to_string());
  EXPECT_EQ(raw_hex(l1, "mip.ident"), "ea5d1f2b80000001");
  EXPECT_EQ(value(l1, "mip.ext.type"), "32");
  EXPECT_EQ(value(l1, "mip.ext.len"), "20");
  EXPECT_EQ(value(l1, "mip.auth.spi"), "0x00000100");
  const auto rrq_auth = std::vector<uint8_t>(rrq.extensions()[0].body.begin() + 4, rrq.extensions()[0].body.end());
  EXPECT_EQ(raw_hex(l1, "mip.auth.auth"), hex(rrq_auth));

  // Frame 2: Registration Reply (3.4) with MN-HA.
  const Json& l2 = layers[1];
  ASSERT_NE(value(l2, "mip.type"), "<absent>") << "frame 2 not dissected as Mobile IP";
  EXPECT_EQ(value(l2, "udp.srcport"), "434");
  EXPECT_EQ(value(l2, "udp.checksum.status"), "1");
  EXPECT_EQ(value(l2, "mip.type"), "3");
  EXPECT_EQ(value(l2, "mip.code"), std::to_string(rrp.code()));
  EXPECT_EQ(value(l2, "mip.life"), std::to_string(rrp.lifetime()));
  EXPECT_EQ(value(l2, "mip.homeaddr"), rrp.home_address().to_string());
  EXPECT_EQ(value(l2, "mip.haaddr"), rrp.home_agent().to_string());
  EXPECT_EQ(raw_hex(l2, "mip.ident"), "ea5d1f2b80000001");
  EXPECT_EQ(value(l2, "mip.ext.type"), "32");
  EXPECT_EQ(value(l2, "mip.ext.len"), "20");
  EXPECT_EQ(value(l2, "mip.auth.spi"), "0x00000100");
  const auto rrp_auth = std::vector<uint8_t>(rrp.extensions()[0].body.begin() + 4, rrp.extensions()[0].body.end());
  EXPECT_EQ(raw_hex(l2, "mip.auth.auth"), hex(rrp_auth));

  // Frame 3: Agent Advertisement (2.1) with Mobility Agent Advertisement (2.1.1) and Prefix-Lengths (2.1.2).
  const Json& l3 = layers[2];
  EXPECT_EQ(value(l3, "ip.proto"), "1");
  EXPECT_EQ(value(l3, "ip.ttl"), "1");
  EXPECT_EQ(value(l3, "icmp.type"), "9");
  EXPECT_EQ(value(l3, "icmp.code"), std::to_string(adv.code()));
  EXPECT_EQ(value(l3, "icmp.checksum.status"), "1");
  EXPECT_EQ(value(l3, "icmp.num_addrs"), "2");
  EXPECT_EQ(value(l3, "icmp.addr_entry_size"), "2");
  EXPECT_EQ(value(l3, "icmp.lifetime"), std::to_string(adv.lifetime()));
  EXPECT_EQ(values(l3, "icmp.router_address"), (std::vector<std::string>{"10.0.2.1", "10.0.3.1"}));
  EXPECT_EQ(values(l3, "icmp.pref_level"), (std::vector<std::string>{"5", "3"}));
  EXPECT_EQ(values(l3, "icmp.mip.type"), (std::vector<std::string>{"16", "19"}));
  EXPECT_EQ(values(l3, "icmp.mip.length"),
            (std::vector<std::string>{std::to_string(adv.mobility_extension_length()), "2"}));
  EXPECT_EQ(value(l3, "icmp.mip.seq"), std::to_string(adv.sequence_number()));
  EXPECT_EQ(value(l3, "icmp.mip.life"), std::to_string(adv.registration_lifetime()));
  EXPECT_EQ(value(l3, "icmp.mip.flags"), hexw(adv.agent_flags(), 4));
  EXPECT_EQ(value(l3, "icmp.mip.r"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.b"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.h"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.f"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.m"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.g"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.rt"), "1");  // T: reverse tunnelling
  EXPECT_EQ(value(l3, "icmp.mip.u"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.x"), "0");
  EXPECT_EQ(values(l3, "icmp.mip.coa"), (std::vector<std::string>{"10.0.2.1", "10.0.3.1"}));
  EXPECT_EQ(values(l3, "icmp.mip.prefixlength"), (std::vector<std::string>{"24", "16"}));

  // Frame 4: Agent Solicitation (2.2) = ICMP Router Solicitation.
  const Json& l4 = layers[3];
  EXPECT_EQ(value(l4, "ip.ttl"), "1");
  EXPECT_EQ(value(l4, "icmp.type"), "10");
  EXPECT_EQ(value(l4, "icmp.code"), "0");
  EXPECT_EQ(value(l4, "icmp.checksum.status"), "1");
  EXPECT_EQ(value(l4, "icmp.checksum"), hexw(sol.bytes()[2] << 8 | sol.bytes()[3], 4));
}

// The oracle can fail: a frame with a broken ICMP checksum must be reported by tshark as bad (status 0/2).
TEST_F(TsharkOracle, DetectsABrokenChecksum) {
  auto frame = icmp_frame("10.0.2.1", "224.0.0.1", oracle_advert()).serialize();
  frame[14 + 20 + 2] ^= 0x5a;
  const auto layers = dissect({frame}, "broken");
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_NE(value(layers[0], "icmp.checksum.status"), "1");
}

}  // namespace
}  // namespace mipvpn::wire::oracle
