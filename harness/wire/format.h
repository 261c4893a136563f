// Text formatting shared by describe() and the layer decoders, so the one-line description and a layer's summary and
// fields show the same value the same way.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace mipvpn::wire::detail {

// "0x" and `width` lower-case hex digits: hex(0x1a, 4) == "0x001a".
inline std::string hex(uint64_t v, int width) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}

// Lower-case hex digits of every byte, no separator (as tshark prints FT_BYTES in its _raw fields).
inline std::string hex_bytes(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0x0f];
  }
  return s;
}

// "02:00:00:00:00:01" from 6 bytes the caller has bounds-checked.
inline std::string mac(const uint8_t* p) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
  return buf;
}

// Letters of the set bits, most significant first; "-" when none is set.
inline std::string flag_letters(unsigned value, const char* letters, unsigned top_bit, int count) {
  std::string s;
  for (int i = 0; i < count; ++i)
    if (value & (top_bit >> i)) s += letters[i];
  return s.empty() ? "-" : s;
}

}  // namespace mipvpn::wire::detail
