// Oracle: every message kind encoded by harness/wire, written into a pcap inside Ethernet/IP(/UDP), must be decoded
// by tshark (an implementation we did not write) as Mobile IP / ICMP agent discovery with the same field values, good
// checksums, and no malformed-packet or warning/error expert marks.
#include "tests/oracle/oracle_frames.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tins/packet_writer.h>
#include <tins/rawpdu.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace mipvpn::wire::oracle {
namespace {

using Json = nlohmann::ordered_json;  // keeps tshark's field order, so repeated fields come back in wire order
namespace fs = std::filesystem;

constexpr const char* kTshark = "/usr/bin/tshark";

// Every value stored under `key` anywhere below `node`, in document order; arrays are flattened.
void collect(const Json& node, const std::string& key, std::vector<Json>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == key) {
        if (it.value().is_array() && !key.ends_with("_raw")) {
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

std::vector<std::string> values(const Json& layers, const std::string& key) {
  std::vector<Json> found;
  collect(layers, key, found);
  std::vector<std::string> out;
  for (const auto& v : found) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string value(const Json& layers, const std::string& key) {
  const auto v = values(layers, key);
  return v.empty() ? "<absent>" : v.front();
}

// A "_raw" field is [hex, offset, length, bitmask, type]; its hex string.
std::string raw_hex(const Json& layers, const std::string& key) {
  std::vector<Json> found;
  collect(layers, key + "_raw", found);
  if (found.empty() || !found.front().is_array() || found.front().empty()) return "<absent>";
  return found.front()[0].get<std::string>();
}

std::string hex(const std::vector<uint8_t>& b) {
  std::string s;
  char buf[3];
  for (auto x : b) {
    std::snprintf(buf, sizeof buf, "%02x", x);
    s += buf;
  }
  return s;
}

std::string hex16(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// Runs a command without a shell; stdout is returned, stderr goes to err_path. Exit status in *status.
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

// Fails the test for malformed marks and for expert infos of severity warning or error (listing all of them).
void expect_clean(const Json& layers, int frame) {
  EXPECT_TRUE(values(layers, "_ws.malformed").empty()) << "frame " << frame << " marked malformed";
  const auto severities = values(layers, "_ws.expert.severity");
  const auto messages = values(layers, "_ws.expert.message");
  std::string all;
  for (const auto& m : messages) all += "  " + m + "\n";
  for (const auto& s : severities) {
    // Wireshark's PI_WARN is 0x00600000 and PI_ERROR 0x00800000; notes and chats are informational.
    EXPECT_LT(std::stoul(s), 0x00600000ul) << "frame " << frame << " has expert info:\n" << all;
  }
}

class TsharkOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kTshark)) GTEST_SKIP() << kTshark << " is not installed";
    dir_ = fs::temp_directory_path() / ("mipvpn-oracle-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
    if (HasFailure()) std::cerr << "kept " << dir_ << " for inspection\n";
  }
  fs::path dir_;
};

TEST_F(TsharkOracle, EveryMessageKindDecodesWithTheSameValues) {
  const auto rrq = oracle_rrq();
  const auto rrp = oracle_rrp();
  const auto adv = oracle_advert();
  const auto sol = oracle_solicitation();
  const std::string pcap = (dir_ / "wire.pcap").string();
  {
    Tins::PacketWriter writer(pcap, Tins::DataLinkType<Tins::EthernetII>());
    auto f1 = udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, rrq);
    auto f2 = udp_frame("10.0.1.1", "10.0.2.2", 434, 40000, rrp);
    auto f3 = icmp_frame("10.0.2.1", "224.0.0.1", adv);
    auto f4 = icmp_frame("10.0.2.2", "224.0.0.11", sol);
    writer.write(f1);
    writer.write(f2);
    writer.write(f3);
    writer.write(f4);
  }
  int status = 0;
  const std::string err = (dir_ / "tshark.stderr").string();
  const std::string out = run({kTshark, "-r", pcap, "-T", "json", "-x", "--no-duplicate-keys", "-o",
                               "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"},
                              err, &status);
  std::ifstream err_in(err);
  std::stringstream err_text;
  err_text << err_in.rdbuf();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "tshark failed: " << err_text.str();
  const Json packets = Json::parse(out, nullptr, false);
  ASSERT_FALSE(packets.is_discarded()) << "tshark output is not JSON:\n" << out.substr(0, 2000);
  ASSERT_EQ(packets.size(), 4u);
  std::vector<Json> layers;
  for (const auto& p : packets) layers.push_back(p["_source"]["layers"]);
  for (int i = 0; i < 4; ++i) {
    expect_clean(layers[static_cast<size_t>(i)], i + 1);
    EXPECT_EQ(value(layers[static_cast<size_t>(i)], "ip.checksum.status"), "1") << "frame " << i + 1;
  }

  // Frame 1: Registration Request (RFC 5944 3.3) with MN-HA (3.5.2).
  const Json& l1 = layers[0];
  ASSERT_NE(value(l1, "mip.type"), "<absent>") << "frame 1 not dissected as Mobile IP";
  EXPECT_EQ(value(l1, "udp.dstport"), "434");
  EXPECT_EQ(value(l1, "udp.checksum.status"), "1");
  EXPECT_EQ(value(l1, "mip.type"), "1");
  EXPECT_EQ(value(l1, "mip.flags"), "0xa2");
  EXPECT_EQ(value(l1, "mip.s"), "1");
  EXPECT_EQ(value(l1, "mip.b"), "0");
  EXPECT_EQ(value(l1, "mip.d"), "1");
  EXPECT_EQ(value(l1, "mip.m"), "0");
  EXPECT_EQ(value(l1, "mip.g"), "0");
  EXPECT_EQ(value(l1, "mip.t"), "1");
  EXPECT_EQ(value(l1, "mip.x"), "0");
  EXPECT_EQ(value(l1, "mip.life"), std::to_string(rrq.lifetime()));
  EXPECT_EQ(value(l1, "mip.homeaddr"), rrq.home_address().to_string());
  EXPECT_EQ(value(l1, "mip.haaddr"), rrq.home_agent().to_string());
  EXPECT_EQ(value(l1, "mip.coa"), rrq.care_of_address().to_string());
  EXPECT_EQ(raw_hex(l1, "mip.ident"), "ea5d1f2b80000001");
  EXPECT_EQ(value(l1, "mip.ext.type"), "32");
  EXPECT_EQ(value(l1, "mip.ext.len"), "20");
  EXPECT_EQ(value(l1, "mip.auth.spi"), "0x00000100");
  const auto rrq_auth = std::vector<uint8_t>(rrq.extensions()[0].body.begin() + 4, rrq.extensions()[0].body.end());
  EXPECT_EQ(raw_hex(l1, "mip.auth.auth"), hex(rrq_auth));

  // Frame 2: Registration Reply (3.4) with MN-HA.
  const Json& l2 = layers[1];
  ASSERT_NE(value(l2, "mip.type"), "<absent>") << "frame 2 not dissected as Mobile IP";
  EXPECT_EQ(value(l2, "udp.srcport"), "434");
  EXPECT_EQ(value(l2, "udp.checksum.status"), "1");
  EXPECT_EQ(value(l2, "mip.type"), "3");
  EXPECT_EQ(value(l2, "mip.code"), std::to_string(rrp.code()));
  EXPECT_EQ(value(l2, "mip.life"), std::to_string(rrp.lifetime()));
  EXPECT_EQ(value(l2, "mip.homeaddr"), rrp.home_address().to_string());
  EXPECT_EQ(value(l2, "mip.haaddr"), rrp.home_agent().to_string());
  EXPECT_EQ(raw_hex(l2, "mip.ident"), "ea5d1f2b80000001");
  EXPECT_EQ(value(l2, "mip.ext.type"), "32");
  EXPECT_EQ(value(l2, "mip.ext.len"), "20");
  EXPECT_EQ(value(l2, "mip.auth.spi"), "0x00000100");
  const auto rrp_auth = std::vector<uint8_t>(rrp.extensions()[0].body.begin() + 4, rrp.extensions()[0].body.end());
  EXPECT_EQ(raw_hex(l2, "mip.auth.auth"), hex(rrp_auth));

  // Frame 3: Agent Advertisement (2.1) with Mobility Agent Advertisement (2.1.1) and Prefix-Lengths (2.1.2).
  const Json& l3 = layers[2];
  EXPECT_EQ(value(l3, "ip.proto"), "1");
  EXPECT_EQ(value(l3, "ip.ttl"), "1");
  EXPECT_EQ(value(l3, "icmp.type"), "9");
  EXPECT_EQ(value(l3, "icmp.code"), std::to_string(adv.code()));
  EXPECT_EQ(value(l3, "icmp.checksum.status"), "1");
  EXPECT_EQ(value(l3, "icmp.num_addrs"), "2");
  EXPECT_EQ(value(l3, "icmp.addr_entry_size"), "2");
  EXPECT_EQ(value(l3, "icmp.lifetime"), std::to_string(adv.lifetime()));
  EXPECT_EQ(values(l3, "icmp.router_address"), (std::vector<std::string>{"10.0.2.1", "10.0.3.1"}));
  EXPECT_EQ(values(l3, "icmp.pref_level"), (std::vector<std::string>{"5", "3"}));
  EXPECT_EQ(values(l3, "icmp.mip.type"), (std::vector<std::string>{"16", "19"}));
  EXPECT_EQ(values(l3, "icmp.mip.length"),
            (std::vector<std::string>{std::to_string(adv.mobility_extension_length()), "2"}));
  EXPECT_EQ(value(l3, "icmp.mip.seq"), std::to_string(adv.sequence_number()));
  EXPECT_EQ(value(l3, "icmp.mip.life"), std::to_string(adv.registration_lifetime()));
  EXPECT_EQ(value(l3, "icmp.mip.flags"), hex16(adv.agent_flags()));
  EXPECT_EQ(value(l3, "icmp.mip.r"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.b"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.h"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.f"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.m"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.g"), "1");
  EXPECT_EQ(value(l3, "icmp.mip.rt"), "1");  // T: reverse tunnelling
  EXPECT_EQ(value(l3, "icmp.mip.u"), "0");
  EXPECT_EQ(value(l3, "icmp.mip.x"), "0");
  EXPECT_EQ(values(l3, "icmp.mip.coa"), (std::vector<std::string>{"10.0.2.1", "10.0.3.1"}));
  EXPECT_EQ(values(l3, "icmp.mip.prefixlength"), (std::vector<std::string>{"24", "16"}));

  // Frame 4: Agent Solicitation (2.2) = ICMP Router Solicitation.
  const Json& l4 = layers[3];
  EXPECT_EQ(value(l4, "ip.ttl"), "1");
  EXPECT_EQ(value(l4, "icmp.type"), "10");
  EXPECT_EQ(value(l4, "icmp.code"), "0");
  EXPECT_EQ(value(l4, "icmp.checksum.status"), "1");
  EXPECT_EQ(value(l4, "icmp.checksum"), hex16(sol.bytes()[2] << 8 | sol.bytes()[3]));
}

// The oracle can fail: a frame with a broken ICMP checksum must be reported by tshark as bad (status 0/2).
TEST_F(TsharkOracle, DetectsABrokenChecksum) {
  auto frame = icmp_frame("10.0.2.1", "224.0.0.1", oracle_advert()).serialize();
  frame[14 + 20 + 2] ^= 0x5a;
  const std::string pcap = (dir_ / "broken.pcap").string();
  {
    Tins::PacketWriter writer(pcap, Tins::DataLinkType<Tins::EthernetII>());
    Tins::RawPDU raw(frame);  // as bytes: re-parsing into libtins PDUs would recompute the checksum
    writer.write(raw);
  }
  int status = 0;
  const std::string out =
      run({kTshark, "-r", pcap, "-T", "json", "--no-duplicate-keys"}, (dir_ / "tshark.stderr").string(), &status);
  const Json packets = Json::parse(out, nullptr, false);
  ASSERT_FALSE(packets.is_discarded());
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_NE(value(packets[0]["_source"]["layers"], "icmp.checksum.status"), "1");
}

}  // namespace
}  // namespace mipvpn::wire::oracle
