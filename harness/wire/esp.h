// IP Encapsulating Security Payload (RFC 4303 2), a libtins PDU for the payload of IP protocol 50 (or of UDP 4500
// after RFC 3948 classification):
//
//   0      1      2      3          (offsets in bytes)
//   Security Parameters Index (SPI)
//   Sequence Number
//   Payload Data (IV, ciphertext) ... Padding, Pad Length, Next Header (encrypted) ... ICV
//
// Without the security association everything after the Sequence Number is opaque, so the PDU keeps it as bytes
// (payload()); esp_crypto.h turns it into plaintext and back. The trailer of a decrypted plaintext is EspTrailer.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/violation.h"

#include <tins/pdu.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::wire {

class Esp : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 8);
  static constexpr size_t kHeaderSize = 8;

  Esp() = default;
  Esp(uint32_t spi, uint32_t sequence, std::vector<uint8_t> payload = {})
      : spi_(spi), sequence_(sequence), payload_(std::move(payload)) {}
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  Esp(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size). Errors name "spi" or "sequence".
  static Expected<Esp> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<Esp> decode(std::span<const uint8_t> data) noexcept { return decode(data.data(), data.size()); }

  uint32_t spi() const { return spi_; }
  void spi(uint32_t value) { spi_ = value; }
  uint32_t sequence() const { return sequence_; }
  void sequence(uint32_t value) { sequence_ = value; }
  // Everything after the Sequence Number: IV, ciphertext (payload, padding, Pad Length, Next Header) and ICV.
  const std::vector<uint8_t>& payload() const { return payload_; }
  void payload(std::vector<uint8_t> value) { payload_ = std::move(value); }

  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(kHeaderSize + payload_.size()); }
  PDUType pdu_type() const override { return pdu_flag; }
  Esp* clone() const override { return new Esp(*this); }

 private:
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  void write(uint8_t* out) const;

  uint32_t spi_ = 0;
  uint32_t sequence_ = 0;
  std::vector<uint8_t> payload_;
};

// Next Header values (IANA protocol numbers, RFC 4303 2.6) this harness meets inside ESP.
enum class EspNextHeader : uint8_t {
  Icmp = 1,
  IPv4 = 4,                   // tunnel mode
  Tcp = 6,
  Udp = 17,                   // transport mode, e.g. RFC 3519 UDP tunnelling
  Gre = 47,                   // RFC 2784
  MinimalEncapsulation = 55,  // RFC 2004
  NoNextHeader = 59,          // "dummy" packet (RFC 4303 2.6)
};

// "IPv4", "UDP", "GRE", "MinEnc", "none (dummy)", ... or "protocol N".
std::string esp_next_header_name(uint8_t value);

// The ESP trailer found at the end of a decrypted plaintext: Payload Data | Padding | Pad Length | Next Header.
struct EspTrailer {
  size_t payload_length = 0;     // bytes of Payload Data before the Padding (TFC padding included, if any)
  std::vector<uint8_t> padding;  // the Pad Length bytes before Pad Length
  uint8_t pad_length = 0;
  uint8_t next_header = 0;

  // Counts back from the end (RFC 4303 2.7: "ESP trailer fields are located by counting back from the end").
  // base_offset is added to every error offset (e.g. where the plaintext starts in the ESP packet). Errors:
  // "next_header" / "pad_length" when fewer than 2 bytes, "pad_length" when Pad Length exceeds the bytes before it.
  static Expected<EspTrailer> parse(std::span<const uint8_t> plaintext, size_t base_offset = 0) noexcept;

  // RFC 4303 2.4 default padding content: 1, 2, 3, ..., n. Throws std::invalid_argument for n > 255.
  static std::vector<uint8_t> default_padding(size_t n);
  bool has_default_padding() const;
};

// Header rules (RFC 4303): SPI 0 is never sent and 1-255 are reserved (2.1); Sequence Number 0 is never sent when
// anti-replay is on, the default (2.2, 3.3.3); something follows the header to hold the mandatory Pad Length and
// Next Header (2.5, 2.6).
std::vector<Violation> validate(const Esp& esp);

// Trailer rules checkable after decryption: default padding content 1, 2, 3, ... (2.4), except in dummy packets
// (Next Header 59), whose plaintext "need not be well-formed" (2.6); in tunnel mode (Next Header 4) the Payload Data
// holds the whole inner datagram its Total Length announces (2.5, 3.4.4.1 step 5). `payload` is the Payload Data.
std::vector<Violation> validate(const EspTrailer& trailer, std::span<const uint8_t> payload);

}  // namespace mipvpn::wire
