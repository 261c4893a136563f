// Agent discovery for the foreign agent (RFC 5944 2.1-2.3): builds Agent Advertisements, numbers them (2.3.2),
// schedules the unsolicited ones with jitter and answers Agent Solicitations within the rate limit. No sockets and
// no clock of its own: the daemon asks next_deadline(), calls due(now) and sends what it returns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/faults.h"
#include "agents/fa/fa_config.h"
#include "agents/fa/visitor_list.h"

namespace mipvpn::agents::fa {

struct OutgoingAdvertisement {
  std::vector<uint8_t> icmp;  // the whole ICMP message, checksum included
  Tins::IPv4Address source;
  Tins::IPv4Address destination;
  uint8_t ttl = 1;
  std::optional<MacAddress> link_destination;  // a unicast answer goes to the solicitation's link-layer source
  uint16_t sequence = 0;
  std::string why;  // "unsolicited", "solicited by ..."
};

class Advertiser {
 public:
  Advertiser(FaConfig config, FaultSet faults, uint32_t seed);

  // Schedules the first advertisement (sent at once so that visiting mobile nodes need not wait an interval).
  void start(TimePoint now);
  std::optional<TimePoint> next_deadline() const;
  // The advertisements due at `now`, each with its sequence number consumed.
  std::vector<OutgoingAdvertisement> due(TimePoint now);

  // An ICMP message of type 10 received on the visited link (`icmp` from the ICMP header on). Returns what was done,
  // for the log; the answer, if any, comes out of due().
  std::string on_solicitation(std::span<const uint8_t> icmp, const Tins::IPv4Address& source,
                              const std::optional<MacAddress>& link_source, TimePoint now);

  uint16_t next_sequence() const { return sequence_; }
  uint64_t sent() const { return sent_; }
  // The nominal interval in use (after faults), 0 when only solicited advertisements are sent.
  uint32_t nominal_interval_ms() const;

 private:
  OutgoingAdvertisement build(Tins::IPv4Address destination, std::optional<MacAddress> link_destination,
                              std::string why);
  TimePoint next_periodic_after(TimePoint t);

  FaConfig config_;
  FaultSet faults_;
  std::mt19937 random_;
  uint16_t sequence_ = 0;
  uint64_t sent_ = 0;
  std::optional<TimePoint> next_periodic_;
  std::optional<TimePoint> multicast_answer_;  // a solicited multicast advertisement waiting for the rate limit
  std::optional<TimePoint> last_multicast_;
  unsigned unlimited_answers_ = 0;  // fault advert-rate-unlimited: one multicast answer per solicitation
  struct UnicastAnswer {
    TimePoint at;
    Tins::IPv4Address destination;
    MacAddress link_destination;
  };
  std::vector<UnicastAnswer> unicast_answers_;
  std::map<uint32_t, TimePoint> last_unicast_;  // host-order destination -> last unicast answer
};

}  // namespace mipvpn::agents::fa
