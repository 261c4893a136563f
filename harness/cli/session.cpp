#include "harness/cli/session.h"

#include "harness/sut/adapter.h"
#include "harness/topo/lab.h"
#include "harness/topo/loader.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

namespace mipvpn::cli {

namespace fs = std::filesystem;

std::atomic<bool> stop_requested{false};

std::string default_topology() { return std::string(MIPVPN_SOURCE_DIR) + "/topologies/basic-ha.json"; }
std::string default_profile() { return std::string(MIPVPN_SOURCE_DIR) + "/topologies/profiles/reference.json"; }
std::string default_out_dir() { return std::string(MIPVPN_SOURCE_DIR) + "/reports/runs"; }

std::string bin_dir() {
    std::error_code ec;
    const auto self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : self.parent_path().string();
}

namespace {

std::string utc_stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

} // namespace

topo::Topology load_topology_or_throw(const std::string& path) {
    auto loaded = topo::load_topology(path);
    // One message: the first error names the file, the JSON path and the expectation; later ones often follow
    // from it.
    if (!loaded) throw UsageError(loaded.error().items.front().to_string());
    return std::move(loaded).value();
}

Session::Session(const SessionOptions& options) : options_(options) {
    topo::Topology topology = load_topology_or_throw(options.topology_file);
    try {
        profile_ = sut::load_profile(options.profile_file);
    } catch (const sut::ProfileError& e) {
        throw UsageError(e.what());
    }
    // The profile must fit the topology: every role runs on a node the topology has.
    for (const auto& [role, spec] : profile_.roles) {
        const std::string at = options.profile_file + ": at /roles/" + role;
        const topo::Node* node = topology.find_node(spec.node);
        if (!node)
            throw UsageError(at + "/node: expected a node of topology " + options.topology_file + ", found \"" +
                             spec.node + "\"");
        // A wrong address would make every "silently discards" case pass against nobody.
        const topo::Interface* own = nullptr;
        for (const auto& itf : node->interfaces)
            if (itf.address == spec.address.to_string()) own = &itf;
        if (!own)
            throw UsageError(at + "/address: expected an address of node " + spec.node + " in topology " +
                             options.topology_file + ", found \"" + spec.address.to_string() + "\"");
        if (!spec.home_network.empty()) {
            const auto home = topo::Ipv4Prefix::parse(spec.home_network);
            const auto addr = topo::parse_ipv4(spec.address.to_string());
            if (!home || !addr || !home->contains(*addr))
                throw UsageError(at + "/home_network: expected a prefix containing the SUT address " +
                                 spec.address.to_string() + ", found \"" + spec.home_network + "\"");
        }
    }
    topology_name_ = topology.name;

    auto prefix = topo::RunPrefix::generate();
    run_id_ = utc_stamp() + "-" + prefix.str();
    run_dir_ = options.out_dir + "/" + run_id_;
    fs::create_directories(run_dir_ + "/pcaps");
    fs::create_directories(run_dir_ + "/capture");

    prefix_ = prefix.str();
    lab_ = std::make_unique<topo::Lab>(std::move(topology), std::move(prefix), run_dir_ + "/capture");
}

void Session::up() {
    lab_->up();
    for (const auto& [role, spec] : profile_.roles)
        adapters_[role] = std::make_unique<sut::ProcessAdapter>(spec, lab_->ns_name(spec.node), run_dir_, bin_dir());
}

Session::~Session() { close(); }

void Session::close() {
    for (auto& [role, adapter] : adapters_) adapter->stop();
    if (lab_) lab_->down();
}

std::map<std::string, sut::SutAdapter*> Session::roles() {
    std::map<std::string, sut::SutAdapter*> out;
    for (auto& [role, adapter] : adapters_) out[role] = adapter.get();
    return out;
}

engine::RunInfo Session::run_info(const std::string& suite, const std::string& fault,
                                  const std::vector<const engine::TestCase*>& selected) const {
    engine::RunInfo info;
    info.run_id = run_id_;
    info.run_dir = run_dir_;
    info.started = std::chrono::system_clock::now();
    info.topology_file = options_.topology_file;
    info.topology_name = topology_name_;
    info.profile_file = options_.profile_file;
    info.profile_name = profile_.name;
    for (const auto& [role, spec] : profile_.roles) info.implementations[role] = spec.implementation;
    info.namespace_prefix = prefix_;
    info.suite_glob = suite;
    info.fault = fault;
    info.selected = selected;
    return info;
}

namespace {
std::mutex signal_mutex;
std::function<void(int)> signal_action;
} // namespace

sigset_t block_teardown_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

void install_signal_teardown(std::function<void(int)> on_signal) {
    {
        std::lock_guard lock(signal_mutex);
        signal_action = std::move(on_signal);
    }
    // Blocked before any other thread exists, so only the waiter below ever sees these signals.
    const sigset_t set = block_teardown_signals();
    std::thread([set] {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) return;
        stop_requested = true;
        {
            // Held for the whole action, so clear_signal_teardown() cannot return (and the objects the action uses
            // cannot go away) while it runs.
            std::lock_guard lock(signal_mutex);
            // Record the abort first; a failure to write it must not stop the teardown.
            try {
                if (signal_action) signal_action(sig);
            } catch (...) {
            }
            // Then remove namespaces and the processes in them by the async-signal-safe path: the main thread may
            // still be using the lab's objects, so nothing is freed here.
            topo::Lab::emergency_cleanup();
            std::_Exit(128 + sig);
        }
    }).detach();
}

void clear_signal_teardown() {
    std::lock_guard lock(signal_mutex);
    signal_action = nullptr;
}

} // namespace mipvpn::cli
