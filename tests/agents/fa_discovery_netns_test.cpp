// Agent discovery by the reference foreign agent, end to end (root only): advertisements captured on the visited
// link (cadence, TTL, addresses, flags, sequence numbers), solicitations answered within the rate limit, and the
// discovery faults visibly breaking their rules on the wire.
#include <set>

#include "harness/net/inject.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/validate.h"
#include "tests/agents/fa_netns_fixture.h"

#include <tins/ip.h>
#include <tins/rawpdu.h>

namespace mipvpn::agents::fa::test {
namespace {

using wire::AgentAdvertisement;

struct Advert {
  net::Frame frame;
  Ipv4Header ip;
  AgentAdvertisement message;
};

bool is_advert(const FrameView& v) { return v.is_icmp_type(9); }

std::optional<Advert> advert_of(const net::Frame& f) {
  const FrameView v{f};
  auto h = v.header();
  if (!h || !v.is_icmp_type(9)) return std::nullopt;
  auto m = AgentAdvertisement::decode(v.payload());  // checksum verified
  if (!m) return std::nullopt;
  return Advert{f, *h, m.value()};
}

class FaDiscovery : public FaNetns {
 protected:
  // The next `n` advertisements seen on the visited link from capture position `from`.
  std::vector<Advert> adverts(size_t n, uint64_t from = 0, std::chrono::milliseconds timeout = 5000ms) {
    std::vector<Advert> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n) {
      auto f = visited_->wait_for([](const net::Frame& fr) { return is_advert(FrameView{fr}); }, from, deadline);
      if (!f) break;
      from = f->index + 1;
      auto a = advert_of(*f);
      EXPECT_TRUE(a) << "undecodable advertisement, frame " << f->index;
      if (a) out.push_back(std::move(*a));
    }
    return out;
  }
  // Sends an Agent Solicitation from the mobile node (TTL 1, RFC 5944 2.2).
  void solicit(const std::string& destination = "224.0.0.11", const std::string& source = "10.0.1.100") {
    Tins::IP ip(destination, source);
    ip.ttl(1);
    ip.protocol(1);
    const std::vector<uint8_t> sol = wire::AgentSolicitation().bytes();
    ip /= Tins::RawPDU(sol.data(), static_cast<uint32_t>(sol.size()));
    if (!injector_) injector_ = std::make_unique<net::Injector>(mn_);
    const net::Status st = injector_->send(ip, "v-mn");
    ASSERT_TRUE(st.ok) << st.error;
  }
  std::unique_ptr<net::Injector> injector_;
};

long gap_ms(const Advert& a, const Advert& b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b.frame.ts - a.frame.ts).count();
}

TEST_F(FaDiscovery, UnsolicitedAdvertisementsFollowRfc5944Section2) {
  start_fa({{"advertisement", {{"interval_ms", 400u}, {"flags", {"R", "F", "T"}}, {"prefix_lengths", true}}}});
  const std::vector<Advert> a = adverts(8);
  ASSERT_EQ(a.size(), 8u);
  std::set<long> gaps;
  for (size_t i = 0; i < a.size(); ++i) {
    const Advert& x = a[i];
    EXPECT_EQ(x.ip.ttl, 1) << "TTL MUST be 1 (2.1)";
    EXPECT_EQ(x.ip.destination, Tins::IPv4Address("224.0.0.1"));
    EXPECT_EQ(x.ip.source, kFa);
    EXPECT_EQ(FrameView{x.frame}.destination(), (MacAddress{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}));
    EXPECT_EQ(FrameView{x.frame}.source(), fa_mac_);
    EXPECT_EQ(x.message.sequence_number(), i) << "0 after start, then one more each (2.3.2)";
    EXPECT_EQ(x.message.agent_flags(),
              AgentAdvertisement::kFlagR | AgentAdvertisement::kFlagF | AgentAdvertisement::kFlagT);
    EXPECT_EQ(x.message.care_of_addresses(), std::vector<Tins::IPv4Address>{kFa});
    EXPECT_EQ(x.message.registration_lifetime(), 600);
    EXPECT_EQ(x.message.lifetime(), 2) << "ceil(3 x 400 ms)";
    ASSERT_EQ(x.message.router_addresses().size(), 1u);
    EXPECT_EQ(x.message.router_addresses()[0].address, kFa);
    EXPECT_EQ(x.message.prefix_lengths(), std::vector<uint8_t>{24});
    EXPECT_TRUE(wire::validate(x.message).empty());
    if (i > 0) {
      const long g = gap_ms(a[i - 1], x);
      gaps.insert(g / 10);
      // Randomized between 3/4 and 1 nominal interval; a few ms of scheduling slack either way.
      EXPECT_GE(g, 300 - 5) << "advertisement " << i;
      EXPECT_LE(g, 400 + 30) << "advertisement " << i;
      EXPECT_LE(g * 3, 2000 + 90) << "no longer than a third of the 2 s Lifetime (2.1)";
    }
  }
  EXPECT_GE(gaps.size(), 3u) << "slightly randomized transmission times (2.1)";
  auto count = control_query(fa_control(), "advertisements");
  ASSERT_TRUE(count);
  EXPECT_GE(nlohmann::json::parse(*count)["sent"].get<uint64_t>(), 8u);
}

TEST_F(FaDiscovery, LimitedBroadcastDestination) {
  start_fa({{"advertisement", {{"interval_ms", 300u}, {"destination", "255.255.255.255"}}}});
  const std::vector<Advert> a = adverts(2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].ip.destination, Tins::IPv4Address("255.255.255.255"));
  EXPECT_EQ(FrameView{a[0].frame}.destination(), kBroadcastMac);
}

TEST_F(FaDiscovery, SolicitationIsAnsweredAndFurtherOnesAreRateLimited) {
  start_fa({{"advertisement", {{"interval_ms", 0u}, {"min_gap_ms", 500u}}}});
  const uint64_t before = visited_->frame_count();
  EXPECT_TRUE(adverts(1, before, 300ms).empty()) << "solicited-only: nothing unprompted";
  const uint64_t start = visited_->frame_count();
  solicit("224.0.0.11");
  const auto first = adverts(1, start, 2000ms);
  ASSERT_EQ(first.size(), 1u) << "\"All mobility agents SHOULD respond to Agent Solicitations\" (2.3)";
  EXPECT_EQ(first[0].message.sequence_number(), 0);
  EXPECT_EQ(first[0].ip.ttl, 1);
  // Four more at once: at most one more advertisement, not before 500 ms after the first (2.3 rate limit).
  const uint64_t burst = visited_->frame_count();
  for (int i = 0; i < 4; ++i) solicit(i % 2 ? "224.0.0.2" : "255.255.255.255");
  const auto more = adverts(2, burst, 1500ms);
  ASSERT_EQ(more.size(), 1u) << "the burst is answered once";
  EXPECT_GE(gap_ms(first[0], more[0]), 500 - 5);
  EXPECT_EQ(more[0].message.sequence_number(), 1);
}

TEST_F(FaDiscovery, UnicastAnswerGoesToTheSolicitorsLinkAddress) {
  start_fa({{"advertisement", {{"interval_ms", 0u}, {"solicitation_reply", "unicast"}}}});
  const uint64_t start = visited_->frame_count();
  solicit("224.0.0.11", "10.0.1.103");
  const auto a = adverts(1, start, 2000ms);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].ip.destination, Tins::IPv4Address("10.0.1.103")) << "the home address (2.1)";
  EXPECT_EQ(FrameView{a[0].frame}.destination(), mn_mac_) << "the solicitation's link-layer source (2.1)";
  EXPECT_EQ(a[0].ip.ttl, 1);
}

// Each discovery fault shown on the wire: the check holds for the reference and fails with the fault.
TEST_F(FaDiscovery, FaultsBreakTheirRulesOnTheWire) {
  struct Case {
    const char* fault;
    nlohmann::json patch;
    bool solicit;  // drive with solicitations instead of the unsolicited schedule
    std::function<std::string(const std::vector<Advert>&)> violation;  // "" when the rule holds
  };
  const std::vector<Case> cases = {
      {"advert-ttl-not-1", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) { return a[0].ip.ttl != 1 ? "TTL " + std::to_string(a[0].ip.ttl) : ""; }},
      {"advert-wrong-destination", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         const auto d = a[0].ip.destination;
         return d != Tins::IPv4Address("224.0.0.1") && d != Tins::IPv4Address("255.255.255.255") ? d.to_string()
                                                                                                  : std::string();
       }},
      {"advert-first-sequence-not-zero", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         return a[0].message.sequence_number() != 0 ? "first " + std::to_string(a[0].message.sequence_number()) : "";
       }},
      {"advert-sequence-not-incremented", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         return a[2].message.sequence_number() != 2 ? "third " + std::to_string(a[2].message.sequence_number()) : "";
       }},
      {"advert-without-care-of-address", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         return a[0].message.f() && a[0].message.care_of_addresses().empty() ? std::string("F without CoA") : "";
       }},
      {"advert-reserved-bits-set", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         return (a[0].message.agent_flags() & 0x021f) != 0 ? std::string("reserved bits") : "";
       }},
      {"advert-interval-over-lifetime-third", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         const long g = gap_ms(a[1], a[2]);
         return g * 3 > a[1].message.lifetime() * 1000 + 90 ? "gap " + std::to_string(g) + " ms" : "";
       }},
      {"advert-registration-lifetime-too-long", {{"advertisement", {{"interval_ms", 200u}}}}, false,
       [](const std::vector<Advert>& a) {
         return a[0].message.registration_lifetime() != 600 ? std::string("advertised > accepted") : "";
       }},
      {"no-solicitation-answer", {{"advertisement", {{"interval_ms", 0u}}}}, true,
       [](const std::vector<Advert>& a) { return a.empty() ? std::string("no answer") : ""; }},
      {"advert-rate-unlimited", {{"advertisement", {{"interval_ms", 0u}, {"min_gap_ms", 500u}}}}, true,
       [](const std::vector<Advert>& a) { return a.size() > 1 ? std::to_string(a.size()) + " answers" : ""; }},
  };
  for (const Case& c : cases) {
    for (bool with_fault : {false, true}) {
      SCOPED_TRACE(std::string(c.fault) + (with_fault ? " (fault)" : " (reference)"));
      const uint64_t from = visited_->frame_count();  // before the start: the first advertisement goes out at once
      start_fa(c.patch, with_fault ? std::vector<std::string>{c.fault} : std::vector<std::string>{});
      std::vector<Advert> a;
      if (c.solicit) {
        for (int i = 0; i < 3; ++i) solicit();
        a = adverts(3, from, 400ms);  // within the 500 ms gap only one answer may come
      } else {
        a = adverts(3, from, 4000ms);
        ASSERT_EQ(a.size(), 3u);
      }
      const std::string v = c.violation(a);
      if (with_fault) {
        EXPECT_NE(v, "") << "the fault did not break its rule";
      } else {
        EXPECT_EQ(v, "") << "the reference broke the rule";
      }
      fa_mipd_.stop(2000ms);
    }
  }
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
