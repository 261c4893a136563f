#pragma once
// The test-case model: one normative sentence of one RFC, checked against one role.
#include <functional>
#include <string>
#include <vector>

namespace mipvpn::engine {

class TestContext;

enum class Level { Must, Should, May };

std::string to_string(Level level);

struct TestCase {
    std::string id;                        // stable, e.g. "rfc5944-ha-silent-discard-no-sa"
    std::string suite;                     // folder under testcases/, e.g. "rfc5944-ha"
    std::string title;
    std::string rfc;                       // "RFC 5944"
    std::string section;                   // "3.8.2.1"
    std::string quote;                     // the normative sentence, verbatim
    Level level = Level::Must;
    std::string level_note;                // why the level differs from the quoted sentence's keyword, if it does
    std::vector<std::string> guidelines;   // seed section-5 guidelines it evidences, e.g. "5.5"
    std::string role;                      // role under test: "ha", "fa", "mn", "vpn-gw"
    std::vector<std::string> capabilities; // PICS the SUT must declare, else NOT-APPLICABLE
    std::vector<std::string> proving_faults; // reference fault switches under each of which this case must FAIL
    std::function<void(TestContext&)> body;
};

} // namespace mipvpn::engine
