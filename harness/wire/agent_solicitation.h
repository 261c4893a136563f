// Agent Solicitation (RFC 5944 2.2): "identical to an ICMP Router Solicitation with the further restriction that the
// IP TTL Field MUST be set to 1". ICMP type 10 (RFC 1256):
//
//   [0] Type=10 [1] Code=0 [2-3] Checksum [4-7] Reserved
//
// The whole ICMP message, checksum included; put it in a Tins::IP after `ip.protocol(1)`.
#pragma once

#include "harness/wire/expected.h"

#include <tins/pdu.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

class AgentSolicitation : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 4);
  static constexpr uint8_t kIcmpType = 10;
  static constexpr size_t kSize = 8;

  AgentSolicitation() = default;
  // libtins-style decoding constructor (checksum verified); throws MalformedMessage on any DecodeError.
  AgentSolicitation(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside the buffer; a wrong checksum (when verified) is a DecodeError on "checksum".
  static Expected<AgentSolicitation> decode(const uint8_t* data, size_t size, bool verify_checksum = true) noexcept;
  static Expected<AgentSolicitation> decode(std::span<const uint8_t> data, bool verify_checksum = true) noexcept {
    return decode(data.data(), data.size(), verify_checksum);
  }

  uint8_t code() const { return code_; }
  void code(uint8_t value) { code_ = value; }
  uint16_t checksum() const { return checksum_; }  // as decoded, or as written by the last serialization
  uint32_t reserved() const { return reserved_; }  // "Sent as zero; ignored on reception" (RFC 1256)
  void reserved(uint32_t value) { reserved_ = value; }
  // Bytes after the 8-byte message (RFC 1256 lets the ICMP length be "8 or more octets"); kept for exact re-encoding.
  const std::vector<uint8_t>& trailing_bytes() const { return trailing_; }
  void trailing_bytes(std::vector<uint8_t> bytes) { trailing_ = std::move(bytes); }

  std::vector<uint8_t> bytes() const;  // with the checksum computed

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(kSize + trailing_.size()); }
  PDUType pdu_type() const override { return pdu_flag; }
  AgentSolicitation* clone() const override { return new AgentSolicitation(*this); }

 private:
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  uint16_t write(uint8_t* out) const;

  uint8_t code_ = 0;
  uint16_t checksum_ = 0;
  uint32_t reserved_ = 0;
  std::vector<uint8_t> trailing_;
};

}  // namespace mipvpn::wire
