// IP in IP (RFC 2003): the outer header of 3.1 byte for byte, the encapsulator's refusals, and every rule of
// validate_ip_in_ip firing and not firing.
#include "harness/wire/checksum.h"
#include "harness/wire/ip_in_ip.h"
#include "tests/wire/encap_golden.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <algorithm>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

using golden::cat;
using golden::kInner;
using golden::kIpInIpOuter;

const Tins::IPv4Address kHa("10.0.1.1");
const Tins::IPv4Address kCoa("10.0.2.2");

// Rewrites one byte of a header and fixes its checksum, so only the intended rule can fire.
std::vector<uint8_t> with_byte(std::vector<uint8_t> header, size_t at, uint8_t value) {
  header[at] = value;
  header[10] = header[11] = 0;
  const uint16_t sum = internet_checksum(header);
  header[10] = static_cast<uint8_t>(sum >> 8);
  header[11] = static_cast<uint8_t>(sum);
  return header;
}

bool has(const std::vector<Violation>& vs, const std::string& section, const std::string& text_part) {
  return std::any_of(vs.begin(), vs.end(), [&](const Violation& v) {
    return v.rfc == "RFC 2003" && v.section == section && v.text.find(text_part) != std::string::npos;
  });
}

std::string all(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += v.rfc + " " + v.section + " " + v.level + ": " + v.text + "\n";
  return s;
}

TEST(IpInIp, BytesGolden) { EXPECT_EQ(encapsulate_ip_in_ip(kInner, kHa, kCoa, 64), cat(kIpInIpOuter, kInner)); }

TEST(IpInIp, LibtinsGolden) {
  const Tins::IP inner(kInner.data(), static_cast<uint32_t>(kInner.size()));
  Tins::IP outer = encapsulate_ip_in_ip(inner, kHa, kCoa, 64);
  EXPECT_EQ(outer.protocol(), 4);
  EXPECT_EQ(outer.serialize(), cat(kIpInIpOuter, kInner));
  // The inner datagram is carried unchanged, as an IP PDU.
  ASSERT_NE(outer.find_pdu<Tins::IP>(), nullptr);
  EXPECT_EQ(outer.rfind_pdu<Tins::UDP>().dport(), 9);
}

TEST(IpInIp, TosAndDontFragmentFollowTheInnerHeader) {
  auto inner = with_byte(std::vector<uint8_t>(kInner.begin(), kInner.begin() + 20), 1, 0xb8);
  inner = with_byte(inner, 6, 0x00);  // no DF
  inner.insert(inner.end(), kInner.begin() + 20, kInner.end());
  const auto out = encapsulate_ip_in_ip(inner, kHa, kCoa, 9, 0x7777);
  EXPECT_EQ(out[1], 0xb8);  // TOS copied
  EXPECT_EQ(out[6], 0x00);  // no DF copied
  EXPECT_EQ(out[4], 0x77);
  EXPECT_EQ(out[8], 9);
  EXPECT_EQ(internet_checksum(std::span<const uint8_t>(out.data(), 20)), 0);
  EXPECT_TRUE(
      validate_ip_in_ip(std::span<const uint8_t>(out.data(), 20), std::span<const uint8_t>(out).subspan(20)).empty());

  Tins::IP tins_inner(inner.data(), static_cast<uint32_t>(inner.size()));
  const auto outer = encapsulate_ip_in_ip(tins_inner, kHa, kCoa, 9, 0x7777);
  EXPECT_EQ(outer.tos(), 0xb8);
  EXPECT_EQ(outer.flags(), 0);
  EXPECT_EQ(outer.id(), 0x7777);
}

TEST(IpInIp, EncapsulatorRefusesWhatTheRfcForbids) {
  auto ttl0 = kInner;
  ttl0[8] = 0;
  EXPECT_THROW(encapsulate_ip_in_ip(ttl0, kHa, kCoa, 64), std::invalid_argument);
  Tins::IP inner(kInner.data(), static_cast<uint32_t>(kInner.size()));
  inner.ttl(0);
  EXPECT_THROW(encapsulate_ip_in_ip(inner, kHa, kCoa, 64), std::invalid_argument);
  // 3.2: the inner source is the tunnel exit point.
  EXPECT_THROW(encapsulate_ip_in_ip(kInner, kHa, "192.0.2.10", 64), std::invalid_argument);
  inner.ttl(5);
  EXPECT_THROW(encapsulate_ip_in_ip(inner, kHa, "192.0.2.10", 64), std::invalid_argument);
  // Not an IPv4 datagram.
  EXPECT_THROW(encapsulate_ip_in_ip(std::span<const uint8_t>(kInner.data(), 19), kHa, kCoa, 64), std::invalid_argument);
  auto v6 = kInner;
  v6[0] = 0x65;
  EXPECT_THROW(encapsulate_ip_in_ip(v6, kHa, kCoa, 64), std::invalid_argument);
  std::vector<uint8_t> huge(65516, 0);
  std::copy(kInner.begin(), kInner.begin() + 20, huge.begin());
  EXPECT_THROW(encapsulate_ip_in_ip(huge, kHa, kCoa, 64), std::invalid_argument);
  huge.pop_back();
  EXPECT_EQ(encapsulate_ip_in_ip(huge, kHa, kCoa, 64).size(), 65535u);
}

TEST(IpInIp, GoldenPacketBreaksNoRule) {
  EXPECT_TRUE(validate_ip_in_ip(kIpInIpOuter, kInner).empty()) << all(validate_ip_in_ip(kIpInIpOuter, kInner));
}

TEST(IpInIp, EveryRuleFires) {
  // Version 4.
  auto v = validate_ip_in_ip(with_byte(kIpInIpOuter, 0, 0x55), kInner);
  EXPECT_TRUE(has(v, "3.1", "outer Version is 5")) << all(v);
  // Protocol 4.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 9, 47), kInner);
  EXPECT_TRUE(has(v, "3.1", "outer Protocol is 47")) << all(v);
  // An outer TTL of 0.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 8, 0), kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "outer TTL is 0")) << all(v);
  EXPECT_TRUE(validate_ip_in_ip(with_byte(kIpInIpOuter, 8, 1), kInner).empty());
  // Header checksum, and only when asked for.
  auto bad_sum = kIpInIpOuter;
  bad_sum[11] ^= 1;
  v = validate_ip_in_ip(bad_sum, kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "Header Checksum 0x23b5 does not verify (0x23b4 expected)")) << all(v);
  EXPECT_TRUE(validate_ip_in_ip(bad_sum, kInner, false).empty());
  // TOS copied.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 1, 0x00), kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "outer TOS 0x00 differs from inner TOS 0x10")) << all(v);
  EXPECT_EQ(v[0].level, "SHOULD");  // no keyword in 3.1; RFC 2983 and 6040 let DSCP and ECN differ
  // Total Length.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 3, 0x35), kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "outer Total Length 53 is not the outer header (20) plus the inner datagram (32)"))
      << all(v);
  // DF copied.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 6, 0x00), kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "it MUST be set in the outer IP header")) << all(v);
  // No fragmentation of a DF datagram: the outer packet is a first fragment (MF) with DF kept.
  v = validate_ip_in_ip(with_byte(kIpInIpOuter, 6, 0x60), kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);  // a fragment's Total Length is not compared
  EXPECT_TRUE(has(v, "3.1", "use of fragmentation is allowed unless")) << all(v);
  // Inner TTL 0.
  auto ttl0 = kInner;
  ttl0[8] = 0;
  v = validate_ip_in_ip(kIpInIpOuter, ttl0);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.1", "An encapsulator MUST NOT encapsulate a datagram with TTL = 0")) << all(v);
  // 3.2: inner source = tunnel exit point.
  auto looped = kIpInIpOuter;
  looped = with_byte(looped, 16, 192);
  looped = with_byte(looped, 17, 0);
  looped = with_byte(looped, 18, 2);
  looped = with_byte(looped, 19, 10);
  v = validate_ip_in_ip(looped, kInner);
  ASSERT_EQ(v.size(), 1u) << all(v);
  EXPECT_TRUE(has(v, "3.2", "the router MUST NOT tunnel the datagram")) << all(v);
  EXPECT_EQ(v[0].level, "MUST");
}

TEST(IpInIp, RulesThatMustNotFire) {
  // DF in the outer header without DF inside is allowed ("it MAY be set").
  auto no_df_inner = with_byte(std::vector<uint8_t>(kInner.begin(), kInner.begin() + 20), 6, 0x00);
  no_df_inner.insert(no_df_inner.end(), kInner.begin() + 20, kInner.end());
  EXPECT_TRUE(validate_ip_in_ip(kIpInIpOuter, no_df_inner).empty());
  // Fragmenting the outer packet of a datagram without DF is allowed.
  EXPECT_TRUE(validate_ip_in_ip(with_byte(kIpInIpOuter, 6, 0x20), no_df_inner).empty());
  // Inner source = outer source (a home agent tunnelling its own datagram) is not judged.
  auto own = kIpInIpOuter;
  own = with_byte(own, 12, 192);
  own = with_byte(own, 13, 0);
  own = with_byte(own, 14, 2);
  own = with_byte(own, 15, 10);
  EXPECT_TRUE(validate_ip_in_ip(own, kInner).empty());
  // A non-first fragment's payload is no inner header: only outer rules apply.
  auto later = with_byte(kIpInIpOuter, 7, 0x03);
  auto ttl0 = kInner;
  ttl0[8] = 0;
  EXPECT_TRUE(validate_ip_in_ip(later, ttl0).empty());
  // Too little inner packet, or not IPv4: inner rules skipped, outer ones still checked.
  EXPECT_TRUE(validate_ip_in_ip(kIpInIpOuter, std::span<const uint8_t>(kInner.data(), 19)).empty());
  auto v6 = kInner;
  v6[0] = 0x60;
  EXPECT_TRUE(validate_ip_in_ip(kIpInIpOuter, v6).empty());
  EXPECT_EQ(validate_ip_in_ip(with_byte(kIpInIpOuter, 9, 41), v6).size(), 1u);
  // Not an IPv4 header at all: nothing to say.
  EXPECT_TRUE(validate_ip_in_ip(std::span<const uint8_t>(kIpInIpOuter.data(), 19), kInner).empty());
}

TEST(IpInIp, OuterHeaderWithOptionsCountsInTotalLength) {
  // IHL 6 (one 4-byte option: four No-Operation octets), Total Length 24 + 32.
  std::vector<uint8_t> outer = {0x46, 0x10, 0x00, 0x38, 0,  0, 0x40, 0x00, 64, 4, 0, 0,
                                10,   0,    1,    1,    10, 0, 2,    2,    1,  1, 1, 1};
  const uint16_t sum = internet_checksum(outer);
  outer[10] = static_cast<uint8_t>(sum >> 8);
  outer[11] = static_cast<uint8_t>(sum);
  EXPECT_TRUE(validate_ip_in_ip(outer, kInner).empty()) << all(validate_ip_in_ip(outer, kInner));
}

TEST(IpInIp, ValidatorNeverReadsOutsideItsInput) {
  const auto packet = cat(kIpInIpOuter, kInner);
  for (size_t hl = 0; hl <= 24; ++hl) {
    for (size_t il = 0; il <= kInner.size(); ++il) {
      golden::HeapCopy h(packet, std::min(hl, packet.size()));
      golden::HeapCopy i(kInner, il);
      (void)validate_ip_in_ip(h.span(), i.span());
    }
  }
}

}  // namespace
}  // namespace mipvpn::wire
