#pragma once
// What `run` and `selftest` share: load the topology and the profile, bring the lab up, start adapters, and tear
// everything down on exit, on exceptions and on SIGINT/SIGTERM.
#include "harness/engine/registry.h"
#include "harness/engine/sink.h"
#include "harness/sut/profile.h"

#include <signal.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace mipvpn::topo { class Lab; struct Topology; }
namespace mipvpn::sut { class SutAdapter; }

namespace mipvpn::cli {

struct SessionOptions {
    std::string topology_file;
    std::string profile_file;
    std::string out_dir;      // runs go to out_dir/<run-id>/
};

std::string default_topology();
std::string default_profile();
std::string default_out_dir();
std::string bin_dir();        // where mipvpn (and so mipd) lives

// A user-facing error (bad file, missing namespace support, ...): printed alone, exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws UsageError with the first problem (file, JSON path, expectation).
topo::Topology load_topology_or_throw(const std::string& path);

class Session {
public:
    // Loads and validates both files (throws UsageError naming file, JSON path and expectation) and creates the run
    // directory; up() then brings the lab up and creates one adapter per profile role. Split so the run's report
    // exists (and can be marked aborted) before the slow part starts.
    explicit Session(const SessionOptions& options);
    void up();
    ~Session();

    topo::Lab& lab() { return *lab_; }
    std::map<std::string, sut::SutAdapter*> roles();
    engine::RunInfo run_info(const std::string& suite, const std::string& fault,
                             const std::vector<const engine::TestCase*>& selected) const;
    const std::string& run_dir() const { return run_dir_; }
    const std::string& run_id() const { return run_id_; }
    const sut::Profile& profile() const { return profile_; }

    // Tears everything down (idempotent): adapters stopped by PID, lab down.
    void close();

private:
    SessionOptions options_;
    sut::Profile profile_;
    std::string topology_name_;
    std::string run_id_, run_dir_, prefix_;
    std::unique_ptr<topo::Lab> lab_;
    std::map<std::string, std::unique_ptr<sut::SutAdapter>> adapters_;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and the threads it starts later); returns that set.
sigset_t block_teardown_signals();

// Blocks SIGINT/SIGTERM/SIGHUP in every thread and handles them on a dedicated thread: it calls `on_signal` once
// (which writes the aborted report), removes every lab of this process and the processes inside it
// (topo::Lab::emergency_cleanup, also while a lab is only half up), then exits with 128 + signal.
void install_signal_teardown(std::function<void(int)> on_signal);
// Cleared when the work is done, so a late signal does not run teardown twice.
void clear_signal_teardown();
extern std::atomic<bool> stop_requested;

} // namespace mipvpn::cli
