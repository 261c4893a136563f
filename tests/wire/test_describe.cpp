#include "harness/wire/describe.h"

#include <gtest/gtest.h>
#include <tins/arp.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey(16, 0x21);

std::vector<uint8_t> rrq_frame() {
  RegistrationRequest rrq(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xe8f1c2a300000001ull,
                          RegistrationRequest::kFlagD);
  rrq.add_authentication(MnHaAuth, 256, kKey);
  Tins::EthernetII eth("02:00:00:00:00:02", "02:00:00:00:00:01");
  Tins::IP ip("10.0.1.1", "10.0.2.2");
  ip.ttl(64);
  auto pkt = eth / ip / Tins::UDP(434, 40000) / rrq;
  return pkt.serialize();
}

TEST(Describe, RegistrationRequestFrame) {
  const auto f = rrq_frame();
  EXPECT_EQ(describe_frame(f.data(), f.size(), LinkType::Ethernet),
            "02:00:00:00:00:01>02:00:00:00:00:02 IP 10.0.2.2>10.0.1.1 ttl=64 UDP 40000>434 RRQ lifetime=1800 "
            "HoA=10.0.1.100 HA=10.0.1.1 CoA=10.0.2.2 id=0xe8f1c2a300000001 flags=D exts=[MN-HA spi=256]");
  // Raw IP: same without the MAC addresses.
  EXPECT_EQ(describe_frame(f.data() + 14, f.size() - 14, LinkType::RawIP).rfind("IP 10.0.2.2>10.0.1.1 ttl=64 UDP", 0),
            0u);
}

TEST(Describe, BadUdpChecksumAndZeroChecksum) {
  auto f = rrq_frame();
  f[14 + 20 + 6] ^= 0x01;
  EXPECT_NE(describe_frame(f.data(), f.size(), LinkType::Ethernet).find("UDP 40000>434 cksum=bad RRQ"),
            std::string::npos);
  f[14 + 20 + 6] = f[14 + 20 + 7] = 0;
  EXPECT_NE(describe_frame(f.data(), f.size(), LinkType::Ethernet).find("cksum=0 RRQ"), std::string::npos);
}

TEST(Describe, ReplyWithCodeName) {
  RegistrationReply rrp(133, 0, "10.0.1.100", "10.0.1.1", 0x0000000100000002ull);
  rrp.add_authentication(MnHaAuth, 256, kKey);
  auto pkt = Tins::IP("10.0.2.2", "10.0.1.1") / Tins::UDP(40000, 434) / rrp;
  const auto w = pkt.serialize();
  EXPECT_EQ(describe_frame(w.data(), w.size(), LinkType::RawIP),
            "IP 10.0.1.1>10.0.2.2 ttl=128 UDP 434>40000 RRP code=133 (registration Identification mismatch) lifetime=0 "
            "HoA=10.0.1.100 HA=10.0.1.1 id=0x0000000100000002 exts=[MN-HA spi=256]");
}

TEST(Describe, DecodeErrorIsShown) {
  const std::vector<uint8_t> payload = {1, 0, 0, 0, 10, 0};  // an RRQ cut inside the Home Address
  auto pkt = Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / Tins::RawPDU(payload);
  const auto w = pkt.serialize();
  EXPECT_NE(describe_frame(w.data(), w.size(), LinkType::RawIP).find("RRQ decode error: offset 32, field home_address"),
            std::string::npos)
      << describe_frame(w.data(), w.size(), LinkType::RawIP);
}

TEST(Describe, AdvertisementAndSolicitation) {
  AgentAdvertisement a;
  a.add_router_address("10.0.2.1", 0);
  a.sequence_number(7);
  a.registration_lifetime(300);
  a.f(true);
  a.h(true);
  a.t(true);
  a.add_care_of_address("10.0.2.1");
  a.prefix_lengths({24});
  a.pad(true);
  Tins::IP ip("224.0.0.1", "10.0.2.1");
  ip.ttl(1);
  ip.protocol(1);
  auto w = (ip / a).serialize();
  EXPECT_EQ(describe_frame(w.data(), w.size(), LinkType::RawIP),
            "IP 10.0.2.1>224.0.0.1 ttl=1 AgentAdv code=0 lifetime=1800 routers=[10.0.2.1 pref=0] seq=7 reglifetime=300 "
            "flags=HFT coa=[10.0.2.1] exts=[Prefix-Lengths 24, Pad]");
  w[20 + 2] ^= 0xff;  // break the ICMP checksum
  EXPECT_NE(describe_frame(w.data(), w.size(), LinkType::RawIP).find("flags=HFT coa=[10.0.2.1] exts=[Prefix-Lengths 24, Pad] cksum=bad"),
            std::string::npos);

  // Not 0.0.0.0 as source: libtins replaces a zero source of a top-level IP with the outgoing interface address.
  Tins::IP ip2("224.0.0.11", "10.0.2.9");
  ip2.ttl(1);
  ip2.protocol(1);
  const auto s = (ip2 / AgentSolicitation()).serialize();
  EXPECT_EQ(describe_frame(s.data(), s.size(), LinkType::RawIP), "IP 10.0.2.9>224.0.0.11 ttl=1 AgentSol");
}

TEST(Describe, ArpAndTunnels) {
  Tins::EthernetII arp = Tins::ARP::make_arp_request("10.0.1.100", "10.0.1.100", "02:00:00:00:00:09");
  const auto a = arp.serialize();
  EXPECT_NE(describe_frame(a.data(), a.size(), LinkType::Ethernet).find("ARP who-has 10.0.1.100 tell 10.0.1.100"),
            std::string::npos);
  EXPECT_NE(describe_frame(a.data(), a.size(), LinkType::Ethernet).find("(gratuitous)"), std::string::npos);

  Tins::IP outer("10.0.2.2", "10.0.1.1");
  outer.protocol(4);
  Tins::IP inner("10.0.1.100", "192.0.2.5");
  auto inner_bytes = (inner / Tins::UDP(53, 5353) / Tins::RawPDU(std::vector<uint8_t>{1, 2, 3})).serialize();
  const auto t = (outer / Tins::RawPDU(inner_bytes)).serialize();
  EXPECT_EQ(describe_frame(t.data(), t.size(), LinkType::RawIP),
            "IP 10.0.1.1>10.0.2.2 ttl=128 IPIP | IP 192.0.2.5>10.0.1.100 ttl=128 UDP 5353>53 len=3");
}

TEST(Describe, ShortAndOddInput) {
  const std::vector<uint8_t> tiny = {0x45, 0};
  // Offsets in errors are frame offsets (the layered decoder's convention).
  EXPECT_EQ(describe_frame(tiny.data(), tiny.size(), LinkType::RawIP),
            "IP truncated (2 of 20 header bytes) (offset 0, field ip.header: expected 20 bytes of IPv4 header (only 2 "
            "left))");
  EXPECT_EQ(describe_frame(tiny.data(), tiny.size(), LinkType::Ethernet).rfind("Ethernet truncated (2 of 14", 0), 0u);
  const std::vector<uint8_t> v6(40, 0x60);
  EXPECT_EQ(describe_frame(v6.data(), v6.size(), LinkType::RawIP), "IPv6 len=40");
}

}  // namespace
}  // namespace mipvpn::wire
