// RFC 5944 1.8: unrecognised extensions in the two numbering ranges.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

namespace mipvpn::testcases::ha {

using namespace engine;

namespace {
// Unassigned by IANA in the Mobile IP control-message space; placed before the MN-HA so it is authenticated and
// only the extension rule can explain the Home Agent's reaction.
wire::RegistrationRequest with_unknown_extension(TesterMobileNode& mn, uint8_t type) {
    auto rrq = mn.request(300);
    rrq.add_extension(wire::Extension{type, {0xde, 0xad, 0xbe, 0xef}, 0});
    mn.authenticate(rrq);
    return rrq;
}
} // namespace

void register_extensions(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-unknown-extension-0-127-discards-message",
        .suite = "rfc5944-ha",
        .title = "A request with an unrecognised extension numbered 0-127 is silently discarded",
        .rfc = "RFC 5944",
        .section = "1.8",
        .quote = "When an Extension numbered in either of these sets within the range 0 through 127 is encountered "
                 "but not recognized, the message containing that Extension MUST be silently discarded.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-unknown-mandatory-extension"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                check_silence(ctx, mn, with_unknown_extension(mn, 120).bytes(), "unrecognised extension type 120");
            },
    });

    registry.add({
        .id = "rfc5944-ha-unknown-extension-128-255-skipped",
        .suite = "rfc5944-ha",
        .title = "An unrecognised extension numbered 128-255 is skipped and the request still processed",
        .rfc = "RFC 5944",
        .section = "1.8",
        .quote = "When an Extension numbered in the range 128 through 255 is encountered that is not recognized, "
                 "that particular Extension is ignored, but the rest of the Extensions and message data MUST still "
                 "be processed.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"reject-skippable-extension"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                const auto rrp =
                    check_decoded_reply(ctx, mn.await_reply(mn.send(with_unknown_extension(mn, 250))));
                if (!rrp) return;
                ctx.check("request with extension type 250 processed", "code 0 or 1 (accepted)",
                          code_text(rrp->code()), is_accepted(rrp->code()));
            },
    });
}

} // namespace mipvpn::testcases::ha
