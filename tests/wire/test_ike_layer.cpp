// decode_ike_layer: one Layer per IKE message with the header fields in wire order, the payload list, per-notify
// fields, the Encrypted payload described as unreadable, violations from validate(), and a DecodeError at a frame
// offset for every truncation.
#include "harness/wire/ike.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/layers_ike.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/ike_samples.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace mipvpn::wire {
namespace {

namespace s = ike_samples;
namespace b = ike_builders;

constexpr size_t kAt = 42;  // Ethernet 14 + IPv4 20 + UDP 8

const Layer& decode(const std::vector<uint8_t>& ike, DecodedFrame& out, IpContext ctx = {}) {
  decode_ike_layer(ike, kAt, ctx, DecodeOptions{}, out);
  EXPECT_EQ(out.layers.size(), 1u);
  return out.layers.back();
}

template <class T>
T get(const Layer& l, const std::string& name) {
  const FieldValue* v = l.find(name);
  EXPECT_NE(v, nullptr) << name;
  if (v == nullptr || !std::holds_alternative<T>(*v)) {
    ADD_FAILURE() << name << " missing or of another type";
    return T{};
  }
  return std::get<T>(*v);
}

std::vector<std::string> names(const Layer& l) {
  std::vector<std::string> out;
  for (const auto& f : l.fields) out.push_back(f.name);
  return out;
}

TEST(IkeLayer, IkeSaInitRequest) {
  DecodedFrame out;
  const Layer& l = decode(s::sa_init_request(), out);
  EXPECT_EQ(l.protocol, "ike");
  EXPECT_EQ(l.offset, kAt);
  EXPECT_EQ(l.length, 432u);
  EXPECT_FALSE(l.decrypted);
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(l.summary,
            "IKEv2 IKE_SA_INIT request I spi_i=0x8a3c110e5b279001 spi_r=0x0 msgid=0 [SA KE Ni N(NAT_D_SRC) "
            "N(NAT_D_DST)]");
  const auto n = names(l);
  const std::vector<std::string> header = {"spi_i",    "spi_r",         "next_payload",  "next_payload_name",
                                           "version",  "major_version", "minor_version", "exchange_type",
                                           "exchange", "flags",         "flag_r",        "flag_v",
                                           "flag_i",   "message_id",    "length"};
  ASSERT_GE(n.size(), header.size());
  EXPECT_EQ(std::vector<std::string>(n.begin(), n.begin() + static_cast<std::ptrdiff_t>(header.size())), header);
  EXPECT_EQ(get<std::string>(l, "spi_i"), "0x8a3c110e5b279001");
  EXPECT_EQ(get<std::string>(l, "spi_r"), "0x0000000000000000");
  EXPECT_EQ(get<uint64_t>(l, "next_payload"), 33u);
  EXPECT_EQ(get<std::string>(l, "next_payload_name"), "SA");
  EXPECT_EQ(get<uint64_t>(l, "version"), 0x20u);
  EXPECT_EQ(get<uint64_t>(l, "major_version"), 2u);
  EXPECT_EQ(get<uint64_t>(l, "exchange_type"), 34u);
  EXPECT_EQ(get<std::string>(l, "exchange"), "IKE_SA_INIT");
  EXPECT_EQ(get<uint64_t>(l, "flags"), 8u);
  EXPECT_TRUE(get<bool>(l, "flag_i"));
  EXPECT_FALSE(get<bool>(l, "flag_r"));
  EXPECT_FALSE(get<bool>(l, "flag_v"));
  EXPECT_EQ(get<uint64_t>(l, "message_id"), 0u);
  EXPECT_EQ(get<uint64_t>(l, "length"), 432u);
  EXPECT_EQ(get<std::string>(l, "payloads"), "SA KE Ni N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)");
  EXPECT_EQ(get<uint64_t>(l, "payload_count"), 5u);
  const size_t lengths[] = {48, 264, 36, 28, 28};
  const char* pnames[] = {"SA", "KE", "Ni", "N", "N"};
  for (size_t i = 0; i < 5; ++i) {
    const std::string at = "payload[" + std::to_string(i) + "]";
    EXPECT_EQ(get<uint64_t>(l, at + ".length"), lengths[i]);
    EXPECT_EQ(get<std::string>(l, at + ".name"), pnames[i]);
    EXPECT_FALSE(get<bool>(l, at + ".critical"));
  }
  EXPECT_EQ(get<uint64_t>(l, "payload[2].type"), 40u);
  // "payloads" and "payload_count" come right after the header, the details after them.
  EXPECT_EQ(n[header.size()], "payloads");
  EXPECT_EQ(n[header.size() + 1], "payload_count");
  EXPECT_EQ(n[header.size() + 2], "payload[0].type");
  EXPECT_EQ(get<std::string>(l, "sa[0].proposal[0]"), "#1 IKE ENCR:12(128) PRF:5 INTEG:12 D-H:14");
  EXPECT_EQ(get<uint64_t>(l, "ke.dh_group"), 14u);
  EXPECT_EQ(get<uint64_t>(l, "ke.data_length"), 256u);
  EXPECT_EQ(get<uint64_t>(l, "nonce.length"), 32u);
  EXPECT_EQ(get<uint64_t>(l, "notify[0].type"), 16388u);
  EXPECT_EQ(get<std::string>(l, "notify[0].name"), "NAT_DETECTION_SOURCE_IP");
  EXPECT_EQ(get<uint64_t>(l, "notify[0].protocol_id"), 0u);
  EXPECT_EQ(get<uint64_t>(l, "notify[0].spi_size"), 0u);
  EXPECT_EQ(get<uint64_t>(l, "notify[0].data_length"), 20u);
  EXPECT_EQ(get<uint64_t>(l, "notify[1].type"), 16389u);
  EXPECT_EQ(get<std::string>(l, "notify[1].name"), "NAT_DETECTION_DESTINATION_IP");
  EXPECT_EQ(l.find("encrypted_payload"), nullptr);
}

TEST(IkeLayer, EncryptedPayloadIsReportedNotRead) {
  DecodedFrame out;
  IpContext ctx;
  ctx.src_port = ctx.dst_port = 4500;
  const Layer& l = decode(s::ike_auth_request(), out, ctx);
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(l.summary,
            "IKEv2 IKE_AUTH request I spi_i=0x8a3c110e5b279001 spi_r=0x4d2f9a7c01e65b33 msgid=1 "
            "[SK(first=IDi len=100)]");
  EXPECT_EQ(get<std::string>(l, "payloads"), "SK");
  EXPECT_EQ(get<std::string>(l, "encrypted_payload"), "SK");
  EXPECT_EQ(get<uint64_t>(l, "encrypted_first_payload"), 35u);
  EXPECT_EQ(get<std::string>(l, "encrypted_first_payload_name"), "IDi");
  EXPECT_EQ(get<uint64_t>(l, "encrypted_length"), 100u);
  EXPECT_NE(get<std::string>(l, "encrypted_note").find("unreadable without the IKE SA keys"), std::string::npos);

  DecodedFrame out2;
  const Layer& r = decode(s::informational_response(), out2);
  EXPECT_EQ(r.summary,
            "IKEv2 INFORMATIONAL response - spi_i=0x8a3c110e5b279001 spi_r=0x4d2f9a7c01e65b33 msgid=2 "
            "[SK(first=none len=52)]");
  EXPECT_TRUE(get<bool>(r, "flag_r"));
  EXPECT_FALSE(get<bool>(r, "flag_i"));
}

TEST(IkeLayer, ResponseNamesNrAndCriticalIsMarked) {
  IkeV2Message m(s::kSpiI, s::kSpiR, IkeSaInit, IkeV2Message::kFlagR | IkeV2Message::kFlagV, 0);
  m.add_payload(IkeNonce, s::fill(32, 1));
  m.add_payload(201, {}, true);
  m.add_payload(IkeNotifyPayload, IkeNotify{0, 3, NotifyRekeySa, {0xca, 0xfe, 0, 1}, {}}.body(IkeVersion::V2));
  DecodedFrame out;
  const Layer& l = decode(m.bytes(), out);
  EXPECT_EQ(get<std::string>(l, "payloads"), "Nr type 201! N(REKEY_SA)");
  EXPECT_TRUE(get<bool>(l, "payload[1].critical"));
  EXPECT_EQ(get<std::string>(l, "payload[1].name"), "type 201");
  EXPECT_EQ(get<std::string>(l, "notify[0].spi"), "0xcafe0001");
  EXPECT_EQ(get<uint64_t>(l, "notify[0].spi_size"), 4u);
  EXPECT_EQ(l.summary.rfind("IKEv2 IKE_SA_INIT response V spi_i=", 0), 0u) << l.summary;
  // V set (3.1) and a critical payload in a response (2.5): both reported.
  EXPECT_EQ(l.violations.size(), 2u);
}

TEST(IkeLayer, ViolationsAndPlaintextContext) {
  auto m = b::build_sa_init();
  m.message_id(3);
  DecodedFrame out;
  IpContext ctx;
  ctx.in_plaintext = true;
  const Layer& l = decode(m.bytes(), out, ctx);
  EXPECT_TRUE(l.decrypted);
  ASSERT_EQ(l.violations.size(), 1u);
  EXPECT_EQ(l.violations[0].section, "2.2");
  // An unknown major version is decoded with the IKEv2 layout and flagged.
  auto v3 = s::sa_init_request();
  v3[17] = 0x30;
  DecodedFrame out3;
  const Layer& l3 = decode(v3, out3);
  EXPECT_EQ(l3.protocol, "ike");
  EXPECT_EQ(l3.summary.rfind("IKEv3 IKE_SA_INIT", 0), 0u) << l3.summary;
  ASSERT_EQ(l3.violations.size(), 1u);
  EXPECT_NE(l3.violations[0].text.find("major version is 3"), std::string::npos);
}

TEST(IkeLayer, IkeV1MainModeAndEncrypted) {
  DecodedFrame out;
  const Layer& l = decode(s::main_mode_1(), out);
  EXPECT_EQ(l.protocol, "ikev1");
  EXPECT_FALSE(l.error);
  EXPECT_TRUE(l.violations.empty());
  EXPECT_EQ(l.summary, "IKEv1 Main Mode - cookie_i=0x3b9f0c7122e45806 cookie_r=0x0 msgid=0x0 [SA VID]");
  EXPECT_EQ(get<std::string>(l, "exchange"), "Main Mode");
  EXPECT_FALSE(get<bool>(l, "flag_e"));
  EXPECT_FALSE(get<bool>(l, "flag_c"));
  EXPECT_FALSE(get<bool>(l, "flag_a"));
  EXPECT_EQ(l.find("flag_r"), nullptr);
  EXPECT_EQ(get<uint64_t>(l, "sa[0].doi"), 1u);
  EXPECT_EQ(get<uint64_t>(l, "sa[0].situation"), 1u);
  EXPECT_EQ(get<uint64_t>(l, "sa[0].proposal_count"), 1u);
  EXPECT_EQ(get<uint64_t>(l, "vendor_id[0].length"), 16u);

  IkeV1Message e(1, 2, IsakmpIdentityProtection, IkeV1Message::kFlagE, 0);
  e.next_payload(IsakmpId);
  e.encrypted_body(s::fill(48, 9));
  DecodedFrame out2;
  const Layer& le = decode(e.bytes(), out2);
  EXPECT_EQ(le.summary, "IKEv1 Main Mode E cookie_i=0x1 cookie_r=0x2 msgid=0x0 [encrypted 48 bytes, first=ID]");
  EXPECT_TRUE(get<bool>(le, "flag_e"));
  EXPECT_EQ(get<uint64_t>(le, "encrypted_length"), 48u);
  EXPECT_EQ(get<std::string>(le, "payloads"), "");
  EXPECT_NE(get<std::string>(le, "encrypted_note").find("E flag"), std::string::npos);
}

TEST(IkeLayer, ErrorsCarryFrameOffsets) {
  const auto full = s::sa_init_request();
  DecodedFrame out;
  const Layer& l = decode(std::vector<uint8_t>(full.begin(), full.begin() + 10), out);
  ASSERT_TRUE(l.error);
  EXPECT_EQ(l.error->field, "spi_r");
  EXPECT_EQ(l.error->offset, kAt + 8);
  EXPECT_EQ(l.summary, "IKE truncated (10 of 28 header bytes)");

  auto lying = s::sa_init_request();
  lying[s::kSaInitPayloadOffsets[4] + 3] = 0x40;
  DecodedFrame out2;
  const Layer& l2 = decode(lying, out2);
  ASSERT_TRUE(l2.error);
  EXPECT_EQ(l2.error->field, "payload[4].body");
  EXPECT_EQ(l2.error->offset, kAt + s::kSaInitPayloadOffsets[4] + 4);
  EXPECT_EQ(get<std::string>(l2, "exchange"), "IKE_SA_INIT");  // the header was readable
  EXPECT_NE(l2.summary.find("decode error"), std::string::npos);
}

// Every prefix of every sample: exactly one layer, an error inside the given bytes for every short prefix, and a
// heap copy of exactly that length so AddressSanitizer sees any overread.
TEST(IkeLayer, EveryPrefixGivesOneLayer) {
  for (const auto& full :
       {s::sa_init_request(), s::ike_auth_request(), s::informational_response(), s::main_mode_1()}) {
    for (size_t len = 0; len <= full.size(); ++len) {
      std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
      std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len), buf.get());
      DecodedFrame out;
      decode_ike_layer(Bytes(buf.get(), len), kAt, IpContext{}, DecodeOptions{}, out);
      ASSERT_EQ(out.layers.size(), 1u);
      const Layer& l = out.layers[0];
      if (len < full.size()) {
        ASSERT_TRUE(l.error) << len;
        EXPECT_GE(l.error->offset, kAt);
        EXPECT_LE(l.error->offset, kAt + len);
        EXPECT_FALSE(l.error->field.empty());
      } else {
        EXPECT_FALSE(l.error);
      }
      EXPECT_FALSE(l.summary.empty());
    }
  }
}

// Random byte mutations (including of lengths, counts and types) decode or fail cleanly; whatever decodes re-encodes
// to the same bytes. Run under ASan/UBSan to prove no read outside the buffer.
TEST(IkeLayer, RandomMutationsDecodeOrFailCleanly) {
  std::mt19937 rng(7296);
  for (const auto& base : {s::sa_init_request(), s::ike_auth_request(), s::main_mode_1()}) {
    for (int round = 0; round < 3000; ++round) {
      auto bytes = base;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
      std::unique_ptr<uint8_t[]> buf(new uint8_t[bytes.empty() ? 1 : bytes.size()]);
      std::copy(bytes.begin(), bytes.end(), buf.get());
      DecodedFrame out;
      decode_ike_layer(Bytes(buf.get(), bytes.size()), kAt, IpContext{}, DecodeOptions{}, out);
      ASSERT_EQ(out.layers.size(), 1u);
      if (out.layers[0].error) {
        EXPECT_LE(out.layers[0].error->offset, kAt + bytes.size());
        EXPECT_FALSE(out.layers[0].error->field.empty());
      }
      if (ike_version(bytes) == IkeVersion::V1) {
        auto m = IkeV1Message::decode(buf.get(), bytes.size());
        if (m) {
          EXPECT_EQ(m->bytes(), bytes);
        }
      } else {
        auto m = IkeV2Message::decode(buf.get(), bytes.size());
        if (m) {
          EXPECT_EQ(m->bytes(), bytes);
        }
      }
    }
  }
}

}  // namespace
}  // namespace mipvpn::wire
