#include "harness/wire/ntp.h"

namespace mipvpn::wire {

uint64_t ntp_from_unix(int64_t sec, uint32_t nsec) {
  if (nsec > 999999999u) nsec = 999999999u;
  // Modulo 2^32 on an unsigned value: well defined for negative sec too (dates before 1970).
  const uint64_t seconds = static_cast<uint64_t>(sec + kNtpUnixOffset) & 0xffffffffu;
  const uint64_t fraction = (static_cast<uint64_t>(nsec) << 32) / 1000000000u;  // < 2^32 since nsec < 1e9
  return (seconds << 32) | fraction;
}

double ntp_to_unix_seconds(uint64_t ntp) {
  int64_t seconds = ntp_seconds(ntp);
  if ((ntp_seconds(ntp) & 0x80000000u) == 0) seconds += int64_t{1} << 32;  // era 1 (RFC 4330 section 3)
  return static_cast<double>(seconds - kNtpUnixOffset) + static_cast<double>(ntp_fraction(ntp)) / 4294967296.0;
}

}  // namespace mipvpn::wire
