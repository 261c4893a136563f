#pragma once
// A running topology: one network namespace per node, one switch namespace with a bridge per segment, veth
// pairs, addresses, routes, and a capture per segment. Everything it creates carries the run prefix and is
// deleted by down() (also from the destructor, on SIGINT/SIGTERM/SIGHUP/SIGQUIT, and by gc() when the owner
// died).
#include "harness/net/capture.h"
#include "harness/topo/topology.h"

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mipvpn::topo {

class LabError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "mv" + 8 lower-case hex digits. The marker /run/mipvpn/<prefix>.pid names the owner process.
class RunPrefix {
public:
    // A fresh random prefix (std::random_device) whose namespaces do not exist yet; writes its marker with the
    // calling process as owner. Throws LabError.
    static RunPrefix generate();
    // An existing prefix, without touching its marker. Throws LabError if `value` is not a valid prefix.
    static RunPrefix adopt(const std::string& value);
    static bool valid(const std::string& value);
    static std::string marker_dir();  // "/run/mipvpn"

    const std::string& str() const { return value_; }
    std::string marker_path() const;
    // Writes "<pid> <start time>\n" atomically (temp file + rename). Throws LabError.
    void write_marker(pid_t owner) const;
    void remove_marker() const;
    // The owner recorded in the marker, if the marker exists and parses.
    std::optional<pid_t> marker_owner() const;
    // True if the marker names a process that still runs (same PID and, when recorded, same start time).
    bool owner_alive() const;

private:
    explicit RunPrefix(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

class Lab {
public:
    // capture_dir: where <segment>.pcapng files go (created if missing).
    Lab(Topology topology, RunPrefix prefix, std::string capture_dir);
    ~Lab();  // down()
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    // Builds everything; on failure removes what it built and throws LabError.
    void up();
    // Stops captures, kills what still runs in its namespaces (PIDs from `ip netns pids`, never this process),
    // deletes exactly its namespaces and the marker. Never throws; problems are in last_errors(). Idempotent.
    void down();
    bool is_up() const { return up_; }
    const std::vector<std::string>& last_errors() const { return errors_; }

    // Namespace of a node ("<prefix>-<node>"). Throws std::out_of_range for an unknown node.
    std::string ns_name(const std::string& node) const;
    std::string ns(const std::string& node) const { return ns_name(node); }
    std::string switch_ns() const { return prefix_.str() + "-sw"; }
    // Every namespace this lab owns (nodes, then the switch).
    std::vector<std::string> namespaces() const;
    // Bridge of a segment inside switch_ns(): "br-<segment>".
    std::string bridge_name(const std::string& segment) const;
    // Throws std::out_of_range for an unknown segment or when the lab is not up.
    net::SegmentCapture& capture(const std::string& segment);
    std::string capture_path(const std::string& segment) const;
    // "10.0.1.1" (no prefix length). Throws std::out_of_range if the node has no interface on the segment.
    std::string interface_address(const std::string& node, const std::string& segment) const;
    std::string address(const std::string& node, const std::string& segment) const { return interface_address(node, segment); }
    // Interface name of the node on the segment ("eth0"). Throws std::out_of_range.
    std::string interface_name(const std::string& node, const std::string& segment) const;
    // Deterministic MAC of the node's interface on the segment ("02:6d:76:..").
    std::string interface_mac(const std::string& node, const std::string& segment) const;
    const Node& node(const std::string& name) const;
    const Segment& segment(const std::string& name) const;
    const Topology& topology() const { return topology_; }
    const std::string& prefix() const { return prefix_.str(); }
    const RunPrefix& run_prefix() const { return prefix_; }
    const std::string& capture_dir() const { return capture_dir_; }

    // Time the last up()/down() took.
    std::chrono::microseconds up_duration() const { return up_duration_; }
    std::chrono::microseconds down_duration() const { return down_duration_; }

    // Removes namespaces named mv<8 hex>-* whose prefix has a marker naming a dead owner, or no marker at all
    // and were created more than `unmarked_min_age` ago (namespaces made without a marker by code that does not
    // use RunPrefix, e.g. a test that is running right now, are left alone while young). Kills their processes
    // (by the PIDs `ip netns pids` lists), deletes them and the marker; removes markers of dead owners. Returns
    // the namespace names removed. Never touches other names, nor prefixes whose owner runs.
    static std::vector<std::string> gc(std::chrono::seconds unmarked_min_age = std::chrono::minutes(10));

    // Async-signal-safe teardown of every lab that is up in this process (kill processes in its namespaces,
    // unmount and unlink /run/netns entries, remove markers). The handlers installed by up() call it; a program
    // with its own signal handlers may call it from them.
    static void emergency_cleanup() noexcept;

private:
    void build();
    std::string node_mac(size_t node_index, size_t iface_index) const;

    Topology topology_;
    RunPrefix prefix_;
    std::string capture_dir_;
    bool up_ = false;
    int slot_ = -1;  // signal-cleanup registry slot
    std::vector<std::string> created_;
    std::map<std::string, std::unique_ptr<net::SegmentCapture>> captures_;
    std::vector<std::string> errors_;
    std::chrono::microseconds up_duration_{0}, down_duration_{0};
};

// Removes the namespaces <prefix>-* and the marker of one run prefix (`mipvpn topo down --prefix`). Refuses
// (LabError) when the marker names a live owner other than this process, unless even_if_owner_alive.
// Returns the namespace names removed.
std::vector<std::string> teardown_prefix(const std::string& prefix, bool even_if_owner_alive = false);

}  // namespace mipvpn::topo
