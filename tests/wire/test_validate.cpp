// Every rule of validate() shown to fire on a message that breaks exactly it, and not on conforming messages.
#include "harness/wire/validate.h"

#include <gtest/gtest.h>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey(16, 0x11);

std::string dump(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += x.rfc + " " + x.section + " " + x.level + ": " + x.text + "\n";
  return s;
}

// Exactly one violation, with this section and level, whose text contains `needle`.
void expect_only(const std::vector<Violation>& v, const std::string& section, const std::string& level,
                 const std::string& needle, const std::string& rfc = "RFC 5944") {
  ASSERT_EQ(v.size(), 1u) << dump(v);
  EXPECT_EQ(v[0].rfc, rfc);
  EXPECT_EQ(v[0].section, section) << dump(v);
  EXPECT_EQ(v[0].level, level) << dump(v);
  EXPECT_NE(v[0].text.find(needle), std::string::npos) << dump(v);
}

Extension auth(uint8_t type, uint32_t spi) {
  return AuthExtension{type, spi, std::vector<uint8_t>(16, 0xab)}.to_extension();
}

RegistrationRequest good_rrq() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 1, RegistrationRequest::kFlagD);
  return r;
}

RegistrationRequest rrq_with(std::vector<Extension> exts, uint16_t lifetime = 1800) {
  auto r = good_rrq();
  r.lifetime(lifetime);
  r.extensions(std::move(exts));
  return r;
}

TEST(ValidateRequest, ConformingRequestsHaveNoViolation) {
  auto r = good_rrq();
  r.t(true);  // the UDP Tunnel Request SHOULD and the Encapsulating Delivery Style MUST come with 'T' (validate_mip)
  r.add_extension(Extension{UdpTunnelRequest, {0, 0, 0, 4, 0, 0}, 0});
  r.add_authentication(MnHaAuth, 256, kKey);
  r.add_extension(Extension{EncapsulatingDeliveryStyle, {}, 0});
  r.add_authentication(MnFaAuth, 257, kKey);
  EXPECT_TRUE(validate(r).empty()) << dump(validate(r));
  // As relayed by an FA (3.7.2.2): MN-HA, then FA-HA.
  EXPECT_TRUE(validate(rrq_with({auth(MnHaAuth, 256), Extension{200, {1}, 0}, auth(FaHaAuth, 300)})).empty());
  // Deregistration without FA-HA.
  EXPECT_TRUE(validate(rrq_with({auth(MnHaAuth, 256)}, 0)).empty());
}

TEST(ValidateRequest, ReservedBits) {
  auto r = rrq_with({auth(MnHaAuth, 256)});
  r.r(true);
  expect_only(validate(r), "3.3", "MUST", "'r'");
  r.r(false);
  r.x(true);
  expect_only(validate(r), "3.3", "MUST", "'x'");
}

TEST(ValidateRequest, ZeroHomeAgentAndCareOf) {
  auto r = rrq_with({auth(MnHaAuth, 256)});
  r.home_agent("0.0.0.0");
  expect_only(validate(r), "3.6.1.2", "MUST", "Home Agent");
  r.home_agent("10.0.1.1");
  r.care_of_address("0.0.0.0");
  expect_only(validate(r), "3.6.1.2", "MUST", "Care-of Address");
}

TEST(ValidateRequest, MissingMnHa) {
  expect_only(validate(rrq_with({Extension{200, {}, 0}})), "3.3", "MUST", "authorization-enabling");
}

TEST(ValidateRequest, TwoMnHa) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(MnHaAuth, 256)})), "3.2", "SHOULD", "2 Mobile-Home");
}

TEST(ValidateRequest, MnHaNotFirstAuthentication) {
  // MN-FA first, then MN-HA: also "MN-FA not last".
  const auto v = validate(rrq_with({auth(MnFaAuth, 257), auth(MnHaAuth, 256)}));
  ASSERT_EQ(v.size(), 2u) << dump(v);
  EXPECT_EQ(v[0].section, "3.2");
  EXPECT_NE(v[0].text.find("MN-FA extension at offset 24"), std::string::npos) << dump(v);
  EXPECT_EQ(v[1].section, "3.6.1.3");
}

TEST(ValidateRequest, TwoMnFa) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(MnFaAuth, 257), auth(MnFaAuth, 257)})), "3.7.2.1", "MUST",
              "2 Mobile-Foreign");
}

TEST(ValidateRequest, ExtensionAfterMnFa) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(MnFaAuth, 257), Extension{200, {}, 0}})), "3.6.1.3", "MUST",
              "type 200");
}

TEST(ValidateRequest, TwoFaHa) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(FaHaAuth, 300), auth(FaHaAuth, 300)})), "3.8.2.1", "MUST",
              "2 Foreign-Home");
}

TEST(ValidateRequest, FaHaOnDeregistration) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(FaHaAuth, 300)}, 0)), "3.5.4", "MUST", "deregistration");
}

TEST(ValidateRequest, ExtensionAfterFaHa) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), auth(FaHaAuth, 300), Extension{200, {}, 0}})), "3.7.2.2", "MUST",
              "MUST append");
}

TEST(ValidateRequest, MnFaWithFaHa) {
  const auto v = validate(rrq_with({auth(MnHaAuth, 256), auth(MnFaAuth, 257), auth(FaHaAuth, 300)}));
  ASSERT_EQ(v.size(), 2u) << dump(v);  // also: FA-HA follows MN-FA, which must be last (3.6.1.3)
  EXPECT_EQ(v[0].section, "3.6.1.3");
  EXPECT_EQ(v[1].section, "3.7.2.2");
  EXPECT_NE(v[1].text.find("together"), std::string::npos) << dump(v);
}

TEST(ValidateRequest, ReservedSpiAndShortLength) {
  expect_only(validate(rrq_with({auth(MnHaAuth, 255)})), "1.6", "MUST", "SPI 255");
  expect_only(validate(rrq_with({auth(MnHaAuth, 0)})), "1.6", "MUST", "SPI 0");
  expect_only(validate(rrq_with({auth(MnHaAuth, 256), Extension{FaHaAuth, {1, 2}, 0}})), "3.5.4", "MUST", "Length 2");
}

RegistrationReply rrp_with(uint8_t code, std::vector<Extension> exts) {
  RegistrationReply r(code, 1800, "10.0.1.100", "10.0.1.1", 1);
  r.extensions(std::move(exts));
  return r;
}

TEST(ValidateReply, ConformingRepliesHaveNoViolation) {
  EXPECT_TRUE(validate(rrp_with(0, {auth(MnHaAuth, 256)})).empty());
  EXPECT_TRUE(validate(rrp_with(1, {Extension{UdpTunnelReply, {0, 0, 0, 0, 0, 0}, 0}, auth(MnHaAuth, 256),
                                    Extension{200, {}, 0}, auth(FaHaAuth, 300)}))
                  .empty());
  EXPECT_TRUE(validate(rrp_with(133, {auth(MnHaAuth, 256), auth(MnFaAuth, 257)})).empty());
  // A foreign agent's denial need not carry MN-HA (3.4: "returned by the home agent").
  EXPECT_TRUE(validate(rrp_with(70, {})).empty());
  EXPECT_TRUE(validate(rrp_with(194, {})).empty());
}

TEST(ValidateReply, UnassignedCode) {
  expect_only(validate(rrp_with(2, {auth(MnHaAuth, 256)})), "3.4", "SHOULD", "Code 2");
}

TEST(ValidateReply, MissingMnHaFromHomeAgent) {
  expect_only(validate(rrp_with(0, {})), "3.4", "MUST", "returned by the home agent");
  expect_only(validate(rrp_with(131, {})), "3.4", "MUST", "Code 131");
}

TEST(ValidateReply, TwoMnHa) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), auth(MnHaAuth, 256)})), "3.6.2.1", "MUST", "exactly one");
}

TEST(ValidateReply, FaHaBeforeMnHa) {
  const auto v = validate(rrp_with(0, {auth(FaHaAuth, 300), auth(MnHaAuth, 256)}));
  ASSERT_EQ(v.size(), 2u) << dump(v);  // also: something follows FA-HA
  EXPECT_EQ(v[0].section, "3.8.3.3");
  EXPECT_NE(v[0].text.find("before the Mobile-Home"), std::string::npos);
  EXPECT_EQ(v[1].section, "3.8.3.3");
}

TEST(ValidateReply, TwoFaHa) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), auth(FaHaAuth, 300), auth(FaHaAuth, 300)})), "3.7.3.1", "MUST",
              "2 Foreign-Home");
}

TEST(ValidateReply, ExtensionAfterFaHa) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), auth(FaHaAuth, 300), Extension{200, {}, 0}})), "3.8.3.3",
              "MUST", "type 200");
}

TEST(ValidateReply, TwoMnFa) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), auth(MnFaAuth, 257), auth(MnFaAuth, 257)})), "3.6.2.1", "MUST",
              "2 Mobile-Foreign");
}

TEST(ValidateReply, ExtensionAfterMnFa) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), auth(MnFaAuth, 257), Extension{200, {}, 0}})), "3.7.3.2",
              "MUST", "MUST append");
}

TEST(ValidateReply, MnFaWithFaHa) {
  const auto v = validate(rrp_with(0, {auth(MnHaAuth, 256), auth(FaHaAuth, 300), auth(MnFaAuth, 257)}));
  ASSERT_EQ(v.size(), 2u) << dump(v);  // also: MN-FA follows FA-HA, which must be last (3.8.3.3)
  EXPECT_EQ(v[0].section, "3.8.3.3");
  EXPECT_EQ(v[1].section, "3.7.3.2");
  EXPECT_NE(v[1].text.find("together"), std::string::npos) << dump(v);
}

TEST(ValidateReply, ReservedSpiAndShortLength) {
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 17)})), "1.6", "MUST", "SPI 17");
  expect_only(validate(rrp_with(0, {auth(MnHaAuth, 256), Extension{MnFaAuth, {}, 0}})), "3.5.3", "MUST", "Length 0");
}

AgentAdvertisement good_advert() {
  AgentAdvertisement a;
  a.add_router_address("10.0.2.1");
  a.f(true);
  a.add_care_of_address("10.0.2.1");
  return a;
}

TEST(ValidateAdvertisement, ConformingAdvertisementsHaveNoViolation) {
  auto a = good_advert();
  a.r(true);
  a.b(true);
  a.prefix_lengths({24});
  a.pad(true);
  EXPECT_TRUE(validate(a).empty()) << dump(validate(a));
  AgentAdvertisement ha;  // home agent only, no care-of address, no router address
  ha.h(true);
  ha.code(16);
  EXPECT_TRUE(validate(ha).empty()) << dump(validate(ha));
}

TEST(ValidateAdvertisement, Code) {
  auto a = good_advert();
  a.code(1);
  expect_only(validate(a), "2.1", "SHOULD", "ICMP Code 1");
}

TEST(ValidateAdvertisement, AddrEntrySize) {
  auto a = good_advert();
  a.addr_entry_size(3);
  expect_only(validate(a), "3", "MUST", "Addr Entry Size 3", "RFC 1256");
}

TEST(ValidateAdvertisement, ForeignAgentWithoutCareOf) {
  AgentAdvertisement a;
  a.f(true);
  expect_only(validate(a), "2.1.1", "MUST", "at least one care-of");
}

TEST(ValidateAdvertisement, BusyWithoutF) {
  AgentAdvertisement a;
  a.h(true);
  a.b(true);
  expect_only(validate(a), "2.1.1", "MUST", "'B' without 'F'");
}

TEST(ValidateAdvertisement, RegistrationRequiredWithoutF) {
  AgentAdvertisement a;
  a.h(true);
  a.r(true);
  expect_only(validate(a), "2.1.1", "MUST", "'R' without 'F'");
}

TEST(ValidateAdvertisement, NeitherFNorH) {
  AgentAdvertisement a;
  a.m(true);
  expect_only(validate(a), "2.1.1", "MUST", "neither 'F' nor 'H'");
}

TEST(ValidateAdvertisement, LengthNot6Plus4N) {
  auto a = good_advert();
  a.mobility_trailing_bytes({0, 0});
  expect_only(validate(a), "2.1.1", "MUST", "(6 + 4*N)");
  auto back = AgentAdvertisement::decode(a.bytes());  // and it survives the wire
  ASSERT_TRUE(back);
  expect_only(validate(*back), "2.1.1", "MUST", "Length 12");
}

TEST(ValidateAdvertisement, ReservedBits) {
  auto a = good_advert();
  a.reserved_r(true);
  expect_only(validate(a), "2.1.1", "MUST", "0x0200");
  a.reserved_r(false);
  a.agent_flags(static_cast<uint16_t>(a.agent_flags() | 0x0001));
  expect_only(validate(a), "2.1.1", "MUST", "0x0001");
}

TEST(ValidateAdvertisement, PrefixLengthsCount) {
  auto a = good_advert();
  a.prefix_lengths({24, 16});
  expect_only(validate(a), "2.1.2", "MUST", "Num Addrs is 1");
}

TEST(ValidateAdvertisement, PadNotLastAndTwoPads) {
  auto a = good_advert();
  a.add_extension(Extension{Pad, {}, 0});
  a.prefix_lengths({24});  // inserted first; Pad stays last
  EXPECT_TRUE(validate(a).empty());
  a.add_extension(Extension{200, {}, 0});
  expect_only(validate(a), "2.1.3", "SHOULD", "not last");
  auto b = good_advert();
  b.add_extension(Extension{Pad, {}, 0});
  b.add_extension(Extension{Pad, {}, 0});
  const auto v = validate(b);
  ASSERT_EQ(v.size(), 2u) << dump(v);
  EXPECT_NE(v[1].text.find("2 One-byte Padding"), std::string::npos);
}

TEST(ValidateSolicitation, Rules) {
  AgentSolicitation s;
  EXPECT_TRUE(validate(s).empty());
  s.code(1);
  expect_only(validate(s), "3", "MUST", "ICMP Code 1", "RFC 1256");
  s.code(0);
  s.reserved(5);
  expect_only(validate(s), "3", "MUST", "Reserved", "RFC 1256");
}

}  // namespace
}  // namespace mipvpn::wire
