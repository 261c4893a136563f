#include "harness/wire/codes.h"
#include "harness/wire/ntp.h"

#include <gtest/gtest.h>

namespace mipvpn::wire {
namespace {

TEST(Codes, EveryRfc5944CodeHasAName) {
  // RFC 5944 3.4, in order.
  const uint8_t codes[] = {0,  1,  64, 65, 66,  67,  68,  69,  70,  71,  72,  73,  77,  78,
                           80, 81, 82, 88, 194, 128, 129, 130, 131, 132, 133, 134, 135, 136};
  for (uint8_t c : codes) EXPECT_NE(reply_code_name(c), "unassigned") << int(c);
  EXPECT_EQ(reply_code_name(133), "registration Identification mismatch");
  EXPECT_EQ(reply_code_name(136), "unknown home agent address");
  EXPECT_EQ(reply_code_name(194), "Invalid Home Agent Address");
  EXPECT_EQ(reply_code_name(2), "unassigned");
  EXPECT_EQ(reply_code_name(255), "unassigned");
}

TEST(Codes, CompanionRfcCodes) {
  for (int c : {74, 75, 76, 79})
    EXPECT_EQ(reply_code_origin(static_cast<uint8_t>(c)), ReplyCodeOrigin::ForeignAgent) << c;
  for (int c : {137, 138, 139, 142})
    EXPECT_EQ(reply_code_origin(static_cast<uint8_t>(c)), ReplyCodeOrigin::HomeAgent) << c;
  EXPECT_EQ(reply_code_name(142), "requested UDP tunnel encapsulation unavailable");
}

TEST(Codes, Origins) {
  EXPECT_EQ(reply_code_origin(0), ReplyCodeOrigin::Accepted);
  EXPECT_EQ(reply_code_origin(1), ReplyCodeOrigin::Accepted);
  EXPECT_EQ(reply_code_origin(70), ReplyCodeOrigin::ForeignAgent);
  EXPECT_EQ(reply_code_origin(194), ReplyCodeOrigin::ForeignAgent);
  EXPECT_EQ(reply_code_origin(131), ReplyCodeOrigin::HomeAgent);
  EXPECT_EQ(reply_code_origin(200), ReplyCodeOrigin::Unassigned);
  EXPECT_TRUE(reply_code_accepted(1));
  EXPECT_FALSE(reply_code_accepted(64));
}

TEST(Ntp, UnixEpoch) {
  // 1970-01-01T00:00:00Z is 2208988800 seconds after the NTP epoch (RFC 5905 figure 4).
  EXPECT_EQ(ntp_from_unix(0, 0), uint64_t{2208988800} << 32);
  EXPECT_EQ(ntp_seconds(ntp_from_unix(0, 0)), 2208988800u);
}

TEST(Ntp, FractionIsBinary) {
  // Half a second is 0x80000000 in the low 32 bits (RFC 5944 5.7.1: "low-order 32 bits ... fractional seconds").
  EXPECT_EQ(ntp_fraction(ntp_from_unix(1, 500000000)), 0x80000000u);
  EXPECT_EQ(ntp_fraction(ntp_from_unix(1, 999999999)), 0xfffffffbu);
  EXPECT_EQ(ntp_fraction(ntp_from_unix(1, 2000000000)), 0xfffffffbu);  // clamped
}

TEST(Ntp, RoundTripAndMonotonic) {
  const int64_t now = 1767225600;  // 2026-01-01
  const uint64_t a = ntp_from_unix(now, 250000000);
  EXPECT_NEAR(ntp_to_unix_seconds(a), static_cast<double>(now) + 0.25, 1e-6);
  EXPECT_LT(a, ntp_from_unix(now, 250000001 + 1));
  EXPECT_LT(a, ntp_from_unix(now + 1, 0));
  EXPECT_EQ(ntp_make(ntp_seconds(a), ntp_fraction(a)), a);
}

TEST(Ntp, Era1AfterFebruary2036) {
  const int64_t t = 2085978496 + 100;  // 100 s after the NTP era rollover (2036-02-07T06:28:16Z)
  const uint64_t n = ntp_from_unix(t, 0);
  EXPECT_EQ(ntp_seconds(n), 100u);
  EXPECT_DOUBLE_EQ(ntp_to_unix_seconds(n), static_cast<double>(t));
}

}  // namespace
}  // namespace mipvpn::wire
