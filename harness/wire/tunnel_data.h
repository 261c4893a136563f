// MIP Tunnel Data Message (RFC 3519 3.3): the header that tells data tunnelled through UDP port 434 apart from
// registration messages, a libtins PDU for the UDP payload:
//
//   [0] Type=4 [1] Next Header [2-3] Reserved
//   then the tunnelled packet: an IPv4 packet (Next Header 4), a GRE packet (47) or a minimal encapsulation
//   header and payload (55), "using the same numbering as the IP Header Protocol Field"
//
// Build `Tins::IP(ha, coa) / Tins::UDP(434, port) / TunnelData(4) / inner_ip`. Decoding with the constructor makes
// the inner packet a Tins::IP for Next Header 4 (a Tins::RawPDU otherwise or when it does not parse as IPv4);
// decode() keeps it as a RawPDU of the exact bytes.
//
// Keepalives (RFC 3519 4.9): "The keepalive message sent MUST consist of a properly UDP encapsulated ICMP echo
// request directed to the home agent", answered by an ICMP Echo Reply ("two-way keepalives consisting of UDP
// encapsulated ICMP Echo Request/Reply messages").
#pragma once

#include "harness/wire/expected.h"

#include <tins/ip_address.h>
#include <tins/pdu.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mipvpn::wire {

class TunnelData : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 5);
  static constexpr uint8_t kType = 4;
  static constexpr size_t kHeaderSize = 4;
  // Next Header values "immediately relevant for use with Mobile IP" (3.3).
  static constexpr uint8_t kNextIpInIp = 4;
  static constexpr uint8_t kNextGre = 47;
  static constexpr uint8_t kNextMinimal = 55;

  explicit TunnelData(uint8_t next_header = kNextIpInIp, uint16_t reserved = 0)
      : next_header_(next_header), reserved_(reserved) {}
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on a DecodeError.
  TunnelData(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside the buffer. Errors: "type" (fewer than 1 byte, or not 4), "next_header",
  // "reserved" (header cut short).
  static Expected<TunnelData> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<TunnelData> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint8_t next_header() const { return next_header_; }
  void next_header(uint8_t value) { next_header_ = value; }
  // "MUST be set to 0 on sending, MUST be ignored on reception" (3.3).
  uint16_t reserved() const { return reserved_; }
  void reserved(uint16_t value) { reserved_ = value; }

  // The tunnelled packet's bytes (the inner PDU serialized), empty without one.
  std::vector<uint8_t> payload() const;
  // Header and tunnelled packet, as sent in the UDP payload.
  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return kHeaderSize; }
  PDUType pdu_type() const override { return pdu_flag; }
  TunnelData* clone() const override { return new TunnelData(*this); }

 private:
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;

  uint8_t next_header_ = kNextIpInIp;
  uint16_t reserved_ = 0;
};

// The RFC 3519 4.9 keepalive as a UDP payload: Tunnel Data (Next Header 4) / IPv4 inner_source -> home_agent
// (protocol 1, TTL `ttl`) / ICMP Echo Request (id, sequence, no data). For a mobile node inner_source is its home
// address: the home agent checks that "The inner source address (that of the encapsulated ICMP echo request) MUST
// be the home address of the mobile node, and the inner destination address MUST be that of the home agent" (4.6).
TunnelData make_keepalive(Tins::IPv4Address inner_source, Tins::IPv4Address home_agent, uint16_t id,
                          uint16_t sequence, uint8_t ttl = 64);
// The home agent's answer to a keepalive: Tunnel Data / IPv4 home_agent -> inner_source / ICMP Echo Reply with the
// request's id and sequence.
TunnelData make_keepalive_reply(Tins::IPv4Address home_agent, Tins::IPv4Address inner_source, uint16_t id,
                                uint16_t sequence, uint8_t ttl = 64);

struct Keepalive {
  bool reply = false;  // ICMP Echo Reply (type 0) rather than Echo Request (type 8)
  Tins::IPv4Address inner_source;
  Tins::IPv4Address inner_destination;
  uint16_t id = 0;
  uint16_t sequence = 0;
  bool ip_checksum_ok = false;
  bool icmp_checksum_ok = false;
};

// A UDP payload that is a Tunnel Data message with Next Header 4 carrying an unfragmented IPv4 packet whose payload
// is an ICMP Echo Request or Echo Reply (Code 0): the keepalive or its answer. nullopt for anything else (including
// GRE or minimal encapsulation keepalives, which this helper does not unwrap). Never reads outside `udp_payload`.
std::optional<Keepalive> recognize_keepalive(std::span<const uint8_t> udp_payload) noexcept;

}  // namespace mipvpn::wire
