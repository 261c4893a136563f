// Each mobile node fault switch breaks its one rule, and only where it says.
#include <set>

#include "agents/mn/mobile_node.h"
#include "harness/wire/codes.h"
#include "tests/agents/mn_test_support.h"

namespace mipvpn::agents::mn::test {
namespace {

class MnFaultTest : public ::testing::Test {
 protected:
  void make(FaultSet f, MnConfig c = reference_config()) { mn_.emplace(std::move(c), f, [] { return 0.0; }); }
  Output answer(const SendRequest& s, const Reply& r = {}) {
    return mn_->on_reply(r.bytes(decode_request(s)), Endpoint{s.destination.address, 434}, now_);
  }
  SendRequest first_request(const Output& out) {
    auto s = first_of<SendRequest>(out);
    EXPECT_TRUE(s);
    return s ? *s : SendRequest{};
  }
  std::vector<std::pair<double, SendRequest>> requests_until(std::chrono::seconds until) {
    std::vector<std::pair<double, SendRequest>> sent;
    const auto end = t0().plus(until);
    for (;;) {
      auto next = mn_->next_deadline();
      if (!next || *next > end.mono) break;
      now_ = now_.plus(*next - now_.mono);
      for (auto& s : actions_of<SendRequest>(mn_->on_timer(now_))) {
        sent.emplace_back(std::chrono::duration<double>(now_.mono - t0().mono).count(), s);
      }
    }
    return sent;
  }
  std::optional<MobileNode> mn_;
  Now now_ = t0();
};

const std::set<std::string> kTested = {
    "mn-no-solicitation-backoff", "mn-solicitation-ttl-not-1", "mn-discard-advertisement-reserved-bits",
    "mn-ignore-foreign-agent-reboot", "mn-retransmit-without-backoff", "mn-register-faster-than-once-per-second",
    "mn-reuse-identification", "mn-ignore-identification-resync", "mn-accept-wrong-identification",
    "mn-accept-unauthenticated-reply", "mn-renew-after-expiry", "mn-lifetime-exceeds-advertised",
    "mn-d-bit-via-foreign-agent", "mn-colocated-source-home-address", "mn-no-deregistration-at-home",
    "mn-no-gratuitous-arp-at-home", "mn-gratuitous-arp-after-request", "mn-answer-arp-while-away",
    "mn-request-ttl-not-255", "mn-udp-tunnel-request-after-auth", "mn-udp-tunnel-without-reply", "mn-no-keepalive",
    "mn-udp-tunnel-request-via-fa",
    // RFC 5265 mode: proven in rfc5265_netns_test.cpp (the reference passes, the fault fails), the detection ones
    // also in network_detection_test.cpp.
    "mn-5265-data-before-detection", "mn-5265-inside-without-tnc", "mn-5265-no-t-monitor",
    "mn-5265-ipsec-endpoint-care-of"};

TEST(MnFaultRegistry, EveryMobileNodeFaultIsTestedAndCitesItsRule) {
  std::set<std::string> names;
  for (const FaultInfo& f : all_faults()) {
    if (f.role != Role::MobileNode) continue;
    names.insert(std::string(f.name));
    EXPECT_EQ(f.name.substr(0, 3), "mn-") << f.name;
    EXPECT_NE(f.rule.find("RFC "), std::string_view::npos) << f.name;
  }
  EXPECT_EQ(names, kTested);
}

TEST_F(MnFaultTest, NoSolicitationBackoff) {
  for (bool fault : {false, true}) {
    make(fault ? FaultSet{Fault::MnNoSolicitationBackoff} : FaultSet{});
    now_ = t0();
    mn_->on_link(bare_link(), now_);
    unsigned sent = 0;
    while (*mn_->next_deadline() <= t0().plus(10s).mono) {
      now_ = now_.plus(*mn_->next_deadline() - now_.mono);
      sent += static_cast<unsigned>(actions_of<SendSolicitation>(mn_->on_timer(now_)).size());
    }
    // Nominal: 0, 1, 2, 4, 8 (5 in 10 s); without back-off one per second.
    EXPECT_EQ(sent, fault ? 11u : 5u) << fault;
  }
}

TEST_F(MnFaultTest, SolicitationTtlNot1) {
  make({Fault::MnSolicitationTtlNot1});
  mn_->on_link(bare_link(), now_);
  auto s = first_of<SendSolicitation>(mn_->on_timer(now_));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ttl, 64);
}

TEST_F(MnFaultTest, DiscardAdvertisementReservedBits) {
  make({Fault::MnDiscardAdvertisementReservedBits});
  mn_->on_link(bare_link(), now_);
  const Advert with_reserved{.flags = wire::AgentAdvertisement::kFlagF | 0x0001};
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_advertisement(with_reserved.message(), now_)).empty());
  EXPECT_EQ(actions_of<SendRequest>(mn_->on_advertisement(Advert{}.message(), now_)).size(), 1u);
}

TEST_F(MnFaultTest, IgnoreForeignAgentReboot) {
  make({Fault::MnIgnoreForeignAgentReboot});
  mn_->on_link(bare_link(), now_);
  answer(first_request(mn_->on_advertisement(Advert{.sequence = 300}.message(), now_)));
  now_ = now_.plus(2s);
  EXPECT_TRUE(actions_of<SendRequest>(mn_->on_advertisement(Advert{.sequence = 3}.message(), now_)).empty());
}

TEST_F(MnFaultTest, RetransmitWithoutBackoff) {
  make({Fault::MnRetransmitWithoutBackoff});
  mn_->on_link(foreign_link(), now_);
  std::vector<double> at;
  for (auto& [t, s] : requests_until(std::chrono::seconds(5))) at.push_back(t);
  EXPECT_EQ(at, (std::vector<double>{1, 2, 3, 4, 5}));
}

TEST_F(MnFaultTest, RegisterFasterThanOncePerSecond) {
  make({Fault::MnRegisterFasterThanOncePerSecond});
  mn_->on_link(foreign_link(), now_);
  std::vector<double> at;
  for (auto& [t, s] : requests_until(std::chrono::seconds(1))) at.push_back(t);
  EXPECT_EQ(at, (std::vector<double>{0.25, 0.5, 0.75, 1.0}));
}

TEST_F(MnFaultTest, ReuseIdentification) {
  make({Fault::MnReuseIdentification});
  const uint64_t first = decode_request(first_request(mn_->on_link(foreign_link(), now_))).identification();
  auto again = requests_until(std::chrono::seconds(1));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(decode_request(again[0].second).identification(), first);
}

TEST_F(MnFaultTest, IgnoreIdentificationResync) {
  make({Fault::MnIgnoreIdentificationResync});
  const SendRequest s = first_request(mn_->on_link(foreign_link(), now_));
  const uint64_t sent = decode_request(s).identification();
  answer(s, Reply{.code = wire::kHaIdentificationMismatch,
                  .identification = wire::ntp_make(wire::ntp_seconds(sent) + 1000, wire::ntp_fraction(sent))});
  auto again = requests_until(std::chrono::seconds(1));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(wire::ntp_seconds(decode_request(again[0].second).identification()), wire::ntp_seconds(sent) + 1);
}

TEST_F(MnFaultTest, AcceptWrongIdentification) {
  make({Fault::MnAcceptWrongIdentification});
  const SendRequest s = first_request(mn_->on_link(foreign_link(), now_));
  answer(s, Reply{.identification = decode_request(s).identification() ^ 0xff});
  EXPECT_TRUE(mn_->registered());
}

TEST_F(MnFaultTest, AcceptUnauthenticatedReply) {
  make({Fault::MnAcceptUnauthenticatedReply});
  answer(first_request(mn_->on_link(foreign_link(), now_)), Reply{.mn_ha = false});
  EXPECT_TRUE(mn_->registered());
}

TEST_F(MnFaultTest, RenewAfterExpiry) {
  for (bool fault : {false, true}) {
    make(fault ? FaultSet{Fault::MnRenewAfterExpiry} : FaultSet{});
    now_ = t0();
    answer(first_request(mn_->on_link(foreign_link(), now_)), Reply{.lifetime = 40});
    auto sent = requests_until(std::chrono::seconds(60));
    ASSERT_FALSE(sent.empty());
    if (fault) {
      EXPECT_GT(sent[0].first, 40.0) << "after the lifetime expired";
    } else {
      EXPECT_EQ(sent[0].first, 30.0) << "before it expires";
    }
  }
}

TEST_F(MnFaultTest, LifetimeExceedsAdvertised) {
  make({Fault::MnLifetimeExceedsAdvertised});
  mn_->on_link(bare_link(), now_);
  const auto r =
      decode_request(first_request(mn_->on_advertisement(Advert{.registration_lifetime = 100}.message(), now_)));
  EXPECT_EQ(r.lifetime(), 600);
}

TEST_F(MnFaultTest, DecapsulationBitViaForeignAgent) {
  make({Fault::MnDecapsulationBitViaForeignAgent});
  mn_->on_link(bare_link(), now_);
  EXPECT_TRUE(decode_request(first_request(mn_->on_advertisement(Advert{}.message(), now_))).d());
}

TEST_F(MnFaultTest, CoLocatedSourceHomeAddress) {
  make({Fault::MnColocatedSourceHomeAddress});
  EXPECT_EQ(first_request(mn_->on_link(foreign_link(), now_)).source, kHoA);
}

TEST_F(MnFaultTest, NoDeregistrationAtHome) {
  make({Fault::MnNoDeregistrationAtHome});
  const Output out = mn_->on_link(home_link(), now_);
  EXPECT_TRUE(actions_of<SendRequest>(out).empty());
  EXPECT_EQ(actions_of<SendGratuitousArp>(out).size(), 1u) << "the gratuitous ARP still goes out";
}

TEST_F(MnFaultTest, NoGratuitousArpAtHome) {
  make({Fault::MnNoGratuitousArpAtHome});
  const Output out = mn_->on_link(home_link(), now_);
  EXPECT_TRUE(actions_of<SendGratuitousArp>(out).empty());
  EXPECT_EQ(actions_of<SendRequest>(out).size(), 1u);
  EXPECT_FALSE(mn_->next_deadline() && *mn_->next_deadline() < now_.plus(1s).mono) << "no ARP retransmissions";
}

TEST_F(MnFaultTest, GratuitousArpAfterRequest) {
  make({Fault::MnGratuitousArpAfterRequest});
  const Output out = mn_->on_link(home_link(), now_);
  EXPECT_TRUE(actions_of<SendGratuitousArp>(out).empty());
  const Output after = answer(first_request(out));
  EXPECT_EQ(actions_of<SendGratuitousArp>(after).size(), 1u);
}

TEST_F(MnFaultTest, AnswerArpWhileAway) {
  make({Fault::MnAnswerArpWhileAway});
  auto dp = first_of<ConfigureDataPlane>(mn_->on_link(foreign_link(), now_));
  ASSERT_TRUE(dp);
  EXPECT_TRUE(dp->state.answer_arp_for_home_address);
}

TEST_F(MnFaultTest, RequestTtlNot255) {
  MnConfig c = reference_config();
  c.reverse_tunnelling = true;
  make({Fault::MnRequestTtlNot255}, c);
  const SendRequest s = first_request(mn_->on_link(foreign_link(), now_));
  EXPECT_TRUE(decode_request(s).t());
  EXPECT_EQ(s.ttl, 64);
}

TEST_F(MnFaultTest, UdpTunnelRequestAfterAuth) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  make({Fault::MnUdpTunnelRequestAfterAuth}, c);
  const auto r = decode_request(first_request(mn_->on_link(foreign_link(), now_)));
  ASSERT_EQ(r.extensions().size(), 2u);
  EXPECT_EQ(r.extensions()[0].type, wire::MnHaAuth);
  EXPECT_EQ(r.extensions()[1].type, wire::UdpTunnelRequest);
}

TEST_F(MnFaultTest, UdpTunnelWithoutReply) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  make({Fault::MnUdpTunnelWithoutReply}, c);
  answer(first_request(mn_->on_link(foreign_link(), now_)));
  EXPECT_TRUE(mn_->data_plane().udp_tunnel);
}

TEST_F(MnFaultTest, NoKeepalive) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  make({Fault::MnNoKeepalive}, c);
  wire::UdpTunnelReplyExtension assent;
  assent.keepalive_interval = 20;
  answer(first_request(mn_->on_link(foreign_link(), now_)), Reply{.udp = assent});
  unsigned keepalives = 0;
  while (mn_->next_deadline() && *mn_->next_deadline() <= t0().plus(100s).mono) {
    now_ = now_.plus(*mn_->next_deadline() - now_.mono);
    keepalives += static_cast<unsigned>(actions_of<SendKeepalive>(mn_->on_timer(now_)).size());
  }
  EXPECT_EQ(keepalives, 0u);
  EXPECT_TRUE(mn_->data_plane().udp_tunnel);
}

TEST_F(MnFaultTest, UdpTunnelRequestViaForeignAgent) {
  MnConfig c = reference_config();
  c.udp_tunnelling.enabled = true;
  for (bool fault : {false, true}) {
    make(fault ? FaultSet{Fault::MnUdpTunnelRequestViaForeignAgent} : FaultSet{}, c);
    mn_->on_link(bare_link(), now_);
    const auto r = decode_request(first_request(mn_->on_advertisement(Advert{}.message(), now_)));
    bool has = false;
    for (const auto& e : r.extensions()) has = has || e.type == wire::UdpTunnelRequest;
    EXPECT_EQ(has, fault) << "RFC 3519 4.4: SHALL NOT with a foreign agent care-of address";
  }
}

}  // namespace
}  // namespace mipvpn::agents::mn::test
