#include "agents/common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace mipvpn::agents {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC (Linux 5.11)

std::string errno_text(int err) { return std::string(::strerror(err)); }

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }
int pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig,
                                                                              nullptr, 0U)); }

// What the child reports over the close-on-exec pipe when a step before exec fails.
struct ChildFailure {
  int step;
  int err;
};

enum Step : int { kPdeathsig, kParentGone, kUnshare, kMakePrivate, kBindRun, kDup2, kExecve };

const char* step_name(int step) {
  switch (step) {
    case kPdeathsig: return "prctl(PR_SET_PDEATHSIG)";
    case kParentGone: return "parent ended before exec";
    case kUnshare: return "unshare(CLONE_NEWNS)";
    case kMakePrivate: return "mount / MS_REC|MS_PRIVATE";
    case kBindRun: return "bind mount over /run";
    case kDup2: return "dup2 of the output";
    default: return "execve";
  }
}

std::vector<std::string> merged_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const auto& [key, value] : extra) {
      if (entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 && entry[key.size()] == '=') {
        overridden = true;
      }
    }
    if (!overridden) env.push_back(entry);
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

std::string read_all(int fd) {
  std::string out;
  if (fd < 0) return out;
  char buf[8192];
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  return out;
}

}  // namespace

std::string ProcessOutcome::status_text() const {
  std::string s;
  if (exited) {
    s = "exited with status " + std::to_string(code);
  } else if (signal != 0) {
    const char* name = ::strsignal(signal);
    s = "killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : std::string());
  } else {
    s = "ended (status unknown)";
  }
  return timed_out ? "timed out (" + s + ")" : s;
}

Subprocess::Subprocess(SpawnSpec spec) {
  if (spec.argv.empty()) throw SubprocessError("spawn: empty argv");
  const std::string& path = spec.argv[0];
  if (::access(path.c_str(), X_OK) != 0) {
    throw SubprocessError("cannot execute " + path + ": " + errno_text(errno));
  }
  std::vector<char*> args;
  for (const auto& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> env_strings = merged_environment(spec.env);
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int out_fd;
  if (spec.output_file.empty()) {
    out_fd = ::memfd_create("subprocess-output", MFD_CLOEXEC);
    if (out_fd < 0) throw SubprocessError("memfd_create for the output of " + path + ": " + errno_text(errno));
    memfd_ = out_fd;
  } else {
    out_fd = ::open(spec.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd < 0) throw SubprocessError("cannot open " + spec.output_file + ": " + errno_text(errno));
  }
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    const int err = errno;
    if (null_in >= 0) ::close(null_in);
    if (memfd_ < 0) ::close(out_fd);
    release_fds();
    throw SubprocessError("pipe: " + errno_text(err));
  }
  const char* private_run = spec.private_run.empty() ? nullptr : spec.private_run.c_str();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    const int report_fd = report[1];
    auto fail = [report_fd](int step) {
      const ChildFailure f{step, errno};
      const ssize_t ignored = ::write(report_fd, &f, sizeof f);
      (void)ignored;
      ::_exit(127);
    };
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) fail(kPdeathsig);
    if (::getppid() != parent) {
      errno = 0;
      fail(kParentGone);
    }
    if (private_run != nullptr) {
      if (::unshare(CLONE_NEWNS) != 0) fail(kUnshare);
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail(kMakePrivate);
      if (::mount(private_run, "/run", nullptr, MS_BIND, nullptr) != 0) fail(kBindRun);
    }
    if (null_in >= 0 && ::dup2(null_in, 0) < 0) fail(kDup2);
    if (::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0) fail(kDup2);
    // Nothing else of ours leaks into the program (sockets of other threads may lack O_CLOEXEC).
    ::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
    ::execve(path.c_str(), args.data(), envp.data());
    fail(kExecve);
  }
  const int fork_errno = errno;
  ::close(report[1]);
  if (null_in >= 0) ::close(null_in);
  if (memfd_ < 0) ::close(out_fd);
  if (pid < 0) {
    ::close(report[0]);
    release_fds();
    throw SubprocessError("fork for " + path + ": " + errno_text(fork_errno));
  }
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(report[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    release_fds();
    throw SubprocessError(std::string(step_name(failure.step)) + " for " + path + ": " + errno_text(failure.err));
  }
  pid_ = pid;
  pidfd_ = pidfd_open(pid);
  if (pidfd_ < 0) {
    const int err = errno;
    ::kill(pid, SIGKILL);  // not reaped yet, so the PID is still ours
    reap_blocking(true);
    throw SubprocessError("pidfd_open for " + path + ": " + errno_text(err));
  }
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !outcome_) {
    pidfd_send_signal(pidfd_, SIGKILL);
    reap_blocking(true);
  }
  release_fds();
}

Subprocess::Subprocess(Subprocess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), pidfd_(std::exchange(o.pidfd_, -1)), memfd_(std::exchange(o.memfd_, -1)),
      outcome_(std::move(o.outcome_)) {}

Subprocess& Subprocess::operator=(Subprocess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0 && !outcome_) {
      pidfd_send_signal(pidfd_, SIGKILL);
      reap_blocking(true);
    }
    release_fds();
    pid_ = std::exchange(o.pid_, -1);
    pidfd_ = std::exchange(o.pidfd_, -1);
    memfd_ = std::exchange(o.memfd_, -1);
    outcome_ = std::move(o.outcome_);
  }
  return *this;
}

void Subprocess::release_fds() {
  if (pidfd_ >= 0) ::close(pidfd_);
  if (memfd_ >= 0) ::close(memfd_);
  pidfd_ = -1;
  memfd_ = -1;
}

void Subprocess::finish(int wait_status, bool timed_out) {
  ProcessOutcome o;
  if (WIFEXITED(wait_status)) {
    o.exited = true;
    o.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    o.signal = WTERMSIG(wait_status);
  }
  o.timed_out = timed_out;
  o.output = read_all(memfd_);
  outcome_ = std::move(o);
  release_fds();
}

void Subprocess::reap_blocking(bool timed_out) {
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  finish(r == pid_ ? status : 0, timed_out);
}

bool Subprocess::running() { return pid_ > 0 && !poll().has_value(); }

std::optional<ProcessOutcome> Subprocess::poll() {
  if (outcome_) return outcome_;
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == 0) return std::nullopt;
  finish(r == pid_ ? status : 0, false);
  return outcome_;
}

std::optional<ProcessOutcome> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto o = poll()) return o;
    if (pidfd_ < 0) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{pidfd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000000)));
    if (r < 0 && errno != EINTR) return poll();
  }
}

ProcessOutcome Subprocess::terminate(std::chrono::milliseconds grace) {
  if (auto o = poll()) return *o;
  if (pid_ <= 0) return ProcessOutcome{};
  pidfd_send_signal(pidfd_, SIGTERM);
  if (auto o = wait_for(grace)) return *o;
  pidfd_send_signal(pidfd_, SIGKILL);
  reap_blocking(true);
  return *outcome_;
}

ProcessOutcome run_process(SpawnSpec spec, std::chrono::milliseconds timeout) {
  Subprocess p(std::move(spec));
  if (auto o = p.wait_for(timeout)) return *o;
  ProcessOutcome o = p.terminate(std::chrono::milliseconds(0));
  o.timed_out = true;
  return o;
}

}  // namespace mipvpn::agents
