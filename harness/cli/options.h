#pragma once
#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace mipvpn::cli {
// Parses args into vm; prints help and returns false on --help; throws UsageError on bad options.
bool parse_options(const boost::program_options::options_description& desc, const std::vector<std::string>& args,
                   boost::program_options::variables_map& vm);
} // namespace mipvpn::cli
