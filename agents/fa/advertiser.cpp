#include "agents/fa/advertiser.h"

#include <algorithm>

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"

namespace mipvpn::agents::fa {
namespace {

using std::chrono::milliseconds;
using wire::AgentAdvertisement;

std::string ms_text(TimePoint from, TimePoint to) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(to - from).count()) + " ms";
}

}  // namespace

Advertiser::Advertiser(FaConfig config, FaultSet faults, uint32_t seed)
    : config_(std::move(config)), faults_(faults), random_(seed) {
  // "After booting, an agent MUST use the number 0 for its first advertisement" (RFC 5944 2.3.2).
  sequence_ = faults_.has(Fault::FaAdvertFirstSequenceNotZero) ? 1 : 0;
}

uint32_t Advertiser::nominal_interval_ms() const {
  const uint32_t interval = config_.advertisement.interval_ms;
  if (interval == 0) return 0;
  // Fault: half the ICMP Lifetime, more than the third 2.1 allows.
  if (faults_.has(Fault::FaAdvertIntervalOverLifetimeThird)) return uint32_t{config_.advertisement.lifetime} * 500;
  return interval;
}

void Advertiser::start(TimePoint now) {
  if (nominal_interval_ms() != 0) next_periodic_ = now;
}

TimePoint Advertiser::next_periodic_after(TimePoint t) {
  const uint32_t nominal = nominal_interval_ms();
  // "The actual transmission time for each advertisement SHOULD be slightly randomized [5]" (RFC 5944 2.1): as RFC
  // 1256 does between MinAdvertisementInterval (default 0.75 of the maximum) and MaxAdvertisementInterval.
  uint32_t interval = nominal;
  if (!faults_.has(Fault::FaAdvertNotRandomized)) {
    std::uniform_int_distribution<uint32_t> pick(nominal * 3 / 4, nominal);
    interval = pick(random_);
  }
  return t + milliseconds(interval);
}

std::optional<TimePoint> Advertiser::next_deadline() const {
  std::optional<TimePoint> t = next_periodic_;
  auto earliest = [&](TimePoint x) {
    if (!t || x < *t) t = x;
  };
  if (multicast_answer_) earliest(*multicast_answer_);
  if (unlimited_answers_ > 0) earliest(TimePoint::min());
  for (const UnicastAnswer& u : unicast_answers_) earliest(u.at);
  return t;
}

OutgoingAdvertisement Advertiser::build(Tins::IPv4Address destination, std::optional<MacAddress> link_destination,
                                        std::string why) {
  const AdvertisementConfig& a = config_.advertisement;
  AgentAdvertisement adv;
  adv.code(a.routes_common_traffic ? AgentAdvertisement::kCodeRoutesCommonTraffic
                                   : AgentAdvertisement::kCodeNoCommonTraffic);
  adv.lifetime(a.lifetime);
  // "An agent SHOULD only put its own addresses, if any, in the advertisement" (2.3.1).
  if (a.router_address) adv.add_router_address(config_.visited.address, 0);
  adv.sequence_number(sequence_);
  adv.registration_lifetime(faults_.has(Fault::FaAdvertRegistrationLifetimeTooLong)
                                ? AgentAdvertisement::kInfiniteLifetime
                                : config_.max_registration_lifetime);
  uint16_t flags = a.flags;
  if (faults_.has(Fault::FaAdvertReservedBitsSet)) {
    flags |= AgentAdvertisement::kFlagReservedR | AgentAdvertisement::kReservedBits;
  }
  adv.agent_flags(flags);
  if (!faults_.has(Fault::FaAdvertWithoutCareOfAddress)) {
    for (const Tins::IPv4Address& coa : config_.care_of_addresses) adv.add_care_of_address(coa);
  }
  if (a.prefix_lengths) adv.prefix_lengths({static_cast<uint8_t>(config_.visited.prefix_length)});
  // "If the ICMP length of an Agent Advertisement is odd, this Extension MAY be included" (2.1.3).
  if (adv.header_size() % 2 != 0) adv.pad(true);

  OutgoingAdvertisement out;
  out.icmp = adv.bytes();
  out.source = config_.visited.address;
  out.destination = destination;
  out.ttl = faults_.has(Fault::FaAdvertTtlNot1) ? 64 : 1;  // "The TTL for all Agent Advertisements MUST be set to 1"
  out.link_destination = link_destination;
  out.sequence = sequence_;
  out.why = std::move(why);

  // "Each subsequent advertisement MUST use the sequence number one greater, with the exception that the sequence
  // number 0xffff MUST be followed by sequence number 256" (2.3.2).
  if (!faults_.has(Fault::FaAdvertSequenceNotIncremented)) {
    if (sequence_ == 0xffff) {
      sequence_ = faults_.has(Fault::FaAdvertSequenceWrapsToZero) ? 0 : 256;
    } else {
      ++sequence_;
    }
  }
  ++sent_;
  return out;
}

std::vector<OutgoingAdvertisement> Advertiser::due(TimePoint now) {
  std::vector<OutgoingAdvertisement> out;
  const bool periodic = next_periodic_ && *next_periodic_ <= now;
  const bool answer = multicast_answer_ && *multicast_answer_ <= now;
  if (periodic || answer) {
    Tins::IPv4Address dst = config_.advertisement.destination;
    if (faults_.has(Fault::FaAdvertWrongDestination)) dst = config_.visited.prefix().broadcast();
    out.push_back(build(dst, std::nullopt, periodic ? "unsolicited" : "solicited (multicast answer)"));
    last_multicast_ = now;
    multicast_answer_.reset();
    // Every multicast advertisement restarts the interval, as in RFC 1256.
    if (nominal_interval_ms() != 0) next_periodic_ = next_periodic_after(now);
  }
  for (; unlimited_answers_ > 0; --unlimited_answers_) {
    Tins::IPv4Address dst = config_.advertisement.destination;
    out.push_back(build(dst, std::nullopt, "solicited (multicast answer, no rate limit: fault)"));
    last_multicast_ = now;
  }
  for (auto it = unicast_answers_.begin(); it != unicast_answers_.end();) {
    if (it->at <= now) {
      out.push_back(build(it->destination, it->link_destination,
                          "solicited by " + it->destination.to_string() + " (unicast answer)"));
      last_unicast_[to_host(it->destination)] = now;
      it = unicast_answers_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::string Advertiser::on_solicitation(std::span<const uint8_t> icmp, const Tins::IPv4Address& source,
                                        const std::optional<MacAddress>& link_source, TimePoint now) {
  auto sol = wire::AgentSolicitation::decode(icmp);
  if (!sol) return "ignored: not a valid Router Solicitation: " + sol.error().to_string();
  // RFC 1256 6.1.2: a router silently discards a solicitation whose ICMP Code is not 0. A mobility agent "MUST NOT
  // require that the IP Source Address is the address of a neighbor" (RFC 5944 2.3), so the source is not checked.
  if (sol->code() != 0) return "ignored: ICMP Code " + std::to_string(sol->code()) + " is not 0 (RFC 1256)";
  if (faults_.has(Fault::FaNoSolicitationAnswer)) return "ignored (fault no-solicitation-answer)";

  const AdvertisementConfig& a = config_.advertisement;
  const uint32_t gap = a.min_gap_ms;
  const bool unicast = a.solicitation_reply == SolicitationReply::Unicast && to_host(source) != 0 && link_source &&
                       !source.is_multicast() && to_host(source) != 0xffffffffu;
  if (unicast) {
    for (const UnicastAnswer& u : unicast_answers_) {
      if (u.destination == source) return "answer to " + source.to_string() + " already scheduled";
    }
    TimePoint at = now;
    auto last = last_unicast_.find(to_host(source));
    if (last != last_unicast_.end()) at = std::max(at, last->second + milliseconds(gap));
    unicast_answers_.push_back({at, source, *link_source});
    return "unicast answer to " + source.to_string() + (at == now ? " now" : " in " + ms_text(now, at));
  }

  if (faults_.has(Fault::FaAdvertRateUnlimited)) {
    ++unlimited_answers_;
    return "multicast answer now (fault advert-rate-unlimited: no rate limit)";
  }
  // "a mobility agent MUST limit the rate at which it sends broadcast or multicast Agent Advertisements" (2.3).
  TimePoint at = now;
  if (last_multicast_) at = std::max(at, *last_multicast_ + milliseconds(gap));
  if (next_periodic_ && *next_periodic_ <= at) {
    return "answered by the unsolicited advertisement due in " + ms_text(now, *next_periodic_);
  }
  if (multicast_answer_ && *multicast_answer_ <= at) {
    return "multicast answer already scheduled in " + ms_text(now, *multicast_answer_);
  }
  multicast_answer_ = at;
  return "multicast answer " + (at == now ? std::string("now") : "in " + ms_text(now, at) + " (rate limit)");
}

}  // namespace mipvpn::agents::fa
