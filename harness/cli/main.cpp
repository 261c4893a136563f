// mipvpn: Mobile IPv4 / RFC 5265 VPN-traversal conformance harness. This file only dispatches subcommands.
#include "harness/cli/commands.h"
#include "harness/cli/session.h"

#include <iostream>

namespace {

const char* usage =
    "usage: mipvpn <command> [options]\n"
    "\n"
    "commands:\n"
    "  run        run conformance suites against the SUT profile; prints the report path\n"
    "  selftest   prove every selected case can fail: PASS on the reference, FAIL with its fault switch\n"
    "  list       print the test-case catalog (--json for machines)\n"
    "  topo       up | down | gc: build, remove, or garbage-collect topologies\n"
    "  decode     decode a pcap/pcapng file layer by layer, with RFC violations (--json, --esp-keys FILE)\n"
    "\n"
    "exit codes: 0 every MUST passed, 1 a MUST failed, 2 harness or setup error\n"
    "`mipvpn <command> --help` describes each command's options.\n";

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << usage;
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (command == "run") return mipvpn::cli::cmd_run(args);
        if (command == "selftest") return mipvpn::cli::cmd_selftest(args);
        if (command == "list") return mipvpn::cli::cmd_list(args);
        if (command == "topo") return mipvpn::cli::cmd_topo(args);
        if (command == "decode") return mipvpn::cli::cmd_decode(args);
        if (command == "--help" || command == "-h" || command == "help") {
            std::cout << usage;
            return 0;
        }
        std::cerr << "mipvpn: unknown command '" << command << "'\n" << usage;
        return 2;
    } catch (const mipvpn::cli::UsageError& e) {
        std::cerr << "mipvpn: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mipvpn: error: " << e.what() << "\n";
        return 2;
    }
}
