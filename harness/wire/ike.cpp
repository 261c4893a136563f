#include "harness/wire/ike.h"

#include "harness/wire/bytes.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

namespace mipvpn::wire {

IkeVersion ike_version(std::span<const uint8_t> message) {
  if (message.size() < 18) return IkeVersion::Unknown;
  switch (message[17] >> 4) {
    case 1:
      return IkeVersion::V1;
    case 2:
      return IkeVersion::V2;
    default:
      return IkeVersion::Unknown;
  }
}

Expected<IkeHeaderFields> decode_ike_header(const uint8_t* data, size_t size, const char* what) noexcept {
  if (data == nullptr && size != 0) return DecodeError{0, "spi_i", "a buffer (got a null pointer)"};
  struct Field {
    const char* name;
    size_t offset, size;
  };
  static constexpr Field kFields[] = {{"spi_i", 0, 8},       {"spi_r", 8, 8},          {"next_payload", 16, 1},
                                      {"version", 17, 1},    {"exchange_type", 18, 1}, {"flags", 19, 1},
                                      {"message_id", 20, 4}, {"length", 24, 4}};
  for (const auto& f : kFields) {
    if (size < f.offset + f.size)
      return DecodeError{f.offset, f.name, detail::need_text(f.size, size > f.offset ? size - f.offset : 0, what)};
  }
  IkeHeaderFields h;
  h.spi_i = detail::load64(data);
  h.spi_r = detail::load64(data + 8);
  h.next_payload = data[16];
  h.version = data[17];
  h.exchange = data[18];
  h.flags = data[19];
  h.message_id = detail::load32(data + 20);
  h.length = detail::load32(data + 24);
  return h;
}

void write_ike_header(const IkeHeaderFields& h, uint8_t* out) {
  detail::store64(out, h.spi_i);
  detail::store64(out + 8, h.spi_r);
  out[16] = h.next_payload;
  out[17] = h.version;
  out[18] = h.exchange;
  out[19] = h.flags;
  detail::store32(out + 20, h.message_id);
  detail::store32(out + 24, h.length);
}

IkeV2Message::IkeV2Message(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flag_bits, uint32_t message_id)
    : spi_i_(spi_i), spi_r_(spi_r), exchange_(exchange), flags_(flag_bits), message_id_(message_id) {}

IkeV2Message::IkeV2Message(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("IKEv2 message", decoded.error());
  *this = std::move(decoded).value();
}

Expected<IkeV2Message> IkeV2Message::decode(const uint8_t* data, size_t size) noexcept {
  try {
    auto h = decode_ike_header(data, size, "the IKE header (RFC 7296 3.1, 28 bytes)");
    if (!h) return h.error();
    IkeV2Message m;
    m.spi_i_ = h->spi_i;
    m.spi_r_ = h->spi_r;
    m.next_payload_ = h->next_payload;
    m.version_ = h->version;
    m.exchange_ = h->exchange;
    m.flags_ = h->flags;
    m.message_id_ = h->message_id;
    m.length_ = h->length;
    auto walk = walk_ike_payloads(data, size, kHeaderSize, h->next_payload, IkeVersion::V2,
                                  {IkeEncrypted, IkeEncryptedFragment});
    if (!walk) return walk.error();
    m.payloads_ = std::move(walk->payloads);
    m.trailing_.assign(data + walk->end, data + size);
    return m;
  } catch (const std::exception& e) {
    return DecodeError{0, "spi_i", std::string("memory for the message (") + e.what() + ")"};
  }
}

const IkePayload& IkeV2Message::add_payload(uint8_t type, std::vector<uint8_t> body, bool critical) {
  if (payloads_.empty()) {
    next_payload_ = type;
  } else if (payloads_.back().type != IkeEncrypted && payloads_.back().type != IkeEncryptedFragment) {
    payloads_.back().next = type;
  }
  IkePayload p;
  p.type = type;
  p.critical = critical;
  p.body = std::move(body);
  p.offset = chain_end();
  payloads_.push_back(std::move(p));
  return payloads_.back();
}

const IkePayload& IkeV2Message::add_encrypted(uint8_t first_inner, std::vector<uint8_t> body) {
  add_payload(IkeEncrypted, std::move(body));
  payloads_.back().next = first_inner;
  return payloads_.back();
}

void IkeV2Message::payloads(std::vector<IkePayload> p) {
  payloads_ = std::move(p);
  renumber();
}

void IkeV2Message::renumber() {
  size_t at = kHeaderSize;
  for (auto& p : payloads_) {
    p.offset = at;
    at += p.length();
  }
}

const IkePayload* IkeV2Message::encrypted() const {
  for (const auto& p : payloads_)
    if (p.type == IkeEncrypted || p.type == IkeEncryptedFragment) return &p;
  return nullptr;
}

size_t IkeV2Message::chain_end() const {
  size_t n = kHeaderSize;
  for (const auto& p : payloads_) n += p.length();
  return n;
}

void IkeV2Message::write(uint8_t* out) const {
  write_ike_header(IkeHeaderFields{spi_i_, spi_r_, next_payload_, version_, exchange_, flags_, message_id_, length()},
                   out);
  write_ike_payloads(payloads_, IkeVersion::V2, out + kHeaderSize);
  std::copy(trailing_.begin(), trailing_.end(), out + chain_end());
}

std::vector<uint8_t> IkeV2Message::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void IkeV2Message::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

}  // namespace mipvpn::wire
