// The fixed part of an IPv4 header (RFC 791 3.1) read into plain values, for the tunnel codecs that look at both an
// outer and an inner header. Bounds are checked here; nothing else (version, IHL, checksum) is judged.
#pragma once

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/expected.h"

#include <tins/ip_address.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mipvpn::wire::detail {

inline constexpr size_t kIpv4MinHeader = 20;
inline constexpr uint16_t kIpv4FlagReserved = 0x8000;
inline constexpr uint16_t kIpv4FlagDf = 0x4000;
inline constexpr uint16_t kIpv4FlagMf = 0x2000;
inline constexpr uint16_t kIpv4OffsetMask = 0x1fff;

struct Ipv4Fields {
  uint8_t version = 0;
  size_t ihl_bytes = 0;  // IHL * 4
  uint8_t tos = 0;
  uint16_t total_length = 0;
  uint16_t identification = 0;
  uint16_t flags_fragment = 0;  // the 16-bit word: reserved, DF, MF, 13-bit offset in 8-octet units
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  uint16_t checksum = 0;
  Tins::IPv4Address src;
  Tins::IPv4Address dst;

  bool df() const { return (flags_fragment & kIpv4FlagDf) != 0; }
  bool mf() const { return (flags_fragment & kIpv4FlagMf) != 0; }
  uint16_t fragment_offset() const { return flags_fragment & kIpv4OffsetMask; }  // in 8-octet units
  bool is_fragment() const { return mf() || fragment_offset() != 0; }
};

// The 20 fixed bytes, or nullopt when fewer are given.
inline std::optional<Ipv4Fields> read_ipv4_fields(std::span<const uint8_t> p) {
  if (p.size() < kIpv4MinHeader) return std::nullopt;
  Ipv4Fields f;
  f.version = static_cast<uint8_t>(p[0] >> 4);
  f.ihl_bytes = size_t{p[0] & 0x0fu} * 4;
  f.tos = p[1];
  f.total_length = load16(p.data() + 2);
  f.identification = load16(p.data() + 4);
  f.flags_fragment = load16(p.data() + 6);
  f.ttl = p[8];
  f.protocol = p[9];
  f.checksum = load16(p.data() + 10);
  f.src = load_ip(p.data() + 12);
  f.dst = load_ip(p.data() + 16);
  return f;
}

// Why `p` does not start with a usable IPv4 header, or nullopt when it does: at least 20 bytes, version 4, IHL >= 5
// and inside `p`, Total Length between the header length and p.size() (bytes after Total Length are link padding).
// The error names the first field that does not fit or hold, at its offset in `p`.
inline std::optional<DecodeError> check_ipv4_header(std::span<const uint8_t> p) {
  struct FieldSpec {
    const char* name;
    size_t offset, size;
  };
  static constexpr FieldSpec kFields[] = {
      {"version", 0, 1}, {"tos", 1, 1},         {"total_length", 2, 2}, {"identification", 4, 2},
      {"flags", 6, 2},   {"ttl", 8, 1},         {"protocol", 9, 1},     {"header_checksum", 10, 2},
      {"source", 12, 4}, {"destination", 16, 4}};
  for (const auto& f : kFields) {
    if (p.size() < f.offset + f.size)
      return DecodeError{
          f.offset, f.name,
          need_text(f.size, p.size() > f.offset ? p.size() - f.offset : 0, "the 20-byte IPv4 header (RFC 791 3.1)")};
  }
  const auto h = read_ipv4_fields(p).value();
  if (h.version != 4) return DecodeError{0, "version", "4 (IPv4), found " + std::to_string(h.version)};
  if (h.ihl_bytes < kIpv4MinHeader)
    return DecodeError{0, "ihl", "at least 5 (20 bytes), found " + std::to_string(h.ihl_bytes / 4)};
  if (h.ihl_bytes > p.size()) {
    const std::string what = "IPv4 options (IHL " + std::to_string(h.ihl_bytes / 4) + ")";
    return DecodeError{kIpv4MinHeader, "options",
                       need_text(h.ihl_bytes - kIpv4MinHeader, p.size() - kIpv4MinHeader, what.c_str())};
  }
  if (h.total_length < h.ihl_bytes || h.total_length > p.size())
    return DecodeError{2, "total_length",
                       "a Total Length between the header length " + std::to_string(h.ihl_bytes) +
                           " and the packet length " + std::to_string(p.size()) + ", found " +
                           std::to_string(h.total_length)};
  return std::nullopt;
}

// True when `p` starts with what can only be an IPv4 header: version 4, IHL >= 5 and inside `p`, a header checksum
// that verifies and a Total Length that covers the header. Used to recognise an IPv4 payload behind a Protocol Type
// that does not say so (a random payload passes with probability about 2^-20).
inline bool looks_like_ipv4(std::span<const uint8_t> p) {
  const auto f = read_ipv4_fields(p);
  if (!f || f->version != 4 || f->ihl_bytes < kIpv4MinHeader || f->ihl_bytes > p.size()) return false;
  return f->total_length >= f->ihl_bytes && internet_checksum(p.first(f->ihl_bytes)) == 0;
}

// Recomputes the header checksum of an IPv4 header held in `header` (all of it, options included).
inline void set_ipv4_checksum(std::span<uint8_t> header) {
  header[10] = header[11] = 0;
  store16(header.data() + 10, internet_checksum(header));
}

}  // namespace mipvpn::wire::detail
