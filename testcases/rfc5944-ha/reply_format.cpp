// RFC 5944 3.8.3.1 and 3.8.3.3: how the Home Agent addresses and lays out its Registration Reply.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/sut/profile.h"

namespace mipvpn::testcases::ha {

using namespace engine;

namespace {
bool is_foreign_agent_only(uint8_t type) {
    // Extensions an HA may place after the MN-HA: FA-only ones and the FA-HA authentication (3.8.3.3 d, e).
    return type == wire::ExtensionType::FaHaAuth;
}
} // namespace

void register_reply_format(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-reply-ip-addresses",
        .suite = "rfc5944-ha",
        .title = "The reply's IP source is the request's destination and its destination the request's source",
        .rfc = "RFC 5944",
        .section = "3.8.3.1",
        .quote = "IP Source Address [...] Copied from the IP Destination Address of the Registration Request, "
                 "unless a multicast or broadcast address was used. [...] IP Destination Address [...] Copied from "
                 "the IP Source Address of the Registration Request.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"reply-wrong-source-address"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                auto reply = mn.await_reply(mn.send(mn.authenticated_request(300)));
                if (!check_decoded_reply(ctx, reply)) return;
                ctx.check("IP source of the reply", ctx.sut_spec().address.to_string(), reply->ip_source.to_string(),
                          reply->ip_source == ctx.sut_spec().address);
                ctx.check("IP destination of the reply", mn.address().to_string(), reply->ip_destination.to_string(),
                          reply->ip_destination == mn.address());
            },
    });

    registry.add({
        .id = "rfc5944-ha-reply-udp-ports",
        .suite = "rfc5944-ha",
        .title = "The reply's UDP ports are the request's, swapped",
        .rfc = "RFC 5944",
        .section = "3.8.3.1",
        .quote = "UDP Source Port [...] Copied from the UDP Destination Port of the Registration Request. [...] "
                 "UDP Destination Port [...] Copied from the UDP Source Port of the Registration Request.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"reply-to-port-434"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                SendOptions options; // source port deliberately not 434
                auto reply = mn.await_reply(mn.send(mn.authenticated_request(300), options));
                if (!check_decoded_reply(ctx, reply)) return;
                ctx.check("UDP source port of the reply", "434", std::to_string(reply->source_port),
                          reply->source_port == 434);
                ctx.check("UDP destination port of the reply", std::to_string(options.source_port),
                          std::to_string(reply->destination_port), reply->destination_port == options.source_port);
            },
    });

    registry.add({
        .id = "rfc5944-ha-reply-extension-order",
        .suite = "rfc5944-ha",
        .title = "The reply carries exactly one Mobile-Home Authentication Extension, after the MN's extensions",
        .rfc = "RFC 5944",
        .section = "3.8.3.3",
        .quote = "This section describes the ordering of any required and any optional Mobile IP Extensions that a "
                 "home agent appends to a Registration Reply.  The following ordering MUST be followed:",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"extension-after-auth"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(mn.authenticated_request(300))));
                if (!rrp) return;
                std::string layout;
                int mn_ha = 0;
                bool misplaced = false;
                for (const auto& ext : rrp->extensions()) {
                    layout += (layout.empty() ? "" : ", ") + std::to_string(ext.type);
                    if (ext.type == wire::ExtensionType::MnHaAuth) ++mn_ha;
                    else if (mn_ha > 0 && !is_foreign_agent_only(ext.type)) misplaced = true;
                }
                if (layout.empty()) layout = "no extensions";
                ctx.check("Mobile-Home Authentication Extensions in the reply", "exactly one",
                          std::to_string(mn_ha) + " (extension types: " + layout + ")", mn_ha == 1);
                ctx.check("extensions after the Mobile-Home Authentication Extension",
                          "only foreign-agent extensions and the Foreign-Home Authentication Extension",
                          "extension types in order: " + layout, !misplaced);
            },
    });
}

} // namespace mipvpn::testcases::ha
