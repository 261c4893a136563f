#include "harness/cli/commands.h"
#include "harness/cli/options.h"
#include "harness/cli/session.h"
#include "harness/topo/lab.h"
#include "harness/topo/loader.h"

#include <signal.h>

#include <filesystem>
#include <iostream>

namespace mipvpn::cli {

namespace po = boost::program_options;

namespace {

// Holds the topology in the foreground until SIGINT/SIGTERM, so it can never outlive its owner unnoticed.
int topo_up(const po::variables_map& vm) {
    topo::Topology topology = load_topology_or_throw(vm["topology"].as<std::string>());
    const sigset_t set = block_teardown_signals();

    auto prefix = topo::RunPrefix::generate();
    const std::string dir = vm["out"].as<std::string>() + "/topo-" + prefix.str();
    std::filesystem::create_directories(dir);
    topo::Lab lab(std::move(topology), std::move(prefix), dir);
    lab.up();
    std::cout << "topology " << lab.topology().name << " is up with prefix " << lab.prefix() << "\n";
    for (const auto& node : lab.topology().nodes) std::cout << "  node " << node.name << ": ip netns exec "
                                                            << lab.ns_name(node.name) << " ...\n";
    std::cout << "captures in " << dir << "\nCtrl-C (or SIGTERM) tears it down." << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    lab.down();
    std::cout << "torn down" << std::endl;
    return 0;
}

} // namespace

int cmd_topo(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("topo needs an action: up, down or gc");
    const std::string action = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    po::options_description desc("mipvpn topo " + action);
    desc.add_options()("help,h", "this help");
    if (action == "up")
        desc.add_options()("topology", po::value<std::string>()->default_value(default_topology()),
                           "topology JSON file")("out", po::value<std::string>()->default_value(default_out_dir()),
                                                 "directory for the captures");
    else if (action == "down")
        desc.add_options()("prefix", po::value<std::string>()->required(), "run prefix to remove (mv + 8 hex)");
    else if (action != "gc")
        throw UsageError("unknown topo action '" + action + "' (up, down or gc)");
    po::variables_map vm;
    if (!parse_options(desc, rest, vm)) return 0;

    if (action == "up") return topo_up(vm);
    if (action == "down") {
        const auto removed = topo::teardown_prefix(vm["prefix"].as<std::string>());
        for (const auto& ns : removed) std::cout << "removed " << ns << "\n";
        std::cout << removed.size() << " namespace(s) removed" << std::endl;
        return 0;
    }
    const auto removed = topo::Lab::gc();
    for (const auto& ns : removed) std::cout << "removed " << ns << "\n";
    std::cout << removed.size() << " namespace(s) of dead runs removed" << std::endl;
    return 0;
}

} // namespace mipvpn::cli
