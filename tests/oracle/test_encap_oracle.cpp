// Oracle for the tunnel encapsulations: packets built by harness/wire (IP in IP, minimal encapsulation, GRE with
// key + sequence number + checksum, GRE with routing, GRE carrying Ethernet) are written into a pcap and dissected by
// tshark, an implementation we did not write. tshark must show the field values our layer decoders report, good IP,
// UDP and GRE checksums, and no malformed-packet or warning/error expert marks.
//
// tshark 4.0 has no dissector for minimal encapsulation (`tshark -G decodes` lists none for ip.proto 55, and
// `tshark -G protocols` has no such protocol), so for those frames it checks the modified IP header and shows the
// forwarding header as data; the decapsulated datagram is written as a frame of its own, where tshark verifies the
// restored IP header checksum and the UDP checksum over the restored addresses.
#include "harness/wire/gre.h"
#include "harness/wire/ip_in_ip.h"
#include "harness/wire/layers_encap.h"
#include "harness/wire/minimal_encap.h"
#include "tests/oracle/layer_fields.h"
#include "tests/oracle/tshark_run.h"

#include <gtest/gtest.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <cstring>
#include <string>
#include <vector>

namespace mipvpn::wire::oracle {
namespace {

constexpr size_t kEth = 14;

std::vector<uint8_t> ethernet(std::span<const uint8_t> ip_packet, uint16_t ethertype = 0x0800) {
  const uint8_t head[kEth] = {0x02,
                              0,
                              0,
                              0,
                              0,
                              0x01,
                              0x02,
                              0,
                              0,
                              0,
                              0,
                              0x02,
                              static_cast<uint8_t>(ethertype >> 8),
                              static_cast<uint8_t>(ethertype)};
  std::vector<uint8_t> f(kEth + ip_packet.size());
  std::copy(std::begin(head), std::end(head), f.begin());
  std::copy(ip_packet.begin(), ip_packet.end(), f.begin() + kEth);
  return f;
}

// The datagram the tunnels carry: a correspondent node's UDP datagram to a mobile node's home address.
Tins::IP inner_datagram() {
  Tins::IP ip("10.0.1.100", "192.0.2.10");
  ip.tos(0x10);
  ip.id(0x1234);
  ip.flags(Tins::IP::DONT_FRAGMENT);
  ip.ttl(63);
  ip /= Tins::UDP(9, 40000) / Tins::RawPDU(std::string("mobile ip tunnel payload"));
  return ip;
}

// The IpContext the dispatcher would hand to a layer after the IPv4 header at `offset` in `frame`.
IpContext ip_context(const std::vector<uint8_t>& frame, size_t offset) {
  IpContext ctx;
  const size_t ihl = size_t{frame[offset] & 0x0fu} * 4;
  std::memcpy(&ctx.src, frame.data() + offset + 12, 4);
  std::memcpy(&ctx.dst, frame.data() + offset + 16, 4);
  ctx.ttl = frame[offset + 8];
  ctx.protocol = frame[offset + 9];
  ctx.header = Bytes(frame.data() + offset, ihl);
  ctx.offset = offset;
  return ctx;
}

Bytes ip_payload(const std::vector<uint8_t>& frame, size_t offset) {
  const size_t ihl = size_t{frame[offset] & 0x0fu} * 4;
  const size_t total = size_t{frame[offset + 2]} << 8 | frame[offset + 3];
  return Bytes(frame.data() + offset + ihl, total - ihl);
}

// Compares every field of our GRE layer with tshark's dissection of the same bytes.
void expect_gre_matches(const Layer& ours, const Json& l, int frame) {
  SCOPED_TRACE("frame " + std::to_string(frame));
  ASSERT_FALSE(ours.error) << ours.error->to_string();
  ASSERT_NE(value(l, "gre.proto"), "<absent>") << "not dissected as GRE";
  EXPECT_EQ(value(l, "gre.flags_and_version"), hexw(u64(ours, "flags_version"), 4));
  EXPECT_EQ(value(l, "gre.flags.checksum"), bit(ours, "c"));
  EXPECT_EQ(value(l, "gre.flags.routing"), bit(ours, "r"));
  EXPECT_EQ(value(l, "gre.flags.key"), bit(ours, "k"));
  EXPECT_EQ(value(l, "gre.flags.sequence_number"), bit(ours, "s"));
  EXPECT_EQ(value(l, "gre.flags.strict_source_route"), bit(ours, "strict_source_route"));
  EXPECT_EQ(value(l, "gre.flags.recursion_control"), std::to_string(u64(ours, "recursion_control")));
  EXPECT_EQ(value(l, "gre.flags.reserved"), std::to_string(u64(ours, "flags")));
  EXPECT_EQ(value(l, "gre.flags.version"), std::to_string(u64(ours, "version")));
  EXPECT_EQ(value(l, "gre.proto"), hexw(u64(ours, "protocol_type"), 4));
  if (ours.find("checksum") != nullptr) {
    EXPECT_EQ(value(l, "gre.checksum"), hexw(u64(ours, "checksum"), 4));
    const uint64_t offset = ours.find("offset") != nullptr ? u64(ours, "offset") : u64(ours, "reserved1");
    EXPECT_EQ(value(l, "gre.offset"), std::to_string(offset));
  } else {
    EXPECT_EQ(value(l, "gre.checksum"), "<absent>");
  }
  if (bit(ours, "c") == "1") {
    EXPECT_EQ(bit(ours, "checksum_valid"), "1");
    EXPECT_EQ(value(l, "gre.checksum.status"), "1");  // good
  }
  const std::string key = ours.find("key") != nullptr ? hexw(u64(ours, "key"), 8) : "<absent>";
  EXPECT_EQ(value(l, "gre.key"), key);
  const std::string seq =
      ours.find("sequence_number") != nullptr ? std::to_string(u64(ours, "sequence_number")) : "<absent>";
  EXPECT_EQ(value(l, "gre.sequence_number"), seq);
  std::vector<std::string> af, off, len, info;
  for (size_t i = 0; ours.find("routing[" + std::to_string(i) + "].address_family") != nullptr; ++i) {
    const std::string p = "routing[" + std::to_string(i) + "].";
    af.push_back(std::to_string(u64(ours, p + "address_family")));
    off.push_back(std::to_string(u64(ours, p + "sre_offset")));
    len.push_back(std::to_string(u64(ours, p + "sre_length")));
    if (ours.find(p + "routing_information") != nullptr) info.push_back(str(ours, p + "routing_information"));
  }
  EXPECT_EQ(values(l, "gre.routing.address_family"), af);
  EXPECT_EQ(values(l, "gre.routing.sre_offset"), off);
  EXPECT_EQ(values(l, "gre.routing.src_length"), len);  // tshark's field name for SRE Length
  EXPECT_EQ(values(l, "gre.routing.information"), info);
}

using EncapOracle = TsharkTest;

TEST_F(EncapOracle, IpInIpShowsTheOuterFieldsOfRfc2003) {
  const Tins::IP inner = inner_datagram();
  Tins::IP outer = encapsulate_ip_in_ip(inner, "10.0.1.1", "10.0.2.2", 64, 0x0bad);
  const auto frame = ethernet(outer.serialize());
  const auto layers = dissect({frame}, "ipip");
  ASSERT_EQ(layers.size(), 1u);
  const Json& l = layers[0];
  expect_clean(l, 1);
  EXPECT_EQ(values(l, "ip.proto"), (std::vector<std::string>{"4", "17"}));
  EXPECT_EQ(values(l, "ip.checksum.status"), (std::vector<std::string>{"1", "1"}));
  EXPECT_EQ(values(l, "ip.dsfield"), (std::vector<std::string>{"0x10", "0x10"}));  // TOS copied
  EXPECT_EQ(values(l, "ip.flags.df"), (std::vector<std::string>{"1", "1"}));       // DF copied
  EXPECT_EQ(values(l, "ip.ttl"), (std::vector<std::string>{"64", "63"}));          // inner TTL untouched
  EXPECT_EQ(values(l, "ip.id"), (std::vector<std::string>{"0x0bad", "0x1234"}));
  EXPECT_EQ(values(l, "ip.src"), (std::vector<std::string>{"10.0.1.1", "192.0.2.10"}));
  EXPECT_EQ(values(l, "ip.dst"), (std::vector<std::string>{"10.0.2.2", "10.0.1.100"}));
  EXPECT_EQ(values(l, "ip.len"),
            (std::vector<std::string>{std::to_string(20 + inner.size()), std::to_string(inner.size())}));
  EXPECT_EQ(value(l, "udp.checksum.status"), "1");
  // Our validator agrees that nothing is wrong with it.
  EXPECT_TRUE(ip_in_ip_violations(ip_context(frame, kEth), ip_payload(frame, kEth)).empty());
}

TEST_F(EncapOracle, MinimalEncapsulationAndItsDecapsulation) {
  const auto original = inner_datagram().serialize();
  const auto s1 = encapsulate_minimal(original, "10.0.1.1", "10.0.2.2");  // home agent > care-of address
  ASSERT_TRUE(s1) << s1.error().to_string();
  Tins::IP own("192.0.2.10", "10.0.1.100");  // a mobile node's own datagram, reverse-tunnelled: S = 0
  own.id(0x4242);
  own.ttl(64);
  own /= Tins::UDP(9, 40001) / Tins::RawPDU(std::string("from the mobile node"));
  const auto own_bytes = own.serialize();
  const auto s0 = encapsulate_minimal(own_bytes, "10.0.1.100", "10.0.1.1");
  ASSERT_TRUE(s0) << s0.error().to_string();
  const auto d1 = decapsulate_minimal(*s1);
  ASSERT_TRUE(d1) << d1.error().to_string();
  EXPECT_EQ(*d1, original);

  const std::vector<std::vector<uint8_t>> frames = {ethernet(*s1), ethernet(*s0), ethernet(*d1)};
  const auto layers = dissect(frames, "minenc");
  ASSERT_EQ(layers.size(), 3u);
  for (int i = 0; i < 3; ++i) expect_clean(layers[static_cast<size_t>(i)], i + 1);

  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    const Json& l = layers[static_cast<size_t>(i)];
    const auto& frame = frames[static_cast<size_t>(i)];
    // Our layer decoder on the same bytes.
    DecodedFrame ours;
    const Next next =
        decode_minimal_encap_layer(ip_payload(frame, kEth), kEth + 20, ip_context(frame, kEth), DecodeOptions{}, ours);
    ASSERT_EQ(ours.layers.size(), 1u);
    const Layer& m = ours.layers[0];
    ASSERT_FALSE(m.error);
    EXPECT_TRUE(m.violations.empty());
    EXPECT_EQ(bit(m, "checksum_valid"), "1");
    // The modified IP header as tshark sees it: protocol 55, good header checksum, Total Length with the header.
    EXPECT_EQ(value(l, "ip.proto"), "55");
    EXPECT_EQ(value(l, "ip.checksum.status"), "1");
    EXPECT_EQ(value(l, "ip.len"), std::to_string(frame.size() - kEth));
    EXPECT_EQ(value(l, "ip.ttl"), i == 0 ? "63" : "64");  // "not modified during encapsulation"
    EXPECT_EQ(value(l, "ip.src"), i == 0 ? "10.0.1.1" : "10.0.1.100");
    EXPECT_EQ(value(l, "ip.dst"), i == 0 ? "10.0.2.2" : "10.0.1.1");
    // The forwarding header is data to tshark: its bytes are the ones our decoder read the fields from.
    const size_t hdr = bit(m, "s") == "1" ? 12 : 8;
    const std::string data = value(l, "data.data");
    ASSERT_GE(data.size(), 3 * hdr - 1);
    MinimalEncapsulation rebuilt(static_cast<uint8_t>(u64(m, "protocol")),
                                 Tins::IPv4Address(str(m, "original_destination")));
    if (bit(m, "s") == "1") rebuilt.original_source(Tins::IPv4Address(str(m, "original_source")));
    EXPECT_EQ(data.substr(0, 3 * hdr - 1), colon_hex(rebuilt.bytes()));
    EXPECT_EQ(next.kind, NextKind::IPv4);
    EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), i == 0 ? original : own_bytes);
  }
  // Frame 3, the decapsulated datagram: tshark verifies the restored header and, through the UDP pseudo header, the
  // restored addresses.
  const Json& l3 = layers[2];
  EXPECT_EQ(value(l3, "ip.checksum.status"), "1");
  EXPECT_EQ(value(l3, "ip.proto"), "17");
  EXPECT_EQ(value(l3, "ip.src"), "192.0.2.10");
  EXPECT_EQ(value(l3, "ip.dst"), "10.0.1.100");
  EXPECT_EQ(value(l3, "ip.len"), std::to_string(original.size()));
  EXPECT_EQ(value(l3, "udp.checksum.status"), "1");
}

TEST_F(EncapOracle, GreFieldsMatchTshark) {
  const Tins::IP inner = inner_datagram();
  auto delivery = [] {
    Tins::IP ip("10.0.2.2", "10.0.1.1");
    ip.ttl(64);
    ip.protocol(Gre::kIpProtocol);
    return ip;
  };
  // 1: RFC 1701 key + sequence number + checksum, carrying IPv4.
  Gre ks(Gre::kProtoIPv4);
  ks.c(true);
  ks.key(0x0badcafe);
  ks.sequence_number(42);
  Tins::IP p1 = delivery() / ks / inner;
  // 2: RFC 2784 with checksum only.
  Gre c(Gre::kProtoIPv4);
  c.c(true);
  Tins::IP p2 = delivery() / c / inner;
  // 3: plain RFC 2784 header.
  Tins::IP p3 = delivery() / Gre(Gre::kProtoIPv4) / inner;
  // 4: RFC 1701 routing: two SREs of IPv4 addresses, then the NULL SRE the encoder appends; Offset at the second.
  Gre routed(Gre::kProtoIPv4);
  routed.add_sre({0x0800, 4, {10, 0, 3, 1, 10, 0, 2, 2}, 0});
  routed.add_sre({0x0800, 0, {10, 0, 4, 1}, 0});
  routed.offset(12);
  routed.c(true);
  Tins::IP p4 = delivery() / routed / inner;
  // 5: Transparent Ethernet Bridging carrying an Ethernet frame with the IPv4 datagram.
  Tins::IP p5 = delivery() / Gre(Gre::kProtoTransparentEthernet) /
                Tins::EthernetII("02:00:00:00:00:0a", "02:00:00:00:00:0b") / inner;

  std::vector<std::vector<uint8_t>> frames;
  for (Tins::IP* p : {&p1, &p2, &p3, &p4, &p5}) frames.push_back(ethernet(p->serialize()));
  const auto layers = dissect(frames, "gre");
  ASSERT_EQ(layers.size(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    const Json& l = layers[i];
    const int n = static_cast<int>(i) + 1;
    expect_clean(l, n);
    DecodedFrame ours;
    const Next next =
        decode_gre_layer(ip_payload(frames[i], kEth), kEth + 20, ip_context(frames[i], kEth), DecodeOptions{}, ours);
    ASSERT_EQ(ours.layers.size(), 1u);
    expect_gre_matches(ours.layers[0], l, n);
    EXPECT_EQ(values(l, "ip.checksum.status"), (std::vector<std::string>{"1", "1"})) << "frame " << n;
    EXPECT_EQ(value(l, "udp.checksum.status"), "1") << "frame " << n;
    EXPECT_EQ(values(l, "ip.src").back(), "192.0.2.10") << "frame " << n;  // the payload was found where we point
    EXPECT_EQ(next.kind, i == 4 ? NextKind::Ethernet : NextKind::IPv4) << "frame " << n;
    // Key and sequence number (frame 1) are RFC 2890's extensions of RFC 2784; only frame 4's RFC 1701 routing bits
    // draw the RFC 2784 2.3 receiver rule.
    EXPECT_EQ(ours.layers[0].violations.size(), i == 3 ? 1u : 0u) << "frame " << n;
  }
  EXPECT_EQ(value(layers[0], "gre.key"), "0x0badcafe");
  EXPECT_EQ(value(layers[0], "gre.sequence_number"), "42");
  EXPECT_EQ(values(layers[3], "gre.routing.src_length"), (std::vector<std::string>{"8", "4", "0"}));
  EXPECT_EQ(values(layers[4], "eth.src").back(), "02:00:00:00:00:0b");
}

// The oracle can fail: a GRE checksum we break must be reported bad by tshark and by our layer.
TEST_F(EncapOracle, DetectsABrokenGreChecksum) {
  Gre c(Gre::kProtoIPv4);
  c.c(true);
  Tins::IP ip("10.0.2.2", "10.0.1.1");
  ip.protocol(Gre::kIpProtocol);
  auto frame = ethernet((ip / c / inner_datagram()).serialize());
  frame.back() ^= 0x5a;
  const auto layers = dissect({frame}, "broken");
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(value(layers[0], "gre.checksum.status"), "0");  // bad
  DecodedFrame ours;
  decode_gre_layer(ip_payload(frame, kEth), kEth + 20, ip_context(frame, kEth), DecodeOptions{}, ours);
  EXPECT_EQ(bit(ours.layers.at(0), "checksum_valid"), "0");
}

}  // namespace
}  // namespace mipvpn::wire::oracle
