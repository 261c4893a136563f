#pragma once
// What a test body sees: the environment, the SUT's declared facts, the tester peers, and the verdict recorder.
#include "harness/engine/result.h"
#include "harness/engine/testcase.h"
#include "harness/engine/verdict.h"

#include <chrono>
#include <memory>
#include <string>

namespace mipvpn::topo { class Lab; }
namespace mipvpn::sut { class SutAdapter; struct RoleSpec; }
namespace mipvpn::net { struct Frame; }

namespace mipvpn::engine {

class TesterMobileNode;

class TestContext {
public:
    using Clock = std::chrono::steady_clock;

    TestContext(const TestCase& tc, topo::Lab& lab, sut::SutAdapter& sut, Clock::time_point deadline,
                TestResult& result);
    ~TestContext();
    TestContext(const TestContext&) = delete;
    TestContext& operator=(const TestContext&) = delete;

    const TestCase& test() const { return tc_; }
    topo::Lab& lab() { return lab_; }
    sut::SutAdapter& sut() { return sut_; }
    const sut::RoleSpec& sut_spec() const;

    Clock::time_point deadline() const { return deadline_; }
    // A wait of `wanted`, shortened so it never runs past the case's deadline.
    Clock::time_point wait_until(std::chrono::milliseconds wanted) const;

    // Records one comparison; returns ok so bodies can stop early on a failed precondition.
    bool check(std::string what, std::string expected, std::string observed, bool ok);
    void note(std::string line);
    void record_packet(const std::string& segment, const net::Frame& frame, const std::string& role);

    [[noreturn]] void inconclusive(InconclusiveCause cause, std::string reason);
    [[noreturn]] void not_applicable(std::string reason);
    void require_capability(const std::string& capability);

    // The tester playing the Mobile Node from the topology's tester node for `plays: mn`
    // (or `mn-home` for the one on the home link). Created on first use.
    TesterMobileNode& mobile_node(const std::string& tester = "mn");

private:
    const TestCase& tc_;
    topo::Lab& lab_;
    sut::SutAdapter& sut_;
    Clock::time_point deadline_;
    TestResult& result_;
    std::vector<std::pair<std::string, std::unique_ptr<TesterMobileNode>>> testers_;
};

} // namespace mipvpn::engine
