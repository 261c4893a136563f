// Registration Request / Reply: golden encodings from the RFC 5944 3.3 / 3.4 layouts, round trips, libtins stacking,
// and the authentication of 3.5.1.
#include "harness/wire/authentication.h"
#include "harness/wire/checksum.h"
#include "harness/wire/malformed.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// RFC 5944 3.3 layout, written out by hand.
const std::vector<uint8_t> kRrqFixed = {
    0x01,                    // Type 1 (Registration Request)
    0x22,                    // flags: D (0x20) co-located care-of address, T (0x02) reverse tunnelling
    0x07, 0x08,              // Lifetime 1800 s
    10,   0,    1,    100,   // Home Address 10.0.1.100
    10,   0,    1,    1,     // Home Agent 10.0.1.1
    10,   0,    2,    2,     // Care-of Address 10.0.2.2
    0x01, 0x02, 0x03, 0x04,  // Identification, high 32 bits (NTP seconds with timestamps)
    0x05, 0x06, 0x07, 0x08,  // Identification, low 32 bits
};
// MN-HA extension (3.5.2) whose Authenticator is HMAC-MD5(kKey, kRrqFixed | 20 14 00 00 01 00), computed
// independently with Python's hmac module.
const std::vector<uint8_t> kRrqMnHa = {
    0x20, 0x14,              // Type 32 (Mobile-Home Authentication), Length 20 = 4 + 16
    0x00, 0x00, 0x01, 0x00,  // SPI 256 (0-255 are reserved, 1.6)
    0x4c, 0x19, 0x43, 0xd6, 0x78, 0x45, 0xb0, 0x23, 0xc6, 0x0a, 0x10, 0x6b, 0x9c, 0xe8, 0x15, 0x7d,
};

// RFC 5944 3.4 layout.
const std::vector<uint8_t> kRrpFixed = {
    0x03,                                            // Type 3 (Registration Reply)
    0x00,                                            // Code 0: registration accepted
    0x07, 0x08,                                      // Lifetime 1800 s
    10,   0,    1,    100,                           // Home Address 10.0.1.100
    10,   0,    1,    1,                             // Home Agent 10.0.1.1
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // Identification
};
const std::vector<uint8_t> kRrpMnHa = {
    0x20, 0x14, 0x00, 0x00, 0x01, 0x00,  // MN-HA, Length 20, SPI 256
    0xa1, 0x8e, 0x5a, 0x58, 0x85, 0x59, 0xc8, 0x6e, 0x93, 0xa1, 0xc1, 0x2a, 0x7f, 0x61, 0x36, 0x95,
};

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

RegistrationRequest sample_rrq() {
  return RegistrationRequest(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0x0102030405060708ull,
                             RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
}

TEST(RegistrationRequest, GoldenFixedPart) {
  EXPECT_EQ(sample_rrq().bytes(), kRrqFixed);
  EXPECT_EQ(sample_rrq().header_size(), 24u);
}

TEST(RegistrationRequest, GoldenWithHmacMd5Authentication) {
  auto rrq = sample_rrq();
  const Extension& ext = rrq.add_authentication(MnHaAuth, 256, kKey);
  EXPECT_EQ(ext.offset, 24u);
  EXPECT_EQ(rrq.bytes(), cat(kRrqFixed, kRrqMnHa));
}

TEST(RegistrationRequest, DecodeGolden) {
  const auto wire = cat(kRrqFixed, kRrqMnHa);
  auto r = RegistrationRequest::decode(wire);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->flags(), 0x22);
  EXPECT_TRUE(r->d());
  EXPECT_TRUE(r->t());
  EXPECT_FALSE(r->s());
  EXPECT_EQ(r->lifetime(), 1800);
  EXPECT_EQ(r->home_address(), Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(r->home_agent(), Tins::IPv4Address("10.0.1.1"));
  EXPECT_EQ(r->care_of_address(), Tins::IPv4Address("10.0.2.2"));
  EXPECT_EQ(r->identification(), 0x0102030405060708ull);
  ASSERT_EQ(r->extensions().size(), 1u);
  EXPECT_EQ(r->extensions()[0].type, MnHaAuth);
  EXPECT_EQ(r->extensions()[0].offset, 24u);
  EXPECT_TRUE(verify_authentication(wire, r->extensions()[0], kKey));
  EXPECT_EQ(r->bytes(), wire);
}

TEST(RegistrationRequest, EveryFlagBitHasItsAccessor) {
  RegistrationRequest r;
  struct Bit {
    uint8_t mask;
    bool (RegistrationRequest::*get)() const;
    void (RegistrationRequest::*set)(bool);
  };
  const Bit bits[] = {{0x80, &RegistrationRequest::s, &RegistrationRequest::s},
                      {0x40, &RegistrationRequest::b, &RegistrationRequest::b},
                      {0x20, &RegistrationRequest::d, &RegistrationRequest::d},
                      {0x10, &RegistrationRequest::m, &RegistrationRequest::m},
                      {0x08, &RegistrationRequest::g, &RegistrationRequest::g},
                      {0x04, &RegistrationRequest::r, &RegistrationRequest::r},
                      {0x02, &RegistrationRequest::t, &RegistrationRequest::t},
                      {0x01, &RegistrationRequest::x, &RegistrationRequest::x}};
  for (const auto& bit : bits) {
    (r.*bit.set)(true);
    EXPECT_EQ(r.flags(), bit.mask);
    EXPECT_TRUE((r.*bit.get)());
    EXPECT_EQ(r.bytes()[1], bit.mask);
    (r.*bit.set)(false);
    EXPECT_EQ(r.flags(), 0);
  }
}

TEST(RegistrationRequest, RoundTripWithManyExtensions) {
  auto rrq = sample_rrq();
  rrq.s(true);
  rrq.add_extension(Extension{UdpTunnelRequest, {0, 0, 0x80, 4, 0, 0}, 999});  // offset is replaced
  rrq.add_extension(Extension{Pad, {}, 0});
  rrq.add_authentication(MnHaAuth, 0x1000, kKey);
  rrq.add_extension(Extension{EncapsulatingDeliveryStyle, {}, 0});
  rrq.add_authentication(MnFaAuth, 0x2000, kKey);
  const auto& exts = rrq.extensions();
  ASSERT_EQ(exts.size(), 5u);
  EXPECT_EQ(exts[0].offset, 24u);
  EXPECT_EQ(exts[1].offset, 32u);
  EXPECT_EQ(exts[2].offset, 33u);
  EXPECT_EQ(exts[3].offset, 55u);
  EXPECT_EQ(exts[4].offset, 57u);
  EXPECT_EQ(rrq.header_size(), 79u);
  const auto wire = rrq.bytes();
  auto back = RegistrationRequest::decode(wire);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->extensions(), exts);
  EXPECT_EQ(back->bytes(), wire);
  EXPECT_TRUE(verify_authentication(wire, exts[2], kKey));
  EXPECT_TRUE(verify_authentication(wire, exts[4], kKey));
}

TEST(RegistrationRequest, ReplacingExtensionsRenumbers) {
  auto rrq = sample_rrq();
  rrq.add_extension(Extension{200, {1, 2, 3}, 0});
  rrq.add_authentication(MnHaAuth, 300, kKey);
  auto kept = rrq.extensions();
  kept.erase(kept.begin());  // an FA would never do this (it breaks MN-HA); here it shows renumbering
  rrq.extensions(kept);
  EXPECT_EQ(rrq.extensions()[0].offset, 24u);
  EXPECT_FALSE(verify_authentication(rrq.bytes(), rrq.extensions()[0], kKey));
  rrq.clear_extensions();
  EXPECT_EQ(rrq.bytes(), kRrqFixed);
  EXPECT_THROW(rrq.add_extension(Extension{200, std::vector<uint8_t>(256), 0}), std::invalid_argument);
  EXPECT_THROW(rrq.add_authentication(130, 300, kKey), std::invalid_argument);
}

TEST(RegistrationRequest, ThrowingConstructorIsMalformedPacket) {
  const std::vector<uint8_t> cut(kRrqFixed.begin(), kRrqFixed.begin() + 10);
  EXPECT_THROW(RegistrationRequest(cut.data(), static_cast<uint32_t>(cut.size())), Tins::malformed_packet);
  try {
    RegistrationRequest(cut.data(), static_cast<uint32_t>(cut.size()));
  } catch (const MalformedMessage& e) {
    EXPECT_EQ(e.error().field, "home_agent");
    EXPECT_EQ(e.error().offset, 8u);
    EXPECT_NE(std::string(e.what()).find("home_agent"), std::string::npos);
  }
  const auto reply = cat(kRrpFixed, kRrpMnHa);
  auto wrong = RegistrationRequest::decode(reply);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "type");
}

TEST(RegistrationRequest, AsUdpPayloadWithCorrectChecksum) {
  auto rrq = sample_rrq();
  rrq.add_authentication(MnHaAuth, 256, kKey);
  Tins::IP pkt = Tins::IP("10.0.1.1", "10.0.2.2") / Tins::UDP(434, 40000) / rrq;
  const auto wire = pkt.serialize();
  ASSERT_EQ(wire.size(), 20u + 8u + 46u);
  EXPECT_EQ(wire[9], 17);  // IP protocol UDP
  const std::span<const uint8_t> udp(wire.data() + 20, wire.size() - 20);
  EXPECT_EQ(udp[2] << 8 | udp[3], 434);
  EXPECT_EQ(udp[4] << 8 | udp[5], 8 + 46);
  EXPECT_NE(udp[6] << 8 | udp[7], 0);  // a checksum is sent (3.1 "SHOULD")
  EXPECT_EQ(udp_checksum_ipv4("10.0.2.2", "10.0.1.1", udp), 0) << "UDP checksum does not verify";
  EXPECT_EQ(std::vector<uint8_t>(udp.begin() + 8, udp.end()), cat(kRrqFixed, kRrqMnHa));

  // Received direction: libtins leaves the UDP payload as RawPDU; convert it libtins-style.
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  const auto& raw = parsed.rfind_pdu<Tins::RawPDU>();
  const auto back = raw.to<RegistrationRequest>();
  EXPECT_EQ(back.bytes(), rrq.bytes());
  EXPECT_TRUE(verify_authentication(raw.payload(), back.extensions()[0], kKey));
  // find_pdu works on a stacked, not yet serialized packet too.
  ASSERT_NE(pkt.find_pdu<RegistrationRequest>(), nullptr);
  EXPECT_EQ(pkt.find_pdu<RegistrationRequest>()->lifetime(), 1800);
}

TEST(RegistrationReply, GoldenAndDecode) {
  RegistrationReply rrp(0, 1800, "10.0.1.100", "10.0.1.1", 0x0102030405060708ull);
  EXPECT_EQ(rrp.bytes(), kRrpFixed);
  rrp.add_authentication(MnHaAuth, 256, kKey);
  const auto wire = cat(kRrpFixed, kRrpMnHa);
  EXPECT_EQ(rrp.bytes(), wire);
  auto back = RegistrationReply::decode(wire);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->code(), 0);
  EXPECT_EQ(back->lifetime(), 1800);
  EXPECT_EQ(back->home_address(), Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(back->home_agent(), Tins::IPv4Address("10.0.1.1"));
  EXPECT_EQ(back->identification(), 0x0102030405060708ull);
  ASSERT_EQ(back->extensions().size(), 1u);
  EXPECT_EQ(back->extensions()[0].offset, 20u);
  EXPECT_TRUE(verify_authentication(wire, back->extensions()[0], kKey));
}

TEST(RegistrationReply, AccessorsAndRoundTrip) {
  RegistrationReply rrp;
  rrp.code(133);
  rrp.lifetime(0);
  rrp.home_address("192.0.2.1");
  rrp.home_agent("192.0.2.2");
  rrp.identification(0xdeadbeef00000001ull);
  rrp.add_extension(Extension{UdpTunnelReply, {0, 0, 0, 0, 0, 110}, 0});
  rrp.add_authentication(MnHaAuth, 4096, kKey);
  rrp.add_authentication(FaHaAuth, 8192, kKey);
  const auto wire = rrp.bytes();
  auto back = RegistrationReply::decode(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code(), 133);
  EXPECT_EQ(back->identification(), 0xdeadbeef00000001ull);
  EXPECT_EQ(back->extensions(), rrp.extensions());
  EXPECT_EQ(back->bytes(), wire);
  EXPECT_TRUE(verify_authentication(wire, back->extensions()[1], kKey));
  EXPECT_TRUE(verify_authentication(wire, back->extensions()[2], kKey));
}

TEST(RegistrationReply, AsUdpPayloadAndRawConversion) {
  RegistrationReply rrp(1, 600, "10.0.1.100", "10.0.1.1", 42);
  rrp.add_authentication(MnHaAuth, 256, kKey);
  Tins::IP pkt = Tins::IP("10.0.2.2", "10.0.1.1") / Tins::UDP(40000, 434) / rrp;
  const auto wire = pkt.serialize();
  EXPECT_EQ(udp_checksum_ipv4("10.0.1.1", "10.0.2.2", std::span<const uint8_t>(wire.data() + 20, wire.size() - 20)), 0);
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  const auto back = parsed.rfind_pdu<Tins::RawPDU>().to<RegistrationReply>();
  EXPECT_EQ(back.code(), 1);
  EXPECT_EQ(back.bytes(), rrp.bytes());
  const std::vector<uint8_t> bad = {1, 0, 0, 0};
  EXPECT_THROW(RegistrationReply(bad.data(), 4), Tins::malformed_packet);
}

// Flipping any bit of any byte of a message must make every MN-HA found in it fail to verify: all bytes up to the
// SPI are covered (3.5.1), and the Authenticator is what is compared.
template <class Message>
void expect_tamper_evident(const std::vector<uint8_t>& wire) {
  for (size_t i = 0; i < wire.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      auto copy = wire;
      copy[i] ^= mask;
      auto m = Message::decode(copy);
      if (!m) continue;  // no longer a message at all: rejected too
      for (const auto& e : m->extensions()) {
        if (e.type == MnHaAuth) {
          EXPECT_FALSE(verify_authentication(copy, e, kKey)) << "byte " << i << " mask " << int(mask);
        }
      }
    }
  }
}

TEST(Authentication, TamperingAnyByteBreaksIt) {
  auto rrq = sample_rrq();
  rrq.add_extension(Extension{UdpTunnelRequest, {0, 0, 0x80, 4, 0, 0}, 0});
  rrq.add_authentication(MnHaAuth, 256, kKey);
  expect_tamper_evident<RegistrationRequest>(rrq.bytes());
  RegistrationReply rrp(0, 1800, "10.0.1.100", "10.0.1.1", 7);
  rrp.add_authentication(MnHaAuth, 256, kKey);
  expect_tamper_evident<RegistrationReply>(rrp.bytes());
}

TEST(Authentication, WrongKeyAndBadExtensionsFail) {
  auto rrq = sample_rrq();
  const Extension ext = rrq.add_authentication(MnHaAuth, 256, kKey);
  const auto wire = rrq.bytes();
  auto other = kKey;
  other[0] ^= 1;
  EXPECT_FALSE(verify_authentication(wire, ext, other));
  EXPECT_TRUE(verify_authentication(wire, ext, kKey));
  // Not where it claims to be, or cut short, or not an auth extension: false, never UB.
  Extension moved = ext;
  moved.offset = 23;
  EXPECT_FALSE(verify_authentication(wire, moved, kKey));
  moved.offset = 1000;
  EXPECT_FALSE(verify_authentication(wire, moved, kKey));
  EXPECT_FALSE(verify_authentication(std::span<const uint8_t>(wire.data(), wire.size() - 1), ext, kKey));
  Extension wrong_type = ext;
  wrong_type.type = 130;
  EXPECT_FALSE(verify_authentication(wire, wrong_type, kKey));
  EXPECT_FALSE(verify_authentication({}, ext, kKey));
}

TEST(Authentication, MnFaCoversMnHa) {
  // "all prior Extensions in their entirety" (3.5.1): changing the MN-HA authenticator breaks the MN-FA one too.
  const std::vector<uint8_t> fa_key(16, 0x33);
  auto rrq = sample_rrq();
  rrq.add_authentication(MnHaAuth, 256, kKey);
  rrq.add_authentication(MnFaAuth, 257, fa_key);
  auto wire = rrq.bytes();
  ASSERT_TRUE(verify_authentication(wire, rrq.extensions()[1], fa_key));
  wire[30] ^= 0x01;  // first Authenticator byte of MN-HA
  auto back = RegistrationRequest::decode(wire);
  ASSERT_TRUE(back);
  EXPECT_FALSE(verify_authentication(wire, back->extensions()[0], kKey));
  EXPECT_FALSE(verify_authentication(wire, back->extensions()[1], fa_key));
}

TEST(Authentication, MakeAuthenticationIsTheDocumentedHmac) {
  // Independent recomputation: HMAC-MD5(key, fixed | Type | Length | SPI).
  const auto ext = make_authentication(kRrqFixed, MnHaAuth, 256, kKey);
  EXPECT_EQ(ext.offset, 24u);
  EXPECT_EQ(ext.body, std::vector<uint8_t>(kRrqMnHa.begin() + 2, kRrqMnHa.end()));
}

}  // namespace
}  // namespace mipvpn::wire
