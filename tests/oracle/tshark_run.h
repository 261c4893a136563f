// Running tshark for the oracle tests (tests/oracle): writing the frames under test into a pcap, running
// /usr/bin/tshark -T json on it without a shell and with a configuration directory of the test's own, and a gtest
// fixture that skips when tshark is not installed and keeps its scratch directory when a test fails.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/oracle/tshark_json.h"

namespace mipvpn::wire::oracle {

inline constexpr const char* kTshark = "/usr/bin/tshark";

// The tshark options every oracle uses: IP and UDP checksums are verified (ICMP and GRE checksums always are).
inline const std::vector<std::string> kChecksumOptions = {"-o", "ip.check_checksum:TRUE", "-o",
                                                          "udp.check_checksum:TRUE"};

struct RunResult {
  std::string out;  // stdout
  std::string err;  // stderr
  int status = -1;  // as from waitpid
  bool ok() const;  // exited with status 0
};

// Runs argv[0] (a path) with argv, without a shell. WIRESHARK_CONFIG_DIR is set to `config_dir` so that the user's
// own Wireshark preferences never leak in; stderr goes through `err_path` (kept with the test's files).
RunResult run(const std::vector<std::string>& argv, const std::string& config_dir, const std::string& err_path);

// Writes the frames byte for byte (no re-serialization, so deliberately wrong checksums stay wrong) as an Ethernet
// pcap.
void write_pcap(const std::string& path, const std::vector<std::vector<uint8_t>>& frames);

// tshark -r <pcap> -T json -x --no-duplicate-keys <options...>, parsed: every packet's "_source"."layers" object.
// Fails the current test (non-fatally) when tshark does not exit 0 or its output is not JSON; then returns nothing.
std::vector<Json> tshark_layers(const std::string& pcap, const std::vector<std::string>& options,
                                const std::string& config_dir, const std::string& err_path);

// Base fixture: skips when tshark is absent; a fresh directory per test (with an empty "config" subdirectory used as
// WIRESHARK_CONFIG_DIR), removed after a passing test and kept (and named on stderr) after a failing one.
class TsharkTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `frames` into <dir>/<name>.pcap and returns tshark's layers for each frame (kChecksumOptions + `extra`).
  // Fails the test (non-fatally) when tshark fails or returns another number of packets than frames were written.
  std::vector<Json> dissect(const std::vector<std::vector<uint8_t>>& frames, const std::string& name,
                            const std::vector<std::string>& extra = {});

  std::filesystem::path config_dir() const { return dir_ / "config"; }

  std::filesystem::path dir_;
};

}  // namespace mipvpn::wire::oracle
