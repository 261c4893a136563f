// Agent Advertisements and Solicitations of the foreign agent (RFC 5944 2.1-2.3), on the socket-free Advertiser.
#include <set>

#include "agents/fa/advertiser.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/validate.h"
#include "tests/agents/fa_test_support.h"

namespace mipvpn::agents::fa::test {
namespace {

using namespace std::chrono_literals;
using wire::AgentAdvertisement;

std::vector<uint8_t> solicitation(uint8_t code = 0) {
  wire::AgentSolicitation s;
  s.code(code);
  return s.bytes();
}

AgentAdvertisement decode(const OutgoingAdvertisement& a) {
  auto d = AgentAdvertisement::decode(a.icmp);  // checksum verified
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().to_string());
  return d.ok() ? d.value() : AgentAdvertisement();
}

class AdvertiserTest : public ::testing::Test {
 protected:
  AdvertiserTest() : adv_(reference_config(), {}, 1) {}
  void with(FaConfig c, FaultSet f = {}, uint32_t seed = 1) { adv_ = Advertiser(std::move(c), f, seed); }
  // Runs the schedule until `n` advertisements went out; returns them with their send times.
  std::vector<std::pair<TimePoint, OutgoingAdvertisement>> run(size_t n) {
    std::vector<std::pair<TimePoint, OutgoingAdvertisement>> out;
    while (out.size() < n) {
      auto next = adv_.next_deadline();
      if (!next) break;
      now_ = std::max(now_, *next);
      for (auto& a : adv_.due(now_)) out.emplace_back(now_, std::move(a));
    }
    return out;
  }
  TimePoint now_ = t0();
  Advertiser adv_;
};

TEST_F(AdvertiserTest, FirstAdvertisementGoesOutAtStartWithTheConfiguredFields) {
  adv_.start(now_);
  ASSERT_EQ(adv_.next_deadline(), now_);
  const auto sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  const OutgoingAdvertisement& a = sent[0];
  EXPECT_EQ(a.ttl, 1) << "TTL MUST be 1 (2.1)";
  EXPECT_EQ(a.destination, Tins::IPv4Address("224.0.0.1"));
  EXPECT_EQ(a.source, Tins::IPv4Address(kVisited));
  EXPECT_FALSE(a.link_destination);
  const AgentAdvertisement m = decode(a);
  EXPECT_EQ(m.code(), 0);
  EXPECT_EQ(m.lifetime(), 3);
  ASSERT_EQ(m.router_addresses().size(), 1u);
  EXPECT_EQ(m.router_addresses()[0].address, Tins::IPv4Address(kVisited));
  EXPECT_EQ(m.sequence_number(), 0) << "0 after booting (2.3.2)";
  EXPECT_EQ(m.registration_lifetime(), 600) << "the longest lifetime the agent accepts";
  EXPECT_EQ(m.agent_flags(), AgentAdvertisement::kFlagF | AgentAdvertisement::kFlagT);
  EXPECT_EQ(m.care_of_addresses(), (std::vector<Tins::IPv4Address>{Tins::IPv4Address(kVisited),
                                                                    Tins::IPv4Address(kCoA2)}));
  EXPECT_FALSE(m.prefix_lengths());
  EXPECT_TRUE(wire::validate(m).empty());
}

TEST_F(AdvertiserTest, PrefixLengthsBroadcastDestinationAndNoCommonTraffic) {
  FaConfig c = reference_config();
  c.advertisement.prefix_lengths = true;
  c.advertisement.destination = Tins::IPv4Address("255.255.255.255");
  c.advertisement.routes_common_traffic = false;
  with(c);
  adv_.start(now_);
  const auto sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, Tins::IPv4Address("255.255.255.255"));
  const AgentAdvertisement m = decode(sent[0]);
  EXPECT_EQ(m.code(), 16);
  ASSERT_TRUE(m.prefix_lengths());
  EXPECT_EQ(*m.prefix_lengths(), std::vector<uint8_t>{24});
  EXPECT_EQ(sent[0].icmp.size() % 2, 0u) << "padded to an even ICMP length (2.1.3)";
}

TEST_F(AdvertiserTest, SequenceNumbersCountUpAndRollOverTo256) {
  adv_.start(now_);
  const auto first = run(3);
  ASSERT_EQ(first.size(), 3u);
  for (uint16_t i = 0; i < 3; ++i) EXPECT_EQ(first[i].second.sequence, i);
  EXPECT_EQ(decode(first[2].second).sequence_number(), 2);
  // 3 .. 0xffff is 0xfffd more advertisements; the one after them carries 256 (2.3.2).
  const auto rest = run(0xfffe);
  ASSERT_EQ(rest.size(), size_t{0xfffe});
  EXPECT_EQ(rest[rest.size() - 2].second.sequence, 0xffff);
  EXPECT_EQ(rest.back().second.sequence, 256);
  EXPECT_EQ(decode(rest.back().second).sequence_number(), 256);
}

TEST_F(AdvertiserTest, IntervalsAreRandomizedWithinThreeQuartersToTheNominalInterval) {
  adv_.start(now_);
  const auto sent = run(40);
  ASSERT_EQ(sent.size(), 40u);
  std::set<long> distinct;
  for (size_t i = 1; i < sent.size(); ++i) {
    const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(sent[i].first - sent[i - 1].first).count();
    EXPECT_GE(gap, 750);
    EXPECT_LE(gap, 1000);
    distinct.insert(gap);
  }
  EXPECT_GT(distinct.size(), 10u) << "slightly randomized (2.1)";
}

TEST_F(AdvertiserTest, SolicitationIsAnsweredAtOnceWhenTheRateLimitAllows) {
  FaConfig c = reference_config();
  c.advertisement.interval_ms = 0;  // solicited only
  with(c);
  adv_.start(now_);
  EXPECT_FALSE(adv_.next_deadline());
  const std::string what = adv_.on_solicitation(solicitation(), Tins::IPv4Address(kHoA), kMnMac, now_);
  EXPECT_NE(what.find("now"), std::string::npos) << what;
  auto sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, Tins::IPv4Address("224.0.0.1"));
  EXPECT_EQ(sent[0].sequence, 0);
  // A second one 100 ms later waits for min_gap (750 ms) after the first answer, and a third joins it.
  now_ += 100ms;
  adv_.on_solicitation(solicitation(), Tins::IPv4Address(kHoA), kMnMac, now_);
  now_ += 100ms;
  adv_.on_solicitation(solicitation(), Tins::IPv4Address("10.0.1.120"), std::nullopt, now_);
  EXPECT_TRUE(adv_.due(now_).empty());
  ASSERT_EQ(adv_.next_deadline(), t0() + 750ms);
  now_ = t0() + 750ms;
  sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].sequence, 1);
  EXPECT_FALSE(adv_.next_deadline());
}

TEST_F(AdvertiserTest, SolicitedAnswerWaitsForTheRateLimitAndRestartsTheInterval) {
  adv_.start(now_);
  ASSERT_EQ(adv_.due(now_).size(), 1u);
  const TimePoint periodic = *adv_.next_deadline();
  ASSERT_GE(periodic, t0() + 750ms);
  now_ += 500ms;
  const std::string what = adv_.on_solicitation(solicitation(), Tins::IPv4Address(kHoA), kMnMac, now_);
  // 750 ms (min_gap) after the last multicast advertisement, unless the unsolicited one is due by then anyway.
  const TimePoint answer = t0() + 750ms;
  ASSERT_EQ(adv_.next_deadline(), std::min(periodic, answer)) << what;
  now_ = answer;
  const auto sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u) << "one advertisement answers and replaces the unsolicited one";
  EXPECT_EQ(sent[0].sequence, 1);
  const TimePoint next = *adv_.next_deadline();
  EXPECT_GE(next, now_ + 750ms);
  EXPECT_LE(next, now_ + 1000ms);
}

TEST_F(AdvertiserTest, UnicastAnswerGoesToTheSolicitorsAddressAndLinkAddress) {
  FaConfig c = reference_config();
  c.advertisement.interval_ms = 0;
  c.advertisement.solicitation_reply = SolicitationReply::Unicast;
  with(c);
  adv_.start(now_);
  adv_.on_solicitation(solicitation(), Tins::IPv4Address(kHoA), kMnMac, now_);
  auto sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, Tins::IPv4Address(kHoA));
  EXPECT_EQ(sent[0].link_destination, kMnMac);
  EXPECT_EQ(sent[0].ttl, 1);
  // From 0.0.0.0 there is no address to answer: multicast.
  now_ += 2s;
  adv_.on_solicitation(solicitation(), Tins::IPv4Address("0.0.0.0"), kMnMac, now_);
  sent = adv_.due(now_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, Tins::IPv4Address("224.0.0.1"));
}

TEST_F(AdvertiserTest, InvalidSolicitationsAreIgnored) {
  FaConfig c = reference_config();
  c.advertisement.interval_ms = 0;
  with(c);
  adv_.start(now_);
  std::vector<uint8_t> bad = solicitation();
  bad[2] ^= 0xff;  // checksum
  EXPECT_NE(adv_.on_solicitation(bad, Tins::IPv4Address(kHoA), kMnMac, now_).find("ignored"), std::string::npos);
  EXPECT_NE(adv_.on_solicitation(solicitation(1), Tins::IPv4Address(kHoA), kMnMac, now_).find("ignored"),
            std::string::npos);
  const std::vector<uint8_t> shortish = {10, 0, 0xf5, 0xff};
  EXPECT_NE(adv_.on_solicitation(shortish, Tins::IPv4Address(kHoA), kMnMac, now_).find("ignored"),
            std::string::npos);
  EXPECT_FALSE(adv_.next_deadline());
  EXPECT_TRUE(adv_.due(now_).empty());
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
