#include "harness/cli/console_sink.h"

#include <iomanip>

namespace mipvpn::cli {

void ConsoleSink::run_started(const engine::RunInfo& info) {
    out_ << "mipvpn run " << info.run_id << ": " << info.selected.size() << " case(s), topology "
         << info.topology_name << ", profile " << info.profile_name;
    if (!info.fault.empty()) out_ << ", reference fault " << info.fault;
    out_ << std::endl;
    next_.run_started(info);
}

void ConsoleSink::case_finished(const engine::TestResult& r) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.finished - r.started).count();
    out_ << std::left << std::setw(15) << engine::to_string(r.verdict) << r.test->id << " (" << ms << " ms)";
    if (r.verdict != engine::Verdict::Pass) out_ << "\n               " << r.reason;
    out_ << std::endl;
    next_.case_finished(r);
}

void ConsoleSink::run_finished(bool aborted, const std::string& why) {
    if (aborted) out_ << "run aborted: " << why << std::endl;
    next_.run_finished(aborted, why);
}

} // namespace mipvpn::cli
