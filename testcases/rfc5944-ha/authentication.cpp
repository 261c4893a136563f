// RFC 5944 3.8.2.1 (a): the Home Agent's authentication checks.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/sut/profile.h"
#include "harness/wire/authentication.h"

namespace mipvpn::testcases::ha {

using namespace engine;

void register_authentication(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-no-sa-silent-discard",
        .suite = "rfc5944-ha",
        .title = "A request from a mobile node without a security association is silently discarded",
        .rfc = "RFC 5944",
        .section = "3.8.2.1",
        .quote = "If the home agent receives a Registration Request from a mobile node with which it does not have "
                 "any security association, the home agent MUST silently discard the Registration Request.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"reply-without-sa"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                auto rrq = mn.request(300);
                // A home address of the home network for which the profile declares no association.
                rrq.home_address(unused_address(ctx, ctx.sut_spec().home_network));
                const std::vector<uint8_t> unknown_key(16, 0x5c);
                rrq.add_authentication(wire::ExtensionType::MnHaAuth, 0x0badcafe, unknown_key);
                check_silence(ctx, mn, rrq.bytes(),
                              "no security association with mobile node " + rrq.home_address().to_string());
            },
    });

    registry.add({
        .id = "rfc5944-ha-no-auth-extension-silent-discard",
        .suite = "rfc5944-ha",
        .title = "A request without an authorization-enabling extension is silently discarded",
        .rfc = "RFC 5944",
        .section = "3.8.2.1",
        .quote = "If the home agent receives a Registration Request without any authorization-enabling extension, "
                 "the home agent MUST silently discard the Registration Request.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"reply-without-auth-ext"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                check_silence(ctx, mn, mn.request(300).bytes(), "no authentication extension");
            },
    });

    registry.add({
        .id = "rfc5944-ha-bad-authenticator-rejected",
        .suite = "rfc5944-ha",
        .title = "A request with an invalid authenticator is rejected",
        .rfc = "RFC 5944",
        .section = "3.8.2.1",
        .quote = "If the Authenticator is invalid, the home agent MUST reject the mobile node's registration.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-bad-authenticator"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const auto rrq = mn.authenticated_request(300);
                auto bytes = rrq.bytes();
                bytes.back() ^= 0x01; // the last byte belongs to the MN-HA authenticator
                auto reply = mn.await_reply(mn.send_bytes(bytes));
                std::string observed = "no reply (discarded)";
                bool rejected = true;
                if (reply && check_decoded_reply(ctx, reply)) {
                    const uint8_t code = reply->reply.value().code();
                    observed = "reply code " + code_text(code);
                    rejected = !is_accepted(code);
                    // "If the home agent sends a Registration Reply, it MUST contain a valid Mobile-Home
                    // Authentication Extension." (3.8.2.1) It may use another SA the MN has, so the SPI picks the key.
                    const std::string mn_ha = mn_ha_status(ctx, *reply);
                    ctx.check("the denial carries a valid Mobile-Home Authentication Extension", "valid", mn_ha,
                              mn_ha == "valid");
                }
                ctx.check("tampered request is not accepted", "no reply or a denial (131 MAY be sent)", observed,
                          rejected);
                if (ctx.sut_spec().has("binding-query")) {
                    const auto bindings = bindings_of(ctx, mn.security_association().home_address);
                    ctx.check("no binding created by the tampered request", "no binding", describe(bindings),
                              bindings.empty());
                }
            },
    });

    registry.add({
        .id = "rfc5944-ha-reply-authenticator-valid",
        .suite = "rfc5944-ha",
        .title = "The Registration Reply carries a valid Mobile-Home Authentication Extension",
        .rfc = "RFC 5944",
        .section = "3.8.3.3",
        .quote = "Note that items (a) and (c) MUST appear in every Registration Reply sent by the home agent.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"bad-reply-authenticator"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                auto reply = mn.await_reply(mn.send(mn.authenticated_request(300)));
                const auto rrp = check_decoded_reply(ctx, reply);
                if (!rrp) return;
                const std::string mn_ha = mn_ha_status(ctx, *reply);
                ctx.check("Mobile-Home authenticator verifies with the key of the SA its SPI names (HMAC-MD5, "
                          "RFC 5944 3.5.1)",
                          "valid", mn_ha, mn_ha == "valid");
            },
    });
}

} // namespace mipvpn::testcases::ha
