#include "harness/wire/minimal_encap.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/format.h"
#include "harness/wire/ipv4_fields.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>
#include <tins/rawpdu.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc2004 = "RFC 2004";

using detail::hex;

DecodeError shifted(DecodeError e, size_t by) {
  e.offset += by;
  return e;
}

}  // namespace

MinimalEncapsulation::MinimalEncapsulation(uint8_t protocol_number, Tins::IPv4Address original_dst)
    : protocol_(protocol_number), original_destination_(original_dst) {}

MinimalEncapsulation::MinimalEncapsulation(uint8_t protocol_number, Tins::IPv4Address original_dst,
                                           Tins::IPv4Address original_src)
    : protocol_(protocol_number), s_(true), original_destination_(original_dst), original_source_(original_src) {}

MinimalEncapsulation::MinimalEncapsulation(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size, true);
  if (!decoded) throw MalformedMessage("Minimal forwarding header", decoded.error());
  *this = std::move(decoded).value();
}

Expected<MinimalEncapsulation> MinimalEncapsulation::decode(const uint8_t* data, size_t size,
                                                            bool verify_checksum) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "protocol", "a buffer (got a null pointer)"};
    struct FieldSpec {
      const char* name;
      size_t offset, size;
    };
    static constexpr FieldSpec kFields[] = {
        {"protocol", 0, 1}, {"flags", 1, 1}, {"checksum", 2, 2}, {"original_destination", 4, 4}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the minimal forwarding header (RFC 2004 3, 8 bytes)")};
    }
    MinimalEncapsulation m;
    m.protocol_ = data[0];
    m.s_ = (data[1] & kFlagS) != 0;
    m.reserved_ = static_cast<uint8_t>(data[1] & kReservedMask);
    m.checksum_ = detail::load16(data + 2);
    m.original_destination_ = detail::load_ip(data + 4);
    if (m.s_) {
      if (size < kSizeWithSource)
        return DecodeError{
            8, "original_source",
            detail::need_text(4, size - 8, "Original Source Address (the S bit announces a 12-byte header)")};
      m.original_source_ = detail::load_ip(data + 8);
    }
    if (verify_checksum && !m.checksum_valid())
      return DecodeError{
          2, "checksum",
          hex(m.compute_checksum(), 4) + " (computed over the forwarding header), found " + hex(m.checksum_, 4)};
    if (size > m.header_size())
      m.inner_pdu(new Tins::RawPDU(data + m.header_size(), static_cast<uint32_t>(size - m.header_size())));
    return m;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "protocol", std::string("memory for the header (") + e.what() + ")"};
  }
}

uint16_t MinimalEncapsulation::write(uint8_t* out) const {
  out[0] = protocol_;
  out[1] = flags();
  out[2] = out[3] = 0;
  detail::store_ip(out + 4, original_destination_);
  if (s_) detail::store_ip(out + 8, original_source_);
  const uint16_t sum = internet_checksum(std::span<const uint8_t>(out, header_size()));
  detail::store16(out + 2, sum);
  return sum;
}

uint16_t MinimalEncapsulation::compute_checksum() const {
  uint8_t buf[kSizeWithSource];
  return write(buf);
}

std::vector<uint8_t> MinimalEncapsulation::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void MinimalEncapsulation::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  checksum_ = write(buffer);
}

Expected<std::vector<uint8_t>> encapsulate_minimal(Bytes inner_packet, Tins::IPv4Address encapsulator_src,
                                                   Tins::IPv4Address tunnel_dst) {
  if (auto bad = detail::check_ipv4_header(inner_packet)) return *bad;
  const auto h = detail::read_ipv4_fields(inner_packet).value();
  if (h.mf())
    return DecodeError{6, "flags",
                       "an unfragmented datagram, found MF set: \"Minimal encapsulation MUST NOT be used when an "
                       "original datagram is already fragmented\" (RFC 2004 3)"};
  if (h.fragment_offset() != 0)
    return DecodeError{6, "fragment_offset",
                       "an unfragmented datagram, found fragment offset " + std::to_string(h.fragment_offset() * 8) +
                           ": \"Minimal encapsulation MUST NOT be used when an original datagram is already "
                           "fragmented\" (RFC 2004 3)"};
  if (h.src == tunnel_dst)
    return DecodeError{12, "source",
                       "a source other than the tunnel exit point " + tunnel_dst.to_string() +
                           ": RFC 2004 4 follows RFC 2003 3.2, where \"the router MUST NOT tunnel the datagram\""};
  const bool replace_source = encapsulator_src != h.src;
  MinimalEncapsulation fwd =
      replace_source ? MinimalEncapsulation(h.protocol, h.dst, h.src) : MinimalEncapsulation(h.protocol, h.dst);
  const size_t total = size_t{h.total_length} + fwd.header_size();
  if (total > 0xffff)
    return DecodeError{2, "total_length",
                       "room for the " + std::to_string(fwd.header_size()) +
                           "-byte forwarding header (Total Length would be " + std::to_string(total) + ")"};
  std::vector<uint8_t> out;
  out.reserve(total);
  out.insert(out.end(), inner_packet.begin(), inner_packet.begin() + static_cast<std::ptrdiff_t>(h.ihl_bytes));
  const auto header = fwd.bytes();
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), inner_packet.begin() + static_cast<std::ptrdiff_t>(h.ihl_bytes),
             inner_packet.begin() + h.total_length);
  detail::store16(out.data() + 2, static_cast<uint16_t>(total));
  out[9] = MinimalEncapsulation::kIpProtocol;
  if (replace_source) detail::store_ip(out.data() + 12, encapsulator_src);
  detail::store_ip(out.data() + 16, tunnel_dst);
  detail::set_ipv4_checksum(std::span<uint8_t>(out.data(), h.ihl_bytes));
  return out;
}

std::vector<uint8_t> rebuild_original(Bytes outer_header, const MinimalEncapsulation& header, Bytes original_payload) {
  if (outer_header.size() < detail::kIpv4MinHeader)
    throw std::invalid_argument("rebuild_original: the IP header has fewer than 20 bytes");
  const size_t total = outer_header.size() + original_payload.size();
  if (total > 0xffff) throw std::invalid_argument("rebuild_original: more than 65535 bytes");
  std::vector<uint8_t> out(outer_header.begin(), outer_header.end());
  out.insert(out.end(), original_payload.begin(), original_payload.end());
  detail::store16(out.data() + 2, static_cast<uint16_t>(total));
  out[9] = header.protocol();
  if (header.s()) detail::store_ip(out.data() + 12, header.original_source());
  detail::store_ip(out.data() + 16, header.original_destination());
  detail::set_ipv4_checksum(std::span<uint8_t>(out.data(), outer_header.size()));
  return out;
}

Expected<std::vector<uint8_t>> decapsulate_minimal(Bytes outer_packet, bool verify_checksum) {
  try {
    if (auto bad = detail::check_ipv4_header(outer_packet)) return *bad;
    const auto h = detail::read_ipv4_fields(outer_packet).value();
    if (h.protocol != MinimalEncapsulation::kIpProtocol)
      return DecodeError{9, "protocol", "55 (minimal encapsulation), found " + std::to_string(h.protocol)};
    if (h.is_fragment())
      return DecodeError{6, h.mf() ? "flags" : "fragment_offset",
                         std::string("an unfragmented packet (only the first fragment carries the forwarding header: "
                                     "reassemble first), found ") +
                             (h.mf() ? "MF set" : "fragment offset " + std::to_string(h.fragment_offset() * 8))};
    const Bytes body = outer_packet.subspan(h.ihl_bytes, h.total_length - h.ihl_bytes);
    auto fwd = MinimalEncapsulation::decode(body.data(), body.size(), verify_checksum);
    if (!fwd) return shifted(fwd.error(), h.ihl_bytes);
    return rebuild_original(outer_packet.first(h.ihl_bytes), *fwd, body.subspan(fwd->header_size()));
  } catch (const std::exception& e) {  // allocation only: the sizes were checked above
    return DecodeError{0, "version", std::string("memory for the packet (") + e.what() + ")"};
  }
}

std::vector<Violation> validate_minimal_encap(Bytes outer_header, const MinimalEncapsulation& header,
                                              bool check_checksum) {
  std::vector<Violation> out;
  auto add = [&out](const char* section, const char* level, std::string text) {
    out.push_back(Violation{kRfc2004, section, level, std::move(text)});
  };
  const bool checksum_ok = header.checksum_valid();
  if (check_checksum && !checksum_ok)
    add("3", "MUST",
        "forwarding-header Header Checksum " + hex(header.checksum(), 4) + " does not verify (" +
            hex(header.compute_checksum(), 4) +
            " expected): it is \"The 16-bit one's complement of the one's complement sum of all 16-bit words in the "
            "minimal forwarding header\"");
  if (header.reserved() != 0)
    add("3", "MUST",
        "reserved bits are " + hex(header.reserved(), 2) + "; they are \"Sent as zero; ignored on reception\"");

  const auto ip = detail::read_ipv4_fields(outer_header);
  if (!ip) return out;
  if (ip->protocol != MinimalEncapsulation::kIpProtocol)
    add("3", "MUST",
        "IP Protocol is " + std::to_string(ip->protocol) +
            ": \"The Protocol field in the IP header is replaced by protocol number 55 for the minimal encapsulation "
            "protocol\"");
  if (ip->is_fragment() && ip->df())
    add("3", "MUST",
        "the packet is a fragment with Don't Fragment set: either the original datagram was already fragmented "
        "(\"Minimal encapsulation MUST NOT be used when an original datagram is already fragmented\") or the "
        "encapsulator fragmented it although \"use of fragmentation is allowed unless the \"Don't Fragment\" bit is "
        "set in the IP header\"");
  else if (ip->fragment_offset() != 0 && checksum_ok)
    add("3", "MUST",
        "a fragment at offset " + std::to_string(ip->fragment_offset() * 8) +
            " starts with a forwarding header whose checksum verifies, so the original datagram was a fragment: "
            "\"Minimal encapsulation MUST NOT be used when an original datagram is already fragmented\"");
  const Tins::IPv4Address original_source = header.s() ? header.original_source() : ip->src;
  if (original_source == ip->dst)
    add("4", "SHOULD",
        "the original source " + original_source.to_string() +
            " is the tunnel exit point (IP destination); 4: \"a router should follow the same procedures outlined in "
            "[4]\", and RFC 2003 3.2 says then \"the router MUST NOT tunnel the datagram\"");
  return out;
}

}  // namespace mipvpn::wire
