#include "agents/fa/foreign_agent.h"

#include <algorithm>
#include <cmath>

#include "agents/fa/summary.h"
#include "harness/wire/authentication.h"
#include "harness/wire/codes.h"
#include "harness/wire/extension.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::fa {
namespace {

namespace wire = mipvpn::wire;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Request = wire::RegistrationRequest;
using Reply = wire::RegistrationReply;

constexpr uint8_t kReservedFlags = Request::kFlagR | Request::kFlagX;  // r and x (RFC 5944 3.3)
constexpr uint8_t kNonzeroHomeAddressRequired = 96;                    // NONZERO_HOMEADDR_REQD (RFC 2794 5)
const Tins::IPv4Address kLimitedBroadcast{"255.255.255.255"};

uint32_t low32(uint64_t id) { return static_cast<uint32_t>(id & 0xffffffffu); }

std::string code_text(uint8_t code) {
  return std::to_string(code) + " (" + std::string(wire::reply_code_name(code)) + ")";
}

// Extensions the foreign agent recognizes in registration messages (RFC 5944 1.8): RFC 5944's and the companion
// RFCs' (RFC 3024 3.3, RFC 3519 3.1-3.2, RFC 2794, RFC 5265 3.4), so that e.g. a UDP Tunnel Reply (type 44) in a
// reply is relayed rather than treated as an unknown type below 128.
bool fa_knows(uint8_t type) { return wire::is_defined_registration_extension(type); }

// Where the extensions of a registration message sit, as the foreign agent needs them.
struct ExtensionMap {
  const wire::Extension* last_mn_ha = nullptr;  // the authorization-enabling extension (3.7.2.2)
  size_t mn_ha_end = 0;                         // first byte after it
  std::vector<const wire::Extension*> mn_fa;
  std::vector<const wire::Extension*> fa_ha;
  const wire::Extension* delivery_style = nullptr;
  bool delivery_style_before_mn_ha = false;
  std::optional<uint8_t> unknown_mandatory;  // first unrecognized type 0-127 (1.8)
};

ExtensionMap map_extensions(const std::vector<wire::Extension>& exts) {
  ExtensionMap m;
  for (const wire::Extension& e : exts) {
    if (!fa_knows(e.type)) {
      if (wire::classify_unknown(e.type) == wire::ExtensionDisposition::DiscardMessage && !m.unknown_mandatory) {
        m.unknown_mandatory = e.type;
      }
      continue;
    }
    if (e.type == wire::MnHaAuth) {
      m.last_mn_ha = &e;
      m.mn_ha_end = e.offset + e.wire_size();
    } else if (e.type == wire::MnFaAuth) {
      m.mn_fa.push_back(&e);
    } else if (e.type == wire::FaHaAuth) {
      m.fa_ha.push_back(&e);
    } else if (e.type == wire::EncapsulatingDeliveryStyle && m.delivery_style == nullptr) {
      m.delivery_style = &e;
    }
  }
  if (m.delivery_style != nullptr && m.last_mn_ha != nullptr && m.delivery_style->offset < m.last_mn_ha->offset) {
    m.delivery_style_before_mn_ha = true;
  }
  return m;
}

// The wire bytes of an extension as received.
std::span<const uint8_t> raw(std::span<const uint8_t> message, const wire::Extension& e) {
  return message.subspan(e.offset, e.wire_size());
}

void append(std::vector<uint8_t>& to, std::span<const uint8_t> bytes) {
  to.insert(to.end(), bytes.begin(), bytes.end());
}

// Lowers the 16-bit Lifetime at bytes 2-3 (both messages keep it there) by one, for the faults that modify it.
void tamper_lifetime(std::vector<uint8_t>& m) {
  uint16_t v = static_cast<uint16_t>((m[2] << 8) | m[3]);
  v = v == 0 ? 1 : static_cast<uint16_t>(v - 1);
  m[2] = static_cast<uint8_t>(v >> 8);
  m[3] = static_cast<uint8_t>(v & 0xff);
}

std::string sa_text(std::string_view what, uint32_t spi) {
  return (what.empty() ? std::string() : std::string(what) + " ") + "SPI " + std::to_string(spi);
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Relayed:
      return "relayed";
    case Verdict::Denied:
      return "denied";
    case Verdict::Discarded:
      return "discarded";
    case Verdict::Expired:
      return "expired";
  }
  return "?";
}

ForeignAgent::ForeignAgent(FaConfig config, FaultSet faults) : config_(std::move(config)), faults_(faults) {}

Tins::IPv4Address ForeignAgent::reply_source(const Tins::IPv4Address& request_destination) const {
  // "Copied from the IP Destination Address of the Registration Request, unless the "All Agents Multicast" address
  // was used. In this case, the foreign agent's address (on the interface from which the message will be sent) MUST
  // be used" (3.7.2.3). A broadcast destination is no source address either.
  if (!is_unicast(request_destination) || request_destination == config_.visited.prefix().broadcast()) {
    return config_.visited.address;
  }
  return request_destination;
}

Tins::IPv4Address ForeignAgent::other_own_address(const Tins::IPv4Address& not_this) const {
  if (config_.upstream && config_.upstream->address != not_this) return config_.upstream->address;
  if (config_.visited.address != not_this) return config_.visited.address;
  for (const Tins::IPv4Address& a : config_.care_of_addresses) {
    if (a != not_this) return a;
  }
  return Tins::IPv4Address();  // the kernel chooses
}

void ForeignAgent::append_mn_fa(std::vector<uint8_t>& message, const Tins::IPv4Address& home_address) const {
  // "if the foreign agent shares a Mobility Security Association with the mobile node, it ... MUST add a
  // Mobile-Foreign Authentication Extension to the Registration Reply to the mobile node" (3.7.1).
  const MobileNodeSa* sa = config_.mobile_node_sa(home_address);
  if (sa == nullptr || faults_.has(Fault::FaNoMnFaInReply)) return;
  wire::encode_extension(wire::make_authentication(message, wire::MnFaAuth, sa->sa.spi, sa->sa.key), message);
}

void ForeignAgent::deny(Outcome& o, const DenialSpec& d, TimePoint now) {
  o.verdict = Verdict::Denied;
  o.reason = "code " + code_text(d.code) + ": " + o.reason;
  // "it MUST send a Registration Reply to the mobile node with an appropriate denial code, except in cases where the
  // foreign agent would be required to send out more than one such denial per second to the same mobile node"
  // (3.7.2); RFC 3024 4.2.1 repeats it for code 76.
  const uint32_t key = to_host(d.rate_key);
  auto last = last_denial_.find(key);
  if (last != last_denial_.end() && now - last->second < kDenialGap && !faults_.has(Fault::FaNoDenialRateLimit)) {
    o.reason += "; reply not sent: a denial went to this mobile node less than 1 s ago (RFC 5944 3.7.2)";
    return;
  }
  last_denial_[key] = now;

  // "the Home Address, Home Agent, and Identification fields within the Registration Reply are copied from the
  // corresponding fields of the Registration Request" (3.7.2.3).
  uint64_t id = d.identification;
  if (faults_.has(Fault::FaDenialWrongIdentification)) id ^= 0x5a5a5a5au;
  Reply rep(d.code, d.lifetime, d.home_address, d.home_agent, id);
  std::vector<uint8_t> payload = rep.bytes();
  append_mn_fa(payload, d.home_address);

  OutgoingMessage m;
  m.kind = OutgoingMessage::Kind::Denial;
  m.payload = std::move(payload);
  m.source = d.source;
  // "If the Registration Reply is generated by the foreign agent in order to reject a mobile node's Registration
  // Request, and the Registration Request contains a Home Address that is not 0.0.0.0, then the IP Destination
  // Address is copied from the Home Address field ... Otherwise ... 255.255.255.255" (3.7.2.3).
  const bool broadcast = to_host(d.home_address) == 0 || faults_.has(Fault::FaDenialToBroadcast);
  m.destination = Endpoint{broadcast ? kLimitedBroadcast : d.home_address, d.destination_port};
  m.to_mobile_node = true;
  if (!broadcast) m.link_destination = d.link_destination;
  auto decoded = Reply::decode(m.payload);
  m.summary = decoded ? summarize(decoded.value()) : "RRP";
  o.out.push_back(std::move(m));
}

Outcome ForeignAgent::on_datagram(std::span<const uint8_t> payload, const Received& rx, TimePoint now) {
  if (!payload.empty() && payload[0] == Request::kType) return on_request(payload, rx, now);
  if (!payload.empty() && payload[0] == Reply::kType) return on_reply(payload, rx, now);
  Outcome o;
  o.message = payload.empty() ? "empty UDP payload" : "message type " + std::to_string(payload[0]);
  o.reason = "not a Registration Request or Reply";
  return o;
}

Outcome ForeignAgent::on_request(std::span<const uint8_t> payload, const Received& rx, TimePoint now) {
  Outcome o;
  auto discard = [&](std::string why) {
    o.verdict = Verdict::Discarded;
    o.reason = std::move(why);
    return o;
  };
  if (!rx.on_visited_link) {
    o.message = "RRQ (" + std::to_string(payload.size()) + " bytes)";
    return discard("not received on the visited link " + config_.visited.name +
                   " (a foreign agent relays requests from the mobile nodes it serves, RFC 5944 3.7)");
  }
  if (payload.size() < Request::kFixedSize) {
    o.message = "RRQ (" + std::to_string(payload.size()) + " bytes)";
    return discard("shorter than the 24-byte fixed part of a Registration Request (RFC 5944 3.3)");
  }
  // The fixed part alone always decodes; the whole message may not (a broken extension).
  const Request fixed = Request::decode(payload.data(), Request::kFixedSize).value();
  const Tins::IPv4Address hoa = fixed.home_address();
  DenialSpec d;
  d.lifetime = fixed.lifetime();  // "Otherwise, the Lifetime SHOULD be copied from the Lifetime field" (3.7.2.3)
  d.home_address = hoa;
  d.home_agent = fixed.home_agent();
  d.identification = fixed.identification();
  d.source = reply_source(rx.destination.address);
  d.destination_port = rx.source.port;
  d.link_destination = rx.link_source;
  d.rate_key = to_host(hoa) != 0 ? hoa : rx.source.address;
  auto denied = [&](uint8_t code, std::string why) {
    d.code = code;
    o.reason = std::move(why);
    deny(o, d, now);
    return o;
  };

  auto decoded = Request::decode(payload.data(), payload.size());
  if (!decoded) {
    o.message = summarize(fixed) + " (extensions undecodable)";
    return denied(wire::kFaPoorlyFormedRequest,
                  "extensions undecodable: " + decoded.error().to_string() + " (poorly formed, RFC 5944 3.4)");
  }
  const Request& req = decoded.value();
  o.message = summarize(req);
  const ExtensionMap ext = map_extensions(req.extensions());

  // "If that Extension [type 0-127] is not recognized, the message containing that Extension MUST be silently
  // discarded" (RFC 5944 1.8); 128-255 are skipped, and removed when relaying (3.7.2.2).
  if (ext.unknown_mandatory) {
    return discard("unrecognized extension type " + std::to_string(*ext.unknown_mandatory) +
                   " (0-127: discard the message, RFC 5944 1.8)");
  }

  // Authentication by the mobile node (3.7.2.1): "If the foreign agent and the mobile node share a Mobility
  // Security Association, exactly one Mobile-Foreign Authentication Extension MUST be present ... If no
  // Mobile-Foreign Authentication Extension is found, or if more than one ..., or if the Authenticator is invalid,
  // the foreign agent MUST silently discard the Request and SHOULD log the event as a security exception. The
  // foreign agent also SHOULD send a Registration Reply to the mobile node with Code 67."
  const MobileNodeSa* mn_sa = config_.mobile_node_sa(hoa);
  std::optional<uint32_t> mn_fa_spi;
  if (mn_sa != nullptr && !faults_.has(Fault::FaIgnoreMnFa)) {
    std::string problem;
    if (ext.mn_fa.size() != 1) {
      problem = std::to_string(ext.mn_fa.size()) + " Mobile-Foreign Authentication Extensions (exactly one)";
    } else {
      auto auth = wire::AuthExtension::from(*ext.mn_fa.front());
      if (!auth || auth->spi != mn_sa->sa.spi) {
        problem = "Mobile-Foreign Authentication Extension with " +
                  (auth ? sa_text("unknown", auth->spi) : std::string("no SPI")) + ", expected " +
                  sa_text("", mn_sa->sa.spi);
      } else if (!wire::verify_authentication(payload, *ext.mn_fa.front(), mn_sa->sa.key)) {
        problem = "Mobile-Foreign Authenticator invalid";
      }
    }
    if (!problem.empty()) {
      return denied(wire::kFaMobileNodeFailedAuth, "security exception: " + problem + " (RFC 5944 3.7.2.1)");
    }
    mn_fa_spi = mn_sa->sa.spi;
  }

  // "Requests with non-zero bits in reserved fields MUST be rejected with Code 70 (poorly formed Request)" (3.7.2.1).
  if ((req.flags() & kReservedFlags) != 0 && !faults_.has(Fault::FaAcceptReservedBits)) {
    return denied(wire::kFaPoorlyFormedRequest, "reserved flag bits r/x set (RFC 5944 3.7.2.1)");
  }
  // Item (c), the authorization-enabling extension, "MUST appear in every Registration Request" (3.6.1.3); without
  // it there is nothing to relay byte for byte (3.7.2.2).
  if (ext.last_mn_ha == nullptr) {
    return denied(wire::kFaPoorlyFormedRequest, "no Mobile-Home Authentication Extension (RFC 5944 3.6.1.3)");
  }
  if (ext.delivery_style != nullptr && !wire::EncapsulatingDeliveryStyleExtension::from(*ext.delivery_style)) {
    return denied(wire::kFaPoorlyFormedRequest, "Encapsulating Delivery Style Extension with Length " +
                                                    std::to_string(ext.delivery_style->body.size()) +
                                                    " (RFC 3024 3.3 says 0)");
  }
  if (ext.delivery_style != nullptr && !req.t()) {
    return denied(wire::kFaPoorlyFormedRequest,
                  "Encapsulating Delivery Style Extension without the T bit "
                  "(\"MUST NOT be included if the 'T' bit is not set\", RFC 3024 3.3)");
  }
  if (ext.delivery_style_before_mn_ha) {
    return denied(wire::kFaPoorlyFormedRequest,
                  "Encapsulating Delivery Style Extension before the Mobile-Home Authentication Extension (it "
                  "\"MUST\" come after it, RFC 3024 3.3)");
  }
  // "if the foreign agent cannot manage pending Registration Request records with such a zero Home Address for the
  // mobile node, the foreign agent MUST return a Registration Reply with a code indicating NONZERO_HOMEADDR_REQD"
  // (3.7.1, RFC 2794).
  if (to_host(hoa) == 0) {
    return denied(kNonzeroHomeAddressRequired,
                  "home address 0.0.0.0: this foreign agent keeps no NAI-keyed records (RFC 5944 3.7.1, RFC 2794)");
  }
  // "If the foreign agent has configured one of its network interfaces with the IP address specified by the mobile
  // node as its home agent address, the foreign agent MUST NOT forward the Request again ... if the foreign agent
  // does not serve the mobile node as a home agent, the foreign agent rejects the Registration Request with Code 194"
  // (3.7.2). An address that cannot be relayed to (0, broadcast, multicast, loopback) is no valid one either.
  if (config_.is_own_address(req.home_agent()) && !faults_.has(Fault::FaRelayToOwnAddress)) {
    return denied(wire::kFaInvalidHomeAgentAddress,
                  "Home Agent field " + req.home_agent().to_string() + " is this foreign agent (RFC 5944 3.7.2)");
  }
  if (!is_unicast(req.home_agent())) {
    return denied(wire::kFaInvalidHomeAgentAddress,
                  "Home Agent field " + req.home_agent().to_string() + " is no unicast address to relay to");
  }
  // "Requests with the 'D' bit set to 0, nonzero Lifetime, and specifying a care-of address not offered by the
  // foreign agent, MUST be rejected with Code 77 (invalid care-of address)" (3.7.2.1).
  if (!req.d() && req.lifetime() != 0 && !config_.offers_care_of_address(req.care_of_address()) &&
      !faults_.has(Fault::FaAcceptUnofferedCareOfAddress)) {
    return denied(wire::kFaInvalidCareOfAddress,
                  "care-of address " + req.care_of_address().to_string() + " not offered (RFC 5944 3.7.2.1)");
  }
  // B: "The foreign agent will not accept registrations from additional mobile nodes" (2.1.1).
  if (config_.busy() && !list_.knows(hoa)) {
    return denied(wire::kFaInsufficientResources,
                  "busy (B advertised) and " + hoa.to_string() + " is no visitor yet (RFC 5944 2.1.1)");
  }
  // "If the Request is being denied because the requested Lifetime is too long, the foreign agent sets the Lifetime
  // in the Reply to the maximum Lifetime value it is willing to accept in any Registration Request, and sets the
  // Code field to 69" (3.7.2.3).
  if (req.lifetime() > config_.max_registration_lifetime) {
    if (!faults_.has(Fault::FaLifetimeTooLongWrongLifetime)) d.lifetime = config_.max_registration_lifetime;
    const uint8_t code =
        faults_.has(Fault::FaLifetimeTooLongWrongCode) ? wire::kFaPoorlyFormedRequest : wire::kFaLifetimeTooLong;
    return denied(code, "Lifetime " + std::to_string(req.lifetime()) + " above the maximum " +
                            std::to_string(config_.max_registration_lifetime) + " (RFC 5944 3.7.2.3)");
  }
  // "if the foreign agent is unable to support the requested form of encapsulation it MUST return code 72"
  // (RFC 3024 4.2.1). With D set the home agent tunnels to the mobile node itself, not to this agent.
  const bool wants_minimal = req.m() && !config_.offers_encapsulation("minimal");
  const bool wants_gre = req.g() && !config_.offers_encapsulation("gre");
  if (!req.d() && (wants_minimal || wants_gre) && !faults_.has(Fault::FaAcceptUnsupportedEncapsulation)) {
    return denied(wire::kFaEncapsulationUnavailable,
                  std::string(wants_minimal ? "minimal encapsulation (M)" : "GRE (G)") +
                      " requested but not offered (RFC 3024 4.2.1, RFC 5944 3.4)");
  }
  // Reverse tunnelling (RFC 3024 4.2.1).
  DeliveryStyle delivery = DeliveryStyle::Direct;
  if (req.t()) {
    if (config_.reverse_tunnelling == ReverseTunnelling::Off && !faults_.has(Fault::FaAcceptUnsupportedReverseTunnel)) {
      return denied(wire::kFaReverseTunnelUnavailable,
                    "T set but reverse tunnelling is not offered (RFC 3024 3.2, 3.4)");
    }
    if (ext.delivery_style != nullptr) {
      // "If it cannot support the requested form of delivery style it MUST return code 79".
      if (!config_.encapsulating_delivery && !faults_.has(Fault::FaAcceptUnsupportedDeliveryStyle)) {
        return denied(wire::kFaDeliveryStyleUnsupported,
                      "Encapsulating Delivery Style requested but not offered (RFC 3024 3.4, 4.2.1)");
      }
      delivery = DeliveryStyle::Encapsulating;
    }
    // "The foreign agent MUST verify that the TTL field of the IP header is set to 255. Otherwise, it MUST reject
    // the registration with code 76 (mobile node too distant)."
    if (rx.ttl != kRequiredTtl && !faults_.has(Fault::FaSkipTtlCheck)) {
      return denied(wire::kFaMobileNodeTooDistant, "T set and IP TTL " +
                                                       (rx.ttl < 0 ? std::string("unknown") : std::to_string(rx.ttl)) +
                                                       " is not 255 (RFC 3024 4.2.1)");
    }
  } else if (config_.reverse_tunnelling == ReverseTunnelling::Mandatory) {
    // "The foreign agent MAY reject Registration Requests without the 'T' bit set by denying them with code 75".
    return denied(wire::kFaReverseTunnelMandatory, "T not set and reverse tunnelling is mandatory (RFC 3024 4.2.1)");
  }

  // The pending record (3.7.1).
  Registration r;
  r.link_address = rx.link_source;
  r.source_address = rx.source.address;
  r.destination_address = rx.destination.address;
  r.source_port = rx.source.port;
  r.home_agent = req.home_agent();
  r.identification = req.identification();
  r.lifetime_requested = req.lifetime();
  r.home_address = hoa;
  r.care_of_address = req.care_of_address();
  // "IP Source Address: The care-of address offered by the foreign agent for the mobile node" (3.7.2.2).
  r.relay_source = req.d() ? config_.care_of_addresses.front() : req.care_of_address();
  if (faults_.has(Fault::FaRelayWrongSourceAddress)) r.relay_source = other_own_address(r.relay_source);
  r.reply_source = d.source;
  r.flags = req.flags();
  r.reverse_tunnel = req.t();
  r.delivery = delivery;
  // As the reference home agent picks it: G before M when both are asked for (RFC 5944 4.1).
  if (!req.d() && req.g()) {
    r.encapsulation = EncapsulationType::Gre;
  } else if (!req.d() && req.m()) {
    r.encapsulation = EncapsulationType::Minimal;
  }
  r.mn_fa_spi = mn_fa_spi;
  r.relayed = now;
  r.timeout = now + milliseconds(config_.pending_timeout_ms);
  // "After forwarding a valid Registration Request to the home agent, the foreign agent MUST begin timing the
  // remaining lifetime of the pending registration based on the Lifetime in the Registration Request" (3.7.2.2).
  if (req.lifetime() != 0) r.lifetime_end = now + seconds(req.lifetime());

  const size_t superseded = list_.drop_superseded(r);
  // "The foreign agent MAY configure a maximum number of pending registrations that it is willing to maintain
  // (typically 5). Additional registrations SHOULD then be rejected by the foreign agent with Code 66" (3.7.1).
  if (list_.pending_count() >= config_.max_pending && !faults_.has(Fault::FaPendingLimitIgnored)) {
    return denied(wire::kFaInsufficientResources,
                  std::to_string(list_.pending_count()) + " registrations pending, the maximum (RFC 5944 3.7.1)");
  }

  // The relayed request (3.7.2.2): "The foreign agent MUST NOT modify any of the fields beginning with the fixed
  // portion of the Registration Request up through and including the Mobile-Home Authentication Extension ... It MUST
  // process and remove any extensions that do not precede any authorization-enabling extension".
  std::vector<uint8_t> relay(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(ext.mn_ha_end));
  if (faults_.has(Fault::FaRelayModifiesBeforeMnHa)) tamper_lifetime(relay);
  if (faults_.has(Fault::FaRelayKeepsMnFa)) {
    for (const wire::Extension* e : ext.mn_fa) append(relay, raw(payload, *e));
  }
  // RFC 3024 3.3: "the foreign agent MUST consume this extension (that is, it must not relay it to the home agent".
  if (faults_.has(Fault::FaRelayKeepsDeliveryStyleExtension) && ext.delivery_style != nullptr) {
    append(relay, raw(payload, *ext.delivery_style));
  }
  // "If the foreign agent shares a Mobility Security Association with the home agent, and the Request has Lifetime
  // != 0, then it MUST append the Foreign-Home Authentication Extension" (3.7.2.2); "If the Care-of Address in the
  // Registration Request is not in the Agent Advertisement, then the foreign agent MUST NOT append" it, nor "for a
  // deregistration message (i.e., Lifetime = 0)" (3.5.4).
  const HomeAgentSa* ha_sa = config_.home_agent_sa(req.home_agent());
  const bool advertised_coa = config_.offers_care_of_address(req.care_of_address());
  bool fa_ha = ha_sa != nullptr && advertised_coa && req.lifetime() != 0 && !faults_.has(Fault::FaNoFaHaWithSa);
  if (ha_sa != nullptr && advertised_coa && req.lifetime() == 0 && faults_.has(Fault::FaFaHaOnDeregistration)) {
    fa_ha = true;
  }
  if (fa_ha) {
    wire::encode_extension(wire::make_authentication(relay, wire::FaHaAuth, ha_sa->sa.spi, ha_sa->sa.key), relay);
  }
  r.fa_ha_appended = fa_ha;

  OutgoingMessage m;
  m.kind = OutgoingMessage::Kind::RelayedRequest;
  m.payload = std::move(relay);
  m.source = r.relay_source;
  // "IP Destination Address: Copied from the Home Agent field ... UDP Destination Port: 434" (3.7.2.2).
  m.destination = Endpoint{req.home_agent(), kRegistrationPort};
  auto relayed = Request::decode(m.payload);
  m.summary = relayed ? summarize(relayed.value()) : "RRQ";
  o.out.push_back(std::move(m));

  o.verdict = Verdict::Relayed;
  o.reason = "to home agent " + req.home_agent().to_string() + " from " + r.relay_source.to_string() +
             (fa_ha ? " with FA-HA " + sa_text("", ha_sa->sa.spi) : "") +
             (req.t() ? std::string(", reverse tunnel, ") +
                            (delivery == DeliveryStyle::Direct ? "direct delivery" : "encapsulating delivery")
                      : "") +
             (superseded ? ", replacing " + std::to_string(superseded) + " pending" : "") + " (RFC 5944 3.7.2.2)";
  list_.add_pending(std::move(r));
  return o;
}

Outcome ForeignAgent::on_reply(std::span<const uint8_t> payload, const Received& rx, TimePoint now) {
  (void)rx;
  Outcome o;
  auto discard = [&](std::string why) {
    o.verdict = Verdict::Discarded;
    o.reason = std::move(why);
    return o;
  };
  if (payload.size() < Reply::kFixedSize) {
    o.message = "RRP (" + std::to_string(payload.size()) + " bytes)";
    return discard("shorter than the 20-byte fixed part of a Registration Reply (RFC 5944 3.4)");
  }
  const Reply fixed = Reply::decode(payload.data(), Reply::kFixedSize).value();
  o.message = summarize(fixed);
  // "it MUST search its visitor list for a pending Registration Request with the same mobile node home address as
  // indicated in the Reply ... The foreign agent MUST also silently discard the Reply if the low-order 32 bits of the
  // Identification field in the Reply do not match those in the Request" (3.7.3.1).
  const Registration* found = list_.find_pending(fixed.home_address(), low32(fixed.identification()));
  if (found == nullptr && faults_.has(Fault::FaReplyIdNotChecked)) {
    for (const Registration& p : list_.pending()) {
      if (p.home_address == fixed.home_address()) found = &p;
    }
  }
  if (found == nullptr) {
    return discard(list_.has_pending(fixed.home_address())
                       ? "low-order 32 bits of the Identification match no pending request of " +
                             fixed.home_address().to_string() + " (RFC 5944 3.7.3.1)"
                       : "no pending request for home address " + fixed.home_address().to_string() +
                             " (RFC 5944 3.7.3.1)");
  }
  const Registration pending = *found;

  DenialSpec d;
  d.lifetime = pending.lifetime_requested;
  d.home_address = pending.home_address;
  d.home_agent = pending.home_agent;
  d.identification = pending.identification;
  d.source = pending.reply_source;
  d.destination_port = pending.source_port;
  d.link_destination = pending.link_address;
  d.rate_key = pending.home_address;
  auto reject = [&](uint8_t code, std::string why) {
    list_.take_pending(pending.home_address, low32(pending.identification));
    d.code = code;
    o.reason = std::move(why);
    deny(o, d, now);
    return o;
  };

  auto decoded = Reply::decode(payload.data(), payload.size());
  if (!decoded) {
    return reject(wire::kFaPoorlyFormedReply, "reply extensions undecodable: " + decoded.error().to_string() +
                                                  " (poorly formed Reply, RFC 5944 3.4)");
  }
  const Reply& rep = decoded.value();
  o.message = summarize(rep);
  const ExtensionMap ext = map_extensions(rep.extensions());
  if (ext.unknown_mandatory) {
    return discard("unrecognized extension type " + std::to_string(*ext.unknown_mandatory) +
                   " (0-127: discard the message, RFC 5944 1.8)");
  }
  // "If the foreign agent and the home agent share a Mobility Security Association, exactly one Foreign-Home
  // Authentication Extension MUST be present in the Registration Reply ... If no ..., or if more than one ..., or if
  // the Authenticator is invalid, the foreign agent MUST silently discard the Reply and SHOULD log the event as a
  // security exception. The foreign agent also MUST reject the mobile node's registration and SHOULD send a
  // Registration Reply to the mobile node with Code 68" (3.7.3.1); checked "when the Registration Reply has nonzero
  // Lifetime" (3.7.1), with the SA "selected by the foreign agent based on the value of the home agent Address field
  // of the Registration Reply" (3.5.4).
  const HomeAgentSa* ha_sa = config_.home_agent_sa(rep.home_agent());
  if (ha_sa != nullptr && rep.lifetime() != 0 && !faults_.has(Fault::FaReplyFaHaNotChecked)) {
    std::string problem;
    if (ext.fa_ha.size() != 1) {
      problem = std::to_string(ext.fa_ha.size()) + " Foreign-Home Authentication Extensions (exactly one)";
    } else {
      auto auth = wire::AuthExtension::from(*ext.fa_ha.front());
      if (!auth || auth->spi != ha_sa->sa.spi) {
        problem = "Foreign-Home Authentication Extension with " +
                  (auth ? sa_text("unknown", auth->spi) : std::string("no SPI"));
      } else if (!wire::verify_authentication(payload, *ext.fa_ha.front(), ha_sa->sa.key)) {
        problem = "Foreign-Home Authenticator invalid";
      }
    }
    if (!problem.empty()) {
      return reject(wire::kFaHomeAgentFailedAuth,
                    "security exception: reply discarded: " + problem + " (RFC 5944 3.7.3.1)");
    }
  }
  if (ext.last_mn_ha == nullptr) {
    return reject(wire::kFaPoorlyFormedReply,
                  "reply without a Mobile-Home Authentication Extension (RFC 5944 3.8.3.3, 3.4)");
  }

  // Relay (3.7.3.2): "The foreign agent MUST NOT modify any of the fields beginning with the fixed portion of the
  // Registration Reply up through and including the Mobile-Home Authentication Extension ... It MUST process and
  // remove any Extensions that are not covered by any authorization-enabling extension ... It MUST append the
  // Mobile-Foreign Authentication Extension, if the foreign agent shares a Mobility Security Association with the
  // mobile node."
  std::vector<uint8_t> relay(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(ext.mn_ha_end));
  if (faults_.has(Fault::FaReplyFaHaNotStripped)) relay.assign(payload.begin(), payload.end());
  if (faults_.has(Fault::FaReplyModifiedBeforeMnHa)) tamper_lifetime(relay);
  append_mn_fa(relay, pending.home_address);

  // Visitor list (3.7.3.2, 3.7.2).
  list_.take_pending(pending.home_address, low32(pending.identification));
  std::string action;
  if (wire::reply_code_accepted(rep.code())) {
    if (rep.lifetime() != 0) {
      Visitor v;
      v.registration = pending;
      v.home_agent = rep.home_agent();
      v.lifetime_granted = rep.lifetime();
      // "the foreign agent SHOULD set the Lifetime in the visitor list entry to the minimum of ... the Lifetime field
      // of the Registration Reply, and the foreign agent's own maximum value" (3.7.3.2).
      v.lifetime = std::min(rep.lifetime(), config_.max_registration_lifetime);
      // "the foreign agent considers this lifetime to begin when it forwards the Registration Reply message".
      v.started = now;
      if (v.lifetime != 0xffff && !faults_.has(Fault::FaVisitorNeverExpires)) v.expires = now + seconds(v.lifetime);
      const bool had = list_.find_visitor(pending.home_address) != nullptr;
      list_.set_visitor(v);
      action = std::string(had ? "visitor updated" : "visitor added") + ": " + pending.home_address.to_string() +
               " for " + (v.expires ? std::to_string(v.lifetime) + " s" : std::string("ever")) +
               (pending.reverse_tunnel ? ", reverse tunnel to " + v.home_agent.to_string() : "");
    } else if (faults_.has(Fault::FaVisitorKeptOnDeregistration)) {
      action = "deregistered, visitor kept (fault)";
    } else {
      // "If, instead, the code indicates that the Lifetime field is zero, the foreign agent MUST delete its visitor
      // list entry for the mobile node."
      action = list_.remove_visitor(pending.home_address) ? "deregistered: visitor removed"
                                                          : "deregistered (no visitor entry)";
    }
    o.visitors_changed = true;
  } else if (faults_.has(Fault::FaVisitorChangedOnHaDenial)) {
    o.visitors_changed = list_.remove_visitor(pending.home_address);
    action = "denied by the home agent: visitor entry removed (fault)";
  } else {
    // "the existing visitor list entry for the mobile node MUST NOT be modified as a result of receiving the
    // Registration Reply" (3.7.2).
    action = "denied by the home agent: pending request dropped, visitor entry unchanged (RFC 5944 3.7.2)";
  }

  o.verdict = Verdict::Relayed;
  o.reason = action;
  if (faults_.has(Fault::FaReplyNotRelayed)) {
    o.reason += "; not relayed (fault fa-reply-not-relayed)";
    return o;
  }
  OutgoingMessage m;
  m.kind = OutgoingMessage::Kind::RelayedReply;
  m.payload = std::move(relay);
  // "Specific fields within the IP header and the UDP header of the relayed Registration Reply are set according to
  // the same rules specified in Section 3.7.2.3": source from the request's destination, destination the reply's
  // Home Address (255.255.255.255 if 0), UDP 434 -> the request's source port.
  m.source = pending.reply_source;
  const bool broadcast = to_host(rep.home_address()) == 0;
  m.destination = Endpoint{broadcast ? kLimitedBroadcast : rep.home_address(), pending.source_port};
  m.to_mobile_node = true;
  if (!broadcast) m.link_destination = pending.link_address;
  auto relayed = Reply::decode(m.payload);
  m.summary = relayed ? summarize(relayed.value()) : "RRP";
  o.out.push_back(std::move(m));
  return o;
}

std::optional<Outcome> ForeignAgent::on_icmp_error(std::span<const uint8_t> original,
                                                   const Tins::IPv4Address& home_agent, uint8_t icmp_type,
                                                   uint8_t icmp_code, TimePoint now) {
  if (original.size() < Request::kFixedSize || original[0] != Request::kType) return std::nullopt;
  const Request fixed = Request::decode(original.data(), Request::kFixedSize).value();
  const Registration* p = list_.find_pending(fixed.home_address(), low32(fixed.identification()));
  if (p == nullptr || p->home_agent != home_agent) return std::nullopt;
  const Registration pending = *p;
  list_.take_pending(pending.home_address, low32(pending.identification));
  // "If upon relaying a Registration Request to a home agent, the foreign agent receives an ICMP error message
  // instead of a Registration Reply, then the foreign agent SHOULD send to the mobile node a Registration Reply with an
  // appropriate "home agent unreachable" failure code (within the range 80-95, inclusive)" (3.7.3).
  uint8_t code = wire::kFaHomeAgentUnreachable;
  if (icmp_type == 3 && icmp_code == 0) code = wire::kFaHomeNetworkUnreachable;
  if (icmp_type == 3 && icmp_code == 1) code = wire::kFaHomeAgentHostUnreachable;
  if (icmp_type == 3 && icmp_code == 3) code = wire::kFaHomeAgentPortUnreachable;
  Outcome o;
  o.message = summarize(fixed);
  o.reason = "ICMP type " + std::to_string(icmp_type) + " code " + std::to_string(icmp_code) + " from the path to " +
             home_agent.to_string() + " (RFC 5944 3.7.3)";
  DenialSpec d;
  d.code = code;
  d.lifetime = pending.lifetime_requested;
  d.home_address = pending.home_address;
  d.home_agent = pending.home_agent;
  d.identification = pending.identification;
  d.source = pending.reply_source;
  d.destination_port = pending.source_port;
  d.link_destination = pending.link_address;
  d.rate_key = pending.home_address;
  deny(o, d, now);
  return o;
}

std::vector<Outcome> ForeignAgent::expire(TimePoint now) {
  std::vector<Outcome> outcomes;
  std::erase_if(last_denial_, [&](const auto& kv) { return now - kv.second >= kDenialGap; });
  VisitorList::Expired e = list_.expire(now);
  auto describe = [](const Registration& r) {
    return "HoA=" + r.home_address.to_string() + " HA=" + r.home_agent.to_string() + " id=" + hex64(r.identification);
  };
  for (const Registration& r : e.pending_lifetime_ended) {
    Outcome o;
    o.verdict = Verdict::Expired;
    o.message = "pending " + describe(r);
    o.reason = "requested Lifetime " + std::to_string(r.lifetime_requested) +
               " s ended with no reply: entry deleted, nothing sent (RFC 5944 3.7.2.2, 3.7)";
    outcomes.push_back(std::move(o));
  }
  for (const Registration& r : e.pending_timed_out) {
    Outcome o;
    o.message = "pending " + describe(r);
    if (faults_.has(Fault::FaTimeoutWithout78)) {
      o.verdict = Verdict::Expired;
      o.reason = "no reply within " + std::to_string(config_.pending_timeout_ms) + " ms: deleted silently (fault)";
    } else {
      // "The foreign agent MAY delete any pending Registration Request after the request has been pending for more
      // than 7 seconds; in this case, the foreign agent SHOULD reject the Request with Code 78" (3.7.1).
      o.reason = "no reply within " + std::to_string(config_.pending_timeout_ms) + " ms (RFC 5944 3.7.1)";
      DenialSpec d;
      d.code = wire::kFaRegistrationTimeout;
      d.lifetime = r.lifetime_requested;
      d.home_address = r.home_address;
      d.home_agent = r.home_agent;
      d.identification = r.identification;
      d.source = r.reply_source;
      d.destination_port = r.source_port;
      d.link_destination = r.link_address;
      d.rate_key = r.home_address;
      deny(o, d, now);
    }
    outcomes.push_back(std::move(o));
  }
  for (const Visitor& v : e.visitors) {
    Outcome o;
    o.verdict = Verdict::Expired;
    o.visitors_changed = true;
    o.message = "visitor " + describe(v.registration);
    o.reason = "Lifetime " + std::to_string(v.lifetime) + " s ended: entry deleted, nothing sent (RFC 5944 3.7)";
    if (faults_.has(Fault::FaReplyOnVisitorExpiry)) {
      // Fault: a Registration Reply generated "because a mobile node's registration Lifetime has expired".
      const Registration& r = v.registration;
      Reply rep(wire::kAccepted, 0, r.home_address, v.home_agent, r.identification);
      OutgoingMessage m;
      m.kind = OutgoingMessage::Kind::Denial;
      m.payload = rep.bytes();
      append_mn_fa(m.payload, r.home_address);
      m.source = r.reply_source;
      m.destination = Endpoint{r.home_address, r.source_port};
      m.to_mobile_node = true;
      m.link_destination = r.link_address;
      m.summary = summarize(rep);
      o.out.push_back(std::move(m));
      o.reason += "; fault fa-reply-on-visitor-expiry sends a reply";
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

std::optional<TimePoint> ForeignAgent::next_deadline() const {
  std::optional<TimePoint> t = list_.next_deadline();
  // The rate-limit memory needs no timer: it is pruned whenever expire() runs.
  return t;
}

nlohmann::json ForeignAgent::visitors_json(TimePoint now) const {
  auto mac = [](const std::optional<MacAddress>& m) -> nlohmann::json {
    return m ? nlohmann::json(mac_to_string(*m)) : nlohmann::json(nullptr);
  };
  auto secs = [&](TimePoint t) { return std::round(std::chrono::duration<double>(t - now).count() * 1000.0) / 1000.0; };
  auto common = [&](const Registration& r) {
    return nlohmann::json{{"home_address", r.home_address.to_string()},
                          {"link_layer_address", mac(r.link_address)},
                          {"source_address", r.source_address.to_string()},
                          {"destination_address", r.destination_address.to_string()},
                          {"source_port", r.source_port},
                          {"home_agent", r.home_agent.to_string()},
                          {"care_of_address", r.care_of_address.to_string()},
                          {"identification", r.identification},
                          {"lifetime_requested", r.lifetime_requested},
                          {"reverse_tunnel", r.reverse_tunnel},
                          {"encapsulation", std::string(encapsulation_name(r.encapsulation))},
                          {"delivery_style", r.delivery == DeliveryStyle::Direct ? "direct" : "encapsulating"}};
  };
  nlohmann::json visitors = nlohmann::json::array();
  for (const Visitor& v : list_.visitors()) {
    nlohmann::json j = common(v.registration);
    j["home_agent"] = v.home_agent.to_string();
    j["lifetime_granted"] = v.lifetime_granted;
    j["lifetime"] = v.lifetime;
    j["remaining_s"] = v.expires ? nlohmann::json(std::max(secs(*v.expires), 0.0)) : nlohmann::json(nullptr);
    visitors.push_back(std::move(j));
  }
  nlohmann::json pending = nlohmann::json::array();
  for (const Registration& r : list_.pending()) {
    nlohmann::json j = common(r);
    j["fa_ha"] = r.fa_ha_appended;
    j["timeout_s"] = std::max(secs(r.timeout), 0.0);
    pending.push_back(std::move(j));
  }
  return nlohmann::json{{"visitors", std::move(visitors)}, {"pending", std::move(pending)}};
}

}  // namespace mipvpn::agents::fa
