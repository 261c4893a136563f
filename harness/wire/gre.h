// Generic Routing Encapsulation, IP protocol 47: the RFC 2784 header and the RFC 1701 fields it deprecated but which
// RFC 1701 senders still put on the wire (RFC 2784 5.2):
//
//   0-1   C R K S s Recur(3) Flags(5) Ver(3)     (RFC 2784: C, Reserved0 = bits 1-12, Ver)
//   2-3   Protocol Type
//   4-7   Checksum, Offset (RFC 2784: Reserved1)  present if C or R
//   ...   Key                                     present if K
//   ...   Sequence Number                         present if S
//   ...   Routing: Source Route Entries (Address Family(2) SRE Offset(1) SRE Length(1) Routing Information(SRE
//         Length)), ending with the NULL SRE (Address Family 0, SRE Length 0)   present if R
//
// Gre is the header as a libtins PDU; the payload packet is its inner PDU. Send it as
// `Tins::IP(dst, src) / Gre(Gre::kProtoIPv4) / inner_ip` after `ip.protocol(47)`; read it with
// `ip.rfind_pdu<Tins::RawPDU>().to<Gre>()`. The header is decoded in the version 0 layout whatever the Version field
// says (RFC 2784 2.3.1 allows only 0; the layer decoder does not follow the payload of other versions).
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/layer.h"
#include "harness/wire/violation.h"

#include <tins/ip_address.h>
#include <tins/pdu.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::wire {

class Gre : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 7);
  static constexpr uint8_t kIpProtocol = 47;
  static constexpr size_t kBaseSize = 4;
  // Bits of the first 16-bit word, bit 0 being the most significant (RFC 1701 numbering).
  static constexpr uint16_t kFlagC = 0x8000;             // Checksum Present (bit 0)
  static constexpr uint16_t kFlagR = 0x4000;             // Routing Present (bit 1)
  static constexpr uint16_t kFlagK = 0x2000;             // Key Present (bit 2)
  static constexpr uint16_t kFlagS = 0x1000;             // Sequence Number Present (bit 3)
  static constexpr uint16_t kFlagStrictRoute = 0x0800;   // Strict Source Route, "s" (bit 4)
  static constexpr uint16_t kRecursionMask = 0x0700;     // Recursion Control (bits 5-7)
  static constexpr uint16_t kFlagsMask = 0x00f8;         // Flags (bits 8-12)
  static constexpr uint16_t kVersionMask = 0x0007;       // Version (bits 13-15)
  static constexpr uint16_t kReserved0Rfc1701 = 0x7ff8;  // RFC 2784 Reserved0 = bits 1-12
  static constexpr uint16_t kProtoIPv4 = 0x0800;
  static constexpr uint16_t kProtoTransparentEthernet = 0x6558;

  // One Source Route Entry of RFC 1701; SRE Length is the size of routing_information (a NULL SRE has Length 0 and so
  // no Routing Information after its 4 bytes).
  struct SourceRouteEntry {
    uint16_t address_family = 0;
    uint8_t sre_offset = 0;
    std::vector<uint8_t> routing_information;
    size_t offset = 0;  // of the Address Family field inside the GRE header (set when decoded or encoded)

    size_t wire_size() const { return 4 + routing_information.size(); }
    uint8_t sre_length() const { return static_cast<uint8_t>(routing_information.size()); }
    bool is_last() const { return routing_information.empty(); }  // "If the SRE Length is 0, ... the last SRE"
    bool operator==(const SourceRouteEntry&) const = default;
  };

  Gre() = default;
  explicit Gre(uint16_t protocol_type) : protocol_type_(protocol_type) {}
  // libtins-style decoding constructor (checksum verified when C is set); throws MalformedMessage on any DecodeError.
  Gre(const uint8_t* data, uint32_t size);

  // Decodes the GRE packet in `data` (header and payload packet, as carried by IP protocol 47); the payload becomes a
  // Tins::RawPDU inner PDU. Never throws, never reads outside the buffer. Errors name the offset and the field that
  // does not fit (flags_version, protocol_type, checksum, offset, key, sequence_number,
  // routing[i].address_family / sre_offset / sre_length / routing_information: the SRE list must end with an SRE of
  // Length 0 inside the buffer) and, with verify_checksum and C set, a wrong checksum (field "checksum").
  static Expected<Gre> decode(const uint8_t* data, size_t size, bool verify_checksum = true) noexcept;
  static Expected<Gre> decode(std::span<const uint8_t> data, bool verify_checksum = true) noexcept {
    return decode(data.data(), data.size(), verify_checksum);
  }

  // The first 16-bit word as on the wire. Setting it also decides which optional fields are present.
  uint16_t flags_version() const { return word_; }
  void flags_version(uint16_t value) {
    word_ = value;
    renumber_routing();
  }
  bool c() const { return (word_ & kFlagC) != 0; }
  bool r() const { return (word_ & kFlagR) != 0; }
  bool k() const { return (word_ & kFlagK) != 0; }
  bool s() const { return (word_ & kFlagS) != 0; }
  bool strict_source_route() const { return (word_ & kFlagStrictRoute) != 0; }
  void c(bool on) { set_bit(kFlagC, on); }
  void r(bool on) { set_bit(kFlagR, on); }
  void k(bool on) { set_bit(kFlagK, on); }
  void s(bool on) { set_bit(kFlagS, on); }
  void strict_source_route(bool on) { set_bit(kFlagStrictRoute, on); }
  uint8_t recursion_control() const { return static_cast<uint8_t>((word_ & kRecursionMask) >> 8); }
  void recursion_control(uint8_t value) { set_field(kRecursionMask, 8, value); }
  uint8_t flags() const { return static_cast<uint8_t>((word_ & kFlagsMask) >> 3); }  // bits 8-12
  void flags(uint8_t value) { set_field(kFlagsMask, 3, value); }
  uint8_t version() const { return static_cast<uint8_t>(word_ & kVersionMask); }
  void version(uint8_t value) { set_field(kVersionMask, 0, value); }
  // RFC 2784 Reserved0 (bits 1-12), which RFC 1701 splits into R K S s Recur Flags.
  uint16_t reserved0() const { return static_cast<uint16_t>((word_ & kReserved0Rfc1701) >> 3); }

  uint16_t protocol_type() const { return protocol_type_; }
  void protocol_type(uint16_t value) { protocol_type_ = value; }

  // Present when C or R. The checksum as decoded, or as written by the last serialization (computed when C is set).
  uint16_t checksum() const { return checksum_; }
  // RFC 1701 Offset (valid when R), which RFC 2784 calls Reserved1 ("MUST be transmitted as zero").
  uint16_t offset() const { return offset_; }
  void offset(uint16_t value) { offset_ = value; }
  uint16_t reserved1() const { return offset_; }
  void reserved1(uint16_t value) { offset_ = value; }

  // Present when K; setting the value sets K.
  uint32_t key() const { return key_; }
  void key(uint32_t value) {
    key_ = value;
    k(true);
  }
  // Present when S; setting the value sets S.
  uint32_t sequence_number() const { return sequence_; }
  void sequence_number(uint32_t value) {
    sequence_ = value;
    s(true);
  }

  // Present when R, in wire order, the terminating SRE included as decoded. Encoding appends a NULL SRE when the list
  // does not end with an SRE of Length 0. Adding an SRE sets R. Throws std::invalid_argument for Routing Information
  // over 255 bytes.
  const std::vector<SourceRouteEntry>& routing() const { return routing_; }
  void add_sre(SourceRouteEntry sre);
  void routing(std::vector<SourceRouteEntry> sres);

  // The checksum of this header followed by `payload` ("the IP (one's complement) checksum sum of the all the 16 bit
  // words in the GRE header and the payload packet", the checksum field taken as zero).
  uint16_t compute_checksum(std::span<const uint8_t> payload) const;
  // Whether the Checksum field verifies over this header and `payload` as a receiver checks it (RFC 1071 4.1: the
  // ones' complement sum of all words, the field included, is all ones): the value compute_checksum() gives, or
  // 0xFFFF, the other representation of zero, where that value is 0x0000.
  bool checksum_verifies(std::span<const uint8_t> payload) const;
  // The header followed by `payload`, checksum computed when C is set.
  std::vector<uint8_t> bytes(std::span<const uint8_t> payload = {}) const;

  // Tins::PDU
  uint32_t header_size() const override;
  PDUType pdu_type() const override { return pdu_flag; }
  Gre* clone() const override { return new Gre(*this); }

 private:
  void set_bit(uint16_t bit, bool on) {
    word_ = static_cast<uint16_t>(on ? (word_ | bit) : (word_ & ~bit));
    renumber_routing();
  }
  void set_field(uint16_t mask, int shift, uint8_t value) {
    word_ = static_cast<uint16_t>((word_ & ~mask) | ((uint16_t{value} << shift) & mask));
  }
  bool needs_null_sre() const { return r() && (routing_.empty() || !routing_.back().is_last()); }
  void renumber_routing();
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  // Writes the header (checksum field zero when C is set); returns the offset just past it.
  size_t write_header(uint8_t* out) const;

  uint16_t word_ = 0;
  uint16_t protocol_type_ = 0;
  uint16_t checksum_ = 0;
  uint16_t offset_ = 0;
  uint32_t key_ = 0;
  uint32_t sequence_ = 0;
  std::vector<SourceRouteEntry> routing_;
};

// Name of a Protocol Type: the RFC 1701 table ("IP", "Transparent Ethernet Bridging", ...) plus IPv6, or "".
std::string gre_protocol_type_name(uint16_t protocol_type);

// The rules of RFC 2784 and RFC 1701 a GRE header can be checked against on its own; with `gre_packet` (the header
// and payload as received) also the checksum:
//   RFC 2784 2.3.1  Version 0 (MUST).
//   RFC 2784 2.3    R, K, S or s set: "A receiver MUST discard a packet where any of bits 1-5 are non-zero, unless that
//                   receiver implements RFC 1701" (RFC 5944 4.1 names RFC 2784 as its GRE); Recursion Control not 0
//                   (bit 5 as above, bits 6-7 "MUST be sent as zero"; RFC 1701: "This SHOULD default to zero");
//                   Flags (bits 8-12) not 0 ("MUST be sent as zero").
//   RFC 2784 2.6    Reserved1 not 0 when C is set and R is not (when R is set the field is the RFC 1701 Offset).
//   RFC 2784 2.5    the checksum verifies when C is set (needs gre_packet).
//   RFC 2784 2.4    Protocol Type 0x0000 or 0xFFFF (both "Reserved" in the RFC 1701 table): a receiver "SHOULD
//                   discard the packet".
//   RFC 1701        s set without R (SHOULD: "recommended that this bit only be set to 1 if all of the the Routing
//                   Information consists of Strict Source Routes", and there is none); with R, Offset at the start
//                   of an SRE, each SRE Offset inside its Routing Information, the last SRE with Address Family 0.
std::vector<Violation> validate(const Gre& gre, std::span<const uint8_t> gre_packet = {});

// Rules about an IPv4 payload, given the delivery header's source (the encapsulator) and the payload packet:
//   RFC 2784 3    a payload that is an IPv4 packet (version 4, valid header checksum) under a Protocol Type other than
//                 0x0800: "the Protocol Type field MUST be set to 0x800".
//   RFC 2784 3.1  an IPv4 payload addressed to the encapsulator: "looping can occur. In this case, the packet MUST be
//                 discarded" (reported as MUST: a conforming decapsulator drops it).
std::vector<Violation> validate_gre_ipv4_payload(Tins::IPv4Address delivery_source, const Gre& gre,
                                                 std::span<const uint8_t> payload);

// For a GRE tunnel of Mobile IP (RFC 5944 4.1: "Minimal encapsulation [15] and GRE encapsulation [13] are alternate
// encapsulation methods" for "tunneling datagrams"), which carries IPv4 datagrams: Protocol Type 0x0800 (RFC 2784 3).
// Not applied by the layer decoder, which cannot know the tunnel is Mobile IP's.
std::vector<Violation> validate_gre_mobile_ip(const Gre& gre);

}  // namespace mipvpn::wire
