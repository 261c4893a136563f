#include "testcases/rfc5944-ha/ha_steps.h"

#include "harness/sut/adapter.h"
#include "harness/wire/authentication.h"
#include "harness/wire/codes.h"

#include "harness/topo/lab.h"

#include <arpa/inet.h>

#include <cstdio>
#include <limits>
#include <set>

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
                            // null: an infinite lifetime (0xffff granted)
                            b.at("remaining_s").is_null() ? std::numeric_limits<double>::infinity()
                                                          : b.at("remaining_s").get<double>(),
                            b.at("lifetime_granted").get<uint32_t>()};
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

bool check_silence(engine::TestContext& ctx, engine::TesterMobileNode& mn, const std::vector<uint8_t>& probe,
                   const std::string& why) {
    auto control = mn.await_reply(mn.send(mn.authenticated_request(300)));
    if (!control)
        ctx.inconclusive(InconclusiveCause::SutConfig,
                         "the SUT does not answer a valid Registration Request, so its silence would prove nothing");
    const auto sent = mn.send_bytes(probe);
    auto reply = mn.any_reply_since(sent, mn.reply_timeout());
    std::string observed = "no reply within " + std::to_string(mn.reply_timeout().count()) + " ms on any segment";
    if (reply) {
        observed = "a Registration Reply on segment " + reply->segment;
        if (reply->reply.ok()) observed += " with code " + code_text(reply->reply.value().code());
    }
    return ctx.check("Home Agent silent: " + why, "no Registration Reply (silent discard)", observed, !reply);
}

void start_without_bindings(engine::TestContext& ctx, engine::TesterMobileNode& mn) {
    if (ctx.sut_spec().restart_per_test || !ctx.sut_spec().has("binding-query")) return;
    const auto hoa = mn.security_association().home_address;
    auto dereg = mn.request(0);
    dereg.care_of_address(hoa);
    mn.authenticate(dereg);
    mn.register_or_inconclusive(dereg, "deregistration of bindings left by earlier cases");
    const auto left = bindings_of(ctx, hoa);
    if (!left.empty())
        ctx.inconclusive(InconclusiveCause::SutConfig, "bindings of earlier cases remain after deregistering all: " +
                                                           describe(left));
}

std::string tester_subnet(engine::TestContext& ctx, engine::TesterMobileNode& mn) {
    const auto& node = ctx.lab().node(mn.node());
    return ctx.lab().segment(node.interfaces.front().segment).subnet;
}

Tins::IPv4Address unused_address(engine::TestContext& ctx, const std::string& prefix) {
    const auto parsed = topo::Ipv4Prefix::parse(prefix);
    if (!parsed) ctx.inconclusive(InconclusiveCause::SutConfig, "not an IPv4 prefix: " + prefix);
    std::set<uint32_t> taken{static_cast<uint32_t>(ctx.sut_spec().address)};
    for (const auto& node : ctx.lab().topology().nodes)
        for (const auto& itf : node.interfaces) taken.insert(static_cast<uint32_t>(Tins::IPv4Address(itf.address)));
    for (const auto& sa : ctx.sut_spec().security_associations) taken.insert(static_cast<uint32_t>(sa.home_address));
    // Highest host address first: far from the addresses people usually give to routers and agents.
    for (uint32_t host = parsed->broadcast() - 1; host > parsed->network(); --host) {
        const Tins::IPv4Address candidate(htonl(host));
        if (!taken.count(static_cast<uint32_t>(candidate))) return candidate;
    }
    ctx.inconclusive(InconclusiveCause::SutConfig, "no unused address left in " + prefix);
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

std::string mn_ha_status(engine::TestContext& ctx, const engine::ObservedReply& reply) {
    if (!reply.reply.ok()) return "reply does not decode";
    const wire::Extension* mn_ha = nullptr;
    for (const auto& ext : reply.reply.value().extensions())
        if (ext.type == wire::ExtensionType::MnHaAuth) mn_ha = &ext;
    if (!mn_ha) return "absent";
    const auto auth = wire::AuthExtension::from(*mn_ha);
    if (!auth.ok()) return "malformed: " + auth.error().to_string();
    for (const auto& sa : ctx.sut_spec().security_associations)
        if (sa.spi == auth.value().spi && sa.home_address == reply.reply.value().home_address())
            return wire::verify_authentication(reply.payload, *mn_ha, sa.key) ? "valid" : "invalid authenticator";
    return "SPI " + std::to_string(auth.value().spi) + " names no security association of the profile for " +
           reply.reply.value().home_address().to_string();
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
