#include "harness/report/json_report.h"

#include "harness/engine/timefmt.h"

namespace mipvpn::report {

using engine::Verdict;

nlohmann::json catalog_entry(const engine::TestCase& tc) {
    return {{"id", tc.id},
            {"title", tc.title},
            {"suite", tc.suite},
            {"rfc", tc.rfc},
            {"section", tc.section},
            {"quote", tc.quote},
            {"level", engine::to_string(tc.level)},
            {"guidelines", tc.guidelines},
            {"role", tc.role},
            {"capabilities", tc.capabilities},
            {"level_note", tc.level_note},
            {"proving_faults", tc.proving_faults}};
}

nlohmann::json result_to_json(const engine::TestResult& r) {
    nlohmann::json j = catalog_entry(*r.test);
    j["verdict"] = engine::to_string(r.verdict);
    j["cause"] = r.cause ? nlohmann::json(engine::to_string(*r.cause)) : nlohmann::json();
    j["reason"] = r.reason;
    j["fault"] = r.fault;
    j["started"] = engine::iso8601(r.started);
    j["finished"] = engine::iso8601(r.finished);
    j["duration_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(r.finished - r.started).count();
    j["checks"] = nlohmann::json::array();
    for (const auto& c : r.checks)
        j["checks"].push_back({{"what", c.what}, {"expected", c.expected}, {"observed", c.observed}, {"ok", c.ok}});
    j["packets"] = nlohmann::json::array();
    for (const auto& p : r.packets)
        j["packets"].push_back({{"segment", p.segment},
                                {"frame", p.frame_index},
                                {"time", p.timestamp},
                                {"role", p.role},
                                {"summary", p.summary}});
    j["pcaps"] = r.pcaps;
    j["sut_log"] = r.sut_log;
    j["log"] = r.log;
    return j;
}

nlohmann::json guidelines_to_json(const std::vector<score::GuidelineScore>& scores) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : scores)
        out.push_back({{"id", s.guideline.id},
                       {"title", s.guideline.title},
                       {"level", s.guideline.level},
                       {"sentence", s.guideline.sentence},
                       {"verdict", s.verdict},
                       {"cases", s.cases},
                       {"failing", s.failing},
                       {"note", s.note}});
    return out;
}

int Summary::exit_code() const {
    if (must_failed > 0) return 1;
    if (error > 0 || must_undecided > 0) return 2;
    return 0;
}

Summary summarize(const std::vector<engine::TestResult>& results) {
    Summary s;
    for (const auto& r : results) {
        ++s.total;
        const bool must = r.test->level == engine::Level::Must;
        switch (r.verdict) {
        case Verdict::Pass: ++s.pass; break;
        case Verdict::Fail:
            ++s.fail;
            ++(must ? s.must_failed : s.should_failed);
            break;
        case Verdict::Inconclusive:
            ++s.inconclusive;
            if (must) ++s.must_undecided;
            break;
        case Verdict::NotApplicable: ++s.not_applicable; break;
        case Verdict::Error: ++s.error; break;
        }
    }
    return s;
}

nlohmann::json build_report(const engine::RunInfo& info, const std::vector<engine::TestResult>& results,
                            const std::string& status, const std::string& abort_reason,
                            std::chrono::system_clock::time_point finished) {
    const Summary s = summarize(results);
    nlohmann::json selected = nlohmann::json::array();
    for (const auto* tc : info.selected) selected.push_back(tc->id);
    nlohmann::json results_json = nlohmann::json::array();
    for (const auto& r : results) results_json.push_back(result_to_json(r));
    return {
        {"schema_version", report_schema_version},
        {"tool", {{"name", "mipvpn"}, {"version", MIPVPN_VERSION}}},
        {"run",
         {{"id", info.run_id},
          {"status", status},
          {"abort_reason", abort_reason},
          {"started", engine::iso8601(info.started)},
          {"finished", status == "running" ? nlohmann::json() : nlohmann::json(engine::iso8601(finished))},
          {"topology", {{"file", info.topology_file}, {"name", info.topology_name}}},
          {"profile", {{"file", info.profile_file}, {"name", info.profile_name}}},
          {"implementations", info.implementations},
          {"namespace_prefix", info.namespace_prefix},
          {"suite", info.suite_glob},
          {"fault", info.fault},
          {"selected", selected}}},
        {"summary",
         {{"total", s.total},
          {"pass", s.pass},
          {"fail", s.fail},
          {"inconclusive", s.inconclusive},
          {"not_applicable", s.not_applicable},
          {"error", s.error},
          {"must_failed", s.must_failed},
          {"should_failed", s.should_failed},
          // An aborted run decided nothing for the cases it never reached.
          {"exit_code", status == "aborted" ? 2 : s.exit_code()}}},
        {"guidelines", guidelines_to_json(score::score_guidelines(results))},
        {"results", results_json},
    };
}

} // namespace mipvpn::report
