// What an IKEv2 message (RFC 7296 3.1) and an IKEv1/ISAKMP message (RFC 2408 3.1) share: the 28-byte header, laid
// out the same in both versions (only the names of the SPIs/cookies and the meaning of the flag bits differ), and the
// generic payload chain after it (ike_payload.h). IkeV2Message (ike.h) and IkeV1Message (ikev1.h) derive from
// IkeMessageBase and add only what is theirs: the SPI/cookie accessors, the flag bits, where the walk stops.
//
//   0        8        16      17       18        19     20         24      28
//   SPIi     SPIr     NextPl  MjV|MnV  Exchange  Flags  Message ID Length  payloads ...
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/ike_payload.h"

#include <tins/pdu.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <vector>

namespace mipvpn::wire {

// The version an IKE message claims in its header (byte 17, major version nibble): 1 = IKEv1/ISAKMP, 2 = IKEv2,
// anything else (or fewer than 18 bytes) Unknown. IKEv1 and IKEv2 headers share the layout, so this byte is the
// only way to tell them apart (RFC 7296 3.1: "Implementations based on previous versions of IKE and ISAKMP MUST set
// the major version to 1").
IkeVersion ike_version(std::span<const uint8_t> message);

// The 28 header bytes as numbers, for readers that want the header even when the chain after it does not decode.
// Errors name spi_i/spi_r (cookies in IKEv1), next_payload, version, exchange_type, flags, message_id, length.
struct IkeHeaderFields {
  uint64_t spi_i = 0, spi_r = 0;
  uint8_t next_payload = 0, version = 0, exchange = 0, flags = 0;
  uint32_t message_id = 0, length = 0;
};
Expected<IkeHeaderFields> decode_ike_header(const uint8_t* data, size_t size, const char* what) noexcept;
void write_ike_header(const IkeHeaderFields& h, uint8_t* out);

class IkeMessageBase : public Tins::PDU {
 public:
  static constexpr size_t kHeaderSize = 28;

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
  uint32_t message_id() const { return message_id_; }
  void message_id(uint32_t v) { message_id_ = v; }
  // The Length field: the decoded value, or (when never set) the size of the encoding.
  uint32_t length() const { return length_.value_or(header_size()); }
  void length(uint32_t v) { length_ = v; }
  void auto_length() { length_.reset(); }

  // Payloads in wire order.
  const std::vector<IkePayload>& payloads() const { return payloads_; }
  // Replaces the payloads as given (their next/critical/reserved fields kept; offsets recomputed).
  void payloads(std::vector<IkePayload> p);
  // Bytes of the datagram after the walked chain (none for a well-formed message).
  const std::vector<uint8_t>& trailing() const { return trailing_; }
  void trailing(std::vector<uint8_t> v) { trailing_ = std::move(v); }
  // Sum of header and payload lengths: where the chain ends (compare with length()).
  size_t chain_end() const;

  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(chain_end() + trailing_.size()); }

 protected:
  IkeMessageBase(uint8_t version, uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags, uint32_t message_id)
      : spi_i_(spi_i), spi_r_(spi_r), version_(version), exchange_(exchange), flags_(flags), message_id_(message_id) {}

  // The steps of decode() both versions take; `what` names the header in errors ("the IKE header (RFC 7296 ...)").
  // Errors are returned, never thrown, except std::bad_alloc (decode() turns it into out_of_memory()).
  std::optional<DecodeError> read_header(const uint8_t* data, size_t size, const char* what);
  // The chain from the end of the header, up to Next Payload 0 or a payload whose type is in `stop_types`; the bytes
  // after it become trailing().
  std::optional<DecodeError> read_payloads(const uint8_t* data, size_t size, const std::vector<uint8_t>& stop_types);
  static DecodeError out_of_memory(const std::exception& e);

  // Appends a payload after the chain (offset filled in). The header's Next Payload (first payload) becomes `type`;
  // so does the previous payload's, when `link_previous` (IKEv2's SK/SKF keep theirs: it names the first inner type).
  IkePayload& append_payload(uint8_t type, std::vector<uint8_t> body, bool critical, bool link_previous);

  bool has_flag(uint8_t bit) const { return (flags_ & bit) != 0; }
  void set_flag(uint8_t bit, bool on) { flags_ = static_cast<uint8_t>(on ? (flags_ | bit) : (flags_ & ~bit)); }

  // The header, payloads and trailing bytes, header_size() bytes in all unless a subclass writes more after them.
  virtual void write(uint8_t* out) const;

  uint64_t spi_i_ = 0;  // IKEv1: initiator cookie
  uint64_t spi_r_ = 0;  // IKEv1: responder cookie

 private:
  // The generic payload header's syntax: whether the second octet holds a Critical bit (IKEv2) or not (IKEv1).
  virtual IkeVersion payload_syntax() const = 0;
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;

  uint8_t next_payload_ = 0;
  uint8_t version_ = 0;
  uint8_t exchange_ = 0;
  uint8_t flags_ = 0;
  uint32_t message_id_ = 0;
  std::optional<uint32_t> length_;
  std::vector<IkePayload> payloads_;
  std::vector<uint8_t> trailing_;
};

}  // namespace mipvpn::wire
