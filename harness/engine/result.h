#pragma once
// What one test case produced: its verdict and the evidence behind it.
#include "harness/engine/testcase.h"
#include "harness/engine/verdict.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mipvpn::engine {

// One comparison the body made: the field, what the RFC expects, what the wire showed.
struct Check {
    std::string what;
    std::string expected;
    std::string observed;
    bool ok = false;
};

struct PacketEvidence {
    std::string segment;
    uint64_t frame_index = 0;     // index in that segment's whole-run capture
    std::string timestamp;        // ISO 8601 with microseconds
    std::string summary;          // one decoded line
    std::string role;             // "sent", "observed" or "" (merely captured in the time slice)
};

struct TestResult {
    const TestCase* test = nullptr;
    Verdict verdict = Verdict::Error;
    std::optional<InconclusiveCause> cause;
    std::string reason;                      // one sentence: why this verdict
    std::vector<Check> checks;
    std::vector<PacketEvidence> packets;
    std::vector<std::string> pcaps;          // run-relative paths of the per-segment slices
    std::vector<std::string> log;            // body notes, in order
    std::string sut_log;                     // run-relative path of the SUT's output for this case
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    std::string fault;                       // reference fault switch active (selftest), else empty
};

} // namespace mipvpn::engine
