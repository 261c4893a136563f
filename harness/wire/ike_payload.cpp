#include "harness/wire/ike_payload.h"

#include "harness/wire/bytes.h"

#include <algorithm>

namespace mipvpn::wire {
namespace {

std::string at(size_t i) { return "payload[" + std::to_string(i) + "]"; }

bool is_stop(uint8_t type, const std::vector<uint8_t>& stop_types) {
  return std::find(stop_types.begin(), stop_types.end(), type) != stop_types.end();
}

std::vector<uint8_t> slice(const std::vector<uint8_t>& v, size_t from, size_t n) {
  return std::vector<uint8_t>(v.begin() + static_cast<std::ptrdiff_t>(from),
                              v.begin() + static_cast<std::ptrdiff_t>(from + n));
}

// Error for a body shorter than a fixed part: the first field of `fields` (name, offset, size) that does not fit.
struct BodyField {
  const char* name;
  size_t offset, size;
};
template <size_t N>
std::optional<DecodeError> check_fixed(const IkePayload& p, const BodyField (&fields)[N], const char* what) {
  for (const auto& f : fields) {
    if (p.body.size() < f.offset + f.size)
      return DecodeError{p.offset + IkePayload::kHeaderSize + f.offset, f.name,
                         detail::need_text(f.size, p.body.size() > f.offset ? p.body.size() - f.offset : 0, what)};
  }
  return std::nullopt;
}

}  // namespace

Expected<IkePayloadWalk> walk_ike_payloads(const uint8_t* data, size_t size, size_t start, uint8_t first_type,
                                           IkeVersion version, const std::vector<uint8_t>& stop_types) noexcept {
  try {
    IkePayloadWalk walk;
    walk.end = start;
    uint8_t type = first_type;
    size_t pos = start;
    while (type != 0) {
      const size_t i = walk.payloads.size();
      if (i >= kMaxIkePayloads)
        return DecodeError{pos, at(i), "at most " + std::to_string(kMaxIkePayloads) + " payloads in one message"};
      struct Field {
        const char* name;
        size_t offset, size;
      };
      static constexpr Field kFields[] = {{"next_payload", 0, 1}, {"flags", 1, 1}, {"payload_length", 2, 2}};
      const size_t left = size > pos ? size - pos : 0;
      for (const auto& f : kFields) {
        if (left < f.offset + f.size)
          return DecodeError{
              pos + f.offset, at(i) + "." + f.name,
              detail::need_text(f.size, left > f.offset ? left - f.offset : 0, "the generic payload header (4 bytes)")};
      }
      const uint16_t length = detail::load16(data + pos + 2);
      if (length < IkePayload::kHeaderSize)
        return DecodeError{pos + 2, at(i) + ".payload_length",
                           "at least 4 (the generic payload header is included), found " + std::to_string(length)};
      if (length > left)
        return DecodeError{pos + IkePayload::kHeaderSize, at(i) + ".body",
                           detail::need_text(length - IkePayload::kHeaderSize, left - IkePayload::kHeaderSize,
                                             "payload body announced by Payload Length")};
      IkePayload p;
      p.type = type;
      p.next = data[pos];
      if (version == IkeVersion::V1) {
        p.reserved = data[pos + 1];
      } else {
        p.critical = (data[pos + 1] & 0x80) != 0;
        p.reserved = data[pos + 1] & 0x7f;
      }
      p.offset = pos;
      p.body.assign(data + pos + IkePayload::kHeaderSize, data + pos + length);
      walk.payloads.push_back(std::move(p));
      pos += length;
      walk.end = pos;
      if (is_stop(type, stop_types)) {
        walk.stopped_at_stop_type = true;
        break;
      }
      type = walk.payloads.back().next;
    }
    return walk;
  } catch (const std::exception& e) {
    return DecodeError{start, at(0), std::string("memory for the payloads (") + e.what() + ")"};
  }
}

void write_ike_payloads(const std::vector<IkePayload>& payloads, IkeVersion version, uint8_t* out) {
  for (const auto& p : payloads) {
    out[0] = p.next;
    out[1] =
        version == IkeVersion::V1 ? p.reserved : static_cast<uint8_t>((p.critical ? 0x80 : 0) | (p.reserved & 0x7f));
    detail::store16(out + 2, static_cast<uint16_t>(p.length()));
    std::copy(p.body.begin(), p.body.end(), out + IkePayload::kHeaderSize);
    out += p.length();
  }
}

Expected<IkeNotify> IkeNotify::decode(const IkePayload& p, IkeVersion version) noexcept {
  try {
    const size_t base = version == IkeVersion::V1 ? 4 : 0;
    const BodyField kV2[] = {{"notify.protocol_id", 0, 1}, {"notify.spi_size", 1, 1}, {"notify.type", 2, 2}};
    const BodyField kV1[] = {
        {"notify.doi", 0, 4}, {"notify.protocol_id", 4, 1}, {"notify.spi_size", 5, 1}, {"notify.type", 6, 2}};
    auto err = version == IkeVersion::V1 ? check_fixed(p, kV1, "Notify payload fixed part")
                                         : check_fixed(p, kV2, "Notify payload fixed part");
    if (err) return *err;
    IkeNotify n;
    if (version == IkeVersion::V1) n.doi = detail::load32(p.body.data());
    n.protocol_id = p.body[base];
    const uint8_t spi_size = p.body[base + 1];
    n.type = detail::load16(p.body.data() + base + 2);
    const size_t spi_at = base + 4;
    if (p.body.size() - spi_at < spi_size)
      return DecodeError{p.offset + IkePayload::kHeaderSize + spi_at, "notify.spi",
                         detail::need_text(spi_size, p.body.size() - spi_at, "SPI announced by SPI Size")};
    n.spi = slice(p.body, spi_at, spi_size);
    n.data = slice(p.body, spi_at + spi_size, p.body.size() - spi_at - spi_size);
    return n;
  } catch (const std::exception& e) {
    return DecodeError{p.offset, "notify", std::string("memory for the notify (") + e.what() + ")"};
  }
}

std::vector<uint8_t> IkeNotify::body(IkeVersion version) const {
  std::vector<uint8_t> out(version == IkeVersion::V1 ? 8 : 4);
  size_t base = 0;
  if (version == IkeVersion::V1) {
    detail::store32(out.data(), doi);
    base = 4;
  }
  out[base] = protocol_id;
  out[base + 1] = static_cast<uint8_t>(spi.size());
  detail::store16(out.data() + base + 2, type);
  out.insert(out.end(), spi.begin(), spi.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Expected<IkeKeyExchange> IkeKeyExchange::decode(const IkePayload& p, IkeVersion version) noexcept {
  try {
    IkeKeyExchange ke;
    if (version == IkeVersion::V1) {
      ke.data = p.body;
      return ke;
    }
    const BodyField kFields[] = {{"ke.dh_group", 0, 2}, {"ke.reserved", 2, 2}};
    if (auto err = check_fixed(p, kFields, "Key Exchange payload fixed part")) return *err;
    ke.group = detail::load16(p.body.data());
    ke.reserved = detail::load16(p.body.data() + 2);
    ke.data = slice(p.body, 4, p.body.size() - 4);
    return ke;
  } catch (const std::exception& e) {
    return DecodeError{p.offset, "ke", std::string("memory for the key exchange (") + e.what() + ")"};
  }
}

std::vector<uint8_t> IkeKeyExchange::body(IkeVersion version) const {
  if (version == IkeVersion::V1) return data;
  std::vector<uint8_t> out(4);
  detail::store16(out.data(), group);
  detail::store16(out.data() + 2, reserved);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Expected<IkeDeletePayload> IkeDeletePayload::decode(const IkePayload& p, IkeVersion version) noexcept {
  try {
    const size_t base = version == IkeVersion::V1 ? 4 : 0;
    const BodyField kV2[] = {{"delete.protocol_id", 0, 1}, {"delete.spi_size", 1, 1}, {"delete.num_spis", 2, 2}};
    const BodyField kV1[] = {
        {"delete.doi", 0, 4}, {"delete.protocol_id", 4, 1}, {"delete.spi_size", 5, 1}, {"delete.num_spis", 6, 2}};
    auto err = version == IkeVersion::V1 ? check_fixed(p, kV1, "Delete payload fixed part")
                                         : check_fixed(p, kV2, "Delete payload fixed part");
    if (err) return *err;
    IkeDeletePayload d;
    if (version == IkeVersion::V1) d.doi = detail::load32(p.body.data());
    d.protocol_id = p.body[base];
    d.spi_size = p.body[base + 1];
    d.num_spis = detail::load16(p.body.data() + base + 2);
    d.spis = slice(p.body, base + 4, p.body.size() - base - 4);
    return d;
  } catch (const std::exception& e) {
    return DecodeError{p.offset, "delete", std::string("memory for the delete (") + e.what() + ")"};
  }
}

std::optional<size_t> modp_public_value_size(uint16_t group) {
  // Prime sizes in bits: RFC 7296 Appendix B (groups 1, 2) and the MODP groups of its 3.3.2 table.
  switch (group) {
    case 1:
      return 768 / 8;
    case 2:
      return 1024 / 8;
    case 5:
      return 1536 / 8;
    case 14:
      return 2048 / 8;
    case 15:
      return 3072 / 8;
    case 16:
      return 4096 / 8;
    case 17:
      return 6144 / 8;
    case 18:
      return 8192 / 8;
    default:
      return std::nullopt;
  }
}

}  // namespace mipvpn::wire
