#include "harness/net/netns.h"

#include "harness/net/command.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mipvpn::net {

namespace {

constexpr std::chrono::milliseconds kIpTimeout{10000};

void require_name(const std::string& name) {
    if (!valid_netns_name(name)) throw NetError("invalid network namespace name \"" + name + "\"");
}

void run_ip(const std::vector<std::string>& argv) {
    const CommandResult r = run_command(argv, kIpTimeout);
    if (!r.ok()) throw NetError(r.describe(argv));
}

}  // namespace

bool valid_netns_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name == "." || name == "..") return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

void netns_add(const std::string& name) {
    require_name(name);
    run_ip({"ip", "netns", "add", name});
}

void netns_delete(const std::string& name) {
    require_name(name);
    run_ip({"ip", "netns", "delete", name});
}

bool netns_exists(const std::string& name) {
    if (!valid_netns_name(name)) return false;
    return ::access(("/run/netns/" + name).c_str(), F_OK) == 0;
}

std::vector<std::string> netns_list() {
    std::vector<std::string> names;
    DIR* dir = ::opendir("/run/netns");
    if (!dir) return names;
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<pid_t> netns_pids(const std::string& name) {
    require_name(name);
    std::vector<pid_t> pids;
    if (!netns_exists(name)) return pids;
    const std::vector<std::string> argv{"ip", "netns", "pids", name};
    const CommandResult r = run_command(argv, kIpTimeout);
    if (!r.ok()) {
        if (!netns_exists(name)) return pids;  // deleted meanwhile
        throw NetError(r.describe(argv));
    }
    std::istringstream in(r.out);
    long pid = 0;
    while (in >> pid)
        if (pid > 0) pids.push_back(static_cast<pid_t>(pid));
    return pids;
}

namespace {
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
}  // namespace

size_t signal_processes_in(const std::string& name, int sig, std::vector<std::string>& errors) {
    struct stat target {};
    if (::stat(("/run/netns/" + name).c_str(), &target) != 0) return 0;
    std::vector<pid_t> pids;
    try {
        pids = netns_pids(name);
    } catch (const std::exception& e) {
        errors.push_back(std::string("listing processes in ") + name + ": " + e.what());
        return 0;
    }
    size_t signalled = 0;
    for (pid_t pid : pids) {
        if (pid == ::getpid()) continue;
        const int pfd = pidfd_open(pid);
        if (pfd < 0) continue;  // already gone
        struct stat st {};
        if (::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) == 0 && st.st_dev == target.st_dev &&
            st.st_ino == target.st_ino) {
            if (::syscall(SYS_pidfd_send_signal, pfd, sig, nullptr, 0) == 0) ++signalled;
            else if (errno != ESRCH)
                errors.push_back("kill " + std::to_string(pid) + " in " + name + ": " + std::strerror(errno));
        }
        ::close(pfd);
    }
    return signalled;
}

NetnsGuard::NetnsGuard(const std::string& name) : name_(name) {
    require_name(name);
    saved_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved_fd_ < 0) throw NetError("cannot open /proc/thread-self/ns/net: " + std::string(::strerror(errno)));
    const std::string path = "/run/netns/" + name;
    const int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        const int err = errno;
        ::close(saved_fd_);
        throw NetError("cannot open network namespace " + path + ": " + ::strerror(err));
    }
    if (::setns(target, CLONE_NEWNET) != 0) {
        const int err = errno;
        ::close(target);
        ::close(saved_fd_);
        throw NetError("setns into " + path + ": " + ::strerror(err));
    }
    ::close(target);
}

NetnsGuard::~NetnsGuard() {
    if (::setns(saved_fd_, CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "mipvpn: FATAL: cannot move thread back from network namespace %s: %s\n", name_.c_str(),
                     ::strerror(errno));
        std::abort();
    }
    ::close(saved_fd_);
}

void set_sysctl(const std::string& key, const std::string& value) {
    const std::string path = "/proc/sys/" + key;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw NetError("sysctl " + key + ": cannot open " + path + ": " + ::strerror(errno));
    const ssize_t n = ::write(fd, value.data(), value.size());
    const int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(value.size()))
        throw NetError("sysctl " + key + " = " + value + ": " + (n < 0 ? ::strerror(err) : "short write"));
}

std::string get_sysctl(const std::string& key) {
    std::ifstream in("/proc/sys/" + key);
    if (!in) throw NetError("sysctl " + key + ": cannot read /proc/sys/" + key);
    std::string value;
    std::getline(in, value);
    return value;
}

}  // namespace mipvpn::net
