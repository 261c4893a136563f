// The companion-RFC extension rules of validate() (validate_mip.cpp), each shown to fire on a message that breaks it
// and to stay quiet on conforming messages.
#include "harness/wire/codes.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/validate.h"

#include <gtest/gtest.h>

namespace mipvpn::wire {
namespace {

std::string dump(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += x.rfc + " " + x.section + " " + x.level + ": " + x.text + "\n";
  return s;
}

struct Rule {
  std::string rfc, section, level, needle;
};

// Exactly these violations, in any order, each matched by RFC, section, level and a piece of its text.
void expect_exactly(const std::vector<Violation>& v, const std::vector<Rule>& rules) {
  ASSERT_EQ(v.size(), rules.size()) << dump(v);
  std::vector<bool> used(v.size(), false);
  for (const auto& r : rules) {
    bool found = false;
    for (size_t i = 0; i < v.size() && !found; ++i) {
      if (!used[i] && v[i].rfc == r.rfc && v[i].section == r.section && v[i].level == r.level &&
          v[i].text.find(r.needle) != std::string::npos) {
        used[i] = found = true;
      }
    }
    EXPECT_TRUE(found) << r.rfc << " " << r.section << " " << r.level << " \"" << r.needle << "\" not in:\n" << dump(v);
  }
}

Extension auth(uint8_t type, uint32_t spi) {
  return AuthExtension{type, spi, std::vector<uint8_t>(16, 0xab)}.to_extension();
}
const Extension kMnHa = auth(MnHaAuth, 256);
const Extension kMnFa = auth(MnFaAuth, 257);
const Extension kFaHa = auth(FaHaAuth, 258);
const Extension kEds = EncapsulatingDeliveryStyleExtension{}.to_extension();
const Extension kNai = NaiExtension{"mn@example.org"}.to_extension();
const Extension kTnc = TrustedNetworksConfiguredExtension{}.to_extension();

Extension utrq(uint8_t encapsulation = 4) {
  UdpTunnelRequestExtension v;
  v.encapsulation = encapsulation;
  return v.to_extension();
}
Extension utrp(uint8_t code = 0) {
  UdpTunnelReplyExtension v;
  v.reply_code = code;
  return v.to_extension();
}

constexpr uint8_t kD = RegistrationRequest::kFlagD;
constexpr uint8_t kT = RegistrationRequest::kFlagT;

RegistrationRequest rrq(uint8_t flags, std::vector<Extension> exts, uint16_t lifetime = 1800) {
  RegistrationRequest r(lifetime, "10.0.1.100", "10.0.1.1", "10.0.2.2", 1, flags);
  r.extensions(std::move(exts));
  return r;
}

RegistrationReply rrp(std::vector<Extension> exts, uint8_t code = 0, const char* hoa = "10.0.1.100",
                      const char* ha = "10.0.1.1") {
  RegistrationReply r(code, 60, hoa, ha, 1);
  r.extensions(std::move(exts));
  return r;
}

TEST(ValidateMip, ConformingMessages) {
  // Co-located mobile node asking for UDP tunnelling with its NAI (RFC 3519 4.4, RFC 2794 2).
  EXPECT_TRUE(validate(rrq(kD | kT, {kNai, utrq(), kMnHa})).empty());
  // Foreign-agent care-of address with the Encapsulating Delivery Style (RFC 3024 3.3).
  EXPECT_TRUE(validate(rrq(kT, {kNai, kMnHa, kEds, kMnFa})).empty());
  EXPECT_TRUE(validate(rrq(kT, {kMnHa, kEds})).empty());
  // As relayed by a foreign agent behind a NAT (RFC 3519 4.5): its UDP Tunnel Request after MN-HA, before FA-HA.
  EXPECT_TRUE(validate(rrq(kT, {kNai, kMnHa, utrq(0), kFaHa})).empty());
  EXPECT_TRUE(validate(rrq(kT, {kMnHa, utrq(55)})).empty());
  // Replies: UDP Tunnel Reply (assent and decline) and TNC covered by MN-HA; NAI with nonzero addresses.
  EXPECT_TRUE(validate(rrp({utrp(0), kTnc, kNai, kMnHa})).empty());
  EXPECT_TRUE(validate(rrp({utrp(64), kMnHa})).empty());
  EXPECT_TRUE(validate(rrp({kMnHa, utrp(0), kFaHa})).empty());  // the reply to an FA's request (4.5/4.6)
  // A foreign agent's MISSING_HOMEADDR denial may carry the NAI and a zero Home Address (RFC 2794 3).
  EXPECT_TRUE(validate(rrp({kNai}, kFaMissingHomeAddress, "0.0.0.0")).empty());
}

TEST(ValidateMip, EncapsulatingDeliveryStyle) {
  expect_exactly(validate(rrq(kT, {kMnHa, Extension{130, {0}, 0}})), {{"RFC 3024", "3.3", "MUST", "Length 1"}});
  expect_exactly(validate(rrq(0, {kMnHa, kEds})), {{"RFC 3024", "3.3", "MUST", "without the 'T' bit"}});
  expect_exactly(validate(rrq(kT, {kEds, kMnHa})), {{"RFC 3024", "3.3", "MUST", "precedes the Mobile-Home"}});
  expect_exactly(validate(rrq(kT, {kMnHa, kMnFa, kEds})),
                 {{"RFC 3024", "3.3", "MUST", "follows the Mobile-Foreign"},
                  {"RFC 5944", "3.6.1.3", "MUST", "follows the Mobile-Foreign"}});
  expect_exactly(validate(rrq(kT, {kMnHa, kEds, kFaHa})), {{"RFC 3024", "3.3", "MUST", "must not relay it"}});
  expect_exactly(validate(rrp({kMnHa, kEds})), {{"RFC 3024", "3.3", "MUST", "include it in replies"}});
}

TEST(ValidateMip, UdpTunnelRequestFields) {
  expect_exactly(validate(rrq(kD | kT, {Extension{144, {0, 0, 0, 4}, 0}, kMnHa})),
                 {{"RFC 3519", "3.1", "MUST", "Length 4"}});
  UdpTunnelRequestExtension v;
  v.sub_type = 1;
  expect_exactly(validate(rrq(kD | kT, {v.to_extension(), kMnHa})), {{"RFC 3519", "3.1", "MUST", "Sub-Type 1"}});
  v = {};
  v.reserved1 = 2;
  expect_exactly(validate(rrq(kD | kT, {v.to_extension(), kMnHa})), {{"RFC 3519", "3.1", "MUST", "Reserved 1 = 0x02"}});
  v = {};
  v.reserved2 = 0x01;
  expect_exactly(validate(rrq(kD | kT, {v.to_extension(), kMnHa})), {{"RFC 3519", "3.1", "MUST", "Reserved 2 = 0x01"}});
  v = {};
  v.reserved3 = 0x0100;
  expect_exactly(validate(rrq(kD | kT, {v.to_extension(), kMnHa})),
                 {{"RFC 3519", "3.1", "MUST", "Reserved 3 = 0x0100"}});
  // Flags and any Encapsulation value are fine: F, R, and IP protocols beyond 4/47/55 (3.3 allows "other
  // encapsulations").
  v = {};
  v.f = v.r = true;
  v.encapsulation = 99;
  EXPECT_TRUE(validate(rrq(kD | kT, {v.to_extension(), kMnHa})).empty());
}

TEST(ValidateMip, UdpTunnelRequestPlacement) {
  // Mobile node: before MN-HA and with 'D' (3.1.5, 4.4).
  expect_exactly(validate(rrq(kT, {utrq(), kMnHa})), {{"RFC 3519", "3.1.5", "MUST", "without the 'D' bit"}});
  expect_exactly(validate(rrq(kD | kT, {kMnHa, utrq(), kMnFa})),
                 {{"RFC 3519", "4.4", "MUST", "still carries the mobile node's Mobile-Foreign"}});
  // Foreign agent: never for a co-located ('D') registration, and before FA-HA (4.5).
  expect_exactly(validate(rrq(kD | kT, {kMnHa, utrq()})), {{"RFC 3519", "4.5", "MUST", "co-located care-of address"}});
  expect_exactly(validate(rrq(kT, {kMnHa, kFaHa, utrq()})),
                 {{"RFC 3519", "4.5", "MUST", "placed before the Foreign-Home"},
                  {"RFC 5944", "3.7.2.2", "MUST", "follows the Foreign-Home"}});
  // 'T' (3.1.5, SHOULD), from the mobile node or from the foreign agent.
  expect_exactly(validate(rrq(kD, {utrq(), kMnHa})), {{"RFC 3519", "3.1.5", "SHOULD", "without the 'T' bit"}});
  expect_exactly(validate(rrq(0, {kMnHa, utrq(), kFaHa})), {{"RFC 3519", "3.1.5", "SHOULD", "'T' bit"}});
}

TEST(ValidateMip, UdpTunnelReply) {
  expect_exactly(validate(rrq(kD | kT, {utrp(), kMnHa})),
                 {{"RFC 3519", "3.2", "SHOULD", "in a Registration Request"}});
  expect_exactly(validate(rrp({Extension{44, {0, 0, 0, 0, 0, 0, 0}, 0}, kMnHa})),
                 {{"RFC 3519", "3.2", "MUST", "Length 7"}});
  UdpTunnelReplyExtension v;
  v.sub_type = 5;
  expect_exactly(validate(rrp({v.to_extension(), kMnHa})), {{"RFC 3519", "3.2", "MUST", "Sub-Type 5"}});
  v = {};
  v.reserved = 0x0001;
  expect_exactly(validate(rrp({v.to_extension(), kMnHa})), {{"RFC 3519", "3.2", "MUST", "Reserved = 0x0001"}});
}

TEST(ValidateMip, TrustedNetworksConfigured) {
  expect_exactly(validate(rrp({Extension{149, {0}, 0}, kMnHa})), {{"RFC 5265", "3.4", "MUST", "Length 1"}});
  expect_exactly(validate(rrp({Extension{149, {1, 0}, 0}, kMnHa})), {{"RFC 5265", "3.4", "MUST", "Sub-Type 1"}});
  expect_exactly(validate(rrp({Extension{149, {0, 0x80}, 0}, kMnHa})),
                 {{"RFC 5265", "3.4", "MUST", "Reserved = 0x80"}});
  expect_exactly(validate(rrp({kMnHa, kTnc})), {{"RFC 5944", "3.8.3.3", "MUST", "Trusted Networks Configured"}});
  // Without MN-HA the placement rule has nothing to measure against; the missing MN-HA is reported by RFC 5944.
  expect_exactly(validate(rrp({kTnc})), {{"RFC 5944", "3.4", "MUST", "authorization-enabling"}});
}

TEST(ValidateMip, Nai) {
  expect_exactly(validate(rrq(kT, {kMnHa, kNai})), {{"RFC 2794", "2", "MUST", "follows the MN-HA"}});
  expect_exactly(validate(rrq(kT, {kMnHa, kMnFa, kNai})),
                 {{"RFC 2794", "2", "MUST", "follows the MN-HA"},
                  {"RFC 2794", "2", "MUST", "follows the MN-FA"},
                  {"RFC 5944", "3.6.1.3", "MUST", "follows the Mobile-Foreign"}});
  expect_exactly(validate(rrp({kNai, kMnHa}, 0, "0.0.0.0")),
                 {{"RFC 2794", "3", "MUST", "Home Address 0.0.0.0 and Home Agent 10.0.1.1"}});
  expect_exactly(validate(rrp({kNai, kMnHa}, 1, "10.0.1.100", "0.0.0.0")),
                 {{"RFC 2794", "3", "MUST", "nonzero Home Agent"}});
  // A denial by the home agent is not bound by it.
  EXPECT_TRUE(validate(rrp({kNai, kMnHa}, 129, "0.0.0.0")).empty());
}

}  // namespace
}  // namespace mipvpn::wire
