// Each fault switch breaks its one rule: the behaviour the harness checks changes exactly where the fault says.
#include <set>

#include "tests/agents/ha_test_support.h"

namespace mipvpn::agents::ha::test {
namespace {

using namespace std::chrono_literals;

class FaultTest : public HaTest {
 protected:
  void with(Fault f, HaConfig c = reference_config()) { ha_ = HomeAgent(std::move(c), FaultSet{f}); }
};

// Names covered below; the registry test insists every fault is in this list.
const std::set<std::string> kTested = {
    "reply-without-sa", "reply-without-auth-ext", "accept-bad-authenticator", "accept-reserved-bits",
    "accept-stale-identification", "wrong-identification-high-bits", "wrong-identification-low-bits",
    "accept-foreign-home-agent-field", "accept-broadcast", "lifetime-exceeds-request", "lifetime-exceeds-max",
    "dereg-keeps-binding", "dereg-all-keeps-others", "no-expiry", "duplicate-extends-lifetime",
    "extension-after-auth", "bad-reply-authenticator", "reply-wrong-source-address", "reply-to-port-434",
    "accept-unknown-mandatory-extension", "reject-skippable-extension", "no-simultaneous-bindings-code",
    "no-reply-on-accept", "reply-on-expiry", "accept-fa-ha-without-sa",
    // FA-HA: foreign_home_auth_test.cpp (ForeignHomeAuth.Fault*) and fa_registration_netns_test.cpp
    "accept-missing-or-bad-fa-ha", "no-fa-ha-in-reply", "fa-ha-on-deregistration-reply",
    // data plane: home_agent_data_plane_test.cpp (FaultsBreakTheirDataPlaneRule) and ha_data_plane_netns_test.cpp
    "no-gratuitous-arp-on-first-binding", "no-gratuitous-arp-on-deregistration", "proxy-arp-after-deregistration",
    "reverse-tunnel-check-off", "tunnel-to-wrong-address", "single-copy-for-simultaneous-bindings",
    "accept-unoffered-encapsulation", "no-udp-tunnel-reply", "udp-tunnel-without-nat", "ip-in-ip-despite-udp-tunnel",
    "udp-lifetime-not-capped",
    // i-HA (RFC 5265): internal_home_agent_test.cpp and ha_data_plane_netns_test.cpp
    "no-tnc-to-trusted-source", "tnc-to-untrusted-source", "answer-untrusted-source"};

TEST(FaultRegistry, NamesUniqueRulesCitedAndAllTested) {
  std::set<std::string> names;
  std::set<std::string> all;
  for (const FaultInfo& f : all_faults()) {
    EXPECT_TRUE(all.insert(std::string(f.name)).second) << "duplicate fault name " << f.name;
    if (f.role != Role::HomeAgent) continue;  // fa_faults_test.cpp, mn_faults_test.cpp
    EXPECT_TRUE(names.insert(std::string(f.name)).second) << f.name;
    EXPECT_NE(f.rule.find("RFC "), std::string_view::npos) << f.name;
    EXPECT_EQ(f.rule.find('\t'), std::string_view::npos) << f.name;
    EXPECT_EQ(f.rule.find('\n'), std::string_view::npos) << f.name;
    EXPECT_EQ(fault_by_name(f.name), f.fault);
    EXPECT_TRUE(kTested.count(std::string(f.name))) << "no test for fault " << f.name;
  }
  EXPECT_EQ(names, kTested);
  EXPECT_FALSE(fault_by_name("no-such-fault"));
}

TEST(FaultRegistry, FaultSetNames) {
  FaultSet s{Fault::NoExpiry, Fault::ReplyToPort434};
  EXPECT_TRUE(s.has(Fault::NoExpiry));
  EXPECT_FALSE(s.has(Fault::AcceptBroadcast));
  EXPECT_EQ(s.names(), (std::vector<std::string>{"no-expiry", "reply-to-port-434"}));
}

TEST_F(FaultTest, EveryFaultLeavesAPlainRegistrationAccepted) {
  // A fault breaks one rule; a plain valid registration stays accepted under all but the faults about accepting.
  for (const FaultInfo& f : all_faults()) {
    with(f.fault);
    const Outcome o = send(rrq());
    EXPECT_EQ(o.verdict, Verdict::Accepted) << f.name << ": " << o.reason;
    EXPECT_EQ(ha_.bindings().size(), 1u) << f.name;
  }
}

TEST_F(FaultTest, ReplyWithoutSa) {
  Rrq r = rrq();
  r.spi = 999;
  EXPECT_FALSE(send(r).reply);
  with(Fault::ReplyWithoutSa);
  const Outcome o = send(r);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, 131);
}

TEST_F(FaultTest, ReplyWithoutAuthExt) {
  Rrq r = rrq();
  r.with_auth = false;
  with(Fault::ReplyWithoutAuthExt);
  const Outcome o = send(r);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, 134);
}

TEST_F(FaultTest, AcceptBadAuthenticator) {
  Rrq r = rrq();
  r.corrupt_authenticator = true;
  with(Fault::AcceptBadAuthenticator);
  const Outcome o = send(r);
  EXPECT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(o.reply->code, 0);
}

TEST_F(FaultTest, AcceptReservedBits) {
  Rrq r = rrq();
  r.flags = wire::RegistrationRequest::kFlagR;
  with(Fault::AcceptReservedBits);
  EXPECT_EQ(send(r).reply->code, 0);
}

TEST_F(FaultTest, AcceptStaleIdentification) {
  Rrq r = rrq();
  r.identification = ntp_at(now_, -60s);
  with(Fault::AcceptStaleIdentification);
  EXPECT_EQ(send(r).reply->code, 0);
  EXPECT_EQ(send(r).reply->code, 0) << "replay accepted too";
}

TEST_F(FaultTest, WrongIdentificationHighBits) {
  Rrq r = rrq();
  r.identification = ntp_at(now_, -60s);
  with(Fault::WrongIdentificationHighBits);
  const Outcome o = send(r);
  const auto rep = decode_reply(*o.reply);
  EXPECT_EQ(rep.code(), 133);
  EXPECT_EQ(rep.identification(), r.identification) << "HA time not put in the high bits";
}

TEST_F(FaultTest, WrongIdentificationLowBits) {
  Rrq r = rrq();
  with(Fault::WrongIdentificationLowBits);
  const auto rep = decode_reply(*send(r).reply);
  EXPECT_EQ(rep.code(), 0);
  EXPECT_NE(wire::ntp_fraction(rep.identification()), wire::ntp_fraction(r.identification));
  // The 133 reply still copies the low bits (only one rule broken).
  Rrq stale = rrq();
  stale.identification = ntp_at(now_, -60s);
  EXPECT_EQ(wire::ntp_fraction(send(stale).reply->identification), wire::ntp_fraction(stale.identification));
}

TEST_F(FaultTest, AcceptForeignHomeAgentField) {
  Rrq r = rrq();
  r.home_agent = "10.0.1.2";
  with(Fault::AcceptForeignHomeAgentField);
  const Outcome o = send(r);
  EXPECT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(o.reply->code, 0);
}

TEST_F(FaultTest, AcceptBroadcast) {
  Rrq r = rrq();
  with(Fault::AcceptBroadcast);
  const Outcome o = send(r, ha_destination("10.0.1.255"));
  EXPECT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_EQ(o.reply->code, 0);
  EXPECT_EQ(o.reply->source, Tins::IPv4Address(kHa)) << "source rule kept";
}

TEST_F(FaultTest, LifetimeExceedsRequest) {
  Rrq r = rrq();
  r.lifetime = 60;
  with(Fault::LifetimeExceedsRequest);
  EXPECT_EQ(decode_reply(*send(r).reply).lifetime(), 1800);
  EXPECT_EQ(ha_.bindings().all().front().lifetime_granted, 1800);
}

TEST_F(FaultTest, LifetimeExceedsMax) {
  Rrq r = rrq();
  r.lifetime = 4000;
  with(Fault::LifetimeExceedsMax);
  EXPECT_EQ(decode_reply(*send(r).reply).lifetime(), 4000);
}

TEST_F(FaultTest, DeregKeepsBinding) {
  with(Fault::DeregKeepsBinding);
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  Rrq d = rrq();
  d.lifetime = 0;
  const Outcome o = send(d);
  EXPECT_EQ(o.reply->code, 0);
  EXPECT_EQ(ha_.bindings().size(), 1u);
  Rrq all = rrq();  // deregistering all still works
  all.lifetime = 0;
  all.care_of_address = kHoA;
  send(all);
  EXPECT_EQ(ha_.bindings().size(), 0u);
}

TEST_F(FaultTest, DeregAllKeepsOthers) {
  with(Fault::DeregAllKeepsOthers);
  ASSERT_EQ(send(rrq()).verdict, Verdict::Accepted);
  Rrq d = rrq();
  d.lifetime = 0;
  d.care_of_address = kHoA;
  EXPECT_EQ(send(d).reply->code, 0);
  EXPECT_EQ(ha_.bindings().size(), 1u);
}

TEST_F(FaultTest, NoExpiry) {
  with(Fault::NoExpiry);
  Rrq r = rrq();
  r.lifetime = 10;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  EXPECT_FALSE(ha_.next_expiry());
  EXPECT_TRUE(ha_.expire(now_.plus(3600s)).empty());
  EXPECT_EQ(ha_.bindings().size(), 1u);
}

TEST_F(FaultTest, DuplicateExtendsLifetime) {
  with(Fault::DuplicateExtendsLifetime);
  Rrq r = rrq();
  r.lifetime = 10;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  advance(5s);
  const Outcome o = send(r);
  EXPECT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_EQ(*ha_.bindings().all().front().expires, now_.mono + 10s);
  // A non-duplicate older Identification is still refused.
  Rrq older = rrq();
  older.identification = r.identification - 1;
  EXPECT_EQ(send(older).reply->code, 133);
}

TEST_F(FaultTest, ExtensionAfterAuth) {
  with(Fault::ExtensionAfterAuth);
  const Outcome o = send(rrq());
  auto rep = wire::RegistrationReply::decode(o.reply->payload.data(), o.reply->payload.size());
  ASSERT_TRUE(rep.ok());
  ASSERT_EQ(rep->extensions().size(), 2u);
  EXPECT_EQ(rep->extensions()[0].type, wire::MnHaAuth);
  EXPECT_EQ(rep->extensions()[1].type, 255);
  EXPECT_TRUE(wire::verify_authentication(o.reply->payload, rep->extensions()[0], kKey1));
}

TEST_F(FaultTest, BadReplyAuthenticator) {
  with(Fault::BadReplyAuthenticator);
  const Outcome o = send(rrq());
  auto rep = wire::RegistrationReply::decode(o.reply->payload.data(), o.reply->payload.size());
  ASSERT_TRUE(rep.ok());
  ASSERT_EQ(rep->extensions().size(), 1u);
  EXPECT_FALSE(wire::verify_authentication(o.reply->payload, rep->extensions()[0], kKey1));
}

TEST_F(FaultTest, ReplyWrongSourceAddress) {
  with(Fault::ReplyWrongSourceAddress);
  const Outcome o = send(rrq());
  EXPECT_NE(o.reply->source, Tins::IPv4Address(kHa));
  EXPECT_TRUE(Ipv4Prefix::parse("10.0.1.0/24")->contains(o.reply->source));
  decode_reply(*o.reply);
}

TEST_F(FaultTest, ReplyToPort434) {
  with(Fault::ReplyToPort434);
  const Outcome o = send(rrq());
  EXPECT_EQ(o.reply->destination.port, 434);
  EXPECT_EQ(o.reply->destination.address, Tins::IPv4Address(kMnSource));
}

TEST_F(FaultTest, AcceptUnknownMandatoryExtension) {
  with(Fault::AcceptUnknownMandatoryExtension);
  Rrq r = rrq();
  r.before_auth.push_back(ext(100, {1}));
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
}

TEST_F(FaultTest, RejectSkippableExtension) {
  with(Fault::RejectSkippableExtension);
  Rrq r = rrq();
  r.before_auth.push_back(ext(200, {1}));
  EXPECT_EQ(decode_reply(*send(r).reply).code(), 134);
}

TEST_F(FaultTest, NoSimultaneousBindingsCode) {
  with(Fault::NoSimultaneousBindingsCode);
  Rrq a = rrq();
  a.flags = wire::RegistrationRequest::kFlagS;
  ASSERT_EQ(send(a).verdict, Verdict::Accepted);
  Rrq b = rrq();
  b.flags = wire::RegistrationRequest::kFlagS;
  b.care_of_address = kCoA2;
  EXPECT_EQ(send(b).reply->code, 0);
  EXPECT_EQ(ha_.bindings().size(), 1u);
}

TEST_F(FaultTest, NoReplyOnAccept) {
  with(Fault::NoReplyOnAccept);
  const Outcome o = send(rrq());
  EXPECT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_FALSE(o.reply);
  EXPECT_EQ(ha_.bindings().size(), 1u);
  Rrq bad = rrq();
  bad.flags = wire::RegistrationRequest::kFlagX;
  EXPECT_TRUE(send(bad).reply) << "denials still answered";
}

TEST_F(FaultTest, ReplyOnExpiry) {
  with(Fault::ReplyOnExpiry);
  Rrq r = rrq();
  r.lifetime = 10;
  ASSERT_EQ(send(r).verdict, Verdict::Accepted);
  const auto events = ha_.expire(now_.plus(10s));
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].reply);
  EXPECT_EQ(events[0].reply->destination, mn_source());
  decode_reply(*events[0].reply);
}

TEST_F(FaultTest, AcceptFaHaWithoutSa) {
  with(Fault::AcceptFaHaWithoutSa);
  Rrq r = rrq();
  r.after_auth.push_back(ext(wire::FaHaAuth, std::vector<uint8_t>(20, 7)));
  EXPECT_EQ(send(r).verdict, Verdict::Accepted);
}

}  // namespace
}  // namespace mipvpn::agents::ha::test
