// Timestamp Identifications for Registration Requests (RFC 5944 5.7.1): "the mobile node MUST set the
// Identification field to a 64-bit value formatted as specified by the Network Time Protocol", and it "MUST be
// greater than that used in any previous Registration Request". After a Code 133 the mobile node "MUST adjust the
// parameters it uses to compute the Identification field" (3.6.2.3): here, an offset to its own clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace mipvpn::agents::mn {

class IdentificationClock {
 public:
  // The NTP timestamp of `wall` plus the resynchronisation offset, made strictly greater than every Identification
  // returned before (two requests inside one clock tick still differ). The clock gives nanoseconds, so the two
  // lowest fraction bits (2^-32 s units) carry no time: "those bits that are not available from a time source SHOULD
  // be generated from a good source of randomness" (5.7.1); they come from `noise`.
  uint64_t next(std::chrono::system_clock::time_point wall, uint32_t noise = 0);

  // Code 133: the reply's high-order 32 bits are the home agent's time of day (5.7.1). From now on timestamps are
  // shifted by the difference to our clock at `wall`. The floor of previous Identifications is dropped: the home
  // agent compares with what it accepted, on its own clock. Returns the new offset in seconds.
  int64_t resync(uint64_t reply_identification, std::chrono::system_clock::time_point wall);

  int64_t offset_seconds() const { return offset_s_; }
  uint64_t last() const { return last_; }

 private:
  int64_t offset_s_ = 0;
  uint64_t last_ = 0;
};

// The NTP timestamp of a wall-clock time (no offset).
uint64_t ntp_timestamp(std::chrono::system_clock::time_point wall);

}  // namespace mipvpn::agents::mn
