#include "testcases/rfc5944-ha/ha_steps.h"

#include "harness/sut/adapter.h"
#include "harness/wire/codes.h"

#include <cstdio>

namespace mipvpn::testcases::ha {

using engine::InconclusiveCause;

std::vector<Binding> bindings_of(engine::TestContext& ctx, Tins::IPv4Address home_address) {
    std::string error;
    auto answer = ctx.sut().query_bindings(error);
    if (!answer) ctx.inconclusive(InconclusiveCause::Adapter, "binding query failed: " + error);
    std::vector<Binding> out;
    try {
        for (const auto& b : answer->at("bindings")) {
            Binding binding{Tins::IPv4Address(b.at("home_address").get<std::string>()),
                            Tins::IPv4Address(b.at("care_of_address").get<std::string>()),
                            b.at("remaining_s").get<double>(), b.at("lifetime_granted").get<uint32_t>()};
            if (binding.home_address == home_address) out.push_back(binding);
        }
    } catch (const std::exception& e) {
        ctx.inconclusive(InconclusiveCause::Adapter, std::string("binding query answer has an unexpected shape: ") +
                                                         e.what() + " in " + answer->dump());
    }
    return out;
}

std::optional<Binding> binding_for(engine::TestContext& ctx, Tins::IPv4Address home_address,
                                   Tins::IPv4Address care_of_address) {
    for (const auto& b : bindings_of(ctx, home_address))
        if (b.care_of_address == care_of_address) return b;
    return std::nullopt;
}

std::string describe(const std::vector<Binding>& bindings) {
    if (bindings.empty()) return "no binding";
    std::string out;
    for (const auto& b : bindings) {
        char remaining[32];
        std::snprintf(remaining, sizeof(remaining), "%.1f", b.remaining_s);
        out += (out.empty() ? "" : ", ") + b.home_address.to_string() + " -> " + b.care_of_address.to_string() +
               " (granted " + std::to_string(b.lifetime_granted) + " s, " + remaining + " s left)";
    }
    return out;
}

bool check_silence(engine::TestContext& ctx, engine::TesterMobileNode& mn, uint64_t from, const std::string& why) {
    auto reply = mn.await_reply(from, engine::TesterMobileNode::silence_window);
    std::string observed = "no reply within " + std::to_string(engine::TesterMobileNode::silence_window.count()) + " ms";
    if (reply) {
        observed = "a Registration Reply";
        if (reply->reply.ok()) observed += " with code " + code_text(reply->reply.value().code());
    }
    return ctx.check("Home Agent silent: " + why, "no Registration Reply (silent discard)", observed, !reply);
}

std::optional<wire::RegistrationReply> check_decoded_reply(engine::TestContext& ctx,
                                                          const std::optional<engine::ObservedReply>& reply) {
    if (!ctx.check("a Registration Reply arrives", "a Registration Reply",
                   reply ? "a reply" : "no reply before the deadline", reply.has_value()))
        return std::nullopt;
    if (!ctx.check("the Registration Reply decodes", "a well-formed Registration Reply (RFC 5944 3.4)",
                   reply->reply.ok() ? "well-formed" : reply->reply.error().to_string(), reply->reply.ok()))
        return std::nullopt;
    return reply->reply.value();
}

bool is_accepted(uint8_t code) { return code == 0 || code == 1; }

std::string code_text(uint8_t code) {
    return std::to_string(code) + " (" + std::string(wire::reply_code_name(code)) + ")";
}

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace mipvpn::testcases::ha
