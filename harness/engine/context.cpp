#include "harness/engine/context.h"

#include "harness/engine/tester_mn.h"
#include "harness/engine/timefmt.h"
#include "harness/net/capture.h"
#include "harness/sut/adapter.h"
#include "harness/wire/describe.h"

namespace mipvpn::engine {

TestContext::TestContext(const TestCase& tc, topo::Lab& lab, sut::SutAdapter& sut, Clock::time_point deadline,
                         TestResult& result)
    : tc_(tc), lab_(lab), sut_(sut), deadline_(deadline), result_(result) {}

TestContext::~TestContext() = default;

const sut::RoleSpec& TestContext::sut_spec() const { return sut_.spec(); }

TestContext::Clock::time_point TestContext::wait_until(std::chrono::milliseconds wanted) const {
    return std::min(Clock::now() + wanted, deadline_);
}

bool TestContext::check(std::string what, std::string expected, std::string observed, bool ok) {
    result_.checks.push_back(Check{std::move(what), std::move(expected), std::move(observed), ok});
    return ok;
}

void TestContext::note(std::string line) { result_.log.push_back(std::move(line)); }

void TestContext::record_packet(const std::string& segment, const net::Frame& frame, const std::string& role) {
    result_.packets.push_back(PacketEvidence{
        segment, frame.index, iso8601(frame.ts),
        wire::describe_frame(frame.data.data(), frame.data.size(), wire::LinkType::Ethernet), role});
}

void TestContext::inconclusive(InconclusiveCause cause, std::string reason) {
    throw VerdictSignal{Verdict::Inconclusive, cause, std::move(reason)};
}

void TestContext::not_applicable(std::string reason) {
    throw VerdictSignal{Verdict::NotApplicable, std::nullopt, std::move(reason)};
}

void TestContext::require_capability(const std::string& capability) {
    if (!sut_.spec().has(capability))
        not_applicable("the SUT does not declare capability '" + capability + "'");
}

TesterMobileNode& TestContext::mobile_node(const std::string& tester) {
    for (auto& [name, mn] : testers_)
        if (name == tester) return *mn;
    testers_.emplace_back(tester, std::make_unique<TesterMobileNode>(*this, tester));
    return *testers_.back().second;
}

} // namespace mipvpn::engine
