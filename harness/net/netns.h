#pragma once
// Network namespaces by name (/run/netns/NAME, the iproute2 convention). Knows no Mobile IP.
//
// setns(CLONE_NEWNET) switches only the calling thread; a socket or pcap handle belongs to the namespace its
// thread was in when it was opened and stays there after the thread switches back.
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace mipvpn::net {

// Thrown by the operations that must succeed for the harness to go on (namespace creation, capture start, ...).
class NetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Outcome of an operation that reports failure as a value (sending, ...).
struct Status {
    bool ok = true;
    std::string error;  // empty when ok
    static Status success() { return {}; }
    static Status failure(std::string why) { return {false, std::move(why)}; }
    explicit operator bool() const { return ok; }
};

// A name usable under /run/netns: 1..200 chars of [A-Za-z0-9_.-], not "." or "..".
bool valid_netns_name(const std::string& name);

// `ip netns add NAME` / `ip netns delete NAME`. Throw NetError with ip's message.
void netns_add(const std::string& name);
void netns_delete(const std::string& name);
bool netns_exists(const std::string& name);
// Names under /run/netns, sorted.
std::vector<std::string> netns_list();
// PIDs whose (main thread's) network namespace is NAME, as `ip netns pids NAME` lists them.
// Empty if the namespace does not exist.
std::vector<pid_t> netns_pids(const std::string& name);

// Sends `sig` to every process whose network namespace is NAME, except this process. Each PID is pinned with a
// pidfd and its namespace re-checked before signalling, so a recycled PID is never hit. Returns how many were
// signalled; problems are appended to `errors`.
size_t signal_processes_in(const std::string& name, int sig, std::vector<std::string>& errors);

// Moves the calling thread into /run/netns/NAME; the destructor moves it back to where it was.
// Throws NetError if the namespace cannot be entered. Failing to move back aborts the process (a thread left
// in the wrong namespace would send traffic where it must not).
class NetnsGuard {
public:
    explicit NetnsGuard(const std::string& name);
    ~NetnsGuard();
    NetnsGuard(const NetnsGuard&) = delete;
    NetnsGuard& operator=(const NetnsGuard&) = delete;

    const std::string& name() const { return name_; }

private:
    std::string name_;
    int saved_fd_ = -1;
};

// Runs f() with the calling thread inside namespace `ns`, returning what f returns (exceptions pass through,
// the thread is moved back either way).
template <class F>
auto in_netns(const std::string& ns, F&& f) -> decltype(std::forward<F>(f)()) {
    NetnsGuard guard(ns);
    return std::forward<F>(f)();
}

// Writes a sysctl of the calling thread's namespace, e.g. set_sysctl("net/ipv4/ip_forward", "1")
// (path below /proc/sys). Throws NetError.
void set_sysctl(const std::string& key, const std::string& value);
std::string get_sysctl(const std::string& key);

}  // namespace mipvpn::net
