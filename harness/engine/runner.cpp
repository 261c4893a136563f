#include "harness/engine/runner.h"

#include "harness/engine/context.h"
#include "harness/engine/timefmt.h"
#include "harness/net/capture.h"
#include "harness/sut/adapter.h"
#include "harness/topo/lab.h"
#include "harness/wire/describe.h"

#include <filesystem>
#include <set>

namespace mipvpn::engine {

namespace fs = std::filesystem;

std::string evidence_name(const std::string& case_id, const std::string& fault) {
    return fault.empty() ? case_id : case_id + "@" + fault;
}

Verdict verdict_from_checks(const std::vector<Check>& checks) {
    if (checks.empty()) return Verdict::Error;
    for (const auto& c : checks)
        if (!c.ok) return Verdict::Fail;
    return Verdict::Pass;
}

Runner::Runner(topo::Lab& lab, std::map<std::string, sut::SutAdapter*> roles, RunOptions options, ResultSink& sink)
    : lab_(lab), roles_(std::move(roles)), options_(std::move(options)), sink_(sink) {}

std::vector<TestResult> Runner::run(const std::vector<const TestCase*>& cases, const std::atomic<bool>& stop) {
    std::vector<TestResult> results;
    for (const TestCase* tc : cases) {
        if (stop.load()) break;
        results.push_back(run_one(*tc));
        sink_.case_finished(results.back());
    }
    return results;
}

TestResult Runner::run_one(const TestCase& tc) {
    TestResult result;
    result.test = &tc;
    result.fault = options_.fault;
    result.started = std::chrono::system_clock::now();

    auto finish = [&](Verdict v, std::optional<InconclusiveCause> cause, std::string reason) {
        result.verdict = v;
        result.cause = cause;
        result.reason = std::move(reason);
    };

    auto role = roles_.find(tc.role);
    if (role == roles_.end() || role->second == nullptr) {
        finish(Verdict::NotApplicable, std::nullopt, "the profile assigns nobody to role '" + tc.role + "'");
        result.finished = std::chrono::system_clock::now();
        return result;
    }
    sut::SutAdapter& sut = *role->second;
    for (const auto& capability : tc.capabilities) {
        if (!sut.spec().has(capability)) {
            finish(Verdict::NotApplicable, std::nullopt,
                   "the SUT does not declare capability '" + capability + "' in its profile");
            result.finished = std::chrono::system_clock::now();
            return result;
        }
    }

    fs::create_directories(options_.run_dir + "/logs");
    // A SUT started once per run that is found dead ended after the previous case's last check: that case's input
    // may have killed it, so this case cannot judge anything; the SUT is restarted for the next one.
    if (!sut.spec().restart_per_test && sut.started() && !sut.alive()) {
        const std::string how = sut.exit_description();
        sut.stop();
        finish(Verdict::Inconclusive, InconclusiveCause::Adapter,
               "the SUT (started once per run) had ended before this case (" + how + ")");
        result.finished = std::chrono::system_clock::now();
        collect_evidence(result);
        return result;
    }
    // The SUT's output goes to the log of the case that started it (every case, unless the SUT runs per run).
    // A different fault switch than the running instance's needs a fresh start (selftest with a per-run SUT).
    if (sut.spec().restart_per_test || !sut.alive() || sut.fault() != options_.fault) {
        sut_log_ = "logs/" + evidence_name(tc.id, options_.fault) + ".sut.log";
        const std::string error = sut.start(options_.fault, options_.run_dir + "/" + sut_log_);
        result.sut_log = sut_log_;
        if (!error.empty()) {
            finish(Verdict::Inconclusive, InconclusiveCause::Adapter, "SUT did not start: " + error);
            result.finished = std::chrono::system_clock::now();
            collect_evidence(result);
            return result;
        }
    }

    result.sut_log = sut_log_;
    std::map<std::string, uint64_t> drops_before;
    for (const auto& seg : lab_.topology().segments) drops_before[seg.name] = lab_.capture(seg.name).dropped();
    const auto deadline = std::chrono::steady_clock::now() + options_.per_test_timeout;
    try {
        TestContext ctx(tc, lab_, sut, deadline, result);
        tc.body(ctx);
        const Verdict v = verdict_from_checks(result.checks);
        if (v == Verdict::Error) finish(v, std::nullopt, "the test body made no check (a harness defect)");
        else if (v == Verdict::Fail) {
            for (const auto& c : result.checks)
                if (!c.ok) {
                    finish(v, std::nullopt, c.what + ": expected " + c.expected + ", observed " + c.observed);
                    break;
                }
        } else finish(v, std::nullopt, "every check held");
    } catch (const VerdictSignal& signal) {
        // A check that already failed is a verdict on the SUT; a later step that could not decide does not undo it.
        const Check* failed = nullptr;
        for (const auto& c : result.checks)
            if (!c.ok && !failed) failed = &c;
        if (failed)
            finish(Verdict::Fail, std::nullopt, failed->what + ": expected " + failed->expected + ", observed " +
                                                    failed->observed + " (then: " + signal.reason + ")");
        else
            finish(signal.verdict, signal.cause, signal.reason);
    } catch (const std::exception& e) {
        finish(Verdict::Error, std::nullopt, std::string("harness error: ") + e.what());
    }

    // A SUT that died while being tested failed, whatever the body concluded: crashing on input is never conformant.
    // Its end is judged after our own stop too, so a crash in the last milliseconds is not lost.
    // Only a death before our own stop is the SUT's failure; how it reacts to SIGTERM (exit 143, a slow stop) is not
    // a Mobile IP matter, so it is only noted.
    const std::string ended = sut.alive() ? std::string() : sut.exit_description();
    if (sut.spec().restart_per_test) {
        const std::string abnormal = sut.stop();
        if (ended.empty() && !abnormal.empty()) result.log.push_back("the SUT ended after SIGTERM: " + abnormal);
    }
    // Absence of a packet is evidence only if the capture saw everything.
    for (const auto& seg : lab_.topology().segments) {
        const uint64_t lost = lab_.capture(seg.name).dropped() - drops_before[seg.name];
        if (lost > 0 && (result.verdict == Verdict::Pass || result.verdict == Verdict::Fail))
            finish(Verdict::Inconclusive, InconclusiveCause::Environment,
                   "the capture of segment " + seg.name + " dropped " + std::to_string(lost) +
                       " frame(s), so the evidence is incomplete (the body concluded " + to_string(result.verdict) +
                       ": " + result.reason + ")");
    }
    if (!ended.empty() && (result.verdict == Verdict::Pass || result.verdict == Verdict::Fail ||
                           result.verdict == Verdict::Inconclusive))
        finish(Verdict::Fail, std::nullopt, "the SUT ended abnormally during the test (" + ended + "); " + result.reason);
    result.finished = std::chrono::system_clock::now();
    collect_evidence(result);
    return result;
}

void Runner::collect_evidence(TestResult& result) {
    const std::string dir = "pcaps/" + evidence_name(result.test->id, result.fault);
    fs::create_directories(options_.run_dir + "/" + dir);
    // Frames the body named keep their role; every other frame of the slice is listed as merely captured.
    std::set<std::pair<std::string, uint64_t>> named;
    for (const auto& p : result.packets) named.insert({p.segment, p.frame_index});

    for (const auto& seg : lab_.topology().segments) {
        const std::string& segment = seg.name;
        net::SegmentCapture& capture = lab_.capture(segment);
        const auto frames = capture.frames_between(result.started, result.finished);
        const std::string rel = dir + "/" + segment + ".pcapng";
        net::SegmentCapture::write_pcapng(options_.run_dir + "/" + rel, segment, frames);
        result.pcaps.push_back(rel);
        size_t listed = 0;
        for (const auto& frame : frames) {
            if (named.count({segment, frame.index})) continue;
            if (++listed > 200) break; // a flood must not bloat the report; the pcap has everything
            result.packets.push_back(PacketEvidence{segment, frame.index, iso8601(frame.ts),
                                                    wire::describe_frame(frame.data.data(), frame.data.size(),
                                                                         wire::LinkType::Ethernet),
                                                    ""});
        }
    }
}

} // namespace mipvpn::engine
