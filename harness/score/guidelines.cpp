#include "harness/score/guidelines.h"

#include <algorithm>
#include <set>

namespace mipvpn::score {

const std::vector<Guideline>& seed_guidelines() {
    static const std::vector<Guideline> all{
        {"5.1", "Preservation of Existing VPN Infrastructure", "MUST",
         "The solution MUST preserve the investment in existing VPN gateways. The solution MUST provide security "
         "which is not inferior to what is already provided to existing \"nomadic computing\" remote access users, "
         "i.e. for confidentiality, authentication, message integrity, protection against replay attacks and related "
         "security services."},
        {"5.2", "Software Upgrades to Existing VPN Client and Gateways", "SHOULD",
         "The solution SHOULD minimize changes to existing VPN client/ gateway software."},
        {"5.3", "IPsec Protocol", "SHOULD NOT",
         "The solution SHOULD NOT require any changes to existing IPsec or key exchange standard protocols "
         "implemented by VPN gateways."},
        {"5.4", "Multi-Vendor Interoperability", "MUST",
         "The solution MUST provide multi-vendor interoperability, where MIPv4 mobility agents, mobility clients "
         "(MN), VPN server, and VPN client solutions may come from four different vendors."},
        {"5.5", "MIPv4 Protocol", "MUST",
         "The solution MUST adhere to MIPv4 protocol [1]. That is, the solution MUST NOT impose any changes that "
         "violates MIPv4 protocol."},
        {"5.6", "Handoff Overhead", "MUST",
         "Hence, the solution MUST propose a mechanism to avoid or minimize IPsec tunnel SA renegotiation and IKE "
         "renegotiation as the MN changes its current point of network attachment."},
        {"5.7", "Scalability, Availability, Reliability, and Performance", "MUST",
         "The solution complexity MUST increase at most linearly with the number of MNs registered and accessing "
         "resources inside the Intranet."},
        {"5.8", "Functional Entities", "MAY", "The solution MAY introduce new MIPv4 compliant functional entities."},
        {"5.9", "Implications of Intervening NAT Gateways", "MUST",
         "The solution MUST be able to leverage the existing MIPv4 and IPsec NAT traversal solutions [9][10][11]."},
        {"5.10", "Security Requirements", "MUST NOT",
         "The solution MUST NOT introduce any new vulnerabilities to the MIPv4 or IPsec as specified in related "
         "RFCs."},
    };
    return all;
}

std::vector<GuidelineScore> score_guidelines(const std::vector<engine::TestResult>& results) {
    std::vector<GuidelineScore> out;
    for (const auto& g : seed_guidelines()) {
        GuidelineScore s{g, "NOT-TESTED", {}, {}, {}};
        bool must_failed = false, should_failed = false, undecided = false, decided = false;
        std::set<std::string> suites;
        for (const auto& r : results) {
            const auto& tags = r.test->guidelines;
            if (std::find(tags.begin(), tags.end(), g.id) == tags.end()) continue;
            s.cases.push_back(r.test->id);
            suites.insert(r.test->suite);
            switch (r.verdict) {
            case engine::Verdict::Pass: decided = true; break;
            case engine::Verdict::Fail:
                decided = true;
                s.failing.push_back(r.test->id);
                (r.test->level == engine::Level::Must ? must_failed : should_failed) = true;
                break;
            case engine::Verdict::Inconclusive:
            case engine::Verdict::Error: undecided = true; break;
            case engine::Verdict::NotApplicable: break;
            }
        }
        if (must_failed) s.verdict = "FAIL";
        else if (should_failed) s.verdict = "WARN";
        else if (undecided) s.verdict = "INCONCLUSIVE";
        else if (decided) s.verdict = "PASS";
        if (!s.cases.empty()) {
            std::string list;
            for (const auto& suite : suites) list += (list.empty() ? "" : ", ") + suite;
            s.note = "evidence from " + std::to_string(s.cases.size()) + " case(s) of suite(s) " + list +
                     "; a guideline is only as covered as the suites that ran";
        } else {
            s.note = "no case that evidences this guideline ran";
        }
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace mipvpn::score
