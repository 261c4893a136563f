#include "harness/wire/gre.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/format.h"
#include "harness/wire/ipv4_fields.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>
#include <tins/rawpdu.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc2784 = "RFC 2784";
constexpr const char* kRfc1701 = "RFC 1701";

using detail::hex;

// The Internet checksum of the header followed by the payload.
uint16_t checksum_of(std::span<const uint8_t> header, std::span<const uint8_t> payload) {
  std::vector<uint8_t> all;
  all.reserve(header.size() + payload.size());
  all.insert(all.end(), header.begin(), header.end());
  all.insert(all.end(), payload.begin(), payload.end());
  return internet_checksum(all);
}

}  // namespace

Gre::Gre(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size, true);
  if (!decoded) throw MalformedMessage("GRE header", decoded.error());
  *this = std::move(decoded).value();
}

Expected<Gre> Gre::decode(const uint8_t* data, size_t size, bool verify_checksum) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "flags_version", "a buffer (got a null pointer)"};
    size_t at = 0;
    // The next `n` bytes as field `name`, or the error saying what was missing.
    auto need = [&](size_t n, const std::string& name, const char* what) -> std::optional<DecodeError> {
      if (size - at >= n) return std::nullopt;
      return DecodeError{at, name, detail::need_text(n, size - at, what)};
    };
    Gre g;
    if (auto e = need(2, "flags_version", "the GRE header (RFC 2784 2.1, 4 bytes)")) return *e;
    g.word_ = detail::load16(data);
    at = 2;
    if (auto e = need(2, "protocol_type", "the GRE header (RFC 2784 2.1, 4 bytes)")) return *e;
    g.protocol_type_ = detail::load16(data + 2);
    at = 4;
    if (g.c() || g.r()) {
      if (auto e = need(2, "checksum", "Checksum (present because C or R is set)")) return *e;
      g.checksum_ = detail::load16(data + at);
      at += 2;
      if (auto e = need(2, "offset", "Offset/Reserved1 (present because C or R is set)")) return *e;
      g.offset_ = detail::load16(data + at);
      at += 2;
    }
    if (g.k()) {
      if (auto e = need(4, "key", "Key (present because K is set)")) return *e;
      g.key_ = detail::load32(data + at);
      at += 4;
    }
    if (g.s()) {
      if (auto e = need(4, "sequence_number", "Sequence Number (present because S is set)")) return *e;
      g.sequence_ = detail::load32(data + at);
      at += 4;
    }
    if (g.r()) {
      // Bounded by the buffer: every SRE takes at least 4 bytes, so the loop ends.
      for (size_t i = 0;; ++i) {
        const std::string name = "routing[" + std::to_string(i) + "]";
        const char* what = "a Source Route Entry (the Routing field ends with an SRE of Length 0)";
        if (auto e = need(2, name + ".address_family", what)) return *e;
        SourceRouteEntry sre;
        sre.offset = at;
        sre.address_family = detail::load16(data + at);
        at += 2;
        if (auto e = need(1, name + ".sre_offset", what)) return *e;
        sre.sre_offset = data[at++];
        if (auto e = need(1, name + ".sre_length", what)) return *e;
        const uint8_t len = data[at++];
        if (auto e = need(len, name + ".routing_information", "Routing Information of the SRE Length")) return *e;
        sre.routing_information.assign(data + at, data + at + len);
        at += len;
        g.routing_.push_back(std::move(sre));
        if (len == 0) break;
      }
    }
    if (verify_checksum && g.c() && !g.checksum_verifies(std::span<const uint8_t>(data + at, size - at))) {
      const auto computed = g.compute_checksum(std::span<const uint8_t>(data + at, size - at));
      return DecodeError{
          4, "checksum", hex(computed, 4) + " (computed over the GRE header and payload), found " + hex(g.checksum_, 4)};
    }
    if (size > at) g.inner_pdu(new Tins::RawPDU(data + at, static_cast<uint32_t>(size - at)));
    return g;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "flags_version", std::string("memory for the header (") + e.what() + ")"};
  }
}

void Gre::add_sre(SourceRouteEntry sre) {
  if (sre.routing_information.size() > 255)
    throw std::invalid_argument("GRE SRE: Routing Information over 255 bytes does not fit SRE Length");
  routing_.push_back(std::move(sre));
  r(true);
  renumber_routing();
}

void Gre::routing(std::vector<SourceRouteEntry> sres) {
  for (const auto& sre : sres)
    if (sre.routing_information.size() > 255)
      throw std::invalid_argument("GRE SRE: Routing Information over 255 bytes does not fit SRE Length");
  routing_ = std::move(sres);
  r(!routing_.empty());
  renumber_routing();
}

void Gre::renumber_routing() {
  size_t at = kBaseSize + 4 + (k() ? 4 : 0) + (s() ? 4 : 0);  // R is set whenever there are SREs to place
  for (auto& sre : routing_) {
    sre.offset = at;
    at += sre.wire_size();
  }
}

uint32_t Gre::header_size() const {
  size_t n = kBaseSize;
  if (c() || r()) n += 4;
  if (k()) n += 4;
  if (s()) n += 4;
  if (r()) {
    for (const auto& sre : routing_) n += sre.wire_size();
    if (needs_null_sre()) n += 4;
  }
  return static_cast<uint32_t>(n);
}

size_t Gre::write_header(uint8_t* out) const {
  detail::store16(out, word_);
  detail::store16(out + 2, protocol_type_);
  size_t at = kBaseSize;
  if (c() || r()) {
    // With C the checksum is computed over this header with the field zero; without it the field carries no valid
    // information (RFC 1701) and is kept as it was, so a decoded header re-encodes unchanged.
    detail::store16(out + at, c() ? uint16_t{0} : checksum_);
    detail::store16(out + at + 2, offset_);
    at += 4;
  }
  if (k()) {
    detail::store32(out + at, key_);
    at += 4;
  }
  if (s()) {
    detail::store32(out + at, sequence_);
    at += 4;
  }
  if (r()) {
    for (const auto& sre : routing_) {
      detail::store16(out + at, sre.address_family);
      out[at + 2] = sre.sre_offset;
      out[at + 3] = sre.sre_length();
      std::copy(sre.routing_information.begin(), sre.routing_information.end(), out + at + 4);
      at += sre.wire_size();
    }
    if (needs_null_sre()) {
      std::fill(out + at, out + at + 4, uint8_t{0});
      at += 4;
    }
  }
  return at;
}

uint16_t Gre::compute_checksum(std::span<const uint8_t> payload) const {
  std::vector<uint8_t> header(header_size());
  write_header(header.data());
  return checksum_of(header, payload);
}

bool Gre::checksum_verifies(std::span<const uint8_t> payload) const {
  const uint16_t computed = compute_checksum(payload);
  return checksum_ == computed || (computed == 0x0000 && checksum_ == 0xffff);
}

std::vector<uint8_t> Gre::bytes(std::span<const uint8_t> payload) const {
  std::vector<uint8_t> out(header_size() + payload.size());
  const size_t at = write_header(out.data());
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  if (c()) detail::store16(out.data() + 4, internet_checksum(out));
  return out;
}

void Gre::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write_header(buffer);
  // libtins serializes the inner PDU first, so buffer[header_size(), total_sz) already holds the payload packet.
  if (c()) {
    checksum_ = internet_checksum(std::span<const uint8_t>(buffer, total_sz));
    detail::store16(buffer + 4, checksum_);
  }
}

std::string gre_protocol_type_name(uint16_t protocol_type) {
  switch (protocol_type) {
    case 0x0000:
      return "Reserved";
    case 0x0004:
      return "SNA";
    case 0x00fe:
      return "OSI network layer";
    case 0x0200:
      return "PUP";
    case 0x0600:
      return "XNS";
    case 0x0800:
      return "IP";
    case 0x0804:
      return "Chaos";
    case 0x0806:
      return "RFC 826 ARP";
    case 0x0808:
      return "Frame Relay ARP";
    case 0x0bad:
      return "VINES";
    case 0x0bae:
      return "VINES Echo";
    case 0x0baf:
      return "VINES Loopback";
    case 0x6003:
      return "DECnet (Phase IV)";
    case 0x6558:
      return "Transparent Ethernet Bridging";
    case 0x6559:
      return "Raw Frame Relay";
    case 0x8019:
      return "Apollo Domain";
    case 0x809b:
      return "Ethertalk (Appletalk)";
    case 0x8137:
      return "Novell IPX";
    case 0x86dd:
      return "IPv6";  // not in the 1994 table; the common non-IPv4 payload today
    case 0x876b:
      return "RFC 1144 TCP/IP compression";
    case 0x876c:
      return "IP Autonomous Systems";
    case 0x876d:
      return "Secure Data";
    case 0xffff:
      return "Reserved";
    default:
      return "";
  }
}

std::vector<Violation> validate(const Gre& gre, std::span<const uint8_t> gre_packet) {
  std::vector<Violation> out;
  auto add = [&out](const char* rfc, const char* section, const char* level, std::string text) {
    out.push_back(Violation{rfc, section, level, std::move(text)});
  };
  if (gre.version() != 0)
    add(kRfc2784, "2.3.1", "MUST",
        "Version is " + std::to_string(gre.version()) + ": \"The Version Number field MUST contain the value zero\"");
  // K and S are not flagged: RFC 2890 (Key and Sequence Number Extensions to GRE) updates RFC 2784 and defines exactly
  // these two bits, so an RFC 2784 receiver of today takes them (tshark does). Only RFC 1701's routing bits remain.
  std::string rfc1701_bits;
  if (gre.r()) rfc1701_bits += " R";
  if (gre.strict_source_route()) rfc1701_bits += " s";
  if (!rfc1701_bits.empty())
    add(kRfc2784, "2.3", "MUST",
        "RFC 1701 bit(s)" + rfc1701_bits +
            " set in Reserved0: \"A receiver MUST discard a packet where any of bits 1-5 are non-zero, unless that "
            "receiver implements RFC 1701\" (RFC 2784 deprecates Key, Sequence Number and Routing, 5)");
  if (gre.recursion_control() != 0)
    add(kRfc2784, "2.3", "MUST",
        "Recursion Control (bits 5-7) is " + std::to_string(gre.recursion_control()) +
            ": RFC 2784 deprecates it; bit 5 makes a receiver without RFC 1701 discard the packet and bits 6-12 "
            "\"MUST be sent as zero\" (RFC 1701 itself: \"This SHOULD default to zero\")");
  if (gre.flags() != 0)
    add(kRfc2784, "2.3", "MUST",
        "bits 8-12 are " + hex(gre.flags(), 2) +
            ": \"Bits 6-12 are reserved for future use. These bits MUST be sent as "
            "zero and MUST be ignored on receipt\"");
  if (gre.c() && !gre.r() && gre.reserved1() != 0)
    add(kRfc2784, "2.6", "MUST",
        "Reserved1 is " + hex(gre.reserved1(), 4) + ": \"if present, MUST be transmitted as zero\"");
  if (gre.c() && !gre_packet.empty()) {
    const size_t hdr = gre.header_size();
    const uint16_t computed = gre_packet.size() >= hdr ? gre.compute_checksum(gre_packet.subspan(hdr)) : uint16_t{0};
    if (gre_packet.size() < hdr || !gre.checksum_verifies(gre_packet.subspan(hdr)))
      add(kRfc2784, "2.5", "MUST",
          "Checksum " + hex(gre.checksum(), 4) + " does not verify (" + hex(computed, 4) +
              " expected): it \"contains the IP (one's complement) checksum sum of the all the 16 bit words in the GRE "
              "header and the payload packet\"");
  }
  if (gre.protocol_type() == 0x0000 || gre.protocol_type() == 0xffff)
    add(kRfc2784, "2.4", "SHOULD",
        "Protocol Type " + hex(gre.protocol_type(), 4) +
            " is \"Reserved\" in the RFC 1701 table: \"An implementation receiving a packet containing a Protocol "
            "Type which is not listed in [RFC1700] or [ETYPES] SHOULD discard the packet\"");
  if (gre.strict_source_route() && !gre.r())
    add(kRfc1701, "Packet header", "SHOULD",
        "Strict Source Route (s) is set without Routing Present: \"It is recommended that this bit only be set to 1 if "
        "all of the the Routing Information consists of Strict Source Routes\", and there is no Routing Information");
  if (gre.r()) {
    const auto& sres = gre.routing();
    const size_t routing_start = sres.empty() ? 0 : sres.front().offset;
    // The encoder's own NULL SRE (appended when the list lacks one) is a valid target too.
    size_t routing_size = 0;
    for (const auto& sre : sres) routing_size += sre.wire_size();
    bool offset_at_sre = (sres.empty() || !sres.back().is_last()) && gre.offset() == routing_size;
    for (const auto& sre : sres) offset_at_sre = offset_at_sre || sre.offset - routing_start == gre.offset();
    if (!offset_at_sre)
      add(kRfc1701, "Packet header", "MUST",
          "Offset " + std::to_string(gre.offset()) +
              " is not the start of any Source Route Entry: it \"indicates the octet offset from the start of the "
              "Routing field to the first octet of the active Source Route Entry to be examined\"");
    for (size_t i = 0; i < sres.size(); ++i) {
      const auto& sre = sres[i];
      if (!sre.is_last() && sre.sre_offset > sre.sre_length())
        add(kRfc1701, "Packet header", "MUST",
            "SRE " + std::to_string(i) + " (offset " + std::to_string(sre.offset) + ") has SRE Offset " +
                std::to_string(sre.sre_offset) + " beyond its " + std::to_string(sre.sre_length()) +
                " bytes of Routing Information: it \"indicates the octet offset from the start of the Routing "
                "Information field to the first octet of the active entry\"");
      if (sre.is_last() && sre.address_family != 0)
        add(kRfc1701, "Packet header", "MUST",
            "the last SRE (offset " + std::to_string(sre.offset) + ") has Address Family " +
                hex(sre.address_family, 4) +
                ": \"The routing field is terminated with a \"NULL\" SRE containing an address family of type 0x0000 "
                "and a length of 0\"");
    }
  }
  return out;
}

std::vector<Violation> validate_gre_ipv4_payload(Tins::IPv4Address delivery_source, const Gre& gre,
                                                 std::span<const uint8_t> payload) {
  std::vector<Violation> out;
  const bool ipv4 = detail::looks_like_ipv4(payload);
  if (ipv4 && gre.protocol_type() != Gre::kProtoIPv4)
    out.push_back(Violation{kRfc2784, "3", "MUST",
                            "the payload is an IPv4 packet but Protocol Type is " + hex(gre.protocol_type(), 4) +
                                ": \"When IPv4 is being carried as the GRE payload, the Protocol Type field MUST be "
                                "set to 0x800\""});
  const auto inner = detail::read_ipv4_fields(payload);
  if (gre.protocol_type() == Gre::kProtoIPv4 && inner && inner->version == 4 && inner->dst == delivery_source)
    out.push_back(Violation{kRfc2784, "3.1", "MUST",
                            "the IPv4 payload is addressed to the encapsulator " + delivery_source.to_string() +
                                " (the delivery source): \"if the destination address of the payload packet is the "
                                "encapsulator of the packet (i.e., the other end of the tunnel), looping can occur. In "
                                "this case, the packet MUST be discarded\""});
  return out;
}

std::vector<Violation> validate_gre_mobile_ip(const Gre& gre) {
  std::vector<Violation> out;
  if (gre.protocol_type() != Gre::kProtoIPv4)
    out.push_back(Violation{kRfc2784, "3", "MUST",
                            "Protocol Type " + hex(gre.protocol_type(), 4) +
                                " in a Mobile IP tunnel, which carries IPv4 datagrams (RFC 5944 4.1 is about "
                                "\"tunneling datagrams\": \"Minimal encapsulation [15] and GRE encapsulation [13] are "
                                "alternate encapsulation methods\"): \"When IPv4 is being carried as the GRE payload, "
                                "the Protocol Type field MUST be set to 0x800\""});
  return out;
}

}  // namespace mipvpn::wire
