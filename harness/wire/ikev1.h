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
#include "harness/wire/ike_message_base.h"
#include "harness/wire/ike_payload.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

// The header fields, payload list, Length and serialization are IkeMessageBase's (shared with IkeV2Message).
class IkeV1Message : public IkeMessageBase {
 public:
  static constexpr PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 10);
  static constexpr uint8_t kFlagE = 0x01;
  static constexpr uint8_t kFlagC = 0x02;
  static constexpr uint8_t kFlagA = 0x04;
  static constexpr uint8_t kFlagsReserved = 0xf8;
  static constexpr uint8_t kVersion10 = 0x10;

  IkeV1Message() : IkeMessageBase(kVersion10, 0, 0, 0, 0, 0) {}
  IkeV1Message(uint64_t initiator_cookie, uint64_t responder_cookie, uint8_t exchange, uint8_t flags,
               uint32_t message_id);
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  IkeV1Message(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size); any version byte accepted (validate() checks it).
  static Expected<IkeV1Message> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<IkeV1Message> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint64_t initiator_cookie() const { return spi_i_; }
  void initiator_cookie(uint64_t v) { spi_i_ = v; }
  uint64_t responder_cookie() const { return spi_r_; }
  void responder_cookie(uint64_t v) { spi_r_ = v; }
  bool e() const { return has_flag(kFlagE); }
  bool c() const { return has_flag(kFlagC); }
  bool a() const { return has_flag(kFlagA); }
  void e(bool on) { set_flag(kFlagE, on); }
  void c(bool on) { set_flag(kFlagC, on); }
  void a(bool on) { set_flag(kFlagA, on); }

  // payloads() is empty when E is set; trailing() holds, without E, the bytes of the datagram after the walked chain.
  // Appends and chains (header or previous Next Payload becomes `type`).
  const IkePayload& add_payload(uint8_t type, std::vector<uint8_t> body);
  // With E set: everything after the header (ciphertext, and any bytes past Length).
  const std::vector<uint8_t>& encrypted_body() const { return encrypted_; }
  void encrypted_body(std::vector<uint8_t> v) { encrypted_ = std::move(v); }

  // Tins::PDU
  uint32_t header_size() const override {
    return static_cast<uint32_t>(IkeMessageBase::header_size() + encrypted_.size());
  }
  PDUType pdu_type() const override { return pdu_flag; }
  IkeV1Message* clone() const override { return new IkeV1Message(*this); }

 private:
  IkeVersion payload_syntax() const override { return IkeVersion::V1; }
  void write(uint8_t* out) const override;

  std::vector<uint8_t> encrypted_;
};

}  // namespace mipvpn::wire
