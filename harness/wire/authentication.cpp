#include "harness/wire/authentication.h"

#include "harness/wire/bytes.h"
#include "harness/wire/hmac.h"

#include <cstring>
#include <stdexcept>

namespace mipvpn::wire {

Extension make_authentication(std::span<const uint8_t> message_so_far, uint8_t type, uint32_t spi,
                              std::span<const uint8_t> key) {
  if (!is_auth_extension(type))
    throw std::invalid_argument("authentication extension type must be 32, 33 or 34, not " + std::to_string(type));
  // Type, Length, SPI of this extension are covered too (3.5.1).
  uint8_t header[6];
  header[0] = type;
  header[1] = kHmacMd5AuthLength;
  detail::store32(header + 2, spi);
  const auto mac = hmac_md5(key, message_so_far, std::span<const uint8_t>(header, sizeof header));
  Extension ext;
  ext.type = type;
  ext.body.resize(kHmacMd5AuthLength);
  std::memcpy(ext.body.data(), header + 2, 4);
  std::memcpy(ext.body.data() + 4, mac.data(), mac.size());
  ext.offset = message_so_far.size();
  return ext;
}

bool verify_authentication(std::span<const uint8_t> message_bytes, const Extension& auth,
                           std::span<const uint8_t> key) {
  if (!is_auth_extension(auth.type) || auth.body.size() != kHmacMd5AuthLength) return false;
  const size_t covered = auth.offset + 2 + 4;
  // The extension must sit where it claims to, byte for byte, else we would authenticate something else.
  if (auth.offset > message_bytes.size() || message_bytes.size() - auth.offset < 2 + auth.body.size()) return false;
  if (message_bytes[auth.offset] != auth.type || message_bytes[auth.offset + 1] != auth.body.size()) return false;
  if (std::memcmp(message_bytes.data() + auth.offset + 2, auth.body.data(), 4) != 0) return false;
  const auto mac = hmac_md5(key, message_bytes.first(covered));
  return constant_time_equal(mac, std::span<const uint8_t>(auth.body).subspan(4));
}

}  // namespace mipvpn::wire
