#pragma once
// Steps shared by the Home Agent cases, so each case body reads as the RFC sentence it checks.
#include "harness/engine/context.h"
#include "harness/engine/tester_mn.h"

#include <optional>
#include <string>
#include <vector>

namespace mipvpn::testcases::ha {

struct Binding {
    Tins::IPv4Address home_address;
    Tins::IPv4Address care_of_address;
    double remaining_s = 0;
    uint32_t lifetime_granted = 0;
};

// The SUT's current bindings for one home address (needs capability binding-query).
std::vector<Binding> bindings_of(engine::TestContext& ctx, Tins::IPv4Address home_address);
std::optional<Binding> binding_for(engine::TestContext& ctx, Tins::IPv4Address home_address,
                                   Tins::IPv4Address care_of_address);
std::string describe(const std::vector<Binding>& bindings);

// Records "no Registration Reply within the silence window" as a check; true when the SUT stayed silent.
bool check_silence(engine::TestContext& ctx, engine::TesterMobileNode& mn, uint64_t from, const std::string& why);

// The reply must exist and decode; otherwise the check fails and nullopt comes back. Returns a copy, so it may be
// called on a temporary.
std::optional<wire::RegistrationReply> check_decoded_reply(engine::TestContext& ctx,
                                                          const std::optional<engine::ObservedReply>& reply);

bool is_accepted(uint8_t code);
std::string code_text(uint8_t code);
std::string hex64(uint64_t v);

} // namespace mipvpn::testcases::ha
