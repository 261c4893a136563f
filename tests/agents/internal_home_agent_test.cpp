// The internal home agent of RFC 5265 4.3: trusted subnets from the configuration, the Trusted Networks Configured
// extension (3.4) in every reply to a trusted source (before MN-HA, RFC 5944 3.8.3.3), silence to untrusted sources,
// and the three faults that each break one of those rules.
#include "harness/wire/mip_extensions.h"
#include "tests/agents/ha_test_support.h"

namespace mipvpn::agents::ha::test {
namespace {

const Endpoint kTrusted{Tins::IPv4Address("10.0.2.100"), 40000};     // inside 10.0.2.0/24
const Endpoint kTrusted2{Tins::IPv4Address("172.16.5.9"), 434};      // inside 172.16.0.0/16 (an FA, say)
const Endpoint kUntrusted{Tins::IPv4Address("198.51.100.7"), 40000};  // outside both

HaConfig internal_config(std::vector<std::string> prefixes = {"10.0.2.0/24", "172.16.0.0/16"}) {
  HaConfig c = reference_config();
  c.trusted_networks.emplace();
  for (const std::string& p : prefixes) c.trusted_networks->push_back(*Ipv4Prefix::parse(p));
  return c;
}

// Where the TNC extension stands among the reply's extensions, if it is there; checks its fields (3.4).
std::optional<size_t> tnc_index(const wire::RegistrationReply& rep) {
  for (size_t i = 0; i < rep.extensions().size(); ++i) {
    const wire::Extension& e = rep.extensions()[i];
    if (e.type != wire::TrustedNetworksConfigured) continue;
    auto tnc = wire::TrustedNetworksConfiguredExtension::from(e);
    EXPECT_TRUE(tnc) << "Type 149, Length 2";
    if (tnc) {
      EXPECT_EQ(*tnc, wire::TrustedNetworksConfiguredExtension{}) << "Sub-Type 0, Reserved 0";
    }
    return i;
  }
  return std::nullopt;
}

class InternalHomeAgent : public HaTest {
 protected:
  void reset(HaConfig c, FaultSet f = {}) { ha_ = HomeAgent(std::move(c), f); }
};

TEST_F(InternalHomeAgent, PlainHomeAgentSendsNoTncAndAnswersEverySource) {
  // No trusted_networks: an RFC 5944 home agent, RFC 5265 4.3 does not apply.
  EXPECT_FALSE(ha_.config().is_internal_home_agent());
  Outcome o = send(rrq(), ha_destination(), kUntrusted);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_FALSE(tnc_index(decode_reply(*o.reply)));
  EXPECT_FALSE(o.reply->trusted_networks_configured);
}

TEST_F(InternalHomeAgent, ReplyToTrustedSourceCarriesTncBeforeMnHa) {
  reset(internal_config());
  for (const Endpoint& from : {kTrusted, kTrusted2}) {
    Outcome o = send(rrq(), ha_destination(), from);
    ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
    const wire::RegistrationReply rep = decode_reply(*o.reply);  // MN-HA last and valid: TNC is authenticated
    auto at = tnc_index(rep);
    ASSERT_TRUE(at) << "RFC 5265 4.3: MUST include TNC in a reply to a trusted source " << from.to_string();
    EXPECT_EQ(*at + 1, rep.extensions().size() - 1) << "TNC is the mobile node's: before MN-HA (RFC 5944 3.8.3.3)";
    EXPECT_TRUE(o.reply->trusted_networks_configured);
    EXPECT_EQ(o.reply->destination, from);
  }
}

TEST_F(InternalHomeAgent, DenialsToTrustedSourcesCarryTncToo) {
  reset(internal_config());
  Rrq bad = rrq();
  bad.corrupt_authenticator = true;
  Outcome o = send(bad, ha_destination(), kTrusted);
  ASSERT_EQ(o.verdict, Verdict::Denied);
  EXPECT_EQ(o.reply->code, 131);
  EXPECT_TRUE(tnc_index(decode_reply(*o.reply))) << "\"a registration reply\": every reply, not only acceptances";
  Rrq dereg = rrq();
  dereg.lifetime = 0;
  o = send(dereg, ha_destination(), kTrusted);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_TRUE(tnc_index(decode_reply(*o.reply)));
}

TEST_F(InternalHomeAgent, UntrustedSourceIsDroppedSilently) {
  reset(internal_config());
  Outcome o = send(rrq(), ha_destination(), kUntrusted);
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_FALSE(o.reply) << "RFC 5265 4.3: MUST reject (drop silently)";
  EXPECT_NE(o.reason.find("RFC 5265 4.3"), std::string::npos) << o.reason;
  EXPECT_NE(o.reason.find("198.51.100.7"), std::string::npos) << "logged with the source (SHOULD be logged)";
  EXPECT_EQ(ha_.bindings().size(), 0u);
  // Even a request that would be denied gets no answer: nothing is processed.
  Rrq bad = rrq();
  bad.corrupt_authenticator = true;
  EXPECT_FALSE(send(bad, ha_destination(), kUntrusted).reply);
}

TEST_F(InternalHomeAgent, TheSourceIsTheIpSourceAddressNotTheCareOfAddress) {
  reset(internal_config());
  // A care-of address inside a trusted subnet does not make an untrusted IP source trusted...
  Rrq r = rrq();
  r.care_of_address = "10.0.2.77";
  EXPECT_EQ(send(r, ha_destination(), kUntrusted).verdict, Verdict::Discarded);
  // ... and one outside the trusted subnets does not make a trusted source (an FA relaying, say) untrusted.
  r = rrq();
  r.care_of_address = "203.0.113.4";
  Outcome o = send(r, ha_destination(), kTrusted2);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_TRUE(tnc_index(decode_reply(*o.reply)));
}

TEST_F(InternalHomeAgent, EmptyTrustedListTrustsNothing) {
  // "with no subnets being trusted by default": an i-HA whose list is empty answers no one.
  reset(internal_config({}));
  EXPECT_TRUE(ha_.config().is_internal_home_agent());
  EXPECT_EQ(send(rrq(), ha_destination(), kTrusted).verdict, Verdict::Discarded);
}

TEST_F(InternalHomeAgent, FaultNoTncToTrustedSource) {
  reset(internal_config(), {Fault::NoTncToTrustedSource});
  Outcome o = send(rrq(), ha_destination(), kTrusted);
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  EXPECT_FALSE(tnc_index(decode_reply(*o.reply)));
  EXPECT_FALSE(send(rrq(), ha_destination(), kUntrusted).reply) << "the drop rule still holds";
}

TEST_F(InternalHomeAgent, FaultTncToUntrustedSource) {
  reset(internal_config(), {Fault::TncToUntrustedSource});
  Outcome o = send(rrq(), ha_destination(), kUntrusted);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_TRUE(tnc_index(decode_reply(*o.reply))) << "source check skipped: the untrusted source is told TNC";
  EXPECT_TRUE(tnc_index(decode_reply(*send(rrq(), ha_destination(), kTrusted).reply)));
}

TEST_F(InternalHomeAgent, FaultAnswerUntrustedSource) {
  reset(internal_config(), {Fault::AnswerUntrustedSource});
  Outcome o = send(rrq(), ha_destination(), kUntrusted);
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_FALSE(tnc_index(decode_reply(*o.reply))) << "answered like a plain HA: no TNC";
  EXPECT_TRUE(tnc_index(decode_reply(*send(rrq(), ha_destination(), kTrusted).reply))) << "TNC rule still holds";
}

}  // namespace
}  // namespace mipvpn::agents::ha::test
