#include "harness/wire/ikev1.h"

#include "harness/wire/malformed.h"

#include <algorithm>

namespace mipvpn::wire {

IkeV1Message::IkeV1Message(uint64_t initiator_cookie, uint64_t responder_cookie, uint8_t exchange, uint8_t flag_bits,
                           uint32_t message_id)
    : IkeMessageBase(kVersion10, initiator_cookie, responder_cookie, exchange, flag_bits, message_id) {}

IkeV1Message::IkeV1Message(const uint8_t* data, uint32_t size) : IkeV1Message() {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("ISAKMP message", decoded.error());
  *this = std::move(decoded).value();
}

Expected<IkeV1Message> IkeV1Message::decode(const uint8_t* data, size_t size) noexcept {
  try {
    IkeV1Message m;
    if (auto error = m.read_header(data, size, "the ISAKMP header (RFC 2408 3.1, 28 bytes)")) return *error;
    if (m.e()) {  // "all payloads following the header are encrypted": there is no chain to walk
      m.encrypted_.assign(data + kHeaderSize, data + size);
      return m;
    }
    if (auto error = m.read_payloads(data, size, {})) return *error;
    return m;
  } catch (const std::exception& e) {
    return out_of_memory(e);
  }
}

const IkePayload& IkeV1Message::add_payload(uint8_t type, std::vector<uint8_t> body) {
  return append_payload(type, std::move(body), false, true);
}

void IkeV1Message::write(uint8_t* out) const {
  IkeMessageBase::write(out);
  std::copy(encrypted_.begin(), encrypted_.end(), out + chain_end() + trailing().size());
}

}  // namespace mipvpn::wire
