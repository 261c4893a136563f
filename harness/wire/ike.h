// IKEv2 message (RFC 7296 3.1), a libtins PDU for the UDP payload of port 500 (or of port 4500 after the four-zero
// non-ESP marker, which is not part of the message: 3.1, RFC 3948 2.2):
//
//   0                   8                   16     17      18        19     20         24
//   IKE SA Initiator's SPI  IKE SA Responder's SPI  NextPl  MjV|MnV  Exchange  Flags  Message ID  Length
//   payloads (3.2 generic header each) ...
//
// Flags: X X R V I X X X (R 0x20 response, V 0x10 higher version capable, I 0x08 original initiator).
// The payload chain is walked (bounded) up to Next Payload 0 or up to the Encrypted payload SK (46) / Encrypted
// Fragment SKF (53), whose contents cannot be read without the IKE SA keys. Bytes after the chain (up to the end of
// the datagram) are kept as trailing(), so decode + bytes() reproduces the datagram exactly.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/ike_payload.h"

#include <tins/pdu.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mipvpn::wire {

// The version an IKE message claims in its header (byte 17, major version nibble): 1 = IKEv1/ISAKMP, 2 = IKEv2,
// anything else (or fewer than 18 bytes) Unknown. IKEv1 and IKEv2 headers share the layout, so this byte is the
// only way to tell them apart (RFC 7296 3.1: "Implementations based on previous versions of IKE and ISAKMP MUST set
// the major version to 1").
IkeVersion ike_version(std::span<const uint8_t> message);

class IkeV2Message : public Tins::PDU {
 public:
  static constexpr PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 9);
  static constexpr size_t kHeaderSize = 28;
  static constexpr uint8_t kFlagR = 0x20;
  static constexpr uint8_t kFlagV = 0x10;
  static constexpr uint8_t kFlagI = 0x08;
  static constexpr uint8_t kFlagsReserved = 0xc7;  // the 'X' bits
  static constexpr uint8_t kVersion20 = 0x20;

  IkeV2Message() = default;
  IkeV2Message(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags, uint32_t message_id);
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  IkeV2Message(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size). `size` is the whole UDP payload (marker removed).
  // Any version byte is accepted (validate() reports a major version other than 2).
  static Expected<IkeV2Message> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<IkeV2Message> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint64_t spi_i() const { return spi_i_; }
  void spi_i(uint64_t v) { spi_i_ = v; }
  uint64_t spi_r() const { return spi_r_; }
  void spi_r(uint64_t v) { spi_r_ = v; }
  // Header Next Payload: the type of the first payload (set by the first add_payload).
  uint8_t next_payload() const { return next_payload_; }
  void next_payload(uint8_t v) { next_payload_ = v; }
  uint8_t version() const { return version_; }  // MjVer << 4 | MnVer
  void version(uint8_t v) { version_ = v; }
  uint8_t major_version() const { return version_ >> 4; }
  uint8_t minor_version() const { return version_ & 0x0f; }
  uint8_t exchange_type() const { return exchange_; }
  void exchange_type(uint8_t v) { exchange_ = v; }
  uint8_t flags() const { return flags_; }
  void flags(uint8_t v) { flags_ = v; }
  bool r() const { return (flags_ & kFlagR) != 0; }
  bool v() const { return (flags_ & kFlagV) != 0; }
  bool i() const { return (flags_ & kFlagI) != 0; }
  void r(bool on) { set_flag(kFlagR, on); }
  void v(bool on) { set_flag(kFlagV, on); }
  void i(bool on) { set_flag(kFlagI, on); }
  bool response() const { return r(); }
  uint32_t message_id() const { return message_id_; }
  void message_id(uint32_t v) { message_id_ = v; }
  // The Length field: the decoded value, or (when never set) the size of the encoding.
  uint32_t length() const { return length_.value_or(header_size()); }
  void length(uint32_t v) { length_ = v; }
  void auto_length() { length_.reset(); }

  // Payloads in wire order (the Encrypted payload, when present, last: its body is IV | ciphertext | ICV).
  const std::vector<IkePayload>& payloads() const { return payloads_; }
  // Appends a payload and chains it: the header's (first payload) or the previous payload's Next Payload becomes
  // `type`, unless the previous payload is SK/SKF (their Next Payload names the first encrypted payload). Returns
  // the payload (offset filled in).
  const IkePayload& add_payload(uint8_t type, std::vector<uint8_t> body, bool critical = false);
  // Appends the Encrypted payload SK (46): Next Payload = first_inner (the first payload inside), body = IV |
  // encrypted payloads | padding | Pad Length | ICV as produced elsewhere.
  const IkePayload& add_encrypted(uint8_t first_inner, std::vector<uint8_t> body);
  // Replaces the payloads as given (their next/critical/reserved fields kept; offsets recomputed).
  void payloads(std::vector<IkePayload> p);
  // Bytes of the datagram after the walked chain (none for a well-formed message).
  const std::vector<uint8_t>& trailing() const { return trailing_; }
  void trailing(std::vector<uint8_t> v) { trailing_ = std::move(v); }

  // The SK or SKF payload, or nullptr.
  const IkePayload* encrypted() const;
  // Sum of header and payload lengths: where the chain ends (compare with length()).
  size_t chain_end() const;

  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(chain_end() + trailing_.size()); }
  PDUType pdu_type() const override { return pdu_flag; }
  IkeV2Message* clone() const override { return new IkeV2Message(*this); }

 private:
  void set_flag(uint8_t bit, bool on) { flags_ = static_cast<uint8_t>(on ? (flags_ | bit) : (flags_ & ~bit)); }
  void renumber();
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  void write(uint8_t* out) const;

  uint64_t spi_i_ = 0;
  uint64_t spi_r_ = 0;
  uint8_t next_payload_ = 0;
  uint8_t version_ = kVersion20;
  uint8_t exchange_ = 0;
  uint8_t flags_ = 0;
  uint32_t message_id_ = 0;
  std::optional<uint32_t> length_;
  std::vector<IkePayload> payloads_;
  std::vector<uint8_t> trailing_;
};

// Reads the 28-byte header fields shared by both versions; used by decode() of IkeV2Message and IkeV1Message.
// Errors name spi_i/spi_r (cookies in IKEv1), next_payload, version, exchange_type, flags, message_id, length.
struct IkeHeaderFields {
  uint64_t spi_i = 0, spi_r = 0;
  uint8_t next_payload = 0, version = 0, exchange = 0, flags = 0;
  uint32_t message_id = 0, length = 0;
};
Expected<IkeHeaderFields> decode_ike_header(const uint8_t* data, size_t size, const char* what) noexcept;
void write_ike_header(const IkeHeaderFields& h, uint8_t* out);

}  // namespace mipvpn::wire
