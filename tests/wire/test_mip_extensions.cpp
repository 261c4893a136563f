// Typed views of the companion-RFC registration extensions: golden encodings written out from the RFC figures, round
// trips, every truncation and over-length naming the right field and message offset, and their descriptions.
#include "harness/wire/codes.h"
#include "harness/wire/describe.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mipvpn::wire {
namespace {

std::vector<uint8_t> wire_of(const Extension& e) {
  std::vector<uint8_t> out;
  encode_extension(e, out);
  return out;
}

// Extension{type, first `len` bytes of body, offset}.
Extension prefix(uint8_t type, const std::vector<uint8_t>& body, size_t len, size_t offset) {
  return Extension{type, std::vector<uint8_t>(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(len)), offset};
}

TEST(MipExtensions, EncapsulatingDeliveryStyleGolden) {
  // RFC 3024 3.3: Type 130, Length 0.
  EXPECT_EQ(wire_of(EncapsulatingDeliveryStyleExtension{}.to_extension()), (std::vector<uint8_t>{0x82, 0x00}));
  EXPECT_TRUE(EncapsulatingDeliveryStyleExtension::from(Extension{130, {}, 40}));
  auto long_one = EncapsulatingDeliveryStyleExtension::from(Extension{130, {0}, 40});
  ASSERT_FALSE(long_one);
  EXPECT_EQ(long_one.error().field, "encapsulating_delivery_style.length");
  EXPECT_EQ(long_one.error().offset, 41u);
  auto wrong = EncapsulatingDeliveryStyleExtension::from(Extension{131, {}, 40});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "encapsulating_delivery_style.type");
  EXPECT_EQ(wrong.error().offset, 40u);
}

TEST(MipExtensions, UdpTunnelRequestGolden) {
  // RFC 3519 3.1 figure: Type 144, Length 6, Sub-Type 0, Reserved 1, F|R|Reserved 2, Encapsulation, Reserved 3.
  const std::vector<uint8_t> golden = {0x90, 0x06, 0x00, 0x00, 0x80, 0x04, 0x00, 0x00};  // F, IP-in-UDP
  UdpTunnelRequestExtension v;
  v.f = true;
  v.encapsulation = UdpTunnelRequestExtension::kEncapsulationIpInIp;
  EXPECT_EQ(wire_of(v.to_extension()), golden);
  EXPECT_EQ(v.flags(), 0x80);

  const std::vector<uint8_t> odd = {0x90, 0x06, 0x07, 0x11, 0x7f, 0x37, 0xbe, 0xef};  // R and every reserved bit
  auto d = UdpTunnelRequestExtension::from(Extension{144, {odd.begin() + 2, odd.end()}, 24});
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->sub_type, 7);
  EXPECT_EQ(d->reserved1, 0x11);
  EXPECT_FALSE(d->f);
  EXPECT_TRUE(d->r);
  EXPECT_EQ(d->reserved2, 0x3f);
  EXPECT_EQ(d->encapsulation, UdpTunnelRequestExtension::kEncapsulationMinimal);
  EXPECT_EQ(d->reserved3, 0xbeef);
  EXPECT_EQ(wire_of(d->to_extension()), odd);
  EXPECT_EQ(UdpTunnelRequestExtension::kEncapsulationByFlags, 0);
  EXPECT_EQ(UdpTunnelRequestExtension::kEncapsulationGre, 47);

  UdpTunnelRequestExtension too_wide;
  too_wide.reserved2 = 0x40;
  EXPECT_THROW((void)too_wide.to_extension(), std::invalid_argument);
}

TEST(MipExtensions, UdpTunnelRequestTruncatedAtEveryLength) {
  const std::vector<uint8_t> body = {0x00, 0x00, 0x80, 0x04, 0x00, 0x00};
  const std::pair<const char*, size_t> expected[] = {
      {"udp_tunnel_request.sub_type", 2},      {"udp_tunnel_request.reserved1", 3},
      {"udp_tunnel_request.flags", 4},         {"udp_tunnel_request.encapsulation", 5},
      {"udp_tunnel_request.reserved3", 6},     {"udp_tunnel_request.reserved3", 6}};
  for (size_t len = 0; len < body.size(); ++len) {
    auto r = UdpTunnelRequestExtension::from(prefix(144, body, len, 30));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, expected[len].first) << len;
    EXPECT_EQ(r.error().offset, 30 + expected[len].second) << len;
  }
  auto over = UdpTunnelRequestExtension::from(Extension{144, {0, 0, 0, 4, 0, 0, 0}, 30});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "udp_tunnel_request.length");
  EXPECT_EQ(over.error().offset, 31u);
  EXPECT_NE(over.error().expected.find("found 7"), std::string::npos) << over.error().expected;
  auto wrong = UdpTunnelRequestExtension::from(Extension{44, body, 30});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "udp_tunnel_request.type");
}

TEST(MipExtensions, UdpTunnelReplyGolden) {
  // RFC 3519 3.2 figure: Type 44, Length 6, Sub-Type 0, Reply Code, F|Reserved (16 bits), Keepalive Interval.
  const std::vector<uint8_t> golden = {0x2c, 0x06, 0x00, 0x00, 0x80, 0x00, 0x00, 0x6e};  // code 0, F, 110 s
  UdpTunnelReplyExtension v;
  v.f = true;
  v.keepalive_interval = 110;
  EXPECT_EQ(wire_of(v.to_extension()), golden);
  EXPECT_TRUE(v.accepted());

  auto d = UdpTunnelReplyExtension::from(Extension{44, {0x00, 0x40, 0x12, 0x34, 0x00, 0x00}, 20});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reply_code, UdpTunnelReplyExtension::kDeclinedUnspecified);
  EXPECT_FALSE(d->accepted());
  EXPECT_FALSE(d->f);
  EXPECT_EQ(d->reserved, 0x1234);
  EXPECT_EQ(d->flags(), 0x1234);
  EXPECT_EQ(d->keepalive_interval, 0);
  d->reply_code = 63;  // "Values in the range 0 .. 63 indicate assent"
  EXPECT_TRUE(d->accepted());

  UdpTunnelReplyExtension too_wide;
  too_wide.reserved = 0x8000;
  EXPECT_THROW((void)too_wide.to_extension(), std::invalid_argument);
}

TEST(MipExtensions, UdpTunnelReplyTruncatedAtEveryLength) {
  const std::vector<uint8_t> body = {0x00, 0x00, 0x80, 0x00, 0x00, 0x6e};
  const std::pair<const char*, size_t> expected[] = {
      {"udp_tunnel_reply.sub_type", 2},           {"udp_tunnel_reply.reply_code", 3},
      {"udp_tunnel_reply.flags", 4},              {"udp_tunnel_reply.flags", 4},
      {"udp_tunnel_reply.keepalive_interval", 6}, {"udp_tunnel_reply.keepalive_interval", 6}};
  for (size_t len = 0; len < body.size(); ++len) {
    auto r = UdpTunnelReplyExtension::from(prefix(44, body, len, 20));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, expected[len].first) << len;
    EXPECT_EQ(r.error().offset, 20 + expected[len].second) << len;
  }
  auto over = UdpTunnelReplyExtension::from(Extension{44, std::vector<uint8_t>(8), 20});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "udp_tunnel_reply.length");
  EXPECT_EQ(over.error().offset, 21u);
}

TEST(MipExtensions, TrustedNetworksConfiguredGolden) {
  // RFC 5265 3.4 figure: Type 149, Length 2, Sub-Type 0, Reserved.
  EXPECT_EQ(wire_of(TrustedNetworksConfiguredExtension{}.to_extension()),
            (std::vector<uint8_t>{0x95, 0x02, 0x00, 0x00}));
  auto d = TrustedNetworksConfiguredExtension::from(Extension{149, {0x01, 0xff}, 20});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->sub_type, 1);
  EXPECT_EQ(d->reserved, 0xff);
  const std::vector<uint8_t> body = {0, 0};
  const char* fields[] = {"trusted_networks_configured.sub_type", "trusted_networks_configured.reserved"};
  for (size_t len = 0; len < 2; ++len) {
    auto r = TrustedNetworksConfiguredExtension::from(prefix(149, body, len, 20));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, fields[len]);
    EXPECT_EQ(r.error().offset, 22 + len);
  }
  auto over = TrustedNetworksConfiguredExtension::from(Extension{149, {0, 0, 0}, 20});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "trusted_networks_configured.length");
  EXPECT_FALSE(TrustedNetworksConfiguredExtension::from(Extension{148, {0, 0}, 20}));
}

TEST(MipExtensions, NaiGoldenAndEscaping) {
  // RFC 2794 2 figure: Type 131, Length = bytes of MN-NAI, MN-NAI.
  const std::vector<uint8_t> golden = {0x83, 0x10, 'u', 's', 'e', 'r', '@', 'e', 'x',
                                       'a',  'm',  'p', 'l', 'e', '.', 'c', 'o', 'm'};
  EXPECT_EQ(wire_of(NaiExtension{"user@example.com"}.to_extension()), golden);
  auto d = NaiExtension::from(Extension{131, {golden.begin() + 2, golden.end()}, 24});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->nai, "user@example.com");
  EXPECT_EQ(d->printable(), "user@example.com");
  EXPECT_EQ((NaiExtension{std::string("a\x01\\b\xff\n", 6)}.printable()), "a\\x01\\x5cb\\xff\\x0a");
  EXPECT_THROW((void)NaiExtension{std::string(256, 'a')}.to_extension(), std::invalid_argument);
  EXPECT_NO_THROW((void)NaiExtension{std::string(255, 'a')}.to_extension());
  auto wrong = NaiExtension::from(Extension{130, {}, 24});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "nai.type");
  EXPECT_EQ(wrong.error().offset, 24u);
}

TEST(MipExtensions, NamesAndDefinedTypes) {
  EXPECT_EQ(MobileNodeNai, 131);
  EXPECT_EQ(registration_extension_name(131), "NAI");
  EXPECT_EQ(registration_extension_name(144), "UDP-Tunnel-Request");
  EXPECT_EQ(registration_extension_name(44), "UDP-Tunnel-Reply");
  EXPECT_EQ(registration_extension_name(149), "TNC");
  for (int t : {0, 32, 33, 34, 44, 130, 131, 144, 149})
    EXPECT_TRUE(is_defined_registration_extension(static_cast<uint8_t>(t))) << t;
  for (int t : {1, 16, 19, 35, 43, 45, 129, 132, 143, 145, 148, 150, 255})
    EXPECT_FALSE(is_defined_registration_extension(static_cast<uint8_t>(t))) << t;
  // The RFC 5944-only notion is unchanged (the reference home agent's 1.8 decisions rest on it).
  EXPECT_FALSE(is_known_registration_extension(131));
}

TEST(MipExtensions, NaiReplyCodes) {
  // RFC 2794 5.
  EXPECT_EQ(reply_code_name(96), "NONZERO_HOMEADDR_REQD");
  EXPECT_EQ(reply_code_name(97), "MISSING_NAI");
  EXPECT_EQ(reply_code_name(98), "MISSING_HOME_AGENT");
  EXPECT_EQ(reply_code_name(99), "MISSING_HOMEADDR");
  for (int c : {96, 97, 98, 99})
    EXPECT_EQ(reply_code_origin(static_cast<uint8_t>(c)), ReplyCodeOrigin::ForeignAgent) << c;
  EXPECT_EQ(reply_code_name(100), "unassigned");
}

TEST(MipExtensions, DescribeShowsDetails) {
  UdpTunnelRequestExtension rq;
  rq.f = true;
  rq.encapsulation = 4;
  EXPECT_EQ(describe_extension(rq.to_extension()), "UDP-Tunnel-Request F encap=4");
  rq.f = false;
  rq.r = true;
  rq.sub_type = 2;
  rq.reserved3 = 1;
  EXPECT_EQ(describe_extension(rq.to_extension()), "UDP-Tunnel-Request subtype=2 R encap=4 reserved=0x00/0x00/0x0001");
  EXPECT_EQ(describe_extension(Extension{144, {0, 0}, 0}), "UDP-Tunnel-Request len=2");
  UdpTunnelReplyExtension rp;
  rp.keepalive_interval = 110;
  EXPECT_EQ(describe_extension(rp.to_extension()), "UDP-Tunnel-Reply code=0 keepalive=110");
  rp.f = true;
  rp.reply_code = 64;
  EXPECT_EQ(describe_extension(rp.to_extension()), "UDP-Tunnel-Reply code=64 F keepalive=110");
  EXPECT_EQ(describe_extension(EncapsulatingDeliveryStyleExtension{}.to_extension()), "Encap-Delivery-Style");
  EXPECT_EQ(describe_extension(Extension{130, {1}, 0}), "Encap-Delivery-Style len=1");
  EXPECT_EQ(describe_extension(TrustedNetworksConfiguredExtension{}.to_extension()), "TNC");
  EXPECT_EQ(describe_extension(Extension{149, {3, 0}, 0}), "TNC subtype=3");
  EXPECT_EQ(describe_extension(NaiExtension{"user@example.com"}.to_extension()), "NAI user@example.com");
  EXPECT_EQ(describe_extension(NaiExtension{std::string("me\x07", 3)}.to_extension()), "NAI me\\x07");
  EXPECT_EQ(describe_extension(Extension{131, {}, 0}), "NAI (empty)");
  EXPECT_EQ(describe_extension(Extension{32, {0, 0, 1, 0}, 0}), "MN-HA spi=256 auth-len=0");
  EXPECT_EQ(describe_extension(Extension{200, {1, 2, 3}, 0}), "type 200 len=3");
  EXPECT_EQ(describe_extension(Extension{0, {}, 0}), "Pad");
}

TEST(MipExtensions, InsideMessagesWithOffsets) {
  // RRQ (RFC 5944 3.3) whose extensions are: NAI at 24, UDP Tunnel Request at 42, MN-HA at 50.
  RegistrationRequest rrq(600, "0.0.0.0", "10.0.1.1", "10.0.2.2", 7, RegistrationRequest::kFlagD);
  rrq.add_extension(NaiExtension{"user@example.com"}.to_extension());
  UdpTunnelRequestExtension rq;
  rq.encapsulation = 47;
  rrq.add_extension(rq.to_extension());
  rrq.add_authentication(MnHaAuth, 256, std::vector<uint8_t>(16, 1));
  auto back = RegistrationRequest::decode(rrq.bytes());
  ASSERT_TRUE(back) << back.error().to_string();
  const auto& exts = back->extensions();
  ASSERT_EQ(exts.size(), 3u);
  EXPECT_EQ(exts[0].offset, 24u);
  EXPECT_EQ(exts[1].offset, 42u);
  EXPECT_EQ(exts[2].offset, 50u);
  EXPECT_EQ(NaiExtension::from(exts[0])->nai, "user@example.com");
  EXPECT_EQ(UdpTunnelRequestExtension::from(exts[1]).value(), rq);
  EXPECT_EQ(describe(*back),
            "RRQ lifetime=600 HoA=0.0.0.0 HA=10.0.1.1 CoA=10.0.2.2 id=0x0000000000000007 flags=D exts=[NAI "
            "user@example.com, UDP-Tunnel-Request encap=47, MN-HA spi=256]");
  // A Length cut short inside the message is an error at the message offset of the missing field.
  Extension cut = exts[1];
  cut.body.resize(3);
  auto err = UdpTunnelRequestExtension::from(cut);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().offset, 42u + 2 + 3);
  EXPECT_EQ(err.error().field, "udp_tunnel_request.encapsulation");

  RegistrationReply rrp(0, 60, "10.0.1.100", "10.0.1.1", 7);
  UdpTunnelReplyExtension rp;
  rp.keepalive_interval = 30;
  rrp.add_extension(rp.to_extension());
  rrp.add_extension(TrustedNetworksConfiguredExtension{}.to_extension());
  rrp.add_authentication(MnHaAuth, 256, std::vector<uint8_t>(16, 1));
  auto rback = RegistrationReply::decode(rrp.bytes());
  ASSERT_TRUE(rback);
  EXPECT_EQ(UdpTunnelReplyExtension::from(rback->extensions()[0]).value(), rp);
  EXPECT_TRUE(TrustedNetworksConfiguredExtension::from(rback->extensions()[1]));
  EXPECT_EQ(rback->extensions()[1].offset, 28u);
  EXPECT_NE(describe(*rback).find("exts=[UDP-Tunnel-Reply code=0 keepalive=30, TNC, MN-HA spi=256]"),
            std::string::npos)
      << describe(*rback);
}

}  // namespace
}  // namespace mipvpn::wire
