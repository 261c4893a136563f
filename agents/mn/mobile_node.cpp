#include "agents/mn/mobile_node.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <random>

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/codes.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::mn {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using Flags = wire::RegistrationRequest;

constexpr milliseconds kFaultRetransmission{250};  // mn-register-faster-than-once-per-second

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
  return buf;
}

std::string code_text(uint8_t code) {
  return std::to_string(code) + " (" + std::string(wire::reply_code_name(code)) + ")";
}

std::string seconds_text(steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

void earliest(std::optional<steady_clock::time_point>& acc, const std::optional<steady_clock::time_point>& t) {
  if (t && (!acc || *t < *acc)) acc = t;
}

}  // namespace

std::string_view location_name(Location l) {
  switch (l) {
    case Location::Detached: return "detached";
    case Location::Home: return "home";
    case Location::ForeignAgent: return "foreign-agent";
    case Location::CoLocated: return "colocated";
  }
  return "?";
}

MobileNode::MobileNode(MnConfig config, FaultSet faults, Random random)
    : config_(std::move(config)),
      faults_(faults),
      random_(std::move(random)),
      solicitation_(seconds(config_.solicitation.max_interval_s), !faults_.has(Fault::MnNoSolicitationBackoff)),
      home_agent_(config_.home_agent) {
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

double MobileNode::draw() { return std::clamp(random_(), 0.0, 0.999999); }

// ---------------------------------------------------------------------------------------------------------------
// Where am I?

std::optional<InterfaceAddress> MobileNode::colocated_address() const {
  for (const InterfaceAddress& a : link_.addresses) {
    if (config_.colocated_address) {
      if (a.address == *config_.colocated_address) return a;
      continue;
    }
    if (!config_.home_network.contains(a.address)) return a;
  }
  return std::nullopt;
}

bool MobileNode::home_address_evidence() const {
  for (const InterfaceAddress& a : link_.addresses) {
    if (!config_.home_network.contains(a.address)) continue;
    if (a.address == config_.home_address && added_home_address_) continue;  // ours, not the link's
    return true;
  }
  return false;
}

bool MobileNode::home_agent_heard() const {
  // "A mobile node can detect that it has returned to its home network when it receives an Agent Advertisement from
  // its own home agent." (2.4.3)
  const HeardAgent* a = agents_.find(home_agent_);
  return a != nullptr && a->home_agent();
}

MobileNode::Target MobileNode::choose_target(const Now&, Output& out) {
  Target t;
  if (!link_.exists || !link_.up) return t;
  const auto colocated = colocated_address();
  if (home_agent_heard() || (home_address_evidence() && !colocated)) {
    t.location = Location::Home;
    return t;
  }
  if (config_.mode != CareOfMode::CoLocated) {
    // Stay with the current foreign agent while it is still heard (3.6: new agents "SHOULD NOT cause a mobile node to
    // attempt a new registration" then), else the most recently heard one (2.4.2.1).
    const HeardAgent* agent = nullptr;
    if (target_ && target_->location == Location::ForeignAgent) {
      const HeardAgent* current = agents_.find(target_->agent_address);
      if (current != nullptr && current->foreign_agent() && !current->advertisement.care_of_addresses().empty()) {
        agent = current;
      }
    }
    if (agent == nullptr) agent = agents_.newest_foreign_agent();
    if (agent != nullptr) {
      const auto& coas = agent->advertisement.care_of_addresses();
      const bool same_agent = target_ && target_->agent_address == agent->address;
      // "the mobile node SHOULD pick the first address for its initial registration attempt" (2.4)
      const size_t index = same_agent ? care_of_index_ % coas.size() : 0;
      t.location = Location::ForeignAgent;
      t.care_of_address = coas[index];
      t.agent_address = agent->address;
      t.agent_mac = agent->mac;
      return t;
    }
  } else if (!colocated_r_bit_noted_) {
    for (const HeardAgent& a : agents_.all()) {
      if (a.foreign_agent() && a.registration_required()) {
        out.log.push_back("agent " + a.address.to_string() + " advertises R (registration required): mode "
                          "\"colocated\" registers with the home agent directly anyway (RFC 5944 2.4.1 SHOULD)");
        colocated_r_bit_noted_ = true;
        break;
      }
    }
  }
  if (config_.mode != CareOfMode::ForeignAgent && colocated) {
    t.location = Location::CoLocated;
    t.care_of_address = colocated->address;
  }
  return t;
}

std::optional<MobileNode::Target> MobileNode::moved_by_prefix() const {
  if (!registration_ || registration_->target.location != Location::ForeignAgent) return std::nullopt;
  const HeardAgent* current = agents_.find(registration_->target.agent_address);
  if (current == nullptr) return std::nullopt;
  // "SHOULD NOT use this method of move detection unless both the current agent and the new agent include the
  // Prefix-Lengths Extension in their respective Agent Advertisements"; the new Advertisement "MUST NOT have expired"
  // (the list holds unexpired ones only).
  const HeardAgent* best = nullptr;
  for (const HeardAgent& a : agents_.all()) {
    if (a.address == current->address || !a.foreign_agent() || a.busy() || a.advertisement.care_of_addresses().empty()) {
      continue;
    }
    if (!prefixes_differ(current->prefix(), a.prefix())) continue;
    if (best == nullptr || a.heard > best->heard) best = &a;
  }
  if (best == nullptr) return std::nullopt;
  Target t;
  t.location = Location::ForeignAgent;
  t.care_of_address = best->advertisement.care_of_addresses().front();
  t.agent_address = best->address;
  t.agent_mac = best->mac;
  return t;
}

DataPlaneState MobileNode::data_plane_for(const Target& t) const {
  DataPlaneState s;
  s.location = t.location;
  s.home_agent = home_agent_;
  s.care_of_address = t.care_of_address;
  s.agent_address = t.agent_address;
  s.agent_mac = t.agent_mac;
  s.answer_arp_for_home_address = t.location == Location::Home || faults_.has(Fault::MnAnswerArpWhileAway);
  if (registration_ && registration_->target == t) {
    s.reverse_tunnel = registration_->reverse_tunnel;
    s.udp_tunnel = registration_->udp_tunnel;
  }
  return s;
}

void MobileNode::set_data_plane(DataPlaneState state, Output& out) {
  if (data_plane_applied_ && state == data_plane_) return;
  if (state.location == Location::Home) {
    bool present = false;
    for (const InterfaceAddress& a : link_.addresses) present = present || a.address == config_.home_address;
    if (!present) added_home_address_ = true;
  }
  data_plane_ = state;
  data_plane_applied_ = true;
  out.actions.push_back(ConfigureDataPlane{state});
}

void MobileNode::reevaluate(const Now& now, Output& out) {
  if (suspended_) return;
  const Target t = choose_target(now, out);
  if (target_ && *target_ == t) {
    if (target_->agent_mac != t.agent_mac) {  // the same agent answering from another link-layer address
      target_->agent_mac = t.agent_mac;
      set_data_plane(data_plane_for(*target_), out);
    }
  } else {
    begin(t, now, out);
  }
  update_solicitation(now, out);
}

void MobileNode::begin(const Target& t, const Now& now, Output& out) {
  std::string what = std::string(location_name(t.location));
  if (t.location == Location::ForeignAgent) {
    what += " agent " + t.agent_address.to_string() + " (" + mac_to_string(t.agent_mac) + ") care-of " +
            t.care_of_address.to_string();
  } else if (t.location == Location::CoLocated) {
    what += " care-of " + t.care_of_address.to_string();
  }
  out.log.push_back("move: " + std::string(target_ ? location_name(target_->location) : "start") + " -> " + what);
  const bool same_agent = target_ && target_->location == Location::ForeignAgent &&
                          t.location == Location::ForeignAgent && target_->agent_address == t.agent_address;
  if (!same_agent) {
    care_of_index_ = 0;
    lifetime_limit_.reset();
    drop_reverse_tunnel_ = false;
    force_reverse_tunnel_ = false;
    drop_udp_tunnel_request_ = false;
  }
  target_ = t;
  pending_.reset();
  registration_.reset();
  home_refresh_at_.reset();
  at_home_deregistered_ = false;
  garp_remaining_ = 0;
  garp_after_reply_ = false;
  keepalive_reply_due_.reset();
  keepalives_unanswered_ = 0;
  // The data plane changes first: leaving home, ARP for the home address stops "before transmitting the Registration
  // Request"; returning home, it is "re-enabled" before the gratuitous ARP and the request (4.6).
  set_data_plane(data_plane_for(t), out);
  switch (t.location) {
    case Location::Detached: return;
    case Location::Home: {
      if (faults_.has(Fault::MnNoGratuitousArpAtHome)) {
        out.log.push_back("home: no gratuitous ARP (fault mn-no-gratuitous-arp-at-home)");
      } else if (faults_.has(Fault::MnGratuitousArpAfterRequest)) {
        garp_after_reply_ = true;
      } else {
        // "Before transmitting the (de)Registration Request message to its home agent, the mobile node MUST transmit
        // this gratuitous ARP on its home network as a local broadcast on this link." (4.6)
        out.actions.push_back(SendGratuitousArp{config_.home_address});
        garp_remaining_ = kGratuitousArpCount - 1;
        garp_next_ = now.mono + kGratuitousArpSpacing;
        out.log.push_back("home: gratuitous ARP " + config_.home_address.to_string() + " x" +
                          std::to_string(kGratuitousArpCount) + " before the deregistration (RFC 5944 4.6)");
      }
      if (faults_.has(Fault::MnNoDeregistrationAtHome)) {
        out.log.push_back("home: no deregistration (fault mn-no-deregistration-at-home)");
        return;
      }
      start_request(t, true, now, out);
      return;
    }
    case Location::ForeignAgent:
    case Location::CoLocated: start_request(t, false, now, out); return;
  }
}

void MobileNode::update_solicitation(const Now& now, Output& out) {
  // "Solicitations SHOULD only be sent in the absence of Agent Advertisements and when a care-of address has not been
  // determined through a link-layer protocol or other means." (2.4)
  const bool should = link_.exists && link_.up && config_.mode != CareOfMode::CoLocated &&
                      (!target_ || target_->location == Location::Detached);
  if (should && !solicitation_.searching()) {
    solicitation_.start(now.mono, draw());
    out.log.push_back("searching: Agent Solicitations to " + config_.solicitation.address.to_string() +
                      " (3 at 1/s, then doubling up to " + std::to_string(config_.solicitation.max_interval_s) +
                      " s, RFC 5944 2.4)");
  } else if (!should && solicitation_.searching()) {
    solicitation_.stop();
  }
}

void MobileNode::send_solicitation(const Now& now, Output& out) {
  SendSolicitation s;
  s.icmp = wire::AgentSolicitation().bytes();
  // RFC 1256: "An IP address belonging to the interface from which this message is sent, or 0."
  const auto colocated = colocated_address();
  if (colocated) s.source = colocated->address;
  s.destination = config_.solicitation.address;
  s.ttl = faults_.has(Fault::MnSolicitationTtlNot1) ? 64 : 1;  // "MUST be set to 1" (2.2)
  out.actions.push_back(std::move(s));
  ++solicitations_sent_;
  solicitation_.sent(now.mono, draw());
  out.log.push_back("tx Agent Solicitation #" + std::to_string(solicitation_.sent_count()) + " to " +
                    config_.solicitation.address.to_string() + ", next in " +
                    seconds_text(*solicitation_.next() - now.mono));
}

// ---------------------------------------------------------------------------------------------------------------
// Registration

double MobileNode::RequestBudget::available(steady_clock::time_point now) const {
  if (!updated) return tokens;
  return std::min(kBurst, tokens + std::chrono::duration<double>(now - *updated).count());
}

steady_clock::time_point MobileNode::RequestBudget::earliest(steady_clock::time_point now) const {
  const double have = available(now);
  if (have >= 1.0) return now;
  return now + std::chrono::ceil<steady_clock::duration>(std::chrono::duration<double>(1.0 - have));
}

void MobileNode::RequestBudget::spend(steady_clock::time_point now) {
  tokens = std::max(0.0, available(now) - 1.0);
  updated = now;
}

void MobileNode::RequestBudget::refund(steady_clock::time_point now) {
  tokens = std::min(kBurst, available(now) + 1.0);
  updated = now;
}

milliseconds MobileNode::max_retransmission() const {
  milliseconds max{config_.retransmission.max_ms};
  // "The maximum time until a new Registration Request is sent SHOULD be no greater than the requested Lifetime"
  if (pending_ && !pending_->deregistration && pending_->fields.lifetime != 0) {
    max = std::min(max, milliseconds(int64_t{pending_->fields.lifetime} * 1000));
  }
  return std::max(max, milliseconds(config_.retransmission.initial_ms));
}

void MobileNode::start_request(const Target& t, bool deregistration, const Now& now, Output& out,
                               std::optional<steady_clock::time_point> not_before) {
  Pending p;
  p.target = t;
  p.deregistration = deregistration;
  p.timeout = faults_.has(Fault::MnRegisterFasterThanOncePerSecond) ? kFaultRetransmission
                                                                     : milliseconds(config_.retransmission.initial_ms);
  p.due = now.mono;
  if (!faults_.has(Fault::MnRegisterFasterThanOncePerSecond)) {
    // "In the absence of link-layer indications, a mobile node MUST NOT attempt to register more often than once per
    // second." (3.6) With one, the average rule of 2.4.2 still holds through the budget.
    if (last_request_ && !link_indication_) p.due = std::max(p.due, *last_request_ + kMinRequestSpacing);
    p.due = std::max(p.due, budget_.earliest(now.mono));
  }
  if (not_before) p.due = std::max(p.due, *not_before);
  pending_ = p;
  if (pending_->due <= now.mono) transmit(now, out);
}

void MobileNode::transmit(const Now& now, Output& out) {
  Pending& p = *pending_;
  const Target& t = p.target;
  RequestFields f;
  f.home_address = config_.home_address;
  f.home_agent = home_agent_;
  std::optional<UdpTunnelRequestFields> udp;
  const SecurityAssociation* mn_fa = nullptr;
  Tins::IPv4Address source = config_.home_address;
  Tins::IPv4Address destination = home_agent_;
  if (p.deregistration) {
    // "a Lifetime of zero is used when the mobile node deregisters all care-of addresses, such as upon returning
    // home" with the Care-of Address field "set to its home address" (3.6.1.2)
    f.lifetime = 0;
    f.care_of_address = config_.home_address;
    // Away (RFC 5265 3.3: deregistering from the x-HA once inside), from the co-located care-of address, whose
    // source the home agent can reach (3.6.1.1), or through the foreign agent.
    if (t.location == Location::CoLocated) source = t.care_of_address;
    if (t.location == Location::ForeignAgent) destination = t.agent_address;
  } else if (t.location == Location::ForeignAgent) {
    const HeardAgent* agent = agents_.find(t.agent_address);
    f.care_of_address = t.care_of_address;
    f.lifetime = config_.lifetime;
    // "the Lifetime SHOULD NOT exceed the value in the Registration Lifetime field of the Agent Advertisement" (3.6.1.2)
    if (agent != nullptr && !faults_.has(Fault::MnLifetimeExceedsAdvertised)) {
      f.lifetime = std::min(f.lifetime, agent->advertisement.registration_lifetime());
    }
    const bool offered = agent != nullptr && agent->advertisement.t();
    if ((config_.reverse_tunnelling || force_reverse_tunnel_) && !drop_reverse_tunnel_ &&
        (offered || force_reverse_tunnel_)) {
      f.flags |= Flags::kFlagT;
    }
    // "Otherwise, the 'D' bit MUST NOT be set." (3.6.1.2)
    if (faults_.has(Fault::MnDecapsulationBitViaForeignAgent)) f.flags |= Flags::kFlagD;
    if (faults_.has(Fault::MnUdpTunnelRequestViaForeignAgent) && config_.udp_tunnelling.enabled) {
      udp = UdpTunnelRequestFields{config_.udp_tunnelling.force, false, 0};
    }
    mn_fa = config_.foreign_agent_sa(t.agent_address);
    destination = t.agent_address;  // "the address of the agent as learned from the IP source address" (3.6.1.1)
  } else {
    f.care_of_address = t.care_of_address;
    f.lifetime = config_.lifetime;
    f.flags |= Flags::kFlagD;  // "SHOULD set the 'D' bit if it is registering with a co-located care-of address"
    if (config_.udp_tunnelling.enabled && !drop_udp_tunnel_request_) {
      udp = UdpTunnelRequestFields{config_.udp_tunnelling.force, false, 0};
    }
    // T petitions the reverse tunnel (RFC 3024 3.2); RFC 3519 3.1.5: the MN "SHOULD set the 'T' bit when requesting
    // MIP UDP tunnelling".
    if ((config_.reverse_tunnelling || force_reverse_tunnel_ || udp) && !drop_reverse_tunnel_) {
      f.flags |= Flags::kFlagT;
    }
    // "When registering on a foreign network with a co-located care-of address, the IP source address MUST be the
    // care-of address." (3.6.1.1)
    source = faults_.has(Fault::MnColocatedSourceHomeAddress) ? config_.home_address : t.care_of_address;
  }
  if (lifetime_limit_ && f.lifetime != 0) f.lifetime = std::min(f.lifetime, *lifetime_limit_);
  // "a new registration Identification is chosen for each retransmission" (3.6.3)
  if (faults_.has(Fault::MnReuseIdentification) && p.transmissions > 0) {
    f.identification = p.fields.identification;
  } else {
    f.identification = ids_.next(now.wall, static_cast<uint32_t>(draw() * 4.0));
  }
  p.fields = f;
  p.udp_requested = udp.has_value();
  p.destination = destination;

  SendRequest s;
  s.payload = build_registration_request(f, config_.sa, mn_fa, udp, faults_.has(Fault::MnUdpTunnelRequestAfterAuth));
  s.source = source;
  s.destination = Endpoint{destination, kRegistrationPort};
  // "In Registration Requests sent by a mobile node, the Time to Live field in the IP header MUST be set to 255."
  // (RFC 3024 3.2)
  s.ttl = faults_.has(Fault::MnRequestTtlNot255) ? 64 : 255;
  s.summary = std::string(p.transmissions == 0 ? "" : "retransmitted ") + "RRQ flags=" + flags_text(f.flags) +
              " lifetime=" + std::to_string(f.lifetime) + " HoA=" + f.home_address.to_string() + " HA=" +
              f.home_agent.to_string() + " CoA=" + f.care_of_address.to_string() + " id=" + hex64(f.identification) +
              (udp ? " +UDP-Tunnel-Request" + std::string(udp->force ? "(F)" : "") : "") +
              (mn_fa ? " +MN-FA" : "") + " ttl=" + std::to_string(s.ttl);
  out.actions.push_back(std::move(s));

  p.sent = now.mono;
  ++p.transmissions;
  ++requests_sent_;
  p.unsent = false;
  p.previous_request = last_request_;
  last_request_ = now.mono;
  budget_.spend(now.mono);
  link_indication_ = false;
  if (destination == home_agent_) last_sent_to_ha_ = now.mono;
  // "Each successive retransmission timeout period SHOULD be at least twice the previous period, as long as that is
  // less than the maximum" (3.6.3)
  p.due = now.mono + p.timeout;
  if (!faults_.has(Fault::MnRetransmitWithoutBackoff) && !faults_.has(Fault::MnRegisterFasterThanOncePerSecond)) {
    p.timeout = std::min(p.timeout * 2, max_retransmission());
  }
}

Output MobileNode::on_reply(std::span<const uint8_t> payload, const Endpoint& source, const Now& now) {
  Output out;
  const std::string from = source.to_string();
  if (payload.empty() || payload[0] != wire::RegistrationReply::kType) {
    out.log.push_back("rx " + from + ": not a Registration Reply (type " +
                      (payload.empty() ? std::string("none") : std::to_string(payload[0])) + "), ignored");
    return out;
  }
  if (!pending_) {
    out.log.push_back("rx RRP from " + from + ": no request outstanding, discarded");
    return out;
  }
  // Compared with "the most recent Registration Request sent to the replying agent" (3.6.2.1).
  if (source.address != pending_->destination) {
    out.log.push_back("rx RRP from " + from + ": the most recent request went to " +
                      pending_->destination.to_string() + ", discarded (RFC 5944 3.6.2.1)");
    return out;
  }
  ReplyExpectation expect;
  expect.home_address = config_.home_address;
  expect.identification = pending_->fields.identification;
  expect.mn_ha = &config_.sa;
  if (!pending_->deregistration && pending_->target.location == Location::ForeignAgent) {
    expect.mn_fa = config_.foreign_agent_sa(pending_->target.agent_address);
  }
  expect.check_identification = !faults_.has(Fault::MnAcceptWrongIdentification);
  expect.check_authentication = !faults_.has(Fault::MnAcceptUnauthenticatedReply);
  const ReplyCheck check = check_reply(payload, expect);
  if (!check.valid) {
    out.log.push_back(std::string(check.security_exception ? "security exception: " : "") + "rx RRP from " + from +
                      ": " + check.reason);
    return out;
  }
  const wire::RegistrationReply& rep = *check.reply;
  last_reply_code_ = rep.code();
  last_reply_text_ = std::string(wire::reply_code_name(rep.code()));
  out.log.push_back("rx RRP from " + from + " code=" + code_text(rep.code()) + " lifetime=" +
                    std::to_string(rep.lifetime()) + " id=" + hex64(rep.identification()) +
                    (check.udp_tunnel_reply ? " UDP-Tunnel-Reply code=" + std::to_string(check.udp_tunnel_reply->code)
                                            : std::string()));
  if (wire::reply_code_accepted(rep.code())) {
    handle_accept(check, now, out);
  } else {
    handle_denial(check, now, out);
  }
  update_solicitation(now, out);
  return out;
}

void MobileNode::handle_accept(const ReplyCheck& check, const Now& now, Output& out) {
  const wire::RegistrationReply& rep = *check.reply;
  const Pending p = *pending_;
  pending_.reset();
  if (p.deregistration) {
    at_home_deregistered_ = true;
    registration_.reset();
    last_accepted_ = Accepted{now.mono, check.trusted_networks_configured, config_.home_address};
    ++accepts_;
    out.log.push_back("home: deregistered with " + home_agent_.to_string() + " (RFC 5944 2.4.3)" +
                      (check.trusted_networks_configured ? ", Trusted Networks Configured (RFC 5265 3.4)" : ""));
    // RFC 5265 3.3: inside, the mobile node "MUST re-register periodically (regardless of binding lifetime)"; at
    // home that is its deregistration.
    if (config_.max_renewal_interval_s && !suspended_ && p.target.location == Location::Home) {
      home_refresh_at_ = now.mono + seconds(std::max(1u, *config_.max_renewal_interval_s));
    }
    if (garp_after_reply_) {
      garp_after_reply_ = false;
      out.actions.push_back(SendGratuitousArp{config_.home_address});
      garp_remaining_ = kGratuitousArpCount - 1;
      garp_next_ = now.mono + kGratuitousArpSpacing;
      out.log.push_back("home: gratuitous ARP only after the reply (fault mn-gratuitous-arp-after-request)");
    }
    return;
  }
  uint16_t granted = rep.lifetime();
  if (granted > p.fields.lifetime) {
    out.log.push_back("granted Lifetime " + std::to_string(granted) + " exceeds the requested " +
                      std::to_string(p.fields.lifetime) + " (RFC 5944 3.8.3.2 forbids it): using the requested one");
    granted = p.fields.lifetime;
  }
  if (granted == 0) {
    out.log.push_back("accepted with Lifetime 0: not registered, retrying");
    pending_ = p;
    retry_later(now, out, false);
    return;
  }
  Registration r;
  r.target = p.target;
  r.granted = granted;
  // The lifetime runs from when the request was sent: "equivalent to the mobile node starting a timer for the
  // granted Lifetime at the time it sent the Registration Request" (3.6.2.2).
  r.started = *p.sent;
  r.identification = p.fields.identification;
  r.reverse_tunnel = (p.fields.flags & Flags::kFlagT) != 0;
  std::string renew_text = "no renewal (infinite lifetime)";
  if (granted != kInfiniteLifetime) {
    const auto lifetime = seconds(granted);
    r.expires = r.started + lifetime;
    // Re-register "before the expiration of the Lifetime" (3.6.2.2): a quarter of the lifetime early (at least 1 s),
    // leaving room for retransmissions.
    const auto margin = std::max<steady_clock::duration>(seconds(1), lifetime / 4);
    r.renew_at = std::max(r.started + seconds(1), *r.expires - margin);
    if (config_.max_renewal_interval_s) {
      r.renew_at = std::min(*r.renew_at, r.started + seconds(std::max(1u, *config_.max_renewal_interval_s)));
    }
    renew_text = "renewal in " + seconds_text(*r.renew_at - now.mono);
    if (faults_.has(Fault::MnRenewAfterExpiry)) {  // re-registers only once the registration has expired
      r.renew_at.reset();
      renew_text = "renewal 1 s after expiry (fault mn-renew-after-expiry)";
    }
  }
  if (p.udp_requested) {
    const auto& u = check.udp_tunnel_reply;
    if (u && u->assent()) {
      r.udp_tunnel = Endpoint{home_agent_, kRegistrationPort};
      // "If this field is set to 0, the mobile node MUST use its default configured keepalive interval." (3.2);
      // never below 10 s (4.10).
      const uint16_t k = u->keepalive_s != 0 ? u->keepalive_s : config_.udp_tunnelling.keepalive_s;
      r.keepalive = seconds(std::max<uint16_t>(k, 10));
      out.log.push_back("UDP tunnelling assented (code " + std::to_string(u->code) + (u->forced ? ", forced" : "") +
                        "), keepalive every " + std::to_string(r.keepalive.count()) + " s (RFC 3519 3.2, 4.9)");
    } else if (u) {
      out.log.push_back("UDP tunnelling declined (code " + std::to_string(u->code) + "): IP-in-IP (RFC 3519 3.2.1)");
    } else if (faults_.has(Fault::MnUdpTunnelWithoutReply)) {
      r.udp_tunnel = Endpoint{home_agent_, kRegistrationPort};
      r.keepalive = seconds(std::max<uint16_t>(config_.udp_tunnelling.keepalive_s, 10));
      out.log.push_back("no UDP Tunnel Reply, UDP tunnelling anyway (fault mn-udp-tunnel-without-reply)");
    } else {
      // "it MUST assume that the HA does not understand this extension, and it MUST NOT use UDP tunnelling" (4.4)
      out.log.push_back("no UDP Tunnel Reply in the reply: not using UDP tunnelling (RFC 3519 4.4)");
    }
  }
  if (granted == kInfiniteLifetime && config_.max_renewal_interval_s) {
    r.renew_at = r.started + seconds(std::max(1u, *config_.max_renewal_interval_s));
    renew_text = "renewal in " + seconds_text(*r.renew_at - now.mono);
  }
  registration_ = r;
  last_accepted_ = Accepted{now.mono, check.trusted_networks_configured, r.target.care_of_address};
  ++accepts_;
  if (check.trusted_networks_configured) out.log.push_back("the reply carries Trusted Networks Configured (RFC 5265 3.4)");
  keepalive_reply_due_.reset();
  keepalives_unanswered_ = 0;
  out.log.push_back("registered: " + std::string(location_name(r.target.location)) + " care-of " +
                    r.target.care_of_address.to_string() + " for " +
                    (granted == kInfiniteLifetime ? std::string("infinity") : std::to_string(granted) + " s") +
                    (r.reverse_tunnel ? ", reverse tunnel" : "") + (r.udp_tunnel ? ", UDP tunnel" : "") + ", " +
                    renew_text);
  set_data_plane(data_plane_for(r.target), out);
}

void MobileNode::retry_later(const Now& now, Output&, bool fresh_backoff) {
  if (!pending_) return;
  if (fresh_backoff) {
    pending_->timeout = faults_.has(Fault::MnRegisterFasterThanOncePerSecond)
                            ? kFaultRetransmission
                            : milliseconds(config_.retransmission.initial_ms);
    pending_->due = now.mono;
    if (last_request_ && !faults_.has(Fault::MnRegisterFasterThanOncePerSecond)) {
      pending_->due = std::max(pending_->due, *last_request_ + kMinRequestSpacing);
    }
  }
}

void MobileNode::handle_denial(const ReplyCheck& check, const Now& now, Output& out) {
  const wire::RegistrationReply& rep = *check.reply;
  const uint8_t code = rep.code();
  const bool asked_t = (pending_->fields.flags & Flags::kFlagT) != 0;
  ++denials_;
  std::string remedy;
  bool soon = false;
  switch (code) {
    case wire::kHaIdentificationMismatch:
      if (faults_.has(Fault::MnIgnoreIdentificationResync)) {
        remedy = "Identification not resynchronised (fault mn-ignore-identification-resync)";
      } else {
        // "The mobile node MUST adjust the parameters it uses to compute the Identification field based upon the
        // information in the Registration Reply, before issuing any future Registration Requests." (3.6.2.3)
        const int64_t offset = ids_.resync(rep.identification(), now.wall);
        remedy = "Identification clock resynchronised to the home agent's (offset " + std::to_string(offset) +
                 " s, RFC 5944 3.6.2.3, 5.7.1)";
      }
      soon = true;
      break;
    case wire::kHaUnknownHomeAgentAddress:
      // "the Home Agent field within the Reply will contain the unicast IP address of the home agent" (3.6.2.3)
      if (rep.home_agent() != home_agent_ && to_host(rep.home_agent()) != 0 && !rep.home_agent().is_multicast()) {
        remedy = "home agent address now " + rep.home_agent().to_string() + "; ";
        home_agent_ = rep.home_agent();
      }
      ids_.resync(rep.identification(), now.wall);
      remedy += "Identification resynchronised (RFC 5944 3.6.2.3)";
      soon = true;
      break;
    case wire::kFaLifetimeTooLong:
      // "using a Lifetime in the Registration Request that MUST be less than or equal to the value specified in the
      // Reply" (3.6.2.3)
      lifetime_limit_ = std::max<uint16_t>(rep.lifetime(), 1);
      remedy = "Lifetime limited to " + std::to_string(*lifetime_limit_) + " s (RFC 5944 3.6.2.3)";
      soon = true;
      break;
    case wire::kFaReverseTunnelUnavailable:
    case wire::kHaReverseTunnelUnavailable:
      drop_reverse_tunnel_ = true;
      remedy = "retrying without the T bit (RFC 3024 4.1.2 b)";
      soon = true;
      break;
    case wire::kFaPoorlyFormedRequest:
    case wire::kHaPoorlyFormedRequest:
      // "In response to a Registration Request with the 'T' bit set, mobile nodes may receive (and MUST accept)
      // code 70 [...] and code 134" (RFC 3024 3.4)
      if (asked_t && !drop_reverse_tunnel_) {
        drop_reverse_tunnel_ = true;
        remedy = "retrying without the T bit (RFC 3024 3.4, 4.1.2 b)";
        soon = true;
      }
      break;
    case wire::kFaReverseTunnelMandatory:
    case wire::kHaReverseTunnelMandatory:
      force_reverse_tunnel_ = true;
      drop_reverse_tunnel_ = false;
      remedy = "retrying with the T bit (RFC 3024 3.4)";
      soon = true;
      break;
    case wire::kHaUdpEncapsulationUnavailable:
      drop_udp_tunnel_request_ = true;
      remedy = "retrying without the UDP Tunnel Request (RFC 3519 4.1)";
      soon = true;
      break;
    case wire::kHaMobileNodeFailedAuth:
    case wire::kFaMobileNodeFailedAuth:
    case wire::kHaForeignAgentFailedAuth:
    case wire::kFaHomeAgentFailedAuth:
      out.log.push_back("security exception: authentication failure reported by the " +
                        std::string(denied_by_foreign_agent(code) ? "foreign" : "home") +
                        " agent (RFC 5944 3.6.2.1)");
      pending_->timeout = max_retransmission();
      pending_->due = now.mono + pending_->timeout;
      remedy = "retrying at the maximum interval";
      break;
    default:
      break;
  }
  // "If the registration attempt fails with a status code indicating rejection by the foreign agent, the mobile node
  // MAY retry the attempt with each subsequent advertised address in turn." (2.4)
  if (!soon && denied_by_foreign_agent(code) && pending_->target.location == Location::ForeignAgent) {
    const HeardAgent* agent = agents_.find(pending_->target.agent_address);
    if (agent != nullptr && care_of_index_ + 1 < agent->advertisement.care_of_addresses().size()) {
      ++care_of_index_;
      out.log.push_back("denied " + code_text(code) + ": trying the agent's next care-of address");
      reevaluate(now, out);
      return;
    }
  }
  if (soon) retry_later(now, out, true);
  out.log.push_back("denied " + code_text(code) + ": " +
                    (remedy.empty() ? "retrying after " + seconds_text(pending_->due - now.mono) : remedy));
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

Output MobileNode::suspend(bool deregister, const Now& now) {
  Output out;
  if (suspended_) return out;
  suspended_ = true;
  home_refresh_at_.reset();
  const bool away = target_ && (target_->location == Location::ForeignAgent || target_->location == Location::CoLocated);
  if (deregister && away && (registration_ || pending_)) {
    out.log.push_back("suspended: deregistering care-of " + target_->care_of_address.to_string() + " with " +
                      home_agent_.to_string());
    registration_.reset();
    start_request(*target_, true, now, out);
  } else {
    out.log.push_back("suspended");
    pending_.reset();
    registration_.reset();
  }
  keepalive_reply_due_.reset();
  return out;
}

Output MobileNode::resume(const Now& now) {
  Output out;
  if (!suspended_) return out;
  suspended_ = false;
  out.log.push_back("resumed");
  target_.reset();
  pending_.reset();
  registration_.reset();
  reevaluate(now, out);
  return out;
}

Output MobileNode::on_link(const LinkState& link, const Now& now) {
  Output out;
  const LinkState before = link_;
  link_ = link;
  if (!link.exists) {
    if (before.exists) out.log.push_back("link: interface " + config_.interface + " is gone");
  } else if (before.up != link.up) {
    // A link-layer indication of movement: agents heard before may be elsewhere now, and a search may start at the
    // initial rate again ("positive indication that it has moved to a new link", 2.4).
    out.log.push_back(std::string("link: ") + config_.interface + (link.up ? " up" : " down"));
    agents_.clear();
    solicitation_.stop();
  }
  if (before.addresses != link.addresses) {
    std::string list;
    for (const InterfaceAddress& a : link.addresses) {
      list += (list.empty() ? "" : ", ") + a.address.to_string() + "/" + std::to_string(a.prefix_length);
    }
    out.log.push_back("link: addresses of " + config_.interface + ": " + (list.empty() ? "none" : list));
  }
  if (before.up != link.up || before.addresses != link.addresses) link_indication_ = true;
  bool home_present = false;
  for (const InterfaceAddress& a : link.addresses) home_present = home_present || a.address == config_.home_address;
  if (!home_present) added_home_address_ = false;
  reevaluate(now, out);
  return out;
}

Output MobileNode::on_advertisement(const ReceivedIcmp& message, const Now& now) {
  Output out;
  if (message.icmp.empty() || message.icmp[0] != wire::AgentAdvertisement::kIcmpType) return out;
  auto decoded = wire::AgentAdvertisement::decode(message.icmp.data(), message.icmp.size());
  const std::string from = message.source.to_string() + " (" + mac_to_string(message.source_mac) + ")";
  if (!decoded) {
    out.log.push_back("rx advertisement from " + from + ": " + decoded.error().to_string() + ", ignored");
    return out;
  }
  const wire::AgentAdvertisement& adv = decoded.value();
  const bool reserved = (adv.agent_flags() & (wire::AgentAdvertisement::kFlagReservedR |
                                              wire::AgentAdvertisement::kReservedBits)) != 0;
  if (reserved && faults_.has(Fault::MnDiscardAdvertisementReservedBits)) {
    out.log.push_back("rx advertisement from " + from +
                      ": reserved bits set, discarded (fault mn-discard-advertisement-reserved-bits)");
    return out;
  }
  // "A mobile node MUST ignore reserved bits in Agent Advertisements, as opposed to discarding such advertisements"
  const AdvertisementUpdate u = agents_.heard(adv, message.source, message.source_mac, now.mono);
  if (u.new_agent) {
    std::string coas;
    for (const auto& c : adv.care_of_addresses()) coas += (coas.empty() ? "" : ",") + c.to_string();
    out.log.push_back("heard agent " + from + " seq=" + std::to_string(adv.sequence_number()) + " lifetime=" +
                      std::to_string(adv.lifetime()) + " reg_lifetime=" + std::to_string(adv.registration_lifetime()) +
                      " flags=" + (adv.r() ? "R" : "") + (adv.b() ? "B" : "") + (adv.h() ? "H" : "") +
                      (adv.f() ? "F" : "") + (adv.t() ? "T" : "") + (adv.u() ? "U" : "") +
                      " care-of=" + (coas.empty() ? "-" : coas) + (reserved ? " (reserved bits ignored)" : ""));
  }
  const bool current = target_ && target_->location == Location::ForeignAgent &&
                       target_->agent_address == message.source;
  if (u.rebooted && current) {
    if (faults_.has(Fault::MnIgnoreForeignAgentReboot)) {
      out.log.push_back("agent " + from + " sequence number fell to " + std::to_string(adv.sequence_number()) +
                        ": reboot ignored (fault mn-ignore-foreign-agent-reboot)");
    } else {
      // "the second of which is less than the first and inside the range 0 to 255, the mobile node SHOULD register
      // again" (2.4.4)
      out.log.push_back("agent " + from + " rebooted (sequence number fell to " +
                        std::to_string(adv.sequence_number()) + "): registering again (RFC 5944 2.4.4)");
      start_request(*target_, false, now, out);
    }
  } else if (u.rolled_over && current) {
    out.log.push_back("agent " + from + " sequence number rolled over: no re-registration (RFC 5944 2.4.4)");
  }
  reevaluate(now, out);
  return out;
}

Output MobileNode::on_keepalive_reply(const Now&) {
  Output out;
  keepalive_reply_due_.reset();
  keepalives_unanswered_ = 0;
  return out;
}

void MobileNode::note_sent_to_home_agent(const Now& now) { last_sent_to_ha_ = now.mono; }

void MobileNode::on_request_not_sent(const Now& now) {
  if (!pending_ || pending_->unsent) return;
  pending_->unsent = true;
  if (pending_->transmissions > 0) --pending_->transmissions;
  if (requests_sent_ > 0) --requests_sent_;
  last_request_ = pending_->previous_request;
  budget_.refund(now.mono);
}

Output MobileNode::on_routes_changed(const Now& now) {
  Output out;
  if (pending_ && pending_->unsent) {
    out.log.push_back("routing changed: sending the request that could not leave before");
    transmit(now, out);
  }
  return out;
}

std::optional<steady_clock::time_point> MobileNode::next_deadline() const {
  std::optional<steady_clock::time_point> next;
  if (pending_) earliest(next, pending_->due);
  if (registration_) {
    if (!pending_) earliest(next, registration_->renew_at);
    earliest(next, registration_->expires);
    if (registration_->udp_tunnel && !faults_.has(Fault::MnNoKeepalive)) {
      if (keepalive_reply_due_) {
        earliest(next, keepalive_reply_due_);
      } else if (last_sent_to_ha_) {
        earliest(next, *last_sent_to_ha_ + registration_->keepalive);
      }
    }
  }
  earliest(next, agents_.next_expiry());
  earliest(next, solicitation_.next());
  if (garp_remaining_ > 0) earliest(next, garp_next_);
  if (home_refresh_at_) earliest(next, *home_refresh_at_);
  return next;
}

Output MobileNode::on_timer(const Now& now) {
  Output out;
  // Algorithm 1 (2.4.2.1): "If the mobile node fails to receive another advertisement from the same agent within the
  // specified Lifetime, it SHOULD assume that it has lost contact with that agent."
  const auto gone = agents_.expire(now.mono);
  for (const auto& a : gone) out.log.push_back("agent " + a.to_string() + ": advertisement Lifetime expired");
  if (registration_ && registration_->expires && *registration_->expires <= now.mono) {
    out.log.push_back("registration with care-of " + registration_->target.care_of_address.to_string() + " expired");
    const Target t = registration_->target;
    const auto expired = *registration_->expires;
    registration_.reset();
    if (target_) set_data_plane(data_plane_for(*target_), out);
    if (!pending_ && target_ && *target_ == t) {
      std::optional<steady_clock::time_point> not_before;
      if (faults_.has(Fault::MnRenewAfterExpiry)) not_before = expired + seconds(1);
      start_request(t, false, now, out, not_before);
    }
  }
  if (registration_ && !pending_ && registration_->renew_at && *registration_->renew_at <= now.mono) {
    registration_->renew_at.reset();
    if (const auto moved = moved_by_prefix(); moved) {
      // "On the expiration of its current registration, if this method indicates that the mobile node has moved,
      // rather than re-registering with its current care-of address, a mobile node MAY choose instead to register
      // with the foreign agent sending the new Advertisement with the different network prefix." (2.4.2.2)
      out.log.push_back("Algorithm 2: agent " + moved->agent_address.to_string() +
                        " advertises another network prefix, registering there instead of renewing (RFC 5944 "
                        "2.4.2.2)");
      begin(*moved, now, out);
    } else {
      out.log.push_back("renewing the registration before its Lifetime expires (RFC 5944 3.6.2.2)");
      start_request(registration_->target, false, now, out);
    }
  }
  if (home_refresh_at_ && *home_refresh_at_ <= now.mono) {
    home_refresh_at_.reset();
    if (!pending_ && !suspended_ && target_ && target_->location == Location::Home) {
      out.log.push_back("home: deregistering again within T_MONITOR (RFC 5265 3.2.4)");
      start_request(*target_, true, now, out);
    }
  }
  if (pending_ && pending_->due <= now.mono) transmit(now, out);
  if (garp_remaining_ > 0 && garp_next_ <= now.mono) {
    out.actions.push_back(SendGratuitousArp{config_.home_address});
    --garp_remaining_;
    garp_next_ = now.mono + kGratuitousArpSpacing;
  }
  if (registration_ && registration_->udp_tunnel && !faults_.has(Fault::MnNoKeepalive)) {
    if (keepalive_reply_due_ && *keepalive_reply_due_ <= now.mono) {
      ++keepalives_unanswered_;
      keepalive_reply_due_.reset();
      if (keepalives_unanswered_ >= kKeepaliveAttempts) {
        // "the mobile node SHOULD re-register with the home agent by sending an Registration Request" (4.10)
        out.log.push_back(std::to_string(keepalives_unanswered_) +
                          " keepalives unanswered: NAT mapping lost? registering again (RFC 3519 4.10)");
        keepalives_unanswered_ = 0;
        if (!pending_) start_request(registration_->target, false, now, out);
      } else {
        out.actions.push_back(SendKeepalive{++keepalive_sequence_});
        last_sent_to_ha_ = now.mono;
        keepalive_reply_due_ = now.mono + kKeepaliveReplyTimeout;
      }
    } else if (!keepalive_reply_due_ && last_sent_to_ha_ && *last_sent_to_ha_ + registration_->keepalive <= now.mono) {
      // "MUST send a keepalive packet if no other packet to the HA has been sent in K seconds" (4.9)
      out.actions.push_back(SendKeepalive{++keepalive_sequence_});
      last_sent_to_ha_ = now.mono;
      keepalive_reply_due_ = now.mono + kKeepaliveReplyTimeout;
    }
  }
  if (solicitation_.next() && *solicitation_.next() <= now.mono) send_solicitation(now, out);
  if (!gone.empty()) reevaluate(now, out);
  return out;
}

nlohmann::json MobileNode::state_json(const Now& now) const {
  nlohmann::json j;
  j["location"] = std::string(location_name(data_plane_.location));
  j["mode"] = std::string(care_of_mode_name(config_.mode));
  j["home_address"] = config_.home_address.to_string();
  j["home_agent"] = home_agent_.to_string();
  const bool away = data_plane_.location == Location::ForeignAgent || data_plane_.location == Location::CoLocated;
  j["care_of_address"] = away ? nlohmann::json(data_plane_.care_of_address.to_string()) : nlohmann::json(nullptr);
  j["registered"] = registration_.has_value();
  j["deregistered_at_home"] = at_home_deregistered_;
  if (registration_) {
    j["lifetime_granted"] = registration_->granted;
    if (registration_->expires) {
      const double remaining = std::chrono::duration<double>(*registration_->expires - now.mono).count();
      j["lifetime_remaining_s"] = std::round(std::max(remaining, 0.0) * 1000.0) / 1000.0;
    } else {
      j["lifetime_remaining_s"] = nullptr;
    }
    j["reverse_tunnel"] = registration_->reverse_tunnel;
    j["udp_tunnel"] = registration_->udp_tunnel.has_value();
    j["identification"] = registration_->identification;
  } else {
    j["lifetime_granted"] = nullptr;
    j["lifetime_remaining_s"] = nullptr;
    j["reverse_tunnel"] = false;
    j["udp_tunnel"] = false;
  }
  j["last_reply_code"] = last_reply_code_ ? nlohmann::json(*last_reply_code_) : nlohmann::json(nullptr);
  j["last_reply"] = last_reply_code_ ? nlohmann::json(last_reply_text_) : nlohmann::json(nullptr);
  j["pending"] = pending_ ? nlohmann::json{{"destination", pending_->destination.to_string()},
                                           {"deregistration", pending_->deregistration},
                                           {"transmissions", pending_->transmissions},
                                           {"identification", pending_->fields.identification}}
                          : nlohmann::json(nullptr);
  j["requests_sent"] = requests_sent_;
  j["identification_offset_s"] = ids_.offset_seconds();
  nlohmann::json agents = nlohmann::json::array();
  for (const HeardAgent& a : agents_.all()) {
    std::string flags;
    if (a.advertisement.r()) flags += "R";
    if (a.advertisement.b()) flags += "B";
    if (a.advertisement.h()) flags += "H";
    if (a.advertisement.f()) flags += "F";
    if (a.advertisement.t()) flags += "T";
    if (a.advertisement.u()) flags += "U";
    nlohmann::json coas = nlohmann::json::array();
    for (const auto& c : a.advertisement.care_of_addresses()) coas.push_back(c.to_string());
    agents.push_back({{"address", a.address.to_string()},
                      {"mac", mac_to_string(a.mac)},
                      {"flags", flags},
                      {"sequence", a.advertisement.sequence_number()},
                      {"care_of_addresses", coas},
                      {"registration_lifetime", a.advertisement.registration_lifetime()},
                      {"remaining_s", std::round(std::chrono::duration<double>(a.expires - now.mono).count() * 1000) /
                                          1000.0}});
  }
  j["agents_heard"] = agents;
  j["agent"] = data_plane_.location == Location::ForeignAgent ? nlohmann::json(data_plane_.agent_address.to_string())
                                                              : nlohmann::json(nullptr);
  j["searching"] = solicitation_.searching();
  j["solicitations_sent"] = solicitations_sent_;
  return j;
}

}  // namespace mipvpn::agents::mn
