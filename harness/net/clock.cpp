#include "harness/net/clock.h"

namespace mipvpn::net {

uint64_t ntp_from_timespec(const timespec& ts) {
    const uint64_t seconds = static_cast<uint64_t>(ts.tv_sec) + kNtpUnixOffset;
    // nsec * 2^32 / 1e9: nsec < 1e9, so the product fits in 64 bits.
    const uint64_t fraction = (static_cast<uint64_t>(ts.tv_nsec) << 32) / 1000000000ULL;
    return (seconds << 32) | (fraction & 0xFFFFFFFFULL);
}

uint64_t ntp_from(std::chrono::system_clock::time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1000000000LL);
    ts.tv_nsec = static_cast<long>(ns % 1000000000LL);
    if (ts.tv_nsec < 0) {
        ts.tv_nsec += 1000000000L;
        ts.tv_sec -= 1;
    }
    return ntp_from_timespec(ts);
}

uint64_t ntp_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ntp_from_timespec(ts);
}

}  // namespace mipvpn::net
