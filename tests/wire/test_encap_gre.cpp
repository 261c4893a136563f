// GRE (RFC 2784, RFC 1701): golden headers, the checksum over header and payload, libtins stacking, truncation at
// every length, and every validator rule firing and not firing.
#include "harness/wire/checksum.h"
#include "harness/wire/gre.h"
#include "harness/wire/malformed.h"
#include "tests/wire/encap_golden.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include <algorithm>
#include <random>

namespace mipvpn::wire {
namespace {

using golden::cat;
using golden::kGreChecksum;
using golden::kGreChecksumKeySequence;
using golden::kGreDelivery;
using golden::kGreRouting;
using golden::kInner;

std::string all(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += v.rfc + " " + v.section + " " + v.level + ": " + v.text + "\n";
  return s;
}

bool has(const std::vector<Violation>& vs, const std::string& rfc, const std::string& section,
         const std::string& part) {
  return std::any_of(vs.begin(), vs.end(), [&](const Violation& v) {
    return v.rfc == rfc && v.section == section && v.text.find(part) != std::string::npos;
  });
}

Gre routed() {
  Gre g(Gre::kProtoIPv4);
  Gre::SourceRouteEntry sre;
  sre.address_family = 0x0800;
  sre.sre_offset = 4;
  sre.routing_information = {10, 0, 3, 1, 10, 0, 2, 2};
  g.add_sre(sre);
  return g;
}

TEST(Gre, GoldenHeaders) {
  Gre plain(Gre::kProtoIPv4);
  EXPECT_EQ(plain.bytes(), (std::vector<uint8_t>{0x00, 0x00, 0x08, 0x00}));
  EXPECT_EQ(plain.header_size(), 4u);

  Gre c(Gre::kProtoIPv4);
  c.c(true);
  EXPECT_EQ(c.header_size(), 8u);
  EXPECT_EQ(c.bytes(kInner), cat(kGreChecksum, kInner));
  EXPECT_EQ(c.compute_checksum(kInner), 0x458b);

  Gre cks(Gre::kProtoIPv4);
  cks.c(true);
  cks.key(0xabcd);
  cks.sequence_number(7);
  EXPECT_EQ(cks.flags_version(), 0xb000);
  EXPECT_EQ(cks.header_size(), 16u);
  EXPECT_EQ(cks.bytes(kInner), cat(kGreChecksumKeySequence, kInner));

  const Gre r = routed();
  EXPECT_TRUE(r.r());
  EXPECT_EQ(r.header_size(), 24u);  // the NULL SRE is appended
  EXPECT_EQ(r.bytes(), kGreRouting);
  EXPECT_EQ(r.routing()[0].offset, 8u);
}

TEST(Gre, DecodeGoldenFields) {
  auto g = Gre::decode(cat(kGreChecksumKeySequence, kInner));
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_TRUE(g->c());
  EXPECT_FALSE(g->r());
  EXPECT_TRUE(g->k());
  EXPECT_TRUE(g->s());
  EXPECT_FALSE(g->strict_source_route());
  EXPECT_EQ(g->recursion_control(), 0);
  EXPECT_EQ(g->flags(), 0);
  EXPECT_EQ(g->version(), 0);
  EXPECT_EQ(g->reserved0(), 0x0600);  // K and S are bits 2 and 3 of Reserved0
  EXPECT_EQ(g->protocol_type(), 0x0800);
  EXPECT_EQ(g->checksum(), 0x69b6);
  EXPECT_EQ(g->offset(), 0);
  EXPECT_EQ(g->key(), 0xabcdu);
  EXPECT_EQ(g->sequence_number(), 7u);
  ASSERT_NE(g->inner_pdu(), nullptr);
  EXPECT_EQ(g->rfind_pdu<Tins::RawPDU>().payload(), kInner);
  EXPECT_EQ(g->serialize(), cat(kGreChecksumKeySequence, kInner));

  auto r = Gre::decode(kGreRouting);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->routing().size(), 2u);
  EXPECT_EQ(r->routing()[0].address_family, 0x0800);
  EXPECT_EQ(r->routing()[0].sre_offset, 4);
  EXPECT_EQ(r->routing()[0].sre_length(), 8);
  EXPECT_EQ(r->routing()[0].offset, 8u);
  EXPECT_EQ(r->routing()[0].routing_information, (std::vector<uint8_t>{10, 0, 3, 1, 10, 0, 2, 2}));
  EXPECT_TRUE(r->routing()[1].is_last());
  EXPECT_EQ(r->routing()[1].offset, 20u);
  EXPECT_EQ(r->inner_pdu(), nullptr);
  EXPECT_EQ(r->bytes(), kGreRouting);
}

TEST(Gre, EveryFlagBitHasItsAccessor) {
  Gre g;
  struct Bit {
    uint16_t mask;
    bool (Gre::*get)() const;
    void (Gre::*set)(bool);
  };
  const Bit bits[] = {{0x8000, &Gre::c, &Gre::c},
                      {0x4000, &Gre::r, &Gre::r},
                      {0x2000, &Gre::k, &Gre::k},
                      {0x1000, &Gre::s, &Gre::s},
                      {0x0800, &Gre::strict_source_route, &Gre::strict_source_route}};
  for (const auto& bit : bits) {
    (g.*bit.set)(true);
    EXPECT_EQ(g.flags_version(), bit.mask);
    EXPECT_TRUE((g.*bit.get)());
    EXPECT_EQ(g.bytes()[0], bit.mask >> 8);
    (g.*bit.set)(false);
    EXPECT_EQ(g.flags_version(), 0);
  }
  g.recursion_control(5);
  EXPECT_EQ(g.flags_version(), 0x0500);
  g.flags(0x1f);
  EXPECT_EQ(g.flags_version(), 0x05f8);
  g.version(7);
  EXPECT_EQ(g.flags_version(), 0x05ff);
  EXPECT_EQ(g.recursion_control(), 5);
  EXPECT_EQ(g.flags(), 0x1f);
  EXPECT_EQ(g.version(), 7);
  g.recursion_control(9);  // only 3 bits
  EXPECT_EQ(g.recursion_control(), 1);
  EXPECT_EQ(g.header_size(), 4u);
  g.reserved1(3);
  EXPECT_EQ(g.offset(), 3);
}

TEST(Gre, LibtinsComputesTheChecksumOverThePayload) {
  Tins::IP ip("10.0.2.2", "10.0.1.1");
  ip.id(0);
  ip.ttl(64);
  ip.protocol(Gre::kIpProtocol);
  Gre g(Gre::kProtoIPv4);
  g.c(true);
  g.key(0xabcd);
  g.sequence_number(7);
  ip /= g;
  ip /= Tins::IP(kInner.data(), static_cast<uint32_t>(kInner.size()));
  const auto wire = ip.serialize();
  EXPECT_EQ(wire, cat(cat(kGreDelivery, kGreChecksumKeySequence), kInner));
  EXPECT_EQ(ip.rfind_pdu<Gre>().checksum(), 0x69b6);
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  const auto back = parsed.rfind_pdu<Tins::RawPDU>().to<Gre>();
  EXPECT_EQ(back.sequence_number(), 7u);
}

TEST(Gre, TruncatedAtEveryLengthNamesTheField) {
  const auto wire = cat(kGreChecksumKeySequence, std::vector<uint8_t>{});
  const char* fields[] = {"flags_version",
                          "flags_version",
                          "protocol_type",
                          "protocol_type",
                          "checksum",
                          "checksum",
                          "offset",
                          "offset",
                          "key",
                          "key",
                          "key",
                          "key",
                          "sequence_number",
                          "sequence_number",
                          "sequence_number",
                          "sequence_number"};
  for (size_t len = 0; len < wire.size(); ++len) {
    golden::HeapCopy c(wire, len);
    auto r = Gre::decode(c.data.get(), c.size, false);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, fields[len]) << len;
    const size_t offsets[] = {0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 8, 8, 12, 12, 12, 12};
    EXPECT_EQ(r.error().offset, offsets[len]) << len;
    EXPECT_THROW(Gre(c.data.get(), static_cast<uint32_t>(c.size)), Tins::malformed_packet) << len;
  }
  const char* routing_fields[] = {"flags_version",
                                  "flags_version",
                                  "protocol_type",
                                  "protocol_type",
                                  "checksum",
                                  "checksum",
                                  "offset",
                                  "offset",
                                  "routing[0].address_family",
                                  "routing[0].address_family",
                                  "routing[0].sre_offset",
                                  "routing[0].sre_length",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[0].routing_information",
                                  "routing[1].address_family",
                                  "routing[1].address_family",
                                  "routing[1].sre_offset",
                                  "routing[1].sre_length"};
  for (size_t len = 0; len < kGreRouting.size(); ++len) {
    golden::HeapCopy c(kGreRouting, len);
    auto r = Gre::decode(c.data.get(), c.size);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, routing_fields[len]) << len;
    EXPECT_LE(r.error().offset, len) << len;
  }
  EXPECT_FALSE(Gre::decode(nullptr, 2));
}

TEST(Gre, RoutingWithoutItsNullSreIsAnError) {
  auto wire = std::vector<uint8_t>(kGreRouting.begin(), kGreRouting.end() - 4);
  auto r = Gre::decode(wire);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "routing[1].address_family");
  EXPECT_EQ(r.error().offset, 20u);
  EXPECT_NE(r.error().expected.find("ends with an SRE of Length 0"), std::string::npos);
  // An SRE Length running past the buffer.
  wire = kGreRouting;
  wire[11] = 200;
  r = Gre::decode(wire);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "routing[0].routing_information");
  EXPECT_EQ(r.error().offset, 12u);
  EXPECT_EQ(r.error().expected, "200 bytes of Routing Information of the SRE Length (only 12 left)");
}

TEST(Gre, ChecksumVerifiedOrNot) {
  auto wire = cat(kGreChecksum, kInner);
  wire.back() ^= 0x20;
  auto r = Gre::decode(wire);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "checksum");
  EXPECT_EQ(r.error().offset, 4u);
  EXPECT_EQ(r.error().expected, "0x45ab (computed over the GRE header and payload), found 0x458b");
  auto unchecked = Gre::decode(wire, false);
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(unchecked->checksum(), 0x458b);
  // Without C the field is not checked even when present (R only).
  auto routed_wire = kGreRouting;
  routed_wire[4] = 0x12;
  EXPECT_TRUE(Gre::decode(routed_wire));
}

// Found by fuzz/fuzz_gre: when the words of header and payload sum to 0xFFFF the computed checksum is 0x0000, and a
// Checksum field of 0xFFFF (the other zero) verifies for an RFC 1071 receiver, which sums everything and gets all
// ones; decode(), validate() and the layer compared with 0x0000 and rejected the packet.
TEST(Gre, ChecksumFfffIsTheOtherZero) {
  std::vector<uint8_t> wire = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};  // C R K S s, NULL SRE, no payload
  auto g = Gre::decode(wire, false);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->compute_checksum({}), 0x0000);
  EXPECT_EQ(internet_checksum(wire), 0);  // the ones' complement sum verifies
  EXPECT_TRUE(g->checksum_verifies({}));
  EXPECT_TRUE(Gre::decode(wire)) << Gre::decode(wire).error().to_string();
  for (const auto& v : validate(*g, wire)) EXPECT_NE(v.section, "2.5") << v.text;
  wire[4] = wire[5] = 0x00;  // 0x0000, the computed value, verifies too
  EXPECT_TRUE(Gre::decode(wire));
  wire[5] = 0x01;
  EXPECT_FALSE(Gre::decode(wire));
}

TEST(Gre, SreOverflowIsRefused) {
  Gre g;
  Gre::SourceRouteEntry big;
  big.routing_information.resize(256);
  EXPECT_THROW(g.add_sre(big), std::invalid_argument);
  EXPECT_THROW(g.routing({big}), std::invalid_argument);
  g.routing({});
  EXPECT_FALSE(g.r());
}

TEST(Gre, SreOffsetsFollowTheOptionalFields) {
  Gre g = routed();
  g.key(1);
  EXPECT_EQ(g.routing()[0].offset, 12u);
  g.s(true);
  EXPECT_EQ(g.routing()[0].offset, 16u);
  auto back = Gre::decode(g.bytes());
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->routing()[0].offset, 16u);
}

TEST(Gre, ProtocolTypeNames) {
  EXPECT_EQ(gre_protocol_type_name(0x0800), "IP");
  EXPECT_EQ(gre_protocol_type_name(0x6558), "Transparent Ethernet Bridging");
  EXPECT_EQ(gre_protocol_type_name(0x86dd), "IPv6");
  EXPECT_EQ(gre_protocol_type_name(0x1234), "");
}

TEST(Gre, GoldenPacketsBreakNoRuleOfRfc2784) {
  auto g = Gre::decode(cat(kGreChecksum, kInner)).value();
  EXPECT_TRUE(validate(g, cat(kGreChecksum, kInner)).empty()) << all(validate(g, cat(kGreChecksum, kInner)));
  EXPECT_TRUE(validate_gre_ipv4_payload("10.0.1.1", g, kInner).empty());
  EXPECT_TRUE(validate_gre_mobile_ip(g).empty());
  EXPECT_TRUE(validate(Gre(Gre::kProtoTransparentEthernet)).empty());
}

TEST(Gre, EveryRuleFires) {
  // 2.3.1 version.
  Gre g(Gre::kProtoIPv4);
  g.version(1);
  auto v = validate(g);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.3.1", "The Version Number field MUST contain the value zero")) << all(v);
  // 2.3 the RFC 1701 routing bits R and s, listed; K and S are RFC 2890's (which updates RFC 2784): no violation.
  auto ks = Gre::decode(cat(kGreChecksumKeySequence, kInner)).value();
  v = validate(ks, cat(kGreChecksumKeySequence, kInner));
  EXPECT_TRUE(v.empty()) << all(v);
  Gre strict(Gre::kProtoIPv4);
  strict.strict_source_route(true);
  v = validate(strict);
  EXPECT_TRUE(has(v, "RFC 2784", "2.3",
                  "RFC 1701 bit(s) s set in Reserved0: \"A receiver MUST discard a packet "
                  "where any of bits 1-5 are non-zero, unless that receiver implements RFC "
                  "1701\""))
      << all(v);
  // 2.3 Recursion Control.
  g = Gre(Gre::kProtoIPv4);
  g.recursion_control(2);
  v = validate(g);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.3", "Recursion Control (bits 5-7) is 2")) << all(v);
  EXPECT_NE(v[0].text.find("This SHOULD default to zero"), std::string::npos);
  // 2.3 Flags bits 8-12.
  g = Gre(Gre::kProtoIPv4);
  g.flags(0x10);
  v = validate(g);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.3", "bits 8-12 are 0x10")) << all(v);
  // 2.6 Reserved1.
  g = Gre(Gre::kProtoIPv4);
  g.c(true);
  g.reserved1(1);
  v = validate(g);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.6", "Reserved1 is 0x0001")) << all(v);
  // 2.5 checksum.
  auto wire = cat(kGreChecksum, kInner);
  wire[10] ^= 1;
  auto bad = Gre::decode(wire, false).value();
  v = validate(bad, wire);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.5", "Checksum 0x458b does not verify (0x448b expected)")) << all(v);
  EXPECT_TRUE(validate(bad).empty());  // no packet given: the checksum is not judged
  // 2.4 reserved Protocol Types.
  for (uint16_t pt : {uint16_t{0x0000}, uint16_t{0xffff}}) {
    v = validate(Gre(pt));
    ASSERT_EQ(v.size(), 1u) << all(v);
    EXPECT_TRUE(has(v, "RFC 2784", "2.4", "SHOULD discard the packet")) << all(v);
    EXPECT_EQ(v[0].level, "SHOULD");
  }
  // RFC 1701 s without R (and the 2.3 discard rule for s).
  g = Gre(Gre::kProtoIPv4);
  g.strict_source_route(true);
  v = validate(g);
  ASSERT_EQ(v.size(), 2u) << all(v);
  EXPECT_TRUE(has(v, "RFC 1701", "Packet header",
                  "all of the the Routing Information consists of Strict Source "
                  "Routes"))
      << all(v);
  // RFC 1701 Offset not at an SRE.
  auto r = routed();
  r.offset(3);
  v = validate(r);
  EXPECT_TRUE(has(v, "RFC 1701", "Packet header", "Offset 3 is not the start of any Source Route Entry")) << all(v);
  // RFC 1701 SRE Offset beyond its Routing Information.
  auto decoded = Gre::decode(kGreRouting).value();
  auto sres = decoded.routing();
  sres[0].sre_offset = 9;
  decoded.routing(sres);
  v = validate(decoded);
  EXPECT_TRUE(has(v, "RFC 1701", "Packet header", "SRE Offset 9 beyond its 8 bytes")) << all(v);
  // RFC 1701 NULL SRE with an Address Family.
  auto null_af = kGreRouting;
  null_af[20] = 0x08;
  v = validate(Gre::decode(null_af).value());
  EXPECT_TRUE(has(v, "RFC 1701", "Packet header", "the last SRE (offset 20) has Address Family 0x0800")) << all(v);
}

TEST(Gre, RoutingRulesThatMustNotFire) {
  // A valid routed header: only the 2.3 discard rule for R applies.
  auto v = validate(Gre::decode(kGreRouting).value());
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "2.3", "RFC 1701 bit(s) R set")) << all(v);
  // Offset at the second SRE (the NULL one: all entries processed), and s with R.
  auto at_null = kGreRouting;
  at_null[7] = 12;
  at_null[0] |= 0x08;
  v = validate(Gre::decode(at_null).value());
  ASSERT_EQ(v.size(), 1u) << all(v);
  // With R the Checksum/Offset word is no Reserved1.
  auto r = routed();
  r.c(true);
  r.offset(0);
  EXPECT_EQ(validate(r).size(), 1u);
  // The encoder's NULL SRE is a valid Offset target.
  r = routed();
  r.offset(12);
  EXPECT_EQ(validate(r).size(), 1u) << all(validate(r));
}

TEST(Gre, Ipv4PayloadRules) {
  Gre ip(Gre::kProtoIPv4);
  Gre other(0x86dd);
  // RFC 2784 3: IPv4 inside, announced otherwise.
  auto v = validate_gre_ipv4_payload("10.0.1.1", other, kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "3", "the Protocol Type field MUST be set to 0x800")) << all(v);
  // ... but not for a payload that is no IPv4 header (bad checksum).
  auto not_ip = kInner;
  not_ip[11] ^= 1;
  EXPECT_TRUE(validate_gre_ipv4_payload("10.0.1.1", other, not_ip).empty());
  // RFC 2784 3.1: the payload goes back to the encapsulator.
  v = validate_gre_ipv4_payload("10.0.1.100", ip, kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "3.1", "looping can occur. In this case, the packet MUST be discarded")) << all(v);
  EXPECT_TRUE(validate_gre_ipv4_payload("10.0.1.100", ip, std::span<const uint8_t>(kInner.data(), 19)).empty());
  // Mobile IP: Protocol Type 0x0800.
  v = validate_gre_mobile_ip(other);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "RFC 2784", "3",
                  "Minimal encapsulation [15] and GRE encapsulation [13] are alternate "
                  "encapsulation methods"))
      << all(v);
}

TEST(Gre, RandomMutationsNeverCrash) {
  std::mt19937 rng(2784);
  const std::vector<std::vector<uint8_t>> seeds = {cat(kGreChecksumKeySequence, kInner), kGreRouting,
                                                   cat(kGreChecksum, kInner)};
  for (int i = 0; i < 30000; ++i) {
    auto p = seeds[static_cast<size_t>(i) % seeds.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) p[rng() % p.size()] = static_cast<uint8_t>(rng());
    p.resize(rng() % (p.size() + 1));
    golden::HeapCopy c(p, p.size());
    auto g = Gre::decode(c.data.get(), c.size, rng() % 2 == 0);
    if (g) {
      // A decoded header re-encodes to the bytes it came from.
      const size_t hdr = g->header_size();
      ASSERT_LE(hdr, c.size);
      auto again = g->bytes(c.span().subspan(hdr));
      if (g->c()) std::copy(p.begin() + 4, p.begin() + 6, again.begin() + 4);  // recomputed; compared by decode
      EXPECT_EQ(again, p) << i;
      (void)validate(*g, c.span());
      (void)validate_gre_ipv4_payload("10.0.1.1", *g, c.span().subspan(hdr));
    } else {
      EXPECT_LE(g.error().offset, c.size);
    }
  }
}

}  // namespace
}  // namespace mipvpn::wire
