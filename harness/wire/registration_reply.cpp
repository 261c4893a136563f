#include "harness/wire/registration_reply.h"

#include "harness/wire/authentication.h"
#include "harness/wire/bytes.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

namespace mipvpn::wire {

RegistrationReply::RegistrationReply(uint8_t reply_code, uint16_t lifetime_s, Tins::IPv4Address hoa,
                                     Tins::IPv4Address ha, uint64_t id)
    : code_(reply_code), lifetime_(lifetime_s), home_address_(hoa), home_agent_(ha), identification_(id) {}

RegistrationReply::RegistrationReply(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("Registration Reply", decoded.error());
  *this = std::move(decoded).value();
}

Expected<RegistrationReply> RegistrationReply::decode(const uint8_t* data, size_t size) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "type", "a buffer (got a null pointer)"};
    struct Field {
      const char* name;
      size_t offset, size;
    };
    static constexpr Field kFields[] = {{"type", 0, 1},         {"code", 1, 1},       {"lifetime", 2, 2},
                                        {"home_address", 4, 4}, {"home_agent", 8, 4}, {"identification", 12, 8}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the fixed part of a Registration Reply (RFC 5944 3.4, 20 bytes)")};
    }
    if (data[0] != kType) return DecodeError{0, "type", "3 (Registration Reply), found " + std::to_string(data[0])};
    RegistrationReply r;
    r.code_ = data[1];
    r.lifetime_ = detail::load16(data + 2);
    r.home_address_ = detail::load_ip(data + 4);
    r.home_agent_ = detail::load_ip(data + 8);
    r.identification_ = detail::load64(data + 12);
    auto exts = decode_extensions(std::span<const uint8_t>(data + kFixedSize, size - kFixedSize), kFixedSize);
    if (!exts) return exts.error();
    r.extensions_.adopt_decoded(std::move(exts).value(), kFixedSize);
    return r;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "type", std::string("memory for the message (") + e.what() + ")"};
  }
}

const Extension& RegistrationReply::add_authentication(uint8_t type, uint32_t spi, std::span<const uint8_t> key) {
  const auto so_far = bytes();
  extensions_.add(make_authentication(so_far, type, spi, key));
  return extensions_.items().back();
}

void RegistrationReply::write(uint8_t* out) const {
  out[0] = kType;
  out[1] = code_;
  detail::store16(out + 2, lifetime_);
  detail::store_ip(out + 4, home_address_);
  detail::store_ip(out + 8, home_agent_);
  detail::store64(out + 12, identification_);
  extensions_.write(out + kFixedSize);
}

std::vector<uint8_t> RegistrationReply::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void RegistrationReply::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

}  // namespace mipvpn::wire
