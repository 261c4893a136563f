// Each foreign agent fault switch breaks its one rule: the same input gives the conforming behaviour without the
// fault and the broken one with it. Faults that live in the daemon (none so far) are shown by the netns tests.
#include <set>

#include "agents/fa/advertiser.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/validate.h"
#include "tests/agents/fa_test_support.h"

namespace mipvpn::agents::fa::test {
namespace {

using namespace std::chrono_literals;
namespace w = mipvpn::wire;
using w::AgentAdvertisement;

const std::set<std::string> kTested = {
    "advert-ttl-not-1", "advert-wrong-destination", "advert-first-sequence-not-zero",
    "advert-sequence-not-incremented", "advert-sequence-wraps-to-zero", "advert-without-care-of-address",
    "advert-reserved-bits-set", "advert-interval-over-lifetime-third", "advert-not-randomized",
    "advert-registration-lifetime-too-long", "no-solicitation-answer", "advert-rate-unlimited",
    "fa-accept-reserved-bits", "fa-accept-unoffered-care-of-address", "fa-relay-to-own-address",
    "fa-lifetime-too-long-wrong-code", "fa-lifetime-too-long-wrong-lifetime", "fa-ignore-mn-fa",
    "fa-relay-modifies-before-mn-ha", "fa-relay-keeps-mn-fa", "fa-relay-keeps-delivery-style-extension",
    "fa-no-fa-ha-with-sa", "fa-fa-ha-on-deregistration", "fa-relay-wrong-source-address",
    "fa-denial-wrong-identification", "fa-denial-to-broadcast", "fa-no-denial-rate-limit", "fa-timeout-without-78",
    "fa-no-mn-fa-in-reply", "fa-pending-limit-ignored", "fa-skip-ttl-check", "fa-accept-unsupported-encapsulation",
    "fa-accept-unsupported-delivery-style", "fa-accept-unsupported-reverse-tunnel", "fa-reply-not-relayed",
    "fa-reply-id-not-checked", "fa-reply-fa-ha-not-checked", "fa-reply-fa-ha-not-stripped",
    "fa-reply-modified-before-mn-ha", "fa-visitor-kept-on-deregistration", "fa-visitor-changed-on-ha-denial",
    "fa-reply-on-visitor-expiry", "fa-visitor-never-expires",
    // data plane: fa_data_plane_test.cpp (Fault*) and fa_data_plane_netns_test.cpp
    "fa-forward-to-non-visitor", "fa-icmp-unreachable-for-non-visitor", "fa-arp-for-visitor", "fa-no-reverse-tunnel",
    "fa-reverse-tunnel-wrong-source", "fa-reverse-tunnel-plain-from-encapsulating"};

TEST(FaFaultRegistry, EveryForeignAgentFaultIsTestedHere) {
  std::set<std::string> names;
  for (const FaultInfo& f : all_faults()) {
    if (f.role != Role::ForeignAgent) continue;
    names.insert(std::string(f.name));
    EXPECT_NE(f.rule.find("RFC "), std::string_view::npos) << f.name;
    EXPECT_TRUE(kTested.count(std::string(f.name))) << "no test for fault " << f.name;
  }
  EXPECT_EQ(names, kTested);
}

TEST(FaFaultRegistry, EveryFaultLeavesAPlainRegistrationRelayedAndAnswered) {
  for (const FaultInfo& f : all_faults()) {
    ForeignAgent fa(reference_config(), FaultSet{f.fault});
    const Outcome relayed = fa.on_datagram(Rrq().bytes(), from_mn(), t0());
    EXPECT_EQ(relayed.verdict, Verdict::Relayed) << f.name << ": " << relayed.reason;
    const Outcome answered = fa.on_datagram(Rrp().bytes(), from_ha(), t0());
    EXPECT_EQ(answered.verdict, Verdict::Relayed) << f.name << ": " << answered.reason;
    EXPECT_EQ(fa.visitors().visitor_count(), 1u) << f.name;
  }
}

// ---- Advertisements ----

class AdvertFault : public ::testing::Test {
 protected:
  // The first `n` advertisements of a fresh advertiser (unsolicited schedule), with and without the fault.
  static std::vector<std::pair<TimePoint, OutgoingAdvertisement>> run(FaultSet f, size_t n,
                                                                      FaConfig c = reference_config()) {
    Advertiser adv(std::move(c), f, 7);
    TimePoint now = t0();
    adv.start(now);
    std::vector<std::pair<TimePoint, OutgoingAdvertisement>> out;
    while (out.size() < n) {
      auto next = adv.next_deadline();
      if (!next) break;
      now = std::max(now, *next);
      for (auto& a : adv.due(now)) out.emplace_back(now, std::move(a));
    }
    return out;
  }
  static AgentAdvertisement decoded(const OutgoingAdvertisement& a) {
    return AgentAdvertisement::decode(a.icmp).value();
  }
};

TEST_F(AdvertFault, TtlNot1) {
  EXPECT_EQ(run({}, 1)[0].second.ttl, 1);
  EXPECT_EQ(run({Fault::FaAdvertTtlNot1}, 1)[0].second.ttl, 64);
}

TEST_F(AdvertFault, WrongDestination) {
  EXPECT_EQ(run({}, 1)[0].second.destination, Tins::IPv4Address("224.0.0.1"));
  EXPECT_EQ(run({Fault::FaAdvertWrongDestination}, 1)[0].second.destination, Tins::IPv4Address("10.0.2.255"));
}

TEST_F(AdvertFault, SequenceNumbers) {
  EXPECT_EQ(decoded(run({}, 1)[0].second).sequence_number(), 0);
  EXPECT_EQ(decoded(run({Fault::FaAdvertFirstSequenceNotZero}, 1)[0].second).sequence_number(), 1);
  const auto stuck = run({Fault::FaAdvertSequenceNotIncremented}, 3);
  EXPECT_EQ(decoded(stuck[2].second).sequence_number(), 0);
  EXPECT_EQ(decoded(run({}, 3)[2].second).sequence_number(), 2);
  const auto wrapped = run({Fault::FaAdvertSequenceWrapsToZero}, 0x10001);
  EXPECT_EQ(wrapped[0xffff].second.sequence, 0xffff);
  EXPECT_EQ(wrapped[0x10000].second.sequence, 0);
  EXPECT_EQ(run({}, 0x10001)[0x10000].second.sequence, 256);
}

TEST_F(AdvertFault, WithoutCareOfAddress) {
  EXPECT_EQ(decoded(run({}, 1)[0].second).care_of_addresses().size(), 2u);
  const AgentAdvertisement m = decoded(run({Fault::FaAdvertWithoutCareOfAddress}, 1)[0].second);
  EXPECT_TRUE(m.f());
  EXPECT_TRUE(m.care_of_addresses().empty());
  EXPECT_FALSE(w::validate(m).empty()) << "the wire validator flags it (2.1.1)";
}

TEST_F(AdvertFault, ReservedBitsSet) {
  EXPECT_EQ(decoded(run({}, 1)[0].second).agent_flags() & 0x021f, 0);
  const AgentAdvertisement m = decoded(run({Fault::FaAdvertReservedBitsSet}, 1)[0].second);
  EXPECT_TRUE(m.reserved_r());
  EXPECT_EQ(m.agent_flags() & AgentAdvertisement::kReservedBits, AgentAdvertisement::kReservedBits);
}

TEST_F(AdvertFault, IntervalOverLifetimeThirdAndNotRandomized) {
  auto gaps = [](const std::vector<std::pair<TimePoint, OutgoingAdvertisement>>& v) {
    std::set<long> out;
    for (size_t i = 1; i < v.size(); ++i) {
      out.insert(std::chrono::duration_cast<std::chrono::milliseconds>(v[i].first - v[i - 1].first).count());
    }
    return out;
  };
  const std::set<long> ok = gaps(run({}, 20));
  EXPECT_LE(*ok.rbegin(), 1000) << "at most a third of the 3 s Lifetime";
  EXPECT_GT(ok.size(), 5u);
  const std::set<long> slow = gaps(run({Fault::FaAdvertIntervalOverLifetimeThird}, 20));
  EXPECT_GT(*slow.begin(), 1000) << "more than Lifetime/3";
  EXPECT_EQ(gaps(run({Fault::FaAdvertNotRandomized}, 20)), std::set<long>{1000});
}

TEST_F(AdvertFault, RegistrationLifetimeTooLong) {
  EXPECT_EQ(decoded(run({}, 1)[0].second).registration_lifetime(), 600);
  EXPECT_EQ(decoded(run({Fault::FaAdvertRegistrationLifetimeTooLong}, 1)[0].second).registration_lifetime(), 0xffff);
  // ... while a request for more than 600 s is still denied.
  ForeignAgent fa(reference_config(), FaultSet{Fault::FaAdvertRegistrationLifetimeTooLong});
  Rrq q;
  q.lifetime = 0xffff;
  EXPECT_EQ(fa.on_datagram(q.bytes(), from_mn(), t0()).verdict, Verdict::Denied);
}

TEST_F(AdvertFault, NoSolicitationAnswerAndRateUnlimited) {
  FaConfig c = reference_config();
  c.advertisement.interval_ms = 0;
  const std::vector<uint8_t> sol = w::AgentSolicitation().bytes();
  auto answers = [&](FaultSet f) {
    Advertiser adv(c, f, 1);
    TimePoint now = t0();
    adv.start(now);
    size_t sent = 0;
    for (int i = 0; i < 5; ++i) {  // five solicitations 100 ms apart
      adv.on_solicitation(sol, Tins::IPv4Address(kHoA), kMnMac, now);
      sent += adv.due(now).size();
      now += 100ms;
    }
    return sent;
  };
  EXPECT_EQ(answers({}), 1u) << "one answer, the rest held back by the 750 ms rate limit";
  EXPECT_EQ(answers({Fault::FaNoSolicitationAnswer}), 0u);
  EXPECT_EQ(answers({Fault::FaAdvertRateUnlimited}), 5u);
}

// ---- Requests ----

TEST_F(FaTest, FaultAcceptReservedBits) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  denial(request(q), w::kFaPoorlyFormedRequest);
  with(FaultSet{Fault::FaAcceptReservedBits});
  EXPECT_EQ(request(q).verdict, Verdict::Relayed);
}

TEST_F(FaTest, FaultAcceptUnofferedCareOfAddress) {
  Rrq q;
  q.care_of_address = "10.0.2.99";
  denial(request(q), w::kFaInvalidCareOfAddress);
  with(FaultSet{Fault::FaAcceptUnofferedCareOfAddress});
  EXPECT_EQ(request(q).verdict, Verdict::Relayed);
}

TEST_F(FaTest, FaultRelayToOwnAddress) {
  Rrq q;
  q.home_agent = kUpstream;
  denial(request(q), w::kFaInvalidHomeAgentAddress);
  with(FaultSet{Fault::FaRelayToOwnAddress});
  const Outcome o = request(q);
  ASSERT_EQ(o.verdict, Verdict::Relayed);
  EXPECT_EQ(o.out[0].destination.address, Tins::IPv4Address(kUpstream));
}

TEST_F(FaTest, FaultLifetimeTooLong) {
  Rrq q;
  q.lifetime = 1000;
  EXPECT_EQ(denial(request(q), w::kFaLifetimeTooLong).lifetime(), 600);
  with(FaultSet{Fault::FaLifetimeTooLongWrongCode});
  EXPECT_EQ(denial(request(q), w::kFaPoorlyFormedRequest).lifetime(), 600);
  with(FaultSet{Fault::FaLifetimeTooLongWrongLifetime});
  EXPECT_EQ(denial(request(q), w::kFaLifetimeTooLong).lifetime(), 1000);
}

TEST_F(FaTest, FaultIgnoreMnFa) {
  Rrq q;
  q.home_address = kHoASa;
  q.mn_fa = 0;
  denial(request(q, from_mn(kHoASa)), w::kFaMobileNodeFailedAuth);
  with(FaultSet{Fault::FaIgnoreMnFa});
  EXPECT_EQ(request(q, from_mn(kHoASa)).verdict, Verdict::Relayed);
}

TEST_F(FaTest, FaultRelayModifiesBeforeMnHa) {
  Rrq q;
  EXPECT_EQ(request(q).out[0].payload, q.bytes());
  with(FaultSet{Fault::FaRelayModifiesBeforeMnHa});
  const Outcome o = request(q);
  EXPECT_NE(o.out[0].payload, q.bytes());
  EXPECT_EQ(decode_request(o.out[0]).lifetime(), q.lifetime - 1);
  EXPECT_FALSE(w::verify_authentication(o.out[0].payload, decode_request(o.out[0]).extensions().back(), kMnHaKey))
      << "the home agent will see a bad MN-HA authenticator";
}

TEST_F(FaTest, FaultRelayKeepsMnFaAndDeliveryStyle) {
  Rrq q;
  q.home_address = kHoASa;
  q.flags = w::RegistrationRequest::kFlagT;
  q.after_auth = {ext(w::EncapsulatingDeliveryStyle)};
  auto relayed = [&] { return decode_request(request(q, from_mn(kHoASa, 255)).out.at(0)).extensions(); };
  auto exts = relayed();
  EXPECT_EQ(count_type(exts, w::MnFaAuth), 0u);
  EXPECT_EQ(count_type(exts, w::EncapsulatingDeliveryStyle), 0u);
  with(FaultSet{Fault::FaRelayKeepsMnFa});
  exts = relayed();
  EXPECT_EQ(count_type(exts, w::MnFaAuth), 1u);
  EXPECT_EQ(count_type(exts, w::EncapsulatingDeliveryStyle), 0u);
  with(FaultSet{Fault::FaRelayKeepsDeliveryStyleExtension});
  exts = relayed();
  EXPECT_EQ(count_type(exts, w::MnFaAuth), 0u);
  EXPECT_EQ(count_type(exts, w::EncapsulatingDeliveryStyle), 1u);
}

TEST_F(FaTest, FaultFaHa) {
  Rrq reg;
  reg.home_agent = kHaSa;
  Rrq dereg = reg;
  dereg.lifetime = 0;
  dereg.identification = 9;
  auto fa_ha_count = [&](const Rrq& q) { return count_type(decode_request(request(q).out.at(0)).extensions(), 34); };
  EXPECT_EQ(fa_ha_count(reg), 1u);
  EXPECT_EQ(fa_ha_count(dereg), 0u);
  with(FaultSet{Fault::FaNoFaHaWithSa});
  EXPECT_EQ(fa_ha_count(reg), 0u);
  with(FaultSet{Fault::FaFaHaOnDeregistration});
  EXPECT_EQ(fa_ha_count(reg), 1u);
  EXPECT_EQ(fa_ha_count(dereg), 1u);
}

TEST_F(FaTest, FaultRelayWrongSourceAddress) {
  EXPECT_EQ(request(Rrq()).out[0].source, Tins::IPv4Address(kVisited));
  with(FaultSet{Fault::FaRelayWrongSourceAddress});
  EXPECT_EQ(request(Rrq()).out[0].source, Tins::IPv4Address(kUpstream));
}

TEST_F(FaTest, FaultDenialFields) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  Outcome o = request(q);
  EXPECT_EQ(denial(o, w::kFaPoorlyFormedRequest).identification(), q.identification);
  EXPECT_EQ(o.out[0].destination.address, Tins::IPv4Address(kHoA));
  with(FaultSet{Fault::FaDenialWrongIdentification});
  EXPECT_NE(denial(request(q), w::kFaPoorlyFormedRequest).identification(), q.identification);
  with(FaultSet{Fault::FaDenialToBroadcast});
  o = request(q);
  denial(o, w::kFaPoorlyFormedRequest);
  EXPECT_EQ(o.out[0].destination.address, Tins::IPv4Address("255.255.255.255"));
}

TEST_F(FaTest, FaultNoDenialRateLimit) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  auto sent = [&] {
    size_t n = 0;
    for (int i = 0; i < 4; ++i) n += request(q).out.size();
    return n;
  };
  EXPECT_EQ(sent(), 1u);
  with(FaultSet{Fault::FaNoDenialRateLimit});
  EXPECT_EQ(sent(), 4u);
}

TEST_F(FaTest, FaultTimeoutWithout78) {
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  advance(7s);
  auto out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  denial(out[0], w::kFaRegistrationTimeout);
  with(FaultSet{Fault::FaTimeoutWithout78});
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  advance(7s);
  out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].out.empty());
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
}

TEST_F(FaTest, FaultNoMnFaInReply) {
  Rrq q;
  q.home_address = kHoASa;
  Rrp p;
  Outcome o = register_with(q, p, from_mn(kHoASa));
  EXPECT_EQ(count_type(decode_reply(o.out[0]).extensions(), w::MnFaAuth), 1u);
  with(FaultSet{Fault::FaNoMnFaInReply});
  o = register_with(q, p, from_mn(kHoASa));
  EXPECT_EQ(count_type(decode_reply(o.out[0]).extensions(), w::MnFaAuth), 0u);
}

TEST_F(FaTest, FaultPendingLimitIgnored) {
  FaConfig c = reference_config();
  c.max_pending = 1;
  auto second = [&](FaultSet f) {
    with(c, f);
    Rrq a;
    EXPECT_EQ(request(a).verdict, Verdict::Relayed);
    Rrq b;
    b.home_address = "10.0.1.120";
    return request(b, from_mn("10.0.1.120")).verdict;
  };
  EXPECT_EQ(second({}), Verdict::Denied);
  EXPECT_EQ(second({Fault::FaPendingLimitIgnored}), Verdict::Relayed);
}

TEST_F(FaTest, FaultSkipTtlCheck) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  denial(request(q, from_mn(kHoA, 64)), w::kFaMobileNodeTooDistant);
  with(FaultSet{Fault::FaSkipTtlCheck});
  EXPECT_EQ(request(q, from_mn(kHoA, 64)).verdict, Verdict::Relayed);
}

TEST_F(FaTest, FaultAcceptUnsupportedEncapsulationDeliveryStyleReverseTunnel) {
  Rrq m;
  m.flags = w::RegistrationRequest::kFlagM;
  denial(request(m), w::kFaEncapsulationUnavailable);
  with(FaultSet{Fault::FaAcceptUnsupportedEncapsulation});
  EXPECT_EQ(request(m).verdict, Verdict::Relayed);

  FaConfig no_encap = reference_config();
  no_encap.encapsulating_delivery = false;
  Rrq e;
  e.flags = w::RegistrationRequest::kFlagT;
  e.after_auth = {ext(w::EncapsulatingDeliveryStyle)};
  with(no_encap);
  denial(request(e, from_mn(kHoA, 255)), w::kFaDeliveryStyleUnsupported);
  with(no_encap, FaultSet{Fault::FaAcceptUnsupportedDeliveryStyle});
  EXPECT_EQ(request(e, from_mn(kHoA, 255)).verdict, Verdict::Relayed);

  FaConfig off = reference_config();
  off.reverse_tunnelling = ReverseTunnelling::Off;
  Rrq t;
  t.flags = w::RegistrationRequest::kFlagT;
  with(off);
  denial(request(t, from_mn(kHoA, 255)), w::kFaReverseTunnelUnavailable);
  with(off, FaultSet{Fault::FaAcceptUnsupportedReverseTunnel});
  EXPECT_EQ(request(t, from_mn(kHoA, 255)).verdict, Verdict::Relayed);
}

// ---- Replies ----

TEST_F(FaTest, FaultReplyNotRelayed) {
  Outcome o = register_with(Rrq(), Rrp());
  EXPECT_EQ(o.out.size(), 1u);
  with(FaultSet{Fault::FaReplyNotRelayed});
  o = register_with(Rrq(), Rrp());
  EXPECT_TRUE(o.out.empty());
  EXPECT_EQ(fa_.visitors().visitor_count(), 1u) << "the visitor list is still updated";
}

TEST_F(FaTest, FaultReplyIdNotChecked) {
  Rrp wrong;
  wrong.identification ^= 0x10;
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  EXPECT_EQ(reply(wrong).verdict, Verdict::Discarded);
  with(FaultSet{Fault::FaReplyIdNotChecked});
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  EXPECT_EQ(reply(wrong).verdict, Verdict::Relayed);
}

TEST_F(FaTest, FaultReplyFaHa) {
  Rrq q;
  q.home_agent = kHaSa;
  Rrp missing;
  missing.fa_ha = 0;
  denial(register_with(q, missing), w::kFaHomeAgentFailedAuth);
  with(FaultSet{Fault::FaReplyFaHaNotChecked});
  EXPECT_EQ(register_with(q, missing).verdict, Verdict::Relayed);

  Rrp good;
  with(FaultSet{});
  EXPECT_EQ(count_type(decode_reply(register_with(q, good).out.at(0)).extensions(), w::FaHaAuth), 0u);
  with(FaultSet{Fault::FaReplyFaHaNotStripped});
  EXPECT_EQ(count_type(decode_reply(register_with(q, good).out.at(0)).extensions(), w::FaHaAuth), 1u);
}

TEST_F(FaTest, FaultReplyModifiedBeforeMnHa) {
  Rrp p;
  EXPECT_EQ(decode_reply(register_with(Rrq(), p).out.at(0)).lifetime(), p.lifetime);
  with(FaultSet{Fault::FaReplyModifiedBeforeMnHa});
  const Outcome o = register_with(Rrq(), p);
  const w::RegistrationReply r = decode_reply(o.out.at(0));
  EXPECT_EQ(r.lifetime(), p.lifetime - 1);
  EXPECT_FALSE(w::verify_authentication(o.out[0].payload, r.extensions().back(), kMnHaKey));
}

TEST_F(FaTest, FaultVisitorKeptOnDeregistration) {
  Rrq dereg;
  dereg.lifetime = 0;
  dereg.identification = 2;
  Rrp zero;
  zero.lifetime = 0;
  for (bool fault : {false, true}) {
    with(fault ? FaultSet{Fault::FaVisitorKeptOnDeregistration} : FaultSet{});
    ASSERT_EQ(register_with(Rrq(), Rrp()).verdict, Verdict::Relayed);
    ASSERT_EQ(register_with(dereg, zero).verdict, Verdict::Relayed);
    EXPECT_EQ(fa_.visitors().visitor_count(), fault ? 1u : 0u);
  }
}

TEST_F(FaTest, FaultVisitorChangedOnHaDenial) {
  Rrq again;
  again.identification = 2;
  Rrp no;
  no.code = w::kHaAdminProhibited;
  for (bool fault : {false, true}) {
    with(fault ? FaultSet{Fault::FaVisitorChangedOnHaDenial} : FaultSet{});
    ASSERT_EQ(register_with(Rrq(), Rrp()).verdict, Verdict::Relayed);
    ASSERT_EQ(register_with(again, no).verdict, Verdict::Relayed);
    EXPECT_EQ(fa_.visitors().visitor_count(), fault ? 0u : 1u);
  }
}

TEST_F(FaTest, FaultReplyOnVisitorExpiryAndNeverExpires) {
  Rrp p;
  p.lifetime = 10;
  ASSERT_EQ(register_with(Rrq(), p).verdict, Verdict::Relayed);
  advance(10s);
  auto out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].out.empty());

  with(FaultSet{Fault::FaReplyOnVisitorExpiry});
  ASSERT_EQ(register_with(Rrq(), p).verdict, Verdict::Relayed);
  advance(10s);
  out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].out.size(), 1u);
  EXPECT_EQ(decode_reply(out[0].out[0]).lifetime(), 0);

  with(FaultSet{Fault::FaVisitorNeverExpires});
  ASSERT_EQ(register_with(Rrq(), p).verdict, Verdict::Relayed);
  advance(1000s);
  EXPECT_TRUE(fa_.expire(now_).empty());
  EXPECT_EQ(fa_.visitors().visitor_count(), 1u);
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
