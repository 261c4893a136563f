// What the root tests that run mipd share: the control socket client, and a lab base that keeps each daemon's files
// (NAME.json, NAME.log, NAME.out) in one directory per run, starts mipd in a namespace and waits until its control
// socket answers, links namespaces to bridges in a switch namespace, and captures on interfaces. The directory is
// deleted after a passing test and kept after a failing one.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/net/capture.h"
#include "harness/net/command.h"
#include "tests/agents/netns_fixture.h"

namespace mipvpn::agents::test {

using namespace std::chrono_literals;

// One request line to a daemon's control socket; its one-line answer, or nullopt (3 s receive timeout).
inline std::optional<std::string> control_query(const std::string& path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  const std::string req = line + "\n";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0 &&
      ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    char buf[8192];
    while (out.find('\n') == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (out.empty() || out.back() != '\n') return std::nullopt;
  out.pop_back();
  return out;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class MipdLab : public NetnsTest {
 protected:
  // The run's directory, below the temporary directory: `tag` + the namespace prefix.
  void make_dir(const std::string& tag) {
    dir_ = std::filesystem::temp_directory_path() / (tag + prefix_);
    std::filesystem::create_directories(dir_);
  }

  // Stops the captures, deletes the namespaces and, after a passing test, the directory. Derived labs stop their
  // daemons (by PID) first.
  void TearDown() override {
    for (auto& c : captures_) c->request_stop();
    captures_.clear();
    NetnsTest::TearDown();
    std::error_code ec;
    if (!dir_.empty() && !::testing::Test::HasFailure() && !std::getenv("MIPVPN_KEEP")) {
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // An interface `name` in `ns` whose veth peer `peer` is a port of `bridge` in the switch namespace sw_.
  void port(const std::string& ns, const std::string& name, const std::string& address, const std::string& peer,
            const std::string& bridge) {
    veth(ns, name, address, sw_, peer, "");
    run(sw_, {"ip", "link", "set", peer, "master", bridge});
  }

  net::SegmentCapture& capture(const std::string& ns, const std::string& iface, const std::string& name) {
    captures_.push_back(std::make_unique<net::SegmentCapture>(ns, iface, (dir_ / (name + ".pcapng")).string()));
    return *captures_.back();
  }

  // Starts `mipd --role ROLE` in `ns` with `cfg` (which names its control socket) and the faults, its files named
  // after `name` (default: the role), and waits until the control socket answers.
  void start(net::ChildProcess& process, const std::string& ns, const std::string& role, const nlohmann::json& cfg,
             const std::vector<std::string>& faults, std::string name = "") {
    if (name.empty()) name = role;
    const std::string cfg_path = (dir_ / (name + ".json")).string();
    std::ofstream(cfg_path) << cfg.dump(2);
    std::vector<std::string> argv = {MIPD_PATH, "--role", role, "--config", cfg_path, "--log", log_path(name)};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    process = net::ChildProcess(argv, ns, (dir_ / (name + ".out")).string());
    ASSERT_EQ(process.start(), "");
    // Ready once the control socket answers (it is created after every socket is open).
    const std::string sock = cfg["control_socket"].get<std::string>();
    const bool ready =
        poll_until([&] { return !process.running() || control_query(sock, "ping").has_value(); }, 5000ms);
    ASSERT_TRUE(ready && process.running()) << "mipd --role " << role << " (" << name
                                            << ") not ready: " << process.exit_description() << "\n"
                                            << log_text(name);
  }

  std::string log_path(const std::string& name) const { return (dir_ / (name + ".log")).string(); }
  std::string log_text(const std::string& name) const { return read_text(log_path(name)); }

  std::string sw_;
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<net::SegmentCapture>> captures_;
};

}  // namespace mipvpn::agents::test
