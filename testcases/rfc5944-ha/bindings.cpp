// RFC 5944 3.8.2.2: how an accepted request updates the mobility binding list.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/sut/profile.h"

namespace mipvpn::testcases::ha {

using namespace engine;

namespace {
// A second care-of address on the tester's link, used by no node: the HA never has to reach it during the case.
Tins::IPv4Address second_coa(TestContext& ctx, TesterMobileNode& mn) { return unused_address(ctx, tester_subnet(ctx, mn)); }

wire::RegistrationRequest with_coa(TesterMobileNode& mn, uint16_t lifetime, Tins::IPv4Address coa, bool s) {
    auto rrq = mn.request(lifetime);
    rrq.care_of_address(coa);
    rrq.s(s);
    mn.authenticate(rrq);
    return rrq;
}
} // namespace

void register_bindings(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-valid-request-accepted",
        .suite = "rfc5944-ha",
        .title = "A valid request updates the binding list and is answered",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "If the Registration Request satisfies the validity checks in Section 3.8.2.1, and the home agent "
                 "is able to accommodate the Request, the home agent MUST update its mobility binding list for the "
                 "requesting mobile node and MUST return a Registration Reply to the mobile node.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"no-reply-on-accept"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const auto rrq = mn.authenticated_request(300);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                ctx.check("reply code", "0 or 1 (accepted)", code_text(rrp->code()), is_accepted(rrp->code()));
                if (ctx.sut_spec().has("binding-query")) {
                    const auto b = binding_for(ctx, rrq.home_address(), rrq.care_of_address());
                    ctx.check("binding list", rrq.home_address().to_string() + " -> " +
                                                  rrq.care_of_address().to_string(),
                              describe(bindings_of(ctx, rrq.home_address())), b.has_value());
                }
            },
    });

    registry.add({
        .id = "rfc5944-ha-simultaneous-bindings-retained",
        .suite = "rfc5944-ha",
        .title = "With the S bit set, previous bindings are retained by a Home Agent that supports them",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "If the 'S' bit is set and the home agent supports simultaneous mobility bindings, the previous "
                 "mobility binding entries are retained.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {"binding-query", "simultaneous-bindings"},
        .proving_faults = {"no-simultaneous-bindings-code"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const auto other = second_coa(ctx, mn);
                mn.register_or_inconclusive(with_coa(mn, 300, mn.address(), false), "first binding");
                const auto second = with_coa(mn, 300, other, true);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(second)));
                if (!rrp) return;
                ctx.check("reply code with S set", code_text(0), code_text(rrp->code()), rrp->code() == 0);
                const auto all = bindings_of(ctx, second.home_address());
                const bool both = binding_for(ctx, second.home_address(), mn.address()) &&
                                  binding_for(ctx, second.home_address(), other);
                ctx.check("binding list", "both " + mn.address().to_string() + " and " + other.to_string(),
                          describe(all), both);
            },
    });

    registry.add({
        .id = "rfc5944-ha-deregistration-of-one-care-of-address",
        .suite = "rfc5944-ha",
        .title = "Lifetime 0 for one care-of address deletes only that binding",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "If the Lifetime is zero and the Care-of Address does not equal the mobile node's home address, "
                 "the home agent deletes only the entry containing the specified Care-of Address from the mobility "
                 "binding list for the requesting mobile node.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {"binding-query"},
        .proving_faults = {"dereg-keeps-binding"},
        .body =
            [](TestContext& ctx) {
                // With simultaneous bindings a second care-of address shows that only the named entry goes; a Home
                // Agent without them keeps one binding, and the case shows that one is deleted.
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const bool two = ctx.sut_spec().has("simultaneous-bindings");
                const auto other = second_coa(ctx, mn);
                mn.register_or_inconclusive(with_coa(mn, 300, mn.address(), false), "first binding");
                if (two) mn.register_or_inconclusive(with_coa(mn, 300, other, true), "second binding");
                const auto dereg = with_coa(mn, 0, mn.address(), two);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(dereg)));
                if (!rrp) return;
                ctx.check("deregistration accepted", "code 0 or 1", code_text(rrp->code()), is_accepted(rrp->code()));
                const auto all = bindings_of(ctx, dereg.home_address());
                const bool gone = !binding_for(ctx, dereg.home_address(), mn.address());
                const bool kept = !two || binding_for(ctx, dereg.home_address(), other).has_value();
                ctx.check("binding list", two ? "only " + other.to_string() : "no binding", describe(all),
                          gone && kept);
            },
    });

    registry.add({
        .id = "rfc5944-ha-deregistration-of-all",
        .suite = "rfc5944-ha",
        .title = "Lifetime 0 with the home address as care-of address deletes every binding",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "If the Lifetime is zero and the Care-of Address equals the mobile node's home address, the home "
                 "agent deletes all of the entries in the mobility binding list for the requesting mobile node.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {"binding-query"},
        .proving_faults = {"dereg-all-keeps-others"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                mn.register_or_inconclusive(with_coa(mn, 300, mn.address(), false), "first binding");
                if (ctx.sut_spec().has("simultaneous-bindings"))
                    mn.register_or_inconclusive(with_coa(mn, 300, second_coa(ctx, mn), true), "second binding");
                const auto hoa = mn.security_association().home_address;
                const auto dereg = with_coa(mn, 0, hoa, false);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(dereg)));
                if (!rrp) return;
                ctx.check("deregistration accepted", "code 0 or 1", code_text(rrp->code()), is_accepted(rrp->code()));
                const auto all = bindings_of(ctx, hoa);
                ctx.check("binding list", "no binding", describe(all), all.empty());
            },
    });
}

} // namespace mipvpn::testcases::ha
