// The esp / udpencap / nat-keepalive layers: fields, summaries, offsets, what follows, and robustness on every prefix.
#include "harness/wire/esp_keys.h"
#include "harness/wire/layers_ipsec.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/stack.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <random>

namespace mipvpn::wire {
namespace {

constexpr size_t kFrameOffset = 34;  // where the ESP header sits in the imagined frame (Ethernet 14 + IPv4 20)

std::vector<uint8_t> seq_bytes(size_t n, uint8_t first = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i);
  return v;
}

EspSa gcm_sa() {
  EspSa sa;
  sa.spi = 0x1234;
  sa.src = Tins::IPv4Address("198.51.100.2");
  sa.dst = Tins::IPv4Address("192.0.2.1");
  sa.alg = EspAlgorithm::AesGcm16;
  sa.enc_key = seq_bytes(20, 0x31);
  return sa;
}

IpContext outer_ctx(uint16_t sport = 0, uint16_t dport = 0, uint16_t udp_checksum = 0) {
  IpContext ctx;
  ctx.src = static_cast<uint32_t>(Tins::IPv4Address("198.51.100.2"));
  ctx.dst = static_cast<uint32_t>(Tins::IPv4Address("192.0.2.1"));
  ctx.protocol = sport == 0 ? 50 : 17;
  ctx.ttl = 64;
  ctx.offset = 14;
  ctx.src_port = sport;
  ctx.dst_port = dport;
  ctx.udp_checksum = udp_checksum;
  return ctx;
}

// IP | UDP 434 | Registration Request: the inner packet of the RFC 5265 tunnels.
std::vector<uint8_t> inner_packet() {
  RegistrationRequest rrq(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0x0102030405060708ull,
                          RegistrationRequest::kFlagT);
  Tins::IP ip("10.0.1.1", "10.0.1.100");
  ip.ttl(64);
  auto pkt = ip / Tins::UDP(434, 40000) / rrq;
  return pkt.serialize();
}

const FieldValue& field(const Layer& l, const char* name) {
  static const FieldValue kMissing = std::string("<missing>");
  const FieldValue* v = l.find(name);
  return v != nullptr ? *v : kMissing;
}

TEST(EspLayer, WithoutKeyThePayloadStaysOpaque) {
  const auto wire = esp_encrypt(gcm_sa(), 5, inner_packet(), 4);
  DecodedFrame out;
  const Next next = decode_esp_layer(wire, kFrameOffset, outer_ctx(), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "esp");
  EXPECT_EQ(l.offset, kFrameOffset);
  EXPECT_EQ(l.length, wire.size());
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(l.summary, "ESP spi=0x00001234 seq=5 len=" + std::to_string(wire.size() - 8) + " encrypted");
  ASSERT_GE(l.fields.size(), 3u);
  EXPECT_EQ(l.fields[0].name, "spi");
  EXPECT_EQ(l.fields[1].name, "seq");
  EXPECT_EQ(l.fields[2].name, "payload_length");
  EXPECT_EQ(field(l, "spi"), FieldValue(std::string("0x00001234")));
  EXPECT_EQ(field(l, "seq"), FieldValue(uint64_t{5}));
  EXPECT_EQ(field(l, "payload_length"), FieldValue(uint64_t{wire.size() - 8}));
  EXPECT_EQ(l.find("decrypted"), nullptr);
  EXPECT_TRUE(out.buffers.empty());
}

TEST(EspLayer, DecryptsTunnelModeIntoAPlaintextBuffer) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  const auto inner = inner_packet();
  const auto wire = esp_encrypt(gcm_sa(), 1, inner, 4);
  DecodedFrame out;
  const Next next = decode_esp_layer(wire, kFrameOffset, outer_ctx(), opt, out);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  ASSERT_FALSE(l.error) << l.error->to_string();
  EXPECT_EQ(l.summary, "ESP spi=0x00001234 seq=1 aes-gcm-16 next=IPv4");
  std::vector<std::string> names;
  for (const auto& f : l.fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"spi", "seq", "payload_length", "decrypted", "alg", "pad_length",
                                             "next_header", "icv"}));
  EXPECT_EQ(field(l, "decrypted"), FieldValue(true));
  EXPECT_EQ(field(l, "alg"), FieldValue(std::string("aes-gcm-16")));
  EXPECT_EQ(field(l, "next_header"), FieldValue(uint64_t{4}));
  EXPECT_EQ(field(l, "pad_length"), FieldValue(uint64_t{(4 - (inner.size() + 2) % 4) % 4}));
  EXPECT_EQ(field(l, "icv"), FieldValue(std::string("ok")));
  EXPECT_TRUE(l.violations.empty());

  EXPECT_EQ(next.kind, NextKind::IPv4);
  EXPECT_TRUE(next.in_plaintext);
  EXPECT_EQ(next.offset, 0u);
  ASSERT_EQ(out.buffers.size(), 1u);
  EXPECT_EQ(next.bytes.data(), out.buffers[0].data());
  EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), inner);
  // The dispatcher would go on with IPv4; here the inner datagram is checked directly.
  Tins::IP ip(next.bytes.data(), static_cast<uint32_t>(next.bytes.size()));
  EXPECT_EQ(ip.src_addr(), Tins::IPv4Address("10.0.1.100"));
  EXPECT_EQ(ip.rfind_pdu<Tins::UDP>().dport(), 434);
}

TEST(EspLayer, TransportModeAndDummyPackets) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  DecodedFrame out;
  Next next = decode_esp_layer(esp_encrypt(gcm_sa(), 2, seq_bytes(12), 17), 0, outer_ctx(), opt, out);
  EXPECT_EQ(next.kind, NextKind::IpPayload);
  EXPECT_EQ(next.protocol, 17);
  EXPECT_TRUE(next.in_plaintext);
  EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), seq_bytes(12));
  EXPECT_EQ(out.layers.back().summary, "ESP spi=0x00001234 seq=2 aes-gcm-16 next=UDP");

  next = decode_esp_layer(esp_encrypt(gcm_sa(), 3, seq_bytes(9), 47), 0, outer_ctx(), opt, out);
  EXPECT_EQ(next.kind, NextKind::IpPayload);
  EXPECT_EQ(next.protocol, 47);

  // RFC 4303 2.6: a dummy packet is discarded "without indicating an error"; nothing follows it.
  next = decode_esp_layer(esp_encrypt(gcm_sa(), 4, seq_bytes(7, 0x80), 59), 0, outer_ctx(), opt, out);
  EXPECT_EQ(next.kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 3u);
  EXPECT_FALSE(out.layers.back().error);
  EXPECT_EQ(field(out.layers.back(), "dummy"), FieldValue(true));
  EXPECT_EQ(out.layers.back().summary, "ESP spi=0x00001234 seq=4 aes-gcm-16 next=none (dummy)");
  EXPECT_EQ(out.buffers.size(), 2u);
}

TEST(EspLayer, IcvFailureIsTheLayersError) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  auto wire = esp_encrypt(gcm_sa(), 1, inner_packet(), 4);
  wire[20] ^= 0x40;
  DecodedFrame out;
  const Next next = decode_esp_layer(wire, kFrameOffset, outer_ctx(), opt, out);
  EXPECT_EQ(next.kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  ASSERT_TRUE(l.error);
  EXPECT_EQ(l.error->field, "icv");
  EXPECT_EQ(l.error->offset, kFrameOffset + wire.size() - 16);
  EXPECT_EQ(l.summary, "ESP spi=0x00001234 seq=1 aes-gcm-16 ICV-FAILED");
  EXPECT_EQ(l.find("decrypted"), nullptr);
  EXPECT_EQ(field(l, "alg"), FieldValue(std::string("aes-gcm-16")));
  EXPECT_TRUE(out.buffers.empty());  // no plaintext from an unauthenticated packet
}

TEST(EspLayer, SaIsChosenByAddressesToo) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  const auto wire = esp_encrypt(gcm_sa(), 1, inner_packet(), 4);
  IpContext reversed = outer_ctx();
  std::swap(reversed.src, reversed.dst);
  DecodedFrame out;
  EXPECT_EQ(decode_esp_layer(wire, 0, reversed, opt, out).kind, NextKind::None);
  EXPECT_NE(out.layers[0].summary.find("encrypted"), std::string::npos);
}

TEST(EspLayer, HeaderRulesAndLayoutRulesAreViolations) {
  EspSa sa = gcm_sa();
  sa.spi = 0;
  EspKeyring keys;
  keys.add(sa);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  DecodedFrame out;
  // SPI 0, Sequence 0, and one extra padding byte that misaligns the ICV: all decode, all are reported.
  decode_esp_layer(esp_encrypt(sa, 0, seq_bytes(10), 17, {}, 1), 0, outer_ctx(), opt, out);
  const Layer& l = out.layers[0];
  EXPECT_FALSE(l.error);
  std::vector<std::string> sections;
  for (const auto& v : l.violations) sections.push_back(v.section);
  EXPECT_EQ(sections, (std::vector<std::string>{"2.1", "3.3.3", "2.4"}));
}

TEST(EspLayer, TruncatedHeaderIsAnErrorAtTheFrameOffset) {
  DecodedFrame out;
  const std::vector<uint8_t> five = {0, 0, 1, 0, 0};
  EXPECT_EQ(decode_esp_layer(five, kFrameOffset, outer_ctx(), DecodeOptions{}, out).kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  ASSERT_TRUE(out.layers[0].error);
  EXPECT_EQ(out.layers[0].error->field, "sequence");
  EXPECT_EQ(out.layers[0].error->offset, kFrameOffset + 4);
  EXPECT_EQ(out.layers[0].protocol, "esp");
}

// --- UDP 4500 -------------------------------------------------------------------------------------------------------

TEST(UdpEncapLayer, NatKeepalive) {
  DecodedFrame out;
  const std::vector<uint8_t> ka = {0xff};
  EXPECT_EQ(decode_udp_encap_layer(ka, 42, outer_ctx(4500, 4500), DecodeOptions{}, out).kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "nat-keepalive");
  EXPECT_EQ(l.summary, "NAT-keepalive");
  EXPECT_EQ(l.offset, 42u);
  EXPECT_EQ(l.length, 1u);
  EXPECT_EQ(field(l, "value"), FieldValue(uint64_t{0xff}));
  EXPECT_TRUE(l.violations.empty());
  EXPECT_FALSE(l.error);

  // Wrong content, non-zero checksum, ports without 4500: three rules.
  out = DecodedFrame{};
  const std::vector<uint8_t> bad = {0x00};
  decode_udp_encap_layer(bad, 42, outer_ctx(1000, 2000, 0xbeef), DecodeOptions{}, out);
  std::vector<std::string> rules;
  for (const auto& v : out.layers[0].violations) rules.push_back(v.section + " " + v.level);
  EXPECT_EQ(rules, (std::vector<std::string>{"2.3 MUST", "2.3 SHOULD", "2.3 MUST"}));
}

TEST(UdpEncapLayer, NonEspMarkerHandsOverToIke) {
  DecodedFrame out;
  std::vector<uint8_t> p = {0, 0, 0, 0};
  const auto ike = seq_bytes(28, 0x10);
  p.insert(p.end(), ike.begin(), ike.end());
  // IKE's checksum is not RFC 3948's business
  const Next next = decode_udp_encap_layer(p, 42, outer_ctx(4500, 4500, 0x1234), DecodeOptions{}, out);
  EXPECT_EQ(next.kind, NextKind::Ike);
  EXPECT_EQ(next.offset, 46u);
  EXPECT_FALSE(next.in_plaintext);
  EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), ike);
  ASSERT_EQ(out.layers.size(), 1u);
  const Layer& l = out.layers[0];
  EXPECT_EQ(l.protocol, "udpencap");
  EXPECT_EQ(l.summary, "non-ESP-marker");
  EXPECT_EQ(l.length, 4u);
  EXPECT_EQ(field(l, "marker"), FieldValue(uint64_t{0}));
  EXPECT_TRUE(l.violations.empty());
}

TEST(UdpEncapLayer, EspInUdpIsTheEspLayer) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  const auto wire = esp_encrypt(gcm_sa(), 7, inner_packet(), 4);
  DecodedFrame out;
  const Next next = decode_udp_encap_layer(wire, 42, outer_ctx(4500, 4500), opt, out);
  EXPECT_EQ(next.kind, NextKind::IPv4);
  ASSERT_EQ(out.layers.size(), 1u);
  EXPECT_EQ(out.layers[0].protocol, "esp");
  EXPECT_EQ(out.layers[0].offset, 42u);
  EXPECT_TRUE(out.layers[0].violations.empty());
  EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), inner_packet());

  // A non-zero checksum is a SHOULD on the ESP layer.
  out = DecodedFrame{};
  decode_udp_encap_layer(wire, 42, outer_ctx(4500, 4500, 0x4242), opt, out);
  ASSERT_EQ(out.layers[0].violations.size(), 1u);
  EXPECT_EQ(out.layers[0].violations[0].section, "2.1");
  EXPECT_EQ(out.layers[0].violations[0].level, "SHOULD");
}

TEST(UdpEncapLayer, UnclassifiablePayloadIsAnError) {
  DecodedFrame out;
  const std::vector<uint8_t> p = {0, 0, 0, 1, 9};
  EXPECT_EQ(decode_udp_encap_layer(p, 42, outer_ctx(4500, 4500), DecodeOptions{}, out).kind, NextKind::None);
  ASSERT_EQ(out.layers.size(), 1u);
  EXPECT_EQ(out.layers[0].protocol, "udpencap");
  ASSERT_TRUE(out.layers[0].error);
  EXPECT_EQ(out.layers[0].error->field, "sequence");
  EXPECT_EQ(out.layers[0].error->offset, 46u);
}

// Every prefix and random damage: exactly one layer, never a crash, an error or a result.
TEST(EspLayer, EveryPrefixAndRandomBytesDecodeSafely) {
  EspKeyring keys;
  keys.add(gcm_sa());
  EspSa cbc;
  cbc.spi = 0x1235;
  cbc.alg = EspAlgorithm::AesCbcHmacSha256_128;
  cbc.enc_key = seq_bytes(16);
  cbc.auth_key = seq_bytes(32);
  keys.add(cbc);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  for (const auto& wire : {esp_encrypt(gcm_sa(), 1, inner_packet(), 4), esp_encrypt(cbc, 1, inner_packet(), 4)}) {
    for (size_t n = 0; n <= wire.size(); ++n) {
      DecodedFrame out;
      const std::span<const uint8_t> prefix(wire.data(), n);
      const Next a = decode_esp_layer(prefix, 0, outer_ctx(), opt, out);
      const Next b = decode_udp_encap_layer(prefix, 0, outer_ctx(4500, 4500), opt, out);
      ASSERT_EQ(out.layers.size(), 2u) << n;
      if (n < wire.size()) {
        EXPECT_EQ(a.kind, NextKind::None) << n;
        EXPECT_TRUE(out.layers[0].error) << n;
      } else {
        EXPECT_EQ(a.kind, NextKind::IPv4);
        EXPECT_EQ(b.kind, NextKind::IPv4);
      }
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rng() % 80);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (junk.size() >= 4 && i % 2 == 0) junk[2] = 0x12, junk[3] = 0x34, junk[0] = junk[1] = 0;  // hit the SA
    DecodedFrame out;
    decode_esp_layer(junk, 0, outer_ctx(), opt, out);
    decode_udp_encap_layer(junk, 0, outer_ctx(4500, 4500), opt, out);
    ASSERT_EQ(out.layers.size(), 2u);
  }
}

// A capture cut by its snap length keeps the ESP header but not the ICV: that is the capture's doing, not the
// sender's (decode_ip says so for every other protocol). No ICV failure, no RFC 4303 layout violation, no error that
// would hide the packet from the SA classifier.
TEST(EspLayer, ShortCaptureIsNotBlamedOnTheSender) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  Tins::IP ip("192.0.2.1", "198.51.100.2");
  ip.protocol(50);
  const auto esp = esp_encrypt(gcm_sa(), 7, inner_packet(), 4);
  auto bytes = (ip / Tins::RawPDU(esp)).serialize();
  ASSERT_EQ(decode_frame(bytes, LinkType::RawIP, opt).error(), nullptr);
  bytes.resize(20 + 8 + 8 + 23);  // snap length: header, IV and 23 bytes of ciphertext
  const DecodedFrame f = decode_frame(bytes, LinkType::RawIP, opt);
  ASSERT_EQ(f.layers.size(), 2u) << f.summary();
  EXPECT_EQ(f.layers[1].protocol, "esp");
  EXPECT_EQ(f.error(), nullptr) << f.error()->to_string();
  EXPECT_TRUE(f.violations().empty()) << f.violations().at(0).text;
  EXPECT_EQ(f.layers[1].find("spi") != nullptr, true);
}

// An ESP packet whose Payload Data is empty leaves an empty plaintext buffer; the layer decoded from it (here an
// error layer) still sits in that buffer, decrypted, and must not claim frame offset 0 (the outer IP header).
TEST(EspLayer, LayerAfterAnEmptyPlaintextPointsIntoIt) {
  EspKeyring keys;
  keys.add(gcm_sa());
  DecodeOptions opt;
  opt.esp_keys = &keys;
  for (const uint8_t next_header : std::vector<uint8_t>{4, 17, 47, 55}) {
    Tins::IP ip("192.0.2.1", "198.51.100.2");
    ip.protocol(50);
    const auto bytes = (ip / Tins::RawPDU(esp_encrypt(gcm_sa(), 1, std::vector<uint8_t>{}, next_header))).serialize();
    const DecodedFrame f = decode_frame(bytes, LinkType::RawIP, opt);
    ASSERT_EQ(f.layers.size(), 3u) << f.summary();
    EXPECT_EQ(f.layers[1].protocol, "esp");
    ASSERT_EQ(f.buffers.size(), 1u);
    EXPECT_EQ(f.layers[2].buffer, 0) << int{next_header};
    EXPECT_TRUE(f.layers[2].decrypted) << int{next_header};
    EXPECT_EQ(f.layers[2].offset, 0u);
  }
}

}  // namespace
}  // namespace mipvpn::wire
