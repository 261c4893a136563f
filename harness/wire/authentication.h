// Authentication extension values (RFC 5944 3.5.1): "The Authenticator value computed for each authentication
// Extension MUST protect the following fields from the registration message: the UDP payload (that is, the
// Registration Request or Registration Reply data), all prior Extensions in their entirety, and the Type, Length,
// and SPI of this Extension." Default algorithm HMAC-MD5, 128-bit output, so Length = 4 + 16 = 20.
#pragma once

#include "harness/wire/extension.h"

#include <array>
#include <cstdint>
#include <span>

namespace mipvpn::wire {

inline constexpr uint8_t kHmacMd5AuthLength = 20;  // SPI (4) + HMAC-MD5 (16)

// Builds the HMAC-MD5 authentication extension to append to `message_so_far` (fixed part + all extensions that will
// precede it). Throws std::invalid_argument if type is not 32, 33 or 34.
Extension make_authentication(std::span<const uint8_t> message_so_far, uint8_t type, uint32_t spi,
                              std::span<const uint8_t> key);

// Recomputes HMAC-MD5 over message_bytes[0 .. auth.offset + 2 + 4) (everything before the Authenticator) and
// compares it in constant time with the Authenticator in auth.body. Uses the received bytes, so any change to a
// covered byte, including the Type/Length/SPI of this extension, fails. False (never UB) when auth is not an
// authentication extension, its Authenticator is not 16 bytes, or it does not lie inside message_bytes with the same
// Type, Length and SPI bytes.
bool verify_authentication(std::span<const uint8_t> message_bytes, const Extension& auth, std::span<const uint8_t> key);

}  // namespace mipvpn::wire
