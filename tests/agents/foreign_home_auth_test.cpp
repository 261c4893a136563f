// FA-HA authentication in the home agent (RFC 5944 3.5.4, 3.8.1, 3.8.2.1 c/d, 3.8.3.3): the socket-free core with a
// security association with the foreign agent at 10.0.2.254, its configuration, and the three faults.
#include "agents/common/config_reader.h"
#include "harness/wire/codes.h"
#include "tests/agents/ha_test_support.h"

namespace mipvpn::agents::ha::test {
namespace {

using namespace std::chrono_literals;

inline const std::vector<uint8_t> kFaKey = {0xfa, 0xa5, 0x5a, 0xaf, 0x01, 0x02, 0x03, 0x04};
inline const std::vector<uint8_t> kFaKey2 = {0x11, 0x22, 0x33, 0x44};
inline constexpr const char* kFa = "10.0.2.254";      // the FA's care-of address = the relayed request's IP source
inline constexpr const char* kOtherFa = "10.0.3.254";  // no SA with this one
inline constexpr uint32_t kFaSpi = 500;

HaConfig with_foreign_agent() {
  HaConfig c = reference_config();
  c.foreign_agents.push_back({Tins::IPv4Address(kFa), kFaSpi, kFaKey, "hmac-md5"});
  c.foreign_agents.push_back({Tins::IPv4Address(kFa), kFaSpi + 1, kFaKey2, "hmac-md5"});
  return c;
}

Endpoint from(const char* fa) { return Endpoint{Tins::IPv4Address(fa), 40123}; }

// A request as the foreign agent relays it: the mobile node's bytes, then FA-HA over all of them (3.7.2.2).
std::vector<uint8_t> relayed(const Rrq& r, std::optional<std::vector<uint8_t>> key = kFaKey, uint32_t spi = kFaSpi,
                             int copies = 1) {
  std::vector<uint8_t> b = r.bytes();
  for (int i = 0; key && i < copies; ++i) {
    wire::encode_extension(wire::make_authentication(b, wire::FaHaAuth, spi, *key), b);
  }
  return b;
}

// The reply's extensions after the fixed part: MN-HA valid, then (when `fa_key`) exactly one FA-HA, last, valid.
void expect_reply_auth(const OutgoingReply& reply, std::optional<std::vector<uint8_t>> fa_key, uint32_t spi = kFaSpi) {
  auto rep = wire::RegistrationReply::decode(reply.payload.data(), reply.payload.size());
  ASSERT_TRUE(rep.ok());
  const auto& exts = rep->extensions();
  ASSERT_FALSE(exts.empty());
  size_t mn_ha_at = exts.size();
  size_t fa_ha = 0;
  for (size_t i = 0; i < exts.size(); ++i) {
    if (exts[i].type == wire::MnHaAuth) mn_ha_at = i;
    if (exts[i].type == wire::FaHaAuth) ++fa_ha;
  }
  ASSERT_LT(mn_ha_at, exts.size());
  EXPECT_TRUE(wire::verify_authentication(reply.payload, exts[mn_ha_at], kKey1));
  if (!fa_key) {
    EXPECT_EQ(fa_ha, 0u) << "no FA-HA expected";
    EXPECT_FALSE(reply.foreign_home_spi);
    return;
  }
  ASSERT_EQ(fa_ha, 1u);
  EXPECT_EQ(exts.back().type, wire::FaHaAuth) << "3.8.3.3 e: FA-HA is last";
  EXPECT_LT(mn_ha_at, exts.size() - 1) << "3.8.3.3 c before e";
  auto auth = wire::AuthExtension::from(exts.back());
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->spi, spi);
  EXPECT_TRUE(wire::verify_authentication(reply.payload, exts.back(), *fa_key)) << "FA-HA authenticator valid";
  EXPECT_EQ(reply.foreign_home_spi, spi);
}

class ForeignHomeAuth : public HaTest {
 protected:
  ForeignHomeAuth() { ha_ = HomeAgent(with_foreign_agent()); }
  void with(FaultSet f) { ha_ = HomeAgent(with_foreign_agent(), f); }
  Rrq via_fa() {
    Rrq r = rrq();
    r.care_of_address = kFa;
    return r;
  }
  Outcome relay(const std::vector<uint8_t>& bytes, const char* fa = kFa) {
    return ha_.process(bytes, from(fa), ha_destination(), now_);
  }
};

TEST_F(ForeignHomeAuth, ValidFaHaIsAcceptedAndTheReplyEndsWithFaHa) {
  const Outcome o = relay(relayed(via_fa()));
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->destination, from(kFa));
  expect_reply_auth(*o.reply, kFaKey);
}

TEST_F(ForeignHomeAuth, TheReplyUsesTheSecurityAssociationTheRequestUsed) {
  const Outcome o = relay(relayed(via_fa(), kFaKey2, kFaSpi + 1));
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  expect_reply_auth(*o.reply, kFaKey2, kFaSpi + 1);
}

TEST_F(ForeignHomeAuth, MissingFaHaIsDenied132) {
  const Outcome o = relay(relayed(via_fa(), std::nullopt));
  EXPECT_EQ(o.verdict, Verdict::Denied);
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, wire::kHaForeignAgentFailedAuth) << o.reason;
  EXPECT_NE(o.reason.find("3.8.2.1 c"), std::string::npos) << o.reason;
  EXPECT_TRUE(ha_.bindings().size() == 0u);
  // The denial goes to the foreign agent, so it is authenticated to it too (3.8.3.3 e).
  expect_reply_auth(*o.reply, kFaKey);
}

TEST_F(ForeignHomeAuth, WrongKeyTwoExtensionsOrUnknownSpiAreDenied132) {
  for (const auto& bytes : {relayed(via_fa(), std::vector<uint8_t>{1, 2, 3}), relayed(via_fa(), kFaKey, kFaSpi, 2),
                            relayed(via_fa(), kFaKey, 999)}) {
    const Outcome o = relay(bytes);
    EXPECT_EQ(o.verdict, Verdict::Denied);
    ASSERT_TRUE(o.reply);
    EXPECT_EQ(o.reply->code, wire::kHaForeignAgentFailedAuth) << o.reason;
  }
  EXPECT_TRUE(ha_.bindings().size() == 0u);
}

TEST_F(ForeignHomeAuth, BadMobileHomeAuthenticatorWithValidFaHaIs131) {
  Rrq r = via_fa();
  r.corrupt_authenticator = true;
  const Outcome o = relay(relayed(r));
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, wire::kHaMobileNodeFailedAuth) << "3.8.2.1 a: a valid FA-HA means Code 131";
}

TEST_F(ForeignHomeAuth, IdentificationIsCheckedBeforeFaHa) {
  Rrq r = via_fa();
  r.identification = ntp_at(now_, -60s);
  const Outcome o = relay(relayed(r, std::nullopt));
  ASSERT_TRUE(o.reply);
  EXPECT_EQ(o.reply->code, wire::kHaIdentificationMismatch) << "3.8.2.1 lists b before c";
}

TEST_F(ForeignHomeAuth, DeregistrationNeedsNoFaHaAndItsReplyHasNone) {
  ASSERT_EQ(relay(relayed(via_fa())).verdict, Verdict::Accepted);
  Rrq d = via_fa();
  d.lifetime = 0;
  const Outcome o = relay(relayed(d, std::nullopt));
  ASSERT_EQ(o.verdict, Verdict::Accepted) << o.reason;
  EXPECT_TRUE(ha_.bindings().size() == 0u);
  expect_reply_auth(*o.reply, std::nullopt);  // 3.5.4 "MUST NOT be applied to deregistration messages"
}

TEST_F(ForeignHomeAuth, OtherSourcesAreUnaffected) {
  // The mobile node itself (co-located) and a foreign agent without an SA: no FA-HA needed, none in the reply.
  const Outcome direct = send(rrq());
  ASSERT_EQ(direct.verdict, Verdict::Accepted) << direct.reason;
  expect_reply_auth(*direct.reply, std::nullopt);
  Rrq r = rrq();
  r.care_of_address = kOtherFa;
  const Outcome other = relay(relayed(r, std::nullopt), kOtherFa);
  ASSERT_EQ(other.verdict, Verdict::Accepted) << other.reason;
  expect_reply_auth(*other.reply, std::nullopt);
  // ... but an FA-HA from that one is discarded (3.8.2.1 d).
  Rrq r2 = rrq();
  r2.care_of_address = kOtherFa;
  EXPECT_EQ(relay(relayed(r2), kOtherFa).verdict, Verdict::Discarded);
}

TEST_F(ForeignHomeAuth, FaultAcceptMissingOrBadFaHa) {
  with(FaultSet{Fault::AcceptMissingOrBadFaHa});
  EXPECT_EQ(relay(relayed(via_fa(), std::nullopt)).verdict, Verdict::Accepted);
  EXPECT_EQ(relay(relayed(via_fa(), std::vector<uint8_t>{9})).verdict, Verdict::Accepted);
}

TEST_F(ForeignHomeAuth, FaultNoFaHaInReply) {
  with(FaultSet{Fault::NoFaHaInReply});
  const Outcome o = relay(relayed(via_fa()));
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  expect_reply_auth(*o.reply, std::nullopt);
}

TEST_F(ForeignHomeAuth, FaultFaHaOnDeregistrationReply) {
  with(FaultSet{Fault::FaHaOnDeregistrationReply});
  ASSERT_EQ(relay(relayed(via_fa())).verdict, Verdict::Accepted);
  Rrq d = via_fa();
  d.lifetime = 0;
  const Outcome o = relay(relayed(d, std::nullopt));
  ASSERT_EQ(o.verdict, Verdict::Accepted);
  expect_reply_auth(*o.reply, kFaKey);
}

// Configuration: "foreign_agents": [{"address", "spi" >= 256, "key" hex, "algorithm" "hmac-md5"}].
nlohmann::json config_with(nlohmann::json foreign_agents) {
  nlohmann::json j = nlohmann::json::parse(R"({"role":"ha","address":"10.0.1.1","home_network":"10.0.1.0/24",
    "max_lifetime":1800,"mobile_nodes":[{"home_address":"10.0.1.100","spi":256,"key":"0011"}]})");
  j["foreign_agents"] = std::move(foreign_agents);
  return j;
}

std::string error_of(const nlohmann::json& j) {
  try {
    parse_ha_config(j, "ha.json");
  } catch (const ConfigException& e) {
    return e.error().path + " | " + e.error().to_string();
  }
  return "no error";
}

TEST(HaConfigForeignAgents, Loads) {
  const HaConfig c = parse_ha_config(
      config_with({{{"address", "10.0.2.254"}, {"spi", 500u}, {"key", "faa55aaf"}, {"algorithm", "hmac-md5"}}}),
      "ha.json");
  ASSERT_EQ(c.foreign_agents.size(), 1u);
  EXPECT_EQ(c.foreign_agents[0].address, Tins::IPv4Address("10.0.2.254"));
  EXPECT_EQ(c.foreign_agents[0].spi, 500u);
  EXPECT_EQ(c.foreign_agents[0].key, (std::vector<uint8_t>{0xfa, 0xa5, 0x5a, 0xaf}));
  EXPECT_TRUE(c.shares_sa_with_foreign_agent(Tins::IPv4Address("10.0.2.254")));
  EXPECT_FALSE(c.shares_sa_with_foreign_agent(Tins::IPv4Address("10.0.2.253")));
  EXPECT_TRUE(parse_ha_config(config_with(nlohmann::json::array()), "ha.json").foreign_agents.empty());
}

TEST(HaConfigForeignAgents, ErrorsNameFileAndPointer) {
  const nlohmann::json ok = {{"address", "10.0.2.254"}, {"spi", 500u}, {"key", "faa55aaf"}};
  auto with = [&](const char* k, nlohmann::json v) {
    nlohmann::json e = ok;
    if (v.is_null()) {
      e.erase(k);
    } else {
      e[k] = std::move(v);
    }
    return config_with({ok, e});
  };
  EXPECT_NE(error_of(with("spi", 255u)).find("/foreign_agents/1/spi | ha.json: /foreign_agents/1/spi"),
            std::string::npos) << error_of(with("spi", 255u));
  EXPECT_EQ(error_of(with("key", "xyz")).rfind("/foreign_agents/1/key", 0), 0u) << error_of(with("key", "xyz"));
  EXPECT_EQ(error_of(with("address", "224.0.0.1")).rfind("/foreign_agents/1/address", 0), 0u);
  EXPECT_EQ(error_of(with("address", nullptr)).rfind("/foreign_agents/1", 0), 0u);
  EXPECT_EQ(error_of(with("algorithm", "sha1")).rfind("/foreign_agents/1/algorithm", 0), 0u);
  EXPECT_EQ(error_of(with("colour", "red")).rfind("/foreign_agents/1", 0), 0u);
  EXPECT_EQ(error_of(config_with({ok, ok})).rfind("/foreign_agents/1/spi", 0), 0u) << "duplicate";
  EXPECT_EQ(error_of(config_with("10.0.2.254")).rfind("/foreign_agents", 0), 0u);
}

}  // namespace
}  // namespace mipvpn::agents::ha::test
