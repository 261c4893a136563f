// Supervises one strongSwan charon (the reference MN's VPN client, or a test's VPN gateway) started by this process:
// writes its files, starts it with a private /run in the caller's network namespace, waits until its vici socket
// accepts, loads the configuration with swanctl, initiates without blocking an event loop, reads the SA state, and
// stops exactly the PID it started. Every swanctl run is a tracked, reaped child too.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agents/common/charon_config.h"
#include "agents/common/swanctl_sas.h"
#include "harness/net/command.h"

namespace mipvpn::agents {

struct InitiateResult {
  bool ok = false;
  net::ExitStatus status;             // how swanctl --initiate ended
  bool timed_out = false;             // killed because initiate_and_wait's timeout passed
  std::string output;                 // its stdout and stderr
  std::chrono::milliseconds elapsed{0};  // from initiate() until swanctl ended
  // "initiate completed successfully", or the failure lines of swanctl, its status and the tail of charon.log.
  std::string message;
};

class CharonProcess {
 public:
  explicit CharonProcess(CharonConfig config);
  ~CharonProcess();  // stop()
  CharonProcess(const CharonProcess&) = delete;
  CharonProcess& operator=(const CharonProcess&) = delete;

  // Writes the files, starts charon (the child unshares its mount namespace, makes / recursively private, binds
  // <dir>/run over /run, sets STRONGSWAN_CONF and execs charon; it inherits the calling thread's network namespace),
  // waits until the vici socket accepts (inotify on the directory and a pidfd on charon, no sleeps), then runs
  // swanctl --load-all. Throws CharonError naming the file or step, with the tail of charon.log; charon is stopped
  // again when a later step fails. Call from a thread that outlives charon (PR_SET_PDEATHSIG).
  void start();
  bool running();
  pid_t pid() const { return charon_.pid(); }
  const CharonConfig& config() const { return config_; }
  // Measured by start(): fork until the vici socket accepted; swanctl --load-all duration.
  std::chrono::milliseconds ready_time() const { return ready_time_; }
  std::chrono::milliseconds load_time() const { return load_time_; }

  // Starts `swanctl --initiate --ike IKE --child CHILD --timeout SECONDS` and returns at once. Throws CharonError if
  // charon is not running or an initiate is still pending. The no-argument form uses the client connection's names.
  void initiate(const std::string& ike, const std::string& child, std::chrono::seconds timeout);
  void initiate();
  // Readable (POLLIN) once the pending swanctl --initiate has ended, for an event loop; -1 when none is pending.
  int initiate_fd() const { return initiate_.pidfd(); }
  bool initiate_pending() const { return initiate_.started() && !consumed_; }
  // nullopt while swanctl runs (or none was started); the result once it ended (returned once).
  std::optional<InitiateResult> poll_initiate();
  // Blocking convenience for tests: initiate() then wait up to `timeout` (swanctl is killed after it).
  InitiateResult initiate_and_wait(std::chrono::milliseconds timeout);

  // swanctl --terminate --ike IKE (blocking, up to `timeout`): deletes the IKE SA and its CHILD SAs. Throws
  // CharonError with swanctl's output when it fails.
  void terminate_ike(const std::string& ike, std::chrono::seconds timeout);
  // swanctl --list-sas --pretty, parsed. Throws CharonError (swanctl failed) or ListSasParseError.
  std::vector<IkeSaState> list_sas();
  // The virtual IP charon was given (client) for the client connection's IKE SA, from list_sas().
  std::optional<std::string> virtual_ip();

  // Ends a pending swanctl, then SIGTERM to charon's PID, waits up to stop_grace on its pidfd, SIGKILL after that,
  // reaps. Returns how charon ended (nullopt when it was not started). Idempotent.
  std::optional<net::ExitStatus> stop();

  // The last `lines` lines of charon.log (and of charon.out, when charon wrote anything there), for error messages.
  std::string log_tail(size_t lines = 15) const;

 private:
  std::vector<std::string> swanctl_argv(std::vector<std::string> args) const;
  net::Environment swanctl_env() const;
  // Runs swanctl to completion and returns its stdout; throws CharonError (`what`, then how swanctl failed).
  std::string run_swanctl(std::vector<std::string> args, std::chrono::milliseconds timeout,
                          const std::string& what) const;
  void wait_ready(int inotify_fd);
  [[noreturn]] void fail_start(const std::string& what);
  InitiateResult make_result(const net::ExitStatus& status, bool timed_out) const;

  CharonConfig config_;
  net::ChildProcess charon_;
  net::ChildProcess initiate_;
  bool consumed_ = false;
  std::string initiate_ike_, initiate_child_;
  std::chrono::steady_clock::time_point initiate_started_{};
  std::chrono::milliseconds ready_time_{0};
  std::chrono::milliseconds load_time_{0};
};

}  // namespace mipvpn::agents
