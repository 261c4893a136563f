#include "harness/topo/lab.h"

#include "harness/net/command.h"
#include "harness/net/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace mipvpn::topo {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kIpTimeout{15000};

// ---------------------------------------------------------------------------------------------------------
// Registry for the signal handlers: fixed storage, written before namespaces exist, read async-signal-safely.
constexpr int kSlots = 16;
constexpr int kMaxNamespaces = 48;
constexpr size_t kNameLen = 80;
constexpr size_t kPathLen = 160;

struct Slot {
    std::atomic<int> state{0};  // 0 free, 1 claimed
    std::atomic<int> count{0};  // names[0..count) valid
    char names[kMaxNamespaces][kNameLen];
    char marker[kPathLen];
};
Slot g_slots[kSlots];

int claim_slot(const std::vector<std::string>& names, const std::string& marker) {
    for (int i = 0; i < kSlots; ++i) {
        int expected = 0;
        if (!g_slots[i].state.compare_exchange_strong(expected, 1)) continue;
        Slot& s = g_slots[i];
        s.count.store(0);
        std::snprintf(s.marker, sizeof(s.marker), "%s", marker.c_str());
        int n = 0;
        for (const auto& name : names) {
            std::snprintf(s.names[n], kNameLen, "%s", name.c_str());
            ++n;
        }
        s.count.store(n, std::memory_order_release);
        return i;
    }
    return -1;
}

void release_slot(int i) {
    if (i < 0) return;
    g_slots[i].count.store(0);
    g_slots[i].state.store(0);
}

// Async-signal-safe string helpers.
size_t ss_copy(char* dst, size_t cap, size_t at, const char* src) {
    while (*src && at + 1 < cap) dst[at++] = *src++;
    dst[at] = '\0';
    return at;
}

size_t ss_number(char* dst, size_t cap, size_t at, long v) {
    char tmp[24];
    int n = 0;
    if (v == 0) tmp[n++] = '0';
    while (v > 0 && n < 23) {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    while (n > 0 && at + 1 < cap) dst[at++] = tmp[--n];
    dst[at] = '\0';
    return at;
}

// Layout of the records getdents64 returns (the name follows the fixed part, NUL-terminated).
struct linux_dirent64_head {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
};
constexpr size_t kDirentNameOffset = 19;  // offsetof(struct linux_dirent64, d_name)

// SIGKILL every process (but this one) whose network namespace is the one mounted at ns_path. Signal-safe.
void raw_kill_in_namespace(const char* ns_path) {
    struct stat target {};
    if (::stat(ns_path, &target) != 0) return;
    const int dir = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    const pid_t self = ::getpid();
    alignas(8) char buf[4096];
    for (;;) {
        const long n = ::syscall(SYS_getdents64, dir, buf, sizeof(buf));
        if (n <= 0) break;
        for (long off = 0; off < n;) {
            const auto* e = reinterpret_cast<const linux_dirent64_head*>(buf + off);
            const char* name = buf + off + kDirentNameOffset;
            off += e->d_reclen;
            long pid = 0;
            bool numeric = name[0] != '\0';
            for (const char* c = name; *c; ++c) {
                if (*c < '0' || *c > '9') {
                    numeric = false;
                    break;
                }
                pid = pid * 10 + (*c - '0');
            }
            if (!numeric || pid == self) continue;
            char path[64];
            size_t at = ss_copy(path, sizeof(path), 0, "/proc/");
            at = ss_number(path, sizeof(path), at, pid);
            ss_copy(path, sizeof(path), at, "/ns/net");
            struct stat st {};
            if (::stat(path, &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino)
                ::kill(static_cast<pid_t>(pid), SIGKILL);
        }
    }
    ::close(dir);
}

void signal_handler(int sig) {
    const int saved = errno;
    Lab::emergency_cleanup();
    // SA_RESETHAND restored the default action; the signal is blocked until we return, then it ends us.
    ::raise(sig);
    errno = saved;
}

void install_signal_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
            struct sigaction old {};
            if (::sigaction(sig, nullptr, &old) != 0) continue;
            if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;  // someone else's: leave it
            struct sigaction sa {};
            sa.sa_handler = signal_handler;
            ::sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESETHAND;
            ::sigaction(sig, &sa, nullptr);
        }
    });
}

// ---------------------------------------------------------------------------------------------------------

std::string errno_text() { return std::strerror(errno); }

std::optional<unsigned long long> process_start_time(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    // Fields after "(comm)": state is field 3; starttime is field 22.
    for (int i = 3; i <= 22; ++i) {
        if (!(fields >> field)) return std::nullopt;
    }
    try {
        return std::stoull(field);
    } catch (...) {
        return std::nullopt;
    }
}

// Runs `ip [-n ns] [-force] -batch -` with the given commands. Throws LabError naming the failing command.
void ip_batch(const std::string& ns, const std::vector<std::string>& lines, bool force = false) {
    if (lines.empty()) return;
    std::vector<std::string> argv{"ip"};
    if (!ns.empty()) {
        argv.push_back("-n");
        argv.push_back(ns);
    }
    if (force) argv.push_back("-force");
    argv.push_back("-batch");
    argv.push_back("-");
    net::CommandOptions options;
    options.timeout = kIpTimeout;
    for (const auto& l : lines) options.stdin_data += l + "\n";
    const net::CommandResult r = net::run_command(argv, options);
    if (!r.ok()) throw LabError(r.describe(argv) + "\nbatch was:\n" + options.stdin_data);
}

// Deletes the namespaces that exist among `names`; reports those that remain.
void delete_namespaces(const std::vector<std::string>& names, std::vector<std::string>& errors) {
    std::vector<std::string> lines;
    for (const auto& n : names)
        if (net::netns_exists(n)) lines.push_back("netns delete " + n);
    try {
        ip_batch("", lines, /*force=*/true);
    } catch (const std::exception& e) {
        errors.push_back(e.what());
    }
    for (const auto& n : names)
        if (net::netns_exists(n)) errors.push_back("namespace " + n + " still exists after ip netns delete");
}

bool is_lab_namespace(const std::string& name) {
    return name.size() > 11 && RunPrefix::valid(name.substr(0, 10)) && name[10] == '-';
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// RunPrefix

bool RunPrefix::valid(const std::string& v) {
    if (v.size() != 10 || v[0] != 'm' || v[1] != 'v') return false;
    for (size_t i = 2; i < 10; ++i)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f'))) return false;
    return true;
}

std::string RunPrefix::marker_dir() { return "/run/mipvpn"; }

std::string RunPrefix::marker_path() const { return marker_dir() + "/" + value_ + ".pid"; }

RunPrefix RunPrefix::adopt(const std::string& value) {
    if (!valid(value)) throw LabError("not a run prefix (mv + 8 lower-case hex digits): \"" + value + "\"");
    return RunPrefix(value);
}

RunPrefix RunPrefix::generate() {
    std::random_device rd;
    const auto existing = net::netns_list();
    for (int attempt = 0; attempt < 16; ++attempt) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "mv%08x", static_cast<unsigned>(rd()));
        RunPrefix p{std::string(buf)};
        bool clash = ::access(p.marker_path().c_str(), F_OK) == 0;
        for (const auto& n : existing) clash = clash || n.rfind(p.value_ + "-", 0) == 0;
        if (clash) continue;
        p.write_marker(::getpid());
        return p;
    }
    throw LabError("could not find an unused run prefix");
}

void RunPrefix::write_marker(pid_t owner) const {
    std::error_code ec;
    std::filesystem::create_directories(marker_dir(), ec);
    if (ec) throw LabError("cannot create " + marker_dir() + ": " + ec.message());
    const std::string tmp = marker_path() + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << owner;
        if (auto start = process_start_time(owner)) out << ' ' << *start;
        out << '\n';
        if (!out) throw LabError("cannot write " + tmp);
    }
    if (::rename(tmp.c_str(), marker_path().c_str()) != 0) {
        const std::string why = errno_text();
        ::unlink(tmp.c_str());
        throw LabError("cannot rename " + tmp + " to " + marker_path() + ": " + why);
    }
}

void RunPrefix::remove_marker() const { ::unlink(marker_path().c_str()); }

std::optional<pid_t> RunPrefix::marker_owner() const {
    std::ifstream in(marker_path());
    long pid = 0;
    if (!(in >> pid) || pid <= 0) return std::nullopt;
    return static_cast<pid_t>(pid);
}

bool RunPrefix::owner_alive() const {
    std::ifstream in(marker_path());
    long pid = 0;
    if (!(in >> pid) || pid <= 0) return false;
    unsigned long long recorded_start = 0;
    const bool has_start = static_cast<bool>(in >> recorded_start);
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    if (!has_start) return true;
    const auto start = process_start_time(static_cast<pid_t>(pid));
    return start && *start == recorded_start;  // a different start time: the PID was recycled
}

// ---------------------------------------------------------------------------------------------------------
// Lab

Lab::Lab(Topology topology, RunPrefix prefix, std::string capture_dir)
    : topology_(std::move(topology)), prefix_(std::move(prefix)), capture_dir_(std::move(capture_dir)) {
    if (topology_.nodes.size() + 1 > static_cast<size_t>(kMaxNamespaces))
        throw LabError("topology " + topology_.name + " has " + std::to_string(topology_.nodes.size()) + " nodes, at most " +
                       std::to_string(kMaxNamespaces - 1) + " are supported");
    for (const auto& n : namespaces())
        if (n.size() >= kNameLen || !net::valid_netns_name(n)) throw LabError("unusable namespace name " + n);
}

Lab::~Lab() { down(); }

std::vector<std::string> Lab::namespaces() const {
    std::vector<std::string> names;
    for (const auto& n : topology_.nodes) names.push_back(prefix_.str() + "-" + n.name);
    names.push_back(switch_ns());
    return names;
}

std::string Lab::ns_name(const std::string& node_name) const {
    if (!topology_.find_node(node_name)) throw std::out_of_range("topology " + topology_.name + " has no node " + node_name);
    return prefix_.str() + "-" + node_name;
}

std::string Lab::bridge_name(const std::string& segment_name) const { return "br-" + segment(segment_name).name; }

std::string Lab::capture_path(const std::string& segment_name) const {
    return capture_dir_ + "/" + segment(segment_name).name + ".pcapng";
}

net::SegmentCapture& Lab::capture(const std::string& segment_name) {
    auto it = captures_.find(segment_name);
    if (it == captures_.end())
        throw std::out_of_range("no capture for segment " + segment_name + (up_ ? std::string() : " (the lab is not up)"));
    return *it->second;
}

const Node& Lab::node(const std::string& name) const {
    const Node* n = topology_.find_node(name);
    if (!n) throw std::out_of_range("topology " + topology_.name + " has no node " + name);
    return *n;
}

const Segment& Lab::segment(const std::string& name) const {
    const Segment* s = topology_.find_segment(name);
    if (!s) throw std::out_of_range("topology " + topology_.name + " has no segment " + name);
    return *s;
}

std::string Lab::interface_address(const std::string& node_name, const std::string& segment_name) const {
    const Interface* i = node(node_name).interface_on(segment_name);
    if (!i) throw std::out_of_range("node " + node_name + " has no interface on segment " + segment_name);
    return i->address;
}

std::string Lab::interface_name(const std::string& node_name, const std::string& segment_name) const {
    const Interface* i = node(node_name).interface_on(segment_name);
    if (!i) throw std::out_of_range("node " + node_name + " has no interface on segment " + segment_name);
    return i->name;
}

std::string Lab::node_mac(size_t node_index, size_t iface_index) const {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "02:6d:76:00:%02x:%02x", static_cast<unsigned>((node_index + 1) & 0xFF),
                  static_cast<unsigned>((iface_index + 1) & 0xFF));
    return buf;
}

std::string Lab::interface_mac(const std::string& node_name, const std::string& segment_name) const {
    for (size_t n = 0; n < topology_.nodes.size(); ++n) {
        if (topology_.nodes[n].name != node_name) continue;
        for (size_t k = 0; k < topology_.nodes[n].interfaces.size(); ++k)
            if (topology_.nodes[n].interfaces[k].segment == segment_name) return node_mac(n, k);
    }
    throw std::out_of_range("node " + node_name + " has no interface on segment " + segment_name);
}

void Lab::up() {
    if (up_) throw LabError("lab " + prefix_.str() + " is already up");
    const auto t0 = Clock::now();
    install_signal_handlers();
    try {
        build();
    } catch (const std::exception& e) {
        const std::string why = e.what();
        down();
        std::string msg = "topology " + topology_.name + " (" + prefix_.str() + ") could not come up: " + why;
        for (const auto& err : errors_) msg += "\nwhile rolling back: " + err;
        throw LabError(msg);
    }
    up_ = true;
    up_duration_ = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
}

void Lab::build() {
    std::error_code ec;
    std::filesystem::create_directories(capture_dir_, ec);
    if (ec) throw LabError("cannot create capture directory " + capture_dir_ + ": " + ec.message());

    const std::vector<std::string> names = namespaces();
    for (const auto& n : names)
        if (net::netns_exists(n)) throw LabError("namespace " + n + " already exists (not ours; left alone)");

    // Marker first, so that gc() in another process never mistakes our namespaces for a dead run's.
    prefix_.write_marker(::getpid());
    slot_ = claim_slot(names, prefix_.marker_path());
    if (slot_ < 0) throw LabError("more than " + std::to_string(kSlots) + " labs up in one process");

    std::vector<std::string> add;
    for (const auto& n : names) add.push_back("netns add " + n);
    try {
        ip_batch("", add);
    } catch (...) {
        for (const auto& n : names)
            if (net::netns_exists(n)) created_.push_back(n);
        throw;
    }
    created_ = names;

    // Sysctls, written from this thread while it is inside each namespace (before any interface exists, so the
    // "default" values apply to every interface created later).
    const std::string sw = switch_ns();
    auto common = [] {
        net::set_sysctl("net/ipv6/conf/all/disable_ipv6", "1");
        net::set_sysctl("net/ipv6/conf/default/disable_ipv6", "1");
    };
    net::in_netns(sw, [&] {
        common();
        net::set_sysctl("net/ipv4/ip_forward", "0");
    });
    for (const auto& n : topology_.nodes) {
        net::in_netns(ns_name(n.name), [&] {
            common();
            net::set_sysctl("net/ipv4/ip_forward", n.forwarding ? "1" : "0");
            net::set_sysctl("net/ipv4/conf/all/rp_filter", "0");
            net::set_sysctl("net/ipv4/conf/default/rp_filter", "0");
            if (n.forwarding || n.kind == NodeKind::Router) {
                net::set_sysctl("net/ipv4/conf/all/send_redirects", "0");
                net::set_sysctl("net/ipv4/conf/default/send_redirects", "0");
            }
        });
    }

    // The switch: one bridge per segment (a hub in effect: no STP, no forwarding delay, no multicast
    // snooping), one veth per node interface whose other end is created directly in the node's namespace.
    std::vector<std::string> sw_lines{"link set lo up"};
    for (const auto& s : topology_.segments) {
        sw_lines.push_back("link add br-" + s.name + " type bridge stp_state 0 forward_delay 0 ageing_time 30000 mcast_snooping 0");
        sw_lines.push_back("link set br-" + s.name + " up");
    }
    size_t port = 0;
    for (size_t n = 0; n < topology_.nodes.size(); ++n) {
        const Node& node = topology_.nodes[n];
        for (size_t k = 0; k < node.interfaces.size(); ++k) {
            const Interface& itf = node.interfaces[k];
            const std::string s = "s" + std::to_string(port++);
            sw_lines.push_back("link add " + s + " type veth peer name " + itf.name + " address " + node_mac(n, k) + " netns " +
                               ns_name(node.name));
            sw_lines.push_back("link set " + s + " master br-" + itf.segment);
            sw_lines.push_back("link set " + s + " up");
        }
    }
    ip_batch(sw, sw_lines);

    // Captures before the nodes' links come up: every frame the nodes ever send is in them. Started in
    // parallel (setting up a capture ring takes the kernel a while), as are the nodes' configurations.
    {
        std::vector<std::pair<std::string, std::future<std::unique_ptr<net::SegmentCapture>>>> starting;
        for (const auto& s : topology_.segments) {
            starting.emplace_back(s.name, std::async(std::launch::async, [this, sw, name = s.name] {
                                      return std::make_unique<net::SegmentCapture>(sw, "br-" + name, capture_path(name));
                                  }));
        }
        std::string failure;
        for (auto& [name, future] : starting) {
            try {
                captures_[name] = future.get();
            } catch (const std::exception& e) {
                if (failure.empty()) failure = e.what();
            }
        }
        if (!failure.empty()) throw LabError(failure);
    }

    std::vector<std::future<void>> configuring;
    for (const auto& node : topology_.nodes) {
        std::vector<std::string> lines{"link set lo up"};
        for (const auto& itf : node.interfaces) {
            lines.push_back("address add " + itf.cidr() + " brd + dev " + itf.name);
            lines.push_back("link set " + itf.name + " up");
        }
        for (const auto& r : node.routes) lines.push_back("route add " + r.to + " via " + r.via);
        std::vector<std::string> ifaces;
        for (const auto& itf : node.interfaces) ifaces.push_back(itf.name);
        configuring.push_back(std::async(std::launch::async, [ns = ns_name(node.name), lines, ifaces] {
            ip_batch(ns, lines);
            // veth offloads UDP/TCP checksums to a "device" that never computes them, so captures would show
            // every locally sent checksum as wrong; checksums are evidence here, so compute them in software.
            for (const auto& itf : ifaces) {
                const std::vector<std::string> argv{"ethtool", "-K", itf, "tx", "off"};
                const auto r = net::run_command_in(ns, argv);
                if (!r.ok()) throw LabError(r.describe(argv));
            }
        }));
    }
    std::string failure;
    for (auto& f : configuring) {
        try {
            f.get();
        } catch (const std::exception& e) {
            if (failure.empty()) failure = e.what();
        }
    }
    if (!failure.empty()) throw LabError(failure);
}

void Lab::down() {
    if (created_.empty() && captures_.empty() && slot_ < 0 && !up_) return;
    const auto t0 = Clock::now();
    errors_.clear();
    for (auto& [name, capture] : captures_) capture->request_stop();  // they close their rings in parallel
    for (auto& [name, capture] : captures_) {
        capture->stop();
        if (!capture->error().empty()) errors_.push_back("capture " + name + ": " + capture->error());
    }
    captures_.clear();
    for (const auto& ns : created_) net::signal_processes_in(ns, SIGKILL, errors_);
    delete_namespaces(created_, errors_);
    prefix_.remove_marker();
    release_slot(slot_);
    slot_ = -1;
    created_.clear();
    up_ = false;
    for (const auto& e : errors_) std::fprintf(stderr, "mipvpn: lab %s down: %s\n", prefix_.str().c_str(), e.c_str());
    down_duration_ = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
}

namespace {

// Kills processes in, and deletes, the given namespaces of one prefix; then its marker unless a live owner
// (re)appeared. Returns the names that are gone.
std::vector<std::string> remove_prefix(const RunPrefix& prefix, const std::vector<std::string>& names, const char* who) {
    std::vector<std::string> errors, removed;
    for (const auto& ns : names) net::signal_processes_in(ns, SIGKILL, errors);
    delete_namespaces(names, errors);
    for (const auto& ns : names)
        if (!net::netns_exists(ns)) removed.push_back(ns);
    if (!prefix.owner_alive()) prefix.remove_marker();
    for (const auto& e : errors) std::fprintf(stderr, "mipvpn: %s %s: %s\n", who, prefix.str().c_str(), e.c_str());
    return removed;
}

std::optional<std::chrono::seconds> namespace_age(const std::string& ns) {
    struct stat st {};
    if (::stat(("/run/netns/" + ns).c_str(), &st) != 0) return std::nullopt;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return std::chrono::seconds(now.tv_sec - st.st_ctim.tv_sec);
}

}  // namespace

std::vector<std::string> Lab::gc(std::chrono::seconds unmarked_min_age) {
    std::map<std::string, std::vector<std::string>> by_prefix;
    for (const auto& name : net::netns_list())
        if (is_lab_namespace(name)) by_prefix[name.substr(0, 10)].push_back(name);
    // Markers left behind without namespaces.
    if (DIR* dir = ::opendir(RunPrefix::marker_dir().c_str())) {
        while (const dirent* e = ::readdir(dir)) {
            const std::string f = e->d_name;
            if (f.size() == 14 && f.compare(10, 4, ".pid") == 0 && RunPrefix::valid(f.substr(0, 10))) by_prefix[f.substr(0, 10)];
        }
        ::closedir(dir);
    }
    std::vector<std::string> removed;
    for (const auto& [prefix_text, names] : by_prefix) {
        const RunPrefix prefix = RunPrefix::adopt(prefix_text);
        if (prefix.owner_alive()) continue;
        std::vector<std::string> victims;
        if (::access(prefix.marker_path().c_str(), F_OK) == 0) {
            victims = names;  // marker of a dead owner
        } else {
            for (const auto& ns : names) {
                const auto age = namespace_age(ns);
                if (age && *age >= unmarked_min_age) victims.push_back(ns);
            }
        }
        const auto gone = remove_prefix(prefix, victims, "gc");
        removed.insert(removed.end(), gone.begin(), gone.end());
    }
    return removed;
}

std::vector<std::string> teardown_prefix(const std::string& prefix_text, bool even_if_owner_alive) {
    const RunPrefix prefix = RunPrefix::adopt(prefix_text);
    const auto owner = prefix.marker_owner();
    if (!even_if_owner_alive && prefix.owner_alive() && owner && *owner != ::getpid())
        throw LabError("run " + prefix_text + " belongs to process " + std::to_string(*owner) +
                       ", which is still running; stop that process instead");
    std::vector<std::string> names;
    for (const auto& name : net::netns_list())
        if (name.rfind(prefix_text + "-", 0) == 0) names.push_back(name);
    auto removed = remove_prefix(prefix, names, "teardown");
    prefix.remove_marker();
    return removed;
}

void Lab::emergency_cleanup() noexcept {
    for (int i = 0; i < kSlots; ++i) {
        Slot& s = g_slots[i];
        if (s.state.load() != 1) continue;
        const int count = s.count.load(std::memory_order_acquire);
        for (int k = 0; k < count; ++k) {
            char path[kPathLen];
            const size_t at = ss_copy(path, sizeof(path), 0, "/run/netns/");
            ss_copy(path, sizeof(path), at, s.names[k]);
            raw_kill_in_namespace(path);
            ::umount2(path, MNT_DETACH);  // what `ip netns delete` does
            ::unlink(path);
        }
        if (s.marker[0]) ::unlink(s.marker);
        s.count.store(0);
    }
}

}  // namespace mipvpn::topo
