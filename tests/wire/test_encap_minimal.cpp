// Minimal encapsulation (RFC 2004): the forwarding header golden and as a libtins PDU, encapsulation and
// decapsulation byte for byte, truncation at every length, and every validator rule firing and not firing.
#include "harness/wire/checksum.h"
#include "harness/wire/malformed.h"
#include "harness/wire/minimal_encap.h"
#include "tests/wire/encap_golden.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include <algorithm>
#include <random>

namespace mipvpn::wire {
namespace {

using golden::cat;
using golden::kInner;
using golden::kInnerFromMobileNode;
using golden::kMinimalForwardingS0;
using golden::kMinimalForwardingS1;
using golden::kMinimalOuterS0;
using golden::kMinimalOuterS1;

const Tins::IPv4Address kHa("10.0.1.1");
const Tins::IPv4Address kCoa("10.0.2.2");

const std::vector<uint8_t> kPayload(kInner.begin() + 20, kInner.end());                                // UDP "ping"
const std::vector<uint8_t> kPayloadS0(kInnerFromMobileNode.begin() + 20, kInnerFromMobileNode.end());  // "pong"

std::vector<uint8_t> fix_ip_checksum(std::vector<uint8_t> p, size_t ihl = 20) {
  p[10] = p[11] = 0;
  const uint16_t sum = internet_checksum(std::span<const uint8_t>(p.data(), ihl));
  p[10] = static_cast<uint8_t>(sum >> 8);
  p[11] = static_cast<uint8_t>(sum);
  return p;
}

std::string all(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += v.rfc + " " + v.section + " " + v.level + ": " + v.text + "\n";
  return s;
}

bool has(const std::vector<Violation>& vs, const std::string& section, const std::string& part) {
  return std::any_of(vs.begin(), vs.end(), [&](const Violation& v) {
    return v.rfc == "RFC 2004" && v.section == section && v.text.find(part) != std::string::npos;
  });
}

TEST(MinimalEncapsulation, ForwardingHeaderGolden) {
  const MinimalEncapsulation s1(17, "10.0.1.100", "192.0.2.10");
  EXPECT_EQ(s1.bytes(), kMinimalForwardingS1);
  EXPECT_EQ(s1.header_size(), 12u);
  EXPECT_EQ(s1.compute_checksum(), 0x2111);
  const MinimalEncapsulation s0(17, "192.0.2.10");
  EXPECT_EQ(s0.bytes(), kMinimalForwardingS0);
  EXPECT_EQ(s0.header_size(), 8u);
}

// The same ones' complement case as GRE's (found there by fuzz/fuzz_gre): a forwarding header whose words sum to 0xFFFF
// computes to 0x0000, and 0xFFFF in the field verifies as well.
TEST(MinimalEncapsulation, ChecksumFfffIsTheOtherZero) {
  std::vector<uint8_t> header = {0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0x00};  // protocol 255, dst 0.255.0.0
  EXPECT_EQ(internet_checksum(header), 0);
  auto m = MinimalEncapsulation::decode(header);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->compute_checksum(), 0x0000);
  EXPECT_TRUE(m->checksum_valid());
  header[3] = 0xfe;
  EXPECT_FALSE(MinimalEncapsulation::decode(header));
}

TEST(MinimalEncapsulation, DecodeGolden) {
  auto m = MinimalEncapsulation::decode(cat(kMinimalForwardingS1, kPayload));
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->protocol(), 17);
  EXPECT_TRUE(m->s());
  EXPECT_EQ(m->flags(), 0x80);
  EXPECT_EQ(m->reserved(), 0);
  EXPECT_EQ(m->checksum(), 0x2111);
  EXPECT_TRUE(m->checksum_valid());
  EXPECT_EQ(m->original_destination(), Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(m->original_source(), Tins::IPv4Address("192.0.2.10"));
  ASSERT_NE(m->inner_pdu(), nullptr);
  EXPECT_EQ(m->rfind_pdu<Tins::RawPDU>().payload(), kPayload);
  EXPECT_EQ(m->serialize(), cat(kMinimalForwardingS1, kPayload));

  auto m0 = MinimalEncapsulation::decode(kMinimalForwardingS0);
  ASSERT_TRUE(m0) << m0.error().to_string();
  EXPECT_FALSE(m0->s());
  EXPECT_EQ(m0->original_destination(), Tins::IPv4Address("192.0.2.10"));
  EXPECT_EQ(m0->inner_pdu(), nullptr);
  EXPECT_EQ(m0->bytes(), kMinimalForwardingS0);
}

TEST(MinimalEncapsulation, SettersAndFlagsByte) {
  MinimalEncapsulation m(6, "10.0.0.1");
  m.reserved(0xff);  // only 7 bits exist
  EXPECT_EQ(m.reserved(), 0x7f);
  EXPECT_EQ(m.flags(), 0x7f);
  m.original_source("10.0.0.2");
  EXPECT_TRUE(m.s());
  EXPECT_EQ(m.flags(), 0xff);
  EXPECT_EQ(m.bytes()[1], 0xff);
  m.s(false);
  EXPECT_EQ(m.header_size(), 8u);
  m.protocol(1);
  m.original_destination("10.9.9.9");
  const auto b = m.bytes();
  EXPECT_EQ(b[0], 1);
  EXPECT_EQ(b[4], 10);
  EXPECT_EQ(b[5], 9);
  EXPECT_EQ(internet_checksum(b), 0);
}

TEST(MinimalEncapsulation, LibtinsStackingGivesTheGoldenPacket) {
  Tins::IP ip(kCoa, kHa);
  ip.tos(0x10);
  ip.id(0x1234);
  ip.flags(Tins::IP::DONT_FRAGMENT);
  ip.ttl(63);
  ip.protocol(MinimalEncapsulation::kIpProtocol);
  ip /= MinimalEncapsulation(17, "10.0.1.100", "192.0.2.10");
  ip /= Tins::RawPDU(kPayload);
  EXPECT_EQ(ip.serialize(), cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload));
  EXPECT_EQ(ip.rfind_pdu<MinimalEncapsulation>().checksum(), 0x2111);  // stored by the serialization

  // And back: the IP payload as RawPDU converts to the forwarding header.
  const auto wire = cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload);
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  const auto m = parsed.rfind_pdu<Tins::RawPDU>().to<MinimalEncapsulation>();
  EXPECT_EQ(m.original_source(), Tins::IPv4Address("192.0.2.10"));
}

TEST(MinimalEncapsulation, EncapsulateGoldenWithAndWithoutS) {
  auto s1 = encapsulate_minimal(kInner, kHa, kCoa);
  ASSERT_TRUE(s1) << s1.error().to_string();
  EXPECT_EQ(*s1, cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload));
  // The mobile node encapsulates its own datagram towards its home agent: S = 0, source not replaced.
  auto s0 = encapsulate_minimal(kInnerFromMobileNode, "10.0.1.100", kHa);
  ASSERT_TRUE(s0) << s0.error().to_string();
  EXPECT_EQ(*s0, cat(cat(kMinimalOuterS0, kMinimalForwardingS0), kPayloadS0));
}

TEST(MinimalEncapsulation, DecapsulateGivesTheOriginalByteForByte) {
  auto d1 = decapsulate_minimal(cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload));
  ASSERT_TRUE(d1) << d1.error().to_string();
  EXPECT_EQ(*d1, kInner);
  auto d0 = decapsulate_minimal(cat(cat(kMinimalOuterS0, kMinimalForwardingS0), kPayloadS0));
  ASSERT_TRUE(d0) << d0.error().to_string();
  EXPECT_EQ(*d0, kInnerFromMobileNode);
}

TEST(MinimalEncapsulation, RoundTripKeepsOptionsAndDropsLinkPadding) {
  // IHL 6 with a 4-byte option (Record Route would be longer; four NOPs keep it simple), TTL 1, TOS 0xb8.
  std::vector<uint8_t> inner = {0x46, 0xb8, 0x00, 0x24, 0xab, 0xcd, 0x00, 0x00, 1, 6, 0, 0,
                                10,   7,    7,    7,    10,   0,    1,    100,  1, 1, 1, 1};
  inner.insert(inner.end(), kPayload.begin(), kPayload.end());
  inner = fix_ip_checksum(inner, 24);
  for (const auto& [src, dst] : {std::pair<const char*, const char*>{"10.0.1.1", "10.0.2.2"},
                                 std::pair<const char*, const char*>{"10.7.7.7", "10.0.2.2"}}) {
    auto padded = inner;
    padded.resize(inner.size() + 6, 0);  // Ethernet padding after Total Length
    auto enc = encapsulate_minimal(padded, src, dst);
    ASSERT_TRUE(enc) << enc.error().to_string();
    EXPECT_EQ(enc->size(), inner.size() + (std::string(src) == "10.7.7.7" ? 8u : 12u));
    EXPECT_EQ((*enc)[8], 1);  // TTL untouched
    EXPECT_EQ(internet_checksum(std::span<const uint8_t>(enc->data(), 24)), 0);
    auto dec = decapsulate_minimal(*enc);
    ASSERT_TRUE(dec) << dec.error().to_string();
    EXPECT_EQ(*dec, inner);
  }
}

TEST(MinimalEncapsulation, EncapsulateRefusesFragmentsLoopsAndNonIpv4) {
  auto mf = fix_ip_checksum([] {
    auto p = kInner;
    p[6] = 0x20;
    return p;
  }());
  auto r = encapsulate_minimal(mf, kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "flags");
  EXPECT_EQ(r.error().offset, 6u);
  EXPECT_NE(r.error().expected.find("Minimal encapsulation MUST NOT be used when an original datagram is already "
                                    "fragmented"),
            std::string::npos);
  auto later = fix_ip_checksum([] {
    auto p = kInner;
    p[7] = 0x10;
    return p;
  }());
  r = encapsulate_minimal(later, kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "fragment_offset");
  EXPECT_NE(r.error().expected.find("fragment offset 128"), std::string::npos);

  r = encapsulate_minimal(kInner, kHa, "192.0.2.10");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "source");

  auto v6 = kInner;
  v6[0] = 0x65;
  r = encapsulate_minimal(v6, kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "version");
  auto ihl4 = kInner;
  ihl4[0] = 0x44;
  r = encapsulate_minimal(ihl4, kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "ihl");
  auto ihl15 = kInner;
  ihl15[0] = 0x4f;
  r = encapsulate_minimal(std::span<const uint8_t>(ihl15.data(), 30), kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "options");
  EXPECT_EQ(r.error().offset, 20u);
  r = encapsulate_minimal(std::span<const uint8_t>(kInner.data(), 31), kHa, kCoa);  // Total Length 32 > 31
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "total_length");

  std::vector<uint8_t> big(65530, 0);
  std::copy(kInner.begin(), kInner.begin() + 20, big.begin());
  big[2] = 0xff;
  big[3] = 0xfa;
  r = encapsulate_minimal(fix_ip_checksum(big), kHa, kCoa);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "total_length");
  EXPECT_NE(r.error().expected.find("65542"), std::string::npos);
}

TEST(MinimalEncapsulation, EncapsulateTruncatedAtEveryLengthNamesTheIpField) {
  const char* expected_fields[] = {
      "version", "tos",    "total_length", "total_length",    "identification",  "identification", "flags",
      "flags",   "ttl",    "protocol",     "header_checksum", "header_checksum", "source",         "source",
      "source",  "source", "destination",  "destination",     "destination",     "destination"};
  for (size_t len = 0; len < kInner.size(); ++len) {
    golden::HeapCopy c(kInner, len);
    auto r = encapsulate_minimal(c.span(), kHa, kCoa);
    ASSERT_FALSE(r) << len;
    if (len < 20) {
      EXPECT_EQ(r.error().field, expected_fields[len]) << len;
      EXPECT_LE(r.error().offset, len);
    } else {
      EXPECT_EQ(r.error().field, "total_length") << len;
    }
  }
}

// A forwarding header (S = 1) cut to `len` bytes: the field the decoder names (RFC 2004 3.1: Protocol, S + reserved,
// Header Checksum, Original Destination, Original Source) and where it starts.
const char* field_cut_short(size_t len) {
  if (len < 1) return "protocol";
  if (len < 2) return "flags";
  if (len < 4) return "checksum";
  return len < 8 ? "original_destination" : "original_source";
}
size_t offset_of_field_cut_short(size_t len) { return len < 2 ? len : len < 4 ? 2 : len < 8 ? 4 : 8; }

TEST(MinimalEncapsulation, DecodeTruncatedAtEveryLengthNamesTheField) {
  const auto wire = kMinimalForwardingS1;
  for (size_t len = 0; len < wire.size(); ++len) {
    golden::HeapCopy c(wire, len);
    auto r = MinimalEncapsulation::decode(c.data.get(), c.size);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, field_cut_short(len)) << len;
    EXPECT_EQ(r.error().offset, offset_of_field_cut_short(len)) << len;
    EXPECT_THROW(MinimalEncapsulation(c.data.get(), static_cast<uint32_t>(c.size)), Tins::malformed_packet) << len;
  }
  // S = 0 needs only 8 bytes.
  for (size_t len = 0; len <= kMinimalForwardingS0.size(); ++len) {
    golden::HeapCopy c(kMinimalForwardingS0, len);
    EXPECT_EQ(MinimalEncapsulation::decode(c.data.get(), c.size).ok(), len == 8) << len;
  }
  EXPECT_FALSE(MinimalEncapsulation::decode(nullptr, 3));
  EXPECT_FALSE(MinimalEncapsulation::decode(nullptr, 0));
}

TEST(MinimalEncapsulation, DecodeChecksOrIgnoresTheChecksum) {
  auto bad = kMinimalForwardingS1;
  bad[3] ^= 0x40;
  auto r = MinimalEncapsulation::decode(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "checksum");
  EXPECT_EQ(r.error().offset, 2u);
  EXPECT_EQ(r.error().expected, "0x2111 (computed over the forwarding header), found 0x2151");
  try {
    MinimalEncapsulation thrown(bad.data(), static_cast<uint32_t>(bad.size()));
    ADD_FAILURE() << "no exception";
  } catch (const MalformedMessage& e) {
    EXPECT_EQ(e.error().field, "checksum");
  }
  auto unchecked = MinimalEncapsulation::decode(bad, false);
  ASSERT_TRUE(unchecked);
  EXPECT_FALSE(unchecked->checksum_valid());
  EXPECT_EQ(unchecked->checksum(), 0x2151);
}

TEST(MinimalEncapsulation, DecapsulateErrorsNameOffsetAndField) {
  const auto wire = cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload);
  // Every truncation: the IP header (Total Length 44 exceeds what is left) or, past it, still Total Length.
  for (size_t len = 0; len < wire.size(); ++len) {
    golden::HeapCopy c(wire, len);
    auto r = decapsulate_minimal(c.span());
    ASSERT_FALSE(r) << len;
    EXPECT_LE(r.error().offset, std::max<size_t>(len, 20)) << len;
  }
  // A Total Length that leaves the forwarding header short names the header field, at its packet offset.
  for (size_t cut = 20; cut < 32; ++cut) {
    auto p = std::vector<uint8_t>(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(cut));
    p[2] = 0;
    p[3] = static_cast<uint8_t>(cut);
    auto r = decapsulate_minimal(fix_ip_checksum(p));
    ASSERT_FALSE(r) << cut;
    const size_t in_header = cut - 20;
    EXPECT_EQ(r.error().offset, 20 + offset_of_field_cut_short(in_header)) << cut;
    EXPECT_EQ(r.error().field, field_cut_short(in_header)) << cut;
  }
  auto proto = fix_ip_checksum([&] {
    auto p = wire;
    p[9] = 4;
    return p;
  }());
  auto r = decapsulate_minimal(proto);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "protocol");
  EXPECT_EQ(r.error().offset, 9u);
  auto frag = fix_ip_checksum([&] {
    auto p = wire;
    p[6] = 0x20;
    return p;
  }());
  r = decapsulate_minimal(frag);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "flags");
  auto bad_sum = wire;
  bad_sum[22] ^= 1;
  r = decapsulate_minimal(bad_sum);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "checksum");
  EXPECT_EQ(r.error().offset, 22u);
  auto unchecked = decapsulate_minimal(bad_sum, false);
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(*unchecked, kInner);
}

TEST(MinimalEncapsulation, RebuildOriginalNeedsAnIpHeader) {
  const MinimalEncapsulation m(17, "10.0.1.100");
  EXPECT_THROW(rebuild_original(std::span<const uint8_t>(kMinimalOuterS1.data(), 19), m, kPayload),
               std::invalid_argument);
}

TEST(MinimalEncapsulation, GoldenPacketsBreakNoRule) {
  auto m1 = MinimalEncapsulation::decode(kMinimalForwardingS1).value();
  EXPECT_TRUE(validate_minimal_encap(kMinimalOuterS1, m1).empty()) << all(validate_minimal_encap(kMinimalOuterS1, m1));
  auto m0 = MinimalEncapsulation::decode(kMinimalForwardingS0).value();
  EXPECT_TRUE(validate_minimal_encap(kMinimalOuterS0, m0).empty()) << all(validate_minimal_encap(kMinimalOuterS0, m0));
  // Without the IP header only the header's own rules are checked.
  EXPECT_TRUE(validate_minimal_encap({}, m1).empty());
}

TEST(MinimalEncapsulation, EveryRuleFires) {
  auto m = MinimalEncapsulation::decode(kMinimalForwardingS1).value();
  // Checksum, and not when the caller leaves checksums alone.
  auto bad = kMinimalForwardingS1;
  bad[2] ^= 0x01;
  auto bm = MinimalEncapsulation::decode(bad, false).value();
  auto v = validate_minimal_encap(kMinimalOuterS1, bm);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3", "Header Checksum 0x2011 does not verify (0x2111 expected)")) << all(v);
  EXPECT_TRUE(validate_minimal_encap(kMinimalOuterS1, bm, false).empty());
  // Reserved bits.
  auto r = m;
  r.reserved(0x05);
  v = validate_minimal_encap(kMinimalOuterS1, r, false);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3", "reserved bits are 0x05; they are \"Sent as zero; ignored on reception\"")) << all(v);
  // Protocol 55 in the IP header.
  auto proto = fix_ip_checksum([] {
    auto p = kMinimalOuterS1;
    p[9] = 4;
    return p;
  }());
  v = validate_minimal_encap(proto, m);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3", "replaced by protocol number 55")) << all(v);
  // A fragment with DF.
  auto df_frag = fix_ip_checksum([] {
    auto p = kMinimalOuterS1;
    p[6] = 0x60;  // DF + MF
    return p;
  }());
  v = validate_minimal_encap(df_frag, m);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3", "Minimal encapsulation MUST NOT be used when an original datagram is already fragmented"))
      << all(v);
  // A non-first fragment starting with a real forwarding header.
  auto later = fix_ip_checksum([] {
    auto p = kMinimalOuterS1;
    p[6] = 0x00;
    p[7] = 0x02;
    return p;
  }());
  v = validate_minimal_encap(later, m);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3", "a fragment at offset 16 starts with a forwarding header")) << all(v);
  // Loop: the original source is the tunnel exit point (S = 1, and S = 0 through the IP source).
  auto looped = m;
  looped.original_source(kCoa);
  v = validate_minimal_encap(kMinimalOuterS1, looped, false);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "4", "a router should follow the same procedures outlined in [4]")) << all(v);
  EXPECT_EQ(v[0].level, "SHOULD");
  auto self = fix_ip_checksum([] {
    auto p = kMinimalOuterS0;
    std::copy(p.begin() + 16, p.begin() + 20, p.begin() + 12);  // source = destination = 10.0.1.1
    return p;
  }());
  v = validate_minimal_encap(self, MinimalEncapsulation::decode(kMinimalForwardingS0).value());
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "4", "original source 10.0.1.1 is the tunnel exit point")) << all(v);
}

TEST(MinimalEncapsulation, RulesThatMustNotFire) {
  auto m = MinimalEncapsulation::decode(kMinimalForwardingS1).value();
  // A first fragment without DF: fragmentation after encapsulation is allowed; one packet cannot tell more.
  auto mf = fix_ip_checksum([] {
    auto p = kMinimalOuterS1;
    p[6] = 0x20;
    return p;
  }());
  EXPECT_TRUE(validate_minimal_encap(mf, m).empty());
  // A non-first fragment whose first bytes are no valid forwarding header: just data.
  auto later = fix_ip_checksum([] {
    auto p = kMinimalOuterS1;
    p[6] = 0x00;
    p[7] = 0x02;
    return p;
  }());
  auto junk = kMinimalForwardingS1;
  junk[0] ^= 0xff;
  EXPECT_TRUE(validate_minimal_encap(later, MinimalEncapsulation::decode(junk, false).value(), false).empty());
  // S = 1 with the original source equal to the encapsulator is redundant, not forbidden.
  auto redundant = m;
  redundant.original_source(kHa);
  EXPECT_TRUE(validate_minimal_encap(kMinimalOuterS1, redundant, false).empty());
}

TEST(MinimalEncapsulation, RandomMutationsNeverCrash) {
  std::mt19937 rng(2004);
  const auto wire = cat(cat(kMinimalOuterS1, kMinimalForwardingS1), kPayload);
  for (int i = 0; i < 20000; ++i) {
    auto p = wire;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) p[rng() % p.size()] = static_cast<uint8_t>(rng());
    p.resize(rng() % (p.size() + 1));
    golden::HeapCopy c(p, p.size());
    auto d = decapsulate_minimal(c.span(), rng() % 2 == 0);
    if (d) {
      // Whatever came in, what comes out is a consistent IPv4 header: checksum and Total Length right.
      const size_t ihl = size_t{(*d)[0] & 0x0fu} * 4;
      ASSERT_GE(d->size(), ihl);
      EXPECT_EQ(internet_checksum(std::span<const uint8_t>(d->data(), ihl)), 0);
      EXPECT_EQ(d->size(), size_t{(*d)[2]} << 8 | (*d)[3]);
    } else {
      EXPECT_LE(d.error().offset, c.size + 20);
    }
    auto m = MinimalEncapsulation::decode(c.data.get(), c.size, false);
    if (m) (void)validate_minimal_encap(c.span().first(std::min<size_t>(20, c.size)), *m);
    (void)encapsulate_minimal(c.span(), kHa, kCoa);
  }
}

}  // namespace
}  // namespace mipvpn::wire
