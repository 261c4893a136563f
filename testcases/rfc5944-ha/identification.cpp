// RFC 5944 3.8.2.1 (b) and 5.7 / 5.7.1: replay protection with timestamps.
#include "testcases/rfc5944-ha/ha_steps.h"
#include "testcases/rfc5944-ha/suite.h"

#include "harness/net/clock.h"
#include "harness/sut/profile.h"
#include "harness/wire/ntp.h"

#include <cmath>
#include <thread>

namespace mipvpn::testcases::ha {

using namespace engine;

namespace {
// An hour in the past: far outside any sane tolerance (RFC 5944 5.7.1 suggests 7 s).
constexpr uint64_t stale_offset = 3600ull << 32;

wire::RegistrationRequest stale_request(TesterMobileNode& mn) {
    auto rrq = mn.request(300);
    rrq.identification(rrq.identification() - stale_offset);
    mn.authenticate(rrq);
    return rrq;
}
} // namespace

void register_identification(Registry& registry) {
    registry.add({
        .id = "rfc5944-ha-stale-identification-rejected-133",
        .suite = "rfc5944-ha",
        .title = "A request whose timestamp is not close to the Home Agent's clock is rejected with code 133",
        .rfc = "RFC 5944",
        .section = "5.7.1",
        .quote = "In this latter case, the home agent MUST reject the registration by returning Code 133 "
                 "(registration Identification mismatch) in the Registration Reply.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"accept-stale-identification"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const auto rrq = stale_request(mn);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                ctx.check("reply code", code_text(133), code_text(rrp->code()), rrp->code() == 133);
                if (ctx.sut_spec().has("binding-query")) {
                    const auto bindings = bindings_of(ctx, mn.security_association().home_address);
                    ctx.check("no binding from the stale request", "no binding", describe(bindings), bindings.empty());
                }
            },
    });

    registry.add({
        .id = "rfc5944-ha-133-carries-ha-time",
        .suite = "rfc5944-ha",
        .title = "A code-133 reply copies the low 32 bits and supplies the Home Agent's time in the high 32 bits",
        .rfc = "RFC 5944",
        .section = "5.7.1",
        .quote = "If the timestamp is not valid, the home agent copies only the low-order 32 bits into the "
                 "Registration Reply, and supplies the high-order 32 bits from its own time of day.",
        // No RFC 2119 keyword in this sentence; 3.8.2.1 (b) says the HA "SHOULD send a Registration Reply ... with
        // Code 133, including an Identification field computed in accordance with ... Section 5.7".
        .level = Level::Should,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"wrong-identification-high-bits"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                const auto rrq = stale_request(mn);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                if (!ctx.check("reply code", code_text(133), code_text(rrp->code()), rrp->code() == 133)) return;
                const uint64_t sent = rrq.identification(), got = rrp->identification();
                ctx.check("low-order 32 bits of Identification", hex64(sent & 0xffffffffu),
                          hex64(got & 0xffffffffu), (sent & 0xffffffffu) == (got & 0xffffffffu));
                // Harness and SUT share this machine's clock; allow the 7 s tolerance of 5.7.1 for a remote SUT.
                const double now = static_cast<double>(net::ntp_now() >> 32);
                const double ha_time = static_cast<double>(got >> 32);
                ctx.check("high-order 32 bits are the Home Agent's time of day (NTP seconds)",
                          "within 7 s of " + std::to_string(static_cast<uint64_t>(now)),
                          std::to_string(static_cast<uint64_t>(ha_time)), std::fabs(now - ha_time) <= 7.0);
            },
    });

    registry.add({
        .id = "rfc5944-ha-identification-low-bits-copied",
        .suite = "rfc5944-ha",
        .title = "The low-order 32 bits of the Identification are copied into the reply",
        .rfc = "RFC 5944",
        .section = "5.7",
        .quote = "Whatever method is used, the low-order 32 bits of the Identification field MUST be copied "
                 "unchanged from the Registration Request to the Reply.",
        .level = Level::Must,
        .guidelines = {"5.5"},
        .role = "ha",
        .capabilities = {},
        .proving_faults = {"wrong-identification-low-bits"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                const auto rrq = mn.authenticated_request(300);
                const auto rrp = check_decoded_reply(ctx, mn.await_reply(mn.send(rrq)));
                if (!rrp) return;
                const uint64_t sent = rrq.identification(), got = rrp->identification();
                ctx.check("low-order 32 bits of Identification", hex64(sent & 0xffffffffu),
                          hex64(got & 0xffffffffu), (sent & 0xffffffffu) == (got & 0xffffffffu));
            },
    });

    registry.add({
        .id = "rfc5944-ha-duplicate-does-not-extend-lifetime",
        .suite = "rfc5944-ha",
        .title = "A duplicate of an accepted request does not extend the binding's lifetime",
        .rfc = "RFC 5944",
        .section = "3.8.2.2",
        .quote = "If the Registration Request duplicates an accepted current Registration Request, the new "
                 "Lifetime MUST NOT extend beyond the Lifetime originally granted.",
        .level = Level::Must,
        .guidelines = {"5.5", "5.10"},
        .role = "ha",
        .capabilities = {"binding-query"},
        .proving_faults = {"duplicate-extends-lifetime"},
        .body =
            [](TestContext& ctx) {
                auto& mn = ctx.mobile_node();
                start_without_bindings(ctx, mn);
                const auto rrq = mn.authenticated_request(60);
                mn.register_or_inconclusive(rrq, "the registration to duplicate");
                // Let a measurable part of the lifetime pass, watching the binding (state poll, not a fixed sleep).
                std::optional<Binding> before;
                const auto until = ctx.wait_until(std::chrono::milliseconds(5000));
                while (std::chrono::steady_clock::now() < until) {
                    before = binding_for(ctx, rrq.home_address(), rrq.care_of_address());
                    if (!before) ctx.inconclusive(InconclusiveCause::Adapter, "the accepted binding is not listed");
                    if (before->remaining_s <= before->lifetime_granted - 1.0) break;
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
                if (!before || before->remaining_s > before->lifetime_granted - 1.0)
                    ctx.inconclusive(InconclusiveCause::Timeout, "the binding's remaining lifetime did not decrease");
                // Byte-identical: same home address, care-of address and Identification.
                auto reply = mn.await_reply(mn.send(rrq));
                if (reply && reply->reply.ok()) {
                    const auto& rrp = reply->reply.value();
                    if (is_accepted(rrp.code()))
                        ctx.check("Lifetime granted to the duplicate",
                                  "at most the " + std::to_string(before->remaining_s) + " s left of the original",
                                  std::to_string(rrp.lifetime()) + " s", rrp.lifetime() <= before->remaining_s + 0.5);
                    else
                        ctx.note("the duplicate was rejected with code " + code_text(rrp.code()) +
                                 " (with timestamps a replayed Identification is not greater than the accepted one)");
                }
                const auto after = binding_for(ctx, rrq.home_address(), rrq.care_of_address());
                ctx.check("remaining lifetime after the duplicate",
                          "the binding kept, with at most " + std::to_string(before->remaining_s) + " s left",
                          after ? std::to_string(after->remaining_s) + " s" : "binding gone",
                          after && after->remaining_s <= before->remaining_s + 0.05);
            },
    });
}

} // namespace mipvpn::testcases::ha
