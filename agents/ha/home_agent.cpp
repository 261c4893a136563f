#include "agents/ha/home_agent.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <set>

#include "harness/wire/authentication.h"
#include "harness/wire/codes.h"
#include "harness/wire/extension.h"
#include "harness/wire/hmac.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::ha {
namespace {

using std::chrono::steady_clock;
namespace wire = mipvpn::wire;

constexpr uint8_t kFaultExtensionType = 255;

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
  return buf;
}

std::string flags_text(uint8_t f) {
  static constexpr const char* names[8] = {"S", "B", "D", "M", "G", "r", "T", "x"};
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (f & (0x80 >> i)) out += (out.empty() ? "" : ",") + std::string(names[i]);
  }
  return out.empty() ? "-" : out;
}

std::string summarize(const wire::RegistrationRequest& req) {
  std::string s = "RRQ flags=" + flags_text(req.flags()) + " lifetime=" + std::to_string(req.lifetime()) +
                  " HoA=" + req.home_address().to_string() + " HA=" + req.home_agent().to_string() +
                  " CoA=" + req.care_of_address().to_string() + " id=" + hex64(req.identification()) + " exts=[";
  bool first = true;
  for (const wire::Extension& e : req.extensions()) {
    if (!first) s += ", ";
    first = false;
    s += wire::registration_extension_name(e.type);
    if (wire::is_auth_extension(e.type)) {
      auto a = wire::AuthExtension::from(e);
      if (a) s += " spi=" + std::to_string(a->spi);
    } else if (e.type != wire::Pad) {
      s += " len=" + std::to_string(e.body.size());
    }
  }
  return s + "]";
}

uint64_t ntp_now(const Now& now) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.wall.time_since_epoch()).count();
  const int64_t sec = ns / 1000000000;
  const int64_t rem = ns % 1000000000;
  return wire::ntp_from_unix(sec, static_cast<uint32_t>(rem < 0 ? 0 : rem));
}

double wall_seconds(const Now& now) {
  return std::chrono::duration<double>(now.wall.time_since_epoch()).count();
}

std::string code_text(uint8_t code) {
  return std::to_string(code) + " (" + std::string(wire::reply_code_name(code)) + ")";
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Accepted: return "accepted";
    case Verdict::Denied: return "denied";
    case Verdict::Discarded: return "discarded";
  }
  return "?";
}

HomeAgent::HomeAgent(HaConfig config, FaultSet faults) : config_(std::move(config)), faults_(faults) {
  index_mobile_nodes();
}

bool HomeAgent::is_broadcast_or_multicast(const Tins::IPv4Address& a) const {
  return to_host(a) == 0xffffffffu || a == config_.home_network.broadcast() || a.is_multicast();
}

Tins::IPv4Address HomeAgent::wrong_source_address() const {
  // Another address of the home network that is not the HA's (and not its network or broadcast address).
  const uint32_t own = to_host(config_.address);
  uint32_t other = own + 1;
  const Tins::IPv4Address candidate = from_host(other);
  if (!config_.home_network.contains(candidate) || candidate == config_.home_network.broadcast()) other = own - 1;
  if (from_host(other) == config_.home_network.network) other = own ^ 0x2u;
  return from_host(other);
}

bool HomeAgent::treats_as_trusted(const Tins::IPv4Address& source) const {
  return config_.trusts(source) || faults_.has(Fault::TncToUntrustedSource);
}

OutgoingReply HomeAgent::build_reply(const ReplySpec& spec, const Endpoint& source, const Endpoint& destination,
                                     const std::vector<wire::Extension>& before_auth) const {
  wire::RegistrationReply rep;
  rep.code(spec.code);
  rep.lifetime(spec.lifetime);
  rep.home_address(spec.home_address);
  rep.home_agent(spec.home_agent);
  rep.identification(spec.identification);
  // The mobile node's non-authentication extensions come before the Mobile-Home Authentication Extension (3.8.3.3).
  for (const wire::Extension& e : before_auth) rep.add_extension(e);
  // An i-HA "MUST include a Trusted Networks Configured extension ... in a registration reply sent in response to a
  // registration request coming from a trusted address" (RFC 5265 4.3); it is for the mobile node, so before MN-HA.
  const bool tnc = config_.is_internal_home_agent() && treats_as_trusted(source.address) &&
                   !faults_.has(Fault::NoTncToTrustedSource);
  if (tnc) rep.add_extension(wire::TrustedNetworksConfiguredExtension{}.to_extension());
  const size_t auth_offset = rep.bytes().size();
  rep.add_authentication(wire::MnHaAuth, spec.spi, spec.key);
  if (faults_.has(Fault::ExtensionAfterAuth)) {
    wire::Extension extra;
    extra.type = kFaultExtensionType;
    extra.body = {0, 0};
    rep.add_extension(extra);
  }
  OutgoingReply out;
  out.payload = rep.bytes();
  if (faults_.has(Fault::BadReplyAuthenticator)) {
    const size_t last = auth_offset + 2 + 4 + wire::kHmacMd5Size - 1;  // last byte of the authenticator
    if (last < out.payload.size()) out.payload[last] ^= 0x01;
  }
  // IP/UDP fields (RFC 5944 3.8.3.1).
  out.source = is_broadcast_or_multicast(destination.address) ? config_.address : destination.address;
  if (faults_.has(Fault::ReplyWrongSourceAddress)) out.source = wrong_source_address();
  out.source_port = destination.port;
  out.destination = source;
  if (faults_.has(Fault::ReplyToPort434)) out.destination.port = kRegistrationPort;
  out.code = spec.code;
  out.lifetime = spec.lifetime;
  out.identification = spec.identification;
  out.home_agent = spec.home_agent;
  out.trusted_networks_configured = tnc;
  return out;
}

Outcome HomeAgent::process(std::span<const uint8_t> payload, const Endpoint& source, const Endpoint& destination,
                           const Now& now) {
  const ForeignAgentSa* fa_sa = nullptr;
  Outcome out = process_request(payload, source, destination, now, fa_sa);
  if (out.reply && !config_.foreign_agents.empty()) authenticate_to_foreign_agent(*out.reply, source, fa_sa);
  return out;
}

void HomeAgent::authenticate_to_foreign_agent(OutgoingReply& reply, const Endpoint& source,
                                              const ForeignAgentSa* fa_sa) const {
  // The reply goes back to the request's IP source address (3.8.3.1), the foreign agent's care-of address (3.7.2.2).
  if (!config_.shares_sa_with_foreign_agent(source.address)) return;
  // RFC 5944 3.5.4: "The Foreign-Home Authentication extension MUST NOT be applied to deregistration messages."
  if (reply.lifetime == 0 && !faults_.has(Fault::FaHaOnDeregistrationReply)) return;
  // RFC 5944 3.8.3.3: "item (e) MUST be included when the home agent and the foreign agent share a Mobility Security
  // Association", last, after the Mobile-Home Authentication Extension (c) and any FA-only extensions (d).
  if (faults_.has(Fault::NoFaHaInReply)) return;
  if (fa_sa == nullptr) {  // the request had no valid FA-HA (a denial): the first SA configured for this agent
    for (const ForeignAgentSa& sa : config_.foreign_agents) {
      if (sa.address == source.address) {
        fa_sa = &sa;
        break;
      }
    }
  }
  wire::encode_extension(wire::make_authentication(reply.payload, wire::FaHaAuth, fa_sa->spi, fa_sa->key),
                         reply.payload);
  reply.foreign_home_spi = fa_sa->spi;
}

Outcome HomeAgent::process_request(std::span<const uint8_t> payload, const Endpoint& source,
                                   const Endpoint& destination, const Now& now, const ForeignAgentSa*& fa_sa) {
  Outcome out;
  auto discard = [&](std::string why) {
    out.verdict = Verdict::Discarded;
    out.reason = std::move(why);
    out.reply.reset();
    return out;
  };

  // Decoding. Anything that is not a well-formed Registration Request is dropped without an answer.
  if (payload.empty()) return discard("empty UDP payload");
  if (payload[0] != 1) {
    out.request = "message type " + std::to_string(payload[0]);
    return discard("not a Registration Request (type " + std::to_string(payload[0]) + ")");
  }
  auto decoded = wire::RegistrationRequest::decode(payload.data(), payload.size());
  if (!decoded) {
    out.request = "undecodable RRQ (" + std::to_string(payload.size()) + " bytes)";
    return discard("undecodable: " + decoded.error().to_string());
  }
  const wire::RegistrationRequest& req = decoded.value();
  out.request = summarize(req);

  // Internal home agent (RFC 5265 4.3): "MUST reject (drop silently) any registration request coming from a source
  // address that is not inside any of the configured trusted subnets". The source is the request's IP source
  // address (the mobile node's, or the relaying foreign agent's), checked before anything could answer it.
  if (config_.is_internal_home_agent() && !treats_as_trusted(source.address)) {
    if (!faults_.has(Fault::AnswerUntrustedSource)) {
      return discard("source address " + source.address.to_string() +
                     " not in any trusted network: dropped silently (i-HA, RFC 5265 4.3)");
    }
  }

  const Tins::IPv4Address hoa = req.home_address();
  const Tins::IPv4Address coa = req.care_of_address();
  const uint64_t id = req.identification();
  const uint16_t requested = req.lifetime();
  const uint16_t capped = std::min(requested, config_.max_lifetime);

  // Unrecognized extensions (RFC 5944 1.8).
  bool skippable_unknown = false;
  const wire::Extension* mn_ha = nullptr;
  size_t mn_ha_count = 0;
  std::vector<const wire::Extension*> fa_ha;
  UdpTunnelRequestAt udp_request;  // RFC 3519 3.1
  for (const wire::Extension& e : req.extensions()) {
    if (e.type == wire::UdpTunnelRequest && udp_request.extension == nullptr) {
      udp_request = {&e, mn_ha != nullptr};
      continue;
    }
    if (!wire::is_known_registration_extension(e.type)) {
      if (wire::classify_unknown(e.type) == wire::ExtensionDisposition::DiscardMessage) {
        if (!faults_.has(Fault::AcceptUnknownMandatoryExtension)) {
          return discard("unrecognized extension type " + std::to_string(e.type) + " at offset " +
                         std::to_string(e.offset) + " (0-127: discard the message, RFC 5944 1.8)");
        }
      } else {
        skippable_unknown = true;
      }
      continue;
    }
    if (e.type == wire::MnHaAuth) {
      if (mn_ha == nullptr) mn_ha = &e;
      ++mn_ha_count;
    }
    if (e.type == wire::FaHaAuth) fa_ha.push_back(&e);
  }

  // Authentication (RFC 5944 3.8.2.1 a).
  if (mn_ha == nullptr) {
    if (faults_.has(Fault::ReplyWithoutAuthExt)) {
      const MobileNodeSa* any = nullptr;
      for (const MobileNodeSa& sa : config_.mobile_nodes) {
        if (sa.home_address == hoa) {
          any = &sa;
          break;
        }
      }
      static const std::vector<uint8_t> no_key;
      ReplySpec spec{wire::kHaPoorlyFormedRequest, capped, hoa, config_.address, id, any ? any->spi : 0u,
                     any ? std::span<const uint8_t>(any->key) : std::span<const uint8_t>(no_key)};
      out.verdict = Verdict::Denied;
      out.reason = "no Mobile-Home Authentication Extension; fault reply-without-auth-ext answers 134";
      out.reply = build_reply(spec, source, destination);
      return out;
    }
    return discard("no Mobile-Home Authentication Extension (silent discard, RFC 5944 3.8.2.1 a)");
  }
  auto auth = wire::AuthExtension::from(*mn_ha);
  if (!auth) return discard("Mobile-Home Authentication Extension unusable: " + auth.error().to_string());
  const MobileNodeSa* sa = find_sa(hoa, auth->spi);
  if (sa == nullptr) {
    if (faults_.has(Fault::ReplyWithoutSa)) {
      static const std::vector<uint8_t> no_key;
      ReplySpec spec{wire::kHaMobileNodeFailedAuth, capped, hoa, config_.address, id, auth->spi, no_key};
      out.verdict = Verdict::Denied;
      out.reason = "no security association; fault reply-without-sa answers 131";
      out.reply = build_reply(spec, source, destination);
      return out;
    }
    return discard("no security association for home address " + hoa.to_string() + " SPI " +
                   std::to_string(auth->spi) + " (silent discard, RFC 5944 3.8.2.1 a)");
  }
  const std::span<const uint8_t> key(sa->key);

  auto deny = [&](uint8_t code, std::string why, Tins::IPv4Address ha_field, uint64_t reply_id) {
    out.verdict = Verdict::Denied;
    out.reason = "code " + code_text(code) + ": " + why;
    ReplySpec spec{code, capped, hoa, ha_field, reply_id, sa->spi, key};
    out.reply = build_reply(spec, source, destination);
    return out;
  };
  const Tins::IPv4Address ha_field = req.home_agent() == config_.address ? req.home_agent() : config_.address;

  if (!wire::verify_authentication(payload, *mn_ha, key) && !faults_.has(Fault::AcceptBadAuthenticator)) {
    return deny(wire::kHaMobileNodeFailedAuth, "Mobile-Home Authenticator invalid (RFC 5944 3.8.2.1 a)", ha_field,
                id);
  }

  // The relaying foreign agent is named by the request's IP source address: RFC 5944 3.7.2.2 has the foreign agent
  // set it to "The care-of address offered by the foreign agent for the mobile node sending the Registration Request".
  const bool shares_fa_sa = config_.shares_sa_with_foreign_agent(source.address);
  // Foreign-Home Authentication Extension without a security association with that foreign agent: the request is
  // discarded (3.8.2.1 d), which takes precedence over every denial below, since a discarded request gets no reply.
  if (!fa_ha.empty() && !shares_fa_sa && !faults_.has(Fault::AcceptFaHaWithoutSa)) {
    return discard("Foreign-Home Authentication Extension but no security association with foreign agent " +
                   source.address.to_string() + " (discard, RFC 5944 3.8.2.1 d)");
  }

  // Sent to a broadcast or multicast address (RFC 5944 3.8.2.1).
  if (is_broadcast_or_multicast(destination.address) && !faults_.has(Fault::AcceptBroadcast)) {
    return deny(wire::kHaUnknownHomeAgentAddress,
                "sent to " + destination.address.to_string() +
                    ", not to the HA's unicast address (RFC 5944 3.8.2.1)",
                config_.address, id);
  }

  // Poorly formed (RFC 5944 3.8.2.3).
  if ((req.r() || req.x()) && !faults_.has(Fault::AcceptReservedBits)) {
    return deny(wire::kHaPoorlyFormedRequest, "reserved flag bits set (RFC 5944 3.8.2.3)", ha_field, id);
  }
  if (mn_ha_count > 1) {
    return deny(wire::kHaPoorlyFormedRequest,
                std::to_string(mn_ha_count) + " Mobile-Home Authentication Extensions (exactly one, RFC 5944 3.6.1.3)",
                ha_field, id);
  }
  if (skippable_unknown && faults_.has(Fault::RejectSkippableExtension)) {
    return deny(wire::kHaPoorlyFormedRequest, "unrecognized extension 128-255; fault reject-skippable-extension",
                ha_field, id);
  }

  // Identification, timestamps (RFC 5944 3.8.2.1 b, 5.7.1).
  const Binding* current = table_.find(hoa, coa);
  const bool duplicate = current != nullptr && current->identification == id;
  if (!faults_.has(Fault::AcceptStaleIdentification)) {
    const double skew = wire::ntp_to_unix_seconds(id) - wall_seconds(now);
    const bool fresh = std::fabs(skew) <= config_.replay_tolerance_s;
    auto last = last_accepted_identification(hoa);
    bool greater = !last || id > *last;
    if (duplicate && faults_.has(Fault::DuplicateExtendsLifetime)) greater = true;
    if (!fresh || !greater) {
      const uint64_t reply_id = faults_.has(Fault::WrongIdentificationHighBits)
                                    ? id
                                    : wire::ntp_make(wire::ntp_seconds(ntp_now(now)), wire::ntp_fraction(id));
      char skew_text[48];
      std::snprintf(skew_text, sizeof skew_text, "%+.3f s", skew);
      std::string why = !fresh ? std::string("timestamp ") + skew_text + " from the HA's clock, tolerance " +
                                     std::to_string(config_.replay_tolerance_s) + " s"
                               : "Identification " + hex64(id) + " not greater than last accepted " + hex64(*last);
      return deny(wire::kHaIdentificationMismatch, why + " (RFC 5944 5.7.1)", ha_field, reply_id);
    }
  }

  // RFC 5944 3.8.2.1 c: "If the home agent shares a Mobility Security Association with the foreign agent, and this is
  // a Registration Request (has non-zero Lifetime), the home agent MUST check for the presence of a valid
  // Foreign-Home Authentication Extension. Exactly one [...] If no Foreign-Home Authentication Extension is found, or
  // if more than one [...] is found, or if the Authenticator is invalid, the home agent MUST reject the mobile node's
  // registration and SHOULD send a Registration Reply to the mobile node with Code 132." Checked after b (the
  // Identification), as the RFC orders them; a deregistration is not checked (3.8.1: "MAY skip").
  if (shares_fa_sa && requested != 0 && !faults_.has(Fault::AcceptMissingOrBadFaHa)) {
    std::string problem;
    if (fa_ha.size() != 1) {
      problem = std::to_string(fa_ha.size()) + " Foreign-Home Authentication Extensions (exactly one)";
    } else if (auto fa_auth = wire::AuthExtension::from(*fa_ha.front()); !fa_auth) {
      problem = "Foreign-Home Authentication Extension unusable: " + fa_auth.error().to_string();
    } else if (const ForeignAgentSa* candidate = config_.foreign_agent_sa(source.address, fa_auth->spi);
               candidate == nullptr) {
      problem = "no security association with foreign agent " + source.address.to_string() + " for SPI " +
                std::to_string(fa_auth->spi);
    } else if (!wire::verify_authentication(payload, *fa_ha.front(), candidate->key)) {
      problem = "Foreign-Home Authenticator invalid (SPI " + std::to_string(fa_auth->spi) + ")";
    } else {
      fa_sa = candidate;
    }
    if (!problem.empty()) {
      return deny(wire::kHaForeignAgentFailedAuth, problem + " from foreign agent " + source.address.to_string() +
                                                       ": security exception (RFC 5944 3.8.2.1 c)",
                  ha_field, id);
    }
  }

  // Home Agent field (RFC 5944 3.8.3.2).
  if (req.home_agent() != config_.address && !faults_.has(Fault::AcceptForeignHomeAgentField)) {
    return deny(wire::kHaUnknownHomeAgentAddress,
                "Home Agent field " + req.home_agent().to_string() + " is not this HA (RFC 5944 3.8.3.2)",
                config_.address, id);
  }

  // Home address served (RFC 5944 3.8.3.2).
  if (!config_.home_network.contains(hoa)) {
    return deny(wire::kHaAdminProhibited,
                "home address " + hoa.to_string() + " outside home network " + config_.home_network.to_string() +
                    " (RFC 5944 3.8.3.2)",
                ha_field, id);
  }

  // Tunnel set-up for a registration (not a deregistration): RFC 3519 UDP tunnelling, then the encapsulation.
  TunnelSetup tunnel;
  if (requested != 0) {
    tunnel = set_up_tunnel(req, udp_request, source);
    if (tunnel.denial) return deny(tunnel.denial->code, tunnel.denial->why, ha_field, id);
  }
  const std::optional<Endpoint>& udp_tunnel = tunnel.udp_tunnel;

  // Accept (RFC 5944 3.8.2.2).
  const size_t bindings_before = table_.of(hoa).size();
  const bool simultaneous = config_.simultaneous_bindings;
  uint8_t code = simultaneous ? wire::kAccepted : wire::kAcceptedNoSimultaneousBindings;
  uint16_t granted = 0;
  std::string action;
  if (requested == 0) {
    if (coa == hoa) {
      if (faults_.has(Fault::DeregAllKeepsOthers)) {
        table_.remove(hoa, hoa);
        action = "deregistered the binding whose care-of address is the home address only (fault)";
      } else {
        action = "deregistered all " + std::to_string(table_.remove_all(hoa)) + " binding(s)";
      }
    } else if (faults_.has(Fault::DeregKeepsBinding)) {
      action = "deregistration of " + coa.to_string() + " ignored (fault)";
    } else {
      action = table_.remove(hoa, coa) ? "deregistered care-of address " + coa.to_string()
                                       : "deregistered care-of address " + coa.to_string() + " (had no binding)";
    }
  } else {
    granted = capped;
    if (faults_.has(Fault::LifetimeExceedsRequest)) granted = config_.max_lifetime;
    if (faults_.has(Fault::LifetimeExceedsMax)) granted = requested;
    if (udp_tunnel && !faults_.has(Fault::UdpLifetimeNotCapped)) {
      granted = std::min(granted, config_.udp_tunnelling.max_lifetime);  // RFC 3519 5.2
    }
    bool keep_others = req.s() && simultaneous;
    if (faults_.has(Fault::NoSimultaneousBindingsCode)) keep_others = false;
    if (keep_others && current == nullptr && table_.of(hoa).size() >= kMaxBindingsPerMobileNode) {
      return deny(wire::kHaTooManyBindings,
                  "already " + std::to_string(kMaxBindingsPerMobileNode) + " simultaneous bindings (RFC 5944 3.8.2.3)",
                  ha_field, id);
    }
    Binding b;
    b.home_address = hoa;
    b.care_of_address = coa;
    b.lifetime_granted = granted;
    b.registered = now.mono;
    if (granted != kInfiniteLifetime) b.expires = now.mono + std::chrono::seconds(granted);
    b.identification = id;
    b.spi = sa->spi;
    b.requester = source;
    b.reply_source = is_broadcast_or_multicast(destination.address) ? config_.address : destination.address;
    b.encapsulation = tunnel.encapsulation;
    b.udp_tunnel = udp_tunnel;
    b.udp_awaiting_keepalive = udp_tunnel && udp_tunnel->port == 0;
    b.reverse_tunnel = req.t();
    table_.add(b, keep_others);
    state_of(hoa)->ever_bound = true;
    action = std::string(duplicate ? "re-registered (duplicate) " : "registered ") + coa.to_string() +
             " for " + (granted == kInfiniteLifetime ? std::string("infinity") : std::to_string(granted) + " s") +
             (keep_others ? ", other bindings kept" : "") + tunnel.text;
  }
  // Home link (RFC 5944 4.6): a first binding starts interception, an accepted deregistration that leaves none ends
  // it. A denied request changes nothing ("no ARP processing ... is performed").
  const size_t bindings_after = table_.of(hoa).size();
  out.home_link.home_address = hoa;
  if (bindings_before == 0 && bindings_after > 0) {
    out.home_link.change = HomeLinkChange::StartIntercepting;
    out.home_link.gratuitous_arp = !faults_.has(Fault::NoGratuitousArpOnFirstBinding);
  } else if (requested == 0 && bindings_after == 0) {
    out.home_link.change = HomeLinkChange::StopIntercepting;
    out.home_link.gratuitous_arp = !faults_.has(Fault::NoGratuitousArpOnDeregistration);
  }
  MobileNodeState& node = *state_of(hoa);  // an SA exists, so the node has its state
  node.last_accepted = node.accepted_any ? std::max(node.last_accepted, id) : id;
  node.accepted_any = true;

  out.verdict = Verdict::Accepted;
  out.reason = "code " + code_text(code) + ": " + action;
  if (faults_.has(Fault::NoReplyOnAccept)) {
    out.reason += "; no reply (fault no-reply-on-accept)";
    return out;
  }
  uint64_t reply_id = id;
  if (faults_.has(Fault::WrongIdentificationLowBits)) reply_id ^= 0x5a5a5a5au;
  ReplySpec spec{code, granted, hoa, ha_field, reply_id, sa->spi, key};
  out.reply = build_reply(spec, source, destination, tunnel.reply_extensions);
  return out;
}

std::vector<ExpiryEvent> HomeAgent::expire(const Now& now) {
  std::vector<ExpiryEvent> events;
  if (faults_.has(Fault::NoExpiry)) return events;
  std::set<uint32_t> stopped;
  for (Binding& b : table_.expire(now.mono)) {
    ExpiryEvent ev{b, std::nullopt, {}};
    // The last binding gone: interception ends (once per home address, even when several expire together).
    if (table_.of(b.home_address).empty() && stopped.insert(to_host(b.home_address)).second) {
      ev.home_link = {HomeLinkChange::StopIntercepting, b.home_address, false};
    }
    if (faults_.has(Fault::ReplyOnExpiry)) {
      for (const MobileNodeSa& sa : config_.mobile_nodes) {
        if (sa.home_address == b.home_address && sa.spi == b.spi) {
          ReplySpec spec{wire::kAccepted, 0, b.home_address, config_.address, b.identification, sa.spi, sa.key};
          ev.reply = build_reply(spec, b.requester, Endpoint{b.reply_source, kRegistrationPort});
        }
      }
    }
    events.push_back(std::move(ev));
  }
  return events;
}

std::optional<steady_clock::time_point> HomeAgent::next_expiry() const {
  if (faults_.has(Fault::NoExpiry)) return std::nullopt;
  return table_.next_expiry();
}

nlohmann::json HomeAgent::bindings_json(const Now& now) const {
  nlohmann::json list = nlohmann::json::array();
  for (const Binding& b : table_.all()) {
    nlohmann::json j;
    j["home_address"] = b.home_address.to_string();
    j["care_of_address"] = b.care_of_address.to_string();
    j["lifetime_granted"] = b.lifetime_granted;
    if (b.expires) {
      const double remaining = std::chrono::duration<double>(*b.expires - now.mono).count();
      j["remaining_s"] = std::round(std::max(remaining, 0.0) * 1000.0) / 1000.0;
    } else {
      j["remaining_s"] = nullptr;
    }
    j["identification"] = b.identification;
    j["encapsulation"] = std::string(encapsulation_name(b.encapsulation));
    j["udp_tunnel"] = b.udp_tunnel ? nlohmann::json(b.udp_tunnel->to_string()) : nlohmann::json(nullptr);
    j["reverse_tunnel"] = b.reverse_tunnel;
    list.push_back(std::move(j));
  }
  return nlohmann::json{{"bindings", std::move(list)}};
}

}  // namespace mipvpn::agents::ha
