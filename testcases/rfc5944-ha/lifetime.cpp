// RFC 5944 3.8.2.2 and 3.8.3.2: the Lifetime the Home Agent grants, and expiry.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/sut/profile.h"

#include <thread>

namespace mipvpn::testcases::ha {

using namespace engine;

void register_lifetime(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-lifetime-not-above-request",
        .suite = "rfc5944-ha",
        .title = "The granted lifetime never exceeds the requested lifetime",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "The home agent MUST NOT increase the Lifetime above that specified by the mobile node in the "
                 "Registration Request.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"lifetime-exceeds-request"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                constexpr uint16_t asked = 30; // below any sane maximum
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(mn.authenticated_request(asked))));
                if (!rrp) return;
                if (!ctx.check("request accepted", "code 0 or 1", code_text(rrp->code()), is_accepted(rrp->code())))
                    return;
                ctx.check("granted Lifetime", "at most " + std::to_string(asked) + " s",
                          std::to_string(rrp->lifetime()) + " s", rrp->lifetime() <= asked);
            },
    });

    registry.add({
        .id = "rfc5944-ha-lifetime-capped-at-maximum",
        .suite = "rfc5944-ha",
        .title = "A lifetime longer than the Home Agent allows is reduced to the time service is provided",
        .rfc = "RFC 5944",
        .section = "3.8.3.2",
        .quote = "In such a case, the Lifetime MUST be set to the length of time that service will actually be "
                 "provided by the home agent.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"lifetime-exceeds-max"},
        .body =
            [](TestContext& ctx) {
                const uint32_t max = ctx.sut_spec().max_lifetime;
                if (max == 0 || max >= 0xfffe)
                    ctx.not_applicable("the profile declares no max_lifetime below 65534 s for this Home Agent");
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                constexpr uint16_t asked = 0xfffe; // the longest finite lifetime (0xffff is infinity)
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(mn.authenticated_request(asked))));
                if (!rrp) return;
                if (!ctx.check("request accepted", "code 0 or 1", code_text(rrp->code()), is_accepted(rrp->code())))
                    return;
                ctx.check("granted Lifetime", "at most the declared maximum " + std::to_string(max) + " s",
                          std::to_string(rrp->lifetime()) + " s", rrp->lifetime() <= max);
                if (ctx.sut_spec().has("binding-query")) {
                    const auto b = binding_for(ctx, mn.security_association().home_address, mn.address());
                    ctx.check("binding lasts no longer than the granted Lifetime",
                              "at most " + std::to_string(rrp->lifetime()) + " s",
                              b ? std::to_string(b->remaining_s) + " s" : "no binding",
                              b && b->remaining_s <= rrp->lifetime() + 0.5);
                }
            },
    });

    registry.add({
        .id = "rfc5944-ha-binding-expires",
        .suite = "rfc5944-ha",
        .title = "A binding is deleted when its lifetime expires, without any message",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "After the expiration of this registration Lifetime, the home agent MUST delete its entry for this "
                 "registration in its mobility binding list.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {"binding-query"},
        .proving_faults = {"no-expiry", "reply-on-expiry"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                constexpr uint16_t asked = 2;
                const auto rrq = mn.authenticated_request(asked);
                const auto accepted = mn.register_or_inconclusive(rrq, "a short-lived binding");
                const uint16_t granted = accepted.reply.value().lifetime();
                const auto after_acceptance = mn.mark();
                if (!binding_for(ctx, rrq.home_address(), rrq.care_of_address()))
                    ctx.inconclusive(InconclusiveCause::Adapter, "the accepted binding is not listed");
                // Poll the binding list until the entry goes or the lifetime plus the profile's slack has passed.
                const auto slack = ctx.sut_spec().expiry_slack;
                const auto wanted = std::chrono::steady_clock::now() + std::chrono::seconds(granted) + slack;
                if (wanted > ctx.deadline())
                    ctx.inconclusive(InconclusiveCause::Timeout, "the per-test timeout is shorter than the lifetime "
                                                                 "plus the expiry slack");
                std::optional<Binding> left = binding_for(ctx, rrq.home_address(), rrq.care_of_address());
                while (left && std::chrono::steady_clock::now() < wanted) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    left = binding_for(ctx, rrq.home_address(), rrq.care_of_address());
                }
                ctx.check("binding after its " + std::to_string(granted) + " s lifetime (+" +
                              std::to_string(slack.count()) + " ms slack)",
                          "deleted", left ? describe({*left}) : "deleted", !left.has_value());
                // Expiry is silent (4.2.3): no Registration Reply after the acceptance, on any segment, for a whole
                // reply timeout after the deletion.
                // An unsolicited reply may well repeat the accepted request's Identification, so it counts here.
        auto unsolicited = mn.any_reply_since(after_acceptance, mn.reply_timeout(), rrq.home_address(), true);
                ctx.check("no message at expiry", "no Registration Reply after the acceptance",
                          unsolicited ? "a Registration Reply on segment " + unsolicited->segment : "none",
                          !unsolicited);
            },
    });
}

} // namespace mipvpn::testcases::ha
