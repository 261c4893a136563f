// ESP encryption and integrity (RFC 4303 3.3.2 / 3.4.4) for the algorithms the harness's VPN gateways negotiate:
//
//   AesGcm16              AES-GCM with a 16-octet ICV (RFC 4106): key of 16/24/32 bytes followed by the 4-byte salt
//                         (8.1), 8-byte explicit IV (3.1), nonce = salt || IV (4), AAD = SPI || 32-bit Sequence
//                         Number (5), ICV 16 bytes (6); padding only to the 4-byte boundary (RFC 4303 2.4).
//   AesCbcHmacSha1_96     AES-CBC (RFC 3602: 16-byte IV (3), plaintext a multiple of 16 bytes (2.4)) with HMAC-SHA-1-96
//                         (RFC 2404: 20-byte key (3), ICV = first 12 bytes of the HMAC (2)).
//   AesCbcHmacSha256_128  AES-CBC with HMAC-SHA-256-128 (RFC 4868: 32-byte key (2.1.1), ICV = first 16 bytes (2.3)).
//   NullHmacSha1_96       NULL encryption (RFC 2410: no IV, block size 1) with HMAC-SHA-1-96.
//
// The separate integrity algorithms cover SPI, Sequence Number, IV and ciphertext (RFC 4303 3.3.2.1 step 4). OpenSSL 3
// EVP only; cipher and MAC contexts are kept per thread.
#pragma once

#include "harness/wire/esp.h"
#include "harness/wire/expected.h"
#include "harness/wire/violation.h"

#include <tins/ip_address.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::wire {

enum class EspAlgorithm { AesGcm16, AesCbcHmacSha1_96, AesCbcHmacSha256_128, NullHmacSha1_96 };

struct EspAlgorithmInfo {
  const char* name;   // "aes-gcm-16", "aes-cbc-hmac-sha1-96", "aes-cbc-hmac-sha256-128", "null-hmac-sha1-96"
  size_t iv_length;   // explicit IV carried at the start of the Payload
  size_t icv_length;  // bytes of ICV at the end of the packet
  size_t block;       // the plaintext (payload | padding | Pad Length | Next Header) is a multiple of this
};
const EspAlgorithmInfo& esp_algorithm_info(EspAlgorithm alg);

// One security association: what it takes to decrypt and verify (or build) the packets of one SPI.
struct EspSa {
  uint32_t spi = 0;
  std::optional<Tins::IPv4Address> src, dst;  // outer addresses it applies to; nullopt = any ("*")
  EspAlgorithm alg = EspAlgorithm::AesGcm16;
  std::vector<uint8_t> enc_key;   // AES-GCM: AES key || 4-byte salt (RFC 4106 8.1); empty for NULL encryption
  std::vector<uint8_t> auth_key;  // HMAC key; empty for AES-GCM (combined mode)
};

// What is wrong with an SA's keys for its algorithm: field "enc_key" or "auth_key" and the lengths allowed, or
// nullopt. esp_encrypt/esp_decrypt/esp_icv throw std::invalid_argument with this text.
struct EspSaProblem {
  std::string field;
  std::string expected;
};
std::optional<EspSaProblem> check_esp_sa(const EspSa& sa);

struct EspPlaintext {
  std::vector<uint8_t> iv;       // the explicit IV as carried (empty for NULL encryption)
  std::vector<uint8_t> payload;  // Payload Data: an IPv4 datagram in tunnel mode
  EspTrailer trailer;
};

// Verifies and decrypts a whole ESP packet (header, IV, ciphertext, ICV). A separate integrity algorithm's ICV is
// checked first, in constant time, before any decryption (RFC 4303 3.4.4.1); AES-GCM's ICV is checked by the
// decryption itself and no plaintext escapes a failed check. Never throws for packet contents; throws
// std::invalid_argument only for an SA whose keys do not fit its algorithm. Error offsets are packet offsets; fields:
// "spi"/"sequence" (truncated header), "icv" (missing or not matching), "iv" (missing), "ciphertext" (not a multiple
// of the AES block), "pad_length" (larger than the plaintext before it).
Expected<EspPlaintext> esp_decrypt(const EspSa& sa, std::span<const uint8_t> esp_packet);

// Builds the whole ESP packet for `payload` (header, IV, ciphertext, ICV) with the RFC 4303 2.4 default padding:
// the fewest bytes 1, 2, 3, ... that fill the plaintext to the algorithm's block, plus `extra_padding` more (a
// multiple of 16 for AES-CBC; any count otherwise, so tests can build misaligned packets). An empty `iv` is drawn with
// RAND_bytes. Any sequence number is accepted (0 included, for negative tests). Throws std::invalid_argument for bad
// keys, an IV of the wrong length, or more than 255 bytes of padding; std::runtime_error if OpenSSL fails.
std::vector<uint8_t> esp_encrypt(const EspSa& sa, uint32_t seq, std::span<const uint8_t> payload, uint8_t next_header,
                                 std::span<const uint8_t> iv = {}, size_t extra_padding = 0);

// The ICV a separate integrity algorithm computes over `covered` (SPI through the end of the ciphertext), truncated
// as the algorithm says. Throws std::invalid_argument for AES-GCM (its ICV is the GCM tag) and for bad keys.
std::vector<uint8_t> esp_icv(const EspSa& sa, std::span<const uint8_t> covered);

// Layout rules that need the SA: an ICV of the algorithm's length is present (RFC 4303 2.8, 3.4.4.1), and IV plus
// ciphertext end on a 4-byte boundary so the ICV is aligned (2.4).
std::vector<Violation> validate(const Esp& esp, const EspSa& sa);

}  // namespace mipvpn::wire
