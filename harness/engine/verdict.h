#pragma once
#include <optional>
#include <string>

namespace mipvpn::engine {

enum class Verdict { Pass, Fail, Inconclusive, NotApplicable, Error };

// Why a verdict is INCONCLUSIVE: the evidence could not decide, and this says whose fault that is.
enum class InconclusiveCause { Environment, Adapter, SutConfig, Timeout };

std::string to_string(Verdict v);          // "PASS", "FAIL", "INCONCLUSIVE", "NOT-APPLICABLE", "ERROR"
std::string to_string(InconclusiveCause c); // "environment", "adapter", "sut-config", "timeout"

// Thrown by test bodies (through TestContext) to end a case early with a verdict other than FAIL.
struct VerdictSignal {
    Verdict verdict;
    std::optional<InconclusiveCause> cause;
    std::string reason;
};

} // namespace mipvpn::engine
