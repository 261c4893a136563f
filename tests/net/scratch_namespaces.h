#pragma once
// Test helper: namespaces named mv<8 hex>-<name> with a marker /run/mipvpn/<prefix>.pid naming this process
// (so `Lab::gc()` can clean up after a killed test run), deleted by the destructor - exactly those.
#include "harness/net/command.h"
#include "harness/net/netns.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace mipvpn::testing {

class ScratchNamespaces {
public:
    ScratchNamespaces() {
        std::random_device rd;
        char buf[16];
        std::snprintf(buf, sizeof(buf), "mv%08x", static_cast<unsigned>(rd()));
        prefix_ = buf;
        std::filesystem::create_directories("/run/mipvpn");
        std::ofstream(marker()) << ::getpid() << "\n";
    }
    ~ScratchNamespaces() {
        for (auto it = names_.rbegin(); it != names_.rend(); ++it) {
            for (pid_t pid : net::netns_pids(*it))
                if (pid != ::getpid()) ::kill(pid, SIGKILL);  // listed by `ip netns pids` for our namespace
            if (net::netns_exists(*it)) {
                try {
                    net::netns_delete(*it);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "cleanup: %s\n", e.what());
                }
            }
        }
        std::filesystem::remove(marker());
    }
    ScratchNamespaces(const ScratchNamespaces&) = delete;
    ScratchNamespaces& operator=(const ScratchNamespaces&) = delete;

    // Creates <prefix>-<name> with lo up and IPv6 off; returns the full name.
    std::string add(const std::string& name) {
        const std::string ns = prefix_ + "-" + name;
        net::netns_add(ns);
        names_.push_back(ns);
        net::in_netns(ns, [] {
            net::set_sysctl("net/ipv6/conf/all/disable_ipv6", "1");
            net::set_sysctl("net/ipv6/conf/default/disable_ipv6", "1");
        });
        ip(ns, {"link", "set", "lo", "up"});
        return ns;
    }

    // `ip -n ns args...`; throws on failure.
    static void ip(const std::string& ns, std::vector<std::string> args) {
        std::vector<std::string> argv{"ip", "-n", ns};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto r = net::run_command(argv);
        if (!r.ok()) throw net::NetError(r.describe(argv));
    }

    const std::string& prefix() const { return prefix_; }
    std::string marker() const { return "/run/mipvpn/" + prefix_ + ".pid"; }
    const std::vector<std::string>& names() const { return names_; }

private:
    std::string prefix_;
    std::vector<std::string> names_;
};

inline bool is_root() { return ::geteuid() == 0; }

}  // namespace mipvpn::testing
