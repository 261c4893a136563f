// NTP 64-bit timestamps, the Identification format of timestamp replay protection (RFC 5944 5.7.1: "the mobile node
// MUST set the Identification field to a 64-bit value formatted as specified by the Network Time Protocol [11]. The
// low-order 32 bits of the NTP format represent fractional seconds").
#pragma once

#include <cstdint>

namespace mipvpn::wire {

// Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch).
inline constexpr int64_t kNtpUnixOffset = 2208988800;

// High 32 bits: seconds since 1900 modulo 2^32 (NTP era arithmetic); low 32 bits: nsec * 2^32 / 1e9 (truncated).
// nsec values >= 1e9 are clamped to 999999999.
uint64_t ntp_from_unix(int64_t sec, uint32_t nsec);

// Inverse of ntp_from_unix. The era is chosen as in RFC 4330 section 3: a timestamp whose most significant bit is 0
// is taken to be after 2036-02-07 (era 1), otherwise between 1968 and 2036 (era 0).
double ntp_to_unix_seconds(uint64_t ntp);

// The high 32 bits (the seconds part; what a home agent puts there from its own clock when rejecting with 133).
inline constexpr uint32_t ntp_seconds(uint64_t ntp) { return static_cast<uint32_t>(ntp >> 32); }
// The low 32 bits (fraction; copied unchanged from request to reply, RFC 5944 5.7).
inline constexpr uint32_t ntp_fraction(uint64_t ntp) { return static_cast<uint32_t>(ntp & 0xffffffffu); }
inline constexpr uint64_t ntp_make(uint32_t seconds, uint32_t fraction) {
  return (static_cast<uint64_t>(seconds) << 32) | fraction;
}

}  // namespace mipvpn::wire
