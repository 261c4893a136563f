// Child processes owned by PID and pidfd: exit status and captured output, environment, a pidfd an event loop can
// poll, deadlines that kill, and start failures that name the step.
#include <poll.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "agents/common/charon_process.h"
#include "agents/common/subprocess.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;

TEST(Subprocess, CapturesOutputAndExitStatusWithTheExtraEnvironment) {
  SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo out $MIPVPN_SUBPROCESS_TEST; echo err >&2; exit 3"};
  spec.env = {{"MIPVPN_SUBPROCESS_TEST", "value"}};
  const ProcessOutcome o = run_process(spec, 5000ms);
  EXPECT_TRUE(o.exited);
  EXPECT_EQ(o.code, 3);
  EXPECT_FALSE(o.ok());
  EXPECT_EQ(o.output, "out value\nerr\n");
  EXPECT_EQ(o.status_text(), "exited with status 3");
}

TEST(Subprocess, PidfdBecomesReadableWhenItEnds) {
  SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo done"};
  Subprocess p(spec);
  ASSERT_GE(p.pidfd(), 0);
  pollfd fd{p.pidfd(), POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 5000), 1);
  const auto o = p.poll();
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->ok());
  EXPECT_EQ(o->output, "done\n");
  EXPECT_EQ(p.pidfd(), -1);
  EXPECT_FALSE(p.running());
}

TEST(Subprocess, DeadlineKillsAndSaysSo) {
  SpawnSpec spec;
  spec.argv = {"/bin/sleep", "30"};
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessOutcome o = run_process(spec, 100ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(o.timed_out);
  EXPECT_FALSE(o.ok());
  EXPECT_NE(o.status_text().find("timed out"), std::string::npos) << o.status_text();
}

TEST(Subprocess, TerminateSendsSigtermToItsOwnPid) {
  SpawnSpec spec;
  spec.argv = {"/bin/sleep", "30"};
  Subprocess p(spec);
  ASSERT_TRUE(p.running());
  const ProcessOutcome o = p.terminate(3000ms);
  EXPECT_EQ(o.signal, SIGTERM);
  EXPECT_FALSE(o.timed_out);
  EXPECT_FALSE(p.running());
}

TEST(Subprocess, MissingProgramNamesIt) {
  SpawnSpec spec;
  spec.argv = {"/nonexistent/mipvpn-program"};
  try {
    Subprocess p(spec);
    FAIL() << "started a missing program";
  } catch (const SubprocessError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mipvpn-program"), std::string::npos) << e.what();
  }
}

TEST(CharonProcessErrors, MissingCharonBinaryNamesTheStepAndPath) {
  CharonConfig c;
  c.dir = std::filesystem::temp_directory_path() / ("mipvpn-charon-missing-" + std::to_string(::getpid()));
  c.charon_path = "/nonexistent/ipsec/charon";
  CharonClientConnection conn;
  conn.remote_addrs = {"203.0.113.1"};
  conn.remote_ts = {"10.10.0.0/24"};
  conn.local_id = "mn.example";
  conn.remote_id = "gw.example";
  conn.psk = "psk";
  c.connection = conn;
  CharonProcess charon(c);
  try {
    charon.start();
    FAIL() << "charon started from a missing binary";
  } catch (const CharonError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("starting charon /nonexistent/ipsec/charon"), std::string::npos) << what;
    EXPECT_NE(what.find("No such file"), std::string::npos) << what;
  }
  EXPECT_FALSE(charon.running());
  std::filesystem::remove_all(c.dir);
}

}  // namespace
}  // namespace mipvpn::agents
