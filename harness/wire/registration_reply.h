// Registration Reply (RFC 5944 3.4), a libtins PDU for the UDP payload sent from port 434:
//
//   0      1      2      3          (offsets in bytes)
//   Type=3 Code   Lifetime
//   Home Address
//   Home Agent
//   Identification (64 bits)
//   Extensions ...
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

class RegistrationReply : public Tins::PDU {
 public:
  static const PDU::PDUType pdu_flag = static_cast<PDU::PDUType>(PDU::USER_DEFINED_PDU + 2);
  static constexpr uint8_t kType = 3;
  static constexpr size_t kFixedSize = 20;

  RegistrationReply() = default;
  RegistrationReply(uint8_t code, uint16_t lifetime, Tins::IPv4Address home_address, Tins::IPv4Address home_agent,
                    uint64_t identification);
  // libtins-style decoding constructor; throws MalformedMessage (a Tins::malformed_packet) on any DecodeError.
  RegistrationReply(const uint8_t* data, uint32_t size);

  // Never throws, never reads outside [data, data + size). Errors name the offset and field.
  static Expected<RegistrationReply> decode(const uint8_t* data, size_t size) noexcept;
  static Expected<RegistrationReply> decode(std::span<const uint8_t> data) noexcept {
    return decode(data.data(), data.size());
  }

  uint8_t code() const { return code_; }
  void code(uint8_t value) { code_ = value; }
  // "If the Code field indicates that the registration was denied, the contents of the Lifetime field are
  // unspecified and MUST be ignored on reception" (3.4).
  uint16_t lifetime() const { return lifetime_; }
  void lifetime(uint16_t value) { lifetime_ = value; }
  Tins::IPv4Address home_address() const { return home_address_; }
  void home_address(Tins::IPv4Address value) { home_address_ = value; }
  Tins::IPv4Address home_agent() const { return home_agent_; }
  void home_agent(Tins::IPv4Address value) { home_agent_ = value; }
  uint64_t identification() const { return identification_; }
  void identification(uint64_t value) { identification_ = value; }

  const std::vector<Extension>& extensions() const { return extensions_.items(); }
  void add_extension(Extension ext) { extensions_.add(std::move(ext)); }
  void extensions(std::vector<Extension> exts) { extensions_.assign(std::move(exts)); }
  void clear_extensions() { extensions_.clear(); }
  // As RegistrationRequest::add_authentication (3.5.1).
  const Extension& add_authentication(uint8_t type, uint32_t spi, std::span<const uint8_t> key);

  std::vector<uint8_t> bytes() const;

  // Tins::PDU
  uint32_t header_size() const override { return static_cast<uint32_t>(kFixedSize + extensions_.wire_size()); }
  PDUType pdu_type() const override { return pdu_flag; }
  RegistrationReply* clone() const override { return new RegistrationReply(*this); }

 private:
  void write_serialization(uint8_t* buffer, uint32_t total_sz) override;
  void write(uint8_t* out) const;

  uint8_t code_ = 0;
  uint16_t lifetime_ = 0;
  Tins::IPv4Address home_address_;
  Tins::IPv4Address home_agent_;
  uint64_t identification_ = 0;
  detail::ExtensionList extensions_{kFixedSize};
};

}  // namespace mipvpn::wire
