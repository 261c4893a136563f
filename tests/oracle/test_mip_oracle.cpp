// Oracle for the companion-RFC Mobile IP pieces: frames encoded by harness/wire, written into a pcap, must be
// dissected by tshark (Wireshark's mip and icmp dissectors, which we did not write) with the values our layer
// decoders (layers_mip.h) report for the same bytes, good checksums, and no malformed-packet or warning/error expert
// marks. Where tshark 4.0 has no dissector for a field (the TNC extension body, the RFC 4857 'I' advertisement flag),
// the test asserts what it does show.
#include "harness/wire/authentication.h"
#include "harness/wire/bytes.h"
#include "harness/wire/layers_mip.h"
#include "tests/oracle/layer_fields.h"
#include "tests/oracle/mip_oracle_frames.h"
#include "tests/oracle/tshark_run.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace mipvpn::wire::mip_oracle {
namespace {

using namespace mipvpn::wire::oracle;  // NOLINT: the tshark and layer-field helpers

// Our layer for the payload of a frame built by udp_frame / icmp_frame (Ethernet 14 + IPv4 20 [+ UDP 8]).
struct Decoded {
  DecodedFrame frame;
  Next next;
  const Layer& layer() const { return frame.layers.at(0); }
};

Decoded decode_ours(const std::vector<uint8_t>& bytes, bool udp) {
  Decoded d;
  IpContext ctx;
  ctx.header = Bytes(bytes.data() + 14, 20);
  ctx.offset = 14;
  ctx.ttl = bytes[14 + 8];
  ctx.protocol = bytes[14 + 9];
  std::memcpy(&ctx.src, bytes.data() + 14 + 12, 4);
  std::memcpy(&ctx.dst, bytes.data() + 14 + 16, 4);
  const size_t at = udp ? 42 : 34;
  const Bytes payload(bytes.data() + at, bytes.size() - at);
  if (udp) {
    d.next = decode_mobile_ip_layer(payload, at, ctx, {}, d.frame);
  } else {
    decode_agent_discovery_layer(payload, at, ctx, {}, d.frame);
  }
  return d;
}

// tshark's extension list (type, length) against ours, and every authentication extension's SPI and authenticator.
void expect_same_extensions(const Json& t, const Layer& l) {
  const auto types = values(t, "mip.ext.type");
  const auto lens = values(t, "mip.ext.len");
  ASSERT_EQ(types.size(), lens.size());
  size_t auth_index = 0;
  const auto spis = values(t, "mip.auth.spi");
  const auto auths = raw_hexes(t, "mip.auth.auth");
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string p = "ext" + std::to_string(i) + "_";
    EXPECT_EQ(types[i], dec(l, p + "type")) << i;
    EXPECT_EQ(lens[i], dec(l, p + "length")) << i;
    const uint64_t type = u64(l, p + "type");
    if (type == MnHaAuth || type == MnFaAuth || type == FaHaAuth) {
      ASSERT_LT(auth_index, spis.size());
      ASSERT_LT(auth_index, auths.size());
      EXPECT_EQ(spis[auth_index], hexw(u64(l, p + "spi"), 8));
      EXPECT_EQ(auths[auth_index], str(l, p + "authenticator"));
      ++auth_index;
    }
  }
  EXPECT_EQ(l.find("ext" + std::to_string(types.size()) + "_type"), nullptr) << "we see more extensions than tshark";
}

void expect_same_request(const Json& t, const Layer& l) {
  ASSERT_EQ(l.protocol, "rrq");
  EXPECT_EQ(value(t, "mip.type"), "1");
  EXPECT_EQ(value(t, "mip.flags"), hexw(u64(l, "flags"), 2));
  for (const char* f : {"s", "b", "d", "m", "g", "t", "x"})
    EXPECT_EQ(value(t, std::string("mip.") + f), bit(l, f)) << f;
  EXPECT_EQ(value(t, "mip.v"), bit(l, "r"));  // tshark still names RFC 5944's reserved 'r' bit by its RFC 2002 use
  EXPECT_EQ(value(t, "mip.life"), dec(l, "lifetime"));
  EXPECT_EQ(value(t, "mip.homeaddr"), str(l, "home_address"));
  EXPECT_EQ(value(t, "mip.haaddr"), str(l, "home_agent"));
  EXPECT_EQ(value(t, "mip.coa"), str(l, "care_of_address"));
  EXPECT_EQ("0x" + raw_hexes(t, "mip.ident").at(0), str(l, "identification"));
  expect_same_extensions(t, l);
}

class MipOracle : public TsharkTest {
 protected:
  // Writes the frames, runs tshark, returns each frame's "layers" object; every frame must be clean with a good IP
  // header checksum.
  std::vector<Json> dissect(const std::vector<std::vector<uint8_t>>& frames) {
    auto layers = TsharkTest::dissect(frames, "mip");
    for (size_t i = 0; i < layers.size(); ++i) {
      expect_clean(layers[i], static_cast<int>(i + 1));
      EXPECT_EQ(value(layers[i], "ip.checksum.status"), "1") << "frame " << i + 1;
    }
    return layers;
  }
};

TEST_F(MipOracle, NatTraversalRegistrationWithNai) {
  const auto rrq = udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, nat_request()).serialize();
  const auto rrp = udp_frame("10.0.1.1", "10.0.2.2", 434, 40000, nat_reply()).serialize();
  const auto t = dissect({rrq, rrp});
  ASSERT_EQ(t.size(), 2u);

  // Registration Request with NAI (RFC 2794) and UDP Tunnel Request (RFC 3519 3.1) before MN-HA.
  const auto q = decode_ours(rrq, true);
  const Layer& lq = q.layer();
  ASSERT_FALSE(lq.error);
  EXPECT_TRUE(lq.violations.empty());
  EXPECT_EQ(value(t[0], "udp.checksum.status"), "1");
  expect_same_request(t[0], lq);
  EXPECT_EQ(values(t[0], "mip.ext.type"), (std::vector<std::string>{"131", "144", "32"}));
  EXPECT_EQ(value(t[0], "mip.nai"), str(lq, "ext0_nai"));
  EXPECT_EQ(value(t[0], "mip.nai"), "user@example.com");
  EXPECT_EQ(value(t[0], "mip.ext.utrq.subtype"), dec(lq, "ext1_sub_type"));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.reserved1"), hexw(u64(lq, "ext1_reserved1"), 2));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.flags"), hexw(u64(lq, "ext1_flags"), 2));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.f"), bit(lq, "ext1_f"));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.f"), "1");
  EXPECT_EQ(value(t[0], "mip.ext.utrq.r"), bit(lq, "ext1_r"));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.reserved2"), hexw(u64(lq, "ext1_reserved2"), 2));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.encaptype"), dec(lq, "ext1_encapsulation"));
  EXPECT_EQ(value(t[0], "mip.ext.utrq.encaptype"), "4");
  EXPECT_EQ(value(t[0], "mip.ext.utrq.reserved3"), hexw(u64(lq, "ext1_reserved3"), 4));

  // Registration Reply with UDP Tunnel Reply (3.2) and Trusted Networks Configured (RFC 5265 3.4).
  const auto p = decode_ours(rrp, true);
  const Layer& lp = p.layer();
  ASSERT_EQ(lp.protocol, "rrp");
  ASSERT_FALSE(lp.error);
  EXPECT_TRUE(lp.violations.empty());
  EXPECT_EQ(value(t[1], "udp.checksum.status"), "1");
  EXPECT_EQ(value(t[1], "mip.type"), "3");
  EXPECT_EQ(value(t[1], "mip.code"), dec(lp, "code"));
  EXPECT_EQ(value(t[1], "mip.life"), dec(lp, "lifetime"));
  EXPECT_EQ(value(t[1], "mip.homeaddr"), str(lp, "home_address"));
  EXPECT_EQ(value(t[1], "mip.haaddr"), str(lp, "home_agent"));
  EXPECT_EQ("0x" + raw_hexes(t[1], "mip.ident").at(0), str(lp, "identification"));
  expect_same_extensions(t[1], lp);
  EXPECT_EQ(values(t[1], "mip.ext.type"), (std::vector<std::string>{"44", "149", "32"}));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.subtype"), dec(lp, "ext0_sub_type"));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.code"), dec(lp, "ext0_reply_code"));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.flags"), hexw(u64(lp, "ext0_flags"), 4));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.f"), bit(lp, "ext0_f"));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.reserved"), hexw(u64(lp, "ext0_reserved"), 4));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.keepalive"), dec(lp, "ext0_keepalive_interval"));
  EXPECT_EQ(value(t[1], "mip.ext.utrp.keepalive"), "110");
  // tshark 4.0 names the TNC extension but has no fields for its body: it shows the two bytes (Sub-Type, Reserved).
  const std::string tnc_body =
      hexw(u64(lp, "ext1_sub_type"), 2).substr(2) + hexw(u64(lp, "ext1_reserved"), 2).substr(2);
  EXPECT_EQ(raw_hexes(t[1], "mip.extension"), std::vector<std::string>{tnc_body});
}

TEST_F(MipOracle, MobileForeignAndForeignHomeAuthentication) {
  const auto to_fa = udp_frame("10.0.1.100", "10.0.2.1", 434, 434, fa_request(), 255).serialize();
  const auto to_ha = udp_frame("10.0.2.1", "10.0.1.1", 434, 434, relayed_request()).serialize();
  const auto t = dissect({to_fa, to_ha});
  ASSERT_EQ(t.size(), 2u);
  const auto a = decode_ours(to_fa, true);
  const auto b = decode_ours(to_ha, true);
  ASSERT_FALSE(a.layer().error);
  ASSERT_FALSE(b.layer().error);
  EXPECT_TRUE(a.layer().violations.empty());  // TTL 255 too (RFC 3024 4.1.1)
  EXPECT_TRUE(b.layer().violations.empty());
  expect_same_request(t[0], a.layer());
  expect_same_request(t[1], b.layer());
  EXPECT_EQ(values(t[0], "mip.ext.type"), (std::vector<std::string>{"32", "130", "33"}));
  EXPECT_EQ(values(t[0], "mip.auth.spi"), (std::vector<std::string>{"0x00000100", "0x00000101"}));
  EXPECT_EQ(values(t[1], "mip.ext.type"), (std::vector<std::string>{"32", "144", "34"}));
  EXPECT_EQ(values(t[1], "mip.auth.spi"), (std::vector<std::string>{"0x00000100", "0x00000102"}));
  // The MN-HA the home agent checks is byte for byte the one the mobile node sent (RFC 5944 3.7.2.2).
  EXPECT_EQ(raw_hexes(t[0], "mip.auth.auth").at(0), raw_hexes(t[1], "mip.auth.auth").at(0));
  // The authenticators tshark shows verify over the UDP payload tshark shows.
  const std::vector<uint8_t> pa(to_fa.begin() + 42, to_fa.end());
  const std::vector<uint8_t> pb(to_ha.begin() + 42, to_ha.end());
  const auto ra = RegistrationRequest::decode(pa).value();
  const auto rb = RegistrationRequest::decode(pb).value();
  EXPECT_TRUE(verify_authentication(pa, ra.extensions()[0], kMnHaKey));
  EXPECT_TRUE(verify_authentication(pa, ra.extensions()[2], kMnFaKey));
  EXPECT_TRUE(verify_authentication(pb, rb.extensions()[0], kMnHaKey));
  EXPECT_TRUE(verify_authentication(pb, rb.extensions()[2], kFaHaKey));
  std::string payload_hex;
  for (auto x : pb) payload_hex += hexw(x, 2).substr(2);
  EXPECT_EQ(raw_hexes(t[1], "udp.payload").at(0), payload_hex);
}

TEST_F(MipOracle, TunnelDataAndKeepalive) {
  const auto data = udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, tunnelled_datagram()).serialize();
  const auto ka =
      udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, make_keepalive("10.0.1.100", "10.0.1.1", 7, 1)).serialize();
  const auto t = dissect({data, ka});
  ASSERT_EQ(t.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto ours = decode_ours(i == 0 ? data : ka, true);
    const Layer& l = ours.layer();
    ASSERT_EQ(l.protocol, "tunnel-data");
    ASSERT_FALSE(l.error);
    EXPECT_EQ(value(t[i], "mip.type"), dec(l, "type"));
    EXPECT_EQ(value(t[i], "mip.nattt.nexthdr"), dec(l, "next_header"));
    EXPECT_EQ(value(t[i], "mip.nattt.reserved"), hexw(u64(l, "reserved"), 4));
    EXPECT_EQ(values(t[i], "udp.checksum.status").front(), "1");
    // The inner IPv4 packet starts where our Next says: tshark's second ip layer has the addresses found there.
    ASSERT_EQ(ours.next.kind, NextKind::IPv4);
    EXPECT_EQ(ours.next.offset, 46u);
    const auto srcs = values(t[i], "ip.src");
    const auto dsts = values(t[i], "ip.dst");
    ASSERT_EQ(srcs.size(), 2u);
    EXPECT_EQ(srcs[1], detail::load_ip(ours.next.bytes.data() + 12).to_string());
    EXPECT_EQ(dsts[1], detail::load_ip(ours.next.bytes.data() + 16).to_string());
    EXPECT_EQ(values(t[i], "ip.checksum.status").back(), "1");
  }
  EXPECT_EQ(values(t[0], "udp.srcport").back(), "40001");
  EXPECT_EQ(values(t[0], "udp.dstport").back(), "9");
  EXPECT_EQ(raw_hexes(t[0], "data.data").at(0), "deadbeef");
  // The keepalive (RFC 3519 4.9): an ICMP Echo Request from the home address to the home agent inside the tunnel.
  EXPECT_EQ(value(t[1], "icmp.type"), "8");
  EXPECT_EQ(value(t[1], "icmp.code"), "0");
  EXPECT_EQ(value(t[1], "icmp.ident"), "7");
  EXPECT_EQ(value(t[1], "icmp.seq"), "1");
  EXPECT_EQ(value(t[1], "icmp.checksum.status"), "1");
  EXPECT_EQ(values(t[1], "ip.src").back(), "10.0.1.100");
  EXPECT_EQ(values(t[1], "ip.dst").back(), "10.0.1.1");
  EXPECT_EQ(str(decode_ours(ka, true).layer(), "keepalive"), "echo-request");
}

TEST_F(MipOracle, AdvertisementWithUxiFlags) {
  // Two advertisements so that no two of U, X, I always agree: U and I in the first, X alone in the second.
  const auto ui = icmp_frame("10.0.2.1", "224.0.0.1", uxi_advertisement(true, false, true)).serialize();
  const auto x = icmp_frame("10.0.2.1", "224.0.0.1", uxi_advertisement(false, true, false)).serialize();
  const auto t = dissect({ui, x});
  ASSERT_EQ(t.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    const auto ours = decode_ours(k == 0 ? ui : x, false);
    const Layer& l = ours.layer();
    ASSERT_EQ(l.protocol, "adv");
    ASSERT_FALSE(l.error);
    EXPECT_TRUE(l.violations.empty());
    EXPECT_EQ(value(t[k], "icmp.type"), dec(l, "type"));
    EXPECT_EQ(value(t[k], "icmp.code"), dec(l, "code"));
    EXPECT_EQ(value(t[k], "icmp.checksum"), str(l, "checksum"));
    EXPECT_EQ(value(t[k], "icmp.checksum.status"), "1");
    EXPECT_EQ(value(t[k], "icmp.num_addrs"), dec(l, "num_addrs"));
    EXPECT_EQ(value(t[k], "icmp.lifetime"), dec(l, "lifetime"));
    EXPECT_EQ(value(t[k], "icmp.router_address"), str(l, "router0_address"));
    EXPECT_EQ(value(t[k], "icmp.mip.length"), dec(l, "mobility_length"));
    EXPECT_EQ(value(t[k], "icmp.mip.seq"), dec(l, "sequence_number"));
    EXPECT_EQ(value(t[k], "icmp.mip.life"), dec(l, "registration_lifetime"));
    EXPECT_EQ(value(t[k], "icmp.mip.flags"), hexw(u64(l, "flags"), 4));
    for (const char* f : {"r", "b", "h", "f", "m", "g", "u", "x"})
      EXPECT_EQ(value(t[k], std::string("icmp.mip.") + f), bit(l, f)) << f;
    EXPECT_EQ(value(t[k], "icmp.mip.rt"), bit(l, "t"));
    // tshark 4.0 predates RFC 4857's 'I' bit (0x0020): it shows it inside its 5-bit+I "reserved" field.
    EXPECT_EQ(value(t[k], "icmp.mip.reserved"), bit(l, "i") == "1" ? "0x0020" : "0x0000");
    EXPECT_EQ(value(t[k], "icmp.mip.coa"), str(l, "care_of_address0"));
  }
  EXPECT_EQ(value(t[0], "icmp.mip.flags"), "0x91a0");
  EXPECT_EQ(value(t[0], "icmp.mip.u"), "1");
  EXPECT_EQ(value(t[0], "icmp.mip.x"), "0");
  EXPECT_EQ(value(t[1], "icmp.mip.flags"), "0x9140");
  EXPECT_EQ(value(t[1], "icmp.mip.u"), "0");
  EXPECT_EQ(value(t[1], "icmp.mip.x"), "1");
}

}  // namespace
}  // namespace mipvpn::wire::mip_oracle
