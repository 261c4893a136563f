// The catalog's own discipline: every case quotes its RFC, names a section that exists in the RFC text, and is
// bound to a reference fault switch that mipd really offers.
#include "harness/engine/registry.h"
#include "testcases/catalog.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

using namespace mipvpn;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// RFC text with page breaks and runs of white space folded, so a quote spanning lines can be found verbatim.
std::string folded(const std::string& text) {
    std::string out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("Perkins", 0) == 0 || line.rfind("RFC 5944", 0) == 0 || line.find("\f") != std::string::npos)
            continue;
        out += line + " ";
    }
    std::string squeezed;
    bool space = false;
    for (char c : out) {
        if (c == ' ' || c == '\t' || c == '\r') {
            if (!space) squeezed += ' ';
            space = true;
        } else {
            squeezed += c;
            space = false;
        }
    }
    return squeezed;
}

std::set<std::string> mipd_faults() {
    std::set<std::string> faults;
    FILE* p = popen(MIPD_PATH " --list-faults", "r");
    if (!p) return faults;
    char line[512];
    while (fgets(line, sizeof(line), p)) {
        std::string l(line);
        faults.insert(l.substr(0, l.find_first_of("\t \n")));
    }
    pclose(p);
    return faults;
}

} // namespace

TEST(Catalog, EveryQuoteAppearsVerbatimInItsRfc) {
    if (!std::ifstream(std::string(MIPVPN_SHARED_RFC_DIR) + "/rfc5944.txt"))
        GTEST_SKIP() << "RFC texts not found at " << MIPVPN_SHARED_RFC_DIR;
    engine::Registry registry;
    testcases::register_all(registry);
    ASSERT_GE(registry.all().size(), 12u);
    for (const auto& tc : registry.all()) {
        const std::string number = tc.rfc.substr(tc.rfc.find(' ') + 1);
        const std::string rfc = folded(slurp(std::string(MIPVPN_SHARED_RFC_DIR) + "/rfc" + number + ".txt"));
        ASSERT_FALSE(rfc.empty()) << tc.rfc << " text not found";
        // A quote may elide with [...] between verbatim pieces.
        std::string quote = folded(tc.quote);
        while (!quote.empty()) {
            const size_t cut = quote.find(" [...] ");
            const std::string piece = quote.substr(0, cut);
            EXPECT_NE(rfc.find(piece), std::string::npos) << tc.id << ": not verbatim in " << tc.rfc << ": " << piece;
            if (cut == std::string::npos) break;
            quote = quote.substr(cut + 7);
        }
        EXPECT_NE(rfc.find(" " + tc.section + ". "), std::string::npos)
            << tc.id << ": section " << tc.section << " not in " << tc.rfc;
    }
}

TEST(Catalog, EveryCaseIsBoundToAFaultSwitchThatExists) {
    engine::Registry registry;
    testcases::register_all(registry);
    const auto faults = mipd_faults();
    ASSERT_FALSE(faults.empty()) << "mipd --list-faults printed nothing";
    for (const auto& tc : registry.all()) {
        EXPECT_FALSE(tc.proving_faults.empty()) << tc.id << " has no proving fault";
        for (const auto& fault : tc.proving_faults)
            EXPECT_TRUE(faults.count(fault)) << tc.id << ": mipd has no fault '" << fault << "'";
    }
}
