// The layered decoder's own layers (link, IPv4, UDP, ICMP, TCP, ARP) and its dispatch between protocol areas: every
// layer in order with frame offsets, errors that end the walk, and no crash or over-read on any prefix of a frame.
#include "harness/wire/stack.h"

#include "harness/wire/esp_keys.h"
#include "harness/wire/minimal_encap.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"
#include "tests/wire/rfc5265_frames.h"

#include <gtest/gtest.h>
#include <tins/arp.h>
#include <tins/dot1q.h>
#include <tins/ethernetII.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey(16, 0x21);

RegistrationRequest sample_rrq() {
  RegistrationRequest rrq(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xe8f1c2a300000001ull,
                          RegistrationRequest::kFlagD);
  rrq.add_authentication(MnHaAuth, 256, kKey);
  return rrq;
}

std::vector<std::string> protocols(const DecodedFrame& f) {
  std::vector<std::string> p;
  for (const auto& l : f.layers) p.push_back(l.protocol);
  return p;
}

std::string text(const Layer& l, const char* name) {
  const FieldValue* v = l.find(name);
  if (!v) return "<absent>";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* u = std::get_if<uint64_t>(v)) return std::to_string(*u);
  if (const auto* b = std::get_if<bool>(v)) return *b ? "true" : "false";
  return std::to_string(std::get<int64_t>(*v));
}

TEST(Stack, EthernetIpUdpRegistrationRequest) {
  Tins::IP ip("10.0.1.1", "10.0.2.2");
  ip.ttl(64);
  auto pkt = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / ip / Tins::UDP(434, 40000) / sample_rrq();
  const auto bytes = pkt.serialize();
  const DecodedFrame f = decode_frame(bytes, LinkType::Ethernet);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"eth", "ip", "udp", "rrq"})) << f.summary();
  EXPECT_EQ(f.error(), nullptr);
  EXPECT_EQ(text(f.layers[0], "src"), "02:00:00:00:00:01");
  EXPECT_EQ(text(f.layers[0], "ethertype"), "0x0800");
  EXPECT_EQ(f.layers[1].offset, 14u);
  EXPECT_EQ(text(f.layers[1], "src"), "10.0.2.2");
  EXPECT_EQ(text(f.layers[1], "ttl"), "64");
  EXPECT_EQ(text(f.layers[1], "checksum_status"), "good");
  EXPECT_EQ(f.layers[2].offset, 34u);
  EXPECT_EQ(text(f.layers[2], "dst_port"), "434");
  EXPECT_EQ(text(f.layers[2], "checksum_status"), "good");
  EXPECT_EQ(f.layers[3].offset, 42u);
  EXPECT_EQ(f.summary(),
            "02:00:00:00:00:01>02:00:00:00:00:02 IP 10.0.2.2>10.0.1.1 ttl=64 UDP 40000>434 RRQ lifetime=1800 "
            "HoA=10.0.1.100 HA=10.0.1.1 CoA=10.0.2.2 id=0xe8f1c2a300000001 flags=D exts=[MN-HA spi=256]");
  EXPECT_TRUE(f.violations().empty());
}

TEST(Stack, BadChecksumsAreViolationsAndDecodingGoesOn) {
  auto bytes = (Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  bytes[10] ^= 0xff;  // IP header checksum
  bytes[26] ^= 0x01;  // UDP checksum
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip", "udp", "rrq"}));
  EXPECT_EQ(text(f.layers[0], "checksum_status"), "bad");
  EXPECT_EQ(text(f.layers[1], "checksum_status"), "bad");
  ASSERT_EQ(f.violations().size(), 2u);
  EXPECT_EQ(f.violations()[0].rfc, "RFC 1122");
  EXPECT_EQ(f.violations()[1].rfc, "RFC 768");
  DecodeOptions lenient;
  lenient.verify_checksums = false;
  EXPECT_TRUE(decode_frame(bytes, LinkType::RawIP, lenient).violations().empty());
}

TEST(Stack, VlanTagAndArp) {
  Tins::EthernetII eth("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:07");
  Tins::Dot1Q tag(42);
  auto arp = Tins::ARP::make_arp_request("10.0.1.100", "10.0.1.100", "02:00:00:00:00:07");
  auto bytes = (eth / tag / Tins::ARP(arp.rfind_pdu<Tins::ARP>())).serialize();
  const DecodedFrame f = decode_frame(bytes, LinkType::Ethernet);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"eth", "vlan", "arp"})) << f.summary();
  EXPECT_EQ(text(f.layers[1], "id"), "42");
  EXPECT_EQ(text(f.layers[2], "gratuitous"), "true");
  EXPECT_NE(f.summary().find("vlan=42 ARP who-has 10.0.1.100 tell 10.0.1.100"), std::string::npos) << f.summary();
}

TEST(Stack, IpInIpNestsAndSummarySeparatesPackets) {
  Tins::IP inner("10.0.1.100", "192.0.2.7");
  inner.ttl(63);
  auto inner_bytes = (inner / Tins::ICMP(Tins::ICMP::ECHO_REQUEST)).serialize();
  Tins::IP outer("10.0.2.10", "10.0.1.1");
  outer.protocol(4);
  auto bytes = (outer / Tins::RawPDU(inner_bytes)).serialize();
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip", "ip", "icmp"})) << f.summary();
  EXPECT_EQ(f.layers[1].offset, 20u);
  EXPECT_EQ(text(f.layers[2], "type"), "8");
  EXPECT_NE(f.summary().find("IPIP | IP 192.0.2.7>10.0.1.100 ttl=63 ICMP type=8"), std::string::npos) << f.summary();
}

TEST(Stack, NestingDeeperThanTheLimitStopsWithAnError) {
  std::vector<uint8_t> pkt = (Tins::IP("1.1.1.1", "2.2.2.2") / Tins::UDP(1, 2)).serialize();
  for (int i = 0; i < 20; ++i) {
    Tins::IP outer("10.0.0.1", "10.0.0.2");
    outer.protocol(4);
    pkt = (outer / Tins::RawPDU(pkt)).serialize();
  }
  const DecodedFrame f = decode_frame(pkt, LinkType::RawIP);
  ASSERT_NE(f.error(), nullptr);
  EXPECT_EQ(f.error()->field, "depth");
  EXPECT_LE(f.layers.size(), 16u);
}

TEST(Stack, TcpAndOtherProtocols) {
  auto tcp = (Tins::IP("10.0.0.2", "10.0.0.1") / Tins::TCP(80, 33000)).serialize();
  const DecodedFrame t = decode_frame(tcp, LinkType::RawIP);
  ASSERT_EQ(protocols(t), (std::vector<std::string>{"ip", "tcp"}));
  EXPECT_EQ(text(t.layers[1], "dst_port"), "80");
  Tins::IP other("10.0.0.1", "10.0.0.2");
  other.protocol(132);
  auto sctp = (other / Tins::RawPDU(std::vector<uint8_t>(12, 0))).serialize();
  const DecodedFrame o = decode_frame(sctp, LinkType::RawIP);
  EXPECT_NE(o.summary().find("proto=132 len=12"), std::string::npos);
}

TEST(Stack, FragmentsAreNotDecodedPastTheIpLayer) {
  Tins::IP ip("10.0.1.1", "10.0.2.2");
  ip.flags(Tins::IP::MORE_FRAGMENTS);
  auto bytes = (ip / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip"}));
  EXPECT_EQ(text(f.layers[0], "mf"), "true");
  EXPECT_NE(f.summary().find(" MF proto=17"), std::string::npos);
}

TEST(Stack, ShortCaptureIsNotBlamedOnTheSender) {
  auto bytes = (Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  bytes.resize(30);  // snap length 30
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip"}));
  EXPECT_EQ(text(f.layers[0], "captured_length"), "30");
  EXPECT_TRUE(f.violations().empty());
}

TEST(Stack, LinuxCookedCaptures) {
  auto ip = (Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  std::vector<uint8_t> sll(16, 0);
  sll[14] = 0x08;  // protocol 0x0800 in the last two bytes of the v1 header
  sll.insert(sll.end(), ip.begin(), ip.end());
  const DecodedFrame f = decode_frame(sll, LinkType::LinuxSll);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"sll", "ip", "udp", "rrq"}));
  EXPECT_EQ(f.layers[1].offset, 16u);
  std::vector<uint8_t> sll2(20, 0);
  sll2[0] = 0x08;  // protocol first in v2
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  EXPECT_EQ(protocols(decode_frame(sll2, LinkType::LinuxSll2)),
            (std::vector<std::string>{"sll2", "ip", "udp", "rrq"}));
}

TEST(Stack, ErrorsNameTheFieldAndEndTheWalk) {
  auto bytes = (Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  bytes[24] = 0xff;  // UDP length 0xff.. larger than the datagram
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_NE(f.error(), nullptr);
  EXPECT_EQ(f.error()->field, "udp.length");
  EXPECT_EQ(f.error()->offset, 24u);
  EXPECT_EQ(f.layers.back().protocol, "udp");
  const std::vector<uint8_t> v5 = {0x50, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
  EXPECT_EQ(decode_frame(v5, LinkType::RawIP).error()->field, "ip.version");
}

// Found by fuzz/fuzz_frame_rawip: a header length field past the end of the packet (IPv4 IHL, TCP Data Offset) was
// copied into Layer::length, so the layer claimed bytes the frame does not have (here 52 of 31). The error stays; the
// layer now ends at the frame's end.
TEST(Stack, LayersNeverClaimBytesPastTheFrame) {
  const std::vector<uint8_t> ihl13 = {0x4d, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x63,
                                      0xcc, 0x0a, 0xda, 0x00, 0x02, 0x02, 0x0a, 0x00, 0x01, 0x01, 0x9c,
                                      0x40, 0x11, 0x94, 0x00, 0x0a, 0x3c, 0x02, 0xf6, 0x00};
  const DecodedFrame f = decode_frame(ihl13, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip"}));
  ASSERT_NE(f.error(), nullptr);
  EXPECT_EQ(f.error()->field, "ip.ihl");
  EXPECT_LE(f.layers[0].offset + f.layers[0].length, ihl13.size());

  auto tcp = (Tins::IP("10.0.0.2", "10.0.0.1") / Tins::TCP(80, 33000)).serialize();
  tcp[20 + 12] = 0xf0;  // Data Offset 15: a 60-byte header in a 20-byte segment
  const DecodedFrame t = decode_frame(tcp, LinkType::RawIP);
  ASSERT_EQ(protocols(t), (std::vector<std::string>{"ip", "tcp"}));
  ASSERT_NE(t.error(), nullptr);
  EXPECT_EQ(t.error()->field, "tcp.data_offset");
  EXPECT_EQ(t.layers[1].offset, 20u);
  EXPECT_LE(t.layers[1].offset + t.layers[1].length, tcp.size());
}

// Caught by the buffer invariant of fuzz/fuzz_frame.h (on a NULL-encryption packet made for it): ESP whose Payload
// Data is empty leaves an empty plaintext buffer, which decode_next could not find by address, so the layers decoded from
// it (an inner ESP or IP header, each an error) were attributed to the frame (buffer -1) instead of that buffer.
TEST(Stack, LayersInsideAnEmptyPlaintextPointIntoItsBuffer) {
  EspSa sa;
  sa.spi = 0x2001;
  sa.alg = EspAlgorithm::NullHmacSha1_96;
  sa.auth_key = std::vector<uint8_t>(20, 0x5a);
  EspKeyring keys;
  keys.add(sa);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  for (const uint8_t next_header : {uint8_t{50}, uint8_t{4}}) {
    Tins::IP ip("10.0.1.1", "10.0.2.2");
    ip.protocol(50);
    const auto bytes = (ip / Tins::RawPDU(esp_encrypt(sa, 1, {}, next_header))).serialize();
    const DecodedFrame f = decode_frame(bytes, LinkType::RawIP, opt);
    ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip", "esp", next_header == 50 ? "esp" : "ip"})) << f.summary();
    ASSERT_EQ(f.buffers.size(), 1u);
    EXPECT_TRUE(f.buffers[0].empty());
    EXPECT_EQ(f.layers[1].buffer, -1);
    EXPECT_EQ(f.layers[2].buffer, 0) << f.summary();
    EXPECT_TRUE(f.layers[2].decrypted);
    ASSERT_TRUE(f.layers[2].error.has_value());
    EXPECT_EQ(f.layers[2].error->offset, 0u);
  }
}

// Every prefix of a many-layer frame decodes to layers or an error, never a crash or a read past the end (run this
// under ASan to see the latter).
TEST(Stack, EveryPrefixOfANestedFrameIsSafe) {
  Tins::IP inner("10.0.2.2", "10.0.1.1");
  auto inner_bytes = (inner / Tins::UDP(434, 40000) / sample_rrq()).serialize();
  Tins::IP outer("10.0.3.3", "10.0.1.1");
  outer.protocol(4);
  auto pkt = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / outer / Tins::RawPDU(inner_bytes);
  const auto bytes = pkt.serialize();
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    for (auto link : {LinkType::Ethernet, LinkType::RawIP, LinkType::LinuxSll, LinkType::LinuxSll2}) {
      const DecodedFrame f = decode_frame(cut, link);
      EXPECT_FALSE(f.layers.empty()) << n;
      EXPECT_FALSE(f.summary().empty()) << n;
    }
  }
}

}  // namespace
// RFC 3519 4.3: minimal encapsulation in UDP keeps the outer IP header's Protocol (17); the receiver conceptually
// replaces it with the Tunnel Data Next Header (55) before RFC 2004 processing. No RFC 2004 rule may blame the 17.
TEST(Stack, MinimalEncapsulationInUdpIsNotBlamedForTheOuterProtocol) {
  auto original = (Tins::IP("10.0.1.100", "192.0.2.7") / Tins::UDP(5000, 6000) / Tins::RawPDU(std::vector<uint8_t>(8, 7)))
                      .serialize();
  const auto fwd = MinimalEncapsulation(17, "10.0.1.100", "192.0.2.7").bytes();
  std::vector<uint8_t> inner = fwd;
  inner.insert(inner.end(), original.begin() + 20, original.end());
  auto bytes = (Tins::IP("10.0.2.2", "10.0.1.1") / Tins::UDP(434, 40000) / TunnelData(TunnelData::kNextMinimal) /
                Tins::RawPDU(inner))
                   .serialize();
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip", "udp", "tunnel-data", "minenc", "ip", "udp"})) << f.summary();
  EXPECT_TRUE(f.layers[3].violations.empty()) << f.layers[3].violations.at(0).text;
  ASSERT_EQ(f.buffers.size(), 1u);
  EXPECT_EQ(f.buffers[0], original);
  EXPECT_TRUE(f.violations().empty());
}

}  // namespace mipvpn::wire

namespace mipvpn::wire {
namespace {

TEST(Stack, Rfc5265OutsideModeRegistrationDecryptedEndToEnd) {
  const EspSa sa = rfc5265::gcm_sa();
  const auto bytes = rfc5265::outside_frame(sa, 3);
  EspKeyring keys;
  keys.add(sa);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  const DecodedFrame f = decode_frame(bytes, LinkType::Ethernet, opt);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"eth", "ip", "ip", "udp", "esp", "ip", "udp", "rrq"}))
      << f.summary();
  EXPECT_EQ(f.error(), nullptr);
  EXPECT_TRUE(f.violations().empty()) << f.violations()[0].text;
  // Outer layers point into the frame; the registration inside ESP into the plaintext buffer.
  EXPECT_EQ(f.layers[2].offset, 34u);
  EXPECT_EQ(f.layers[3].offset, 54u);
  EXPECT_EQ(f.layers[4].offset, 62u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(f.layers[i].buffer, -1) << i;
    EXPECT_FALSE(f.layers[i].decrypted) << i;
  }
  for (size_t i = 5; i < 8; ++i) {
    EXPECT_EQ(f.layers[i].buffer, 0) << i;
    EXPECT_TRUE(f.layers[i].decrypted) << i;
  }
  EXPECT_EQ(f.layers[5].offset, 0u);
  EXPECT_EQ(f.layers[6].offset, 20u);
  EXPECT_EQ(f.layers[7].offset, 28u);
  EXPECT_EQ(text(f.layers[1], "src"), rfc5265::kCoCoA);
  EXPECT_EQ(text(f.layers[2], "src"), rfc5265::kXHoA);
  EXPECT_EQ(text(f.layers[3], "dst_port"), "4500");
  EXPECT_EQ(text(f.layers[4], "spi"), "0xc1a0b2f3");
  EXPECT_EQ(text(f.layers[4], "seq"), "3");
  EXPECT_EQ(text(f.layers[4], "icv"), "ok");
  EXPECT_EQ(text(f.layers[5], "src"), rfc5265::kVpnTia);
  EXPECT_EQ(text(f.layers[7], "care_of_address"), rfc5265::kVpnTia);
  // The decrypted plaintext is exactly the inner packet that was encrypted.
  ASSERT_EQ(f.buffers.size(), 1u);
  const auto inner = rfc5265::inner_registration();
  EXPECT_EQ(std::vector<uint8_t>(f.buffers[0].begin(), f.buffers[0].begin() + static_cast<long>(inner.size())), inner);
  const std::string s = f.summary();
  EXPECT_NE(s.find("IPIP | IP 203.0.113.100>192.0.2.1 ttl=64 UDP 4500>4500 cksum=0 ESP"), std::string::npos) << s;
  EXPECT_NE(s.find("| IP 10.10.99.1>10.10.0.1 ttl=64 UDP 434>434 RRQ lifetime=600 HoA=10.10.0.100"),
            std::string::npos)
      << s;
}

TEST(Stack, EspWithoutItsKeyStaysOpaqueAndWithAWrongKeyFailsTheIcv) {
  const EspSa sa = rfc5265::gcm_sa();
  const auto bytes = rfc5265::outside_frame(sa, 1);
  const DecodedFrame opaque = decode_frame(bytes, LinkType::Ethernet);
  EXPECT_EQ(protocols(opaque), (std::vector<std::string>{"eth", "ip", "ip", "udp", "esp"}));
  EXPECT_EQ(opaque.error(), nullptr);
  EXPECT_NE(opaque.summary().find("encrypted"), std::string::npos) << opaque.summary();

  EspSa wrong = sa;
  wrong.enc_key[0] ^= 1;
  EspKeyring keys;
  keys.add(wrong);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  const DecodedFrame bad = decode_frame(bytes, LinkType::Ethernet, opt);
  ASSERT_NE(bad.error(), nullptr);
  EXPECT_EQ(bad.error()->field, "icv");
  EXPECT_EQ(bad.layers.back().protocol, "esp");
}

TEST(Stack, MinimalEncapsulationRebuildsTheInnerPacketInABuffer) {
  Tins::IP inner("10.0.1.100", "10.0.1.50");  // libtins: (destination, source)
  inner.ttl(63);
  const auto inner_bytes = (inner / Tins::UDP(7, 9) / Tins::RawPDU(std::vector<uint8_t>{1, 2, 3, 4})).serialize();
  const auto outer = encapsulate_minimal(inner_bytes, Tins::IPv4Address("10.0.1.1"), Tins::IPv4Address("10.0.2.10"));
  ASSERT_TRUE(outer.ok());
  const DecodedFrame f = decode_frame(outer.value(), LinkType::RawIP);
  ASSERT_EQ(protocols(f), (std::vector<std::string>{"ip", "minenc", "ip", "udp"})) << f.summary();
  EXPECT_EQ(f.layers[2].buffer, 0);
  EXPECT_FALSE(f.layers[2].decrypted);  // rebuilt, not decrypted
  EXPECT_EQ(text(f.layers[2], "dst"), "10.0.1.100");
  EXPECT_EQ(text(f.layers[3], "checksum_status"), "good");
  EXPECT_TRUE(f.violations().empty()) << f.violations()[0].text;
}

}  // namespace
}  // namespace mipvpn::wire
