// Agent Advertisement (RFC 5944 2.1): an ICMP Router Advertisement (RFC 1256, ICMP type 9) followed by the Mobility
// Agent Advertisement Extension (2.1.1) and optionally Prefix-Lengths (2.1.2), One-byte Padding (2.1.3) and others:
//
//   [0] Type=9 [1] Code [2-3] Checksum [4] Num Addrs [5] Addr Entry Size=2 [6-7] Lifetime
//   Num Addrs x (Router Address(4), Preference Level(4))
//   [0] Type=16 [1] Length=6+4N [2-3] Sequence Number [4-5] Registration Lifetime [6-7] R B H F M G r T U X I reserved
//   N x Care-of Address(4)
//   [Type=19 Length=NumAddrs Prefix Length x NumAddrs] [Type=0]
//
// The whole ICMP message, checksum included: put it in `Tins::IP(dst, src) / AgentAdvertisement(...)` after
// `ip.protocol(1)` (libtins keeps a protocol set by hand when it does not know the inner PDU type).
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/extension.h"
#include "harness/wire/extension_list.h"

#include <tins/ip_address.h>
#include <tins/pdu.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mipvpn::wire {

struct RouterAddress {
  Tins::IPv4Address address;
  int32_t preference = 0;  // RFC 1256 Preference Level, signed, twos-complement
  bool operator==(const RouterAddress&) const = default;
};

class AgentAdvertisement : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 3);
  static constexpr uint8_t kIcmpType = 9;
  static constexpr uint8_t kCodeRoutesCommonTraffic = 0;  // 2.1
  static constexpr uint8_t kCodeNoCommonTraffic = 16;     // 2.1
  static constexpr uint16_t kInfiniteLifetime = 0xffff;   // Registration Lifetime "0xffff indicates infinity"
  // Flag bits of the 16-bit flags word of the Mobility Agent Advertisement Extension (2.1.1).
  static constexpr uint16_t kFlagR = 0x8000;                    // registration required
  static constexpr uint16_t kFlagB = 0x4000;                    // busy
  static constexpr uint16_t kFlagH = 0x2000;                    // home agent
  static constexpr uint16_t kFlagF = 0x1000;                    // foreign agent
  static constexpr uint16_t kFlagM = 0x0800;                    // minimal encapsulation
  static constexpr uint16_t kFlagG = 0x0400;                    // GRE
  static constexpr uint16_t kFlagReservedR = 0x0200;            // r: "Sent as zero; ignored on reception"
  static constexpr uint16_t kFlagT = 0x0100;                    // reverse tunnelling (RFC 3024)
  static constexpr uint16_t kFlagU = 0x0080;                    // UDP tunnelling (RFC 3519)
  static constexpr uint16_t kFlagX = 0x0040;                    // registration revocation (RFC 3543)
  static constexpr uint16_t kFlagI = 0x0020;                    // regional registration (RFC 4857)
  static constexpr uint16_t kReservedBits = 0x001f;             // "reserved: Sent as zero; ignored on reception"
  static constexpr size_t kMaxCareOfAddresses = (255 - 6) / 4;  // 8-bit Length = 6 + 4N

  AgentAdvertisement() = default;
  // libtins-style decoding constructor (checksum verified); throws MalformedMessage on any DecodeError.
  AgentAdvertisement(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside the buffer. With verify_checksum a wrong ICMP checksum is a DecodeError on field
  // "checksum" (offset 2) naming the computed value; without it the message is decoded anyway (for reporting).
  // A Router Advertisement whose first extension is not type 16 is not an Agent Advertisement: DecodeError.
  static Expected<AgentAdvertisement> decode(const uint8_t* data, size_t size, bool verify_checksum = true) noexcept;
  static Expected<AgentAdvertisement> decode(std::span<const uint8_t> data, bool verify_checksum = true) noexcept {
    return decode(data.data(), data.size(), verify_checksum);
  }

  // ICMP Router Advertisement part.
  uint8_t code() const { return code_; }
  void code(uint8_t value) { code_ = value; }
  // The checksum as decoded, or as written by the last serialization (bytes() computes it without storing).
  uint16_t checksum() const { return checksum_; }
  uint8_t num_addrs() const { return static_cast<uint8_t>(router_addresses_.size()); }
  // Decoded Addr Entry Size (RFC 1256 says 2). Values above 2 are decoded with that stride; the extra words are not
  // kept and are written back as zeros.
  uint8_t addr_entry_size() const { return addr_entry_size_; }
  // Throws std::invalid_argument below 2 while there are router addresses (below 2 only for crafting bad messages).
  void addr_entry_size(uint8_t words);
  uint16_t lifetime() const { return lifetime_; }
  void lifetime(uint16_t seconds) { lifetime_ = seconds; }
  const std::vector<RouterAddress>& router_addresses() const { return router_addresses_; }
  void add_router_address(Tins::IPv4Address address, int32_t preference = 0);  // throws std::length_error past 255

  // Mobility Agent Advertisement Extension (2.1.1).
  uint16_t sequence_number() const { return sequence_number_; }
  void sequence_number(uint16_t value) { sequence_number_ = value; }
  uint16_t registration_lifetime() const { return registration_lifetime_; }
  void registration_lifetime(uint16_t seconds) { registration_lifetime_ = seconds; }
  uint16_t agent_flags() const { return agent_flags_; }  // all 16 bits, reserved ones included
  void agent_flags(uint16_t value) { agent_flags_ = value; }
  bool r() const { return (agent_flags_ & kFlagR) != 0; }
  bool b() const { return (agent_flags_ & kFlagB) != 0; }
  bool h() const { return (agent_flags_ & kFlagH) != 0; }
  bool f() const { return (agent_flags_ & kFlagF) != 0; }
  bool m() const { return (agent_flags_ & kFlagM) != 0; }
  bool g() const { return (agent_flags_ & kFlagG) != 0; }
  bool reserved_r() const { return (agent_flags_ & kFlagReservedR) != 0; }
  bool t() const { return (agent_flags_ & kFlagT) != 0; }
  bool u() const { return (agent_flags_ & kFlagU) != 0; }
  bool x() const { return (agent_flags_ & kFlagX) != 0; }
  bool i() const { return (agent_flags_ & kFlagI) != 0; }
  void r(bool on) { set_flag(kFlagR, on); }
  void b(bool on) { set_flag(kFlagB, on); }
  void h(bool on) { set_flag(kFlagH, on); }
  void f(bool on) { set_flag(kFlagF, on); }
  void m(bool on) { set_flag(kFlagM, on); }
  void g(bool on) { set_flag(kFlagG, on); }
  void reserved_r(bool on) { set_flag(kFlagReservedR, on); }
  void t(bool on) { set_flag(kFlagT, on); }
  void u(bool on) { set_flag(kFlagU, on); }
  void x(bool on) { set_flag(kFlagX, on); }
  void i(bool on) { set_flag(kFlagI, on); }
  const std::vector<Tins::IPv4Address>& care_of_addresses() const { return care_of_addresses_; }
  void add_care_of_address(Tins::IPv4Address address);  // throws std::length_error past kMaxCareOfAddresses
  // Bytes inside the extension's Length past the last whole care-of address (a Length that is not 6 + 4N). Empty
  // for a well-formed extension; kept so the message re-encodes byte for byte and validate() can flag it.
  const std::vector<uint8_t>& mobility_trailing_bytes() const { return mobility_trailing_; }
  void mobility_trailing_bytes(std::vector<uint8_t> bytes);  // throws std::length_error if Length would pass 255
  // The extension's Length field: 6 + 4N + trailing bytes.
  uint8_t mobility_extension_length() const {
    return static_cast<uint8_t>(6 + 4 * care_of_addresses_.size() + mobility_trailing_.size());
  }
  size_t mobility_extension_offset() const { return 8 + router_bytes(); }

  // The extensions after the Mobility Agent Advertisement Extension, in wire order (Prefix-Lengths, Pad, any other).
  const std::vector<Extension>& extensions() const { return extensions_.items(); }
  void add_extension(Extension ext) { extensions_.add(std::move(ext)); }
  void extensions(std::vector<Extension> exts) { extensions_.assign(std::move(exts)); }
  // The first Prefix-Lengths extension's body, if any.
  std::optional<std::vector<uint8_t>> prefix_lengths() const;
  // Replaces the first Prefix-Lengths extension or inserts one right after the Mobility Agent Advertisement
  // Extension (2.1.2 "MAY follow the Mobility Agent Advertisement Extension").
  void prefix_lengths(std::vector<uint8_t> lengths);
  void clear_prefix_lengths();
  // Whether the last extension is a One-byte Padding extension; pad(true) appends one (2.1.3 "SHOULD be the last").
  bool pad() const;
  void pad(bool on);

  std::vector<uint8_t> bytes() const;  // with the checksum computed

  // Tins::PDU
  uint32_t header_size() const override;
  PDUType pdu_type() const override { return pdu_flag; }
  AgentAdvertisement* clone() const override { return new AgentAdvertisement(*this); }

 private:
  void set_flag(uint16_t bit, bool on) {
    agent_flags_ = static_cast<uint16_t>(on ? (agent_flags_ | bit) : (agent_flags_ & ~bit));
  }
  size_t router_bytes() const { return router_addresses_.size() * addr_entry_size_ * 4u; }
  void rebase() { extensions_.rebase(8 + router_bytes() + 2 + mobility_extension_length()); }
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  uint16_t write(uint8_t* out) const;  // returns the checksum written

  uint8_t code_ = 0;
  uint16_t checksum_ = 0;
  uint8_t addr_entry_size_ = 2;
  uint16_t lifetime_ = 1800;
  std::vector<RouterAddress> router_addresses_;
  uint16_t sequence_number_ = 0;
  uint16_t registration_lifetime_ = 0;
  uint16_t agent_flags_ = 0;
  std::vector<Tins::IPv4Address> care_of_addresses_;
  std::vector<uint8_t> mobility_trailing_;
  detail::ExtensionList extensions_{16};
};

}  // namespace mipvpn::wire
