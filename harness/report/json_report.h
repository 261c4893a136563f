#pragma once
// report.json: the machine-readable record of a run (schema: reports/schema/report.schema.json).
#include "harness/engine/result.h"
#include "harness/engine/sink.h"
#include "harness/score/guidelines.h"

#include <nlohmann/json.hpp>

namespace mipvpn::report {

inline constexpr const char* report_schema_version = "1.0";

nlohmann::json result_to_json(const engine::TestResult& r);
nlohmann::json catalog_entry(const engine::TestCase& tc);
nlohmann::json guidelines_to_json(const std::vector<score::GuidelineScore>& scores);

struct Summary {
    int total = 0, pass = 0, fail = 0, inconclusive = 0, not_applicable = 0, error = 0;
    int must_failed = 0, should_failed = 0, must_undecided = 0;
    // 0: every MUST passed (or was not applicable); 1: a MUST failed; 2: harness error or a MUST undecided.
    int exit_code() const;
};
Summary summarize(const std::vector<engine::TestResult>& results);

nlohmann::json build_report(const engine::RunInfo& info, const std::vector<engine::TestResult>& results,
                            const std::string& status, const std::string& abort_reason,
                            std::chrono::system_clock::time_point finished);

} // namespace mipvpn::report
