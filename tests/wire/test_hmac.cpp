// HMAC-MD5 against the RFC 2202 section 2 test vectors (which include the three of RFC 2104 appendix: 1, 2, 3).
#include "harness/wire/hmac.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <string>
#include <vector>

namespace mipvpn::wire {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> repeat(uint8_t b, size_t n) { return std::vector<uint8_t>(n, b); }
std::string hex(const std::array<uint8_t, 16>& d) {
  std::string s;
  char buf[3];
  for (auto b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

struct Vector {
  std::vector<uint8_t> key, data;
  const char* digest;
};

TEST(Hmac, Rfc2202Md5Vectors) {
  std::vector<uint8_t> key4;
  for (uint8_t i = 1; i <= 25; ++i) key4.push_back(i);  // 0x0102..19
  const Vector vectors[] = {
      {repeat(0x0b, 16), bytes_of("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
      {bytes_of("Jefe"), bytes_of("what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738"},
      {repeat(0xaa, 16), repeat(0xdd, 50), "56be34521d144c88dbb8c733f0e8b3f6"},
      {key4, repeat(0xcd, 50), "697eaf0aca3a3aea3a75164746ffaa79"},
      {repeat(0x0c, 16), bytes_of("Test With Truncation"), "56461ef2342edc00f9bab995690efd4c"},
      {repeat(0xaa, 80), bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
       "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      {repeat(0xaa, 80), bytes_of("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "6f630fad67cda0ee1fb1f562db3aa53e"},
  };
  int n = 1;
  for (const auto& v : vectors) {
    EXPECT_EQ(hex(hmac_md5(v.key, v.data)), v.digest) << "RFC 2202 test case " << n;
    ++n;
  }
}

TEST(Hmac, EmptyKeyIsNotThePreviousKey) {
  // OpenSSL reuses the previous key when given a NULL key; an empty key must still mean the empty key.
  (void)hmac_md5(bytes_of("Jefe"), bytes_of("x"));
  EXPECT_EQ(hex(hmac_md5({}, {})), "74e6f7298a9c2d168935f58c001bad88");
}

TEST(Hmac, KeyCacheNeverMixesKeys) {
  // Same-length keys one after the other, repeated: each result must be the one for its own key.
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex(hmac_md5(repeat(0x0b, 16), bytes_of("Hi There"))), "9294727a3638bb1c13f48ef8158bfc9d");
    EXPECT_EQ(hex(hmac_md5(repeat(0x0b, 16), bytes_of("Hi There"))), "9294727a3638bb1c13f48ef8158bfc9d");
    EXPECT_EQ(hex(hmac_md5(repeat(0xaa, 16), repeat(0xdd, 50))), "56be34521d144c88dbb8c733f0e8b3f6");
    EXPECT_EQ(hex(hmac_md5(repeat(0xaa, 80), bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"))),
              "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
    EXPECT_EQ(hex(hmac_md5({}, {})), "74e6f7298a9c2d168935f58c001bad88");
  }
}

TEST(Hmac, ThreadsHaveTheirOwnContext) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        const bool a = ((i + t) % 2) == 0;
        const auto d = a ? hmac_md5(repeat(0x0b, 16), bytes_of("Hi There"))
                         : hmac_md5(bytes_of("Jefe"), bytes_of("what do ya want for nothing?"));
        if (hex(d) != (a ? "9294727a3638bb1c13f48ef8158bfc9d" : "750c783e6ab0b503eaa86e310a5db738")) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Hmac, TwoPartOverloadEqualsConcatenation) {
  const auto key = repeat(0x42, 16);
  const auto a = bytes_of("what do ya want ");
  const auto b = bytes_of("for nothing?");
  auto ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  EXPECT_EQ(hmac_md5(key, a, b), hmac_md5(key, ab));
}

TEST(Hmac, ConstantTimeEqual) {
  const std::vector<uint8_t> a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4}, d{1, 2};
  EXPECT_TRUE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_FALSE(constant_time_equal(a, d));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace mipvpn::wire
