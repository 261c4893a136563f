// Big-endian loads and stores through byte shifts: no alignment or aliasing assumptions, no UB on any input.
// Callers check bounds first; these helpers take raw pointers only after that check.
#pragma once

#include <tins/ip_address.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace mipvpn::wire::detail {

inline uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint64_t load64(const uint8_t* p) { return (uint64_t{load32(p)} << 32) | load32(p + 4); }

inline void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void store64(uint8_t* p, uint64_t v) {
  store32(p, static_cast<uint32_t>(v >> 32));
  store32(p + 4, static_cast<uint32_t>(v));
}

// Tins::IPv4Address keeps the address as a uint32_t whose memory holds the network byte order, so copy bytes.
inline Tins::IPv4Address load_ip(const uint8_t* p) {
  uint32_t raw = 0;
  std::memcpy(&raw, p, 4);
  return Tins::IPv4Address(raw);
}
inline void store_ip(uint8_t* p, Tins::IPv4Address a) {
  const uint32_t raw = static_cast<uint32_t>(a);
  std::memcpy(p, &raw, 4);
}

// "N bytes (only M left)" for DecodeError::expected.
inline std::string need_text(size_t need, size_t have, const char* what) {
  return std::to_string(need) + " byte" + (need == 1 ? "" : "s") + " of " + what + " (only " + std::to_string(have) +
         " left)";
}

}  // namespace mipvpn::wire::detail
