// Shared scaffolding of the agents' root tests: namespaces with a per-run prefix (deleted, exactly those, at the
// end), commands that must succeed, and polling with a deadline instead of sleeps.
#pragma once

#include <unistd.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/net/command.h"
#include "harness/net/netns.h"

namespace mipvpn::agents::test {

inline std::string random_prefix(const char* tag) {
  std::random_device rd;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%s%06x", tag, static_cast<unsigned>(rd()) & 0xffffffu);
  return buf;
}

// Polls `done` every 10 ms until it holds or `timeout` passes; returns whether it held.
inline bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

class NetnsTest : public ::testing::Test {
 protected:
  // Call first in SetUp; skips unless root with iproute2.
  bool require_root() {
    if (::geteuid() != 0) {
      skipped_ = true;
      return false;
    }
    if (!net::run_command({"ip", "-V"}).ok()) {
      skipped_ = true;
      return false;
    }
    prefix_ = random_prefix("dp");
    return true;
  }

  std::string add_ns(const std::string& role) {
    const std::string name = prefix_ + "-" + role;
    net::netns_add(name);
    created_.push_back(name);
    run(name, {"ip", "link", "set", "lo", "up"});
    run(name, {"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"});
    return name;
  }

  // Runs a command that must succeed.
  void run(const std::string& ns, std::vector<std::string> argv) {
    const net::CommandResult r = net::run_command_in(ns, argv);
    ASSERT_TRUE(r.ok()) << r.describe(argv);
  }
  std::string output(const std::string& ns, std::vector<std::string> argv) {
    const net::CommandResult r = net::run_command_in(ns, argv);
    EXPECT_TRUE(r.ok()) << r.describe(argv);
    return r.out;
  }

  // A veth pair from ns_a (name_a, address_a/24) to ns_b (name_b, address_b/24), both up, no tx checksum offload so
  // captured checksums are real.
  void veth(const std::string& ns_a, const std::string& name_a, const std::string& address_a, const std::string& ns_b,
            const std::string& name_b, const std::string& address_b) {
    run(ns_a, {"ip", "link", "add", name_a, "type", "veth", "peer", "name", name_b, "netns", ns_b});
    if (!address_a.empty()) run(ns_a, {"ip", "addr", "add", address_a, "dev", name_a});
    if (!address_b.empty()) run(ns_b, {"ip", "addr", "add", address_b, "dev", name_b});
    run(ns_a, {"ip", "link", "set", name_a, "up"});
    run(ns_b, {"ip", "link", "set", name_b, "up"});
    (void)net::run_command_in(ns_a, {"ethtool", "-K", name_a, "tx", "off"});
    (void)net::run_command_in(ns_b, {"ethtool", "-K", name_b, "tx", "off"});
  }

  void TearDown() override {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      try {
        net::netns_delete(*it);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "netns_delete " << *it << ": " << e.what();
      }
    }
    created_.clear();
  }

  std::string prefix_;
  std::vector<std::string> created_;
  bool skipped_ = false;
};

}  // namespace mipvpn::agents::test
