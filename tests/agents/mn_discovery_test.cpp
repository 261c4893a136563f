// Agent discovery building blocks: the solicitation schedule (RFC 5944 2.4), the list of heard agents with move
// detection and reboot detection (2.4.2, 2.4.4), timestamp Identifications (5.7.1), registration message checks.
#include "agents/mn/agent_list.h"
#include "agents/mn/identification_clock.h"
#include "agents/mn/registration_messages.h"
#include "agents/mn/solicitation_schedule.h"
#include "tests/agents/mn_test_support.h"

namespace mipvpn::agents::mn::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(SolicitationSchedule, ThreeAtOnePerSecondThenDoublingToTheMaximum) {
  SolicitationSchedule s(std::chrono::seconds(60));
  const Clock::time_point t(std::chrono::hours(1));
  s.start(t, 0.0);
  std::vector<int64_t> gaps;
  Clock::time_point now = *s.next();
  EXPECT_EQ(now, t);
  for (int i = 0; i < 10; ++i) {
    s.sent(now, 0.0);
    gaps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(*s.next() - now).count());
    now = *s.next();
  }
  EXPECT_EQ(gaps, (std::vector<int64_t>{1000, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
  s.stop();
  EXPECT_FALSE(s.searching());
  s.start(t, 0.5);
  EXPECT_EQ(*s.next() - t, std::chrono::milliseconds(50));
  EXPECT_EQ(s.sent_count(), 0u) << "a new search starts at the initial rate";
}

TEST(SolicitationSchedule, WithoutBackoffStaysAtOnePerSecond) {
  SolicitationSchedule s(std::chrono::seconds(60), false);
  const Clock::time_point t(std::chrono::hours(1));
  s.start(t, 0.0);
  for (int i = 0; i < 6; ++i) s.sent(t, 0.0);
  EXPECT_EQ(*s.next() - t, std::chrono::milliseconds(1000));
}

TEST(AgentList, RecordsExpiresAndDetectsRebootsAndRollover) {
  AgentList list;
  const Clock::time_point t(std::chrono::hours(1));
  Advert a{.lifetime = 10, .sequence = 400};
  wire::AgentAdvertisement adv = wire::AgentAdvertisement::decode(a.message().icmp).value();
  auto u = list.heard(adv, kFa, kFaMac, t);
  EXPECT_TRUE(u.new_agent);
  EXPECT_EQ(*list.next_expiry(), t + std::chrono::seconds(10));
  adv.sequence_number(401);
  u = list.heard(adv, kFa, kFaMac, t + std::chrono::seconds(1));
  EXPECT_FALSE(u.new_agent);
  EXPECT_FALSE(u.rebooted);
  adv.sequence_number(255);
  EXPECT_TRUE(list.heard(adv, kFa, kFaMac, t + std::chrono::seconds(2)).rebooted);
  adv.sequence_number(0xffff);
  list.heard(adv, kFa, kFaMac, t + std::chrono::seconds(3));
  adv.sequence_number(256);
  u = list.heard(adv, kFa, kFaMac, t + std::chrono::seconds(4));
  EXPECT_FALSE(u.rebooted);
  EXPECT_TRUE(u.rolled_over);
  EXPECT_TRUE(list.expire(t + std::chrono::seconds(13)).empty());
  EXPECT_EQ(list.expire(t + std::chrono::seconds(14)).size(), 1u);
  EXPECT_EQ(list.find(kFa), nullptr);
  // A Lifetime of 0 withdraws the agent at once.
  list.heard(adv, kFa, kFaMac, t);
  adv.lifetime(0);
  list.heard(adv, kFa, kFaMac, t);
  EXPECT_EQ(list.find(kFa), nullptr);
}

TEST(AgentList, NewestForeignAgentSkipsBusyAndAgentsWithoutCareOfAddresses) {
  AgentList list;
  const Clock::time_point t(std::chrono::hours(1));
  auto decode = [](const Advert& a) { return wire::AgentAdvertisement::decode(a.message().icmp).value(); };
  list.heard(decode(Advert{}), kFa, kFaMac, t);
  list.heard(decode(Advert{.flags = wire::AgentAdvertisement::kFlagF | wire::AgentAdvertisement::kFlagB}), kFa2,
             kFa2Mac, t + std::chrono::seconds(1));
  list.heard(decode(Advert{.flags = wire::AgentAdvertisement::kFlagH, .care_of = {}}), kHa, kFa2Mac,
             t + std::chrono::seconds(2));
  ASSERT_NE(list.newest_foreign_agent(), nullptr);
  EXPECT_EQ(list.newest_foreign_agent()->address, kFa);
}

TEST(AgentList, PrefixComparisonNeedsBothPrefixLengths) {
  const Clock::time_point t(std::chrono::hours(1));
  AgentList list;
  auto decode = [](const Advert& a) { return wire::AgentAdvertisement::decode(a.message().icmp).value(); };
  list.heard(decode(Advert{.routers = {kFa}, .prefix_lengths = std::vector<uint8_t>{24}}), kFa, kFaMac, t);
  list.heard(decode(Advert{.routers = {kFa2}, .prefix_lengths = std::vector<uint8_t>{24}}), kFa2, kFa2Mac, t);
  list.heard(decode(Advert{.routers = {Tins::IPv4Address("10.0.2.1")}}), Tins::IPv4Address("10.0.2.1"), kFaMac, t);
  const auto p1 = list.find(kFa)->prefix();
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->to_string(), "10.0.2.0/24");
  EXPECT_TRUE(prefixes_differ(p1, list.find(kFa2)->prefix()));
  EXPECT_FALSE(prefixes_differ(p1, p1));
  EXPECT_FALSE(list.find(Tins::IPv4Address("10.0.2.1"))->prefix());
  EXPECT_FALSE(prefixes_differ(p1, list.find(Tins::IPv4Address("10.0.2.1"))->prefix()))
      << "2.4.2.2: not used unless both advertisements carry the extension";
}

TEST(IdentificationClock, StrictlyIncreasingNtpTimestampsAndResync) {
  IdentificationClock ids;
  const Now now = t0();
  const uint64_t a = ids.next(now.wall);
  EXPECT_EQ(a, ntp_of(now) & ~uint64_t{3});
  IdentificationClock noisy;
  EXPECT_EQ(noisy.next(now.wall, 2) & 3u, 2u) << "the bits below the clock's resolution are random";
  const uint64_t b = ids.next(now.wall);  // same clock tick
  EXPECT_EQ(b, a + 1);
  // The home agent is 30 s behind: the next timestamps follow its clock, even though that is lower than before.
  const uint64_t reply = wire::ntp_make(wire::ntp_seconds(a) - 30, wire::ntp_fraction(a));
  EXPECT_EQ(ids.resync(reply, now.wall), -30);
  EXPECT_EQ(wire::ntp_seconds(ids.next(now.wall)), wire::ntp_seconds(a) - 30);
}

TEST(RegistrationMessages, ReplyChecksFollowRfc5944Section3621) {
  const SecurityAssociation sa{256, kKey, "hmac-md5"};
  RequestFields f{wire::RegistrationRequest::kFlagD, 600, kHoA, kHa, kCoA, 0x1122334455667788ull};
  const auto rrq = wire::RegistrationRequest::decode(build_registration_request(f, sa, nullptr, std::nullopt)).value();
  ReplyExpectation expect{kHoA, f.identification, &sa, nullptr, true, true};
  EXPECT_TRUE(check_reply(Reply{}.bytes(rrq), expect).valid);
  const auto bad_id = check_reply(Reply{.identification = 0x1122334455667789ull}.bytes(rrq), expect);
  EXPECT_FALSE(bad_id.valid);
  EXPECT_FALSE(bad_id.security_exception);
  const auto two = [&] {
    wire::RegistrationReply r(1, 600, kHoA, kHa, f.identification);
    r.add_authentication(wire::MnHaAuth, 256, kKey);
    r.add_authentication(wire::MnHaAuth, 256, kKey);
    return r.bytes();
  }();
  const auto dup = check_reply(two, expect);
  EXPECT_FALSE(dup.valid) << "exactly one MN-HA";
  EXPECT_TRUE(dup.security_exception);
  EXPECT_TRUE(check_reply(Reply{.code = 66, .mn_ha = false}.bytes(rrq), expect).valid) << "FA denial";
  EXPECT_FALSE(check_reply(Reply{.code = 130, .mn_ha = false}.bytes(rrq), expect).valid) << "HA denial";
  EXPECT_FALSE(check_reply(std::vector<uint8_t>{3, 0}, expect).valid);
}

}  // namespace
}  // namespace mipvpn::agents::mn::test
