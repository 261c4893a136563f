#include "harness/report/run_writer.h"

#include "harness/report/json_report.h"
#include "harness/report/junit.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace mipvpn::report {

void write_atomically(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << content;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

void RunWriter::run_started(const engine::RunInfo& info) {
    std::lock_guard lock(mutex_);
    info_ = info;
    write("running", "");
}

void RunWriter::case_finished(const engine::TestResult& result) {
    std::lock_guard lock(mutex_);
    // After an abort the report is final: a case cut short by the teardown must not be recorded as a verdict.
    if (finished_) return;
    results_.push_back(result);
    std::ofstream(info_.run_dir + "/results.jsonl", std::ios::app) << result_to_json(result).dump() << "\n";
    write("running", "");
}

void RunWriter::run_finished(bool aborted, const std::string& why) {
    std::lock_guard lock(mutex_);
    if (finished_ || info_.run_dir.empty()) return; // nothing was started, so there is no report to finish
    finished_ = true;
    aborted_ = aborted;
    write(aborted ? "aborted" : "complete", why);
}

int RunWriter::exit_code() const { return aborted_ ? 2 : summarize(results_).exit_code(); }

void RunWriter::write(const std::string& status, const std::string& why) {
    const auto now = std::chrono::system_clock::now();
    write_atomically(info_.run_dir + "/report.json", build_report(info_, results_, status, why, now).dump(2) + "\n");
    // While running, cases not reached yet are simply absent; once aborted, they are listed as not run, so CI never
    // reads an interrupted run as green.
    std::vector<const engine::TestCase*> not_run;
    if (status == "aborted")
        for (const auto* tc : info_.selected) {
            bool ran = false;
            for (const auto& r : results_) ran = ran || r.test == tc;
            if (!ran) not_run.push_back(tc);
        }
    write_atomically(info_.run_dir + "/junit.xml", junit_xml(info_.run_id, results_, not_run, why));
}

} // namespace mipvpn::report
