// The layer functions the dispatcher calls for GRE, minimal encapsulation and IP in IP: one Layer each, typed fields
// in wire order, violations, errors with frame offsets, and the right Next.
#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/gre.h"
#include "harness/wire/layers_encap.h"
#include "tests/wire/encap_golden.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

namespace mipvpn::wire {
namespace {

using golden::cat;
using golden::kGreChecksum;
using golden::kGreChecksumKeySequence;
using golden::kGreDelivery;
using golden::kGreRouting;
using golden::kInner;
using golden::kIpInIpOuter;
using golden::kMinimalForwardingS1;
using golden::kMinimalOuterS1;

constexpr size_t kEth = 14;  // where the outer IP header would sit in an Ethernet frame

IpContext context_of(const std::vector<uint8_t>& header, size_t offset = kEth) {
  IpContext ctx;
  std::memcpy(&ctx.src, header.data() + 12, 4);
  std::memcpy(&ctx.dst, header.data() + 16, 4);
  ctx.ttl = header[8];
  ctx.protocol = header[9];
  ctx.header = Bytes(header);
  ctx.offset = offset;
  return ctx;
}

std::vector<std::string> names(const Layer& l) {
  std::vector<std::string> out;
  for (const auto& f : l.fields) out.push_back(f.name);
  return out;
}

template <class T>
T get(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<T>(*v)) {
    ADD_FAILURE() << "field " << name << " missing or of another type";
    return T{};
  }
  return std::get<T>(*v);
}

TEST(EncapLayers, GreWithKeySequenceAndChecksumCarryingIpv4) {
  const auto ip = kGreDelivery;
  const auto gre = cat(kGreChecksumKeySequence, kInner);
  DecodedFrame out;
  const Next next = decode_gre_layer(gre, kEth + 20, context_of(ip), DecodeOptions{}, out);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "gre");
  EXPECT_EQ(l.offset, kEth + 20);
  EXPECT_EQ(l.length, 16u);
  EXPECT_FALSE(l.error);
  EXPECT_EQ(names(l), (std::vector<std::string>{"flags_version", "c", "r", "k", "s", "strict_source_route",
                                                "recursion_control", "flags", "version", "protocol_type", "checksum",
                                                "checksum_valid", "reserved1", "key", "sequence_number"}));
  EXPECT_EQ(get<uint64_t>(l, "flags_version"), 0xb000u);
  EXPECT_TRUE(get<bool>(l, "c"));
  EXPECT_TRUE(get<bool>(l, "k"));
  EXPECT_FALSE(get<bool>(l, "r"));
  EXPECT_EQ(get<uint64_t>(l, "protocol_type"), 0x0800u);
  EXPECT_EQ(get<uint64_t>(l, "checksum"), 0x69b6u);
  EXPECT_TRUE(get<bool>(l, "checksum_valid"));
  EXPECT_EQ(get<uint64_t>(l, "key"), 0xabcdu);
  EXPECT_EQ(get<uint64_t>(l, "sequence_number"), 7u);
  EXPECT_EQ(l.summary, "GRE proto=0x0800 key=0x0000abcd seq=7");
  // K and S are RFC 2890's extensions of RFC 2784: no violation.
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_EQ(next.offset, kEth + 20 + 16);
  EXPECT_FALSE(next.in_plaintext);
  EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), kInner);
}

TEST(EncapLayers, GreBadChecksumIsAViolationOnlyWhenVerifying) {
  auto gre = cat(kGreChecksum, kInner);
  gre[9] ^= 0x01;
  DecodedFrame out;
  const Next next = decode_gre_layer(gre, 34, context_of(kGreDelivery), DecodeOptions{}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_FALSE(l.error);
  EXPECT_FALSE(get<bool>(l, "checksum_valid"));
  EXPECT_EQ(l.summary, "GRE proto=0x0800 cksum=bad");
  ASSERT_EQ(l.violations.size(), 1u);
  EXPECT_EQ(l.violations[0].section, "2.5");
  EXPECT_EQ(next.kind, NextKind::IPv4);  // decoding goes on
  DecodedFrame quiet;
  DecodeOptions no_sums;
  no_sums.verify_checksums = false;
  decode_gre_layer(gre, 34, context_of(kGreDelivery), no_sums, quiet);
  EXPECT_TRUE(quiet.layers.at(0).violations.empty());
  EXPECT_EQ(quiet.layers.at(0).find("checksum_valid"), nullptr);
}

TEST(EncapLayers, GreRoutingFieldsAndOtherProtocolTypes) {
  DecodedFrame out;
  Next next = decode_gre_layer(kGreRouting, 34, context_of(kGreDelivery), DecodeOptions{}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_EQ(get<uint64_t>(l, "offset"), 0u);
  EXPECT_EQ(l.find("reserved1"), nullptr);
  EXPECT_EQ(get<uint64_t>(l, "routing[0].address_family"), 0x0800u);
  EXPECT_EQ(get<uint64_t>(l, "routing[0].sre_offset"), 4u);
  EXPECT_EQ(get<uint64_t>(l, "routing[0].sre_length"), 8u);
  EXPECT_EQ(get<std::string>(l, "routing[0].routing_information"), "0a:00:03:01:0a:00:02:02");
  EXPECT_EQ(get<uint64_t>(l, "routing[1].sre_length"), 0u);
  EXPECT_EQ(l.find("routing[1].routing_information"), nullptr);
  EXPECT_EQ(l.length, 24u);
  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_TRUE(next.bytes.empty());

  Gre eth(Gre::kProtoTransparentEthernet);
  const auto eth_wire = eth.bytes(std::vector<uint8_t>(14, 0xee));
  next = decode_gre_layer(eth_wire, 34, context_of(kGreDelivery), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::Ethernet);
  EXPECT_EQ(next.offset, 38u);
  EXPECT_EQ(next.bytes.size(), 14u);

  Gre v6(0x86dd);
  next = decode_gre_layer(v6.bytes(std::vector<uint8_t>(40, 0x60)), 34, context_of(kGreDelivery), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::None);
  EXPECT_EQ(out.layers.back().summary, "GRE proto=0x86dd payload 0x86dd (IPv6) not decoded, 40 bytes");
  Gre unknown(0x1234);
  decode_gre_layer(unknown.bytes(), 34, context_of(kGreDelivery), DecodeOptions{}, out);
  EXPECT_EQ(out.layers.back().summary, "GRE proto=0x1234 payload 0x1234 not decoded, 0 bytes");

  Gre v1(Gre::kProtoIPv4);
  v1.version(1);
  next = decode_gre_layer(v1.bytes(kInner), 34, context_of(kGreDelivery), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::None);
  EXPECT_EQ(out.layers.back().summary, "GRE version=1 proto=0x0800 (GRE version 1 payload not decoded)");
  EXPECT_EQ(out.layers.back().violations.at(0).section, "2.3.1");
  EXPECT_EQ(out.layers.size(), 5u);
}

TEST(EncapLayers, GreLoopAndPlaintextAreCarriedThrough) {
  // The inner packet is addressed to the delivery source: RFC 2784 3.1.
  auto delivery = kGreDelivery;
  std::copy(kInner.begin() + 16, kInner.begin() + 20, delivery.begin() + 12);
  IpContext ctx = context_of(delivery, 7);
  ctx.in_plaintext = true;
  DecodedFrame out;
  const Next next = decode_gre_layer(cat(kGreChecksum, kInner), 27, ctx, DecodeOptions{}, out);
  EXPECT_TRUE(next.in_plaintext);
  EXPECT_EQ(next.offset, 35u);
  ASSERT_EQ(out.layers.at(0).violations.size(), 1u);
  EXPECT_EQ(out.layers.at(0).violations[0].section, "3.1");
}

TEST(EncapLayers, GreTruncatedAtEveryLength) {
  const auto gre = kGreRouting;
  for (size_t len = 0; len < gre.size(); ++len) {
    golden::HeapCopy c(gre, len);
    DecodedFrame out;
    const Next next = decode_gre_layer(c.span(), 34, context_of(kGreDelivery), DecodeOptions{}, out);
    ASSERT_EQ(out.layers.size(), 1u) << len;
    const Layer& l = out.layers[0];
    ASSERT_TRUE(l.error) << len;
    EXPECT_GE(l.error->offset, 34u) << len;
    EXPECT_LE(l.error->offset, 34 + len) << len;
    EXPECT_EQ(l.summary, "GRE undecodable (" + l.error->field + ")");
    EXPECT_EQ(next.kind, NextKind::None);
  }
}

TEST(EncapLayers, MinimalRebuildsTheOriginalDatagram) {
  const auto header = kMinimalOuterS1;
  const auto payload = cat(kMinimalForwardingS1, std::vector<uint8_t>(kInner.begin() + 20, kInner.end()));
  DecodedFrame out;
  const Next next = decode_minimal_encap_layer(payload, kEth + 20, context_of(header), DecodeOptions{}, out);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "minenc");
  EXPECT_EQ(l.offset, kEth + 20);
  EXPECT_EQ(l.length, 12u);
  EXPECT_FALSE(l.error);
  EXPECT_EQ(names(l), (std::vector<std::string>{"protocol", "flags", "s", "reserved", "checksum", "checksum_valid",
                                                "original_destination", "original_source"}));
  EXPECT_EQ(get<uint64_t>(l, "protocol"), 17u);
  EXPECT_EQ(get<uint64_t>(l, "flags"), 0x80u);
  EXPECT_TRUE(get<bool>(l, "s"));
  EXPECT_EQ(get<uint64_t>(l, "checksum"), 0x2111u);
  EXPECT_TRUE(get<bool>(l, "checksum_valid"));
  EXPECT_EQ(get<std::string>(l, "original_destination"), "10.0.1.100");
  EXPECT_EQ(get<std::string>(l, "original_source"), "192.0.2.10");
  EXPECT_EQ(l.summary, "MINENC proto=17 inner-dst=10.0.1.100 inner-src=192.0.2.10");
  EXPECT_TRUE(l.violations.empty());
  ASSERT_EQ(out.buffers.size(), 1u);
  EXPECT_EQ(out.buffers[0], kInner);
  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_TRUE(next.in_plaintext);
  EXPECT_EQ(next.offset, 0u);
  EXPECT_EQ(next.bytes.data(), out.buffers[0].data());
  EXPECT_EQ(next.bytes.size(), kInner.size());
}

TEST(EncapLayers, MinimalViolationsErrorsAndFragments) {
  auto payload = cat(kMinimalForwardingS1, std::vector<uint8_t>(kInner.begin() + 20, kInner.end()));
  payload[1] |= 0x01;  // reserved bit; the checksum no longer verifies either
  DecodedFrame out;
  Next next = decode_minimal_encap_layer(payload, 34, context_of(kMinimalOuterS1), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_EQ(out.layers.back().violations.size(), 2u);
  EXPECT_EQ(out.layers.back().summary, "MINENC proto=17 inner-dst=10.0.1.100 inner-src=192.0.2.10 cksum=bad");
  DecodeOptions no_sums;
  no_sums.verify_checksums = false;
  decode_minimal_encap_layer(payload, 34, context_of(kMinimalOuterS1), no_sums, out);
  EXPECT_EQ(out.layers.back().violations.size(), 1u);

  // Truncated at every length: error at the frame offset of the missing field.
  const auto good = kMinimalForwardingS1;
  for (size_t len = 0; len < good.size(); ++len) {
    golden::HeapCopy c(good, len);
    DecodedFrame t;
    next = decode_minimal_encap_layer(c.span(), 34, context_of(kMinimalOuterS1), DecodeOptions{}, t);
    ASSERT_EQ(t.layers.size(), 1u);
    ASSERT_TRUE(t.layers[0].error) << len;
    EXPECT_EQ(t.layers[0].error->offset, 34 + (len < 2 ? len : len < 4 ? 2 : len < 8 ? 4 : 8)) << len;
    EXPECT_EQ(next.kind, NextKind::None);
    EXPECT_TRUE(t.buffers.empty());
  }

  // A non-first fragment: no forwarding header to decode, nothing follows.
  auto later = kMinimalOuterS1;
  later[7] = 0x03;
  DecodedFrame f;
  next = decode_minimal_encap_layer(std::vector<uint8_t>(20, 0x11), 34, context_of(later), DecodeOptions{}, f);
  EXPECT_EQ(next.kind, NextKind::None);
  EXPECT_EQ(f.layers.at(0).summary, "MINENC fragment offset=24 len=20");
  EXPECT_FALSE(f.layers[0].error);
  EXPECT_TRUE(f.layers[0].violations.empty());
  // ... unless it starts with a real forwarding header: the original was a fragment.
  next = decode_minimal_encap_layer(kMinimalForwardingS1, 34, context_of(later), DecodeOptions{}, f);
  EXPECT_EQ(f.layers.at(1).violations.size(), 1u);

  // Without its IP header the layer cannot rebuild anything.
  IpContext empty;
  empty.offset = 14;
  DecodedFrame e;
  next = decode_minimal_encap_layer(kMinimalForwardingS1, 34, empty, DecodeOptions{}, e);
  ASSERT_TRUE(e.layers.at(0).error);
  EXPECT_EQ(e.layers[0].error->field, "header");
  EXPECT_EQ(next.kind, NextKind::None);
}

TEST(EncapLayers, IpInIpViolationsLeaveTheChecksumToTheIpLayer) {
  auto outer = kIpInIpOuter;
  outer[11] ^= 1;  // bad outer checksum: the outer IP layer's business
  EXPECT_TRUE(ip_in_ip_violations(context_of(outer), kInner).empty());
  outer[6] = 0x00;  // DF not copied
  const auto v = ip_in_ip_violations(context_of(outer), kInner);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rfc, "RFC 2003");
  EXPECT_EQ(v[0].section, "3.1");
  EXPECT_TRUE(ip_in_ip_violations(IpContext{}, kInner).empty());
}

TEST(EncapLayers, RandomInputNeverEscapesItsSpan) {
  std::mt19937 rng(55);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> p(rng() % 64);
    for (auto& b : p) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    if (!p.empty() && rng() % 2) p[0] &= 0x0f;  // Gre: plausible version 0 headers with optional fields
    golden::HeapCopy c(p, p.size());
    DecodedFrame out;
    const Next g = decode_gre_layer(c.span(), 34, context_of(kGreDelivery), DecodeOptions{}, out);
    if (g.kind != NextKind::None) {
      EXPECT_GE(g.bytes.data(), c.data.get());
      EXPECT_EQ(g.bytes.data() + g.bytes.size(), c.data.get() + c.size);
    }
    const Next m = decode_minimal_encap_layer(c.span(), 34, context_of(kMinimalOuterS1), DecodeOptions{}, out);
    if (m.kind == NextKind::IPv4) {
      EXPECT_EQ(m.bytes.data(), out.buffers.back().data());
      EXPECT_EQ(internet_checksum(m.bytes.first(20)), 0);
    }
    EXPECT_EQ(out.layers.size(), 2u);
    (void)ip_in_ip_violations(context_of(kIpInIpOuter), c.span());
  }
}

}  // namespace
}  // namespace mipvpn::wire
