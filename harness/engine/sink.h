#pragma once
// Where results go as they are produced, so nothing is lost if a run is cut short. Implemented by harness/report.
#include "harness/engine/result.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mipvpn::engine {

struct RunInfo {
    std::string run_id;
    std::string run_dir;
    std::chrono::system_clock::time_point started;
    std::string topology_file, topology_name;
    std::string profile_file, profile_name;
    std::map<std::string, std::string> implementations; // role -> implementation text
    std::string namespace_prefix;
    std::string suite_glob;
    std::string fault;                                  // selftest fault, or empty
    std::vector<const TestCase*> selected;
};

class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void run_started(const RunInfo& info) = 0;
    virtual void case_finished(const TestResult& result) = 0;
    // aborted: the run was interrupted (signal, harness error) before every selected case ran.
    virtual void run_finished(bool aborted, const std::string& why) = 0;
};

} // namespace mipvpn::engine
