#include "harness/cli/options.h"
#include "harness/cli/session.h"

#include <iostream>

namespace mipvpn::cli {

bool parse_options(const boost::program_options::options_description& desc, const std::vector<std::string>& args,
                   boost::program_options::variables_map& vm) {
    try {
        boost::program_options::store(boost::program_options::command_line_parser(args).options(desc).run(), vm);
        boost::program_options::notify(vm);
    } catch (const boost::program_options::error& e) {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return false;
    }
    return true;
}

} // namespace mipvpn::cli
