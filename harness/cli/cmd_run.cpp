#include "harness/cli/commands.h"
#include "harness/cli/console_sink.h"
#include "harness/cli/options.h"
#include "harness/cli/run_options.h"
#include "harness/cli/session.h"
#include "harness/engine/runner.h"
#include "harness/report/json_report.h"
#include "harness/report/run_writer.h"
#include "testcases/catalog.h"

#include <iostream>

namespace mipvpn::cli {

namespace po = boost::program_options;

void add_session_options(po::options_description& desc) {
    desc.add_options()("help,h", "this help")(
        "topology", po::value<std::string>()->default_value(default_topology()), "topology JSON file")(
        "profile", po::value<std::string>()->default_value(default_profile()), "SUT profile JSON file")(
        "suite", po::value<std::string>()->default_value("*"), "glob over case ids and suite names")(
        "out", po::value<std::string>()->default_value(default_out_dir()), "directory that receives <run-id>/")(
        "timeout", po::value<unsigned>()->default_value(30), "per-test timeout in seconds");
}

void check_timeout_fits(const po::variables_map& vm, const sut::Profile& profile) {
    // The longest case (binding expiry) waits a reply, a 2 s lifetime, the expiry slack and a silence window; a
    // shorter per-test timeout would only produce INCONCLUSIVE verdicts.
    for (const auto& [role, spec] : profile.roles) {
        const auto need = 2 * spec.reply_timeout + std::chrono::seconds(2) + spec.expiry_slack + spec.reply_timeout;
        const auto need_s = std::chrono::duration_cast<std::chrono::seconds>(need).count() + 1;
        if (vm["timeout"].as<unsigned>() < need_s)
            throw UsageError("--timeout: expected at least " + std::to_string(need_s) + " seconds for role " + role +
                             " (3 reply timeouts of its profile timing, a 2 s lifetime and the expiry slack)");
    }
}

SessionOptions session_options(const po::variables_map& vm) {
    return {vm["topology"].as<std::string>(), vm["profile"].as<std::string>(), vm["out"].as<std::string>()};
}

const engine::Registry& catalog() {
    static const engine::Registry registry = [] {
        engine::Registry r;
        testcases::register_all(r);
        return r;
    }();
    return registry;
}

std::vector<const engine::TestCase*> select_cases(const std::string& glob) {
    auto selected = catalog().select(glob);
    if (selected.empty()) throw UsageError("--suite '" + glob + "' matches no test case (see `mipvpn list`)");
    return selected;
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description desc("mipvpn run");
    add_session_options(desc);
    desc.add_options()("fault", po::value<std::string>()->default_value(""),
                       "start every reference agent with this fault switch (see `mipd --list-faults`)");
    po::variables_map vm;
    if (!parse_options(desc, args, vm)) return 0;

    const std::string suite = vm["suite"].as<std::string>();
    const auto selected = select_cases(suite);

    report::RunWriter writer;
    ConsoleSink console(writer, std::cout);
    std::atomic<bool> started{false};
    install_signal_teardown([&](int sig) {
        if (!started) return;
        console.run_finished(true, "interrupted by signal " + std::to_string(sig));
        std::cout << "report: " << writer.report_path() << std::endl;
    });
    Session session(session_options(vm));
    check_timeout_fits(vm, session.profile());
    const std::string fault = vm["fault"].as<std::string>();
    console.run_started(session.run_info(suite, fault, selected));
    started = true;
    session.up();
    engine::RunOptions options;
    options.per_test_timeout = std::chrono::seconds(vm["timeout"].as<unsigned>());
    options.fault = fault;
    options.run_dir = session.run_dir();
    engine::Runner runner(session.lab(), session.roles(), options, console);
    try {
        runner.run(selected, stop_requested);
    } catch (const std::exception& e) {
        console.run_finished(true, std::string("harness error: ") + e.what());
        clear_signal_teardown();
        session.close();
        std::cout << "report: " << writer.report_path() << std::endl;
        return 2;
    }
    console.run_finished(false, "");
    clear_signal_teardown();
    session.close();

    const auto s = report::summarize(writer.results());
    std::cout << s.pass << " passed, " << s.fail << " failed, " << s.inconclusive << " inconclusive, "
              << s.not_applicable << " not applicable, " << s.error << " errors (MUST failed: " << s.must_failed
              << ")\nreport: " << writer.report_path() << std::endl;
    return s.exit_code();
}

} // namespace mipvpn::cli
