#pragma once
// Writes reports/runs/<run-id>/ as the run goes: report.json and junit.xml are rewritten (atomically) after each
// case, and results.jsonl gets one line per case, so an interrupted run still leaves a readable record.
#include "harness/engine/sink.h"

#include <mutex>
#include <string>
#include <vector>

namespace mipvpn::report {

class RunWriter final : public engine::ResultSink {
public:
    void run_started(const engine::RunInfo& info) override;
    void case_finished(const engine::TestResult& result) override;
    void run_finished(bool aborted, const std::string& why) override;

    const std::vector<engine::TestResult>& results() const { return results_; }
    int exit_code() const;  // 2 once the run was aborted
    std::string report_path() const { return info_.run_dir + "/report.json"; }

private:
    void write(const std::string& status, const std::string& why);
    std::mutex mutex_;
    engine::RunInfo info_;
    std::vector<engine::TestResult> results_;
    bool finished_ = false;
    bool aborted_ = false;
};

// Writes `content` to `path` through a temporary file and rename, so readers never see half a file.
void write_atomically(const std::string& path, const std::string& content);

} // namespace mipvpn::report
