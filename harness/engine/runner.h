#pragma once
// Runs selected cases one after another: SUT start, body under a deadline, SUT stop, evidence slicing.
#include "harness/engine/result.h"
#include "harness/engine/sink.h"

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mipvpn::topo { class Lab; }
namespace mipvpn::sut { class SutAdapter; }

namespace mipvpn::engine {

struct RunOptions {
    std::chrono::milliseconds per_test_timeout{30000};
    std::string fault;          // reference fault switch for every started SUT (selftest), empty = none
    std::string run_dir;        // evidence goes to run_dir/pcaps/<case>/ and run_dir/logs/
};

class Runner {
public:
    Runner(topo::Lab& lab, std::map<std::string, sut::SutAdapter*> roles, RunOptions options, ResultSink& sink);

    // Runs every case in order and returns their results; stops early when `stop` becomes true.
    std::vector<TestResult> run(const std::vector<const TestCase*>& cases, const std::atomic<bool>& stop);
    TestResult run_one(const TestCase& tc);

private:
    void collect_evidence(TestResult& result);
    topo::Lab& lab_;
    std::map<std::string, sut::SutAdapter*> roles_;
    RunOptions options_;
    ResultSink& sink_;
    std::string sut_log_; // run-relative log of the SUT instance now running
};

// "<case>" or, under a reference fault switch, "<case>@<fault>": names evidence so selftest runs never overwrite.
std::string evidence_name(const std::string& case_id, const std::string& fault);

// PASS needs at least one check and no failed one; this keeps a body that checks nothing from passing.
Verdict verdict_from_checks(const std::vector<Check>& checks);

} // namespace mipvpn::engine
