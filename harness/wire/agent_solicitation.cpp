#include "harness/wire/agent_solicitation.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

#include <algorithm>
#include <cstdio>

namespace mipvpn::wire {

AgentSolicitation::AgentSolicitation(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size, true);
  if (!decoded) throw MalformedMessage("Agent Solicitation", decoded.error());
  *this = std::move(decoded).value();
}

Expected<AgentSolicitation> AgentSolicitation::decode(const uint8_t* data, size_t size, bool verify_checksum) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "type", "a buffer (got a null pointer)"};
    struct Field {
      const char* name;
      size_t offset, size;
    };
    static constexpr Field kFields[] = {{"type", 0, 1}, {"code", 1, 1}, {"checksum", 2, 2}, {"reserved", 4, 4}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the 8-byte ICMP Router Solicitation (RFC 1256)")};
    }
    if (data[0] != kIcmpType)
      return DecodeError{0, "type", "10 (ICMP Router Solicitation), found " + std::to_string(data[0])};
    const std::span<const uint8_t> msg(data, size);
    if (verify_checksum && internet_checksum(msg) != 0) {
      std::vector<uint8_t> copy(msg.begin(), msg.end());
      copy[2] = copy[3] = 0;
      char buf[64];
      std::snprintf(buf, sizeof buf, "0x%04x (computed over the ICMP message), found 0x%04x", internet_checksum(copy),
                    detail::load16(data + 2));
      return DecodeError{2, "checksum", buf};
    }
    AgentSolicitation s;
    s.code_ = data[1];
    s.checksum_ = detail::load16(data + 2);
    s.reserved_ = detail::load32(data + 4);
    s.trailing_.assign(data + kSize, data + size);
    return s;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "type", std::string("memory for the message (") + e.what() + ")"};
  }
}

uint16_t AgentSolicitation::write(uint8_t* out) const {
  out[0] = kIcmpType;
  out[1] = code_;
  out[2] = out[3] = 0;
  detail::store32(out + 4, reserved_);
  std::copy(trailing_.begin(), trailing_.end(), out + kSize);
  const uint16_t sum = internet_checksum(std::span<const uint8_t>(out, header_size()));
  detail::store16(out + 2, sum);
  return sum;
}

std::vector<uint8_t> AgentSolicitation::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void AgentSolicitation::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  checksum_ = write(buffer);
}

}  // namespace mipvpn::wire
