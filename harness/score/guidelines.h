#pragma once
// The seed problem statement's section-5 solution guidelines, and how results score them.
#include "harness/engine/result.h"

#include <string>
#include <vector>

namespace mipvpn::score {

struct Guideline {
    std::string id;        // "5.5"
    std::string title;     // the seed's heading
    std::string level;     // "MUST", "SHOULD", "SHOULD NOT", "MUST NOT", "MAY"
    std::string sentence;  // quoted from the seed
};

// In the seed's order (draft of February 2004; see docs/protocol-catalog.md for the RFC 4093 numbering).
const std::vector<Guideline>& seed_guidelines();

struct GuidelineScore {
    Guideline guideline;
    // PASS: every case tagged with it passed. FAIL: a MUST-level case failed. WARN: only SHOULD-level failures.
    // INCONCLUSIVE: no failure but a case could not decide. NOT-TESTED: no case ran that evidences it.
    std::string verdict;
    std::vector<std::string> cases;    // ids of the cases that evidence it
    std::vector<std::string> failing;  // ids of failed cases
    std::string note;
};

std::vector<GuidelineScore> score_guidelines(const std::vector<engine::TestResult>& results);

} // namespace mipvpn::score
