#pragma once
// junit.xml for CI gating: one <testcase> per conformance case; failures show expected against observed.
#include "harness/engine/result.h"

#include <string>
#include <vector>

namespace mipvpn::report {

// The JUnit verdict follows the exit code: a MUST-level FAIL is a <failure>, a MUST-level INCONCLUSIVE or any ERROR
// an <error>; SHOULD/MAY-level failures pass with the finding as a WARNING in <system-err> and properties;
// NOT-APPLICABLE is <skipped>. Cases an aborted run never reached are <error>s saying so.
std::string junit_xml(const std::string& run_id, const std::vector<engine::TestResult>& results,
                      const std::vector<const engine::TestCase*>& not_run = {}, const std::string& abort_reason = "");
std::string xml_escape(const std::string& text);

} // namespace mipvpn::report
