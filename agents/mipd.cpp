// mipd: reference Mobile IPv4 agent (RFC 5944) for the mipvpn conformance harness: home agent (agents/ha/), foreign
// agent (agents/fa/) and mobile node (agents/mn/) roles.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "agents/common/config_reader.h"
#include "agents/common/faults.h"
#include "agents/common/log.h"
#include "agents/common/signal_fd.h"
#include "agents/fa/fa_config.h"
#include "agents/fa/fa_daemon.h"
#include "agents/ha/ha_config.h"
#include "agents/ha/ha_daemon.h"
#include "agents/mn/mn_config.h"
#include "agents/mn/mn_daemon.h"

namespace po = boost::program_options;
using namespace mipvpn::agents;

namespace {

constexpr int kExitUsage = 2;

const char* kUsage =
    "Usage: mipd --role ha|fa|mn --config FILE [--fault NAME]... [--log FILE]\n"
    "       mipd --list-faults [--role ha|fa|mn]\n"
    "       mipd --help\n";

}  // namespace

int main(int argc, char** argv) {
  // Block SIGTERM/SIGINT first, so a signal arriving during start-up is handled (clean exit 0), not fatal.
  std::unique_ptr<SignalFd> signals;
  try {
    signals = std::make_unique<SignalFd>(std::initializer_list<int>{SIGTERM, SIGINT});
  } catch (const std::exception& e) {
    std::cerr << "mipd: " << e.what() << "\n";
    return 1;
  }
  ::signal(SIGPIPE, SIG_IGN);

  po::options_description desc("Options");
  desc.add_options()
      ("help,h", "show this help")
      ("role", po::value<std::string>(), "agent role: ha (home agent), fa (foreign agent) or mn (mobile node)")
      ("config", po::value<std::string>(), "configuration file (JSON, see docs/seams.md)")
      ("fault", po::value<std::vector<std::string>>()->composing(),
       "break one RFC rule on purpose (repeatable; see --list-faults)")
      ("log", po::value<std::string>(), "append the log to FILE instead of standard error")
      ("list-faults", "print every fault name and the rule it breaks, tab-separated, one per line");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "mipd: " << e.what() << "\n" << kUsage;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n" << desc;
    return 0;
  }
  if (vm.count("list-faults")) {
    // With --role, only that role's faults.
    const std::string only = vm.count("role") ? vm["role"].as<std::string>() : "";
    for (const FaultInfo& f : all_faults()) {
      if (only.empty() || role_name(f.role) == only) std::cout << f.name << '\t' << f.rule << '\n';
    }
    return 0;
  }
  if (!vm.count("role") || !vm.count("config")) {
    std::cerr << "mipd: --role and --config are required\n" << kUsage;
    return kExitUsage;
  }
  const std::string role = vm["role"].as<std::string>();
  if (role != "ha" && role != "fa" && role != "mn") {
    std::cerr << "mipd: unsupported role \"" << role << "\" (expected: ha, fa or mn)\n";
    return kExitUsage;
  }
  FaultSet faults;
  if (vm.count("fault")) {
    for (const std::string& name : vm["fault"].as<std::vector<std::string>>()) {
      if (name.empty()) continue;  // an empty {fault} placeholder in a profile's argv means "no fault"
      auto f = fault_by_name(name);
      if (!f) {
        std::cerr << "mipd: unknown fault \"" << name << "\" (mipd --list-faults lists them)\n";
        return kExitUsage;
      }
      if (role_name(fault_info(*f).role) != role) {
        std::cerr << "mipd: fault \"" << name << "\" belongs to role " << role_name(fault_info(*f).role)
                  << ", not " << role << "\n";
        return kExitUsage;
      }
      faults.set(*f);
    }
  }

  mipvpn::agents::ha::HaConfig ha_config;
  mipvpn::agents::fa::FaConfig fa_config;
  mipvpn::agents::mn::MnConfig mn_config;
  try {
    if (role == "ha") {
      ha_config = mipvpn::agents::ha::load_ha_config(vm["config"].as<std::string>());
    } else if (role == "fa") {
      fa_config = mipvpn::agents::fa::load_fa_config(vm["config"].as<std::string>());
    } else {
      mn_config = mipvpn::agents::mn::load_mn_config(vm["config"].as<std::string>());
    }
  } catch (const ConfigException& e) {
    std::cerr << "mipd: configuration error: " << e.what() << "\n";
    return kExitUsage;
  }

  Logger log;
  if (vm.count("log")) {
    const std::string path = vm["log"].as<std::string>();
    if (!log.open(path)) {
      std::cerr << "mipd: cannot open log file " << path << ": " << std::strerror(errno) << "\n";
      return kExitUsage;
    }
  }
  try {
    if (role == "fa") return mipvpn::agents::fa::run_foreign_agent(fa_config, faults, log, *signals);
    if (role == "mn") return mipvpn::agents::mn::run_mobile_node(mn_config, faults, log, *signals);
    return mipvpn::agents::ha::run_home_agent(ha_config, faults, log, *signals);
  } catch (const std::exception& e) {
    log.line(std::string("error: ") + e.what());
    return 1;
  }
}
