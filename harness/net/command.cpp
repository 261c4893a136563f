#include "harness/net/command.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

extern char** environ;

namespace mipvpn::net {

namespace {

using Clock = std::chrono::steady_clock;

#ifndef CLOSE_RANGE_CLOEXEC
constexpr unsigned kCloseRangeCloexec = 1U << 2;
#else
constexpr unsigned kCloseRangeCloexec = CLOSE_RANGE_CLOEXEC;
#endif

std::string errno_text(int err) { return std::string(::strerror(err)); }

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.release();
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = Fd(fds[0]);
    write_end = Fd(fds[1]);
    return true;
}

bool is_executable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// PATH lookup done before fork (the child only calls async-signal-safe functions).
std::string resolve_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    std::string dirs;
    if (const char* path = std::getenv("PATH")) dirs = path;
    dirs += ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            const std::string candidate = dir + "/" + name;
            if (is_executable(candidate)) return candidate;
        }
        start = end + 1;
    }
    return {};
}

// What the child reports over the close-on-exec pipe when a step before exec fails.
struct ChildFailure {
    int stage;
    int err;
};

enum Stage : int { kPdeathsig, kParentGone, kSetns, kUnshare, kMakePrivate, kBindRun, kDup2, kExecve };

const char* stage_name(int stage) {
    switch (stage) {
        case kPdeathsig: return "prctl(PR_SET_PDEATHSIG)";
        case kParentGone: return "parent ended before exec";
        case kSetns: return "setns";
        case kUnshare: return "unshare(CLONE_NEWNS)";
        case kMakePrivate: return "mount / MS_REC|MS_PRIVATE";
        case kBindRun: return "bind mount over /run";
        case kDup2: return "dup2";
        default: return "execve";
    }
}

// environ with `extra` set on top, built before fork (the child must not allocate).
std::vector<std::string> merged_environment(const Environment& extra) {
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

struct SpawnSpec {
    std::vector<std::string> argv;
    int ns_fd = -1;
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    Environment env;
    std::string private_run;  // see ChildOptions::private_run
};

// Forks and execs. Returns the pid, or -1 with `error` set. Reports exec failures synchronously.
pid_t spawn(const SpawnSpec& spec, std::string& error) {
    if (spec.argv.empty()) {
        error = "empty argv";
        return -1;
    }
    const std::string path = resolve_executable(spec.argv[0]);
    if (path.empty()) {
        error = "program " + spec.argv[0] + " not found in PATH, /usr/sbin or /sbin";
        return -1;
    }
    // Checked here too so that a missing program is named as such, not hidden behind a child step that fails
    // before execve (unshare without CAP_SYS_ADMIN).
    if (::access(path.c_str(), X_OK) != 0) {
        error = std::string(stage_name(kExecve)) + " for " + path + ": " + errno_text(errno);
        return -1;
    }
    std::vector<char*> args;
    args.reserve(spec.argv.size() + 1);
    for (const auto& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::vector<std::string> env_strings = merged_environment(spec.env);
    std::vector<char*> envp;
    envp.reserve(env_strings.size() + 1);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const char* private_run = spec.private_run.empty() ? nullptr : spec.private_run.c_str();

    Fd report_read, report_write;
    if (!make_pipe(report_read, report_write)) {
        error = "pipe: " + errno_text(errno);
        return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        error = "fork: " + errno_text(errno);
        return -1;
    }
    if (pid == 0) {
        // Child: async-signal-safe calls only.
        const int report = report_write.get();
        auto fail = [report](int stage) {
            ChildFailure f{stage, errno};
            ssize_t ignored = ::write(report, &f, sizeof(f));
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
        if (spec.ns_fd >= 0 && ::setns(spec.ns_fd, CLONE_NEWNET) != 0) fail(kSetns);
        if (private_run != nullptr) {
            // Private first, so that the bind mount does not propagate back into the host's mount namespace.
            if (::unshare(CLONE_NEWNS) != 0) fail(kUnshare);
            if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail(kMakePrivate);
            if (::mount(private_run, "/run", nullptr, MS_BIND, nullptr) != 0) fail(kBindRun);
        }
        if (spec.stdin_fd >= 0 && ::dup2(spec.stdin_fd, 0) < 0) fail(kDup2);
        if (spec.stdout_fd >= 0 && ::dup2(spec.stdout_fd, 1) < 0) fail(kDup2);
        if (spec.stderr_fd >= 0 && ::dup2(spec.stderr_fd, 2) < 0) fail(kDup2);
        // Nothing else of ours leaks into the program (sockets of other threads may lack O_CLOEXEC).
        ::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
        ::execve(path.c_str(), args.data(), envp.data());
        fail(kExecve);
    }
    report_write.reset();
    ChildFailure failure{};
    ssize_t n;
    do {
        n = ::read(report_read.get(), &failure, sizeof(failure));
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof(failure))) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        error = std::string(stage_name(failure.stage)) + " for " + path + ": " + errno_text(failure.err);
        return -1;
    }
    return pid;
}

int open_netns(const std::string& ns, std::string& error) {
    if (ns.empty()) return -1;
    const std::string path = "/run/netns/" + ns;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) error = "cannot open network namespace " + path + ": " + errno_text(errno);
    return fd;
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

ExitStatus decode_status(int status) {
    ExitStatus s;
    if (WIFEXITED(status)) {
        s.exited = true;
        s.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        s.signal = WTERMSIG(status);
    }
    return s;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available; returns false at EOF or error.
bool read_some(int fd, std::string& into) {
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n > 0) {
            into.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return true;
        return false;
    }
}

std::string join_argv(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += a;
    }
    return s;
}

}  // namespace

std::string CommandResult::describe(const std::vector<std::string>& argv) const {
    std::string s = "`" + join_argv(argv) + "`";
    if (!spawn_error.empty()) return s + " could not start: " + spawn_error;
    if (timed_out) s += " timed out";
    else if (signal) s += " killed by signal " + std::to_string(signal);
    else s += " exited with status " + std::to_string(exit_code);
    std::string text = err.empty() ? out : err;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) s += ": " + text;
    return s;
}

CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
    CommandOptions options;
    options.timeout = timeout;
    return run_command(std::move(argv), options);
}

CommandResult run_command_in(const std::string& ns, std::vector<std::string> argv, std::chrono::milliseconds timeout) {
    CommandOptions options;
    options.timeout = timeout;
    options.ns = ns;
    return run_command(std::move(argv), options);
}

CommandResult run_command(std::vector<std::string> argv, const CommandOptions& options) {
    CommandResult result;
    const auto deadline = Clock::now() + options.timeout;
    std::string error;
    Fd ns_fd(open_netns(options.ns, error));
    if (!error.empty()) {
        result.spawn_error = error;
        return result;
    }
    Fd out_r, out_w, err_r, err_w, in_r, in_w;
    if (!make_pipe(out_r, out_w) || !make_pipe(err_r, err_w)) {
        result.spawn_error = "pipe: " + errno_text(errno);
        return result;
    }
    if (options.stdin_data.empty()) {
        in_r = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    } else if (!make_pipe(in_r, in_w)) {
        result.spawn_error = "pipe: " + errno_text(errno);
        return result;
    }
    SpawnSpec spec{argv, ns_fd.get(), in_r.get(), out_w.get(), err_w.get(), options.env, {}};
    const pid_t pid = spawn(spec, result.spawn_error);
    if (pid < 0) return result;
    out_w.reset();
    err_w.reset();
    in_r.reset();
    ns_fd.reset();
    set_nonblocking(out_r.get());
    set_nonblocking(err_r.get());
    size_t written = 0;
    // A program that exits without reading its input must not kill us with SIGPIPE: block it for this thread
    // while we write, and discard a pending one afterwards.
    sigset_t sigpipe, old_mask;
    ::sigemptyset(&sigpipe);
    ::sigaddset(&sigpipe, SIGPIPE);
    const bool writing = in_w.get() >= 0;
    if (writing) {
        set_nonblocking(in_w.get());
        ::pthread_sigmask(SIG_BLOCK, &sigpipe, &old_mask);
    }
    Fd pidfd(pidfd_open(pid));

    bool exited = false;
    while (!exited) {
        pollfd fds[4];
        nfds_t n = 0;
        int out_i = -1, err_i = -1, in_i = -1, pid_i = -1;
        if (out_r.get() >= 0) { out_i = static_cast<int>(n); fds[n++] = {out_r.get(), POLLIN, 0}; }
        if (err_r.get() >= 0) { err_i = static_cast<int>(n); fds[n++] = {err_r.get(), POLLIN, 0}; }
        if (in_w.get() >= 0) { in_i = static_cast<int>(n); fds[n++] = {in_w.get(), POLLOUT, 0}; }
        if (pidfd.get() >= 0) { pid_i = static_cast<int>(n); fds[n++] = {pidfd.get(), POLLIN, 0}; }
        if (n == 0) break;  // no pidfd and both pipes closed: reap below
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            ::kill(pid, SIGKILL);  // not reaped yet, so the pid is still ours
            result.timed_out = true;
            break;
        }
        const int r = ::poll(fds, n, static_cast<int>(std::min<long long>(left, 1000000)));
        if (r < 0 && errno == EINTR) continue;
        if (out_i >= 0 && fds[out_i].revents && !read_some(out_r.get(), result.out)) out_r.reset();
        if (err_i >= 0 && fds[err_i].revents && !read_some(err_r.get(), result.err)) err_r.reset();
        if (in_i >= 0 && fds[in_i].revents) {
            const ssize_t w = ::write(in_w.get(), options.stdin_data.data() + written, options.stdin_data.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == options.stdin_data.size()) in_w.reset();
        }
        if (pid_i >= 0 && (fds[pid_i].revents & POLLIN)) exited = true;
    }
    in_w.reset();
    if (writing) {
        const timespec zero{0, 0};
        while (::sigtimedwait(&sigpipe, nullptr, &zero) == SIGPIPE) {
        }
        ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    }
    // Whatever the program wrote before it ended (descendants keeping the pipes open are not waited for).
    if (out_r.get() >= 0) read_some(out_r.get(), result.out);
    if (err_r.get() >= 0) read_some(err_r.get(), result.err);
    int status = 0;
    pid_t reaped;
    while ((reaped = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (reaped != pid) {
        // ECHILD: SIGCHLD is ignored in this process, or someone else reaped it; how it ended is unknown.
        result.spawn_error = "exit status lost (waitpid: " + errno_text(errno) + ")";
        return result;
    }
    const ExitStatus s = decode_status(status);
    result.exit_code = s.exited ? s.code : -1;
    result.signal = s.signal;
    return result;
}

std::string ExitStatus::to_string() const {
    if (exited) return "exited with status " + std::to_string(code);
    if (signal) {
        const char* name = ::strsignal(signal);
        return "killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : std::string());
    }
    return "ended (status unknown)";
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string ns, std::string log_path)
    : ChildProcess(std::move(argv), ChildOptions{std::move(ns), std::move(log_path), false, {}, {}}) {}

ChildProcess::ChildProcess(std::vector<std::string> argv, ChildOptions options)
    : argv_(std::move(argv)), options_(std::move(options)) {}

ChildProcess::~ChildProcess() {
    stop();
    close_memfd();
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : argv_(std::move(o.argv_)), options_(std::move(o.options_)), pid_(o.pid_), pidfd_(o.pidfd_), memfd_(o.memfd_),
      status_(o.status_) {
    o.pid_ = -1;
    o.pidfd_ = -1;
    o.memfd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
    if (this != &o) {
        stop();
        close_pidfd();
        close_memfd();
        argv_ = std::move(o.argv_);
        options_ = std::move(o.options_);
        pid_ = o.pid_;
        pidfd_ = o.pidfd_;
        memfd_ = o.memfd_;
        status_ = o.status_;
        o.pid_ = -1;
        o.pidfd_ = -1;
        o.memfd_ = -1;
    }
    return *this;
}

void ChildProcess::close_pidfd() {
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
}

void ChildProcess::close_memfd() {
    if (memfd_ >= 0) ::close(memfd_);
    memfd_ = -1;
}

std::string ChildProcess::output() const {
    std::string out;
    if (memfd_ < 0) return out;
    char buf[8192];
    off_t offset = 0;
    for (;;) {
        // pread: the memfd's file offset is shared with the child, which may still be writing.
        const ssize_t n = ::pread(memfd_, buf, sizeof(buf), offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
        offset += n;
    }
    return out;
}

std::string ChildProcess::start() {
    if (pid_ > 0 && !status_) return "already started (pid " + std::to_string(pid_) + ")";
    close_pidfd();
    close_memfd();
    status_.reset();
    pid_ = -1;
    std::string error;
    Fd ns_fd(open_netns(options_.ns, error));
    if (!error.empty()) return error;
    Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd out;
    if (options_.capture_output) {
        memfd_ = ::memfd_create("child-output", MFD_CLOEXEC);
        if (memfd_ < 0) return "memfd_create for the program's output: " + errno_text(errno);
    } else {
        const std::string log = options_.log_path.empty() ? std::string("/dev/null") : options_.log_path;
        out = Fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
        if (out.get() < 0) return "cannot open log file " + log + ": " + errno_text(errno);
    }
    const int out_fd = options_.capture_output ? memfd_ : out.get();
    SpawnSpec spec{argv_, ns_fd.get(), in.get(), out_fd, out_fd, options_.env, options_.private_run};
    const pid_t pid = spawn(spec, error);
    if (pid < 0) return error;
    pid_ = pid;
    pidfd_ = pidfd_open(pid);
    return {};
}

void ChildProcess::reap(bool block) {
    if (pid_ <= 0 || status_) return;
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
        if (r == pid_) {
            status_ = decode_status(status);
            close_pidfd();
            return;
        }
        if (r == 0) return;
        if (errno == EINTR) continue;
        // ECHILD: someone else reaped it; it has ended, how is unknown.
        status_ = ExitStatus{};
        close_pidfd();
        return;
    }
}

bool ChildProcess::running() {
    if (pid_ <= 0) return false;
    reap(false);
    return !status_;
}

std::optional<ExitStatus> ChildProcess::exit_status() {
    if (pid_ > 0) reap(false);
    return status_;
}

std::string ChildProcess::exit_description() {
    if (pid_ <= 0) return "never started";
    if (running()) return "running";
    return status_->to_string();
}

std::optional<ExitStatus> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    const auto deadline = Clock::now() + timeout;
    while (running()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return std::nullopt;
        if (pidfd_ >= 0) {
            pollfd p{pidfd_, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000000)));
        } else {
            // No pidfd (very old kernel): fall back to short polls.
            ::usleep(static_cast<useconds_t>(std::min<long long>(left, 10) * 1000));
        }
    }
    return status_;
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return ExitStatus{};
    if (running()) {
        ::kill(pid_, SIGTERM);  // unreaped, so the pid still names our child
        if (!wait(grace)) {
            ::kill(pid_, SIGKILL);
            reap(true);
            if (status_) status_->timed_out = true;
        }
    }
    return status_ ? *status_ : ExitStatus{};
}

}  // namespace mipvpn::net
