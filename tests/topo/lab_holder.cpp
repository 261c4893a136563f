// Test helper: brings a topology up, prints "<prefix>\n" on stdout, then waits for a signal. Used to check that
// SIGTERM tears the lab down and that gc() cleans up after a SIGKILLed owner.
#include "harness/topo/lab.h"
#include "harness/topo/loader.h"

#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s TOPOLOGY CAPTURE_DIR\n", argv[0]);
        return 2;
    }
    auto topology = mipvpn::topo::load_topology(argv[1]);
    if (!topology) {
        std::fprintf(stderr, "%s\n", topology.error().to_string().c_str());
        return 2;
    }
    mipvpn::topo::Lab lab(std::move(topology).value(), mipvpn::topo::RunPrefix::generate(), argv[2]);
    try {
        lab.up();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::printf("%s\n", lab.prefix().c_str());
    std::fflush(stdout);
    for (;;) ::pause();
}
