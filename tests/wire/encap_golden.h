// Hand-written encodings for the tunnel tests, laid out from the figures of RFC 2003 3, RFC 2004 3, RFC 2784 2.1 and
// RFC 1701 "Packet header". Checksums were computed independently (Python, RFC 1071 sum), not by the code under test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace mipvpn::wire::golden {

// A correspondent node's datagram to a mobile node's home address: IPv4 + UDP 40000 > 9 carrying "ping".
inline const std::vector<uint8_t> kInner = {
    0x45, 0x10, 0x00, 0x20,  // version 4, IHL 5, TOS 0x10, Total Length 32
    0x12, 0x34, 0x40, 0x00,  // Identification 0x1234, DF, offset 0
    0x3f, 0x11, 0x5c, 0x1b,  // TTL 63, protocol 17 (UDP), header checksum
    192,  0,    2,    10,    // source 192.0.2.10 (correspondent)
    10,   0,    1,    100,   // destination 10.0.1.100 (home address)
    0x9c, 0x40, 0x00, 0x09,  // UDP 40000 > 9 (discard)
    0x00, 0x0c, 0xb7, 0x4d,  // UDP length 12, checksum
    'p',  'i',  'n',  'g',
};

// RFC 2003 3.1 outer header put before kInner by the home agent 10.0.1.1 towards the care-of address 10.0.2.2.
inline const std::vector<uint8_t> kIpInIpOuter = {
    0x45, 0x10, 0x00, 0x34,  // version 4, IHL 5, TOS copied (0x10), Total Length 20 + 32
    0x00, 0x00, 0x40, 0x00,  // Identification 0, DF copied from the inner header
    0x40, 0x04, 0x23, 0xb4,  // TTL 64, protocol 4 (IP in IP), header checksum
    10,   0,    1,    1,     // source: tunnel entry point (home agent)
    10,   0,    2,    2,     // destination: tunnel exit point (care-of address)
};

// RFC 2004 3 with S = 1: the home agent 10.0.1.1 is not the original source, so the source is replaced and kept in
// the forwarding header.
inline const std::vector<uint8_t> kMinimalOuterS1 = {
    0x45, 0x10, 0x00, 0x2c,  // Total Length 32 + 12
    0x12, 0x34, 0x40, 0x00,  // Identification and flags of the original
    0x3f, 0x37, 0x12, 0x55,  // TTL 63 unchanged, protocol 55, header checksum recomputed
    10,   0,    1,    1,     // source: the encapsulator
    10,   0,    2,    2,     // destination: tunnel exit point
};
inline const std::vector<uint8_t> kMinimalForwardingS1 = {
    0x11, 0x80, 0x21, 0x11,  // Protocol 17 (copied), S = 1, reserved 0, Header Checksum
    10,   0,    1,    100,   // Original Destination Address
    192,  0,    2,    10,    // Original Source Address
};

// A mobile node's own datagram (10.0.1.100 > 192.0.2.10, no DF, TOS 0), for S = 0: the encapsulator is its source.
inline const std::vector<uint8_t> kInnerFromMobileNode = {
    0x45, 0x00, 0x00, 0x20, 0x00, 0x42, 0x00, 0x00, 0x40, 0x11, 0xad, 0x1d,  // ..., TTL 64, UDP, checksum
    10,   0,    1,    100,  192,  0,    2,    10,                            // 10.0.1.100 > 192.0.2.10
    0x9c, 0x41, 0x00, 0x09, 0x00, 0x0c, 0xb7, 0x46, 'p',  'o',  'n',  'g',   // UDP 40001 > 9 "pong"
};
inline const std::vector<uint8_t> kMinimalOuterS0 = {
    0x45, 0x00, 0x00, 0x28, 0x00, 0x42, 0x00, 0x00,  // Total Length 32 + 8
    0x40, 0x37, 0x63, 0xf9,                          // TTL 64, protocol 55, checksum
    10,   0,    1,    100,                           // source not replaced (the encapsulator is the original source)
    10,   0,    1,    1,                             // tunnel exit point: the home agent (reverse tunnel)
};
inline const std::vector<uint8_t> kMinimalForwardingS0 = {
    0x11, 0x00, 0x2c, 0xf5,  // Protocol 17, S = 0, Header Checksum
    192,  0,    2,    10,    // Original Destination Address
};

// RFC 2784 2.1 with Checksum Present, carrying kInner.
inline const std::vector<uint8_t> kGreChecksum = {
    0x80, 0x00, 0x08, 0x00,  // C = 1, Reserved0 0, Ver 0, Protocol Type 0x0800
    0x45, 0x8b, 0x00, 0x00,  // Checksum over header and kInner, Reserved1 0
};
// RFC 1701 with C, K and S, carrying kInner.
inline const std::vector<uint8_t> kGreChecksumKeySequence = {
    0xb0, 0x00, 0x08, 0x00,  // C K S, Protocol Type 0x0800
    0x69, 0xb6, 0x00, 0x00,  // Checksum, Offset 0
    0x00, 0x00, 0xab, 0xcd,  // Key 0xabcd
    0x00, 0x00, 0x00, 0x07,  // Sequence Number 7
};
// RFC 1701 with R: one SRE (Address Family 0x0800, SRE Offset 4, SRE Length 8, two addresses) and the NULL SRE.
inline const std::vector<uint8_t> kGreRouting = {
    0x40, 0x00, 0x08, 0x00,                            // R, Protocol Type 0x0800
    0x00, 0x00, 0x00, 0x00,                            // Checksum (not valid: C = 0), Offset 0 (the first SRE)
    0x08, 0x00, 0x04, 0x08, 10, 0, 3, 1, 10, 0, 2, 2,  // SRE: AF 0x0800, SRE Offset 4, SRE Length 8, 10.0.3.1 10.0.2.2
    0x00, 0x00, 0x00, 0x00,                            // NULL SRE
};
// Delivery header for kGreChecksumKeySequence + kInner: 10.0.1.1 > 10.0.2.2, protocol 47, Total Length 68.
inline const std::vector<uint8_t> kGreDelivery = {
    0x45, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x40, 0x2f, 0x63, 0x89, 10, 0, 1, 1, 10, 0, 2, 2,
};

inline std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A heap copy of exactly the first `len` bytes, so AddressSanitizer sees any read past the end.
struct HeapCopy {
  HeapCopy(const std::vector<uint8_t>& src, size_t len) : data(new uint8_t[len == 0 ? 1 : len]), size(len) {
    std::copy(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(len), data.get());
  }
  std::span<const uint8_t> span() const { return {data.get(), size}; }
  std::unique_ptr<uint8_t[]> data;
  size_t size;
};

}  // namespace mipvpn::wire::golden
