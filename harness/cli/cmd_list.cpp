#include "harness/cli/commands.h"
#include "harness/cli/options.h"
#include "harness/cli/run_options.h"
#include "harness/report/json_report.h"

#include <boost/program_options.hpp>

#include <iostream>

namespace mipvpn::cli {

namespace po = boost::program_options;

int cmd_list(const std::vector<std::string>& args) {
    po::options_description desc("mipvpn list");
    desc.add_options()("help,h", "this help")("json", "print the catalog as JSON")(
        "suite", po::value<std::string>()->default_value("*"), "glob over case ids and suite names");
    po::variables_map vm;
    if (!parse_options(desc, args, vm)) return 0;

    const auto selected = catalog().select(vm["suite"].as<std::string>());
    if (vm.count("json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto* tc : selected) out.push_back(report::catalog_entry(*tc));
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    for (const auto* tc : selected)
        std::cout << tc->id << "  [" << tc->rfc << " " << tc->section << ", " << engine::to_string(tc->level)
                  << ", " << tc->role << "]  " << tc->title << "\n";
    std::cout << selected.size() << " case(s)\n";
    return 0;
}

} // namespace mipvpn::cli
