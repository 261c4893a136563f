// The foreign agent's data plane end to end (root only), with the reference home agent's data plane: a
// correspondent node on the home link pings the mobile node's home address through HA -> IP-in-IP -> FA -> the
// mobile node's link-layer address, and the replies come back plainly routed, reverse tunnelled (Direct Delivery) or
// re-tunnelled (Encapsulating Delivery); non-visitor tunnelled datagrams are dropped without ICMP; the data-plane
// faults visibly break their rules.
#include <random>

#include "agents/common/raw_ip_socket.h"
#include "harness/wire/codes.h"
#include "tests/agents/fa_netns_fixture.h"

namespace mipvpn::agents::fa::test {
namespace {

const Tins::IPv4Address kHome("10.0.1.100");

bool is_ipip(const FrameView& v, Tins::IPv4Address outer_src, Tins::IPv4Address outer_dst) {
  auto h = v.header();
  return h && h->protocol == kProtoIpInIp && h->source == outer_src && h->destination == outer_dst;
}
std::optional<Ipv4Header> inner_of(const FrameView& v) {
  auto p = v.payload();
  if (p.empty()) return std::nullopt;
  return parse_ipv4_header(p);
}
bool is_echo(const FrameView& v, uint8_t type, Tins::IPv4Address src, Tins::IPv4Address dst) {
  auto h = v.header();
  return h && h->protocol == kProtoIcmp && h->source == src && h->destination == dst && !v.payload().empty() &&
         v.payload()[0] == type;
}
bool inner_is_echo(const FrameView& v, uint8_t type, Tins::IPv4Address src, Tins::IPv4Address dst) {
  auto i = inner_of(v);
  if (!i || i->protocol != kProtoIcmp || i->source != src || i->destination != dst) return false;
  auto body = ipv4_payload(v.payload(), *i);
  return !body.empty() && body[0] == type;
}

std::vector<uint8_t> udp_datagram(Tins::IPv4Address src, Tins::IPv4Address dst, const std::string& text,
                                  uint8_t ttl = 64) {
  std::vector<uint8_t> u = {0x9c, 0x40, 0x27, 0x0f, 0, 0, 0, 0};  // 40000 -> 9999, no checksum (RFC 768)
  u.insert(u.end(), text.begin(), text.end());
  u[4] = static_cast<uint8_t>(u.size() >> 8);
  u[5] = static_cast<uint8_t>(u.size() & 0xff);
  return build_ipv4_packet(src, dst, kProtoUdp, u, ttl);
}
bool carries_text(std::span<const uint8_t> ip_packet, const std::string& text) {
  const std::string s(ip_packet.begin(), ip_packet.end());
  return s.find(text) != std::string::npos;
}

class FaDataPlane : public FaNetns {
 protected:
  void SetUp() override {
    FaNetns::SetUp();
    if (IsSkipped()) return;
    for (const char* k : {"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"}) run(ha_, {"sysctl", "-qw", k});
    home_ = std::make_unique<net::SegmentCapture>(cn_, "h-cn", (dir_ / "home.pcapng").string());
  }
  nlohmann::json with_data_plane(nlohmann::json patch = nlohmann::json::object()) {
    patch["data_plane"] = {{"tunnel_device", "mipfa0"}, {"table", 100u}};
    return patch;
  }
  // Registers the mobile node 10.0.1.100 through the FA; returns the reply code.
  uint8_t register_mn(uint8_t flags = 0, bool encapsulating = false, uint16_t lifetime = 300) {
    auto s = mn_socket("10.0.1.100", 255);
    MnRequest q;
    q.flags = flags;
    q.delivery_style_extension = encapsulating;
    q.lifetime = lifetime;
    EXPECT_TRUE(s->send_to("10.0.2.1", 434, q.bytes()).ok);
    auto d = s->recv(3000ms);
    EXPECT_TRUE(d) << log_text("fa");
    if (!d) return 255;
    auto r = wire::RegistrationReply::decode(d->data);
    return r ? r->code() : 254;
  }
  bool ping(int count = 3) {
    const net::CommandResult r = net::run_command_in(
        cn_, {"ping", "-n", "-c", std::to_string(count), "-i", "0.2", "-W", "2", "10.0.1.100"}, 15000ms);
    return r.ok();
  }
  // The FA's policy rules ("ip rule" output).
  std::string rules() { return output(fa_, {"ip", "rule", "show"}); }
  // Sends a whole IPv4 packet IP-in-IP from the mobile node to the FA (Encapsulating Delivery, RFC 3024 5.2.2).
  void mn_encapsulate(const std::vector<uint8_t>& inner) {
    auto raw = net::in_netns(mn_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
    EXPECT_EQ(raw->send(inner, kFa, kHome), 0);
  }
  // Sends a plain datagram from the mobile node (to its default router, the FA).
  void mn_plain(const std::vector<uint8_t>& packet) {
    auto raw = net::in_netns(mn_, [] { return std::make_unique<RawIpSocket>(kProtoUdp); });
    auto h = parse_ipv4_header(packet);
    ASSERT_TRUE(h);
    EXPECT_EQ(raw->send(ipv4_payload(packet, *h), h->destination, h->source), 0);
  }
  // A tunnelled datagram as the home agent would send it, injected in the HA's namespace.
  void ha_tunnel(const std::vector<uint8_t>& inner) {
    auto raw = net::in_netns(ha_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
    EXPECT_EQ(raw->send(inner, kFa, kHa), 0);
  }
};

TEST_F(FaDataPlane, CorrespondentPingsTheMobileNodeThroughHomeAgentAndForeignAgent) {
  start_ha(true);
  start_fa(with_data_plane());
  ASSERT_TRUE(wire::reply_code_accepted(register_mn()));
  const uint64_t up = upstream_->frame_count(), vis = visited_->frame_count();
  ASSERT_TRUE(ping()) << log_text("fa") << log_text("ha");
  // HA -> FA: IP-in-IP from the home agent to the care-of address, the echo request inside.
  auto tunnelled = next(*upstream_, up, [](const FrameView& v) {
    return is_ipip(v, kHa, kFa) && inner_is_echo(v, 8, kCn, kHome);
  });
  ASSERT_TRUE(tunnelled);
  const uint8_t inner_ttl = inner_of(FrameView{*tunnelled})->ttl;
  // FA -> MN: the decapsulated request to the mobile node's link-layer address (4.2.2), TTL one lower (RFC 2003).
  auto delivered = next(*visited_, vis, [](const FrameView& v) { return is_echo(v, 8, kCn, kHome); });
  ASSERT_TRUE(delivered);
  EXPECT_EQ(FrameView{*delivered}.destination(), mn_mac_);
  EXPECT_EQ(FrameView{*delivered}.source(), fa_mac_);
  EXPECT_EQ(FrameView{*delivered}.header()->ttl, inner_ttl - 1);
  // MN -> CN without T: plainly routed by the FA, its default router (4.2.2).
  EXPECT_TRUE(next(*upstream_, up, [](const FrameView& v) { return is_echo(v, 0, kHome, kCn); }));
  EXPECT_FALSE(next(*upstream_, up, [](const FrameView& v) { return is_ipip(v, kFa, kHa); }, 10ms));
  for (const net::Frame& f : visited_->frames(vis)) {
    auto arp = FrameView{f}.arp();
    EXPECT_FALSE(arp && arp->target_ip == kHome) << "\"MUST NOT use broadcast ARP for a mobile node's MAC\"";
  }
}

TEST_F(FaDataPlane, DirectDeliveryRepliesAreReverseTunnelledFromTheCareOfAddress) {
  start_ha(true);
  start_fa(with_data_plane());
  ASSERT_TRUE(wire::reply_code_accepted(register_mn(wire::RegistrationRequest::kFlagT)));
  EXPECT_NE(rules().find("from 10.0.1.100 iif v-fa lookup 100"), std::string::npos) << rules();
  const uint64_t up = upstream_->frame_count(), home = home_->frame_count();
  ASSERT_TRUE(ping()) << log_text("fa") << log_text("ha");
  auto reply = next(*upstream_, up, [](const FrameView& v) {
    return is_ipip(v, kFa, kHa) && inner_is_echo(v, 0, kHome, kCn);
  });
  ASSERT_TRUE(reply) << "RFC 3024 5.1.2: outer source the care-of address, destination the home agent";
  EXPECT_FALSE(next(*upstream_, up, [](const FrameView& v) { return is_echo(v, 0, kHome, kCn); }, 10ms))
      << "no plain reply upstream";
  EXPECT_TRUE(next(*home_, home, [](const FrameView& v) { return is_echo(v, 0, kHome, kCn); }));
  // Deregistration ends the diversion.
  auto s = mn_socket("10.0.1.100", 255);
  MnRequest d;
  d.lifetime = 0;
  ASSERT_TRUE(s->send_to("10.0.2.1", 434, d.bytes()).ok);
  ASSERT_TRUE(s->recv(3000ms));
  EXPECT_TRUE(poll_until([&] { return rules().find("10.0.1.100") == std::string::npos; }, 2000ms)) << rules();
}

TEST_F(FaDataPlane, EncapsulatingDeliveryIsReTunnelledAndPlainPacketsAreRouted) {
  start_ha(true);
  start_fa(with_data_plane());
  ASSERT_TRUE(wire::reply_code_accepted(register_mn(wire::RegistrationRequest::kFlagT, true)));
  EXPECT_EQ(rules().find("10.0.1.100"), std::string::npos) << "no diversion for Encapsulating Delivery";
  const uint64_t up = upstream_->frame_count(), home = home_->frame_count();
  mn_encapsulate(udp_datagram(kHome, kCn, "encapsulated-hello", 64));
  auto tunnelled = next(*upstream_, up, [](const FrameView& v) {
    return is_ipip(v, kFa, kHa) && carries_text(v.payload(), "encapsulated-hello");
  });
  ASSERT_TRUE(tunnelled) << log_text("fa");
  EXPECT_EQ(inner_of(FrameView{*tunnelled})->ttl, 63) << "forwarded into the tunnel: TTL - 1 (RFC 2003 3.1)";
  EXPECT_TRUE(next(*home_, home, [](const FrameView& v) {
    auto h = v.header();
    return h && h->protocol == kProtoUdp && h->source == kHome && carries_text(v.ip(), "encapsulated-hello");
  })) << "the home agent decapsulated and delivered it";
  // "If a foreign agent receives an un-encapsulated packet from a mobile node which had explicitly requested the
  // Encapsulated Delivery Style, then the foreign agent MUST NOT reverse tunnel such a packet" (RFC 3024 5.2.1).
  mn_plain(udp_datagram(kHome, kCn, "plain-hello"));
  EXPECT_TRUE(next(*upstream_, up, [](const FrameView& v) {
    auto h = v.header();
    return h && h->protocol == kProtoUdp && carries_text(v.ip(), "plain-hello");
  }));
  EXPECT_FALSE(next(*upstream_, up, [](const FrameView& v) {
    return is_ipip(v, kFa, kHa) && carries_text(v.payload(), "plain-hello");
  }, 10ms));
}

TEST_F(FaDataPlane, TunnelledDatagramForANonVisitorIsDroppedWithoutIcmp) {
  start_fa(with_data_plane());
  const uint64_t up = upstream_->frame_count(), vis = visited_->frame_count();
  ha_tunnel(udp_datagram(kCn, Tins::IPv4Address("10.0.1.177"), "to-nobody"));
  EXPECT_FALSE(next(*visited_, vis, [](const FrameView& v) { return carries_text(v.ip(), "to-nobody"); }, 500ms));
  EXPECT_FALSE(next(*upstream_, up, [](const FrameView& v) {
    auto h = v.header();
    return h && h->source == kFa && v.is_icmp_type(3);
  }, 10ms)) << "ICMP Destination Unreachable MUST NOT be sent (4.2.2)";
  EXPECT_FALSE(next(*upstream_, up, [](const FrameView& v) {
    auto h = v.header();
    return h && h->protocol == kProtoUdp && carries_text(v.ip(), "to-nobody");
  }, 10ms)) << "not forwarded unmodified";
}

TEST_F(FaDataPlane, ExpiredVisitorGetsNoMoreDatagrams) {
  start_fa(with_data_plane());
  // A test-side home agent accepts for 1 s.
  net::UdpSocket ha(ha_, "10.0.1.1", 434);
  auto s = mn_socket("10.0.1.100", 255);
  MnRequest q;
  q.lifetime = 1;
  ASSERT_TRUE(s->send_to("10.0.2.1", 434, q.bytes()).ok);
  auto req = ha.recv(3000ms);
  ASSERT_TRUE(req);
  wire::RegistrationReply r(0, 1, kHome, kHa, q.identification);
  r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
  ASSERT_TRUE(ha.send_to(req->source, req->source_port, r.bytes()).ok);
  ASSERT_TRUE(s->recv(3000ms));
  uint64_t vis = visited_->frame_count();
  ha_tunnel(udp_datagram(kCn, kHome, "while-registered"));
  EXPECT_TRUE(next(*visited_, vis, [](const FrameView& v) { return carries_text(v.ip(), "while-registered"); }));
  ASSERT_TRUE(poll_until([&] { return visitors()["visitors"].empty(); }, 3000ms));
  vis = visited_->frame_count();
  ha_tunnel(udp_datagram(kCn, kHome, "after-expiry"));
  EXPECT_FALSE(next(*visited_, vis, [](const FrameView& v) { return carries_text(v.ip(), "after-expiry"); }, 500ms));
}

TEST_F(FaDataPlane, LosingTheTunnelDeviceEndsMipdWithAMessageNamingIt) {
  start_fa(with_data_plane());
  run(fa_, {"ip", "link", "del", "mipfa0"});
  const auto st = fa_mipd_.wait(3000ms);
  ASSERT_TRUE(st) << "mipd kept running without its TUN device\n" << log_text("fa");
  EXPECT_TRUE(st->exited);
  EXPECT_EQ(st->code, 1);
  EXPECT_NE(log_text("fa").find("error: TUN device mipfa0 vanished"), std::string::npos) << log_text("fa");
}

TEST_F(FaDataPlane, GarbageTunnelTrafficNeverStopsTheAgent) {
  start_ha(true);
  start_fa(with_data_plane());
  ASSERT_TRUE(wire::reply_code_accepted(register_mn()));
  auto raw = net::in_netns(ha_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rng() % 120);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (i % 3 == 0 && junk.size() >= 20) junk[0] = 0x45;  // plausible inner headers too
    raw->send(junk, kFa, kHa);
  }
  ASSERT_TRUE(fa_mipd_.running()) << log_text("fa");
  EXPECT_TRUE(control_query(fa_control(), "ping"));
  EXPECT_TRUE(ping(2)) << "still delivering after the garbage";
}

// Each data-plane fault shown end to end: the check holds for the reference and fails with the fault.
TEST_F(FaDataPlane, FaultsBreakTheirRulesOnTheWire) {
  start_ha(true);
  struct Case {
    const char* fault;
    uint8_t flags;
    bool encapsulating;
    std::function<std::string()> violation;  // "" when the rule holds
  };
  const std::vector<Case> cases = {
      {"fa-no-reverse-tunnel", wire::RegistrationRequest::kFlagT, false,
       [this] {
         const uint64_t up = upstream_->frame_count();
         mn_plain(udp_datagram(kHome, kCn, "direct-1"));
         return next(*upstream_, up, [](const FrameView& v) {
                  return is_ipip(v, kFa, kHa) && carries_text(v.payload(), "direct-1");
                })
                    ? std::string()
                    : "not reverse tunnelled";
       }},
      {"fa-reverse-tunnel-wrong-source", wire::RegistrationRequest::kFlagT, false,
       [this] {
         const uint64_t up = upstream_->frame_count();
         mn_plain(udp_datagram(kHome, kCn, "direct-2"));
         auto f = next(*upstream_, up, [](const FrameView& v) {
           auto h = v.header();
           auto i = inner_of(v);
           return h && h->protocol == kProtoIpInIp && i && i->protocol == kProtoUdp && i->source == kHome &&
                  carries_text(v.payload(), "direct-2");
         });
         if (!f) return std::string("not tunnelled at all");
         return FrameView{*f}.header()->source == kFa ? std::string() : "outer source " +
                                                                            FrameView{*f}.header()->source.to_string();
       }},
      {"fa-reverse-tunnel-plain-from-encapsulating", wire::RegistrationRequest::kFlagT, true,
       [this] {
         const uint64_t up = upstream_->frame_count();
         mn_plain(udp_datagram(kHome, kCn, "plain-3"));
         return next(*upstream_, up, [](const FrameView& v) {
                  return is_ipip(v, kFa, kHa) && carries_text(v.payload(), "plain-3");
                }, 500ms)
                    ? "plain packet reverse tunnelled"
                    : std::string();
       }},
      {"fa-arp-for-visitor", 0, false,
       [this] {
         const uint64_t vis = visited_->frame_count();
         ha_tunnel(udp_datagram(kCn, kHome, "arp-4"));
         EXPECT_TRUE(next(*visited_, vis, [](const FrameView& v) { return carries_text(v.ip(), "arp-4"); }));
         for (const net::Frame& f : visited_->frames(vis)) {
           auto arp = FrameView{f}.arp();
           if (arp && arp->target_ip == kHome && FrameView{f}.destination() == kBroadcastMac) {
             return std::string("broadcast ARP for the home address");
           }
         }
         return std::string();
       }},
      {"fa-icmp-unreachable-for-non-visitor", 0, false,
       [this] {
         const uint64_t up = upstream_->frame_count();
         ha_tunnel(udp_datagram(kCn, Tins::IPv4Address("10.0.1.177"), "nobody-5"));
         return next(*upstream_, up, [](const FrameView& v) {
                  auto h = v.header();
                  return h && h->source == kFa && v.is_icmp_type(3);
                }, 500ms)
                    ? "ICMP Destination Unreachable sent"
                    : std::string();
       }},
      {"fa-forward-to-non-visitor", 0, false,
       [this] {
         const uint64_t up = upstream_->frame_count();
         ha_tunnel(udp_datagram(kCn, Tins::IPv4Address("10.0.1.177"), "nobody-6"));
         return next(*upstream_, up, [](const FrameView& v) {
                  auto h = v.header();
                  return h && h->protocol == kProtoUdp && carries_text(v.ip(), "nobody-6");
                }, 500ms)
                    ? "forwarded unmodified"
                    : std::string();
       }},
  };
  for (const Case& c : cases) {
    for (bool with_fault : {false, true}) {
      SCOPED_TRACE(std::string(c.fault) + (with_fault ? " (fault)" : " (reference)"));
      start_fa(with_data_plane(), with_fault ? std::vector<std::string>{c.fault} : std::vector<std::string>{});
      ASSERT_TRUE(wire::reply_code_accepted(register_mn(c.flags, c.encapsulating))) << log_text("fa");
      const std::string v = c.violation();
      if (with_fault) {
        EXPECT_NE(v, "") << "the fault did not break its rule\n" << log_text("fa");
      } else {
        EXPECT_EQ(v, "") << "the reference broke the rule\n" << log_text("fa");
      }
      fa_mipd_.stop(2000ms);
    }
  }
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
