#pragma once
// Options and case selection shared by `run` and `selftest` (defined in cmd_run.cpp).
#include "harness/cli/session.h"
#include "harness/engine/registry.h"

#include <boost/program_options.hpp>

namespace mipvpn::cli {
void add_session_options(boost::program_options::options_description& desc);
SessionOptions session_options(const boost::program_options::variables_map& vm);
// Throws UsageError when --timeout cannot hold the longest case for the profile's timing.
void check_timeout_fits(const boost::program_options::variables_map& vm, const sut::Profile& profile);
const engine::Registry& catalog();
// Throws UsageError when the glob matches nothing.
std::vector<const engine::TestCase*> select_cases(const std::string& glob);
} // namespace mipvpn::cli
