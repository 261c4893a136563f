#include "agents/mn/registration_messages.h"

#include <cinttypes>
#include <cstdio>

#include "harness/wire/authentication.h"
#include "harness/wire/codes.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::mn {
namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08" PRIx32, v);
  return buf;
}

}  // namespace

std::string flags_text(uint8_t f) {
  static constexpr const char* names[8] = {"S", "B", "D", "M", "G", "r", "T", "x"};
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (f & (0x80 >> i)) out += (out.empty() ? "" : ",") + std::string(names[i]);
  }
  return out.empty() ? "-" : out;
}

wire::Extension udp_tunnel_request_extension(const UdpTunnelRequestFields& f) {
  // Reserved fields "MUST be set to 0 on sending" (RFC 3519 3.1).
  wire::UdpTunnelRequestExtension e;
  e.f = f.force;
  e.r = f.registration_through_fa;
  e.encapsulation = f.encapsulation;
  return e.to_extension();
}

std::vector<uint8_t> build_registration_request(const RequestFields& fields, const SecurityAssociation& mn_ha,
                                                const SecurityAssociation* mn_fa,
                                                const std::optional<UdpTunnelRequestFields>& udp,
                                                bool udp_after_auth) {
  wire::RegistrationRequest r(fields.lifetime, fields.home_address, fields.home_agent, fields.care_of_address,
                              fields.identification, fields.flags);
  if (udp && !udp_after_auth) r.add_extension(udp_tunnel_request_extension(*udp));
  r.add_authentication(wire::MnHaAuth, mn_ha.spi, mn_ha.key);
  if (udp && udp_after_auth) r.add_extension(udp_tunnel_request_extension(*udp));
  if (mn_fa != nullptr) r.add_authentication(wire::MnFaAuth, mn_fa->spi, mn_fa->key);
  return r.bytes();
}

std::optional<UdpTunnelReplyFields> parse_udp_tunnel_reply(const wire::Extension& e) {
  auto r = wire::UdpTunnelReplyExtension::from(e);
  if (!r || r.value().sub_type != 0) return std::nullopt;
  UdpTunnelReplyFields f;
  f.code = r.value().reply_code;
  f.forced = r.value().f;
  f.keepalive_s = r.value().keepalive_interval;
  return f;
}

bool denied_by_foreign_agent(uint8_t code) { return code >= 64 && code <= 127; }

ReplyCheck check_reply(std::span<const uint8_t> payload, const ReplyExpectation& expect) {
  ReplyCheck out;
  auto decoded = wire::RegistrationReply::decode(payload.data(), payload.size());
  if (!decoded) {
    out.reason = "undecodable Registration Reply: " + decoded.error().to_string();
    return out;
  }
  const wire::RegistrationReply& rep = decoded.value();
  if (rep.home_address() != expect.home_address) {
    out.reason = "Home Address " + rep.home_address().to_string() + " is not ours";
    return out;
  }
  // "the low-order 32 bits of the Identification field in the Registration Reply MUST be compared to the low-order
  // 32 bits of the Identification field in the most recent Registration Request sent to the replying agent. If they
  // do not match, the Reply MUST be silently discarded." (3.6.2.1)
  const uint32_t got = static_cast<uint32_t>(rep.identification());
  const uint32_t want = static_cast<uint32_t>(expect.identification);
  if (got != want && expect.check_identification) {
    out.reason = "Identification low-order bits " + hex32(got) + " != " + hex32(want) +
                 " of the most recent request, silently discarded (RFC 5944 3.6.2.1)";
    return out;
  }
  std::vector<const wire::Extension*> mn_ha, mn_fa;
  bool tnc_before_mn_ha = false;
  for (const wire::Extension& e : rep.extensions()) {
    if (e.type == wire::TrustedNetworksConfigured && mn_ha.empty()) {
      tnc_before_mn_ha = tnc_before_mn_ha || wire::TrustedNetworksConfiguredExtension::from(e).ok();
    }
    if (e.type == wire::MnHaAuth) mn_ha.push_back(&e);
    if (e.type == wire::MnFaAuth) mn_fa.push_back(&e);
    if (e.type == kUdpTunnelReplyType && !out.udp_tunnel_reply) out.udp_tunnel_reply = parse_udp_tunnel_reply(e);
  }
  // (a) "exactly one Mobile-Foreign Authentication Extension MUST be present [...] and the mobile node MUST check
  // the Authenticator value"
  if (expect.mn_fa != nullptr && expect.check_authentication) {
    if (mn_fa.size() != 1 || !wire::verify_authentication(payload, *mn_fa[0], expect.mn_fa->key)) {
      out.reason = mn_fa.size() != 1 ? std::to_string(mn_fa.size()) + " Mobile-Foreign Authentication Extensions"
                                     : "Mobile-Foreign Authenticator invalid";
      out.reason += ", silently discarded (security exception, RFC 5944 3.6.2.1 a)";
      out.security_exception = true;
      return out;
    }
  }
  // (b) accepted or denied by the home agent: "exactly one Mobile-Home Authentication Extension MUST be present in
  // the Registration Reply, and the mobile node MUST check the Authenticator value"
  if (!denied_by_foreign_agent(rep.code()) && expect.check_authentication) {
    bool ok = mn_ha.size() == 1 && expect.mn_ha != nullptr;
    if (ok) {
      auto auth = wire::AuthExtension::from(*mn_ha[0]);
      ok = auth && auth->spi == expect.mn_ha->spi && wire::verify_authentication(payload, *mn_ha[0], expect.mn_ha->key);
    }
    if (!ok) {
      out.reason = mn_ha.size() != 1 ? std::to_string(mn_ha.size()) + " Mobile-Home Authentication Extensions"
                                     : "Mobile-Home Authenticator invalid";
      out.reason += " in a reply with home agent code " + std::to_string(rep.code()) +
                    ", silently discarded (security exception, RFC 5944 3.6.2.1 b)";
      out.security_exception = true;
      return out;
    }
  }
  out.trusted_networks_configured = tnc_before_mn_ha && mn_ha.size() == 1;
  out.valid = true;
  out.reason = "code " + std::to_string(rep.code()) + " (" + std::string(wire::reply_code_name(rep.code())) + ")";
  out.reply = rep;
  return out;
}

}  // namespace mipvpn::agents::mn
