// run_command and ChildProcess (no namespaces needed except where noted).
#include "harness/net/command.h"
#include "scratch_namespaces.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace {

using namespace mipvpn::net;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(RunCommand, CapturesStdoutStderrAndExitCode) {
    const auto r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.describe({"sh"}).find("exited with status 3: err"), std::string::npos) << r.describe({"sh"});
}

TEST(RunCommand, NoShellInterpretation) {
    const auto r = run_command({"echo", "$HOME", "a;b", "*"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.out, "$HOME a;b *\n");
}

TEST(RunCommand, MissingProgramIsASpawnError) {
    const auto r = run_command({"/nonexistent/program"});
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.spawn_error.find("execve"), std::string::npos) << r.spawn_error;
    const auto r2 = run_command({"no-such-program-mipvpn"});
    EXPECT_NE(r2.spawn_error.find("not found"), std::string::npos) << r2.spawn_error;
}

TEST(RunCommand, TimeoutKills) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_command({"sleep", "10"}, 200ms);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_LT(took, 2s);
}

TEST(RunCommand, StdinIsFedAndClosed) {
    CommandOptions o;
    o.stdin_data = "line one\nline two\n";
    const auto r = run_command({"wc", "-l"}, o);
    ASSERT_TRUE(r.ok()) << r.describe({"wc"});
    EXPECT_EQ(r.out.substr(r.out.find_first_not_of(' ')), "2\n");
    // Large input to a program that does not read it: no SIGPIPE death, no hang.
    CommandOptions big;
    big.stdin_data.assign(1 << 20, 'x');
    big.timeout = 5s;
    const auto r2 = run_command({"true"}, big);
    EXPECT_TRUE(r2.ok());
}

TEST(RunCommand, EnvironmentIsAddedOnTopOfOurs) {
    CommandOptions o;
    o.env = {{"MIPVPN_COMMAND_TEST", "value"}, {"HOME", "/nowhere"}};
    const auto r = run_command({"sh", "-c", "echo $MIPVPN_COMMAND_TEST $HOME; test -n \"$PATH\""}, o);
    ASSERT_TRUE(r.ok()) << r.describe({"sh"});
    EXPECT_EQ(r.out, "value /nowhere\n");
}

TEST(RunCommand, BackgroundedDescendantDoesNotBlock) {
    // The shell exits at once; its child keeps stdout open for 5 s. We return when the shell ends.
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_command({"sh", "-c", "sleep 5 & echo started"}, 10s);
    EXPECT_TRUE(r.ok());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST(ChildProcess, LogsExitsAndReportsStatus) {
    const std::string log = "/tmp/mipvpn-child-" + std::to_string(::getpid()) + ".log";
    std::filesystem::remove(log);
    ChildProcess p({"sh", "-c", "echo hello; echo oops >&2; exit 4"}, "", log);
    ASSERT_EQ(p.start(), "");
    EXPECT_GT(p.pid(), 0);
    const auto st = p.wait(5s);
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(st->exited);
    EXPECT_EQ(st->code, 4);
    EXPECT_FALSE(p.running());
    EXPECT_EQ(p.exit_description(), "exited with status 4");
    EXPECT_EQ(slurp(log), "hello\noops\n");
    std::filesystem::remove(log);
}

TEST(ChildProcess, StopSendsTermThenKill) {
    ChildProcess polite({"sleep", "30"}, "", "");
    ASSERT_EQ(polite.start(), "");
    EXPECT_TRUE(polite.running());
    const auto s1 = polite.stop(2s);
    EXPECT_EQ(s1.signal, SIGTERM);
    EXPECT_FALSE(s1.timed_out);

    // Ignores SIGTERM: killed after the grace period.
    const std::string log = "/tmp/mipvpn-stubborn-" + std::to_string(::getpid()) + ".log";
    std::filesystem::remove(log);
    ChildProcess stubborn({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"}, "", log);
    ASSERT_EQ(stubborn.start(), "");
    // The trap must be in place before we signal (test-only polling of the log).
    for (int i = 0; i < 500 && slurp(log).find("ready") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_NE(slurp(log).find("ready"), std::string::npos);
    const auto t0 = std::chrono::steady_clock::now();
    const auto s2 = stubborn.stop(300ms);
    EXPECT_EQ(s2.signal, SIGKILL);
    EXPECT_TRUE(s2.timed_out) << "SIGKILL after the grace period is a timeout";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_EQ(stubborn.exit_description().find("killed by signal 9"), 0u) << stubborn.exit_description();
    std::filesystem::remove(log);
}

TEST(ChildProcess, CapturesOutputInMemoryAndItsPidfdSignalsTheEnd) {
    ChildOptions o;
    o.capture_output = true;
    o.env = {{"MIPVPN_CHILD_TEST", "value"}};
    ChildProcess p({"sh", "-c", "echo out $MIPVPN_CHILD_TEST; echo err >&2; exit 3"}, o);
    ASSERT_EQ(p.start(), "");
    ASSERT_GE(p.pidfd(), 0);
    // An event loop waits on the pidfd; nothing is reaped behind our back until we ask.
    pollfd fd{p.pidfd(), POLLIN, 0};
    ASSERT_EQ(::poll(&fd, 1, 5000), 1);
    const auto st = p.exit_status();
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(st->exited);
    EXPECT_EQ(st->code, 3);
    EXPECT_EQ(p.output(), "out value\nerr\n");
    EXPECT_EQ(p.pidfd(), -1) << "closed once reaped";
}

TEST(ChildProcess, PrivateRunKeepsItsFilesOutOfTheHostsRun) {
    if (!mipvpn::testing::is_root()) GTEST_SKIP() << "needs root (unshare, mount)";
    const auto dir = std::filesystem::temp_directory_path() / ("mipvpn-private-run-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string name = "mipvpn-private-run-" + std::to_string(::getpid()) + ".pid";
    ChildOptions o;
    o.private_run = dir.string();
    ChildProcess p({"sh", "-c", "echo $$ > /var/run/" + name}, o);
    ASSERT_EQ(p.start(), "");
    const auto st = p.wait(5s);
    ASSERT_TRUE(st && st->exited && st->code == 0) << p.exit_description();
    EXPECT_TRUE(std::filesystem::exists(dir / name));
    EXPECT_FALSE(std::filesystem::exists("/run/" + name));
    std::filesystem::remove_all(dir);
}

TEST(ChildProcess, StartErrorsAreReturned) {
    ChildProcess missing({"/nonexistent/binary"}, "", "");
    const std::string why = missing.start();
    EXPECT_NE(why.find("execve for /nonexistent/binary: No such file"), std::string::npos) << why;
    // Named as missing even when a child step before execve would fail first (no CAP_SYS_ADMIN for unshare).
    ChildOptions with_private_run;
    with_private_run.private_run = "/nonexistent/run";
    ChildProcess missing_too({"/nonexistent/binary"}, with_private_run);
    EXPECT_NE(missing_too.start().find("/nonexistent/binary: No such file"), std::string::npos);
    // The step that failed is named.
    ChildProcess bad_run({"true"}, with_private_run);
    const std::string step = bad_run.start();
    EXPECT_TRUE(step.find("bind mount over /run") != std::string::npos ||
                step.find("unshare(CLONE_NEWNS)") != std::string::npos) << step;
    EXPECT_FALSE(missing.running());
    ChildProcess bad_ns({"true"}, "mv00000000-does-not-exist", "");
    EXPECT_NE(bad_ns.start().find("mv00000000-does-not-exist"), std::string::npos);
    ChildProcess never;
    EXPECT_EQ(never.exit_description(), "never started");
}

TEST(ChildProcess, DestructorStopsTheProcess) {
    pid_t pid = -1;
    {
        ChildProcess p({"sleep", "30"}, "", "");
        ASSERT_EQ(p.start(), "");
        pid = p.pid();
    }
    EXPECT_NE(::kill(pid, 0), 0);  // reaped and gone
}

TEST(ChildProcess, RunsInsideANamespace) {
    if (!mipvpn::testing::is_root()) GTEST_SKIP() << "needs root";
    mipvpn::testing::ScratchNamespaces scratch;
    const std::string ns = scratch.add("a");
    // Only lo exists in a fresh namespace.
    const auto r = run_command_in(ns, {"ip", "-o", "link", "show"});
    ASSERT_TRUE(r.ok()) << r.describe({"ip"});
    EXPECT_NE(r.out.find("lo:"), std::string::npos);
    EXPECT_EQ(r.out.find("eth"), std::string::npos);

    ChildProcess p({"sleep", "30"}, ns, "");
    ASSERT_EQ(p.start(), "");
    const auto pids = netns_pids(ns);
    EXPECT_NE(std::find(pids.begin(), pids.end(), p.pid()), pids.end());
    p.stop(1s);
}

}  // namespace
