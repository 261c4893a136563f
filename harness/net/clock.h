#pragma once
// Wall clock as an NTP timestamp (RFC 5905): seconds since 1900-01-01 in the high 32 bits, the binary fraction
// of a second in the low 32 bits. Mobile IP uses it for the Identification field (RFC 5944 5.7.1).
#include <chrono>
#include <cstdint>
#include <ctime>

namespace mipvpn::net {

// Seconds from 1900-01-01 to 1970-01-01.
constexpr uint64_t kNtpUnixOffset = 2208988800ULL;

// NTP value for a Unix time (sec, nsec < 1e9).
uint64_t ntp_from_timespec(const timespec& ts);
uint64_t ntp_from(std::chrono::system_clock::time_point t);
// CLOCK_REALTIME now.
uint64_t ntp_now();

}  // namespace mipvpn::net
