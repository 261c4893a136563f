#include "harness/wire/sa_classifier.h"

#include "harness/wire/format.h"
#include "harness/wire/ike_names.h"

#include <charconv>

namespace mipvpn::wire {
namespace {

std::string hex(uint64_t v) { return detail::hex(v, 1); }

std::string ep(Tins::IPv4Address a, uint16_t port) {
  return a.to_string() + (port != 0 ? ":" + std::to_string(port) : "");
}

std::pair<uint32_t, uint32_t> pair_key(Tins::IPv4Address a, Tins::IPv4Address b) {
  const auto x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b);
  return x < y ? std::make_pair(x, y) : std::make_pair(y, x);
}

bool is_child_exchange(IkeVersion v, uint8_t exchange) {
  return v == IkeVersion::V1 ? exchange == IkeV1QuickMode : exchange == CreateChildSa;
}

bool is_initial_exchange(IkeVersion v, uint8_t exchange) {
  return v == IkeVersion::V1 ? (exchange >= IsakmpBase && exchange <= IsakmpAggressive) : exchange == IkeSaInit;
}

std::string exchange_name(IkeVersion v, uint8_t exchange) {
  return v == IkeVersion::V1 ? ikev1_exchange_name(exchange) : ikev2_exchange_name(exchange);
}

std::string ike_sa_name(uint64_t spi_i, uint64_t spi_r) { return "IKE SA " + hex(spi_i) + "/" + hex(spi_r); }

}  // namespace

const char* to_string(SaEventKind kind) {
  switch (kind) {
    case SaEventKind::NewSa:
      return "NewSa";
    case SaEventKind::Rekey:
      return "Rekey";
    case SaEventKind::AddressUpdate:
      return "AddressUpdate";
    case SaEventKind::Continuing:
      return "Continuing";
  }
  return "?";
}

IkeObservation IkeObservation::from(const IkeV2Message& m, SaTime time, Tins::IPv4Address src, uint16_t src_port,
                                    Tins::IPv4Address dst, uint16_t dst_port) {
  return IkeObservation{time,           src,       dst,       src_port,          dst_port,
                        IkeVersion::V2, m.spi_i(), m.spi_r(), m.exchange_type(), m.flags(),
                        m.message_id()};
}

IkeObservation IkeObservation::from(const IkeV1Message& m, SaTime time, Tins::IPv4Address src, uint16_t src_port,
                                    Tins::IPv4Address dst, uint16_t dst_port) {
  return IkeObservation{time,
                        src,
                        dst,
                        src_port,
                        dst_port,
                        IkeVersion::V1,
                        m.initiator_cookie(),
                        m.responder_cookie(),
                        m.exchange_type(),
                        m.flags(),
                        m.message_id()};
}

std::optional<IkeObservation> IkeObservation::from(const Layer& l, SaTime time, Tins::IPv4Address src,
                                                   uint16_t src_port, Tins::IPv4Address dst, uint16_t dst_port) {
  if (l.protocol != "ike" && l.protocol != "ikev1") return std::nullopt;
  auto number = [&](const char* name) -> std::optional<uint64_t> {
    const FieldValue* v = l.find(name);
    if (v == nullptr || !std::holds_alternative<uint64_t>(*v)) return std::nullopt;
    return std::get<uint64_t>(*v);
  };
  auto spi = [&](const char* name) -> std::optional<uint64_t> {
    const FieldValue* v = l.find(name);
    if (v == nullptr || !std::holds_alternative<std::string>(*v)) return std::nullopt;
    const std::string& text = std::get<std::string>(*v);  // "0x%016x"
    if (text.size() != 18 || text.rfind("0x", 0) != 0) return std::nullopt;
    // from_chars, not stoull: any Layer may be handed in, and stoull throws on non-hex text (and takes a sign or
    // leading blanks); a field that is not 16 hex digits makes no observation.
    uint64_t value = 0;
    const auto r = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
    return value;
  };
  const auto spi_i = spi("spi_i"), spi_r = spi("spi_r");
  const auto exchange = number("exchange_type"), flags = number("flags"), msgid = number("message_id");
  if (!spi_i || !spi_r || !exchange || !flags || !msgid) return std::nullopt;
  return IkeObservation{time,
                        src,
                        dst,
                        src_port,
                        dst_port,
                        l.protocol == "ikev1" ? IkeVersion::V1 : IkeVersion::V2,
                        *spi_i,
                        *spi_r,
                        static_cast<uint8_t>(*exchange),
                        static_cast<uint8_t>(*flags),
                        static_cast<uint32_t>(*msgid)};
}

SaClassifier::IkeSa* SaClassifier::find_ike(const IkeObservation& o) {
  for (auto& sa : ike_) {
    if (sa.rec.version != o.version || sa.rec.spi_i != o.spi_i) continue;
    // A responder SPI that changes is another SA, except within IKE_SA_INIT: an INVALID_KE_PAYLOAD or COOKIE
    // response may carry one SPIr and the retried exchange another (RFC 7296 2.6, 1.2).
    if (sa.rec.spi_r != 0 && o.spi_r != 0 && sa.rec.spi_r != o.spi_r &&
        !(o.version == IkeVersion::V2 && o.exchange == IkeSaInit))
      continue;
    return &sa;
  }
  return nullptr;
}

const SaClassifier::IkeSa* SaClassifier::ike_between(Tins::IPv4Address a, Tins::IPv4Address b,
                                                     const IkeSa* except) const {
  const auto key = pair_key(a, b);
  const IkeSa* latest = nullptr;
  for (const auto& sa : ike_) {
    if (&sa == except) continue;
    if (pair_key(sa.initiator.addr, sa.responder.addr) == key) latest = &sa;
  }
  return latest;
}

IkeVerdict SaClassifier::observe_ike(const IkeObservation& o) {
  SaVerdict v;
  const bool v2 = o.version != IkeVersion::V1;
  const bool response = v2 && (o.flags & IkeV2Message::kFlagR) != 0;
  const std::string what = exchange_name(o.version, o.exchange) + (v2 ? (response ? " response" : " request") : "") +
                           " msgid=" + std::to_string(o.message_id);
  const Endpoint src{o.src, o.src_port}, dst{o.dst, o.dst_port};

  IkeSa* sa = find_ike(o);
  if (sa == nullptr) {
    IkeSa fresh;
    fresh.rec.protocol = SaProtocol::Ike;
    fresh.rec.version = o.version;
    fresh.rec.spi_i = o.spi_i;
    fresh.rec.spi_r = o.spi_r;
    fresh.rec.first_seen = o.time;
    // The original initiator: the sender of a message with I set (IKEv2), else of the first message seen (IKEv1,
    // and IKEv2 responses that reached the capture before their request).
    const bool sender_is_initiator = !v2 || (o.flags & IkeV2Message::kFlagI) != 0;
    fresh.initiator = sender_is_initiator ? src : dst;
    fresh.responder = sender_is_initiator ? dst : src;
    const IkeSa* older = ike_between(o.src, o.dst, nullptr);
    v.new_spi = true;
    const std::string name = ike_sa_name(o.spi_i, o.spi_r);
    if (is_initial_exchange(o.version, o.exchange)) {
      fresh.rec.origin = exchange_name(o.version, o.exchange);
      if (older != nullptr) {
        v.kind = SaEventKind::Rekey;
        v.reason = "new " + name + " by " + what + " replaces " + ike_sa_name(older->rec.spi_i, older->rec.spi_r) +
                   " between " + o.src.to_string() + " and " + o.dst.to_string() + " (full renegotiation)";
      } else {
        v.kind = SaEventKind::NewSa;
        v.reason =
            "new " + name + " by " + what + " between " + ep(o.src, o.src_port) + " and " + ep(o.dst, o.dst_port);
      }
    } else if (older != nullptr) {
      fresh.rec.origin =
          "rekey of " + ike_sa_name(older->rec.spi_i, older->rec.spi_r) + " (first seen in " + what + ")";
      v.kind = SaEventKind::Rekey;
      v.reason = "new " + name + " first seen in " + what + " between the peers of " +
                 ike_sa_name(older->rec.spi_i, older->rec.spi_r) +
                 ": an IKE SA rekey (its CREATE_CHILD_SA is encrypted) or a renegotiation not captured";
    } else {
      fresh.rec.origin = "no initial exchange seen (first message " + what + ")";
      v.kind = SaEventKind::NewSa;
      v.reason = "new " + name + " first seen in " + what + " between " + ep(o.src, o.src_port) + " and " +
                 ep(o.dst, o.dst_port) + " without its initial exchange";
      v.anomalies.push_back(SaAnomaly{
          SaAnomalyKind::MidSaStart, false,
          name + " first seen in " + what + ", after its initial exchange: the capture may have started late"});
    }
    ike_.push_back(std::move(fresh));
    sa = &ike_.back();
    sa->rec.src = sa->initiator.addr;
    sa->rec.src_port = sa->initiator.port;
    sa->rec.dst = sa->responder.addr;
    sa->rec.dst_port = sa->responder.port;
  } else {
    std::string extra;
    if (sa->rec.spi_r != o.spi_r && o.spi_r != 0) {
      sa->rec.spi_r = o.spi_r;
      extra = "; responder SPI " + hex(o.spi_r) + " now known";
    }
    // Which side sent this: IKEv2 says so in the I flag; IKEv1 is matched against the known endpoints.
    bool from_initiator;
    if (v2) {
      from_initiator = (o.flags & IkeV2Message::kFlagI) != 0;
    } else if (src == sa->initiator || dst == sa->responder) {
      from_initiator = true;
    } else if (src == sa->responder || dst == sa->initiator) {
      from_initiator = false;
    } else {
      from_initiator = src.addr == sa->initiator.addr || dst.addr == sa->responder.addr;
    }
    Endpoint& sender = from_initiator ? sa->initiator : sa->responder;
    Endpoint& receiver = from_initiator ? sa->responder : sa->initiator;
    const bool addr_same = sender.addr == src.addr && receiver.addr == dst.addr;
    const bool ports_same = sender.port == src.port && receiver.port == dst.port;
    // RFC 7296 2.23: after NAT detection the peers move from 500 to 4500 (a NAT may also remap the sender's port).
    const bool nat_t_float = addr_same && !ports_same &&
                             ((sender.port == 500 && src.port == 4500) || (receiver.port == 500 && dst.port == 4500));
    if (!(addr_same && ports_same) && !nat_t_float) {
      std::string change;
      if (!(sender == src))
        change += std::string(from_initiator ? "initiator " : "responder ") + ep(sender.addr, sender.port) + " -> " +
                  ep(src.addr, src.port);
      if (!(receiver == dst))
        change += std::string(change.empty() ? "" : ", ") + (from_initiator ? "responder " : "initiator ") +
                  ep(receiver.addr, receiver.port) + " -> " + ep(dst.addr, dst.port);
      v.kind = SaEventKind::AddressUpdate;
      v.reason = ike_sa_name(sa->rec.spi_i, sa->rec.spi_r) + " " + what + " from new outer addresses: " + change +
                 " (MOBIKE UPDATE_SA_ADDRESSES travels encrypted; the address change is the signature)" + extra;
      ++sa->rec.address_changes;
    } else if (is_child_exchange(o.version, o.exchange)) {
      v.kind = SaEventKind::Rekey;
      v.reason = what + " on " + ike_sa_name(sa->rec.spi_i, sa->rec.spi_r) + ": child SA (re)negotiation" + extra;
    } else {
      v.kind = SaEventKind::Continuing;
      v.reason = what + " on " + ike_sa_name(sa->rec.spi_i, sa->rec.spi_r) +
                 (nat_t_float ? ", moved to UDP 4500 (NAT traversal, RFC 7296 2.23)" : "") + extra;
    }
    sender = src;
    receiver = dst;
    sa->rec.src = sa->initiator.addr;
    sa->rec.src_port = sa->initiator.port;
    sa->rec.dst = sa->responder.addr;
    sa->rec.dst_port = sa->responder.port;
  }

  // Exchanges: IKEv2 by (message id, which side requested, type); IKEv1 messages of one exchange share the message
  // id (phase 1: 0), so the requester is always taken to be the SA's initiator.
  const bool sender_is_i = v2 ? (o.flags & IkeV2Message::kFlagI) != 0 : true;
  const bool requester_is_i = response ? !sender_is_i : sender_is_i;
  if (sa->exchanges.insert({o.message_id, requester_is_i, o.exchange}).second) {
    v.new_exchange = true;
    ++sa->rec.exchanges;
    if (is_child_exchange(o.version, o.exchange)) {
      // One child SA per exchange: an SPI for each direction.
      child_credits_[pair_key(o.src, o.dst)] += 2;
    }
  }
  if (!sa->messages.insert({o.message_id, requester_is_i, response}).second) v.reason += " (retransmission)";
  if (sa->rec.packets == 0) sa->rec.first_seen = o.time;
  ++sa->rec.packets;
  sa->rec.last_seen = o.time;

  SaEvent e;
  e.time = o.time;
  e.protocol = SaProtocol::Ike;
  e.version = o.version;
  e.exchange = o.exchange;
  e.spi_i = o.spi_i;
  e.spi_r = o.spi_r;
  e.verdict = v;
  record(e);
  return v;
}

EspVerdict SaClassifier::observe_esp(const EspObservation& o) {
  SaVerdict v;
  const std::string spi = "ESP SPI " + hex(o.spi);
  const std::string outer = ep(o.src, o.src_port) + ">" + ep(o.dst, o.dst_port);
  auto it = esp_index_.find(o.spi);
  if (it == esp_index_.end()) {
    EspSa fresh;
    fresh.rec.protocol = SaProtocol::Esp;
    fresh.rec.spi = o.spi;
    fresh.rec.first_seen = o.time;
    fresh.rec.first_seq = o.seq;
    v.new_spi = true;
    // An older ESP SA between the same addresses, for the reason text.
    const EspSa* older = nullptr;
    for (const auto& s : esp_)
      if (pair_key(s.rec.src, s.rec.dst) == pair_key(o.src, o.dst)) older = &s;
    const std::string was =
        older ? " (previous SPI " + hex(older->rec.spi) + ", last seq " + std::to_string(older->rec.last_seq) + ")"
              : "";
    int& credits = child_credits_[pair_key(o.src, o.dst)];
    if (credits > 0 && older != nullptr) {
      --credits;
      v.kind = SaEventKind::Rekey;
      v.reason = "new " + spi + " " + outer + " after a child SA exchange between these peers" + was;
      fresh.rec.origin = "child SA exchange";
    } else if (credits > 0) {  // the first child SA of an IKEv1 SA comes from Quick Mode
      --credits;
      v.kind = SaEventKind::NewSa;
      v.reason = "new " + spi + " " + outer + ", the first between these peers, created by a child SA exchange";
      fresh.rec.origin = "child SA exchange";
    } else {
      v.kind = SaEventKind::NewSa;
      v.reason = "new " + spi + " " + outer +
                 (older ? " with no CREATE_CHILD_SA / Quick Mode seen to account for it" + was : "");
      fresh.rec.origin = older ? "no exchange seen" : "first SA between these peers";
    }
    if (o.seq != 1) {
      v.anomalies.push_back(SaAnomaly{SaAnomalyKind::SeqLateStart, false,
                                      spi + " first seen with seq " + std::to_string(o.seq) +
                                          ", not 1 (RFC 4303 3.3.3); the capture may have started late"});
    }
    fresh.window = 1;
    fresh.rec.highest_seq = o.seq;
    esp_index_[o.spi] = esp_.size();
    esp_.push_back(std::move(fresh));
    it = esp_index_.find(o.spi);
  } else {
    EspSa& sa = esp_[it->second];
    const bool same =
        sa.rec.src == o.src && sa.rec.dst == o.dst && sa.rec.src_port == o.src_port && sa.rec.dst_port == o.dst_port;
    const std::string seqs = "seq " + std::to_string(sa.rec.last_seq) + " -> " + std::to_string(o.seq);
    if (!same) {
      v.kind = SaEventKind::AddressUpdate;
      v.reason = spi + " outer " + ep(sa.rec.src, sa.rec.src_port) + ">" + ep(sa.rec.dst, sa.rec.dst_port) + " -> " +
                 outer + ", " + seqs;
      ++sa.rec.address_changes;
    } else {
      v.kind = SaEventKind::Continuing;
      v.reason = spi + " " + outer + ", " + seqs;
    }
    // Anti-replay view of RFC 4303 3.4.3 with a 64-packet window: a repeat is a replay; anything below the highest
    // seen is out of order (and dropped by a receiver when left of the window).
    if (o.seq > sa.rec.highest_seq) {
      const uint32_t shift = o.seq - sa.rec.highest_seq;
      sa.window = shift >= 64 ? 1 : (sa.window << shift) | 1;
      sa.rec.highest_seq = o.seq;
    } else {
      const uint32_t behind = sa.rec.highest_seq - o.seq;
      const bool seen = behind < 64 && (sa.window >> behind & 1) != 0;
      if (seen || o.seq == sa.rec.highest_seq) {
        v.anomalies.push_back(SaAnomaly{SaAnomalyKind::SeqRepeated, true,
                                        spi + " repeats seq " + std::to_string(o.seq) +
                                            ": a replayed packet, which a receiver with anti-replay must discard "
                                            "(RFC 4303 3.4.3)"});
      } else {
        if (behind < 64) sa.window |= uint64_t{1} << behind;
        v.anomalies.push_back(
            SaAnomaly{SaAnomalyKind::SeqBackwards, true,
                      spi + " goes backwards: seq " + std::to_string(o.seq) + " after highest " +
                          std::to_string(sa.rec.highest_seq) +
                          (behind >= 64 ? ", left of a 64-packet replay window: a receiver drops it (RFC 4303 3.4.3)"
                                        : " (out of order within a 64-packet window, RFC 4303 3.4.3)")});
      }
    }
  }
  EspSa& sa = esp_[it->second];
  sa.rec.src = o.src;
  sa.rec.dst = o.dst;
  sa.rec.src_port = o.src_port;
  sa.rec.dst_port = o.dst_port;
  sa.rec.last_seq = o.seq;
  sa.rec.last_seen = o.time;
  ++sa.rec.packets;

  SaEvent e;
  e.time = o.time;
  e.protocol = SaProtocol::Esp;
  e.spi = o.spi;
  e.verdict = v;
  record(e);
  return v;
}

std::vector<SaRecord> SaClassifier::sas() const {
  std::vector<SaRecord> out;
  for (const auto& s : ike_) out.push_back(s.rec);
  for (const auto& s : esp_) out.push_back(s.rec);
  return out;
}

std::vector<SaEvent> SaClassifier::events_between(SaTime t0, SaTime t1) const {
  std::vector<SaEvent> out;
  for (const auto& e : events_)
    if (e.time >= t0 && e.time <= t1) out.push_back(e);
  return out;
}

SaWindowCounts SaClassifier::between(SaTime t0, SaTime t1) const {
  SaWindowCounts c;
  for (const auto& e : events_) {
    if (e.time < t0 || e.time > t1) continue;
    const auto& v = e.verdict;
    ++c.by_kind[static_cast<size_t>(v.kind)];
    for (const auto& a : v.anomalies) ++(a.error ? c.anomaly_errors : c.anomaly_notes);
    if (e.protocol == SaProtocol::Esp) {
      ++c.esp_packets;
      if (v.new_spi) ++c.new_esp_spis;
      continue;
    }
    ++c.ike_messages;
    if (v.new_spi) ++c.new_ike_sas;
    if (!v.new_exchange) continue;
    ++c.ike_exchanges;
    if (e.version == IkeVersion::V1) {
      if (is_initial_exchange(IkeVersion::V1, e.exchange)) {
        ++c.ikev1_phase1;
      } else if (e.exchange == IkeV1QuickMode) {
        ++c.ikev1_quick_mode;
      } else {
        ++c.other_exchanges;
      }
      continue;
    }
    switch (e.exchange) {
      case IkeSaInit:
        ++c.ike_sa_init;
        break;
      case IkeAuth:
        ++c.ike_auth;
        break;
      case CreateChildSa:
        ++c.create_child_sa;
        break;
      case IkeInformational:
        ++c.informational;
        break;
      default:
        ++c.other_exchanges;
        break;
    }
  }
  return c;
}

SaWindowCounts SaClassifier::counts() const { return between(SaTime::min(), SaTime::max()); }

}  // namespace mipvpn::wire
