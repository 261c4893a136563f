// HMAC-MD5 (RFC 2104), the default Mobile IP authentication algorithm (RFC 5944 3.5.1, 5.1).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace mipvpn::wire {

inline constexpr size_t kHmacMd5Size = 16;

// Keys of any length (RFC 5944 5.1 allows arbitrary binary keys; RFC 2104 hashes keys longer than 64 bytes).
// Uses one OpenSSL EVP_MAC context per thread, so a call allocates nothing. Throws std::runtime_error only if OpenSSL
// itself fails (no HMAC or MD5 provider).
std::array<uint8_t, kHmacMd5Size> hmac_md5(std::span<const uint8_t> key, std::span<const uint8_t> data);

// Same, over the concatenation of two buffers (saves a copy when the covered bytes are split).
std::array<uint8_t, kHmacMd5Size> hmac_md5(std::span<const uint8_t> key, std::span<const uint8_t> data1,
                                           std::span<const uint8_t> data2);

// Compares two equally long byte strings in time independent of their contents (no early exit).
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace mipvpn::wire
