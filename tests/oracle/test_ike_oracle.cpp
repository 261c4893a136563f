// Oracle for the IKE codecs: messages encoded with harness/wire (IkeV2Message / IkeV1Message builders), written into
// a pcap inside Ethernet/IPv4/UDP (port 500, or 4500 after the non-ESP marker), must be dissected by tshark's isakmp
// dissector with the values decode_ike_layer reports, and without malformed-packet or warning/error expert marks.
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/layers_ike.h"
#include "tests/oracle/layer_fields.h"
#include "tests/oracle/tshark_run.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/ike_samples.h"

#include <gtest/gtest.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <string>
#include <vector>

namespace mipvpn::wire::oracle {
namespace {

namespace s = ike_samples;
using namespace ike_builders;  // NOLINT: the test builds the sample messages

Tins::EthernetII frame(const char* src, const char* dst, uint16_t sport, uint16_t dport, const Tins::PDU& payload) {
  Tins::EthernetII eth("02:00:00:00:00:02", "02:00:00:00:00:01");
  Tins::IP ip(dst, src);
  ip.ttl(64);
  return eth / ip / Tins::UDP(dport, sport) / payload;
}

// IKE on UDP 4500: the four-zero non-ESP marker, then the message (RFC 3948 2.2, RFC 7296 3.1).
Tins::EthernetII frame_4500(const char* src, const char* dst, const std::vector<uint8_t>& ike) {
  std::vector<uint8_t> payload(4, 0);
  payload.insert(payload.end(), ike.begin(), ike.end());
  return frame(src, dst, 4500, 4500, Tins::RawPDU(payload));
}

const Layer& decoded(const std::vector<uint8_t>& ike, DecodedFrame& out) {
  decode_ike_layer(ike, 0, IpContext{}, DecodeOptions{}, out);
  return out.layers.back();
}

// The header fields every IKE frame shares, tshark against decode_ike_layer.
void expect_header(const Json& isakmp, const Layer& l, int frame_no) {
  SCOPED_TRACE("frame " + std::to_string(frame_no));
  EXPECT_EQ(value(isakmp, "isakmp.ispi"), colon_hex_text(str(l, "spi_i")));
  EXPECT_EQ(value(isakmp, "isakmp.rspi"), colon_hex_text(str(l, "spi_r")));
  EXPECT_EQ(top(isakmp, "isakmp.nextpayload"), std::vector<std::string>{std::to_string(u64(l, "next_payload"))});
  EXPECT_EQ(value(isakmp, "isakmp.version"), hexw(u64(l, "version"), 2));
  EXPECT_EQ(value(isakmp, "isakmp.exchangetype"), std::to_string(u64(l, "exchange_type")));
  EXPECT_EQ(value(isakmp, "isakmp.flags"), hexw(u64(l, "flags"), 2));
  EXPECT_EQ(value(isakmp, "isakmp.messageid"), hexw(u64(l, "message_id"), 8));
  EXPECT_EQ(value(isakmp, "isakmp.length"), std::to_string(u64(l, "length")));
}

// The payload types of the top-level chain, as tshark lists them.
std::vector<std::string> payload_types(const IkeV2Message& m) {
  std::vector<std::string> out;
  for (const auto& p : m.payloads()) out.push_back(std::to_string(p.type));
  return out;
}

using IkeOracle = TsharkTest;

TEST_F(IkeOracle, EveryMessageKindDissectsWithTheSameValues) {
  const auto sa_init = build_sa_init();
  const auto auth = build_ike_auth();
  const auto info = build_informational_response();
  const auto mm = build_main_mode();
  // The builders produce the hand-written RFC layouts (so the oracle also vouches for the golden bytes).
  ASSERT_EQ(sa_init.bytes(), s::sa_init_request());
  ASSERT_EQ(auth.bytes(), s::ike_auth_request());
  ASSERT_EQ(info.bytes(), s::informational_response());
  ASSERT_EQ(mm.bytes(), s::main_mode_1());

  const auto layers = dissect({frame("10.0.2.2", "10.0.9.1", 500, 500, sa_init).serialize(),
                               frame_4500("10.0.2.2", "10.0.9.1", auth.bytes()).serialize(),
                               frame_4500("10.0.9.1", "10.0.2.2", info.bytes()).serialize(),
                               frame("10.0.2.2", "10.0.9.1", 500, 500, mm).serialize()},
                              "ike");
  ASSERT_EQ(layers.size(), 4u);
  for (size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(expert_problems(layers[i]), "") << "frame " << i + 1;
    EXPECT_EQ(value(layers[i], "udp.checksum.status"), "1") << "frame " << i + 1;
    ASSERT_TRUE(layers[i].contains("isakmp")) << "frame " << i + 1 << " not dissected as ISAKMP";
  }

  // Frame 1: IKE_SA_INIT request, UDP 500.
  {
    DecodedFrame out;
    const Layer& l = decoded(sa_init.bytes(), out);
    ASSERT_FALSE(l.error) << l.error->to_string();
    EXPECT_TRUE(l.violations.empty());
    const Json& k = layers[0]["isakmp"];
    expect_header(k, l, 1);
    EXPECT_EQ(value(k, "isakmp.flag_i"), bit(l, "flag_i"));
    EXPECT_EQ(value(k, "isakmp.flag_v"), bit(l, "flag_v"));
    EXPECT_EQ(value(k, "isakmp.flag_r"), bit(l, "flag_r"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), payload_types(sa_init));
    EXPECT_EQ(values(k, "isakmp.notify.msgtype"), (std::vector<std::string>{std::to_string(u64(l, "notify[0].type")),
                                                                            std::to_string(u64(l, "notify[1].type"))}));
    EXPECT_EQ(str(l, "notify[0].name"), "NAT_DETECTION_SOURCE_IP");
    EXPECT_EQ(str(l, "notify[1].name"), "NAT_DETECTION_DESTINATION_IP");
    EXPECT_EQ(value(k, "isakmp.key_exchange.dh_group"), std::to_string(u64(l, "ke.dh_group")));
    EXPECT_EQ((value(k, "isakmp.key_exchange.data").size() + 1) / 3, u64(l, "ke.data_length"));
    EXPECT_EQ((value(k, "isakmp.nonce").size() + 1) / 3, u64(l, "nonce.length"));
    EXPECT_EQ(value(k, "isakmp.prop.number"), "1");
    EXPECT_EQ(value(k, "isakmp.prop.protoid"), "1");
    EXPECT_EQ(value(k, "isakmp.prop.transforms"), "4");
    EXPECT_EQ(values(k, "isakmp.tf.type"), (std::vector<std::string>{"1", "2", "3", "4"}));
    EXPECT_EQ(value(k, "isakmp.tf.id.encr"), "12");
    EXPECT_EQ(value(k, "isakmp.tf.id.dh"), "14");
    EXPECT_EQ(value(k, "isakmp.ike2.attr.key_length"), "128");
    EXPECT_EQ(str(l, "sa[0].proposal[0]"), "#1 IKE ENCR:12(128) PRF:5 INTEG:12 D-H:14");
  }
  // Frames 2 and 3: IKE_AUTH request and INFORMATIONAL response on UDP 4500, each an SK payload only.
  const IkeV2Message* sk_msgs[] = {&auth, &info};
  for (int i = 0; i < 2; ++i) {
    DecodedFrame out;
    const Layer& l = decoded(sk_msgs[i]->bytes(), out);
    ASSERT_FALSE(l.error) << l.error->to_string();
    EXPECT_TRUE(l.violations.empty());
    const Json& k = layers[static_cast<size_t>(i + 1)]["isakmp"];
    EXPECT_EQ(value(layers[static_cast<size_t>(i + 1)], "udp.dstport"), "4500");
    expect_header(k, l, i + 2);
    EXPECT_EQ(value(k, "isakmp.flag_i"), bit(l, "flag_i"));
    EXPECT_EQ(value(k, "isakmp.flag_r"), bit(l, "flag_r"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), std::vector<std::string>{"46"});
    const Json& sk = k["isakmp.typepayload_tree"];
    EXPECT_EQ(top(sk, "isakmp.nextpayload"),
              std::vector<std::string>{std::to_string(u64(l, "encrypted_first_payload"))});
    EXPECT_EQ(top(sk, "isakmp.payloadlength"), std::vector<std::string>{std::to_string(u64(l, "encrypted_length"))});
    EXPECT_EQ(str(l, "payloads"), "SK");
  }
  // Frame 4: IKEv1 Main Mode message 1 with an SA (one proposal, one transform) and the RFC 3947 vendor ID.
  {
    DecodedFrame out;
    const Layer& l = decoded(mm.bytes(), out);
    ASSERT_FALSE(l.error) << l.error->to_string();
    EXPECT_EQ(l.protocol, "ikev1");
    EXPECT_TRUE(l.violations.empty());
    const Json& k = layers[3]["isakmp"];
    expect_header(k, l, 4);
    EXPECT_EQ(value(k, "isakmp.flag_e"), bit(l, "flag_e"));
    EXPECT_EQ(value(k, "isakmp.flag_c"), bit(l, "flag_c"));
    EXPECT_EQ(value(k, "isakmp.flag_a"), bit(l, "flag_a"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), (std::vector<std::string>{"1", "13"}));
    EXPECT_EQ(str(l, "payloads"), "SA VID");
    EXPECT_EQ(value(k, "isakmp.sa.doi"), std::to_string(u64(l, "sa[0].doi")));
    EXPECT_EQ(value(k, "isakmp.prop.number"), "1");
    EXPECT_EQ(value(k, "isakmp.prop.transforms"), "1");
    EXPECT_EQ(value(k, "isakmp.trans.id"), "1");
    EXPECT_EQ(value(k, "isakmp.ike.attr.group_description"), "14");
    EXPECT_EQ(value(k, "isakmp.ike.attr.life_duration"), "86400");
    EXPECT_EQ(str(l, "sa[0].proposal[0]"), "#1 IKE T1:id1/7attrs");
    EXPECT_EQ(value(k, "isakmp.vid_string").rfind("RFC 3947", 0), 0u);
  }
}

// The oracle can fail: a Notify whose Payload Length runs past the message is flagged by tshark, and our decoder
// stops with an error on the same payload.
TEST_F(IkeOracle, LyingPayloadLengthIsFlaggedByBoth) {
  auto bytes = s::sa_init_request();
  bytes[s::kSaInitPayloadOffsets[4] + 3] = 0x40;  // last Notify claims 64 bytes, 28 are there
  const auto layers = dissect({frame("10.0.2.2", "10.0.9.1", 500, 500, Tins::RawPDU(bytes)).serialize()}, "lying");
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_NE(expert_problems(layers[0]), "");
  DecodedFrame out;
  const Layer& l = decoded(bytes, out);
  ASSERT_TRUE(l.error);
  EXPECT_EQ(l.error->field, "payload[4].body");
}

}  // namespace
}  // namespace mipvpn::wire::oracle
