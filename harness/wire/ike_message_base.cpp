#include "harness/wire/ike_message_base.h"

#include "harness/wire/bytes.h"

#include <tins/exceptions.h>

#include <algorithm>
#include <string>

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

std::optional<DecodeError> IkeMessageBase::read_header(const uint8_t* data, size_t size, const char* what) {
  auto h = decode_ike_header(data, size, what);
  if (!h) return h.error();
  spi_i_ = h->spi_i;
  spi_r_ = h->spi_r;
  next_payload_ = h->next_payload;
  version_ = h->version;
  exchange_ = h->exchange;
  flags_ = h->flags;
  message_id_ = h->message_id;
  length_ = h->length;
  return std::nullopt;
}

std::optional<DecodeError> IkeMessageBase::read_payloads(const uint8_t* data, size_t size,
                                                         const std::vector<uint8_t>& stop_types) {
  auto walk = walk_ike_payloads(data, size, kHeaderSize, next_payload_, payload_syntax(), stop_types);
  if (!walk) return walk.error();
  payloads_ = std::move(walk->payloads);
  trailing_.assign(data + walk->end, data + size);
  return std::nullopt;
}

DecodeError IkeMessageBase::out_of_memory(const std::exception& e) {
  return DecodeError{0, "spi_i", std::string("memory for the message (") + e.what() + ")"};
}

IkePayload& IkeMessageBase::append_payload(uint8_t type, std::vector<uint8_t> body, bool critical,
                                           bool link_previous) {
  if (payloads_.empty()) {
    next_payload_ = type;
  } else if (link_previous) {
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

void IkeMessageBase::payloads(std::vector<IkePayload> p) {
  payloads_ = std::move(p);
  size_t at = kHeaderSize;
  for (auto& x : payloads_) {
    x.offset = at;
    at += x.length();
  }
}

size_t IkeMessageBase::chain_end() const {
  size_t n = kHeaderSize;
  for (const auto& p : payloads_) n += p.length();
  return n;
}

void IkeMessageBase::write(uint8_t* out) const {
  write_ike_header(IkeHeaderFields{spi_i_, spi_r_, next_payload_, version_, exchange_, flags_, message_id_, length()},
                   out);
  write_ike_payloads(payloads_, payload_syntax(), out + kHeaderSize);
  std::copy(trailing_.begin(), trailing_.end(), out + chain_end());
}

std::vector<uint8_t> IkeMessageBase::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void IkeMessageBase::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

}  // namespace mipvpn::wire
