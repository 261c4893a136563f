#include "harness/report/junit.h"

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

std::string junit_xml(const std::string& run_id, const std::vector<engine::TestResult>& results) {
    std::map<std::string, std::vector<const engine::TestResult*>> by_suite;
    for (const auto& r : results) by_suite[r.test->suite].push_back(&r);

    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mipvpn " << xml_escape(run_id) << "\">\n";
    for (const auto& [suite, list] : by_suite) {
        int failures = 0, errors = 0, skipped = 0;
        double seconds = 0;
        for (const auto* r : list) {
            failures += r->verdict == Verdict::Fail;
            errors += r->verdict == Verdict::Error || r->verdict == Verdict::Inconclusive;
            skipped += r->verdict == Verdict::NotApplicable;
            seconds += std::chrono::duration<double>(r->finished - r->started).count();
        }
        x << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << list.size() << "\" failures=\""
          << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << seconds << "\">\n";
        for (const auto* r : list) {
            const double t = std::chrono::duration<double>(r->finished - r->started).count();
            x << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\"" << xml_escape(r->test->id)
              << "\" time=\"" << t << "\">\n";
            const std::string message = engine::to_string(r->verdict) + ": " + r->reason;
            switch (r->verdict) {
            case Verdict::Pass: break;
            case Verdict::Fail:
                x << "      <failure type=\"" << engine::to_string(r->test->level) << "\" message=\""
                  << xml_escape(message) << "\">" << xml_escape(failure_text(*r)) << "</failure>\n";
                break;
            case Verdict::Inconclusive:
            case Verdict::Error:
                x << "      <error type=\"" << engine::to_string(r->verdict)
                  << (r->cause ? " (" + engine::to_string(*r->cause) + ")" : std::string()) << "\" message=\""
                  << xml_escape(message) << "\">" << xml_escape(failure_text(*r)) << "</error>\n";
                break;
            case Verdict::NotApplicable: x << "      <skipped message=\"" << xml_escape(message) << "\"/>\n"; break;
            }
            x << "      <system-out>" << xml_escape(r->test->title) << "</system-out>\n    </testcase>\n";
        }
        x << "  </testsuite>\n";
    }
    x << "</testsuites>\n";
    return x.str();
}

} // namespace mipvpn::report
