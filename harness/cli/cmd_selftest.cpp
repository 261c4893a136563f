// Proves each selected case able to fail: it must PASS against the reference agents and FAIL against the
// reference started with the case's proving fault switch.
#include "harness/cli/commands.h"
#include "harness/cli/console_sink.h"
#include "harness/cli/options.h"
#include "harness/cli/run_options.h"
#include "harness/cli/session.h"
#include "harness/engine/runner.h"
#include "harness/report/run_writer.h"
#include "testcases/catalog.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace mipvpn::cli {

namespace po = boost::program_options;

int cmd_selftest(const std::vector<std::string>& args) {
    po::options_description desc("mipvpn selftest");
    add_session_options(desc);
    po::variables_map vm;
    if (!parse_options(desc, args, vm)) return 0;

    const std::string suite = vm["suite"].as<std::string>();
    const auto selected = select_cases(suite);

    report::RunWriter reference_writer, faulted_writer;
    ConsoleSink reference(reference_writer, std::cout), faulted(faulted_writer, std::cout);
    std::atomic<int> phase{0}; // 1: reference pass running, 2: faulted pass running
    install_signal_teardown([&](int sig) {
        const std::string why = "interrupted by signal " + std::to_string(sig);
        if (phase >= 1) reference.run_finished(true, why);
        if (phase >= 2) faulted.run_finished(true, why);
    });
    Session session(session_options(vm));
    check_timeout_fits(vm, session.profile());

    auto info = session.run_info(suite, "", selected);
    info.run_dir = session.run_dir() + "/reference";
    std::filesystem::create_directories(info.run_dir);
    reference.run_started(info);
    phase = 1;
    session.up();
    engine::RunOptions options;
    options.per_test_timeout = std::chrono::seconds(vm["timeout"].as<unsigned>());
    options.run_dir = info.run_dir;
    engine::Runner(session.lab(), session.roles(), options, reference).run(selected, stop_requested);
    reference.run_finished(stop_requested.load(), stop_requested ? "interrupted" : "");

    auto faulted_info = session.run_info(suite, "per-case proving fault", selected);
    faulted_info.run_dir = session.run_dir() + "/faulted";
    std::filesystem::create_directories(faulted_info.run_dir);
    faulted.run_started(faulted_info);
    phase = 2;
    for (const auto* tc : selected) {
        for (const auto& fault : tc->proving_faults) {
            if (stop_requested) break;
            engine::RunOptions with_fault = options;
            with_fault.fault = fault;
            with_fault.run_dir = faulted_info.run_dir;
            engine::Runner runner(session.lab(), session.roles(), with_fault, faulted);
            faulted.case_finished(runner.run_one(*tc));
        }
    }
    faulted.run_finished(stop_requested.load(), stop_requested ? "interrupted" : "");
    clear_signal_teardown();
    session.close();

    // Proven: PASS on the reference, and under every proving fault a FAIL that a check made (a SUT that merely
    // crashed under the fault proves nothing about the case's checks).
    nlohmann::json cases = nlohmann::json::array();
    int proven = 0;
    for (const auto* tc : selected) {
        std::string clean = "not run";
        for (const auto& r : reference_writer.results())
            if (r.test == tc) clean = engine::to_string(r.verdict);
        bool ok = clean == "PASS" && !tc->proving_faults.empty();
        nlohmann::json faults = nlohmann::json::array();
        for (const auto& fault : tc->proving_faults) {
            std::string broken = "not run";
            bool by_check = false;
            for (const auto& r : faulted_writer.results()) {
                if (r.test != tc || r.fault != fault) continue;
                broken = engine::to_string(r.verdict);
                for (const auto& c : r.checks) by_check = by_check || !c.ok;
            }
            const bool fault_ok = broken == "FAIL" && by_check;
            ok = ok && fault_ok;
            faults.push_back({{"fault", fault}, {"verdict", broken}, {"failed_by_a_check", by_check}});
            if (!fault_ok)
                std::cout << "NOT PROVEN     " << tc->id << ": with fault '" << fault << "' " << broken
                          << (broken == "FAIL" && !by_check ? " (no check failed)" : "") << "\n";
        }
        if (clean != "PASS") std::cout << "NOT PROVEN     " << tc->id << ": reference " << clean << "\n";
        proven += ok;
        cases.push_back({{"id", tc->id}, {"reference", clean}, {"faults", faults}, {"proven", ok}});
    }
    const nlohmann::json out{{"run_id", session.run_id()},
                             {"cases", cases},
                             {"proven", proven},
                             {"total", selected.size()}};
    const std::string path = session.run_dir() + "/selftest.json";
    report::write_atomically(path, out.dump(2) + "\n");
    std::cout << proven << " of " << selected.size() << " case(s) proven able to fail\nselftest: " << path
              << std::endl;
    return proven == static_cast<int>(selected.size()) ? 0 : 1;
}

} // namespace mipvpn::cli
