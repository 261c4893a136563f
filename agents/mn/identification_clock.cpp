#include "agents/mn/identification_clock.h"

#include "harness/wire/ntp.h"

namespace mipvpn::agents::mn {

uint64_t ntp_timestamp(std::chrono::system_clock::time_point wall) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wall.time_since_epoch()).count();
  int64_t sec = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    --sec;
  }
  return wire::ntp_from_unix(sec, static_cast<uint32_t>(rem));
}

uint64_t IdentificationClock::next(std::chrono::system_clock::time_point wall, uint32_t noise) {
  uint64_t id = (ntp_timestamp(wall + std::chrono::seconds(offset_s_)) & ~uint64_t{3}) | (noise & 3u);
  if (id <= last_) id = last_ + 1;
  last_ = id;
  return id;
}

int64_t IdentificationClock::resync(uint64_t reply_identification, std::chrono::system_clock::time_point wall) {
  const uint32_t theirs = wire::ntp_seconds(reply_identification);
  const uint32_t ours = wire::ntp_seconds(ntp_timestamp(wall));
  // Seconds are modulo 2^32 (NTP eras): the signed 32-bit difference is the shortest way round.
  offset_s_ = static_cast<int32_t>(theirs - ours);
  last_ = 0;
  return offset_s_;
}

}  // namespace mipvpn::agents::mn
