// `mipvpn decode`: a capture file in, one line or JSON object per packet out, violations listed, exit codes 0/1/2,
// and a damaged file decoded up to the damage with the damage reported.
#include "harness/cli/decode_output.h"
#include "harness/report/frame_json.h"
#include "harness/net/pcapng.h"
#include "harness/wire/esp_keys.h"
#include "harness/wire/registration_request.h"
#include "tests/wire/rfc5265_frames.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/udp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mipvpn::cli {
namespace {

namespace fs = std::filesystem;

class DecodeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mipvpn-decode-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<uint8_t> rrq_frame(uint8_t flags_byte_override = 0) {
    wire::RegistrationRequest rrq(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xe8f1c2a300000001ull,
                                  wire::RegistrationRequest::kFlagD);
    rrq.add_authentication(wire::MnHaAuth, 256, std::vector<uint8_t>(16, 0x21));
    auto bytes = (Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::IP("10.0.1.1", "10.0.2.2") /
                  Tins::UDP(434, 40000) / rrq)
                     .serialize();
    if (flags_byte_override) {
      bytes[42 + 1] = flags_byte_override;  // RRQ flags: set reserved bits (a violation)
      bytes[40] = bytes[41] = 0;            // UDP checksum 0: no checksum to fix
    }
    return bytes;
  }

  std::string write(const std::vector<std::vector<uint8_t>>& frames, size_t cut = 0,
                    const std::string& if_name = "br-foreign") {
    std::vector<uint8_t> f = net::encode_section_header();
    auto idb = net::encode_interface_description(if_name, net::kLinkTypeEthernet, 65535);
    f.insert(f.end(), idb.begin(), idb.end());
    uint64_t t = 1'700'000'000'000'000'000ull;
    for (const auto& frame : frames) {
      auto epb = net::encode_enhanced_packet(0, t += 1'000'000, frame, 0);
      f.insert(f.end(), epb.begin(), epb.end());
    }
    f.resize(f.size() - cut);
    const std::string path = dir_ + "/c.pcapng";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(f.data()), static_cast<long>(f.size()));
    return path;
  }

  int decode(const std::string& path, const DecodeSettings& s = {}) {
    out_.str("");
    err_.str("");
    return decode_capture(path, s, out_, err_);
  }

  std::string dir_;
  std::ostringstream out_, err_;
};

TEST_F(DecodeCli, OneLinePerPacketAndExitZero) {
  const auto path = write({rrq_frame(), rrq_frame()});
  EXPECT_EQ(decode(path), 0) << err_.str();
  std::istringstream lines(out_.str());
  std::string first, second, extra;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(first.rfind("#1 0.000000 02:00:00:00:00:01>02:00:00:00:00:02 IP 10.0.2.2>10.0.1.1", 0), 0u) << first;
  EXPECT_NE(first.find("RRQ lifetime=1800 HoA=10.0.1.100"), std::string::npos);
  EXPECT_EQ(second.rfind("#2 0.001000 ", 0), 0u) << second;
  EXPECT_NE(err_.str().find("2 packet(s), 0 violation(s)"), std::string::npos) << err_.str();
}

TEST_F(DecodeCli, JsonObjectPerPacketWithEveryLayer) {
  const auto path = write({rrq_frame()});
  DecodeSettings s;
  s.json = true;
  EXPECT_EQ(decode(path, s), 0);
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["frame"], 1);
  EXPECT_EQ(j["interface"], "br-foreign");
  EXPECT_EQ(j["time"], "2023-11-14T22:13:20.001000Z");
  ASSERT_EQ(j["layers"].size(), 4u);
  EXPECT_EQ(j["layers"][0]["protocol"], "eth");
  EXPECT_EQ(j["layers"][1]["fields"]["src"], "10.0.2.2");
  EXPECT_EQ(j["layers"][1]["fields"]["ttl"], 128);
  EXPECT_EQ(j["layers"][2]["fields"]["dst_port"], 434);
  EXPECT_EQ(j["layers"][3]["protocol"], "rrq");
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_TRUE(j["violations"].empty());
}

TEST_F(DecodeCli, ViolationsAreListedAndAMustViolationExitsOne) {
  const auto path = write({rrq_frame(), rrq_frame(0x20 | 0x04 | 0x01)});  // D + reserved r and x bits
  EXPECT_EQ(decode(path), 1);
  EXPECT_NE(out_.str().find("    ! RFC 5944 3.3"), std::string::npos) << out_.str();
  DecodeSettings only;
  only.violations_only = true;
  EXPECT_EQ(decode(path, only), 1);
  EXPECT_EQ(out_.str().find("#1 "), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("#2 "), std::string::npos);
}

TEST_F(DecodeCli, DamagedFileDecodesWhatItCanAndExitsTwo) {
  const auto path = write({rrq_frame(), rrq_frame()}, 7);
  EXPECT_EQ(decode(path), 2);
  EXPECT_NE(out_.str().find("#1 "), std::string::npos);
  EXPECT_EQ(out_.str().find("#2 "), std::string::npos);
  EXPECT_NE(err_.str().find("damaged at byte"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("the 1 packet(s) before it are decoded above"), std::string::npos) << err_.str();
}

TEST_F(DecodeCli, MissingOrForeignFileExitsTwo) {
  EXPECT_EQ(decode(dir_ + "/absent.pcap"), 2);
  EXPECT_NE(err_.str().find("not readable at byte 0, field file"), std::string::npos) << err_.str();
  std::ofstream(dir_ + "/t.txt") << "hello world\n";
  EXPECT_EQ(decode(dir_ + "/t.txt"), 2);
  EXPECT_NE(err_.str().find("field magic"), std::string::npos) << err_.str();
}

TEST_F(DecodeCli, EspKeysDecryptAndSasAreClassifiedAcrossPackets) {
  const wire::EspSa sa = wire::rfc5265::gcm_sa();
  namespace r = wire::rfc5265;
  const auto path = write({r::outside_frame(sa, 1), r::outside_frame(sa, 2), r::outside_frame(sa, 3),
                           r::outside_frame(sa, 2)});  // the last one replays sequence number 2
  const std::string keys = dir_ + "/esp_sa";
  std::ofstream(keys) << wire::wireshark_esp_sa_file({sa});
  DecodeSettings s;
  s.esp_keys_path = keys;
  EXPECT_EQ(decode(path, s), 0) << err_.str();
  const std::string text = out_.str();
  EXPECT_NE(text.find("RRQ lifetime=600 HoA=10.10.0.100"), std::string::npos) << text;
  EXPECT_NE(text.find("    ~ esp new-sa: "), std::string::npos) << text;
  EXPECT_NE(text.find("      error: "), std::string::npos) << text;  // the replay
  EXPECT_NE(err_.str().find("ESP 4 packet(s), 1 SPI(s)"), std::string::npos) << err_.str();

  s.json = true;
  EXPECT_EQ(decode(path, s), 0);
  std::istringstream lines(out_.str());
  std::string line;
  std::vector<nlohmann::json> objects;
  while (std::getline(lines, line)) objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 4u);
  EXPECT_EQ(objects[0]["sa"][0]["kind"], "new-sa");
  EXPECT_EQ(objects[1]["sa"][0]["kind"], "continuing");
  EXPECT_TRUE(objects[1]["sa"][0]["anomalies"].empty());
  EXPECT_FALSE(objects[3]["sa"][0]["anomalies"].empty());
  EXPECT_EQ(objects[0]["layers"].size(), 8u);
  EXPECT_EQ(objects[0]["layers"][7]["protocol"], "rrq");
  EXPECT_EQ(objects[0]["layers"][7]["decrypted"], true);
  EXPECT_EQ(objects[0]["layers"][7]["buffer"], 0);

  // Without the keys the ESP payload stays opaque; the SA is still followed by SPI and sequence number.
  EXPECT_EQ(decode(path), 0);
  EXPECT_EQ(out_.str().find("RRQ"), std::string::npos);
}

TEST_F(DecodeCli, BadEspKeyFileNamesLineAndFieldAndExitsTwo) {
  const auto path = write({rrq_frame()});
  const std::string keys = dir_ + "/esp_sa";
  std::ofstream(keys) << "\"IPv4\",\"*\",\"*\",\"0xzz\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x00\",\"NULL\",\"\"\n";
  DecodeSettings s;
  s.esp_keys_path = keys;
  EXPECT_EQ(decode(path, s), 2);
  EXPECT_NE(err_.str().find(keys + ":1"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("spi"), std::string::npos) << err_.str();
}

// The pcapng if_name option is whatever bytes the writer put there; JSON output must survive bytes that are not
// UTF-8 (nlohmann's dump() throws on them by default) and still print every packet.
TEST_F(DecodeCli, JsonSurvivesAnInterfaceNameThatIsNotUtf8) {
  const auto path = write({rrq_frame(), rrq_frame()}, 0, "eth\xff\xfe");
  DecodeSettings s;
  s.json = true;
  EXPECT_EQ(decode(path, s), 0) << err_.str();
  std::istringstream lines(out_.str());
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["frame"], ++n);
    EXPECT_EQ(j["layers"].size(), 4u);
  }
  EXPECT_EQ(n, 2u);
}

// A field name a layer repeats keeps one JSON type per key: the second occurrence is "name#2", not an array.
TEST(FrameJson, RepeatedFieldNamesGetNumberedKeys) {
  wire::Layer l;
  l.protocol = "ike";
  l.add("ke.dh_group", uint64_t{31});
  l.add("ke.dh_group", uint64_t{19});
  l.add("nonce.length", uint64_t{32});
  const auto j = report::layer_json(l);
  EXPECT_EQ(j["fields"]["ke.dh_group"], 31);
  EXPECT_EQ(j["fields"]["ke.dh_group#2"], 19);
  EXPECT_EQ(j["fields"]["nonce.length"], 32);
  EXPECT_EQ(j["fields"].size(), 3u);
}

}  // namespace
}  // namespace mipvpn::cli
