#pragma once
// Starting programs: fork/exec, never a shell. Optionally inside a network namespace (setns in the child).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mipvpn::net {

struct CommandResult {
    int exit_code = -1;     // exit status when the program exited, else -1
    int signal = 0;         // the signal that ended it, else 0
    bool timed_out = false; // killed (SIGKILL) because the timeout passed
    std::string out;        // standard output
    std::string err;        // standard error
    std::string spawn_error;// non-empty when the program could not be started (e.g. "execve ip: No such file")

    bool ok() const { return spawn_error.empty() && !timed_out && signal == 0 && exit_code == 0; }
    // "`ip link add ...` exited with status 2: <stderr>" style summary, for error messages.
    std::string describe(const std::vector<std::string>& argv) const;
};

// Variables set for a program on top of this process's environment (each replaces an inherited one of its name).
using Environment = std::vector<std::pair<std::string, std::string>>;

struct CommandOptions {
    std::chrono::milliseconds timeout{10000};
    std::string ns;          // run inside /run/netns/<ns>; empty: the calling thread's namespace
    std::string stdin_data;  // written to the program's standard input, then closed
    Environment env;
};

// Runs argv[0] (searched in PATH, then /usr/sbin and /sbin) with stdout and stderr captured. Never throws for
// program failures; they are in the result.
CommandResult run_command(std::vector<std::string> argv,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
CommandResult run_command(std::vector<std::string> argv, const CommandOptions& options);
// Shorthand for options.ns = ns.
CommandResult run_command_in(const std::string& ns, std::vector<std::string> argv,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// How a process ended.
struct ExitStatus {
    bool exited = false;  // normal exit: `code` is valid
    int code = -1;
    int signal = 0;       // killed by this signal
    bool timed_out = false;  // ChildProcess::stop() had to SIGKILL it after the grace period
    // "exited with status 1", "killed by signal 9 (Killed)"
    std::string to_string() const;
};

// How a ChildProcess is started besides its argv.
struct ChildOptions {
    std::string ns;        // run inside /run/netns/<ns>; empty: the calling thread's namespace
    std::string log_path;  // stdout and stderr appended to this file; empty: /dev/null (unless capture_output)
    // stdout and stderr kept in memory (a memfd) instead, in the order written; read them with output().
    bool capture_output = false;
    Environment env;
    // Non-empty: the child unshares its mount namespace, makes / recursively private and bind-mounts this directory
    // over /run, so what it writes there (charon's hard-coded /var/run/charon.pid) stays out of the host's /run.
    // Needs CAP_SYS_ADMIN.
    std::string private_run;
};

// A long-running program, optionally inside a namespace. Its stdout and stderr go to a log file (appended) or to
// memory, stdin is /dev/null. The child gets PR_SET_PDEATHSIG(SIGTERM): it is terminated if the *thread* that started it ends
// (Linux semantics), so start children from a thread that outlives them (normally the main thread).
// Stopping is by the PID this object started and still owns (it is never reaped behind our back): SIGTERM, a
// grace period, then SIGKILL, then waitpid. Not thread-safe: use one object from one thread at a time.
class ChildProcess {
public:
    ChildProcess() = default;
    // Does not start yet; call start(). ns empty: the calling thread's namespace. log_path empty: /dev/null.
    ChildProcess(std::vector<std::string> argv, std::string ns, std::string log_path);
    ChildProcess(std::vector<std::string> argv, ChildOptions options);
    ~ChildProcess();  // stop()
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Starts the program. Returns "" on success, else why not (namespace missing, exec failed, ...).
    // Reports exec failure synchronously (the error travels back over a close-on-exec pipe).
    std::string start();

    pid_t pid() const { return pid_; }
    // Readable (POLLIN) once the process has ended, for an event loop; -1 once reaped, before start, or when the
    // kernel has no pidfd_open.
    int pidfd() const { return pidfd_; }
    bool started() const { return pid_ > 0; }
    // True while the process has not ended (reaps it when it has).
    bool running();
    // How it ended; nullopt while it runs or if it was never started.
    std::optional<ExitStatus> exit_status();
    // exit_status()->to_string(), "running", or "never started".
    std::string exit_description();
    // Waits up to `timeout` for the process to end by itself (no signal sent).
    std::optional<ExitStatus> wait(std::chrono::milliseconds timeout);
    // SIGTERM, wait up to `grace`, SIGKILL, reap. Returns how it ended. No-op if not running.
    ExitStatus stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    const std::vector<std::string>& argv() const { return argv_; }
    const std::string& ns() const { return options_.ns; }
    const std::string& log_path() const { return options_.log_path; }
    // What the program wrote so far (capture_output only; kept after it ended, until the next start()).
    std::string output() const;

private:
    void reap(bool block);
    void close_pidfd();
    void close_memfd();

    std::vector<std::string> argv_;
    ChildOptions options_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    int memfd_ = -1;
    std::optional<ExitStatus> status_;
};

}  // namespace mipvpn::net
