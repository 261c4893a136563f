#include "harness/wire/ikev1.h"

#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

namespace mipvpn::wire {

IkeV1Message::IkeV1Message(uint64_t initiator_cookie, uint64_t responder_cookie, uint8_t exchange, uint8_t flag_bits,
                           uint32_t message_id)
    : icookie_(initiator_cookie),
      rcookie_(responder_cookie),
      exchange_(exchange),
      flags_(flag_bits),
      message_id_(message_id) {}

IkeV1Message::IkeV1Message(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("ISAKMP message", decoded.error());
  *this = std::move(decoded).value();
}

Expected<IkeV1Message> IkeV1Message::decode(const uint8_t* data, size_t size) noexcept {
  try {
    auto h = decode_ike_header(data, size, "the ISAKMP header (RFC 2408 3.1, 28 bytes)");
    if (!h) return h.error();
    IkeV1Message m;
    m.icookie_ = h->spi_i;
    m.rcookie_ = h->spi_r;
    m.next_payload_ = h->next_payload;
    m.version_ = h->version;
    m.exchange_ = h->exchange;
    m.flags_ = h->flags;
    m.message_id_ = h->message_id;
    m.length_ = h->length;
    if (m.e()) {
      m.encrypted_.assign(data + kHeaderSize, data + size);
      return m;
    }
    auto walk = walk_ike_payloads(data, size, kHeaderSize, h->next_payload, IkeVersion::V1, {});
    if (!walk) return walk.error();
    m.payloads_ = std::move(walk->payloads);
    m.trailing_.assign(data + walk->end, data + size);
    return m;
  } catch (const std::exception& e) {
    return DecodeError{0, "spi_i", std::string("memory for the message (") + e.what() + ")"};
  }
}

const IkePayload& IkeV1Message::add_payload(uint8_t type, std::vector<uint8_t> body) {
  if (payloads_.empty()) {
    next_payload_ = type;
  } else {
    payloads_.back().next = type;
  }
  IkePayload p;
  p.type = type;
  p.body = std::move(body);
  p.offset = chain_end();
  payloads_.push_back(std::move(p));
  return payloads_.back();
}

void IkeV1Message::payloads(std::vector<IkePayload> p) {
  payloads_ = std::move(p);
  size_t at = kHeaderSize;
  for (auto& x : payloads_) {
    x.offset = at;
    at += x.length();
  }
}

size_t IkeV1Message::chain_end() const {
  size_t n = kHeaderSize;
  for (const auto& p : payloads_) n += p.length();
  return n;
}

void IkeV1Message::write(uint8_t* out) const {
  write_ike_header(
      IkeHeaderFields{icookie_, rcookie_, next_payload_, version_, exchange_, flags_, message_id_, length()}, out);
  write_ike_payloads(payloads_, IkeVersion::V1, out + kHeaderSize);
  uint8_t* rest = out + chain_end();
  rest = std::copy(trailing_.begin(), trailing_.end(), rest);
  std::copy(encrypted_.begin(), encrypted_.end(), rest);
}

std::vector<uint8_t> IkeV1Message::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void IkeV1Message::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

}  // namespace mipvpn::wire
