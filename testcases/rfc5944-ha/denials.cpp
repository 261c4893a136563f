// RFC 5944 3.8.2.1 (broadcast), 3.8.2.3 and 3.8.3.2: requests the Home Agent must deny.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/sut/profile.h"

#include <arpa/inet.h>

namespace mipvpn::testcases::ha {

using namespace engine;

namespace {

// The subnet-directed broadcast address of "a.b.c.d/len".
Tins::IPv4Address directed_broadcast(TestContext& ctx, const std::string& prefix) {
    const auto slash = prefix.find('/');
    if (slash == std::string::npos)
        ctx.inconclusive(InconclusiveCause::SutConfig, "the profile declares no home_network for the Home Agent");
    const uint32_t host = static_cast<uint32_t>(Tins::IPv4Address(prefix.substr(0, slash)));
    const int len = std::stoi(prefix.substr(slash + 1));
    // Tins::IPv4Address stores network byte order; do the arithmetic in host order.
    const uint32_t h = ntohl(host);
    const uint32_t mask = len == 0 ? 0 : ~((1u << (32 - len)) - 1u);
    return Tins::IPv4Address(htonl((h & mask) | ~mask));
}

// Directed broadcasts are not routed, so the request comes from the tester on the home link. Its Home Agent
// field names the HA itself, so only the broadcast IP destination can explain a denial (a broadcast HA field would
// also be refused by the 3.8.3.2 rule).
std::optional<ObservedReply> send_to_broadcast(TestContext& ctx) {
    auto& mn = ctx.mobile_node("hn");
    SendOptions to_broadcast;
    to_broadcast.ip_destination = directed_broadcast(ctx, ctx.sut_spec().home_network);
    return mn.await_reply(mn.send(mn.authenticated_request(300), to_broadcast));
}

} // namespace

void register_denials(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-reserved-bits-rejected-134",
        .suite = "rfc5944-ha",
        .title = "A request with a non-zero reserved bit is rejected with code 134",
        .rfc = "RFC 5944",
        .section = "3.8.2.3",
        .quote = "Requests with non-zero bits in reserved fields MUST be rejected with Code 134 (poorly formed "
                 "Request).",
        .level = Level::Should,
        .level_note = "RFC 5944 3.3 also says the 'r' and 'x' bits are \"ignored on reception\", so a Home Agent "
                      "that accepts the request is scored as missing a SHOULD, not a MUST (protocol catalog G3)",
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-reserved-bits"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                auto rrq = mn.request(300);
                rrq.flags(static_cast<uint8_t>(rrq.flags() | 0x04)); // 'r': sent as zero, per 3.3
                mn.authenticate(rrq);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                ctx.check("reply code", code_text(134), code_text(rrp->code()), rrp->code() == 134);
            },
    });

    registry.add({
        .id = "rfc5944-ha-foreign-home-agent-field-rejected",
        .suite = "rfc5944-ha",
        .title = "A request naming another home agent is rejected and the reply names this one",
        .rfc = "RFC 5944",
        .section = "3.8.3.2",
        .quote = "Otherwise, the home agent MUST set the Home Agent field in the Registration Reply to its unicast "
                 "address.  In this latter case, the home agent MUST reject the registration with a suitable code "
                 "(e.g., Code 136) to prevent the mobile node from possibly being simultaneously registered with "
                 "two or more home agents.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-foreign-home-agent-field"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                auto rrq = mn.request(300);
                rrq.home_agent(unused_address(ctx, ctx.sut_spec().home_network));
                mn.authenticate(rrq);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                ctx.check("registration rejected", "a denial code (e.g. 136)", code_text(rrp->code()),
                          !is_accepted(rrp->code()));
                ctx.check("Home Agent field of the reply", ctx.sut_spec().address.to_string(),
                          rrp->home_agent().to_string(), rrp->home_agent() == ctx.sut_spec().address);
            },
    });

    registry.add({
        .id = "rfc5944-ha-broadcast-request-denied",
        .suite = "rfc5944-ha",
        .title = "A request sent to the home network's directed broadcast address is denied",
        .rfc = "RFC 5944",
        .section = "3.8.2.1",
        .quote = "In addition to checking the authentication in the Registration Request, home agents MUST deny "
                 "Registration Requests that are sent to the subnet-directed broadcast address of the home "
                 "network (as opposed to being unicast to the home agent).",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-broadcast"},
        .body =
            [](TestContext& ctx) {
                auto reply = send_to_broadcast(ctx);
                std::string observed = "no reply (discarded)";
                bool denied = true;
                if (reply && check_decoded_reply(ctx, reply)) {
                    const auto& rrp = reply->reply.value();
                    observed = "code " + code_text(rrp.code());
                    denied = !is_accepted(rrp.code());
                    ctx.check("reply IP source is the Home Agent's unicast address (3.8.3.1)",
                              ctx.sut_spec().address.to_string(), reply->ip_source.to_string(),
                              reply->ip_source == ctx.sut_spec().address);
                }
                ctx.check("broadcast request denied", "no acceptance", observed, denied);
            },
    });

    registry.add({
        .id = "rfc5944-ha-broadcast-request-answered-136",
        .suite = "rfc5944-ha",
        .title = "A request sent to the directed broadcast address is answered with code 136 and the HA's address",
        .rfc = "RFC 5944",
        .section = "3.8.2.1",
        .quote = "The home agent MUST discard the Request and SHOULD return a Registration Reply with a Code of 136. "
                 "In this case, the Registration Reply will contain the home agent's unicast address, so that the "
                 "mobile node can re-issue the Registration Request with the correct home agent address.",
        .level = Level::Should,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-broadcast"},
        .body =
            [](TestContext& ctx) {
                const auto rrp = check_decoded_reply(ctx, send_to_broadcast(ctx));
                if (!rrp) return;
                ctx.check("reply code", code_text(136), code_text(rrp->code()), rrp->code() == 136);
                ctx.check("reply names the unicast Home Agent address", ctx.sut_spec().address.to_string(),
                          rrp->home_agent().to_string(), rrp->home_agent() == ctx.sut_spec().address);
            },
    });
}

} // namespace mipvpn::testcases::ha
