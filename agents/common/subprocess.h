// A child process owned by PID and pidfd: started with extra environment variables, its output captured (in memory
// or in a file), optionally with a private /run (for charon, whose /var/run/charon.pid is hard-coded). The pidfd
// becomes readable when the process ends, so an event loop can wait for it without blocking or sleeping.
// Signals go only to the process this object started (pidfd_send_signal), never to a name or a pattern.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mipvpn::agents {

class SubprocessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpawnSpec {
  std::vector<std::string> argv;                            // argv[0]: an absolute path (no PATH search)
  std::vector<std::pair<std::string, std::string>> env;     // set on top of this process's environment
  std::string output_file;  // stdout+stderr appended to this file; empty: captured in memory (a memfd)
  std::string private_run;  // non-empty: the child unshares its mount namespace, makes / recursively private and
                            // bind-mounts this directory over /run (nothing it writes there reaches the host's /run)
};

struct ProcessOutcome {
  bool exited = false;     // normal exit: `code` is valid
  int code = -1;
  int signal = 0;          // the signal that ended it, else 0
  bool timed_out = false;  // killed because a deadline passed
  std::string output;      // stdout+stderr (memory capture only)

  bool ok() const { return exited && code == 0 && !timed_out; }
  // "exited with status 1", "killed by signal 15 (Terminated)", "timed out (killed by signal 9 (Killed))"
  std::string status_text() const;
};

class Subprocess {
 public:
  Subprocess() = default;
  // Starts the program. Throws SubprocessError naming the step that failed (fork, unshare, mount, execve ...): exec
  // failures come back synchronously over a close-on-exec pipe. The child gets PR_SET_PDEATHSIG(SIGTERM): it ends if
  // the *thread* that started it ends, so start long-lived children from a long-lived thread.
  explicit Subprocess(SpawnSpec spec);
  ~Subprocess();  // SIGKILL and reap if still running (use terminate() for a graceful stop)
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // Readable (POLLIN) once the process has ended; -1 when nothing was started or it was reaped.
  int pidfd() const { return pidfd_; }
  bool started() const { return pid_ > 0; }
  // Has not been reaped yet (reaps it if it has ended).
  bool running();
  // How it ended, without blocking; nullopt while it runs. Reaps and collects the captured output.
  std::optional<ProcessOutcome> poll();
  // Waits up to `timeout` (poll on the pidfd); nullopt if it still runs.
  std::optional<ProcessOutcome> wait_for(std::chrono::milliseconds timeout);
  // SIGTERM, wait up to `grace`, then SIGKILL; reaps. Returns how it ended (timed_out when SIGKILL was needed).
  ProcessOutcome terminate(std::chrono::milliseconds grace);
  // The outcome once reaped (also after poll/wait returned it).
  const std::optional<ProcessOutcome>& outcome() const { return outcome_; }

 private:
  void reap_blocking(bool timed_out);
  void finish(int wait_status, bool timed_out);
  void release_fds();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int memfd_ = -1;
  std::optional<ProcessOutcome> outcome_;
};

// Runs a program to completion (SIGKILL after `timeout`, then timed_out is set). Throws SubprocessError only when it
// cannot be started.
ProcessOutcome run_process(SpawnSpec spec, std::chrono::milliseconds timeout);

}  // namespace mipvpn::agents
