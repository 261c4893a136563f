#include "harness/engine/verdict.h"
#include "harness/engine/testcase.h"

namespace mipvpn::engine {

std::string to_string(Verdict v) {
    switch (v) {
    case Verdict::Pass: return "PASS";
    case Verdict::Fail: return "FAIL";
    case Verdict::Inconclusive: return "INCONCLUSIVE";
    case Verdict::NotApplicable: return "NOT-APPLICABLE";
    case Verdict::Error: return "ERROR";
    }
    return "ERROR";
}

std::string to_string(InconclusiveCause c) {
    switch (c) {
    case InconclusiveCause::Environment: return "environment";
    case InconclusiveCause::Adapter: return "adapter";
    case InconclusiveCause::SutConfig: return "sut-config";
    case InconclusiveCause::Timeout: return "timeout";
    }
    return "environment";
}

std::string to_string(Level level) {
    switch (level) {
    case Level::Must: return "MUST";
    case Level::Should: return "SHOULD";
    case Level::May: return "MAY";
    }
    return "MUST";
}

} // namespace mipvpn::engine
