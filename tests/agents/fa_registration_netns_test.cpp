// Registration through the reference foreign agent, end to end (root only): the relay to the reference home agent
// (byte-identical through MN-HA, from the care-of address), the reply relayed to the mobile node by its link-layer
// address, the visitor list, denials with their codes and addresses, the one-per-second limit, timeouts, ICMP
// errors, FA-HA with a test-side home agent and with the reference home agent, and relay faults visibly breaking their rules.
#include <random>
#include <set>

#include "harness/wire/codes.h"
#include "tests/agents/fa_netns_fixture.h"

namespace mipvpn::agents::fa::test {
namespace {

using wire::RegistrationReply;

std::optional<RegistrationReply> decode_reply(const std::vector<uint8_t>& b) {
  auto r = RegistrationReply::decode(b);
  if (!r) return std::nullopt;
  return r.value();
}

class FaRegistration : public FaNetns {
 protected:
  // Sends `q` from the mobile node's socket and returns the first reply with the request's Identification.
  std::optional<net::Datagram> exchange(net::UdpSocket& s, const MnRequest& q,
                                        std::chrono::milliseconds wait = 3000ms) {
    const auto st = s.send_to("10.0.2.1", 434, q.bytes());
    EXPECT_TRUE(st.ok) << st.error;
    return reply_to(s, q, wait);
  }
  std::optional<net::Datagram> reply_to(net::UdpSocket& s, const MnRequest& q, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto d = s.recv(left);
      if (!d) return std::nullopt;
      auto r = decode_reply(d->data);
      if (r && r->identification() == q.identification) return d;
    }
  }
  // The relayed request carrying `q`'s Identification on the upstream link, after capture position `from`.
  std::optional<net::Frame> relayed(const MnRequest& q, uint64_t from, std::chrono::milliseconds wait = 3000ms) {
    return next(
        *upstream_, from,
        [&](const FrameView& v) {
          if (!relayed_request(v)) return false;
          auto r = wire::RegistrationRequest::decode(std::get<2>(*v.udp()));
          return r && r->identification() == q.identification;
        },
        wait);
  }
};

TEST_F(FaRegistration, RequestRelayedByteIdenticalAndReplyRelayedToTheMobileNodesLinkAddress) {
  start_ha();
  start_fa();
  auto s = mn_socket(kHoAWithMnFa);
  MnRequest q;
  q.home_address = kHoAWithMnFa;
  q.flags = wire::RegistrationRequest::kFlagT;
  q.delivery_style_extension = true;
  q.mn_fa = true;
  const std::vector<uint8_t> sent = q.bytes();
  const uint64_t up = upstream_->frame_count(), vis = visited_->frame_count();
  auto d = exchange(*s, q);
  ASSERT_TRUE(d) << log_text("fa");

  // The relay (RFC 5944 3.7.2.2): from the care-of address to the Home Agent field, port 434, the request's bytes
  // through MN-HA and nothing after (MN-FA and the delivery-style extension consumed, RFC 3024 3.3).
  auto rf = relayed(q, up);
  ASSERT_TRUE(rf);
  const FrameView rv{*rf};
  EXPECT_EQ(rv.header()->source, kFa);
  EXPECT_EQ(rv.header()->destination, kHa);
  EXPECT_EQ(std::get<1>(*rv.udp()), 434);
  EXPECT_EQ(std::get<2>(*rv.udp()),
            std::vector<uint8_t>(sent.begin(), sent.begin() + static_cast<long>(q.mn_ha_end())));

  // The home agent's reply, and what the mobile node got (3.7.3.2): the same bytes through MN-HA, then MN-FA.
  auto hf = next(*upstream_, up, [](const FrameView& v) {
    auto u = v.udp();
    return u && v.header()->source == kHa && std::get<0>(*u) == 434 && !std::get<2>(*u).empty() &&
           std::get<2>(*u)[0] == 3;
  });
  ASSERT_TRUE(hf);
  const std::vector<uint8_t> ha_reply = std::get<2>(*FrameView{*hf}.udp());
  EXPECT_EQ(d->source, "10.0.2.1") << "copied from the request's IP destination (3.7.2.3)";
  EXPECT_EQ(d->source_port, 434);
  ASSERT_GT(d->data.size(), ha_reply.size());
  EXPECT_TRUE(std::equal(ha_reply.begin(), ha_reply.end(), d->data.begin()));
  auto rep = decode_reply(d->data);
  ASSERT_TRUE(rep);
  EXPECT_TRUE(wire::reply_code_accepted(rep->code())) << int(rep->code());
  ASSERT_EQ(rep->extensions().back().type, wire::MnFaAuth);
  EXPECT_TRUE(wire::verify_authentication(d->data, rep->extensions().back(), kMnFaKey));

  // On the visited link it went to the mobile node's link-layer address, not by ARP.
  auto vf = next(*visited_, vis, [](const FrameView& v) {
    auto u = v.udp();
    return u && std::get<0>(*u) == 434 && !std::get<2>(*u).empty() && std::get<2>(*u)[0] == 3;
  });
  ASSERT_TRUE(vf);
  EXPECT_EQ(FrameView{*vf}.destination(), mn_mac_);
  EXPECT_EQ(FrameView{*vf}.source(), fa_mac_);
  EXPECT_EQ(FrameView{*vf}.header()->destination, Tins::IPv4Address(kHoAWithMnFa));
  for (const net::Frame& f : visited_->frames(vis)) {
    auto arp = FrameView{f}.arp();
    EXPECT_FALSE(arp && arp->target_ip == Tins::IPv4Address(kHoAWithMnFa)) << "no ARP for the home address";
  }

  // The visitor list (3.7.1).
  const nlohmann::json v = visitors();
  ASSERT_EQ(v["visitors"].size(), 1u) << v.dump();
  const auto& e = v["visitors"][0];
  EXPECT_EQ(e["home_address"], kHoAWithMnFa);
  EXPECT_EQ(e["link_layer_address"], mac_to_string(mn_mac_));
  EXPECT_EQ(e["source_address"], kHoAWithMnFa);
  EXPECT_EQ(e["destination_address"], "10.0.2.1");
  EXPECT_EQ(e["source_port"], s->port());
  EXPECT_EQ(e["home_agent"], "10.0.1.1");
  EXPECT_EQ(e["identification"], q.identification);
  EXPECT_EQ(e["reverse_tunnel"], true);
  EXPECT_EQ(e["delivery_style"], "encapsulating");
  EXPECT_TRUE(v["pending"].empty());
  auto b = control_query(ha_control(), "bindings");
  ASSERT_TRUE(b);
  EXPECT_NE(b->find("\"care_of_address\":\"10.0.2.1\""), std::string::npos) << *b;
}

TEST_F(FaRegistration, DeregistrationRemovesTheVisitor) {
  start_ha();
  start_fa();
  auto s = mn_socket();
  MnRequest q;
  ASSERT_TRUE(exchange(*s, q));
  ASSERT_EQ(visitors()["visitors"].size(), 1u);
  MnRequest d;
  d.lifetime = 0;
  auto r = exchange(*s, d);
  ASSERT_TRUE(r);
  EXPECT_TRUE(wire::reply_code_accepted(decode_reply(r->data)->code()));
  EXPECT_TRUE(visitors()["visitors"].empty()) << "3.7.3.2: MUST delete its visitor list entry";
}

TEST_F(FaRegistration, DenialsCarryTheirCodesAndAreAddressedPer3723) {
  start_fa();
  struct Case {
    const char* what;
    std::function<void(MnRequest&)> change;
    int ttl;
    uint8_t code;
    uint16_t lifetime;  // expected in the denial
  };
  const std::vector<Case> cases = {
      {"reserved bit r", [](MnRequest& q) { q.flags = wire::RegistrationRequest::kFlagR; }, 64, 70, 300},
      {"lifetime too long", [](MnRequest& q) { q.lifetime = 601; }, 64, 69, 600},
      {"T with TTL 64", [](MnRequest& q) { q.flags = wire::RegistrationRequest::kFlagT; }, 64, 76, 300},
      {"care-of address not offered", [](MnRequest& q) { q.care_of_address = "10.0.2.99"; }, 64, 77, 300},
      {"home agent is the FA", [](MnRequest& q) { q.home_agent = "10.0.3.2"; }, 64, 194, 300},
      {"minimal encapsulation", [](MnRequest& q) { q.flags = wire::RegistrationRequest::kFlagM; }, 64, 72, 300},
      {"delivery style without T", [](MnRequest& q) { q.delivery_style_extension = true; }, 64, 70, 300},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.what);
    auto s = mn_socket(home_address(static_cast<int>(i)), c.ttl);  // one mobile node each: no rate limit between
    MnRequest q;
    q.home_address = home_address(static_cast<int>(i));
    c.change(q);
    const uint64_t up = upstream_->frame_count(), vis = visited_->frame_count();
    auto d = exchange(*s, q);
    ASSERT_TRUE(d) << log_text("fa");
    auto r = decode_reply(d->data);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code(), c.code);
    EXPECT_EQ(r->lifetime(), c.lifetime);
    EXPECT_EQ(r->home_address(), Tins::IPv4Address(q.home_address));
    EXPECT_EQ(r->home_agent(), Tins::IPv4Address(q.home_agent));
    EXPECT_EQ(d->source, "10.0.2.1");
    EXPECT_EQ(d->source_port, 434);
    auto f = next(*visited_, vis, [&](const FrameView& v) {
      auto u = v.udp();
      return u && std::get<0>(*u) == 434 && v.header()->destination == Tins::IPv4Address(q.home_address);
    });
    ASSERT_TRUE(f);
    EXPECT_EQ(FrameView{*f}.destination(), mn_mac_);
    EXPECT_FALSE(relayed(q, up, 50ms)) << "a denied request is not relayed";
  }
  // With an MN-FA security association, a missing MN-FA gets 67 (3.7.2.1).
  auto s = mn_socket(kHoAWithMnFa);
  MnRequest q;
  q.home_address = kHoAWithMnFa;
  auto d = exchange(*s, q);
  ASSERT_TRUE(d);
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaMobileNodeFailedAuth);
  EXPECT_TRUE(visitors()["pending"].empty());
}

TEST_F(FaRegistration, ZeroHomeAddressIsDeniedToTheLimitedBroadcast) {
  start_fa();
  auto s = mn_socket("10.0.1.100");
  MnRequest q;
  q.home_address = "0.0.0.0";
  const uint64_t vis = visited_->frame_count();
  ASSERT_TRUE(s->send_to("10.0.2.1", 434, q.bytes()).ok);
  auto f = next(*visited_, vis, [](const FrameView& v) {
    auto u = v.udp();
    return u && std::get<0>(*u) == 434;
  });
  ASSERT_TRUE(f);
  EXPECT_EQ(FrameView{*f}.header()->destination, Tins::IPv4Address("255.255.255.255"));
  EXPECT_EQ(FrameView{*f}.destination(), kBroadcastMac);
  EXPECT_EQ(decode_reply(std::get<2>(*FrameView{*f}.udp()))->code(), 96);
}

TEST_F(FaRegistration, ReverseTunnelUnavailableIs74AndMandatoryIs75) {
  start_fa({{"reverse_tunnelling", "off"}});
  auto s = mn_socket();
  MnRequest q;
  q.flags = wire::RegistrationRequest::kFlagT;
  auto d = exchange(*s, q);
  ASSERT_TRUE(d);
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaReverseTunnelUnavailable);
  fa_mipd_.stop(2000ms);
  start_fa({{"reverse_tunnelling", "mandatory"}});
  auto s2 = mn_socket("10.0.1.101");
  MnRequest plain;
  plain.home_address = "10.0.1.101";
  d = exchange(*s2, plain);
  ASSERT_TRUE(d);
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaReverseTunnelMandatory);
}

TEST_F(FaRegistration, AtMostOneDenialPerSecondPerMobileNode) {
  for (bool fault : {false, true}) {
    SCOPED_TRACE(fault ? "fault fa-no-denial-rate-limit" : "reference");
    start_fa({}, fault ? std::vector<std::string>{"fa-no-denial-rate-limit"} : std::vector<std::string>{});
    auto s = mn_socket();
    const uint64_t vis = visited_->frame_count();
    for (int i = 0; i < 3; ++i) {
      MnRequest q;
      q.flags = wire::RegistrationRequest::kFlagR;
      ASSERT_TRUE(s->send_to("10.0.2.1", 434, q.bytes()).ok);
    }
    // Wait for the first denial, then long enough that all three would have been answered.
    ASSERT_TRUE(s->recv(3000ms));
    size_t got = 1;
    while (s->recv(500ms)) ++got;
    EXPECT_EQ(got, fault ? 3u : 1u);
    size_t on_link = 0;
    for (const net::Frame& f : visited_->frames(vis)) {
      auto u = FrameView{f}.udp();
      on_link += u && std::get<0>(*u) == 434 ? 1 : 0;
    }
    EXPECT_EQ(on_link, got);
    fa_mipd_.stop(2000ms);
  }
}

TEST_F(FaRegistration, SilentHomeAgentMeansCode78AfterThePendingTimeout) {
  start_ha(false, {"no-reply-on-accept"});
  start_fa({{"pending_timeout_ms", 500u}});
  auto s = mn_socket();
  MnRequest q;
  const auto sent = std::chrono::steady_clock::now();
  auto d = exchange(*s, q, 3000ms);
  ASSERT_TRUE(d) << log_text("fa");
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaRegistrationTimeout);
  EXPECT_GE(waited.count(), 450);
  EXPECT_TRUE(visitors()["pending"].empty());
  EXPECT_TRUE(visitors()["visitors"].empty());
}

TEST_F(FaRegistration, UnreachableHomeAgentPortMeansCode82) {
  start_fa();  // no home agent listens on 10.0.1.1:434: its kernel answers ICMP port unreachable
  auto s = mn_socket();
  MnRequest q;
  auto d = exchange(*s, q);
  ASSERT_TRUE(d) << log_text("fa");
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaHomeAgentPortUnreachable);
}

// Malformed registrations, unknown extensions, replies from nowhere and a flood: the agent keeps serving.
TEST_F(FaRegistration, MalformedInputAndFloodsNeverStopTheAgent) {
  start_ha();
  start_fa();
  std::mt19937 rng(42);
  std::vector<std::unique_ptr<net::UdpSocket>> socks;
  for (int i = 0; i < 4; ++i) socks.push_back(mn_socket(home_address(i), i % 2 ? 255 : 64));
  const std::vector<uint8_t> valid = MnRequest().bytes();
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> m;
    switch (i % 6) {
      case 0:  // random bytes
        m.resize(rng() % 300);
        for (auto& b : m) b = static_cast<uint8_t>(rng());
        break;
      case 1:  // a request cut anywhere
        m.assign(valid.begin(), valid.begin() + static_cast<long>(rng() % valid.size()));
        break;
      case 2: {  // a request with random extensions
        m.assign(valid.begin(), valid.begin() + 24);
        const size_t n = rng() % 40;
        for (size_t k = 0; k < n; ++k) m.push_back(static_cast<uint8_t>(rng()));
        break;
      }
      case 3: {  // unknown extension 0-127 after MN-HA
        m = valid;
        m.insert(m.end(), {100, 1, 0});
        break;
      }
      case 4: {  // replies that match nothing
        RegistrationReply r(0, 300, Tins::IPv4Address(home_address(i % 10)), kHa, rng());
        m = r.bytes();
        break;
      }
      default:  // valid-looking requests with random Identifications (relayed, then answered or denied by the HA)
        MnRequest q;
        q.home_address = home_address(i % 4);
        q.identification = (uint64_t{rng()} << 32) | rng();
        m = q.bytes();
    }
    (void)socks[static_cast<size_t>(i) % socks.size()]->send_to("10.0.2.1", 434, m);
  }
  ASSERT_TRUE(poll_until([&] { return control_query(fa_control(), "ping").has_value(); }, 5000ms));
  ASSERT_TRUE(fa_mipd_.running()) << log_text("fa");
  // Still serving: a fresh mobile node registers.
  auto s = mn_socket(home_address(8));
  MnRequest q;
  q.home_address = home_address(8);
  auto d = exchange(*s, q, 5000ms);
  ASSERT_TRUE(d) << "no reply after the flood\n" << log_text("fa").substr(log_text("fa").size() > 3000 ? log_text("fa").size() - 3000 : 0);
  EXPECT_TRUE(wire::reply_code_accepted(decode_reply(d->data)->code()));
}

// FA-HA (RFC 5944 3.7.2.2, 3.7.3.1, 3.5.4) with a test-side home agent: the reference HA has no FA SAs.
TEST_F(FaRegistration, ForeignHomeAuthenticationWithATestSideHomeAgent) {
  nlohmann::json patch;
  patch["security_associations"]["home_agents"] =
      nlohmann::json::array({{{"address", "10.0.1.1"}, {"spi", kFaHaSpi}, {"key", "faa55aaf"}}});
  start_fa(patch);
  net::UdpSocket ha(ha_, "10.0.1.1", 434);
  auto s = mn_socket();
  auto relay = [&](const MnRequest& q) -> std::optional<net::Datagram> {
    EXPECT_TRUE(s->send_to("10.0.2.1", 434, q.bytes()).ok);
    return ha.recv(3000ms);
  };
  auto answer = [&](const MnRequest& q, const net::Datagram& from, std::optional<std::vector<uint8_t>> fa_ha_key) {
    RegistrationReply r(0, q.lifetime, Tins::IPv4Address(q.home_address), kHa, q.identification);
    r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
    if (fa_ha_key) r.add_authentication(wire::FaHaAuth, kFaHaSpi, *fa_ha_key);
    EXPECT_TRUE(ha.send_to(from.source, from.source_port, r.bytes()).ok);
    return r.bytes();
  };

  MnRequest q;
  auto got = relay(q);
  ASSERT_TRUE(got) << log_text("fa");
  EXPECT_EQ(got->source, "10.0.2.1");
  auto req = wire::RegistrationRequest::decode(got->data);
  ASSERT_TRUE(req);
  ASSERT_EQ(req->extensions().size(), 2u);
  EXPECT_EQ(req->extensions()[1].type, wire::FaHaAuth);
  EXPECT_TRUE(wire::verify_authentication(got->data, req->extensions()[1], kFaHaKey));
  // A reply with a bad FA-HA: discarded, the mobile node is told 68 (3.7.3.1).
  answer(q, *got, std::vector<uint8_t>{1, 2, 3, 4});
  auto d = reply_to(*s, q, 3000ms);
  ASSERT_TRUE(d);
  EXPECT_EQ(decode_reply(d->data)->code(), wire::kFaHomeAgentFailedAuth);

  // A good one is relayed with FA-HA removed (3.7.3.2).
  MnRequest q2;
  got = relay(q2);
  ASSERT_TRUE(got);
  const std::vector<uint8_t> sent = answer(q2, *got, kFaHaKey);
  d = reply_to(*s, q2, 3000ms);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->data, std::vector<uint8_t>(sent.begin(), sent.begin() + 20 + 2 + wire::kHmacMd5AuthLength));

  // Deregistration: no FA-HA (3.5.4 "MUST NOT").
  MnRequest dereg;
  dereg.lifetime = 0;
  got = relay(dereg);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->data, dereg.bytes());
}

// FA-HA between the reference agents (RFC 5944 3.7.2.2, 3.8.2.1 c, 3.8.3.3 e): the FA configured with the HA's SA, the
// HA with the FA's (keyed by the FA's care-of address 10.0.2.1, the relayed request's IP source). Accepted with FA-HA
// on the wire in both directions; a wrong key or an HA fault gives the expected denial.
TEST_F(FaRegistration, ForeignHomeAuthenticationBetweenTheReferenceAgents) {
  nlohmann::json fa_patch;
  fa_patch["security_associations"]["home_agents"] =
      nlohmann::json::array({{{"address", "10.0.1.1"}, {"spi", kFaHaSpi}, {"key", "faa55aaf"}}});
  start_fa(fa_patch);
  auto ha_with = [&](const std::string& key, const std::vector<std::string>& faults) {
    if (ha_mipd_.started() && ha_mipd_.running()) ha_mipd_.stop(2000ms);
    nlohmann::json p;
    p["foreign_agents"] = nlohmann::json::array({{{"address", "10.0.2.1"}, {"spi", kFaHaSpi}, {"key", key}}});
    start_ha(false, faults, p);
  };
  // One registration of `hoa`: the relayed request and the HA's reply on the upstream link, the MN's reply.
  struct Exchange {
    std::optional<wire::RegistrationRequest> relayed;
    std::vector<uint8_t> relayed_bytes;
    std::optional<RegistrationReply> ha_reply;
    std::vector<uint8_t> ha_reply_bytes;
    std::optional<RegistrationReply> mn_reply;
  };
  auto registration = [&](int hoa) {
    Exchange e;
    auto s = mn_socket(home_address(hoa));
    MnRequest q;
    q.home_address = home_address(hoa);
    const uint64_t from = upstream_->frame_count();
    auto d = exchange(*s, q, 4000ms);
    if (d) e.mn_reply = decode_reply(d->data);
    if (auto f = relayed(q, from)) {
      e.relayed_bytes = std::get<2>(*FrameView{*f}.udp());
      e.relayed = wire::RegistrationRequest::decode(e.relayed_bytes).value();
    }
    auto r = next(*upstream_, from, [&](const FrameView& v) {
      auto h = v.header();
      auto u = v.udp();
      if (!h || !u || h->source != kHa || std::get<0>(*u) != 434 || std::get<2>(*u).empty()) return false;
      auto rep = decode_reply(std::get<2>(*u));
      return rep && rep->identification() == q.identification;
    });
    if (r) {
      e.ha_reply_bytes = std::get<2>(*FrameView{*r}.udp());
      e.ha_reply = decode_reply(e.ha_reply_bytes);
    }
    return e;
  };
  // The last extension of `bytes` is an FA-HA valid under `key` with the shared SPI.
  auto fa_ha_last_valid = [](const std::vector<wire::Extension>& exts, const std::vector<uint8_t>& bytes,
                             const std::vector<uint8_t>& key) {
    if (exts.empty() || exts.back().type != wire::FaHaAuth) return false;
    auto a = wire::AuthExtension::from(exts.back());
    return a && a->spi == kFaHaSpi && wire::verify_authentication(bytes, exts.back(), key);
  };
  auto count = [](const std::vector<wire::Extension>& exts, uint8_t type) {
    return std::count_if(exts.begin(), exts.end(), [&](const wire::Extension& x) { return x.type == type; });
  };

  // Both configured with the same key: accepted, FA-HA both ways, the MN's reply without it (3.7.3.2 strips it).
  ha_with("faa55aaf", {});
  auto ok = registration(1);
  ASSERT_TRUE(ok.relayed && ok.ha_reply && ok.mn_reply) << log_text("fa") << log_text("ha");
  EXPECT_TRUE(fa_ha_last_valid(ok.relayed->extensions(), ok.relayed_bytes, kFaHaKey)) << "FA -> HA";
  EXPECT_TRUE(wire::reply_code_accepted(ok.ha_reply->code())) << log_text("ha");
  EXPECT_TRUE(fa_ha_last_valid(ok.ha_reply->extensions(), ok.ha_reply_bytes, kFaHaKey)) << "HA -> FA";
  EXPECT_EQ(count(ok.ha_reply->extensions(), wire::MnHaAuth), 1);
  EXPECT_TRUE(wire::reply_code_accepted(ok.mn_reply->code()));
  EXPECT_EQ(count(ok.mn_reply->extensions(), wire::FaHaAuth), 0);
  EXPECT_NE(log_text("ha").find("FA-HA spi=500"), std::string::npos) << log_text("ha");

  // The HA holds another key: it denies 132 (3.8.2.1 c); its FA-HA, under its own key, fails at the FA, which
  // discards the reply and tells the mobile node 68 (3.7.3.1).
  ha_with("0badc0de", {});
  auto bad = registration(2);
  ASSERT_TRUE(bad.ha_reply && bad.mn_reply) << log_text("fa") << log_text("ha");
  EXPECT_EQ(bad.ha_reply->code(), wire::kHaForeignAgentFailedAuth) << log_text("ha");
  EXPECT_EQ(bad.mn_reply->code(), wire::kFaHomeAgentFailedAuth);

  // Fault no-fa-ha-in-reply: the HA accepts but sends no FA-HA; the FA cannot trust the reply: 68.
  ha_with("faa55aaf", {"no-fa-ha-in-reply"});
  auto unsigned_reply = registration(3);
  ASSERT_TRUE(unsigned_reply.ha_reply && unsigned_reply.mn_reply) << log_text("ha");
  EXPECT_EQ(count(unsigned_reply.ha_reply->extensions(), wire::FaHaAuth), 0);
  EXPECT_EQ(unsigned_reply.mn_reply->code(), wire::kFaHomeAgentFailedAuth);

  // An FA that appends no FA-HA (its fault): the reference HA denies 132, with the fault accept-missing-or-bad-fa-ha
  // it accepts.
  fa_mipd_.stop(2000ms);
  start_fa(fa_patch, {"fa-no-fa-ha-with-sa"});
  ha_with("faa55aaf", {});
  auto missing = registration(4);
  ASSERT_TRUE(missing.relayed && missing.ha_reply && missing.mn_reply) << log_text("fa") << log_text("ha");
  EXPECT_EQ(count(missing.relayed->extensions(), wire::FaHaAuth), 0);
  EXPECT_EQ(missing.ha_reply->code(), wire::kHaForeignAgentFailedAuth);
  EXPECT_TRUE(fa_ha_last_valid(missing.ha_reply->extensions(), missing.ha_reply_bytes, kFaHaKey));
  EXPECT_EQ(missing.mn_reply->code(), wire::kHaForeignAgentFailedAuth) << "relayed to the mobile node";
  ha_with("faa55aaf", {"accept-missing-or-bad-fa-ha"});
  auto faulty = registration(5);
  ASSERT_TRUE(faulty.ha_reply) << log_text("ha");
  EXPECT_TRUE(wire::reply_code_accepted(faulty.ha_reply->code())) << "the fault accepts without FA-HA";
}

// Relay faults shown on the wire against the reference home agent: the check holds for the reference and fails
// with the fault.
TEST_F(FaRegistration, RelayFaultsBreakTheirRulesOnTheWire) {
  start_ha();
  struct Case {
    const char* fault;
    std::function<MnRequest()> request;
    int ttl;
    // "" when the rule holds; gets the request sent, the relayed request (if any) and the reply the mobile node got
    // (if any).
    std::function<std::string(const MnRequest&, const std::optional<std::vector<uint8_t>>&,
                              const std::optional<net::Datagram>&)>
        violation;
  };
  auto relayed_bytes_equal_prefix = [](const MnRequest& q, const std::optional<std::vector<uint8_t>>& r,
                                       const std::optional<net::Datagram>&) -> std::string {
    const std::vector<uint8_t> sent = q.bytes();
    if (!r) return "not relayed";
    if (*r != std::vector<uint8_t>(sent.begin(), sent.begin() + static_cast<long>(q.mn_ha_end()))) {
      return "relayed bytes differ";
    }
    return "";
  };
  MnRequest with_fa_only;
  with_fa_only.home_address = kHoAWithMnFa;
  with_fa_only.flags = wire::RegistrationRequest::kFlagT;
  with_fa_only.delivery_style_extension = true;
  with_fa_only.mn_fa = true;
  MnRequest reserved;
  reserved.flags = wire::RegistrationRequest::kFlagR;
  MnRequest reverse;
  reverse.flags = wire::RegistrationRequest::kFlagT;
  MnRequest plain;
  MnRequest with_mn_fa;
  with_mn_fa.home_address = kHoAWithMnFa;
  with_mn_fa.mn_fa = true;
  auto code_is = [](uint8_t code) {
    return [code](const MnRequest&, const std::optional<std::vector<uint8_t>>&,
                  const std::optional<net::Datagram>& d) -> std::string {
      if (!d) return "no reply";
      auto r = decode_reply(d->data);
      return r && r->code() == code ? "" : "code " + std::to_string(r ? r->code() : -1);
    };
  };
  const std::vector<Case> cases = {
      {"fa-relay-modifies-before-mn-ha", [&] { return plain; }, 64, relayed_bytes_equal_prefix},
      {"fa-relay-keeps-mn-fa", [&] { return with_fa_only; }, 255, relayed_bytes_equal_prefix},
      {"fa-relay-keeps-delivery-style-extension", [&] { return with_fa_only; }, 255, relayed_bytes_equal_prefix},
      {"fa-accept-reserved-bits", [&] { return reserved; }, 64, code_is(70)},
      {"fa-skip-ttl-check", [&] { return reverse; }, 64, code_is(76)},
      {"fa-reply-not-relayed", [&] { return plain; }, 64,
       [](const auto&, const auto&, const std::optional<net::Datagram>& d) {
         return d ? std::string() : "no reply relayed";
       }},
      {"fa-no-mn-fa-in-reply", [&] { return with_mn_fa; }, 64,
       [](const auto&, const auto&, const std::optional<net::Datagram>& d) -> std::string {
         if (!d) return "no reply";
         auto r = decode_reply(d->data);
         return r && !r->extensions().empty() && r->extensions().back().type == wire::MnFaAuth ? "" : "no MN-FA";
       }},
      {"fa-denial-wrong-identification", [&] { return reserved; }, 64,
       [](const auto&, const auto&, const std::optional<net::Datagram>& d) {
         return d ? std::string() : "no matching denial";
       }},
  };
  for (const Case& c : cases) {
    for (bool with_fault : {false, true}) {
      SCOPED_TRACE(std::string(c.fault) + (with_fault ? " (fault)" : " (reference)"));
      start_fa({}, with_fault ? std::vector<std::string>{c.fault} : std::vector<std::string>{});
      MnRequest q = c.request();
      q.identification = fresh_id();
      auto s = mn_socket(q.home_address, c.ttl);
      const uint64_t up = upstream_->frame_count();
      auto d = exchange(*s, q, 1500ms);
      std::optional<std::vector<uint8_t>> r;
      if (auto f = relayed(q, up, 100ms)) r = std::get<2>(*FrameView{*f}.udp());
      const std::string v = c.violation(q, r, d);
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
