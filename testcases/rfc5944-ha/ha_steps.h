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

// Silence only means something from a SUT that answers: first a valid request must be answered (else the case is
// INCONCLUSIVE, sut-config), then `probe` is sent and no Registration Reply may appear on any segment within the
// reply timeout. Records the check; true when the SUT stayed silent.
bool check_silence(engine::TestContext& ctx, engine::TesterMobileNode& mn, const std::vector<uint8_t>& probe,
                   const std::string& why);

// With a SUT that is not restarted per case, bindings of earlier cases would leak into this one: deregister all of
// the tester's bindings first (lifetime 0, care-of address = home address) and make sure the list is empty.
void start_without_bindings(engine::TestContext& ctx, engine::TesterMobileNode& mn);

// An address of `prefix` ("a.b.c.d/len") that no topology node and no SA uses and that is not the SUT's.
Tins::IPv4Address unused_address(engine::TestContext& ctx, const std::string& prefix);
// The subnet of the segment the tester is on.
std::string tester_subnet(engine::TestContext& ctx, engine::TesterMobileNode& mn);

// The reply must exist and decode; otherwise the check fails and nullopt comes back. Returns a copy, so it may be
// called on a temporary.
std::optional<wire::RegistrationReply> check_decoded_reply(engine::TestContext& ctx,
                                                          const std::optional<engine::ObservedReply>& reply);

// "valid", or what is wrong with the reply's Mobile-Home Authentication Extension ("absent", "SPI 300 names no
// security association of the profile", "invalid authenticator"). The SPI selects the key.
std::string mn_ha_status(engine::TestContext& ctx, const engine::ObservedReply& reply);

bool is_accepted(uint8_t code);
std::string code_text(uint8_t code);
std::string hex64(uint64_t v);

} // namespace mipvpn::testcases::ha
