// Oracle for the IKE codecs: messages encoded with harness/wire (IkeV2Message / IkeV1Message builders), written into
// a pcap inside Ethernet/IPv4/UDP (port 500, or 4500 after the non-ESP marker), must be dissected by tshark's isakmp
// dissector with the values decode_ike_layer reports, and without malformed-packet or warning/error expert marks.
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/layers_ike.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/ike_samples.h"

#include <gtest/gtest.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/packet_writer.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mipvpn::wire::oracle {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;
namespace s = ike_samples;
using namespace ike_builders;  // NOLINT: the test builds the sample messages

constexpr const char* kTshark = "/usr/bin/tshark";

void collect(const Json& node, const std::string& key, std::vector<Json>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == key) {
        if (it.value().is_array()) {
          for (const auto& v : it.value()) out.push_back(v);
        } else {
          out.push_back(it.value());
        }
      }
      collect(it.value(), key, out);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) collect(v, key, out);
  }
}

// Every string value under `key` anywhere below `node`, in document order.
std::vector<std::string> values(const Json& node, const std::string& key) {
  std::vector<Json> found;
  collect(node, key, found);
  std::vector<std::string> out;
  for (const auto& v : found)
    if (!v.is_object()) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string value(const Json& node, const std::string& key) {
  const auto v = values(node, key);
  return v.empty() ? "<absent>" : v.front();
}

// The value at this level only (tshark repeats keys such as isakmp.nextpayload in nested payload trees).
std::vector<std::string> top(const Json& node, const std::string& key) {
  std::vector<std::string> out;
  if (!node.is_object() || !node.contains(key)) return out;
  const Json& v = node[key];
  if (v.is_array()) {
    for (const auto& x : v) out.push_back(x.get<std::string>());
  } else {
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string run(const std::vector<std::string>& argv, const std::string& err_path, int* status) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    FILE* err = std::fopen(err_path.c_str(), "w");
    if (err != nullptr) dup2(fileno(err), STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  *status = st;
  return out;
}

// Malformed marks and expert infos of severity warning or error, as text ("" when clean).
std::string expert_problems(const Json& layers) {
  std::string all;
  if (!values(layers, "_ws.malformed").empty()) all += "  malformed\n";
  const auto severities = values(layers, "_ws.expert.severity");
  const auto messages = values(layers, "_ws.expert.message");
  for (size_t i = 0; i < severities.size(); ++i) {
    // Wireshark's PI_WARN is 0x00600000 and PI_ERROR 0x00800000; notes and chats are informational.
    if (std::stoul(severities[i]) >= 0x00600000ul) all += "  " + (i < messages.size() ? messages[i] : "?") + "\n";
  }
  return all;
}

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

// tshark shows 8-byte SPIs as "8a:3c:11:0e:5b:27:90:01".
std::string colon_hex(const std::string& layer_hex) {
  std::string s;
  for (size_t i = 2; i + 1 < layer_hex.size(); i += 2) {
    if (!s.empty()) s += ":";
    s += layer_hex.substr(i, 2);
  }
  return s;
}

std::string hexn(uint64_t v, int width) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}

const Layer& decoded(const std::vector<uint8_t>& ike, DecodedFrame& out) {
  decode_ike_layer(ike, 0, IpContext{}, DecodeOptions{}, out);
  return out.layers.back();
}

uint64_t num(const Layer& l, const std::string& name) {
  const FieldValue* v = l.find(name);
  return v != nullptr && std::holds_alternative<uint64_t>(*v) ? std::get<uint64_t>(*v) : ~uint64_t{0};
}
std::string str(const Layer& l, const std::string& name) {
  const FieldValue* v = l.find(name);
  return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "<absent>";
}
std::string flag(const Layer& l, const std::string& name) {
  const FieldValue* v = l.find(name);
  return v != nullptr && std::holds_alternative<bool>(*v) ? (std::get<bool>(*v) ? "1" : "0") : "<absent>";
}

// The header fields every IKE frame shares, tshark against decode_ike_layer.
void expect_header(const Json& isakmp, const Layer& l, int frame_no) {
  SCOPED_TRACE("frame " + std::to_string(frame_no));
  EXPECT_EQ(value(isakmp, "isakmp.ispi"), colon_hex(str(l, "spi_i")));
  EXPECT_EQ(value(isakmp, "isakmp.rspi"), colon_hex(str(l, "spi_r")));
  EXPECT_EQ(top(isakmp, "isakmp.nextpayload"), std::vector<std::string>{std::to_string(num(l, "next_payload"))});
  EXPECT_EQ(value(isakmp, "isakmp.version"), hexn(num(l, "version"), 2));
  EXPECT_EQ(value(isakmp, "isakmp.exchangetype"), std::to_string(num(l, "exchange_type")));
  EXPECT_EQ(value(isakmp, "isakmp.flags"), hexn(num(l, "flags"), 2));
  EXPECT_EQ(value(isakmp, "isakmp.messageid"), hexn(num(l, "message_id"), 8));
  EXPECT_EQ(value(isakmp, "isakmp.length"), std::to_string(num(l, "length")));
}

// The payload types of the top-level chain, as tshark lists them.
std::vector<std::string> payload_types(const IkeV2Message& m) {
  std::vector<std::string> out;
  for (const auto& p : m.payloads()) out.push_back(std::to_string(p.type));
  return out;
}

class IkeOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kTshark)) GTEST_SKIP() << kTshark << " is not installed";
    dir_ = fs::temp_directory_path() / ("mipvpn-ike-oracle-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
    if (HasFailure()) std::cerr << "kept " << dir_ << " for inspection\n";
  }
  // Runs tshark on the pcap; the "layers" object of every packet.
  std::vector<Json> dissect(const std::string& pcap) {
    int status = 0;
    const std::string err = (dir_ / "tshark.stderr").string();
    const std::string out =
        run({kTshark, "-r", pcap, "-T", "json", "--no-duplicate-keys", "-o", "udp.check_checksum:TRUE"}, err, &status);
    std::ifstream err_in(err);
    std::stringstream err_text;
    err_text << err_in.rdbuf();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "tshark failed: " << err_text.str();
    const Json packets = Json::parse(out, nullptr, false);
    EXPECT_FALSE(packets.is_discarded()) << "tshark output is not JSON:\n" << out.substr(0, 2000);
    std::vector<Json> layers;
    if (!packets.is_discarded())
      for (const auto& p : packets) layers.push_back(p["_source"]["layers"]);
    return layers;
  }
  fs::path dir_;
};

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

  const std::string pcap = (dir_ / "ike.pcap").string();
  {
    Tins::PacketWriter writer(pcap, Tins::DataLinkType<Tins::EthernetII>());
    auto f1 = frame("10.0.2.2", "10.0.9.1", 500, 500, sa_init);
    auto f2 = frame_4500("10.0.2.2", "10.0.9.1", auth.bytes());
    auto f3 = frame_4500("10.0.9.1", "10.0.2.2", info.bytes());
    auto f4 = frame("10.0.2.2", "10.0.9.1", 500, 500, mm);
    writer.write(f1);
    writer.write(f2);
    writer.write(f3);
    writer.write(f4);
  }
  const auto layers = dissect(pcap);
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
    EXPECT_EQ(value(k, "isakmp.flag_i"), flag(l, "flag_i"));
    EXPECT_EQ(value(k, "isakmp.flag_v"), flag(l, "flag_v"));
    EXPECT_EQ(value(k, "isakmp.flag_r"), flag(l, "flag_r"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), payload_types(sa_init));
    EXPECT_EQ(values(k, "isakmp.notify.msgtype"), (std::vector<std::string>{std::to_string(num(l, "notify[0].type")),
                                                                            std::to_string(num(l, "notify[1].type"))}));
    EXPECT_EQ(str(l, "notify[0].name"), "NAT_DETECTION_SOURCE_IP");
    EXPECT_EQ(str(l, "notify[1].name"), "NAT_DETECTION_DESTINATION_IP");
    EXPECT_EQ(value(k, "isakmp.key_exchange.dh_group"), std::to_string(num(l, "ke.dh_group")));
    EXPECT_EQ((value(k, "isakmp.key_exchange.data").size() + 1) / 3, num(l, "ke.data_length"));
    EXPECT_EQ((value(k, "isakmp.nonce").size() + 1) / 3, num(l, "nonce.length"));
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
    EXPECT_EQ(value(k, "isakmp.flag_i"), flag(l, "flag_i"));
    EXPECT_EQ(value(k, "isakmp.flag_r"), flag(l, "flag_r"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), std::vector<std::string>{"46"});
    const Json& sk = k["isakmp.typepayload_tree"];
    EXPECT_EQ(top(sk, "isakmp.nextpayload"),
              std::vector<std::string>{std::to_string(num(l, "encrypted_first_payload"))});
    EXPECT_EQ(top(sk, "isakmp.payloadlength"), std::vector<std::string>{std::to_string(num(l, "encrypted_length"))});
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
    EXPECT_EQ(value(k, "isakmp.flag_e"), flag(l, "flag_e"));
    EXPECT_EQ(value(k, "isakmp.flag_c"), flag(l, "flag_c"));
    EXPECT_EQ(value(k, "isakmp.flag_a"), flag(l, "flag_a"));
    EXPECT_EQ(top(k, "isakmp.typepayload"), (std::vector<std::string>{"1", "13"}));
    EXPECT_EQ(str(l, "payloads"), "SA VID");
    EXPECT_EQ(value(k, "isakmp.sa.doi"), std::to_string(num(l, "sa[0].doi")));
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
  const std::string pcap = (dir_ / "lying.pcap").string();
  {
    Tins::PacketWriter writer(pcap, Tins::DataLinkType<Tins::EthernetII>());
    auto f = frame("10.0.2.2", "10.0.9.1", 500, 500, Tins::RawPDU(bytes));
    writer.write(f);
  }
  const auto layers = dissect(pcap);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_NE(expert_problems(layers[0]), "");
  DecodedFrame out;
  const Layer& l = decoded(bytes, out);
  ASSERT_TRUE(l.error);
  EXPECT_EQ(l.error->field, "payload[4].body");
}

}  // namespace
}  // namespace mipvpn::wire::oracle
