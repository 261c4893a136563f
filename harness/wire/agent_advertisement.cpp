#include "harness/wire/agent_advertisement.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/format.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

#include <algorithm>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

std::string hex16(uint16_t v) { return detail::hex(v, 4); }

}  // namespace

AgentAdvertisement::AgentAdvertisement(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size, true);
  if (!decoded) throw MalformedMessage("Agent Advertisement", decoded.error());
  *this = std::move(decoded).value();
}

Expected<AgentAdvertisement> AgentAdvertisement::decode(const uint8_t* data, size_t size,
                                                        bool verify_checksum) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "type", "a buffer (got a null pointer)"};
    struct Field {
      const char* name;
      size_t offset, size;
    };
    static constexpr Field kFields[] = {
        {"type", 0, 1},    {"code", 1, 1}, {"checksum", 2, 2}, {"num_addrs", 4, 1}, {"addr_entry_size", 5, 1},
        {"lifetime", 6, 2}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the 8-byte ICMP Router Advertisement header (RFC 1256)")};
    }
    if (data[0] != kIcmpType)
      return DecodeError{0, "type", "9 (ICMP Router Advertisement), found " + std::to_string(data[0])};
    const std::span<const uint8_t> msg(data, size);
    if (verify_checksum && internet_checksum(msg) != 0) {
      // Report the value a correct sender would have written: the checksum over the message with the field zeroed.
      std::vector<uint8_t> copy(msg.begin(), msg.end());
      copy[2] = copy[3] = 0;
      return DecodeError{2, "checksum",
                         hex16(internet_checksum(copy)) + " (computed over the ICMP message), found " +
                             hex16(detail::load16(data + 2))};
    }
    AgentAdvertisement a;
    a.code_ = data[1];
    a.checksum_ = detail::load16(data + 2);
    const size_t num = data[4];
    a.addr_entry_size_ = data[5];
    a.lifetime_ = detail::load16(data + 6);
    // RFC 1256: each entry is Addr Entry Size 32-bit words, the first two being address and preference.
    if (a.addr_entry_size_ < 2 && num > 0)
      return DecodeError{5, "addr_entry_size",
                         "at least 2 words (Router Address and Preference Level, RFC 1256), found " +
                             std::to_string(a.addr_entry_size_)};
    // An entry size below 2 with no entries is kept as decoded (validate() flags it); nothing is read with it.
    const size_t stride = size_t{a.addr_entry_size_} * 4;
    size_t pos = 8;
    for (size_t i = 0; i < num; ++i) {
      if (size - pos < stride)
        return DecodeError{pos, "router_address[" + std::to_string(i) + "]",
                           detail::need_text(stride, size - pos, "Router Address and Preference Level")};
      a.router_addresses_.push_back(
          {detail::load_ip(data + pos), static_cast<int32_t>(detail::load32(data + pos + 4))});
      pos += stride;
    }
    // The Mobility Agent Advertisement Extension "follows the ICMP Router Advertisement fields" (2.1.1).
    if (size == pos)
      return DecodeError{pos, "mobility_agent.type",
                         "the Mobility Agent Advertisement Extension (Type 16) after the router addresses, RFC 5944 "
                         "2.1.1 (message ends there)"};
    if (size - pos == 1) return DecodeError{pos + 1, "mobility_agent.length", "1 byte of Length (message ends there)"};
    if (data[pos] != MobilityAgentAdvertisement)
      return DecodeError{pos, "mobility_agent.type",
                         "16 (Mobility Agent Advertisement Extension right after the router addresses, RFC 5944 "
                         "2.1.1), found " +
                             std::to_string(data[pos])};
    const size_t len = data[pos + 1];
    if (len < 6)
      return DecodeError{pos + 1, "mobility_agent.length",
                         "Length >= 6 (Sequence Number, Registration Lifetime, flags; 6 + 4N, RFC 5944 2.1.1), found " +
                             std::to_string(len)};
    if (size - pos - 2 < len)
      return DecodeError{pos + 2, "mobility_agent.data", detail::need_text(len, size - pos - 2, "extension data")};
    const uint8_t* ext = data + pos + 2;
    a.sequence_number_ = detail::load16(ext);
    a.registration_lifetime_ = detail::load16(ext + 2);
    a.agent_flags_ = detail::load16(ext + 4);
    const size_t n_coa = (len - 6) / 4;
    for (size_t i = 0; i < n_coa; ++i) a.care_of_addresses_.push_back(detail::load_ip(ext + 6 + 4 * i));
    a.mobility_trailing_.assign(ext + 6 + 4 * n_coa, ext + len);
    pos += 2 + len;
    auto exts = decode_extensions(msg.subspan(pos), pos);
    if (!exts) return exts.error();
    a.extensions_.adopt_decoded(std::move(exts).value(), pos);
    return a;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "type", std::string("memory for the message (") + e.what() + ")"};
  }
}

void AgentAdvertisement::addr_entry_size(uint8_t words) {
  if (words < 2 && !router_addresses_.empty())
    throw std::invalid_argument("Addr Entry Size must be >= 2 words to hold address and preference");
  addr_entry_size_ = words;
  rebase();
}

void AgentAdvertisement::add_router_address(Tins::IPv4Address address, int32_t preference) {
  if (router_addresses_.size() >= 255) throw std::length_error("Num Addrs is 8 bits: at most 255 router addresses");
  if (addr_entry_size_ < 2) addr_entry_size_ = 2;  // a decoded size < 2 only exists with no entries
  router_addresses_.push_back({address, preference});
  rebase();
}

void AgentAdvertisement::add_care_of_address(Tins::IPv4Address address) {
  if (6 + 4 * (care_of_addresses_.size() + 1) + mobility_trailing_.size() > 255)
    throw std::length_error("Mobility Agent Advertisement Length (6 + 4N) is 8 bits: too many care-of addresses");
  care_of_addresses_.push_back(address);
  rebase();
}

void AgentAdvertisement::mobility_trailing_bytes(std::vector<uint8_t> bytes) {
  if (6 + 4 * care_of_addresses_.size() + bytes.size() > 255)
    throw std::length_error("Mobility Agent Advertisement Length is 8 bits");
  mobility_trailing_ = std::move(bytes);
  rebase();
}

std::optional<std::vector<uint8_t>> AgentAdvertisement::prefix_lengths() const {
  for (const auto& e : extensions_.items())
    if (e.type == PrefixLengths) return e.body;
  return std::nullopt;
}

void AgentAdvertisement::prefix_lengths(std::vector<uint8_t> lengths) {
  Extension e;
  e.type = PrefixLengths;
  e.body = std::move(lengths);
  check_encodable(e);
  auto exts = extensions_.items();
  for (auto& existing : exts) {
    if (existing.type == PrefixLengths) {
      existing.body = std::move(e.body);
      extensions_.assign(std::move(exts));
      return;
    }
  }
  extensions_.insert(0, std::move(e));
}

void AgentAdvertisement::clear_prefix_lengths() {
  const auto& items = extensions_.items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].type == PrefixLengths) {
      extensions_.erase(i);
      return;
    }
  }
}

bool AgentAdvertisement::pad() const { return !extensions_.items().empty() && extensions_.items().back().type == Pad; }

void AgentAdvertisement::pad(bool on) {
  if (on == pad()) return;
  if (on) {
    extensions_.add(Extension{Pad, {}, 0});
  } else {
    extensions_.erase(extensions_.items().size() - 1);
  }
}

uint32_t AgentAdvertisement::header_size() const {
  return static_cast<uint32_t>(8 + router_bytes() + 2 + mobility_extension_length() + extensions_.wire_size());
}

uint16_t AgentAdvertisement::write(uint8_t* out) const {
  const size_t total = header_size();
  std::fill(out, out + total, uint8_t{0});  // also zeroes the checksum field and any extra entry words
  out[0] = kIcmpType;
  out[1] = code_;
  out[4] = num_addrs();
  out[5] = addr_entry_size_;
  detail::store16(out + 6, lifetime_);
  size_t pos = 8;
  for (const auto& ra : router_addresses_) {
    detail::store_ip(out + pos, ra.address);
    detail::store32(out + pos + 4, static_cast<uint32_t>(ra.preference));
    pos += size_t{addr_entry_size_} * 4;
  }
  out[pos] = MobilityAgentAdvertisement;
  out[pos + 1] = mobility_extension_length();
  detail::store16(out + pos + 2, sequence_number_);
  detail::store16(out + pos + 4, registration_lifetime_);
  detail::store16(out + pos + 6, agent_flags_);
  pos += 8;
  for (const auto& coa : care_of_addresses_) {
    detail::store_ip(out + pos, coa);
    pos += 4;
  }
  std::copy(mobility_trailing_.begin(), mobility_trailing_.end(), out + pos);
  pos += mobility_trailing_.size();
  extensions_.write(out + pos);
  const uint16_t sum = internet_checksum(std::span<const uint8_t>(out, total));
  detail::store16(out + 2, sum);
  return sum;
}

std::vector<uint8_t> AgentAdvertisement::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void AgentAdvertisement::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  checksum_ = write(buffer);
}

}  // namespace mipvpn::wire
