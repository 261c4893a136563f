#include "tests/oracle/tshark_run.h"

#include <tins/ethernetII.h>
#include <tins/packet_writer.h>
#include <tins/rawpdu.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

namespace mipvpn::wire::oracle {

namespace fs = std::filesystem;

bool RunResult::ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

RunResult run(const std::vector<std::string>& argv, const std::string& config_dir, const std::string& err_path) {
  RunResult r;
  int out_pipe[2];
  if (argv.empty() || pipe(out_pipe) != 0) return r;
  const pid_t pid = fork();
  if (pid < 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return r;
  }
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    FILE* err = std::fopen(err_path.c_str(), "w");
    if (err != nullptr) dup2(fileno(err), STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    setenv("WIRESHARK_CONFIG_DIR", config_dir.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  char buf[65536];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  r.status = st;
  std::ifstream err_in(err_path);
  std::stringstream err_text;
  err_text << err_in.rdbuf();
  r.err = err_text.str();
  return r;
}

void write_pcap(const std::string& path, const std::vector<std::vector<uint8_t>>& frames) {
  Tins::PacketWriter writer(path, Tins::DataLinkType<Tins::EthernetII>());
  for (const auto& f : frames) {
    Tins::RawPDU raw(f);  // as bytes: exactly what our decoders see
    writer.write(raw);
  }
}

std::vector<Json> tshark_layers(const std::string& pcap, const std::vector<std::string>& options,
                                const std::string& config_dir, const std::string& err_path) {
  std::vector<std::string> argv = {kTshark, "-r", pcap, "-T", "json", "-x", "--no-duplicate-keys"};
  argv.insert(argv.end(), options.begin(), options.end());
  const RunResult r = run(argv, config_dir, err_path);
  EXPECT_TRUE(r.ok()) << "tshark failed: " << r.err;
  const Json packets = Json::parse(r.out, nullptr, false);
  EXPECT_TRUE(!packets.is_discarded() && packets.is_array()) << "tshark output is not a JSON array:\n"
                                                             << r.out.substr(0, 2000) << r.err;
  std::vector<Json> layers;
  if (packets.is_discarded() || !packets.is_array()) return layers;
  for (const auto& p : packets) layers.push_back(p["_source"]["layers"]);
  return layers;
}

void TsharkTest::SetUp() {
  if (!fs::exists(kTshark)) GTEST_SKIP() << kTshark << " is not installed";
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = fs::temp_directory_path() /
         ("mipvpn-oracle-" + std::to_string(getpid()) + "-" + info->test_suite_name() + "-" + info->name());
  fs::create_directories(config_dir());
}

void TsharkTest::TearDown() {
  if (dir_.empty()) return;
  if (HasFailure()) {
    std::cerr << "kept " << dir_ << " for inspection\n";
  } else {
    fs::remove_all(dir_);
  }
}

std::vector<Json> TsharkTest::dissect(const std::vector<std::vector<uint8_t>>& frames, const std::string& name,
                                      const std::vector<std::string>& extra) {
  const std::string pcap = (dir_ / (name + ".pcap")).string();
  write_pcap(pcap, frames);
  std::vector<std::string> options = kChecksumOptions;
  options.insert(options.end(), extra.begin(), extra.end());
  auto layers = tshark_layers(pcap, options, config_dir().string(), (dir_ / (name + ".stderr")).string());
  EXPECT_EQ(layers.size(), frames.size()) << "tshark returned another number of packets than were written";
  return layers;
}

}  // namespace mipvpn::wire::oracle
