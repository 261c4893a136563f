// A stateful classifier of IKE and ESP packets across a capture (catalog E "Handoff signatures"): which packets
// create security associations, which rekey them, which show an SA moving to new outer addresses, and which just
// continue an SA. The RFC 5265 handoff judge (seed guideline 5.6: no IKE exchange and no new SPI across an external
// handoff) asks between(t0, t1) for the counts of a window.
//
// Signatures (feed packets in capture order):
// - NewSa: an IKE_SA_INIT (IKEv1: a phase 1 exchange) with an unseen SPIi between peers that have no IKE SA; an ESP
//   SPI never seen that no CREATE_CHILD_SA / Quick Mode accounts for.
// - Rekey: CREATE_CHILD_SA (IKEv1: Quick Mode) on a known IKE SA; an ESP SPI first seen after such an exchange
//   between addresses that already have an ESP SA (each exchange accounts for two SPIs, one per direction; without
//   an older ESP SA the SPI is NewSa, as the first Quick Mode of IKEv1 creates); a new IKE SA between peers that
//   already have one (full renegotiation, or an IKE SA rekey whose CREATE_CHILD_SA was encrypted).
// - AddressUpdate: known IKE SPIs or a known ESP SPI from or to different outer addresses/ports (MOBIKE: the
//   INFORMATIONAL with UPDATE_SA_ADDRESSES is encrypted, so the change itself is the signature). The RFC 7296 2.23
//   move from port 500 to 4500 with unchanged addresses is NAT traversal, not an update: Continuing.
// - Continuing: a known SA on the same addresses.
// ESP anomalies: a sequence number repeated (replay) or going backwards on an SPI (RFC 4303 3.4.3), as errors; a new
// SPI whose first sequence number is not 1 (RFC 4303 3.3.3), as a note (the capture may have started late).
#pragma once

#include "harness/wire/ike.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/layer.h"

#include <tins/ip_address.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace mipvpn::wire {

using SaTime = std::chrono::system_clock::time_point;

struct IkeObservation {
  SaTime time;
  Tins::IPv4Address src, dst;  // outer addresses of the datagram carrying the IKE message
  uint16_t src_port = 0, dst_port = 0;
  IkeVersion version = IkeVersion::V2;
  uint64_t spi_i = 0, spi_r = 0;  // IKEv1: initiator / responder cookie
  uint8_t exchange = 0;
  uint8_t flags = 0;
  uint32_t message_id = 0;

  static IkeObservation from(const IkeV2Message& m, SaTime time, Tins::IPv4Address src, uint16_t src_port,
                             Tins::IPv4Address dst, uint16_t dst_port);
  static IkeObservation from(const IkeV1Message& m, SaTime time, Tins::IPv4Address src, uint16_t src_port,
                             Tins::IPv4Address dst, uint16_t dst_port);
  // From an "ike" or "ikev1" Layer of decode_ike_layer (layers_ike.h); nullopt for another layer or one whose header
  // did not decode.
  static std::optional<IkeObservation> from(const Layer& ike_layer, SaTime time, Tins::IPv4Address src,
                                            uint16_t src_port, Tins::IPv4Address dst, uint16_t dst_port);
};

struct EspObservation {
  SaTime time;
  Tins::IPv4Address src, dst;           // outer addresses of the ESP packet
  uint16_t src_port = 0, dst_port = 0;  // of the enclosing UDP datagram when UDP-encapsulated (RFC 3948), else 0
  uint32_t spi = 0;
  uint32_t seq = 0;
};

enum class SaEventKind { NewSa, Rekey, AddressUpdate, Continuing };
const char* to_string(SaEventKind kind);

enum class SaAnomalyKind {
  SeqRepeated,   // the same sequence number twice on one SPI: a replay (error)
  SeqBackwards,  // lower than the highest seen and not seen before (error)
  SeqLateStart,  // a new SPI whose first packet is not sequence number 1 (note)
  MidSaStart,    // an IKE SA first seen after its IKE_SA_INIT (note)
};

struct SaAnomaly {
  SaAnomalyKind kind;
  bool error = true;  // false: a note (explainable by where the capture started)
  std::string text;
};

struct SaVerdict {
  SaEventKind kind = SaEventKind::Continuing;
  std::string reason;         // what was matched and what changed ("initiator 10.0.2.2:4500 -> 10.0.3.2:4500")
  bool new_exchange = false;  // IKE: the first message seen of an exchange (retransmissions and responses to a
                              // request already seen are not new)
  bool new_spi = false;       // an IKE SA or ESP SPI first seen here
  std::vector<SaAnomaly> anomalies;
};
using IkeVerdict = SaVerdict;
using EspVerdict = SaVerdict;

enum class SaProtocol { Ike, Esp };

// One classified packet, kept for windowed questions and as evidence.
struct SaEvent {
  SaTime time;
  SaProtocol protocol = SaProtocol::Ike;
  IkeVersion version = IkeVersion::V2;  // IKE only
  uint8_t exchange = 0;                 // IKE only
  uint64_t spi_i = 0, spi_r = 0;        // IKE only
  uint32_t spi = 0;                     // ESP only
  SaVerdict verdict;
};

// A security association as seen so far.
struct SaRecord {
  SaProtocol protocol = SaProtocol::Ike;
  IkeVersion version = IkeVersion::V2;  // IKE only
  uint64_t spi_i = 0, spi_r = 0;        // IKE only (spi_r 0 until the responder's is seen)
  uint32_t spi = 0;                     // ESP only
  SaTime first_seen, last_seen;
  uint64_t packets = 0;
  uint32_t first_seq = 0, last_seq = 0, highest_seq = 0;  // ESP only
  // IKE: the original initiator's endpoint (src) and the responder's (dst), as last seen. ESP: the last packet's.
  Tins::IPv4Address src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint64_t address_changes = 0;
  uint64_t exchanges = 0;  // IKE only
  std::string origin;      // how it was first seen ("IKE_SA_INIT", "CREATE_CHILD_SA msgid=3", "no exchange seen")
};

// Counts over a time window (inclusive at both ends).
struct SaWindowCounts {
  size_t ike_messages = 0;
  size_t ike_exchanges = 0;                                                      // new exchanges, all types
  size_t ike_sa_init = 0, ike_auth = 0, create_child_sa = 0, informational = 0;  // IKEv2 new exchanges by type
  size_t ikev1_phase1 = 0, ikev1_quick_mode = 0, other_exchanges = 0;
  size_t new_ike_sas = 0;  // IKE SAs first seen in the window
  size_t new_esp_spis = 0;
  size_t esp_packets = 0;
  std::array<size_t, 4> by_kind{};  // indexed by SaEventKind, IKE and ESP together
  size_t anomaly_errors = 0, anomaly_notes = 0;

  size_t count(SaEventKind k) const { return by_kind[static_cast<size_t>(k)]; }
};

class SaClassifier {
 public:
  IkeVerdict observe_ike(const IkeObservation& o);
  EspVerdict observe_esp(const EspObservation& o);

  // Known SAs, IKE first then ESP, each in order of first appearance.
  std::vector<SaRecord> sas() const;
  const std::vector<SaEvent>& events() const { return events_; }
  std::vector<SaEvent> events_between(SaTime t0, SaTime t1) const;
  SaWindowCounts between(SaTime t0, SaTime t1) const;
  SaWindowCounts counts() const;  // over everything observed

 private:
  struct Endpoint {
    Tins::IPv4Address addr;
    uint16_t port = 0;
    bool operator==(const Endpoint&) const = default;
  };
  struct IkeSa {
    SaRecord rec;
    Endpoint initiator, responder;
    std::set<std::tuple<uint32_t, bool, uint8_t>> exchanges;  // (message id, requester is initiator, type)
    std::set<std::tuple<uint32_t, bool, bool>> messages;      // (message id, requester is initiator, response)
  };
  struct EspSa {
    SaRecord rec;
    uint64_t window = 0;  // bit i: highest_seq - i seen (RFC 4303 3.4.3, 64-packet window)
  };

  IkeSa* find_ike(const IkeObservation& o);
  const IkeSa* ike_between(Tins::IPv4Address a, Tins::IPv4Address b, const IkeSa* except) const;
  void record(const SaEvent& e) { events_.push_back(e); }

  std::vector<IkeSa> ike_;
  std::vector<EspSa> esp_;
  // SPI -> esp_ index. "For a unicast SA, the SPI can be used by itself to specify an SA" (RFC 4303 2.1), and keying
  // on the SPI alone lets an SA be followed across an address update (MOBIKE, NAT rebinding). SPIs are chosen by each
  // receiver, so two receivers in one capture could pick the same one; with random 32-bit SPIs that is about n^2 /
  // 2^33 for n SAs, which the classifier accepts.
  std::map<uint32_t, size_t> esp_index_;
  // Child SAs an observed CREATE_CHILD_SA / Quick Mode may still account for, per unordered address pair.
  std::map<std::pair<uint32_t, uint32_t>, int> child_credits_;
  std::vector<SaEvent> events_;
};

}  // namespace mipvpn::wire
