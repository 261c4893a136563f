#include "harness/report/junit.h"

#include "harness/engine/runner.h"

#include <map>
#include <sstream>

namespace mipvpn::report {

using engine::Verdict;

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 forbids most control characters even when escaped.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
            else out += c;
        }
    }
    return out;
}

namespace {

std::string failure_text(const engine::TestResult& r) {
    std::ostringstream t;
    t << r.test->rfc << " " << r.test->section << " (" << engine::to_string(r.test->level) << "): \""
      << r.test->quote << "\"\n";
    for (const auto& c : r.checks)
        t << (c.ok ? "  ok   " : "  FAIL ") << c.what << "\n       expected: " << c.expected
          << "\n       observed: " << c.observed << "\n";
    for (const auto& p : r.pcaps) t << "  evidence: " << p << "\n";
    return t.str();
}

} // namespace

std::string junit_xml(const std::string& run_id, const std::vector<engine::TestResult>& results,
                      const std::vector<const engine::TestCase*>& not_run, const std::string& abort_reason) {
    struct Row {
        const engine::TestCase* test;
        const engine::TestResult* result; // null: not run
    };
    std::map<std::string, std::vector<Row>> by_suite;
    for (const auto& r : results) by_suite[r.test->suite].push_back({r.test, &r});
    for (const auto* tc : not_run) by_suite[tc->suite].push_back({tc, nullptr});

    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mipvpn " << xml_escape(run_id) << "\">\n";
    for (const auto& [suite, rows] : by_suite) {
        int failures = 0, errors = 0, skipped = 0;
        double seconds = 0;
        for (const auto& row : rows) {
            if (!row.result) {
                ++errors;
                continue;
            }
            const auto& r = *row.result;
            const bool must = r.test->level == engine::Level::Must;
            failures += must && r.verdict == Verdict::Fail;
            errors += r.verdict == Verdict::Error || (must && r.verdict == Verdict::Inconclusive);
            skipped += r.verdict == Verdict::NotApplicable;
            seconds += std::chrono::duration<double>(r.finished - r.started).count();
        }
        x << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << rows.size() << "\" failures=\""
          << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << seconds << "\">\n";
        for (const auto& row : rows) {
            const auto& tc = *row.test;
            if (!row.result) {
                x << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\"" << xml_escape(tc.id)
                  << "\" time=\"0\">\n      <error type=\"NOT-RUN\" message=\"not run: "
                  << xml_escape(abort_reason.empty() ? "the run was aborted" : abort_reason) << "\"/>\n"
                  << "    </testcase>\n";
                continue;
            }
            const auto& r = *row.result;
            const double t = std::chrono::duration<double>(r.finished - r.started).count();
            const bool must = tc.level == engine::Level::Must;
            x << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\""
              << xml_escape(engine::evidence_name(tc.id, r.fault)) << "\" time=\"" << t << "\">\n";
            const std::string message = engine::to_string(r.verdict) + ": " + r.reason;
            std::string warning; // goes to <system-err>, after <system-out> as the JUnit schema orders them
            const std::string cause = r.cause ? " (" + engine::to_string(*r.cause) + ")" : std::string();
            switch (r.verdict) {
            case Verdict::Pass: break;
            case Verdict::Fail:
                if (must)
                    x << "      <failure type=\"MUST\" message=\"" << xml_escape(message) << "\">"
                      << xml_escape(failure_text(r)) << "</failure>\n";
                else
                    warning = "WARNING (" + engine::to_string(tc.level) + " not met): " + message + "\n" + failure_text(r);
                break;
            case Verdict::Inconclusive:
                if (must)
                    x << "      <error type=\"INCONCLUSIVE" << cause << "\" message=\"" << xml_escape(message) << "\">"
                      << xml_escape(failure_text(r)) << "</error>\n";
                else
                    warning = "WARNING (" + engine::to_string(tc.level) + " undecided" + cause + "): " + message;
                break;
            case Verdict::Error:
                x << "      <error type=\"ERROR\" message=\"" << xml_escape(message) << "\">"
                  << xml_escape(failure_text(r)) << "</error>\n";
                break;
            case Verdict::NotApplicable: x << "      <skipped message=\"" << xml_escape(message) << "\"/>\n"; break;
            }
            x << "      <system-out>" << xml_escape(tc.title) << "</system-out>\n";
            if (!warning.empty()) x << "      <system-err>" << xml_escape(warning) << "</system-err>\n";
            x << "    </testcase>\n";
        }
        x << "  </testsuite>\n";
    }
    x << "</testsuites>\n";
    return x.str();
}

} // namespace mipvpn::report
