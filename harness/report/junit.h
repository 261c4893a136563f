#pragma once
// junit.xml for CI gating: one <testcase> per conformance case; failures show expected against observed.
#include "harness/engine/result.h"

#include <string>
#include <vector>

namespace mipvpn::report {

std::string junit_xml(const std::string& run_id, const std::vector<engine::TestResult>& results);
std::string xml_escape(const std::string& text);

} // namespace mipvpn::report
