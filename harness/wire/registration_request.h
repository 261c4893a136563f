// Registration Request (RFC 5944 3.3), a libtins PDU for the UDP payload sent to port 434:
//
//   0      1      2      3          (offsets in bytes)
//   Type=1 S B D M G r T x  Lifetime
//   Home Address
//   Home Agent
//   Care-of Address
//   Identification (64 bits)
//   Extensions ...
//
// Use as `Tins::IP(dst, src) / Tins::UDP(434, sport) / RegistrationRequest(...)`, or from a received UDP payload with
// `udp.rfind_pdu<Tins::RawPDU>().to<RegistrationRequest>()`.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/extension.h"
#include "harness/wire/extension_list.h"

#include <tins/ip_address.h>
#include <tins/pdu.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::wire {

class RegistrationRequest : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 1);
  static constexpr uint8_t kType = 1;
  static constexpr size_t kFixedSize = 24;
  // Flag bits of byte 1 (3.3).
  static constexpr uint8_t kFlagS = 0x80;  // simultaneous bindings
  static constexpr uint8_t kFlagB = 0x40;  // broadcast datagrams
  static constexpr uint8_t kFlagD = 0x20;  // decapsulation by mobile node (co-located CoA)
  static constexpr uint8_t kFlagM = 0x10;  // minimal encapsulation
  static constexpr uint8_t kFlagG = 0x08;  // GRE encapsulation
  static constexpr uint8_t kFlagR = 0x04;  // r: "Sent as zero; ignored on reception"
  static constexpr uint8_t kFlagT = 0x02;  // reverse tunnelling (RFC 3024)
  static constexpr uint8_t kFlagX = 0x01;  // x: "Sent as zero; ignored on reception"

  RegistrationRequest() = default;
  RegistrationRequest(uint16_t lifetime, Tins::IPv4Address home_address, Tins::IPv4Address home_agent,
                      Tins::IPv4Address care_of_address, uint64_t identification, uint8_t flags = 0);
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  RegistrationRequest(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size). Errors name the offset and field.
  static Expected<RegistrationRequest> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<RegistrationRequest> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint8_t flags() const { return flags_; }
  void flags(uint8_t value) { flags_ = value; }
  bool s() const { return (flags_ & kFlagS) != 0; }
  bool b() const { return (flags_ & kFlagB) != 0; }
  bool d() const { return (flags_ & kFlagD) != 0; }
  bool m() const { return (flags_ & kFlagM) != 0; }
  bool g() const { return (flags_ & kFlagG) != 0; }
  bool r() const { return (flags_ & kFlagR) != 0; }
  bool t() const { return (flags_ & kFlagT) != 0; }
  bool x() const { return (flags_ & kFlagX) != 0; }
  void s(bool on) { set_flag(kFlagS, on); }
  void b(bool on) { set_flag(kFlagB, on); }
  void d(bool on) { set_flag(kFlagD, on); }
  void m(bool on) { set_flag(kFlagM, on); }
  void g(bool on) { set_flag(kFlagG, on); }
  void r(bool on) { set_flag(kFlagR, on); }
  void t(bool on) { set_flag(kFlagT, on); }
  void x(bool on) { set_flag(kFlagX, on); }

  uint16_t lifetime() const { return lifetime_; }
  void lifetime(uint16_t value) { lifetime_ = value; }
  Tins::IPv4Address home_address() const { return home_address_; }
  void home_address(Tins::IPv4Address value) { home_address_ = value; }
  Tins::IPv4Address home_agent() const { return home_agent_; }
  void home_agent(Tins::IPv4Address value) { home_agent_ = value; }
  Tins::IPv4Address care_of_address() const { return care_of_address_; }
  void care_of_address(Tins::IPv4Address value) { care_of_address_ = value; }
  uint64_t identification() const { return identification_; }
  void identification(uint64_t value) { identification_ = value; }

  // Extensions in wire order; each offset is where its Type byte sits in bytes().
  const std::vector<Extension>& extensions() const { return extensions_.items(); }
  // Appends; the given offset is replaced by the real one. Throws std::invalid_argument if not encodable (body over
  // 255 bytes, Pad with a body).
  void add_extension(Extension ext) { extensions_.add(std::move(ext)); }
  // Replaces all extensions (e.g. an FA stripping FA-only extensions); same checks as add_extension.
  void extensions(std::vector<Extension> exts) { extensions_.assign(std::move(exts)); }
  void clear_extensions() { extensions_.clear(); }
  // Appends an HMAC-MD5 authentication extension (type 32, 33 or 34; Length 20) computed over every byte before its
  // Authenticator (3.5.1): the fixed part, all extensions added so far, and this extension's Type, Length and SPI.
  // Add extensions that must be covered first. Returns the added extension.
  const Extension& add_authentication(uint8_t type, uint32_t spi, std::span<const uint8_t> key);

  // The encoding (fixed part + extensions), as sent in the UDP payload.
  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(kFixedSize + extensions_.wire_size()); }
  PDUType pdu_type() const override { return pdu_flag; }
  RegistrationRequest* clone() const override { return new RegistrationRequest(*this); }

 private:
  void set_flag(uint8_t bit, bool on) { flags_ = static_cast<uint8_t>(on ? (flags_ | bit) : (flags_ & ~bit)); }
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  void write(uint8_t* out) const;

  uint8_t flags_ = 0;
  uint16_t lifetime_ = 0;
  Tins::IPv4Address home_address_;
  Tins::IPv4Address home_agent_;
  Tins::IPv4Address care_of_address_;
  uint64_t identification_ = 0;
  detail::ExtensionList extensions_{kFixedSize};
};

}  // namespace mipvpn::wire
