// Mobile-Foreign (RFC 5944 3.5.3) and Foreign-Home (3.5.4) authentication, computed the 3.5.1 way: over "the UDP
// payload (that is, the Registration Request or Registration Reply data), all prior Extensions in their entirety, and
// the Type, Length, and SPI of this Extension". The golden Authenticators below were computed outside this code with
//   echo -n <hex of the covered bytes> | xxd -r -p | openssl dgst -md5 -mac HMAC -macopt hexkey:<key>
// (and cross-checked with Python's hmac module) over exactly the bytes written out here by hand.
#include "harness/wire/authentication.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/validate.h"

#include <gtest/gtest.h>

namespace mipvpn::wire {
namespace {

std::vector<uint8_t> key(uint8_t first) {
  std::vector<uint8_t> k(16);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(first + i);
  return k;
}
const std::vector<uint8_t> kMnHaKey = key(0x00);  // hexkey:000102...0f
const std::vector<uint8_t> kMnFaKey = key(0x10);  // hexkey:101112...1f
const std::vector<uint8_t> kFaHaKey = key(0x20);  // hexkey:202122...2f

std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// RFC 5944 3.3: a mobile node registering through a foreign agent (D clear) asking for a reverse tunnel (T).
const std::vector<uint8_t> kRrqFixed = {
    0x01, 0x02, 0x07, 0x08,                          // Type 1, flags T, Lifetime 1800
    10,   0,    1,    100,                           // Home Address 10.0.1.100
    10,   0,    1,    1,                             // Home Agent 10.0.1.1
    10,   0,    2,    1,                             // Care-of Address 10.0.2.1 (the FA's)
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // Identification
};
// MN-HA, SPI 256: HMAC-MD5(000102..0f, kRrqFixed | 20 14 00000100).
const std::vector<uint8_t> kRrqMnHa = {0x20, 0x14, 0x00, 0x00, 0x01, 0x00, 0xf1, 0x2d, 0x0a, 0xdb, 0x77,
                                       0x07, 0x1d, 0x98, 0x7e, 0xfa, 0x27, 0x01, 0xb6, 0xf1, 0x04, 0xb3};
// Encapsulating Delivery Style (RFC 3024 3.3), an FA-only extension between MN-HA and MN-FA.
const std::vector<uint8_t> kEds = {0x82, 0x00};
// MN-FA, SPI 257: HMAC-MD5(101112..1f, kRrqFixed | kRrqMnHa | 82 00 | 21 14 00000101).
const std::vector<uint8_t> kRrqMnFa = {0x21, 0x14, 0x00, 0x00, 0x01, 0x01, 0xde, 0xc4, 0x1f, 0x9a, 0x7e,
                                       0x67, 0xd3, 0x6b, 0xfc, 0x64, 0x8e, 0xb2, 0x04, 0xd9, 0x8a, 0x31};
// UDP Tunnel Request (RFC 3519 3.1) added by the FA after MN-HA (4.5): Sub-Type 0, no flags, Encapsulation 4.
const std::vector<uint8_t> kFaUdpTunnelRequest = {0x90, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00};
// FA-HA, SPI 258: HMAC-MD5(202122..2f, kRrqFixed | kRrqMnHa | kFaUdpTunnelRequest | 22 14 00000102).
const std::vector<uint8_t> kRrqFaHa = {0x22, 0x14, 0x00, 0x00, 0x01, 0x02, 0x0d, 0xc2, 0xed, 0x88, 0xb2,
                                       0x74, 0x77, 0x36, 0xa8, 0xe9, 0x85, 0x45, 0x70, 0x13, 0x83, 0x54};

// RFC 5944 3.4: Code 0, Lifetime 1800, Home Address, Home Agent, Identification.
const std::vector<uint8_t> kRrpFixed = {0x03, 0x00, 0x07, 0x08, 10,   0,    1,    100,  10,   0,
                                        1,    1,    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
const std::vector<uint8_t> kRrpMnHa = {0x20, 0x14, 0x00, 0x00, 0x01, 0x00, 0xa1, 0x8e, 0x5a, 0x58, 0x85,
                                       0x59, 0xc8, 0x6e, 0x93, 0xa1, 0xc1, 0x2a, 0x7f, 0x61, 0x36, 0x95};
// The home agent's Reply to the foreign agent: MN-HA, then FA-HA (3.8.3.3).
const std::vector<uint8_t> kRrpFaHa = {0x22, 0x14, 0x00, 0x00, 0x01, 0x02, 0x32, 0x22, 0x12, 0x39, 0x5c,
                                       0x23, 0xd8, 0xde, 0x9e, 0x2c, 0x11, 0xef, 0x60, 0xf2, 0x60, 0x4e};
// The foreign agent's Reply to the mobile node: FA-HA removed, MN-FA appended (3.7.3.2).
const std::vector<uint8_t> kRrpMnFa = {0x21, 0x14, 0x00, 0x00, 0x01, 0x01, 0x84, 0x42, 0x8a, 0x39, 0x8c,
                                       0x05, 0x1d, 0xde, 0x96, 0x4a, 0xaa, 0x1f, 0x94, 0x62, 0x5d, 0xb1};

RegistrationRequest fixed_rrq() {
  return RegistrationRequest(1800, "10.0.1.100", "10.0.1.1", "10.0.2.1", 0x0102030405060708ull,
                             RegistrationRequest::kFlagT);
}

// Every byte before `covered_end` changes the authenticator; no byte from `covered_end + 16` on does (an
// authentication extension covers nothing after itself). The authenticator bytes themselves fail the comparison.
void expect_covers_exactly(const std::vector<uint8_t>& wire, const Extension& auth, const std::vector<uint8_t>& k) {
  ASSERT_TRUE(verify_authentication(wire, auth, k));
  const size_t covered_end = auth.offset + 6;
  for (size_t i = 0; i < wire.size(); ++i) {
    auto m = wire;
    m[i] ^= 0x01;
    Extension a = auth;  // the parsed copy: Type/Length/SPI/authenticator as received
    if (i >= auth.offset + 2 && i < auth.offset + 2 + a.body.size()) a.body[i - auth.offset - 2] ^= 0x01;
    const bool ok = verify_authentication(m, a, k);
    if (i < covered_end + 16) {
      EXPECT_FALSE(ok) << "byte " << i << " is covered by the extension at " << auth.offset;
    } else {
      EXPECT_TRUE(ok) << "byte " << i << " lies after the extension at " << auth.offset;
    }
  }
}

TEST(MipAuthentication, MobileNodeRequestMnHaThenMnFaGolden) {
  auto rrq = fixed_rrq();
  EXPECT_EQ(rrq.bytes(), kRrqFixed);
  rrq.add_authentication(MnHaAuth, 256, kMnHaKey);
  rrq.add_extension(EncapsulatingDeliveryStyleExtension{}.to_extension());
  const Extension mn_fa = rrq.add_authentication(MnFaAuth, 257, kMnFaKey);
  const auto expected = cat({kRrqFixed, kRrqMnHa, kEds, kRrqMnFa});
  ASSERT_EQ(rrq.bytes(), expected);
  EXPECT_EQ(mn_fa.offset, 48u);  // 24 fixed + 22 MN-HA + 2 EDS

  auto decoded = RegistrationRequest::decode(expected);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  const auto& exts = decoded->extensions();
  ASSERT_EQ(exts.size(), 3u);
  // MN-HA covers the fixed part only; MN-FA covers the fixed part, MN-HA in its entirety and the FA-only extension.
  expect_covers_exactly(expected, exts[0], kMnHaKey);
  expect_covers_exactly(expected, exts[2], kMnFaKey);
  EXPECT_FALSE(verify_authentication(expected, exts[2], kMnHaKey));
  EXPECT_TRUE(validate(*decoded).empty());
}

TEST(MipAuthentication, RelayedRequestMnHaThenFaHaGolden) {
  // The foreign agent relays the mobile node's Request: everything through MN-HA unchanged, MN-FA and the FA-only
  // extensions removed, its own UDP Tunnel Request and FA-HA appended (RFC 5944 3.7.2.2, RFC 3519 4.5).
  const auto from_mn = cat({kRrqFixed, kRrqMnHa, kEds, kRrqMnFa});
  auto rrq = RegistrationRequest::decode(from_mn).value();
  auto exts = rrq.extensions();
  exts.resize(1);  // keep MN-HA
  rrq.extensions(exts);
  UdpTunnelRequestExtension utrq;
  utrq.encapsulation = UdpTunnelRequestExtension::kEncapsulationIpInIp;
  rrq.add_extension(utrq.to_extension());
  const Extension fa_ha = rrq.add_authentication(FaHaAuth, 258, kFaHaKey);
  const auto expected = cat({kRrqFixed, kRrqMnHa, kFaUdpTunnelRequest, kRrqFaHa});
  ASSERT_EQ(rrq.bytes(), expected);
  EXPECT_EQ(fa_ha.offset, 54u);

  auto decoded = RegistrationRequest::decode(expected).value();
  expect_covers_exactly(expected, decoded.extensions()[0], kMnHaKey);  // still valid at the home agent
  expect_covers_exactly(expected, decoded.extensions()[2], kFaHaKey);
  EXPECT_TRUE(validate(decoded).empty());
}

TEST(MipAuthentication, ReplyChainsGolden) {
  RegistrationReply rrp(0, 1800, "10.0.1.100", "10.0.1.1", 0x0102030405060708ull);
  ASSERT_EQ(rrp.bytes(), kRrpFixed);
  rrp.add_authentication(MnHaAuth, 256, kMnHaKey);
  auto to_fa = rrp;
  to_fa.add_authentication(FaHaAuth, 258, kFaHaKey);
  const auto ha_to_fa = cat({kRrpFixed, kRrpMnHa, kRrpFaHa});
  ASSERT_EQ(to_fa.bytes(), ha_to_fa);
  auto to_mn = rrp;
  to_mn.add_authentication(MnFaAuth, 257, kMnFaKey);
  const auto fa_to_mn = cat({kRrpFixed, kRrpMnHa, kRrpMnFa});
  ASSERT_EQ(to_mn.bytes(), fa_to_mn);

  auto a = RegistrationReply::decode(ha_to_fa).value();
  expect_covers_exactly(ha_to_fa, a.extensions()[1], kFaHaKey);
  auto b = RegistrationReply::decode(fa_to_mn).value();
  expect_covers_exactly(fa_to_mn, b.extensions()[0], kMnHaKey);
  expect_covers_exactly(fa_to_mn, b.extensions()[1], kMnFaKey);
  EXPECT_TRUE(validate(a).empty());
  EXPECT_TRUE(validate(b).empty());
}

}  // namespace
}  // namespace mipvpn::wire
