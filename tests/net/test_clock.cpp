#include "harness/net/clock.h"

#include <gtest/gtest.h>

namespace {

using namespace mipvpn::net;

TEST(Clock, NtpEpochAndFraction) {
    EXPECT_EQ(ntp_from_timespec({0, 0}), kNtpUnixOffset << 32);
    EXPECT_EQ(ntp_from_timespec({0, 500000000}), (kNtpUnixOffset << 32) | 0x80000000u);
    EXPECT_EQ(ntp_from_timespec({1, 250000000}), ((kNtpUnixOffset + 1) << 32) | 0x40000000u);
    EXPECT_EQ(ntp_from_timespec({0, 999999999}) & 0xFFFFFFFFu, 0xFFFFFFFBu);
    // 2026-01-01T00:00:00Z = 1767225600
    EXPECT_EQ(ntp_from_timespec({1767225600, 0}) >> 32, 1767225600u + 2208988800u);
}

TEST(Clock, NowIsRealtime) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const uint64_t before = ntp_from_timespec(ts);
    const uint64_t now = ntp_now();
    EXPECT_GE(now, before);
    EXPECT_LT(now - before, uint64_t{1} << 32);  // within a second
    EXPECT_EQ(ntp_from(std::chrono::system_clock::time_point(std::chrono::seconds(0))), kNtpUnixOffset << 32);
}

}  // namespace
