// Oracle for ESP and its UDP encapsulation: for each algorithm an RFC 5265-style tunnel packet (outer IP | ESP |
// inner IP | UDP 434 | Registration Request), once as plain ESP (IP protocol 50) and once as ESP-in-UDP 4500, plus a
// NAT-keepalive and an IKE message behind the Non-ESP Marker. tshark (Wireshark's own ESP code, libgcrypt) decrypts
// them with the esp_sa file written by wireshark_esp_sa_file and loaded back by EspKeyring; its view must equal ours:
// SPI, Sequence Number, Pad Length, Next Header, the decrypted inner addresses and Mobile IP fields, a good ICV, and no
// malformed or warning/error expert marks.
#include "harness/wire/esp_keys.h"
#include "harness/wire/layers_ipsec.h"
#include "harness/wire/registration_request.h"
#include "tests/oracle/layer_fields.h"
#include "tests/oracle/oracle_frames.h"
#include "tests/oracle/tshark_run.h"

#include <gtest/gtest.h>
#include <tins/rawpdu.h>

#include <fstream>
#include <string>

namespace mipvpn::wire::oracle {
namespace {

constexpr const char* kOuterSrc = "198.51.100.2";  // the mobile node's care-of address, VPN client side
constexpr const char* kOuterDst = "192.0.2.1";     // the VPN gateway
constexpr size_t kEthIp = 14 + 20;

// tshark decrypts ESP with the SAs of the esp_sa file in the test's configuration directory (or of -o uat:esp_sa
// options) and checks the ICV.
const std::vector<std::string> kEspOptions = {"-o", "esp.enable_encryption_decode:TRUE", "-o",
                                              "esp.enable_authentication_check:TRUE"};

// --- the frames -----------------------------------------------------------------------------------------------------

std::vector<uint8_t> seq_bytes(size_t n, uint8_t first) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i * 7);
  return v;
}

std::vector<EspSa> oracle_sas() {
  std::vector<EspSa> sas;
  auto make = [&](uint32_t spi, EspAlgorithm alg, std::vector<uint8_t> enc, std::vector<uint8_t> auth) {
    EspSa sa;
    sa.spi = spi;
    sa.src = Tins::IPv4Address(kOuterSrc);
    sa.dst = Tins::IPv4Address(kOuterDst);
    sa.alg = alg;
    sa.enc_key = std::move(enc);
    sa.auth_key = std::move(auth);
    sas.push_back(sa);
  };
  make(0xc0010001, EspAlgorithm::AesGcm16, seq_bytes(20, 0x11), {});
  make(0xc0010002, EspAlgorithm::AesCbcHmacSha1_96, seq_bytes(16, 0x21), seq_bytes(20, 0x31));
  make(0xc0010003, EspAlgorithm::AesCbcHmacSha256_128, seq_bytes(32, 0x41), seq_bytes(32, 0x51));
  make(0xc0010004, EspAlgorithm::NullHmacSha1_96, {}, seq_bytes(20, 0x61));
  return sas;
}

// Inner packet of the tunnel: IP (HoA -> HA) | UDP 40000 -> 434 | RRQ with MN-HA authentication.
std::vector<uint8_t> inner_packet() {
  Tins::IP ip("10.0.1.1", "10.0.1.100");
  ip.ttl(64);
  auto pkt = ip / Tins::UDP(434, 40000) / oracle_rrq();
  return pkt.serialize();
}

std::vector<uint8_t> outer_frame(std::span<const uint8_t> ip_payload, bool udp_4500) {
  Tins::EthernetII eth("02:00:00:00:00:01", "02:00:00:00:00:02");
  Tins::IP ip(kOuterDst, kOuterSrc);
  ip.ttl(64);
  std::vector<uint8_t> frame;
  if (udp_4500) {
    auto pkt =
        eth / ip / Tins::UDP(4500, 4500) / Tins::RawPDU(ip_payload.data(), static_cast<uint32_t>(ip_payload.size()));
    frame = pkt.serialize();
    frame[kEthIp + 6] = 0;  // RFC 3948 2.1/2.3: the UDP checksum "SHOULD be transmitted as a zero value"
    frame[kEthIp + 7] = 0;
  } else {
    ip.protocol(50);
    auto pkt = eth / ip / Tins::RawPDU(ip_payload.data(), static_cast<uint32_t>(ip_payload.size()));
    frame = pkt.serialize();
  }
  return frame;
}

// An IKEv2 IKE_SA_INIT header with no payloads (RFC 7296 3.1): SPIi, SPIr 0, Next Payload 0, Version 2.0,
// Exchange 34, Flags I, Message ID 0, Length 28.
// clang-format off
const std::vector<uint8_t> kIkeHeader = {0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0x00, 0x20, 34,   0x08, 0,    0,    0,    0,    0, 0, 0, 28};
// clang-format on

struct EspFrame {
  EspSa sa;
  uint32_t seq;
  bool udp;
  std::vector<uint8_t> esp;    // the ESP packet
  std::vector<uint8_t> frame;  // Ethernet | IP | (UDP) | ESP
};

using EspOracle = TsharkTest;

unsigned long number(const std::string& s) {
  try {
    return std::stoul(s, nullptr, 0);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not a number: " << s;
    return 0;
  }
}

// The UDP payload of an Ethernet | IPv4 | UDP frame, bounded by the UDP Length (Ethernet pads short frames).
std::span<const uint8_t> udp_payload(std::span<const uint8_t> frame) {
  const size_t udp_length = static_cast<size_t>(frame[kEthIp + 4] << 8 | frame[kEthIp + 5]);
  return frame.subspan(kEthIp + 8, udp_length - 8);
}

// Our decoding of one ESP frame, through the layer functions the dispatcher calls.
struct Ours {
  Layer esp;
  std::vector<uint8_t> inner;
};

Ours decode_ours(const EspFrame& f, const EspKeyring& keys) {
  DecodeOptions opt;
  opt.esp_keys = &keys;
  IpContext ctx;
  ctx.src = static_cast<uint32_t>(Tins::IPv4Address(kOuterSrc));
  ctx.dst = static_cast<uint32_t>(Tins::IPv4Address(kOuterDst));
  ctx.protocol = f.udp ? 17 : 50;
  DecodedFrame out;
  Next next;
  if (f.udp) {
    ctx.src_port = ctx.dst_port = 4500;
    Layer udp;  // what the dispatcher's UDP layer records
    udp.protocol = "udp";
    udp.add("checksum", uint64_t{static_cast<uint64_t>(f.frame[kEthIp + 6] << 8 | f.frame[kEthIp + 7])});
    out.layers.push_back(udp);
    next = decode_udp_encap_layer(udp_payload(f.frame), kEthIp + 8, ctx, opt, out);
  } else {
    next = decode_esp_layer(std::span(f.frame).subspan(kEthIp), kEthIp, ctx, opt, out);
  }
  Ours o;
  o.esp = out.layers.back();
  if (next.kind == NextKind::IPv4) o.inner.assign(next.bytes.begin(), next.bytes.end());
  return o;
}

TEST_F(EspOracle, TsharkDecryptsWhatWeEncryptAndSeesTheSameFields) {
  const auto sas = oracle_sas();
  // The SA table goes through the file format both ways: written as Wireshark writes it, loaded back by us.
  {
    std::ofstream out(config_dir() / "esp_sa");
    out << wireshark_esp_sa_file(sas);
  }
  auto load = EspKeyring::load((config_dir() / "esp_sa").string());
  ASSERT_TRUE(load.ok()) << load.errors.front().to_string();
  ASSERT_EQ(load.sas.size(), sas.size());
  const EspKeyring keys = load.keyring();

  const auto inner = inner_packet();
  std::vector<EspFrame> frames;
  for (const auto& sa : sas) {
    for (bool udp : {false, true}) {
      EspFrame f{sa, udp ? 2u : 1u, udp, {}, {}};
      f.esp = esp_encrypt(sa, f.seq, inner, static_cast<uint8_t>(EspNextHeader::IPv4));
      f.frame = outer_frame(f.esp, udp);
      frames.push_back(std::move(f));
    }
  }
  const auto keepalive = outer_frame(std::vector<uint8_t>{0xff}, true);
  std::vector<uint8_t> ike_payload = {0, 0, 0, 0};
  ike_payload.insert(ike_payload.end(), kIkeHeader.begin(), kIkeHeader.end());
  const auto ike = outer_frame(ike_payload, true);

  std::vector<std::vector<uint8_t>> bytes;  // as bytes: re-parsing would recompute the zero UDP checksum
  for (const auto& f : frames) bytes.push_back(f.frame);
  bytes.push_back(keepalive);
  bytes.push_back(ike);

  const auto packets = dissect(bytes, "esp", kEspOptions);
  ASSERT_EQ(packets.size(), frames.size() + 2);
  const RegistrationRequest rrq = oracle_rrq();
  const auto rrq_auth = std::vector<uint8_t>(rrq.extensions()[0].body.begin() + 4, rrq.extensions()[0].body.end());

  for (size_t i = 0; i < frames.size(); ++i) {
    const EspFrame& f = frames[i];
    const Json& l = packets[i];
    const std::string what = std::string(esp_algorithm_info(f.sa.alg).name) + (f.udp ? " in UDP 4500" : " (proto 50)");
    SCOPED_TRACE(what);
    expect_clean(l, static_cast<int>(i + 1));
    const Ours ours = decode_ours(f, keys);
    ASSERT_FALSE(ours.esp.error) << ours.esp.error->to_string();
    EXPECT_TRUE(ours.esp.violations.empty()) << ours.esp.violations.front().text;

    // The ESP header and trailer.
    ASSERT_NE(value(l, "esp.spi"), "<absent>") << "not dissected as ESP";
    EXPECT_EQ(number(value(l, "esp.spi")), f.sa.spi);
    EXPECT_EQ(number(field_text(ours.esp, "spi")), f.sa.spi);
    EXPECT_EQ(value(l, "esp.sequence"), std::to_string(f.seq));
    EXPECT_EQ(field_text(ours.esp, "seq"), std::to_string(f.seq));
    EXPECT_EQ(field_text(ours.esp, "decrypted"), "true");
    EXPECT_EQ(field_text(ours.esp, "icv"), "ok");
    EXPECT_EQ(value(l, "esp.pad_len"), field_text(ours.esp, "pad_length"));
    EXPECT_EQ(number(value(l, "esp.protocol")), 4u);
    EXPECT_EQ(field_text(ours.esp, "next_header"), "4");
    EXPECT_EQ(value(l, "esp.icv_good"), "1") << "tshark did not verify the ICV";
    EXPECT_EQ(value(l, "esp.icv_bad"), "0");
    if (f.udp) {
      EXPECT_EQ(values(l, "udp.dstport"), (std::vector<std::string>{"4500", "434"}));
    }

    // The decrypted inner packet: tshark's second IP layer is ours.
    ASSERT_EQ(ours.inner, inner);
    Tins::IP ip(ours.inner.data(), static_cast<uint32_t>(ours.inner.size()));
    const auto ip_src = values(l, "ip.src");
    const auto ip_dst = values(l, "ip.dst");
    ASSERT_EQ(ip_src.size(), 2u) << "tshark did not decrypt";
    EXPECT_EQ(ip_src[0], kOuterSrc);
    EXPECT_EQ(ip_dst[0], kOuterDst);
    EXPECT_EQ(ip_src[1], ip.src_addr().to_string());
    EXPECT_EQ(ip_dst[1], ip.dst_addr().to_string());
    EXPECT_EQ(values(l, "ip.checksum.status").back(), "1");

    // The Registration Request inside, decoded by us from the plaintext.
    const auto& raw = ip.rfind_pdu<Tins::RawPDU>().payload();
    auto ours_rrq = RegistrationRequest::decode(raw);
    ASSERT_TRUE(ours_rrq) << ours_rrq.error().to_string();
    ASSERT_NE(value(l, "mip.type"), "<absent>") << "no Mobile IP inside";
    EXPECT_EQ(value(l, "mip.type"), "1");
    EXPECT_EQ(value(l, "mip.life"), std::to_string(ours_rrq->lifetime()));
    EXPECT_EQ(value(l, "mip.homeaddr"), ours_rrq->home_address().to_string());
    EXPECT_EQ(value(l, "mip.haaddr"), ours_rrq->home_agent().to_string());
    EXPECT_EQ(value(l, "mip.coa"), ours_rrq->care_of_address().to_string());
    EXPECT_EQ(raw_hex(l, "mip.ident"), "ea5d1f2b80000001");
    EXPECT_EQ(value(l, "mip.auth.spi"), "0x00000100");
    EXPECT_EQ(raw_hex(l, "mip.auth.auth"), hex(rrq_auth));
  }

  // NAT-keepalive (RFC 3948 2.3).
  const Json& lk = packets[frames.size()];
  expect_clean(lk, static_cast<int>(frames.size() + 1));
  EXPECT_NE(value(lk, "udpencap.nat_keepalive"), "<absent>") << "tshark does not see a NAT-keepalive";
  {
    DecodedFrame out;
    IpContext ctx;
    ctx.src_port = ctx.dst_port = 4500;
    decode_udp_encap_layer(udp_payload(keepalive), kEthIp + 8, ctx, DecodeOptions{}, out);
    ASSERT_EQ(out.layers.size(), 1u);
    EXPECT_EQ(out.layers[0].protocol, "nat-keepalive");
    EXPECT_TRUE(out.layers[0].violations.empty());
  }

  // IKE behind the Non-ESP Marker (RFC 3948 2.2).
  const Json& li = packets[frames.size() + 1];
  expect_clean(li, static_cast<int>(frames.size() + 2));
  EXPECT_NE(value(li, "udpencap.non_esp_marker"), "<absent>") << "tshark does not see the Non-ESP Marker";
  EXPECT_EQ(no_colons(value(li, "isakmp.ispi")), hex(std::span(kIkeHeader).first(8)));
  EXPECT_EQ(number(value(li, "isakmp.exchangetype")), 34u);
  {
    DecodedFrame out;
    IpContext ctx;
    ctx.src_port = ctx.dst_port = 4500;
    const Next next = decode_udp_encap_layer(udp_payload(ike), kEthIp + 8, ctx, DecodeOptions{}, out);
    ASSERT_EQ(out.layers.size(), 1u);
    EXPECT_EQ(out.layers[0].protocol, "udpencap");
    EXPECT_EQ(next.kind, NextKind::Ike);
    EXPECT_EQ(next.offset, kEthIp + 8 + 4);
    EXPECT_EQ(std::vector<uint8_t>(next.bytes.begin(), next.bytes.end()), kIkeHeader);
  }
}

// The same SAs handed to tshark as `-o uat:esp_sa:<record>`, one option per record, with no esp_sa file at all.
TEST_F(EspOracle, RecordsWorkAsUatOptions) {
  const auto sas = oracle_sas();
  std::vector<std::string> extra = kEspOptions;
  for (const auto& sa : sas) {
    extra.push_back("-o");
    extra.push_back("uat:esp_sa:" + wireshark_esp_sa_record(sa));
  }
  const auto inner = inner_packet();
  std::vector<std::vector<uint8_t>> frames;
  for (const auto& sa : sas) frames.push_back(outer_frame(esp_encrypt(sa, 1, inner, 4), false));
  // No esp_sa file: the test's configuration directory stays empty.
  ASSERT_TRUE(std::filesystem::is_empty(config_dir()));
  const auto packets = dissect(frames, "uat", extra);
  ASSERT_EQ(packets.size(), sas.size());
  for (size_t i = 0; i < sas.size(); ++i) {
    const Json& l = packets[i];
    SCOPED_TRACE(esp_algorithm_info(sas[i].alg).name);
    expect_clean(l, static_cast<int>(i + 1));
    EXPECT_EQ(value(l, "esp.icv_good"), "1");
    EXPECT_EQ(values(l, "ip.src").back(), "10.0.1.100");
    EXPECT_EQ(value(l, "mip.homeaddr"), "10.0.1.100");
  }
}

// The oracle can fail: with a wrong key tshark reports a bad ICV and does not find the Registration Request, and so
// do we.
TEST_F(EspOracle, WrongKeyIsSeenByBoth) {
  auto sas = oracle_sas();
  const auto wire = esp_encrypt(sas[1], 1, inner_packet(), 4);
  sas[1].auth_key[0] ^= 0xff;
  {
    std::ofstream out(config_dir() / "esp_sa");
    out << wireshark_esp_sa_file(sas);
  }
  const auto packets = dissect({outer_frame(wire, false)}, "bad", kEspOptions);
  ASSERT_EQ(packets.size(), 1u);
  const Json& l = packets[0];
  EXPECT_NE(value(l, "esp.icv_good"), "1");
  EspKeyring keys;
  keys.add(sas[1]);
  EspFrame f{sas[1], 1, false, wire, outer_frame(wire, false)};
  const Ours ours = decode_ours(f, keys);
  ASSERT_TRUE(ours.esp.error);
  EXPECT_EQ(ours.esp.error->field, "icv");
  EXPECT_TRUE(ours.inner.empty());
}

}  // namespace
}  // namespace mipvpn::wire::oracle
