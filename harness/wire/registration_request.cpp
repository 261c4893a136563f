#include "harness/wire/registration_request.h"

#include "harness/wire/authentication.h"
#include "harness/wire/bytes.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

namespace mipvpn::wire {

RegistrationRequest::RegistrationRequest(uint16_t lifetime_s, Tins::IPv4Address hoa, Tins::IPv4Address ha,
                                         Tins::IPv4Address coa, uint64_t id, uint8_t flag_bits)
    : flags_(flag_bits),
      lifetime_(lifetime_s),
      home_address_(hoa),
      home_agent_(ha),
      care_of_address_(coa),
      identification_(id) {}

RegistrationRequest::RegistrationRequest(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("Registration Request", decoded.error());
  *this = std::move(decoded).value();
}

Expected<RegistrationRequest> RegistrationRequest::decode(const uint8_t* data, size_t size) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "type", "a buffer (got a null pointer)"};
    // Field table of 3.3: name, offset, size. The first field that does not fit is the one reported.
    struct Field {
      const char* name;
      size_t offset, size;
    };
    static constexpr Field kFields[] = {{"type", 0, 1},           {"flags", 1, 1},      {"lifetime", 2, 2},
                                        {"home_address", 4, 4},   {"home_agent", 8, 4}, {"care_of_address", 12, 4},
                                        {"identification", 16, 8}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the fixed part of a Registration Request (RFC 5944 3.3, 24 bytes)")};
    }
    if (data[0] != kType) return DecodeError{0, "type", "1 (Registration Request), found " + std::to_string(data[0])};
    RegistrationRequest r;
    r.flags_ = data[1];
    r.lifetime_ = detail::load16(data + 2);
    r.home_address_ = detail::load_ip(data + 4);
    r.home_agent_ = detail::load_ip(data + 8);
    r.care_of_address_ = detail::load_ip(data + 12);
    r.identification_ = detail::load64(data + 16);
    auto exts = decode_extensions(std::span<const uint8_t>(data + kFixedSize, size - kFixedSize), kFixedSize);
    if (!exts) return exts.error();
    r.extensions_.adopt_decoded(std::move(exts).value(), kFixedSize);
    return r;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "type", std::string("memory for the message (") + e.what() + ")"};
  }
}

const Extension& RegistrationRequest::add_authentication(uint8_t type, uint32_t spi, std::span<const uint8_t> key) {
  const auto so_far = bytes();
  extensions_.add(make_authentication(so_far, type, spi, key));
  return extensions_.items().back();
}

void RegistrationRequest::write(uint8_t* out) const {
  out[0] = kType;
  out[1] = flags_;
  detail::store16(out + 2, lifetime_);
  detail::store_ip(out + 4, home_address_);
  detail::store_ip(out + 8, home_agent_);
  detail::store_ip(out + 12, care_of_address_);
  detail::store64(out + 16, identification_);
  extensions_.write(out + kFixedSize);
}

std::vector<uint8_t> RegistrationRequest::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void RegistrationRequest::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

}  // namespace mipvpn::wire
