// The MobileNode core, rule by rule, with time as an input (no sleeps, no sockets).
#include "agents/mn/mobile_node.h"

#include <random>

#include "harness/wire/agent_solicitation.h"
#include "harness/wire/codes.h"
#include "tests/agents/mn_test_support.h"

namespace mipvpn::agents::mn::test {
namespace {

using Flags = wire::RegistrationRequest;

class MobileNodeTest : public ::testing::Test {
 protected:
  void make(MnConfig c = reference_config(), FaultSet f = {}) { mn_.emplace(std::move(c), f, [] { return 0.0; }); }
  void SetUp() override { make(); }

  // Moves to a foreign link with a co-located address and returns the first request.
  SendRequest register_colocated(Tins::IPv4Address coa = kCoA) {
    Output out = mn_->on_link(foreign_link(coa), now_);
    auto req = first_of<SendRequest>(out);
    EXPECT_TRUE(req);
    return req ? *req : SendRequest{};
  }
  Output answer(const SendRequest& s, const Reply& r = {}, std::optional<Endpoint> from = std::nullopt) {
    return mn_->on_reply(r.bytes(decode_request(s)), from.value_or(Endpoint{s.destination.address, 434}), now_);
  }
  void advance(std::chrono::milliseconds d) { now_ = now_.plus(d); }
  // Runs the timer at every deadline up to `until`, collecting the requests sent.
  std::vector<std::pair<Now, SendRequest>> run_until(const Now& until) {
    std::vector<std::pair<Now, SendRequest>> sent;
    for (;;) {
      auto next = mn_->next_deadline();
      if (!next || *next > until.mono) break;
      now_ = now_.plus(*next - now_.mono);
      for (const SendRequest& s : actions_of<SendRequest>(mn_->on_timer(now_))) sent.emplace_back(now_, s);
    }
    now_ = until;
    return sent;
  }

  std::optional<MobileNode> mn_;
  Now now_ = t0();
};

TEST_F(MobileNodeTest, CoLocatedRequestFieldsAndIpHeader) {
  const Output out = mn_->on_link(foreign_link(), now_);
  ASSERT_GE(out.actions.size(), 2u);
  // The data plane is set up (ARP for the home address off) before the request leaves (4.6).
  const auto* dp = std::get_if<ConfigureDataPlane>(&out.actions[0]);
  ASSERT_NE(dp, nullptr);
  EXPECT_EQ(dp->state.location, Location::CoLocated);
  EXPECT_EQ(dp->state.care_of_address, kCoA);
  EXPECT_FALSE(dp->state.answer_arp_for_home_address);
  const auto* s = std::get_if<SendRequest>(&out.actions[1]);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->source, kCoA) << "3.6.1.1: co-located, the IP source MUST be the care-of address";
  EXPECT_EQ(s->destination, (Endpoint{kHa, 434}));
  EXPECT_EQ(s->ttl, 255) << "RFC 3024 3.2";
  const auto r = decode_request(*s);
  EXPECT_EQ(r.flags(), Flags::kFlagD) << "D set when co-located (3.6.1.2), nothing else";
  EXPECT_EQ(r.lifetime(), 600);
  EXPECT_EQ(r.home_address(), kHoA);
  EXPECT_EQ(r.home_agent(), kHa);
  EXPECT_EQ(r.care_of_address(), kCoA);
  EXPECT_EQ(r.identification() >> 2, ntp_of(now_) >> 2) << "5.7.1: NTP timestamp";
  ASSERT_EQ(r.extensions().size(), 1u);
  EXPECT_EQ(r.extensions()[0].type, wire::MnHaAuth);
  EXPECT_TRUE(wire::verify_authentication(s->payload, r.extensions()[0], kKey));
  EXPECT_EQ(mn_->location(), Location::CoLocated);
  EXPECT_FALSE(mn_->registered());
}

TEST_F(MobileNodeTest, AcceptedReplyRegistersAndRenewsBeforeExpiry) {
  const SendRequest s = register_colocated();
  advance(2s);  // the reply takes 2 s: the lifetime still counts from the request (3.6.2.2)
  const Output out = answer(s, Reply{.code = 0, .lifetime = 400});
  EXPECT_TRUE(mn_->registered());
  EXPECT_EQ(mn_->last_reply_code(), 0);
  const auto state = mn_->state_json(now_);
  EXPECT_EQ(state["lifetime_granted"], 400);
  EXPECT_DOUBLE_EQ(state["lifetime_remaining_s"].get<double>(), 398.0);
  EXPECT_EQ(state["care_of_address"], kCoA.to_string());
  // Renewal a quarter of the lifetime before the expiry, counted from the request.
  ASSERT_TRUE(mn_->next_deadline());
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(300));
  auto sent = run_until(t0().plus(300s));
  ASSERT_EQ(sent.size(), 1u);
  const auto renewal = decode_request(sent[0].second);
  EXPECT_GT(renewal.identification(), decode_request(s).identification());
  EXPECT_EQ(renewal.care_of_address(), kCoA);
  EXPECT_TRUE(mn_->registered()) << "still registered while the renewal is outstanding";
}

TEST_F(MobileNodeTest, RetransmissionDoublesFromOneSecondUpToTheMaximumWithNewIdentifications) {
  MnConfig c = reference_config();
  c.retransmission = {1000, 8000};
  make(c);
  const SendRequest first = register_colocated();
  auto sent = run_until(t0().plus(40s));
  std::vector<double> at;
  uint64_t last_id = decode_request(first).identification();
  for (auto& [when, s] : sent) {
    at.push_back(std::chrono::duration<double>(when.mono - t0().mono).count());
    const uint64_t id = decode_request(s).identification();
    EXPECT_GT(id, last_id) << "3.6.3: a new Identification for each retransmission";
    last_id = id;
  }
  // 1, 2, 4, 8, 8, 8 ... seconds apart: at 1, 3, 7, 15, 23, 31, 39.
  EXPECT_EQ(at, (std::vector<double>{1, 3, 7, 15, 23, 31, 39}));
}

TEST_F(MobileNodeTest, MaximumRetransmissionIntervalIsCappedAtTheRequestedLifetime) {
  MnConfig c = reference_config();
  c.lifetime = 3;
  c.retransmission = {1000, 60000};
  make(c);
  register_colocated();
  auto sent = run_until(t0().plus(13s));
  std::vector<double> at;
  for (auto& [when, s] : sent) at.push_back(std::chrono::duration<double>(when.mono - t0().mono).count());
  EXPECT_EQ(at, (std::vector<double>{1, 3, 6, 9, 12}));
}

TEST_F(MobileNodeTest, ReplyWithOtherIdentificationIsDiscardedAndRetransmissionGoesOn) {
  const SendRequest s = register_colocated();
  const uint64_t id = decode_request(s).identification();
  const Output out = answer(s, Reply{.code = 1, .identification = id ^ 0x1});
  EXPECT_FALSE(mn_->registered());
  ASSERT_FALSE(out.log.empty());
  EXPECT_NE(out.log.back().find("3.6.2.1"), std::string::npos) << out.log.back();
  // The high-order bits are not compared (the home agent may put its time there).
  answer(s, Reply{.code = 1, .identification = id + (uint64_t{5} << 32)});
  EXPECT_TRUE(mn_->registered());
}

TEST_F(MobileNodeTest, ReplyWithoutValidMobileHomeAuthenticationIsASecurityException) {
  const SendRequest s = register_colocated();
  Output out = answer(s, Reply{.code = 1, .mn_ha = false});
  EXPECT_FALSE(mn_->registered());
  EXPECT_NE(out.log.back().find("security exception"), std::string::npos);
  out = answer(s, Reply{.code = 1, .key = {1, 2, 3}});
  EXPECT_FALSE(mn_->registered());
  out = answer(s, Reply{.code = 1, .spi = 257});
  EXPECT_FALSE(mn_->registered());
  // A home agent denial needs it too (3.6.2.1 b).
  out = answer(s, Reply{.code = 129, .mn_ha = false});
  EXPECT_FALSE(mn_->last_reply_code());
  answer(s);
  EXPECT_TRUE(mn_->registered());
}

TEST_F(MobileNodeTest, ReplyFromAnotherAddressOrForAnotherHomeAddressIsDiscarded) {
  const SendRequest s = register_colocated();
  answer(s, Reply{}, Endpoint{Tins::IPv4Address("10.0.1.2"), 434});
  EXPECT_FALSE(mn_->registered());
  answer(s, Reply{.home_address = Tins::IPv4Address("10.0.1.101")});
  EXPECT_FALSE(mn_->registered());
  EXPECT_TRUE(mn_->on_reply(std::vector<uint8_t>{1, 2, 3}, from_ha(), now_).actions.empty());
}

TEST_F(MobileNodeTest, Code133ResynchronisesTheIdentificationToTheHomeAgentClock) {
  const SendRequest s = register_colocated();
  const uint64_t sent = decode_request(s).identification();
  // The home agent's clock is 1000 s ahead: high bits from its clock, low bits copied (5.7.1).
  const uint64_t theirs = wire::ntp_make(wire::ntp_seconds(sent) + 1000, wire::ntp_fraction(sent));
  answer(s, Reply{.code = wire::kHaIdentificationMismatch, .identification = theirs});
  EXPECT_EQ(mn_->identification_clock().offset_seconds(), 1000);
  auto again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u) << "retried once the 1 s spacing allows";
  const uint64_t next = decode_request(again[0].second).identification();
  EXPECT_EQ(wire::ntp_seconds(next), wire::ntp_seconds(sent) + 1001);
}

TEST_F(MobileNodeTest, Code136AdoptsTheHomeAgentAddressFromTheReply) {
  const SendRequest s = register_colocated();
  answer(s, Reply{.code = wire::kHaUnknownHomeAgentAddress, .home_agent = Tins::IPv4Address("10.0.1.2")});
  auto again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].second.destination.address, Tins::IPv4Address("10.0.1.2"));
  EXPECT_EQ(decode_request(again[0].second).home_agent(), Tins::IPv4Address("10.0.1.2"));
}

TEST_F(MobileNodeTest, ReverseTunnelCodesToggleTheTBit) {
  MnConfig c = reference_config();
  c.reverse_tunnelling = true;
  make(c);
  SendRequest s = register_colocated();
  EXPECT_TRUE(decode_request(s).t());
  answer(s, Reply{.code = wire::kHaReverseTunnelUnavailable});
  auto again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(decode_request(again[0].second).t()) << "RFC 3024 4.1.2 b: retry without T";
  answer(again[0].second, Reply{.code = wire::kHaReverseTunnelMandatory});
  again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(decode_request(again[0].second).t());
  answer(again[0].second);
  EXPECT_TRUE(mn_->data_plane().reverse_tunnel) << "T granted: the home address's traffic goes into the tunnel";
}

TEST_F(MobileNodeTest, ReverseTunnelOnlyWhenGranted) {
  MnConfig c = reference_config();
  c.reverse_tunnelling = true;
  make(c);
  const SendRequest s = register_colocated();
  EXPECT_FALSE(mn_->data_plane().reverse_tunnel) << "not before the reply";
  const Output out = answer(s);
  auto dp = first_of<ConfigureDataPlane>(out);
  ASSERT_TRUE(dp);
  EXPECT_TRUE(dp->state.reverse_tunnel);
  EXPECT_FALSE(dp->state.udp_tunnel);
}

TEST_F(MobileNodeTest, UdpTunnelRequestPrecedesTheAuthenticatorWithDAndT) {
  MnConfig c = reference_config();
  c.udp_tunnelling = {true, true, 110};
  make(c);
  const auto r = decode_request(register_colocated());
  EXPECT_TRUE(r.d()) << "RFC 3519 3.1.5: D MUST be set";
  EXPECT_TRUE(r.t()) << "RFC 3519 3.1.5: T SHOULD be set";
  ASSERT_EQ(r.extensions().size(), 2u);
  EXPECT_EQ(r.extensions()[0].type, wire::UdpTunnelRequest) << "RFC 3519 4.4: before the MN-HA extension";
  EXPECT_EQ(r.extensions()[1].type, wire::MnHaAuth);
  auto u = wire::UdpTunnelRequestExtension::from(r.extensions()[0]);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u.value().f);
  EXPECT_FALSE(u.value().r);
  EXPECT_EQ(u.value().reserved1, 0);
  EXPECT_EQ(u.value().reserved3, 0);
}

TEST_F(MobileNodeTest, UdpTunnelOnlyWithAnAssentingUdpTunnelReply) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  make(c);
  SendRequest s = register_colocated();
  answer(s);  // no UDP Tunnel Reply: "it MUST NOT use UDP tunnelling" (RFC 3519 4.4)
  EXPECT_TRUE(mn_->registered());
  EXPECT_FALSE(mn_->data_plane().udp_tunnel);

  make(c);
  s = register_colocated();
  wire::UdpTunnelReplyExtension declined;
  declined.reply_code = 64;
  answer(s, Reply{.udp = declined});
  EXPECT_FALSE(mn_->data_plane().udp_tunnel);

  make(c);
  s = register_colocated();
  wire::UdpTunnelReplyExtension assent;
  assent.keepalive_interval = 20;
  answer(s, Reply{.udp = assent});
  ASSERT_TRUE(mn_->data_plane().udp_tunnel);
  EXPECT_EQ(*mn_->data_plane().udp_tunnel, (Endpoint{kHa, 434}));
}

TEST_F(MobileNodeTest, KeepalivesAfterKSecondsOfSilenceAndReRegistrationWhenUnanswered) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  make(c);
  const SendRequest s = register_colocated();
  wire::UdpTunnelReplyExtension assent;
  assent.keepalive_interval = 20;
  answer(s, Reply{.lifetime = 600, .udp = assent});
  // "send its first keepalive message at the earliest K seconds after the registration request was sent" (4.9)
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(20));
  // Data sent meanwhile postpones it.
  now_ = t0().plus(15s);
  mn_->note_sent_to_home_agent(now_);
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(35));
  now_ = t0().plus(35s);
  Output out = mn_->on_timer(now_);
  ASSERT_EQ(actions_of<SendKeepalive>(out).size(), 1u);
  // Answered: the next one K seconds later.
  mn_->on_keepalive_reply(now_);
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(55));
  // Unanswered three times: register again (RFC 3519 4.10).
  unsigned keepalives = 0;
  std::vector<SendRequest> requests;
  for (int i = 0; i < 10 && requests.empty(); ++i) {
    now_ = now_.plus(*mn_->next_deadline() - now_.mono);
    out = mn_->on_timer(now_);
    keepalives += static_cast<unsigned>(actions_of<SendKeepalive>(out).size());
    requests = actions_of<SendRequest>(out);
  }
  EXPECT_EQ(keepalives, 3u);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(decode_request(requests[0]).care_of_address(), kCoA);
}

TEST_F(MobileNodeTest, KeepaliveIntervalZeroMeansTheConfiguredDefaultAndNeverBelowTenSeconds) {
  MnConfig c = reference_config();
  c.udp_tunnelling = {true, false, 45};
  make(c);
  SendRequest s = register_colocated();
  wire::UdpTunnelReplyExtension assent;  // keepalive_interval 0
  answer(s, Reply{.lifetime = 600, .udp = assent});
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(45));
  make(c);
  now_ = t0();
  s = register_colocated();
  assent.keepalive_interval = 3;
  answer(s, Reply{.lifetime = 600, .udp = assent});
  EXPECT_EQ(*mn_->next_deadline() - t0().mono, std::chrono::seconds(10)) << "RFC 3519 4.10";
}

TEST_F(MobileNodeTest, ReturningHomeGratuitousArpThenDeregistration) {
  answer(register_colocated());
  advance(5s);
  const Output out = mn_->on_link(home_link(), now_);
  ASSERT_EQ(out.actions.size(), 3u);
  // Order (4.6): ARP re-enabled, gratuitous ARP, then the (de)Registration Request.
  const auto* dp = std::get_if<ConfigureDataPlane>(&out.actions[0]);
  ASSERT_NE(dp, nullptr);
  EXPECT_EQ(dp->state.location, Location::Home);
  EXPECT_TRUE(dp->state.answer_arp_for_home_address);
  const auto* garp = std::get_if<SendGratuitousArp>(&out.actions[1]);
  ASSERT_NE(garp, nullptr);
  EXPECT_EQ(garp->address, kHoA);
  const auto* s = std::get_if<SendRequest>(&out.actions[2]);
  ASSERT_NE(s, nullptr);
  const auto r = decode_request(*s);
  EXPECT_EQ(r.lifetime(), 0) << "3.6.1.2";
  EXPECT_EQ(r.care_of_address(), kHoA) << "3.6.1.2: deregister all, Care-of Address = home address";
  EXPECT_EQ(r.flags(), 0);
  EXPECT_EQ(s->source, kHoA);
  EXPECT_EQ(s->destination.address, kHa);
  // Two more gratuitous ARPs, 200 ms apart, in parallel with the request.
  advance(200ms);
  EXPECT_EQ(actions_of<SendGratuitousArp>(mn_->on_timer(now_)).size(), 1u);
  answer(*s);
  EXPECT_EQ(mn_->state_json(now_)["deregistered_at_home"], true);
  advance(200ms);
  EXPECT_EQ(actions_of<SendGratuitousArp>(mn_->on_timer(now_)).size(), 1u);
  EXPECT_FALSE(mn_->next_deadline()) << "at home and deregistered: nothing more to do";
}

TEST_F(MobileNodeTest, HomeAtStartDeregistersOnce) {
  const Output out = mn_->on_link(home_link(), now_);
  auto s = first_of<SendRequest>(out);
  ASSERT_TRUE(s);
  EXPECT_EQ(decode_request(*s).lifetime(), 0);
  EXPECT_EQ(mn_->location(), Location::Home);
  EXPECT_FALSE(mn_->solicitations().searching());
}

TEST_F(MobileNodeTest, MovesAnnouncedByTheLinkRegisterAtOnceButOncePerSecondOnAverage) {
  register_colocated(kCoA);
  // The link announced a move (new address): register at once even 300 ms after the last request (3.6).
  advance(300ms);
  EXPECT_EQ(actions_of<SendRequest>(mn_->on_link(foreign_link(kCoA2), now_)).size(), 1u);
  // A third move 300 ms later exceeds "once per second on average" (2.4.2): it waits for the budget.
  advance(300ms);
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_link(foreign_link(kCoA), now_)).empty());
  auto sent = run_until(t0().plus(2s));
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].first.mono, t0().plus(1000ms).mono);
  EXPECT_EQ(decode_request(sent[0].second).care_of_address(), kCoA);
}

TEST_F(MobileNodeTest, MovesWithoutALinkIndicationWaitOneSecondAfterTheLastRequest) {
  register_colocated(kCoA);
  advance(300ms);
  // An advertisement from the home agent (no link-layer indication): not within 1 s of the last request (3.6).
  const Advert ha{.source = kHa, .flags = wire::AgentAdvertisement::kFlagH, .care_of = {}};
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_advertisement(ha.message(), now_)).empty());
  auto sent = run_until(t0().plus(1s));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first.mono, t0().plus(1s).mono);
  EXPECT_EQ(decode_request(sent[0].second).lifetime(), 0);
}

TEST_F(MobileNodeTest, RequestThatCouldNotLeaveGoesOutWhenRoutesChange) {
  register_colocated();
  mn_->on_request_not_sent(now_);
  EXPECT_EQ(mn_->requests_sent(), 0u);
  advance(5ms);
  const Output out = mn_->on_routes_changed(now_);
  ASSERT_EQ(actions_of<SendRequest>(out).size(), 1u) << "not held back by the once-per-second limit";
  EXPECT_EQ(mn_->requests_sent(), 1u);
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_routes_changed(now_)).empty());
}

TEST_F(MobileNodeTest, SolicitsWhenNoAgentAndNoAddressWithBackoff) {
  Output out = mn_->on_link(bare_link(), now_);
  EXPECT_TRUE(mn_->solicitations().searching());
  std::vector<double> at;
  std::vector<SendSolicitation> sols;
  for (int i = 0; i < 10; ++i) {
    now_ = now_.plus(*mn_->next_deadline() - now_.mono);
    for (auto& s : actions_of<SendSolicitation>(mn_->on_timer(now_))) {
      sols.push_back(s);
      at.push_back(std::chrono::duration<double>(now_.mono - t0().mono).count());
    }
  }
  // Three at 1/s, then 2, 4, 8, 16, 32, 60, 60 s apart (random draws are 0 here).
  EXPECT_EQ(at, (std::vector<double>{0, 1, 2, 4, 8, 16, 32, 64, 124, 184}));
  ASSERT_FALSE(sols.empty());
  EXPECT_EQ(sols[0].ttl, 1) << "2.2";
  EXPECT_EQ(sols[0].destination, Tins::IPv4Address("224.0.0.2"));
  EXPECT_EQ(sols[0].source, Tins::IPv4Address()) << "no address on this link: 0.0.0.0 (RFC 1256)";
  auto sol = wire::AgentSolicitation::decode(sols[0].icmp);
  EXPECT_TRUE(sol);
}

TEST_F(MobileNodeTest, SolicitationTimesAreRandomisedButNeverFasterThanNominal) {
  make(reference_config(), {});
  mn_.emplace(reference_config(), FaultSet{}, [] { return 0.99; });
  mn_->on_link(bare_link(), now_);
  const auto first = *mn_->next_deadline() - now_.mono;
  EXPECT_GT(first, 90ms);
  EXPECT_LE(first, 100ms);
  now_ = now_.plus(first);
  mn_->on_timer(now_);
  const auto second = *mn_->next_deadline() - now_.mono;
  EXPECT_GE(second, 1000ms);
  EXPECT_LE(second, 1100ms);
}

TEST_F(MobileNodeTest, RegistersThroughAForeignAgentHeardOnTheLink) {
  mn_->on_link(bare_link(), now_);
  advance(300ms);
  const Output out = mn_->on_advertisement(Advert{.registration_lifetime = 300}.message(), now_);
  EXPECT_FALSE(mn_->solicitations().searching());
  auto dp = first_of<ConfigureDataPlane>(out);
  ASSERT_TRUE(dp);
  EXPECT_EQ(dp->state.location, Location::ForeignAgent);
  EXPECT_EQ(dp->state.agent_address, kFa);
  EXPECT_EQ(dp->state.agent_mac, kFaMac) << "4.2.1: the agent's MAC from its advertisement";
  auto s = first_of<SendRequest>(out);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source, kHoA) << "3.6.1.1: via an FA the source is the home address";
  EXPECT_EQ(s->destination, (Endpoint{kFa, 434})) << "3.6.1.1: the advertisement's source";
  EXPECT_EQ(s->ttl, 255);
  const auto r = decode_request(*s);
  EXPECT_FALSE(r.d()) << "3.6.1.2: D MUST NOT be set";
  EXPECT_EQ(r.lifetime(), 300) << "3.6.1.2: not above the advertised Registration Lifetime";
  EXPECT_EQ(r.care_of_address(), kFaCoA);
  ASSERT_EQ(r.extensions().size(), 1u);
  answer(*s, Reply{.code = 0}, from_fa());
  EXPECT_TRUE(mn_->registered());
  EXPECT_EQ(mn_->state_json(now_)["agent"], kFa.to_string());
}

TEST_F(MobileNodeTest, ForeignAgentPreferredOverACoLocatedAddressInAutoMode) {
  mn_->on_link(foreign_link(), now_);
  const Output out = mn_->on_advertisement(Advert{}.message(), now_);
  EXPECT_EQ(mn_->location(), Location::ForeignAgent) << "2.4: agents with advertisements first";
  MnConfig c = reference_config();
  c.mode = CareOfMode::CoLocated;
  make(c);
  mn_->on_link(foreign_link(), now_);
  mn_->on_advertisement(Advert{.flags = wire::AgentAdvertisement::kFlagF | wire::AgentAdvertisement::kFlagR}.message(),
                        now_);
  EXPECT_EQ(mn_->location(), Location::CoLocated) << "mode colocated keeps its own address";
  c.mode = CareOfMode::ForeignAgent;
  make(c);
  mn_->on_link(foreign_link(), now_);
  EXPECT_EQ(mn_->location(), Location::Detached) << "mode fa never uses a co-located address";
  EXPECT_TRUE(mn_->solicitations().searching());
}

TEST_F(MobileNodeTest, ReverseTunnelThroughAForeignAgentOnlyWhenAdvertised) {
  MnConfig c = reference_config();
  c.reverse_tunnelling = true;
  make(c);
  mn_->on_link(bare_link(), now_);
  auto s = first_of<SendRequest>(mn_->on_advertisement(Advert{}.message(), now_));
  ASSERT_TRUE(s);
  EXPECT_FALSE(decode_request(*s).t()) << "agent does not offer T";
  make(c);
  mn_->on_link(bare_link(), now_);
  s = first_of<SendRequest>(mn_->on_advertisement(
      Advert{.flags = wire::AgentAdvertisement::kFlagF | wire::AgentAdvertisement::kFlagT}.message(), now_));
  ASSERT_TRUE(s);
  EXPECT_TRUE(decode_request(*s).t());
  EXPECT_EQ(s->ttl, 255) << "RFC 3024 4.1.1";
}

TEST_F(MobileNodeTest, MobileForeignAuthenticationWhenAnSaWithTheAgentExists) {
  MnConfig c = reference_config();
  c.foreign_agents.push_back({kFa, SecurityAssociation{300, kFaKey, "hmac-md5"}});
  make(c);
  mn_->on_link(bare_link(), now_);
  auto s = first_of<SendRequest>(mn_->on_advertisement(Advert{}.message(), now_));
  ASSERT_TRUE(s);
  const auto r = decode_request(*s);
  ASSERT_EQ(r.extensions().size(), 2u);
  EXPECT_EQ(r.extensions()[0].type, wire::MnHaAuth);
  EXPECT_EQ(r.extensions()[1].type, wire::MnFaAuth) << "3.6.1.3 e: last";
  EXPECT_TRUE(wire::verify_authentication(s->payload, r.extensions()[1], kFaKey));
  answer(*s, Reply{}, from_fa());
  EXPECT_FALSE(mn_->registered()) << "3.6.2.1 a: MN-FA missing";
  answer(*s, Reply{.mn_fa_key = kKey}, from_fa());
  EXPECT_FALSE(mn_->registered()) << "3.6.2.1 a: MN-FA invalid";
  answer(*s, Reply{.mn_fa_key = kFaKey}, from_fa());
  EXPECT_TRUE(mn_->registered());
}

TEST_F(MobileNodeTest, ForeignAgentDenialsWithoutMobileHomeExtensionAreHonoured) {
  mn_->on_link(bare_link(), now_);
  auto s = first_of<SendRequest>(mn_->on_advertisement(Advert{.registration_lifetime = 900}.message(), now_));
  ASSERT_TRUE(s);
  // Code 69: the reply's Lifetime is the most the agent accepts (3.6.2.3).
  answer(*s, Reply{.code = wire::kFaLifetimeTooLong, .lifetime = 120, .mn_ha = false}, from_fa());
  EXPECT_EQ(mn_->last_reply_code(), wire::kFaLifetimeTooLong);
  auto again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(decode_request(again[0].second).lifetime(), 120);
}

TEST_F(MobileNodeTest, ForeignAgentDenialMovesOnToTheNextAdvertisedCareOfAddress) {
  mn_->on_link(bare_link(), now_);
  const Advert a{.care_of = {Tins::IPv4Address("10.0.2.200"), Tins::IPv4Address("10.0.2.201")}};
  auto s = first_of<SendRequest>(mn_->on_advertisement(a.message(), now_));
  ASSERT_TRUE(s);
  EXPECT_EQ(decode_request(*s).care_of_address(), Tins::IPv4Address("10.0.2.200")) << "2.4: the first one first";
  answer(*s, Reply{.code = wire::kFaInvalidCareOfAddress, .mn_ha = false}, from_fa());
  auto again = run_until(now_.plus(1s));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(decode_request(again[0].second).care_of_address(), Tins::IPv4Address("10.0.2.201"));
}

TEST_F(MobileNodeTest, LostAgentAfterItsAdvertisementLifetimeAndSwitchToAnotherHeardAgent) {
  mn_->on_link(bare_link(), now_);
  answer(*first_of<SendRequest>(mn_->on_advertisement(Advert{.lifetime = 10}.message(), now_)), Reply{}, from_fa());
  advance(2s);
  // Another agent is heard, but the current one is still advertising: no new registration (3.6).
  const Advert other{.source = kFa2, .mac = kFa2Mac, .lifetime = 60, .care_of = {kFa2}};
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_advertisement(other.message(), now_)).empty());
  // The first agent's Lifetime runs out (Algorithm 1, 2.4.2.1): register with the other one at once.
  auto sent = run_until(t0().plus(10s));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second.destination.address, kFa2);
  EXPECT_EQ(mn_->data_plane().agent_mac, kFa2Mac);
}

TEST_F(MobileNodeTest, LostOnlyAgentStartsSearching) {
  mn_->on_link(bare_link(), now_);
  answer(*first_of<SendRequest>(mn_->on_advertisement(Advert{.lifetime = 10}.message(), now_)), Reply{}, from_fa());
  EXPECT_FALSE(mn_->solicitations().searching());
  run_until(t0().plus(10s));
  EXPECT_EQ(mn_->location(), Location::Detached);
  EXPECT_TRUE(mn_->solicitations().searching());
}

TEST_F(MobileNodeTest, AlgorithmTwoAtRenewalMovesToTheAgentWithAnotherPrefix) {
  for (bool both_prefixes : {true, false}) {
    make();
    now_ = t0();
    mn_->on_link(bare_link(), now_);
    const Advert first{.lifetime = 1000, .registration_lifetime = 40, .routers = {kFa},
                       .prefix_lengths = std::vector<uint8_t>{24}};
    answer(*first_of<SendRequest>(mn_->on_advertisement(first.message(), now_)), Reply{}, from_fa());
    Advert second{.source = kFa2, .mac = kFa2Mac, .lifetime = 1000, .care_of = {kFa2}, .routers = {kFa2}};
    if (both_prefixes) second.prefix_lengths = std::vector<uint8_t>{24};
    advance(2s);
    EXPECT_TRUE(actions_of<SendRequest>(mn_->on_advertisement(second.message(), now_)).empty())
        << "3.6: no new registration while the current agent is heard and the registration is valid";
    auto sent = run_until(t0().plus(30s));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].second.destination.address, both_prefixes ? kFa2 : kFa) << both_prefixes;
  }
}

TEST_F(MobileNodeTest, ForeignAgentRebootIsDetectedBySequenceNumber) {
  mn_->on_link(bare_link(), now_);
  auto s = first_of<SendRequest>(mn_->on_advertisement(Advert{.sequence = 300}.message(), now_));
  answer(*s, Reply{}, from_fa());
  advance(2s);
  // 300 -> 5: "less than the first and inside the range 0 to 255": register again (2.4.4).
  Output out = mn_->on_advertisement(Advert{.sequence = 5}.message(), now_);
  EXPECT_EQ(actions_of<SendRequest>(out).size(), 1u);
  answer(actions_of<SendRequest>(out)[0], Reply{}, from_fa());
  advance(2s);
  // 0xffff -> 256: rollover, no re-registration.
  mn_->on_advertisement(Advert{.sequence = 0xffff}.message(), now_);
  advance(2s);
  out = mn_->on_advertisement(Advert{.sequence = 256}.message(), now_);
  EXPECT_TRUE(actions_of<SendRequest>(out).empty());
}

TEST_F(MobileNodeTest, ReservedBitsInAdvertisementsAreIgnoredNotDiscarded) {
  mn_->on_link(bare_link(), now_);
  const Advert a{.flags = wire::AgentAdvertisement::kFlagF | wire::AgentAdvertisement::kFlagReservedR | 0x0003};
  EXPECT_EQ(actions_of<SendRequest>(mn_->on_advertisement(a.message(), now_)).size(), 1u) << "2.4";
}

TEST_F(MobileNodeTest, AdvertisementFromTheHomeAgentMeansHome) {
  mn_->on_link(foreign_link(), now_);
  advance(1s);
  const Advert ha{.source = kHa, .flags = wire::AgentAdvertisement::kFlagH, .care_of = {}};
  const Output out = mn_->on_advertisement(ha.message(), now_);
  EXPECT_EQ(mn_->location(), Location::Home) << "2.4.3";
  auto s = first_of<SendRequest>(out);
  ASSERT_TRUE(s);
  EXPECT_EQ(decode_request(*s).lifetime(), 0);
}

TEST_F(MobileNodeTest, LinkDownDetachesAndLinkUpRegistersAgain) {
  answer(register_colocated());
  advance(5s);
  mn_->on_link(link_with({{kCoA, 24}}, false), now_);
  EXPECT_EQ(mn_->location(), Location::Detached);
  EXPECT_FALSE(mn_->registered());
  advance(1s);
  const Output out = mn_->on_link(foreign_link(), now_);
  EXPECT_EQ(actions_of<SendRequest>(out).size(), 1u);
}

TEST_F(MobileNodeTest, ConfiguredCoLocatedAddressIsUsedOnlyWhenPresent) {
  MnConfig c = reference_config();
  c.colocated_address = Tins::IPv4Address("10.0.2.77");
  make(c);
  mn_->on_link(foreign_link(), now_);
  EXPECT_EQ(mn_->location(), Location::Detached);
  const Output out = mn_->on_link(link_with({{kCoA, 24}, {Tins::IPv4Address("10.0.2.77"), 24}}), now_);
  auto s = first_of<SendRequest>(out);
  ASSERT_TRUE(s);
  EXPECT_EQ(decode_request(*s).care_of_address(), Tins::IPv4Address("10.0.2.77"));
}

TEST_F(MobileNodeTest, StateJsonDescribesTheRegistration) {
  const SendRequest s = register_colocated();
  answer(s, Reply{.code = 1, .lifetime = 60});
  const auto j = mn_->state_json(now_);
  EXPECT_EQ(j["location"], "colocated");
  EXPECT_EQ(j["mode"], "auto");
  EXPECT_EQ(j["registered"], true);
  EXPECT_EQ(j["care_of_address"], kCoA.to_string());
  EXPECT_EQ(j["lifetime_granted"], 60);
  EXPECT_EQ(j["last_reply_code"], 1);
  EXPECT_EQ(j["requests_sent"], 1);
  EXPECT_TRUE(j["agents_heard"].is_array());
  EXPECT_EQ(j["pending"], nullptr);
}


TEST_F(MobileNodeTest, GarbageTruncationsAndForgedFloodsNeverThrowNorRegister) {
  const SendRequest s = register_colocated();
  const auto deadline = mn_->next_deadline();
  const std::vector<uint8_t> valid_reply = Reply{}.bytes(decode_request(s));
  ReceivedIcmp adv = Advert{}.message();
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> junk(static_cast<size_t>(i % 80));
    for (auto& b : junk) b = static_cast<uint8_t>(byte(rng));
    if (!junk.empty() && i % 2 == 0) junk[0] = 3;  // looks like a reply
    EXPECT_NO_THROW(mn_->on_reply(junk, from_ha(), now_));
    ReceivedIcmp m = adv;
    m.icmp = junk;
    if (!m.icmp.empty() && i % 3 == 0) m.icmp[0] = 9;  // looks like an advertisement
    EXPECT_NO_THROW(mn_->on_advertisement(m, now_));
  }
  for (size_t n = 0; n < valid_reply.size(); ++n) {
    EXPECT_NO_THROW(mn_->on_reply(std::span<const uint8_t>(valid_reply).first(n), from_ha(), now_));
  }
  for (size_t n = 0; n < adv.icmp.size(); ++n) {
    ReceivedIcmp m = adv;
    m.icmp.resize(n);
    EXPECT_NO_THROW(mn_->on_advertisement(m, now_));
  }
  // A flood of forged replies (wrong key) changes nothing, not even the retransmission time.
  for (int i = 0; i < 1000; ++i) mn_->on_reply(Reply{.key = {9, 9, 9}}.bytes(decode_request(s)), from_ha(), now_);
  EXPECT_FALSE(mn_->registered());
  EXPECT_EQ(mn_->next_deadline(), deadline);
  answer(s);
  EXPECT_TRUE(mn_->registered());
}

}  // namespace
}  // namespace mipvpn::agents::mn::test
