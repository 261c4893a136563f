#include "harness/wire/ike.h"

#include "harness/wire/ike_names.h"
#include "harness/wire/malformed.h"

namespace mipvpn::wire {
namespace {

bool is_encrypted_payload(uint8_t type) { return type == IkeEncrypted || type == IkeEncryptedFragment; }

// A payload appended after SK/SKF leaves their Next Payload alone: it names the first payload inside the ciphertext.
bool links_to_next(const std::vector<IkePayload>& chain) {
  return chain.empty() || !is_encrypted_payload(chain.back().type);
}

}  // namespace

IkeV2Message::IkeV2Message(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flag_bits, uint32_t message_id)
    : IkeMessageBase(kVersion20, spi_i, spi_r, exchange, flag_bits, message_id) {}

IkeV2Message::IkeV2Message(const uint8_t* data, uint32_t size) : IkeV2Message() {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("IKEv2 message", decoded.error());
  *this = std::move(decoded).value();
}

Expected<IkeV2Message> IkeV2Message::decode(const uint8_t* data, size_t size) noexcept {
  try {
    IkeV2Message m;
    if (auto error = m.read_header(data, size, "the IKE header (RFC 7296 3.1, 28 bytes)")) return *error;
    if (auto error = m.read_payloads(data, size, {IkeEncrypted, IkeEncryptedFragment})) return *error;
    return m;
  } catch (const std::exception& e) {
    return out_of_memory(e);
  }
}

const IkePayload& IkeV2Message::add_payload(uint8_t type, std::vector<uint8_t> body, bool critical) {
  return append_payload(type, std::move(body), critical, links_to_next(payloads()));
}

const IkePayload& IkeV2Message::add_encrypted(uint8_t first_inner, std::vector<uint8_t> body) {
  IkePayload& sk = append_payload(IkeEncrypted, std::move(body), false, links_to_next(payloads()));
  sk.next = first_inner;
  return sk;
}

const IkePayload* IkeV2Message::encrypted() const {
  for (const auto& p : payloads())
    if (is_encrypted_payload(p.type)) return &p;
  return nullptr;
}

}  // namespace mipvpn::wire
