// Minimal Encapsulation within IP (RFC 2004), IP protocol 55: the original IP header is modified in place (Protocol
// 55, Destination = tunnel exit point, Source = encapsulator when it is not the original source, Total Length and
// checksum adjusted) and the minimal forwarding header below goes between it and the unmodified IP payload:
//
//   0      1        2      3          (offsets in bytes)
//   Protocol S|reserved  Header Checksum
//   Original Destination Address
//   Original Source Address           (present iff S)
//
// MinimalEncapsulation is the forwarding header as a libtins PDU; its payload (the original IP payload) is the inner
// PDU. Send it as `Tins::IP(tunnel_dst, src) / MinimalEncapsulation(...) / payload` after `ip.protocol(55)`, or read
// it from a received packet with `ip.rfind_pdu<Tins::RawPDU>().to<MinimalEncapsulation>()`.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/layer.h"
#include "harness/wire/violation.h"

#include <tins/ip_address.h>
#include <tins/pdu.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

class MinimalEncapsulation : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 6);
  static constexpr uint8_t kIpProtocol = 55;
  static constexpr size_t kSizeWithoutSource = 8;  // S = 0
  static constexpr size_t kSizeWithSource = 12;    // S = 1
  static constexpr uint8_t kFlagS = 0x80;          // Original Source Address Present
  static constexpr uint8_t kReservedMask = 0x7f;   // "Sent as zero; ignored on reception"

  MinimalEncapsulation() = default;
  // S = 0: the encapsulator is the original source, so the (unreplaced) IP source is the original one.
  MinimalEncapsulation(uint8_t protocol, Tins::IPv4Address original_destination);
  // S = 1.
  MinimalEncapsulation(uint8_t protocol, Tins::IPv4Address original_destination, Tins::IPv4Address original_source);
  // libtins-style decoding constructor (checksum verified); throws MalformedMessage on any DecodeError. Bytes after the
  // forwarding header become a Tins::RawPDU inner PDU.
  MinimalEncapsulation(const uint8_t* data, uint32_t size);

  // Decodes the forwarding header at the start of `data` (the payload of an IP packet with protocol 55); the rest is
  // the inner RawPDU. Never throws, never reads outside the buffer. Errors name the offset (from data[0]) and field:
  // protocol, flags, checksum, original_destination, original_source (S set but fewer than 12 bytes), and with
  // verify_checksum a wrong Header Checksum (field "checksum", naming the computed value).
  static Expected<MinimalEncapsulation> decode(const uint8_t* data, size_t size, bool verify_checksum = true) noexcept;
  static Expected<MinimalEncapsulation> decode(std::span<const uint8_t> data, bool verify_checksum = true) noexcept {
    return decode(data.data(), data.size(), verify_checksum);
  }

  // Copied from the Protocol field of the original IP header.
  uint8_t protocol() const { return protocol_; }
  void protocol(uint8_t value) { protocol_ = value; }
  // Byte 1 as on the wire: S and the 7 reserved bits.
  uint8_t flags() const { return static_cast<uint8_t>((s_ ? kFlagS : 0) | reserved_); }
  bool s() const { return s_; }
  // Setting S makes the Original Source Address present (12-byte header); clearing it drops the field.
  void s(bool on) { s_ = on; }
  uint8_t reserved() const { return reserved_; }
  void reserved(uint8_t value) { reserved_ = static_cast<uint8_t>(value & kReservedMask); }
  // As decoded, or as written by the last serialization.
  uint16_t checksum() const { return checksum_; }
  // The Header Checksum of these fields: over the forwarding header only, "the value of the checksum field is 0".
  uint16_t compute_checksum() const;
  // Whether the Header Checksum verifies as a receiver checks it (RFC 1071 4.1: the ones' complement sum of the
  // header, the field included, is all ones): the computed value, or 0xFFFF, the other zero, where that is 0x0000.
  bool checksum_valid() const {
    const uint16_t computed = compute_checksum();
    return checksum_ == computed || (computed == 0x0000 && checksum_ == 0xffff);
  }
  Tins::IPv4Address original_destination() const { return original_destination_; }
  void original_destination(Tins::IPv4Address value) { original_destination_ = value; }
  // Meaningful only when s(); setting it sets S.
  Tins::IPv4Address original_source() const { return original_source_; }
  void original_source(Tins::IPv4Address value) {
    original_source_ = value;
    s_ = true;
  }

  // The forwarding header with its checksum computed.
  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(s_ ? kSizeWithSource : kSizeWithoutSource); }
  PDUType pdu_type() const override { return pdu_flag; }
  MinimalEncapsulation* clone() const override { return new MinimalEncapsulation(*this); }

 private:
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  uint16_t write(uint8_t* out) const;  // returns the checksum written

  uint8_t protocol_ = 0;
  bool s_ = false;
  uint8_t reserved_ = 0;
  uint16_t checksum_ = 0;
  Tins::IPv4Address original_destination_;
  Tins::IPv4Address original_source_;
};

// RFC 2004 3: the original datagram `inner_packet` (an IPv4 header and its payload) with its header modified and the
// forwarding header inserted. S is set exactly when encapsulator_src is not the original source ("If the encapsulator
// is not the original source of the datagram, the Source Address field in the IP header is replaced"); the TTL is
// not touched ("the Time to Live (TTL) field in the IP header is not modified during encapsulation"); options stay.
// Errors (offsets into inner_packet): not an IPv4 header (version, ihl, total_length), an original datagram that is
// "already fragmented" (MF set or a fragment offset: "Minimal encapsulation MUST NOT be used"), an original source
// equal to the tunnel exit point (the RFC 2003 3.2 loop rule RFC 2004 4 refers to), a result over 65535 bytes.
// Bytes after the original Total Length (link padding) are dropped.
Expected<std::vector<uint8_t>> encapsulate_minimal(Bytes inner_packet, Tins::IPv4Address encapsulator_src,
                                                   Tins::IPv4Address tunnel_dst);

// RFC 2004 3, decapsulation: "the fields in the minimal forwarding header are restored to the IP header, and the
// forwarding header is removed", Total Length decremented, checksum recomputed. Gives back the datagram
// encapsulate_minimal was given, byte for byte, when that datagram's header checksum was right. Errors (offsets into
// outer_packet): not an IPv4 header, protocol not 55, a fragment (reassemble first: the forwarding header is only in
// the first fragment), a forwarding header cut short, and with verify_checksum a wrong forwarding-header checksum.
Expected<std::vector<uint8_t>> decapsulate_minimal(Bytes outer_packet, bool verify_checksum = true);

// The original datagram rebuilt from the modified IP header `outer_header` (options included), its forwarding
// header and what follows the forwarding header. For callers that hold the pieces separately (the layer decoder).
// Precondition: outer_header holds at least 20 bytes (throws std::invalid_argument otherwise).
std::vector<uint8_t> rebuild_original(Bytes outer_header, const MinimalEncapsulation& header, Bytes original_payload);

// The rules of RFC 2004 one packet can be checked against; outer_header is the modified IP header (may be empty: the
// rules that need it are then skipped).
//   3  Header Checksum correct (when check_checksum); reserved bits zero ("Sent as zero; ignored on reception");
//      outer Protocol 55; no minimal encapsulation of a fragment: a fragment with Don't Fragment set (either the
//      original was already fragmented, which "MUST NOT" be encapsulated this way, or the encapsulator fragmented
//      despite DF, which 3 does not allow), and a non-first fragment that starts with a forwarding header whose
//      checksum verifies (fragmenting after encapsulation leaves the header in the first fragment only).
//   4  (SHOULD, "a router should follow the same procedures outlined in [4]"): the original source (Original Source
//      Address, or the IP source when S is 0) is not the tunnel exit point (RFC 2003 3.2).
// S against the header length needs no rule: decode() fails when S announces 12 bytes and fewer are there.
std::vector<Violation> validate_minimal_encap(Bytes outer_header, const MinimalEncapsulation& header,
                                              bool check_checksum = true);

}  // namespace mipvpn::wire
