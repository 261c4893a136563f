// IKEv1 / ISAKMP message (RFC 2408 3.1), a libtins PDU for the UDP payload of port 500 (or 4500 after the non-ESP
// marker, RFC 3947 4):
//
//   Initiator Cookie(8) Responder Cookie(8) Next Payload(1) MjVer|MnVer(1) Exchange Type(1) Flags(1)
//   Message ID(4) Length(4), then payloads with the 3.2 generic header Next Payload(1) RESERVED(1) Length(2).
//
// Flags (least significant bit first): E 0x01 encryption, C 0x02 commit, A 0x04 authentication only; "The remaining
// bits of the Flags field MUST be set to 0". With E set "all payloads following the header are encrypted", so the
// chain cannot be walked: the bytes after the header are kept as encrypted_body().
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/ike.h"
#include "harness/wire/ike_payload.h"

#include <tins/pdu.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mipvpn::wire {

class IkeV1Message : public Tins::PDU {
 public:
  static constexpr PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 10);
  static constexpr size_t kHeaderSize = 28;
  static constexpr uint8_t kFlagE = 0x01;
  static constexpr uint8_t kFlagC = 0x02;
  static constexpr uint8_t kFlagA = 0x04;
  static constexpr uint8_t kFlagsReserved = 0xf8;
  static constexpr uint8_t kVersion10 = 0x10;

  IkeV1Message() = default;
  IkeV1Message(uint64_t initiator_cookie, uint64_t responder_cookie, uint8_t exchange, uint8_t flags,
               uint32_t message_id);
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  IkeV1Message(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size); any version byte accepted (validate() checks it).
  static Expected<IkeV1Message> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<IkeV1Message> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint64_t initiator_cookie() const { return icookie_; }
  void initiator_cookie(uint64_t v) { icookie_ = v; }
  uint64_t responder_cookie() const { return rcookie_; }
  void responder_cookie(uint64_t v) { rcookie_ = v; }
  uint8_t next_payload() const { return next_payload_; }
  void next_payload(uint8_t v) { next_payload_ = v; }
  uint8_t version() const { return version_; }
  void version(uint8_t v) { version_ = v; }
  uint8_t major_version() const { return version_ >> 4; }
  uint8_t minor_version() const { return version_ & 0x0f; }
  uint8_t exchange_type() const { return exchange_; }
  void exchange_type(uint8_t v) { exchange_ = v; }
  uint8_t flags() const { return flags_; }
  void flags(uint8_t v) { flags_ = v; }
  bool e() const { return (flags_ & kFlagE) != 0; }
  bool c() const { return (flags_ & kFlagC) != 0; }
  bool a() const { return (flags_ & kFlagA) != 0; }
  void e(bool on) { set_flag(kFlagE, on); }
  void c(bool on) { set_flag(kFlagC, on); }
  void a(bool on) { set_flag(kFlagA, on); }
  uint32_t message_id() const { return message_id_; }
  void message_id(uint32_t v) { message_id_ = v; }
  uint32_t length() const { return length_.value_or(header_size()); }
  void length(uint32_t v) { length_ = v; }
  void auto_length() { length_.reset(); }

  // Payloads in wire order (empty when E is set).
  const std::vector<IkePayload>& payloads() const { return payloads_; }
  // Appends and chains (header or previous Next Payload becomes `type`).
  const IkePayload& add_payload(uint8_t type, std::vector<uint8_t> body);
  void payloads(std::vector<IkePayload> p);
  // With E set: everything after the header (ciphertext, and any bytes past Length).
  const std::vector<uint8_t>& encrypted_body() const { return encrypted_; }
  void encrypted_body(std::vector<uint8_t> v) { encrypted_ = std::move(v); }
  // Without E: bytes of the datagram after the walked chain.
  const std::vector<uint8_t>& trailing() const { return trailing_; }
  void trailing(std::vector<uint8_t> v) { trailing_ = std::move(v); }
  size_t chain_end() const;

  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override {
    return static_cast<uint32_t>(chain_end() + trailing_.size() + encrypted_.size());
  }
  PDUType pdu_type() const override { return pdu_flag; }
  IkeV1Message* clone() const override { return new IkeV1Message(*this); }

 private:
  void set_flag(uint8_t bit, bool on) { flags_ = static_cast<uint8_t>(on ? (flags_ | bit) : (flags_ & ~bit)); }
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  void write(uint8_t* out) const;

  uint64_t icookie_ = 0;
  uint64_t rcookie_ = 0;
  uint8_t next_payload_ = 0;
  uint8_t version_ = kVersion10;
  uint8_t exchange_ = 0;
  uint8_t flags_ = 0;
  uint32_t message_id_ = 0;
  std::optional<uint32_t> length_;
  std::vector<IkePayload> payloads_;
  std::vector<uint8_t> trailing_;
  std::vector<uint8_t> encrypted_;
};

}  // namespace mipvpn::wire
