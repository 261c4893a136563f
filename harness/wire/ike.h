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
#include "harness/wire/ike_message_base.h"
#include "harness/wire/ike_payload.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

// The header fields, payload list, Length and serialization are IkeMessageBase's (shared with IkeV1Message).
class IkeV2Message : public IkeMessageBase {
 public:
  static constexpr PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 9);
  static constexpr uint8_t kFlagR = 0x20;
  static constexpr uint8_t kFlagV = 0x10;
  static constexpr uint8_t kFlagI = 0x08;
  static constexpr uint8_t kFlagsReserved = 0xc7;  // the 'X' bits
  static constexpr uint8_t kVersion20 = 0x20;

  IkeV2Message() : IkeMessageBase(kVersion20, 0, 0, 0, 0, 0) {}
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
  bool r() const { return has_flag(kFlagR); }
  bool v() const { return has_flag(kFlagV); }
  bool i() const { return has_flag(kFlagI); }
  void r(bool on) { set_flag(kFlagR, on); }
  void v(bool on) { set_flag(kFlagV, on); }
  void i(bool on) { set_flag(kFlagI, on); }
  bool response() const { return r(); }

  // In payloads() the Encrypted payload, when present, comes last: its body is IV | ciphertext | ICV.
  // Appends a payload and chains it: the header's (first payload) or the previous payload's Next Payload becomes
  // `type`, unless the previous payload is SK/SKF (their Next Payload names the first encrypted payload). Returns
  // the payload (offset filled in).
  const IkePayload& add_payload(uint8_t type, std::vector<uint8_t> body, bool critical = false);
  // Appends the Encrypted payload SK (46): Next Payload = first_inner (the first payload inside), body = IV |
  // encrypted payloads | padding | Pad Length | ICV as produced elsewhere.
  const IkePayload& add_encrypted(uint8_t first_inner, std::vector<uint8_t> body);

  // The SK or SKF payload, or nullptr.
  const IkePayload* encrypted() const;

  // Tins::PDU
  PDUType pdu_type() const override { return pdu_flag; }
  IkeV2Message* clone() const override { return new IkeV2Message(*this); }

 private:
  IkeVersion payload_syntax() const override { return IkeVersion::V2; }
};

}  // namespace mipvpn::wire
