// The Mobile IP layer functions (layers_mip.h): fields, summaries, offsets, violations (the messages' own and the
// IP-context ones), what follows, errors at every truncation, and robustness on mutated input.
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/describe.h"
#include "harness/wire/layers_mip.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <memory>
#include <random>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey(16, 0x42);
constexpr size_t kAt = 42;  // where the UDP payload / ICMP message sits in the imaginary frame

// An IpContext whose header is a real 20-byte IPv4 header with these values (kept alive by the object).
class Ctx {
 public:
  Ctx(const char* src, const char* dst, uint8_t ttl, uint8_t protocol = 17) {
    Tins::IP ip(dst, src);
    ip.ttl(ttl);
    ip.protocol(protocol);
    header_ = ip.serialize();
    ctx_.src = static_cast<uint32_t>(Tins::IPv4Address(src));
    ctx_.dst = static_cast<uint32_t>(Tins::IPv4Address(dst));
    ctx_.ttl = ttl;
    ctx_.protocol = protocol;
    ctx_.header = header_;
    ctx_.offset = kAt - 28;
  }
  Ctx(const Ctx&) = delete;
  Ctx& operator=(const Ctx&) = delete;
  const IpContext& get() const { return ctx_; }
  IpContext& get() { return ctx_; }

 private:
  std::vector<uint8_t> header_;
  IpContext ctx_;
};

std::string dump(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += x.rfc + " " + x.section + " " + x.level + ": " + x.text + "\n";
  return s;
}

template <class T>
T field(const Layer& l, const std::string& name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr) {
    ADD_FAILURE() << "no field " << name << " in layer " << l.protocol;
    return T{};
  }
  if (!std::holds_alternative<T>(*v)) {
    ADD_FAILURE() << "field " << name << " has another type";
    return T{};
  }
  return std::get<T>(*v);
}
uint64_t num(const Layer& l, const std::string& name) { return field<uint64_t>(l, name); }
std::string str(const Layer& l, const std::string& name) { return field<std::string>(l, name); }
bool flag(const Layer& l, const std::string& name) { return field<bool>(l, name); }

bool has_rule(const std::vector<Violation>& v, const std::string& rfc, const std::string& section) {
  for (const auto& x : v)
    if (x.rfc == rfc && x.section == section) return true;
  return false;
}

RegistrationRequest nat_rrq() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xe8f1c2a300000001ull,
                        RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
  r.add_extension(NaiExtension{"user@example.com"}.to_extension());
  UdpTunnelRequestExtension u;
  u.f = true;
  u.encapsulation = 4;
  r.add_extension(u.to_extension());
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

RegistrationReply nat_rrp() {
  RegistrationReply r(0, 60, "10.0.1.100", "10.0.1.1", 0xe8f1c2a300000001ull);
  UdpTunnelReplyExtension u;
  u.f = true;
  u.keepalive_interval = 110;
  r.add_extension(u.to_extension());
  r.add_extension(TrustedNetworksConfiguredExtension{}.to_extension());
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

TEST(MipLayers, RegistrationRequestLayer) {
  const auto rrq = nat_rrq();
  const auto bytes = rrq.bytes();
  Ctx ctx("198.51.100.7", "10.0.1.1", 60);  // NATed source: nothing in one packet says that is wrong
  DecodedFrame out;
  const Next next = decode_mobile_ip_layer(bytes, kAt, ctx.get(), {}, out);
  EXPECT_EQ(next.kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "rrq");
  EXPECT_EQ(l.offset, kAt);
  EXPECT_EQ(l.length, bytes.size());
  EXPECT_FALSE(l.decrypted);
  EXPECT_FALSE(l.error);
  EXPECT_EQ(l.summary, describe(rrq));
  EXPECT_EQ(l.summary,
            "RRQ lifetime=1800 HoA=10.0.1.100 HA=10.0.1.1 CoA=10.0.2.2 id=0xe8f1c2a300000001 flags=DT exts=[NAI "
            "user@example.com, UDP-Tunnel-Request F encap=4, MN-HA spi=256]");
  EXPECT_TRUE(l.violations.empty()) << dump(l.violations);
  // Wire order: the fixed part first.
  const std::vector<std::string> first = {"type", "flags", "s", "b", "d", "m", "g", "r", "t", "x", "lifetime",
                                          "home_address", "home_agent", "care_of_address", "identification",
                                          "extensions"};
  ASSERT_GE(l.fields.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(l.fields[i].name, first[i]);
  EXPECT_EQ(num(l, "type"), 1u);
  EXPECT_EQ(num(l, "flags"), 0x22u);
  EXPECT_TRUE(flag(l, "d"));
  EXPECT_TRUE(flag(l, "t"));
  EXPECT_FALSE(flag(l, "s"));
  EXPECT_FALSE(flag(l, "x"));
  EXPECT_EQ(num(l, "lifetime"), 1800u);
  EXPECT_EQ(str(l, "home_address"), "10.0.1.100");
  EXPECT_EQ(str(l, "home_agent"), "10.0.1.1");
  EXPECT_EQ(str(l, "care_of_address"), "10.0.2.2");
  EXPECT_EQ(str(l, "identification"), "0xe8f1c2a300000001");
  EXPECT_EQ(str(l, "extensions"), describe_extensions(rrq.extensions()));
  EXPECT_EQ(num(l, "ext0_type"), 131u);
  EXPECT_EQ(num(l, "ext0_length"), 16u);
  EXPECT_EQ(str(l, "ext0_nai"), "user@example.com");
  EXPECT_EQ(num(l, "ext1_type"), 144u);
  EXPECT_EQ(num(l, "ext1_sub_type"), 0u);
  EXPECT_EQ(num(l, "ext1_flags"), 0x80u);
  EXPECT_TRUE(flag(l, "ext1_f"));
  EXPECT_FALSE(flag(l, "ext1_r"));
  EXPECT_EQ(num(l, "ext1_encapsulation"), 4u);
  EXPECT_EQ(num(l, "ext1_reserved3"), 0u);
  EXPECT_EQ(num(l, "ext2_spi"), 256u);
  const auto& body = rrq.extensions()[2].body;
  std::string hex;
  for (size_t i = 4; i < body.size(); ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", body[i]);
    hex += b;
  }
  EXPECT_EQ(str(l, "ext2_authenticator"), hex);
}

TEST(MipLayers, RequestViolationsAndUnknownExtensionData) {
  auto rrq = nat_rrq();
  auto exts = rrq.extensions();
  std::swap(exts[0], exts[2]);  // MN-HA first: NAI and UDP Tunnel Request now follow it
  exts.push_back(Extension{200, {0xde, 0xad}, 0});
  exts.push_back(Extension{144, {0, 0}, 0});
  rrq.extensions(exts);
  Ctx ctx("10.0.2.2", "10.0.1.1", 64);
  DecodedFrame out;
  decode_mobile_ip_layer(rrq.bytes(), kAt, ctx.get(), {}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_TRUE(has_rule(l.violations, "RFC 2794", "2")) << dump(l.violations);
  EXPECT_TRUE(has_rule(l.violations, "RFC 3519", "4.5")) << dump(l.violations);  // an FA's 144 with 'D'
  EXPECT_TRUE(has_rule(l.violations, "RFC 3519", "3.1")) << dump(l.violations);  // Length 2
  EXPECT_EQ(str(l, "ext3_data"), "dead");
  EXPECT_NE(str(l, "ext4_error").find("udp_tunnel_request.flags"), std::string::npos) << str(l, "ext4_error");
}

TEST(MipLayers, RegistrationReplyLayer) {
  const auto rrp = nat_rrp();
  Ctx ctx("10.0.1.1", "198.51.100.7", 64);
  DecodedFrame out;
  EXPECT_EQ(decode_mobile_ip_layer(rrp.bytes(), kAt, ctx.get(), {}, out).kind, NextKind::None);
  const Layer& l = out.layers.at(0);
  EXPECT_EQ(l.protocol, "rrp");
  EXPECT_EQ(l.summary, describe(rrp));
  EXPECT_TRUE(l.violations.empty()) << dump(l.violations);
  EXPECT_EQ(num(l, "type"), 3u);
  EXPECT_EQ(num(l, "code"), 0u);
  EXPECT_EQ(num(l, "lifetime"), 60u);
  EXPECT_EQ(str(l, "identification"), "0xe8f1c2a300000001");
  EXPECT_EQ(num(l, "ext0_type"), 44u);
  EXPECT_EQ(num(l, "ext0_reply_code"), 0u);
  EXPECT_TRUE(flag(l, "ext0_f"));
  EXPECT_EQ(num(l, "ext0_flags"), 0x8000u);
  EXPECT_EQ(num(l, "ext0_keepalive_interval"), 110u);
  EXPECT_EQ(num(l, "ext1_type"), 149u);
  EXPECT_EQ(num(l, "ext1_sub_type"), 0u);
  EXPECT_EQ(num(l, "ext1_reserved"), 0u);
  // TNC after MN-HA.
  auto bad = nat_rrp();
  auto exts = bad.extensions();
  std::rotate(exts.begin() + 1, exts.begin() + 2, exts.end());
  bad.extensions(exts);
  DecodedFrame out2;
  decode_mobile_ip_layer(bad.bytes(), kAt, ctx.get(), {}, out2);
  EXPECT_TRUE(has_rule(out2.layers.at(0).violations, "RFC 5944", "3.8.3.3")) << dump(out2.layers.at(0).violations);
}

TEST(MipLayers, TruncatedRequestAtEveryLength) {
  const auto bytes = nat_rrq().bytes();
  Ctx ctx("10.0.2.2", "10.0.1.1", 64);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::unique_ptr<uint8_t[]> buf(new uint8_t[n == 0 ? 1 : n]);  // exactly n bytes for AddressSanitizer
    std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n), buf.get());
    DecodedFrame out;
    const Next next = decode_mobile_ip_layer(Bytes(buf.get(), n), kAt, ctx.get(), {}, out);
    EXPECT_EQ(next.kind, NextKind::None);
    ASSERT_EQ(out.layers.size(), 1u) << n;
    const Layer& l = out.layers[0];
    if (n == 0) {
      EXPECT_EQ(l.protocol, "mip");
      ASSERT_TRUE(l.error);
      EXPECT_EQ(l.error->field, "type");
      EXPECT_EQ(l.error->offset, kAt);
      continue;
    }
    EXPECT_EQ(l.protocol, "rrq");
    auto direct = RegistrationRequest::decode(buf.get(), n);
    if (direct) {  // a prefix ending on an extension boundary is a shorter, valid Request
      EXPECT_FALSE(l.error) << n;
      continue;
    }
    ASSERT_TRUE(l.error) << n;
    EXPECT_EQ(l.error->field, direct.error().field) << n;
    EXPECT_EQ(l.error->offset, kAt + direct.error().offset) << n;
    EXPECT_LE(l.error->offset, kAt + n);
    EXPECT_NE(l.summary.find("RRQ decode error: offset " + std::to_string(l.error->offset)), std::string::npos)
        << l.summary;
  }
}

TEST(MipLayers, RequestTtlRules) {
  RegistrationRequest fa_coa(1800, "10.0.1.100", "10.0.1.1", "10.0.2.1", 5, RegistrationRequest::kFlagT);
  fa_coa.add_authentication(MnHaAuth, 256, kKey);
  const auto bytes = fa_coa.bytes();
  auto run = [&](const char* src, const char* dst, uint8_t ttl, const RegistrationRequest* r = nullptr) {
    Ctx ctx(src, dst, ttl);
    DecodedFrame out;
    decode_mobile_ip_layer(r ? r->bytes() : bytes, kAt, ctx.get(), {}, out);
    return out.layers.at(0).violations;
  };
  // RFC 3024 4.1.1: the mobile node's reverse-tunnelling Request to its foreign agent has TTL 255.
  EXPECT_TRUE(has_rule(run("10.0.1.100", "10.0.2.1", 64), "RFC 3024", "4.1.1"));
  EXPECT_TRUE(run("10.0.1.100", "10.0.2.1", 255).empty()) << dump(run("10.0.1.100", "10.0.2.1", 255));
  EXPECT_TRUE(run("10.0.2.1", "10.0.1.1", 64).empty());    // relayed by the foreign agent
  EXPECT_TRUE(run("10.0.1.100", "10.0.1.1", 64).empty());  // to the Home Agent field: not the FA hop
  auto no_t = fa_coa;
  no_t.t(false);
  EXPECT_TRUE(run("10.0.1.100", "10.0.2.1", 64, &no_t).empty());
  auto colocated = fa_coa;
  colocated.d(true);
  EXPECT_TRUE(run("10.0.1.100", "10.0.2.1", 64, &colocated).empty());
  // RFC 5944 3.6.1.1: to 224.0.0.11 the TTL is 1 (and then RFC 3024's 255 does not apply).
  EXPECT_TRUE(has_rule(run("10.0.1.100", "224.0.0.11", 255), "RFC 5944", "3.6.1.1"));
  EXPECT_FALSE(has_rule(run("10.0.1.100", "224.0.0.11", 255), "RFC 3024", "4.1.1"));
  EXPECT_TRUE(run("10.0.1.100", "224.0.0.11", 1).empty());
  // Without an IP header there is no context to check.
  DecodedFrame out;
  decode_mobile_ip_layer(bytes, kAt, IpContext{}, {}, out);
  EXPECT_TRUE(out.layers.at(0).violations.empty());
}

TEST(MipLayers, TunnelDataLayer) {
  const auto ka = make_keepalive("10.0.1.100", "10.0.1.1", 9, 3).bytes();
  Ctx ctx("198.51.100.7", "10.0.1.1", 60);
  DecodedFrame out;
  const Next next = decode_mobile_ip_layer(ka, kAt, ctx.get(), {}, out);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "tunnel-data");
  EXPECT_EQ(l.offset, kAt);
  EXPECT_EQ(l.length, 4u);
  EXPECT_EQ(l.summary, "MIP-Tunnel-Data next=4 keepalive");
  EXPECT_EQ(num(l, "type"), 4u);
  EXPECT_EQ(num(l, "next_header"), 4u);
  EXPECT_EQ(num(l, "reserved"), 0u);
  EXPECT_EQ(num(l, "payload_length"), ka.size() - 4);
  EXPECT_EQ(str(l, "keepalive"), "echo-request");
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_EQ(next.offset, kAt + 4);
  EXPECT_EQ(next.bytes.data(), ka.data() + 4);
  EXPECT_EQ(next.bytes.size(), ka.size() - 4);
  EXPECT_FALSE(next.in_plaintext);

  DecodedFrame out_reply;
  decode_mobile_ip_layer(make_keepalive_reply("10.0.1.1", "10.0.1.100", 9, 3).bytes(), kAt, ctx.get(), {},
                         out_reply);
  EXPECT_EQ(out_reply.layers.at(0).summary, "MIP-Tunnel-Data next=4 keepalive-reply");

  for (uint8_t nh : {uint8_t{47}, uint8_t{55}, uint8_t{17}}) {
    const std::vector<uint8_t> p = {4, nh, 0, 0, 1, 2, 3};
    DecodedFrame o;
    const Next n = decode_mobile_ip_layer(p, kAt, ctx.get(), {}, o);
    EXPECT_EQ(n.kind, NextKind::IpPayload);
    EXPECT_EQ(n.protocol, nh);
    EXPECT_EQ(n.bytes.size(), 3u);
    EXPECT_EQ(o.layers.at(0).summary, "MIP-Tunnel-Data next=" + std::to_string(nh));
    EXPECT_EQ(o.layers.at(0).find("keepalive"), nullptr);
  }
  // Reserved not zero (3.3).
  DecodedFrame o2;
  decode_mobile_ip_layer(std::vector<uint8_t>{4, 4, 0x80, 0}, kAt, ctx.get(), {}, o2);
  EXPECT_TRUE(has_rule(o2.layers.at(0).violations, "RFC 3519", "3.3"));
  // Truncated header: error at the frame offset of the missing field.
  for (size_t n = 1; n < 4; ++n) {
    DecodedFrame o;
    EXPECT_EQ(decode_mobile_ip_layer(Bytes(ka.data(), n), kAt, ctx.get(), {}, o).kind, NextKind::None);
    ASSERT_TRUE(o.layers.at(0).error);
    EXPECT_EQ(o.layers[0].error->field, n == 1 ? "next_header" : "reserved");
    EXPECT_EQ(o.layers[0].error->offset, kAt + (n == 1 ? 1 : 2));
  }
}

TEST(MipLayers, TunnelDataInsideDecryptedPlaintext) {
  const auto ka = make_keepalive("10.0.1.100", "10.0.1.1", 9, 3).bytes();
  Ctx ctx("198.51.100.7", "10.0.1.1", 60);
  ctx.get().in_plaintext = true;
  DecodedFrame out;
  const Next next = decode_mobile_ip_layer(ka, 8, ctx.get(), {}, out);
  EXPECT_TRUE(out.layers.at(0).decrypted);
  EXPECT_EQ(out.layers.at(0).offset, 8u);
  EXPECT_TRUE(next.in_plaintext);
  EXPECT_EQ(next.offset, 12u);
}

TEST(MipLayers, RegistrationMessagesMustNotRideTheirOwnTunnel) {
  // RFC 3519 4.2: Tunnel Data | IP | UDP 434 | RRQ/RRP whose Home Agent is the tunnel's home-agent endpoint.
  auto tunnel = [](const Tins::PDU& message, const char* inner_src, const char* inner_dst) {
    Tins::IP ip(inner_dst, inner_src);
    return (TunnelData() / ip / Tins::UDP(434, 434) / message).serialize();
  };
  auto violations = [](const std::vector<uint8_t>& p, const char* outer_src, const char* outer_dst) {
    Ctx ctx(outer_src, outer_dst, 64);
    DecodedFrame out;
    decode_mobile_ip_layer(p, kAt, ctx.get(), {}, out);
    return out.layers.at(0).violations;
  };
  const auto rrq = tunnel(nat_rrq(), "10.0.1.100", "10.0.1.1");  // Home Agent field 10.0.1.1
  EXPECT_TRUE(has_rule(violations(rrq, "10.0.2.2", "10.0.1.1"), "RFC 3519", "4.2"));
  // RFC 5265 nesting: an i-MIP Request to another home agent through the x-HA's tunnel is not this binding's own.
  EXPECT_TRUE(violations(rrq, "10.0.2.2", "198.51.100.1").empty());
  const auto rrp = tunnel(nat_rrp(), "10.0.1.1", "10.0.1.100");
  EXPECT_TRUE(has_rule(violations(rrp, "10.0.1.1", "10.0.2.2"), "RFC 3519", "4.2"));
  EXPECT_TRUE(violations(rrp, "198.51.100.1", "10.0.2.2").empty());
  // Other UDP traffic in the tunnel is data.
  Tins::IP ip("10.0.1.1", "10.0.1.100");
  const auto dns = (TunnelData() / ip / Tins::UDP(53, 5353) / Tins::RawPDU(std::vector<uint8_t>(16, 1))).serialize();
  EXPECT_TRUE(violations(dns, "10.0.2.2", "10.0.1.1").empty());
}

TEST(MipLayers, UnknownTypeAndEmptyPayload) {
  Ctx ctx("10.0.2.2", "10.0.1.1", 64);
  DecodedFrame out;
  EXPECT_EQ(decode_mobile_ip_layer(std::vector<uint8_t>{7, 0, 0}, kAt, ctx.get(), {}, out).kind, NextKind::None);
  const Layer& l = out.layers.at(0);
  EXPECT_EQ(l.protocol, "mip");
  EXPECT_EQ(l.summary, "MIP type=7 len=3");
  ASSERT_TRUE(l.error);
  EXPECT_EQ(l.error->field, "type");
  EXPECT_EQ(l.error->offset, kAt);
  EXPECT_NE(l.error->expected.find("found 7"), std::string::npos);
  DecodedFrame empty;
  decode_mobile_ip_layer({}, kAt, ctx.get(), {}, empty);
  ASSERT_EQ(empty.layers.size(), 1u);
  EXPECT_EQ(empty.layers[0].protocol, "mip");
  ASSERT_TRUE(empty.layers[0].error);
  EXPECT_EQ(empty.layers[0].error->field, "type");
}

AgentAdvertisement uxi_advert() {
  AgentAdvertisement a;
  a.code(16);
  a.lifetime(1800);
  a.add_router_address("10.0.2.1", -5);
  a.sequence_number(300);
  a.registration_lifetime(600);
  a.f(true);
  a.t(true);
  a.u(true);
  a.x(true);
  a.i(true);
  a.add_care_of_address("10.0.2.1");
  a.prefix_lengths({24});
  a.pad(true);
  return a;
}

TEST(MipLayers, AgentAdvertisementLayer) {
  const auto adv = uxi_advert();
  const auto bytes = adv.bytes();
  Ctx ctx("10.0.2.1", "224.0.0.1", 1, 1);
  DecodedFrame out;
  decode_agent_discovery_layer(bytes, kAt, ctx.get(), {}, out);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "adv");
  EXPECT_EQ(l.offset, kAt);
  EXPECT_EQ(l.length, bytes.size());
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.violations.empty()) << dump(l.violations);
  EXPECT_EQ(l.summary, describe(AgentAdvertisement::decode(bytes).value()));
  EXPECT_EQ(l.summary,
            "AgentAdv code=16 lifetime=1800 routers=[10.0.2.1 pref=-5] seq=300 reglifetime=600 flags=FTUXI "
            "coa=[10.0.2.1] exts=[Prefix-Lengths 24, Pad]");
  EXPECT_EQ(num(l, "type"), 9u);
  EXPECT_EQ(num(l, "code"), 16u);
  char sum[8];
  std::snprintf(sum, sizeof sum, "0x%02x%02x", bytes[2], bytes[3]);
  EXPECT_EQ(str(l, "checksum"), sum);
  EXPECT_EQ(num(l, "num_addrs"), 1u);
  EXPECT_EQ(num(l, "addr_entry_size"), 2u);
  EXPECT_EQ(num(l, "lifetime"), 1800u);
  EXPECT_EQ(str(l, "router0_address"), "10.0.2.1");
  EXPECT_EQ(field<int64_t>(l, "router0_preference"), -5);
  EXPECT_EQ(num(l, "mobility_length"), 10u);
  EXPECT_EQ(num(l, "sequence_number"), 300u);
  EXPECT_EQ(num(l, "registration_lifetime"), 600u);
  EXPECT_EQ(num(l, "flags"), 0x11e0u);
  for (const char* on : {"f", "t", "u", "x", "i"}) EXPECT_TRUE(flag(l, on)) << on;
  for (const char* off : {"r", "b", "h", "m", "g", "reserved_r"}) EXPECT_FALSE(flag(l, off)) << off;
  EXPECT_EQ(str(l, "care_of_address0"), "10.0.2.1");
  EXPECT_EQ(str(l, "prefix_lengths"), "24");
  EXPECT_EQ(str(l, "extensions"), "[Prefix-Lengths, Pad]");
}

TEST(MipLayers, AdvertisementChecksumAndIpContext) {
  auto bytes = uxi_advert().bytes();
  const uint16_t good = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
  bytes[2] ^= 0x12;
  Ctx ctx("10.0.2.1", "224.0.0.1", 1, 1);
  DecodedFrame out;
  decode_agent_discovery_layer(bytes, kAt, ctx.get(), {}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_FALSE(l.error);  // decoding goes on
  ASSERT_EQ(l.violations.size(), 1u) << dump(l.violations);
  EXPECT_EQ(l.violations[0].rfc, "RFC 1256");
  char want[8];
  std::snprintf(want, sizeof want, "0x%04x", good);
  EXPECT_NE(l.violations[0].text.find(std::string("needs ") + want), std::string::npos) << l.violations[0].text;
  EXPECT_TRUE(l.summary.ends_with(" cksum=bad")) << l.summary;
  EXPECT_TRUE(flag(l, "u"));
  DecodeOptions lax;
  lax.verify_checksums = false;
  DecodedFrame out2;
  decode_agent_discovery_layer(bytes, kAt, ctx.get(), lax, out2);
  EXPECT_TRUE(out2.layers.at(0).violations.empty());

  const auto ok = uxi_advert().bytes();
  auto run = [&](const char* dst, uint8_t ttl) {
    Ctx c("10.0.2.1", dst, ttl, 1);
    DecodedFrame o;
    decode_agent_discovery_layer(ok, kAt, c.get(), {}, o);
    return o.layers.at(0).violations;
  };
  EXPECT_TRUE(has_rule(run("224.0.0.1", 64), "RFC 5944", "2.1"));
  EXPECT_TRUE(has_rule(run("224.0.0.2", 1), "RFC 5944", "2.1"));
  EXPECT_TRUE(run("255.255.255.255", 1).empty());
  EXPECT_TRUE(run("10.0.2.100", 1).empty());  // unicast to a mobile node
}

TEST(MipLayers, RouterAdvertisementWithoutMobilityExtensionAndWrongType) {
  auto adv = uxi_advert().bytes();
  std::vector<uint8_t> ra(adv.begin(), adv.begin() + 16);  // ICMP header and the one router entry only
  Ctx ctx("10.0.2.1", "224.0.0.1", 1, 1);
  DecodedFrame out;
  decode_agent_discovery_layer(ra, kAt, ctx.get(), {}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_EQ(l.protocol, "adv");
  // A valid RFC 1256 Router Advertisement is a layer, not a decode error.
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.summary.starts_with("ICMP Router Advertisement (RFC 1256), no Mobility Agent")) << l.summary;
  ASSERT_NE(l.find("router0_address"), nullptr);
  EXPECT_EQ(std::get<std::string>(*l.find("router0_address")), "10.0.2.1");
  // Bytes after the router entries that are not a Mobility Agent Advertisement Extension: an error at that offset.
  std::vector<uint8_t> junk = ra;
  junk.insert(junk.end(), {0x20, 0x00, 0x00, 0x00});
  DecodedFrame bad;
  decode_agent_discovery_layer(junk, kAt, ctx.get(), {}, bad);
  ASSERT_TRUE(bad.layers.at(0).error);
  EXPECT_EQ(bad.layers[0].error->field, "mobility_agent.type");
  EXPECT_EQ(bad.layers[0].error->offset, kAt + 16);
  EXPECT_TRUE(bad.layers[0].summary.starts_with("ICMP Router Advertisement, not an Agent Advertisement"));
  DecodedFrame wrong;
  decode_agent_discovery_layer(std::vector<uint8_t>{8, 0, 0, 0, 0, 0, 0, 0}, kAt, ctx.get(), {}, wrong);
  ASSERT_TRUE(wrong.layers.at(0).error);
  EXPECT_EQ(wrong.layers[0].error->field, "type");
  // Every truncation: the decoder's field at the frame offset.
  for (size_t n = 0; n < adv.size(); ++n) {
    std::unique_ptr<uint8_t[]> buf(new uint8_t[n == 0 ? 1 : n]);
    std::copy(adv.begin(), adv.begin() + static_cast<std::ptrdiff_t>(n), buf.get());
    DecodedFrame o;
    decode_agent_discovery_layer(Bytes(buf.get(), n), kAt, ctx.get(), {}, o);
    ASSERT_EQ(o.layers.size(), 1u);
    auto direct = AgentAdvertisement::decode(buf.get(), n, false);
    if (direct || n == 16) {  // 16: the cut leaves exactly an RFC 1256 Router Advertisement
      EXPECT_FALSE(o.layers[0].error) << n;
    } else {
      ASSERT_TRUE(o.layers[0].error) << n;
      EXPECT_EQ(o.layers[0].error->field, direct.error().field) << n;
      EXPECT_EQ(o.layers[0].error->offset, kAt + direct.error().offset) << n;
    }
  }
}

TEST(MipLayers, AgentSolicitationLayer) {
  AgentSolicitation sol;
  auto bytes = sol.bytes();
  Ctx ctx("10.0.2.9", "224.0.0.11", 1, 1);
  DecodedFrame out;
  decode_agent_discovery_layer(bytes, kAt, ctx.get(), {}, out);
  const Layer& l = out.layers.at(0);
  EXPECT_EQ(l.protocol, "sol");
  EXPECT_EQ(l.summary, "AgentSol");
  EXPECT_TRUE(l.violations.empty()) << dump(l.violations);
  EXPECT_EQ(num(l, "type"), 10u);
  EXPECT_EQ(num(l, "code"), 0u);
  EXPECT_EQ(num(l, "reserved"), 0u);
  EXPECT_EQ(str(l, "checksum"), "0xf5ff");
  Ctx far("10.0.2.9", "224.0.0.11", 2, 1);
  DecodedFrame o2;
  decode_agent_discovery_layer(bytes, kAt, far.get(), {}, o2);
  EXPECT_TRUE(has_rule(o2.layers.at(0).violations, "RFC 5944", "2.2"));
  auto bad_sum = bytes;
  bad_sum[2] ^= 0x01;
  DecodedFrame o3;
  decode_agent_discovery_layer(bad_sum, kAt, ctx.get(), {}, o3);
  ASSERT_EQ(o3.layers.at(0).violations.size(), 1u) << dump(o3.layers[0].violations);
  EXPECT_NE(o3.layers[0].violations[0].text.find("needs 0xf5ff"), std::string::npos);
  EXPECT_EQ(o3.layers[0].summary, "AgentSol cksum=bad");
  sol.reserved(1);
  DecodedFrame o5;
  decode_agent_discovery_layer(sol.bytes(), kAt, ctx.get(), {}, o5);
  ASSERT_EQ(o5.layers.at(0).violations.size(), 1u) << dump(o5.layers[0].violations);
  EXPECT_NE(o5.layers[0].violations[0].text.find("Reserved is 0x00000001"), std::string::npos);
  EXPECT_EQ(o5.layers[0].summary, "AgentSol reserved=0x00000001");
  DecodedFrame o4;
  decode_agent_discovery_layer(Bytes(bytes.data(), 5), kAt, ctx.get(), {}, o4);
  ASSERT_TRUE(o4.layers.at(0).error);
  EXPECT_EQ(o4.layers[0].protocol, "sol");
  EXPECT_EQ(o4.layers[0].error->offset, kAt + 4);
}

TEST(MipLayers, MutatedInputNeverEscapesItsSpan) {
  std::mt19937 rng(3519);
  const std::vector<std::vector<uint8_t>> seeds = {nat_rrq().bytes(), nat_rrp().bytes(),
                                                   make_keepalive("10.0.1.100", "10.0.1.1", 1, 1).bytes(),
                                                   uxi_advert().bytes(), AgentSolicitation().bytes()};
  Ctx ctx("10.0.1.100", "10.0.2.1", 255);
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t which = static_cast<size_t>(iter) % seeds.size();
    auto msg = seeds[which];
    for (int e = 1 + static_cast<int>(rng() % 4); e > 0; --e) {
      if (!msg.empty()) msg[rng() % msg.size()] = static_cast<uint8_t>(rng());
      if (rng() % 3 == 0) msg.resize(msg.empty() ? 0 : rng() % (msg.size() + 1));
    }
    std::unique_ptr<uint8_t[]> buf(new uint8_t[msg.empty() ? 1 : msg.size()]);
    std::copy(msg.begin(), msg.end(), buf.get());
    const Bytes in(buf.get(), msg.size());
    DecodedFrame out;
    Next next;
    if (which < 3) {
      next = decode_mobile_ip_layer(in, kAt, ctx.get(), {}, out);
    } else {
      decode_agent_discovery_layer(in, kAt, ctx.get(), {}, out);
    }
    ASSERT_EQ(out.layers.size(), 1u);
    const Layer& l = out.layers[0];
    if (l.error) {
      EXPECT_GE(l.error->offset, kAt);
      EXPECT_LE(l.error->offset, kAt + msg.size());
      EXPECT_FALSE(l.error->field.empty());
    }
    if (next.kind != NextKind::None) {
      EXPECT_GE(next.bytes.data(), in.data());
      EXPECT_EQ(next.bytes.data() + next.bytes.size(), in.data() + in.size());
      EXPECT_EQ(next.offset, kAt + static_cast<size_t>(next.bytes.data() - in.data()));
    }
  }
}

}  // namespace
}  // namespace mipvpn::wire
