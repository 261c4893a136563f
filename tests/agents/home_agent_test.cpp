// RFC 5944 3.8 home agent rules, one test per rule, on the socket-free HomeAgent core.
#include <random>

#include "tests/agents/ha_test_support.h"

namespace mipvpn::agents::ha::test {
namespace {

using namespace std::chrono_literals;

TEST_F(HaTest, AcceptsValidRegistrationWithCorrectReplyFields) {
  Rrq r = rrq();
  r.lifetime = 600;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  ASSERT_TRUE(o.reply);
  const auto rep = decode_reply(*o.reply);
  EXPECT_EQ(rep.code(), 0);  // simultaneous bindings supported
  EXPECT_EQ(rep.lifetime(), 600);
  EXPECT_EQ(rep.home_address(), Tins::IPv4Address(kHoA));
  EXPECT_EQ(rep.home_agent(), Tins::IPv4Address(kHa));
  EXPECT_EQ(rep.identification(), r.identification);  // whole Identification copied (5.7.1)
  // IP/UDP fields (3.8.3.1).
  EXPECT_EQ(o.reply->source, Tins::IPv4Address(kHa));
  EXPECT_EQ(o.reply->source_port, 434);
  EXPECT_EQ(o.reply->destination, mn_source());
  ASSERT_EQ(ha_.bindings().size(), 1u);
  const auto b = ha_.bindings().all().front();
  EXPECT_EQ(b.care_of_address, Tins::IPv4Address(kCoA));
  EXPECT_EQ(b.lifetime_granted, 600);
  EXPECT_EQ(b.identification, r.identification);
}

TEST_F(HaTest, ReplyUsesTheSaWhoseSpiTheMobileNodeUsed) {
  Rrq r = rrq();
  r.spi = 257;
  r.key = kKey2;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  decode_reply(*o.reply, kKey2, 257);
}

TEST_F(HaTest, CodeOneWhenSimultaneousBindingsUnsupported) {
  HaConfig c = reference_config();
  c.simultaneous_bindings = false;
  ha_ = HomeAgent(c);
  Rrq r = rrq();
  r.flags = wire::RegistrationRequest::kFlagS;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(decode_reply(*o.reply).code(), 1);
  Rrq r2 = rrq();
  r2.flags = wire::RegistrationRequest::kFlagS;
  r2.care_of_address = kCoA2;
  ASSERT_EQ(send(r2).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.bindings().size(), 1u) << "S ignored when simultaneous bindings are unsupported";
  EXPECT_EQ(ha_.bindings().all().front().care_of_address, Tins::IPv4Address(kCoA2));
}

TEST_F(HaTest, LifetimeReducedToMaximum) {
  Rrq r = rrq();
  r.lifetime = 5000;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(decode_reply(*o.reply).lifetime(), 1800);
  EXPECT_EQ(ha_.bindings().all().front().lifetime_granted, 1800);
}

TEST_F(HaTest, InfiniteRequestGetsMaximum) {
  Rrq r = rrq();
  r.lifetime = 0xffff;
  const Outcome o = send(r);
  EXPECT_EQ(decode_reply(*o.reply).lifetime(), 1800);
  EXPECT_TRUE(ha_.bindings().all().front().expires.has_value());
}

TEST_F(HaTest, InfiniteGrantedWhenMaximumIsInfinite) {
  HaConfig c = reference_config();
  c.max_lifetime = 0xffff;
  ha_ = HomeAgent(c);
  Rrq r = rrq();
  r.lifetime = 0xffff;
  const Outcome o = send(r);
  EXPECT_EQ(decode_reply(*o.reply).lifetime(), 0xffff);
  EXPECT_FALSE(ha_.bindings().all().front().expires.has_value());
  EXPECT_TRUE(ha_.bindings_json(now_)["bindings"][0]["remaining_s"].is_null());
  EXPECT_FALSE(ha_.next_expiry().has_value());
}

TEST_F(HaTest, LifetimeNeverIncreasedAboveRequest) {
  Rrq r = rrq();
  r.lifetime = 5;
  EXPECT_EQ(decode_reply(*send(r).reply).lifetime(), 5);
}

TEST_F(HaTest, UndecodableInputIsDiscarded) {
  EXPECT_EQ(send_bytes({}).verdict, Verdict::Discarded);
  EXPECT_EQ(send_bytes({1, 0, 0}).verdict, Verdict::Discarded);
  std::vector<uint8_t> b = rrq().bytes();
  b.push_back(200);  // a Type byte with no Length
  const Outcome o = send_bytes(b);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_NE(o.reason.find("offset"), std::string::npos) << o.reason;
  EXPECT_FALSE(o.reply);
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, RegistrationReplyOrOtherTypesAreDiscarded) {
  std::vector<uint8_t> b = rrq().bytes();
  b[0] = 3;
  EXPECT_EQ(send_bytes(b).verdict, Verdict::Discarded);
  b[0] = 0;
  EXPECT_EQ(send_bytes(b).verdict, Verdict::Discarded);
}

TEST_F(HaTest, UnknownExtensionBelow128DiscardsSilently) {
  for (uint8_t type : {uint8_t{1}, uint8_t{16}, uint8_t{44}, uint8_t{127}}) {
    Rrq r = rrq();
    r.before_auth.push_back(ext(type, {1, 2, 3}));
    const Outcome o = send(r);
    EXPECT_EQ(o.verdict, Verdict::Discarded) << int(type);
    EXPECT_FALSE(o.reply);
  }
  Rrq r = rrq();
  r.after_auth.push_back(ext(100, {}));
  EXPECT_EQ(send(r).verdict, Verdict::Discarded);
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, UnknownExtension128OrAboveIsSkipped) {
  for (uint8_t type : {uint8_t{128}, uint8_t{200}, uint8_t{255}}) {
    Rrq r = rrq();
    r.before_auth.push_back(ext(type, {9, 9}));
    r.after_auth.push_back(ext(type, {}));
    const Outcome o = send(r);
    EXPECT_EQ(o.verdict, Verdict::Accepted) << int(type) << ": " << o.reason;
  }
}

TEST_F(HaTest, PadExtensionsAreAccepted) {
  Rrq r = rrq();
  r.before_auth.push_back(ext(wire::Pad, {}));
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
}

TEST_F(HaTest, NoAuthenticationExtensionDiscardsSilently) {
  Rrq r = rrq();
  r.with_auth = false;
  const Outcome o = send(r);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply);
  // An MN-FA extension alone is not an MN-HA authorization-enabling extension for the HA.
  Rrq r2 = rrq();
  r2.with_auth = false;
  r2.after_auth.push_back(ext(wire::MnFaAuth, {0, 0, 1, 0, 1, 2, 3, 4}));
  EXPECT_EQ(send(r2).verdict, Verdict::Discarded);
}

TEST_F(HaTest, NoSecurityAssociationDiscardsSilently) {
  Rrq unknown_spi = rrq();
  unknown_spi.spi = 999;
  EXPECT_EQ(send(unknown_spi).verdict, Verdict::Discarded);
  Rrq unknown_mn = rrq();
  unknown_mn.home_address = "10.0.1.222";
  const Outcome o = send(unknown_mn);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply);
  Rrq other_mns_spi = rrq();
  other_mns_spi.spi = 300;  // SA of kHoA2, not of kHoA
  other_mns_spi.key = kKey2;
  EXPECT_EQ(send(other_mns_spi).verdict, Verdict::Discarded);
}

TEST_F(HaTest, BadAuthenticatorDeniedWith131CarryingValidMnHa) {
  Rrq r = rrq();
  r.corrupt_authenticator = true;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(decode_reply(*o.reply).code(), 131);
  EXPECT_EQ(ha_.bindings().size(), 0u);
  Rrq wrong_key = rrq();
  wrong_key.key = kKey2;
  EXPECT_EQ(decode_reply(*send(wrong_key).reply).code(), 131);
}

TEST_F(HaTest, TamperedCoveredFieldFailsAuthentication) {
  std::vector<uint8_t> b = rrq().bytes();
  b[15] ^= 1;  // care-of address
  const Outcome o = send_bytes(b);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, 131);
}

TEST_F(HaTest, ReservedBitsDeniedWith134) {
  for (uint8_t bit : {wire::RegistrationRequest::kFlagR, wire::RegistrationRequest::kFlagX}) {
    Rrq r = rrq();
    r.flags = bit;
    const Outcome o = send(r);
    ASSERT_EQ(o.verdict, Verdict::Denied) << int(bit);
    EXPECT_EQ(decode_reply(*o.reply).code(), 134);
  }
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, OtherFlagsAreAccepted) {
  Rrq r = rrq();
  r.flags = wire::RegistrationRequest::kFlagB | wire::RegistrationRequest::kFlagD | wire::RegistrationRequest::kFlagT;
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
}

TEST_F(HaTest, StaleIdentificationDeniedWith133AndHaTime) {
  Rrq r = rrq();
  r.identification = ntp_at(now_, -10s);
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Denied) << o.reason;
  const auto rep = decode_reply(*o.reply);
  EXPECT_EQ(rep.code(), 133);
  EXPECT_EQ(wire::ntp_fraction(rep.identification()), wire::ntp_fraction(r.identification));
  EXPECT_EQ(wire::ntp_seconds(rep.identification()), wire::ntp_seconds(ntp_at(now_)));
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, FutureIdentificationDeniedWith133) {
  Rrq r = rrq();
  r.identification = ntp_at(now_, 8s);
  const auto rep = decode_reply(*send(r).reply);
  EXPECT_EQ(rep.code(), 133);
  EXPECT_EQ(wire::ntp_seconds(rep.identification()), wire::ntp_seconds(ntp_at(now_)));
}

TEST_F(HaTest, IdentificationWithinToleranceAccepted) {
  Rrq r = rrq();
  r.identification = ntp_at(now_, -6s);
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
  Rrq r2 = rrq();
  r2.identification = ntp_at(now_, 6s);
  EXPECT_EQ(send(r2).verdict, Verdict::Accepted);
}

TEST_F(HaTest, ToleranceComesFromConfig) {
  HaConfig c = reference_config();
  c.replay_tolerance_s = 2;
  ha_ = HomeAgent(c);
  Rrq r = rrq();
  r.identification = ntp_at(now_, -3s);
  EXPECT_EQ(send(r).reply->code, 133);
}

TEST_F(HaTest, IdentificationMustExceedEveryAcceptedOne) {
  Rrq first = rrq();
  first.identification = ntp_at(now_, 2s);
  ASSERT_EQ(send(first).verdict, Verdict::Accepted);
  Rrq older = rrq();  // fresh, but below the accepted one
  older.identification = ntp_at(now_, 1s);
  const Outcome o = send(older);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, 133);
  EXPECT_EQ(ha_.last_accepted_identification(Tins::IPv4Address(kHoA)), first.identification);
}

TEST_F(HaTest, IdentificationIsPerMobileNode) {
  Rrq a = rrq();
  a.identification = ntp_at(now_, 2s);
  ASSERT_EQ(send(a).verdict, Verdict::Accepted);
  Rrq b = rrq();
  b.home_address = kHoA2;
  b.spi = 300;
  b.key = kKey2;
  b.identification = ntp_at(now_, 1s);
  EXPECT_EQ(send(b).verdict, Verdict::Accepted);
}

TEST_F(HaTest, ReplayIsDeniedAndDoesNotExtendLifetime) {
  const Rrq r = rrq();
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  advance(3s);
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 133);
  const auto b = ha_.bindings().all().front();
  EXPECT_EQ(*b.expires, t0().mono + 600s) << "lifetime not restarted";
  EXPECT_DOUBLE_EQ(ha_.bindings_json(now_)["bindings"][0]["remaining_s"].get<double>(), 597.0);
}

TEST_F(HaTest, ReplayAfterDeregistrationIsStillDenied) {
  const Rrq reg = rrq();
  ASSERT_EQ(send(reg).verdict, Verdict::Accepted);
  Rrq dereg = rrq();
  dereg.lifetime = 0;
  dereg.care_of_address = kHoA;
  ASSERT_EQ(send(dereg).verdict, Verdict::Accepted);
  EXPECT_EQ(ha_.bindings().size(), 0u);
  EXPECT_EQ(send(reg).reply->code, 133);
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, SubnetBroadcastDeniedWith136FromUnicastAddress) {
  for (const char* dst : {"10.0.1.255", "255.255.255.255", "224.0.0.11"}) {
    Rrq r = rrq();
    r.home_agent = dst;
    const Outcome o = send(r, ha_destination(dst));
    ASSERT_EQ(o.verdict, Verdict::Denied) << dst;
    const auto rep = decode_reply(*o.reply);
    EXPECT_EQ(rep.code(), 136);
    EXPECT_EQ(rep.home_agent(), Tins::IPv4Address(kHa)) << "HA's unicast address in the reply";
    EXPECT_EQ(o.reply->source, Tins::IPv4Address(kHa)) << "IP source is the HA's unicast address";
    EXPECT_EQ(o.reply->destination, mn_source());
  }
  Rrq r = rrq();  // Home Agent field correct, but sent to the broadcast address
  EXPECT_EQ(send(r, ha_destination("10.0.1.255")).reply->code, 136);
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, ForeignHomeAgentFieldDeniedWith136) {
  Rrq r = rrq();
  r.home_agent = "10.0.1.2";
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  const auto rep = decode_reply(*o.reply);
  EXPECT_EQ(rep.code(), 136);
  EXPECT_EQ(rep.home_agent(), Tins::IPv4Address(kHa));
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(HaTest, RequestToAnotherLocalAddressRepliesFromIt) {
  // A request unicast to some other address of the host: the reply's source is copied from it (3.8.3.1).
  Rrq r = rrq();
  const Outcome o = send(r, ha_destination("10.0.1.7"));
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->source, Tins::IPv4Address("10.0.1.7"));
}

TEST_F(HaTest, HomeAddressOutsideHomeNetworkDeniedWith129) {
  Rrq r = rrq();
  r.home_address = kHoAOutside;
  r.spi = 400;
  r.key = kKeyOutside;
  const Outcome o = send(r);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  const auto rep = decode_reply(*o.reply, kKeyOutside, 400);
  EXPECT_EQ(rep.code(), 129);
  EXPECT_EQ(rep.home_address(), Tins::IPv4Address(kHoAOutside));
}

TEST_F(HaTest, FaHaExtensionWithoutFaSecurityAssociationDiscarded) {
  Rrq r = rrq();
  r.after_auth.push_back(ext(wire::FaHaAuth, std::vector<uint8_t>(20, 7)));
  const Outcome o = send(r);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply);
}

// 3.8.2.1 (d) discards; no denial may be sent for the same request even when it is also stale or misaddressed.
TEST_F(HaTest, FaHaDiscardTakesPrecedenceOverDenials) {
  Rrq stale = rrq();
  stale.identification -= (3600ull << 32);
  stale.after_auth.push_back(ext(wire::FaHaAuth, std::vector<uint8_t>(20, 7)));
  Outcome o = send(stale);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply);

  Rrq reserved = rrq();
  reserved.flags |= 0x04;
  reserved.after_auth.push_back(ext(wire::FaHaAuth, std::vector<uint8_t>(20, 7)));
  o = send(reserved);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply);
}

TEST_F(HaTest, MnFaExtensionAfterMnHaIsAccepted) {
  Rrq r = rrq();
  r.after_auth.push_back(ext(wire::MnFaAuth, std::vector<uint8_t>(20, 7)));
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
}

TEST_F(HaTest, TwoMnHaExtensionsDeniedWith134) {
  Rrq r = rrq();
  r.extra_mn_ha = 1;
  EXPECT_EQ(send(r).reply->code, 134);
}

TEST_F(HaTest, DeregistrationOfOneCareOfAddressKeepsOthers) {
  Rrq a = rrq();
  a.flags = wire::RegistrationRequest::kFlagS;
  ASSERT_EQ(send(a).verdict, Verdict::Accepted);
  Rrq b = rrq();
  b.flags = wire::RegistrationRequest::kFlagS;
  b.care_of_address = kCoA2;
  ASSERT_EQ(send(b).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.bindings().size(), 2u);
  Rrq d = rrq();
  d.lifetime = 0;
  d.care_of_address = kCoA;
  const Outcome o = send(d);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  const auto rep = decode_reply(*o.reply);
  EXPECT_EQ(rep.code(), 0);
  EXPECT_EQ(rep.lifetime(), 0);
  ASSERT_EQ(ha_.bindings().size(), 1u);
  EXPECT_EQ(ha_.bindings().all().front().care_of_address, Tins::IPv4Address(kCoA2));
}

TEST_F(HaTest, DeregistrationWithHomeAddressDeletesAll) {
  for (const char* coa : {kCoA, kCoA2}) {
    Rrq a = rrq();
    a.flags = wire::RegistrationRequest::kFlagS;
    a.care_of_address = coa;
    ASSERT_EQ(send(a).verdict, Verdict::Accepted);
  }
  ASSERT_EQ(ha_.bindings().size(), 2u);
  Rrq d = rrq();
  d.lifetime = 0;
  d.care_of_address = kHoA;
  const Outcome o = send(d, ha_destination(), Endpoint{Tins::IPv4Address(kHoA), 434});
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(ha_.bindings().size(), 0u);
  EXPECT_EQ(o.reply->destination.address, Tins::IPv4Address(kHoA));
}

TEST_F(HaTest, NewRegistrationWithoutSReplacesBindings) {
  Rrq a = rrq();
  a.flags = wire::RegistrationRequest::kFlagS;
  ASSERT_EQ(send(a).verdict, Verdict::Accepted);
  Rrq b = rrq();
  b.care_of_address = kCoA2;
  ASSERT_EQ(send(b).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.bindings().size(), 1u);
  EXPECT_EQ(ha_.bindings().all().front().care_of_address, Tins::IPv4Address(kCoA2));
}

TEST_F(HaTest, ReRegistrationOfSameCareOfAddressRenewsIt) {
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  advance(100s);
  Rrq r = rrq();
  r.flags = wire::RegistrationRequest::kFlagS;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.bindings().size(), 1u);
  EXPECT_EQ(*ha_.bindings().all().front().expires, now_.mono + 600s);
}

TEST_F(HaTest, TooManySimultaneousBindingsDeniedWith135) {
  for (size_t i = 0; i < kMaxBindingsPerMobileNode; ++i) {
    Rrq r = rrq();
    r.flags = wire::RegistrationRequest::kFlagS;
    r.care_of_address = "10.0.5." + std::to_string(i + 1);
    ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  }
  Rrq r = rrq();
  r.flags = wire::RegistrationRequest::kFlagS;
  r.care_of_address = "10.0.6.1";
  EXPECT_EQ(send(r).reply->code, 135);
  EXPECT_EQ(ha_.bindings().size(), kMaxBindingsPerMobileNode);
}

TEST_F(HaTest, BindingsExpireSilently) {
  Rrq r = rrq();
  r.lifetime = 30;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  ASSERT_EQ(ha_.next_expiry(), now_.mono + 30s);
  EXPECT_TRUE(ha_.expire(now_.plus(29s)).empty());
  EXPECT_EQ(ha_.bindings().size(), 1u);
  const auto events = ha_.expire(now_.plus(30s));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events.front().reply) << "no reply on expiry (3.8)";
  EXPECT_EQ(ha_.bindings().size(), 0u);
  EXPECT_FALSE(ha_.next_expiry());
}

TEST_F(HaTest, BindingsJsonHasTheSeamsShape) {
  Rrq r = rrq();
  r.lifetime = 100;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  advance(1500ms);
  const nlohmann::json j = ha_.bindings_json(now_);
  ASSERT_EQ(j["bindings"].size(), 1u);
  const auto& b = j["bindings"][0];
  EXPECT_EQ(b["home_address"], kHoA);
  EXPECT_EQ(b["care_of_address"], kCoA);
  EXPECT_EQ(b["lifetime_granted"], 100);
  EXPECT_DOUBLE_EQ(b["remaining_s"].get<double>(), 98.5);
  EXPECT_EQ(b["identification"].get<uint64_t>(), r.identification);
  EXPECT_EQ(b["encapsulation"], "ip-in-ip");
  EXPECT_TRUE(b["udp_tunnel"].is_null());
  EXPECT_EQ(b["reverse_tunnel"], false);
}

TEST_F(HaTest, ReplyToZeroSourceIsBuiltButAddressedToZero) {
  const Outcome o = send(rrq(), ha_destination(), Endpoint{Tins::IPv4Address("0.0.0.0"), 434});
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(static_cast<uint32_t>(o.reply->destination.address), 0u);  // the daemon does not send it
}

TEST_F(HaTest, RandomInputNeverThrowsAndNeverAccepts) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> b(rng() % 120);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (!b.empty() && (i % 2)) b[0] = 1;
    Outcome o;
    ASSERT_NO_THROW(o = send_bytes(b));
    EXPECT_NE(o.verdict, Verdict::Accepted);
  }
}

TEST_F(HaTest, MutatedValidRequestsNeverThrow) {
  std::mt19937 rng(777);
  const std::vector<uint8_t> base = rrq().bytes();
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> b = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      switch (rng() % 3) {
        case 0: b[rng() % b.size()] = static_cast<uint8_t>(rng()); break;
        case 1: b.resize(rng() % (b.size() + 1)); break;
        default: b.push_back(static_cast<uint8_t>(rng())); break;
      }
      if (b.empty()) b.push_back(1);
    }
    ASSERT_NO_THROW(send_bytes(b));
  }
}

}  // namespace
}  // namespace mipvpn::agents::ha::test
