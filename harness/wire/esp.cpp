#include "harness/wire/esp.h"

#include "harness/wire/bytes.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>

#include <stdexcept>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc4303 = "RFC 4303";

}  // namespace

Esp::Esp(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("ESP", decoded.error());
  *this = std::move(decoded).value();
}

Expected<Esp> Esp::decode(const uint8_t* data, size_t size) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "spi", "a buffer (got a null pointer)"};
    if (size < 4) return DecodeError{0, "spi", detail::need_text(4, size, "SPI (RFC 4303 2.1)")};
    if (size < kHeaderSize)
      return DecodeError{4, "sequence", detail::need_text(4, size - 4, "Sequence Number (RFC 4303 2.2)")};
    Esp e;
    e.spi_ = detail::load32(data);
    e.sequence_ = detail::load32(data + 4);
    e.payload_.assign(data + kHeaderSize, data + size);
    return e;
  } catch (const std::exception& ex) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "spi", std::string("memory for the packet (") + ex.what() + ")"};
  }
}

void Esp::write(uint8_t* out) const {
  detail::store32(out, spi_);
  detail::store32(out + 4, sequence_);
  if (!payload_.empty()) std::copy(payload_.begin(), payload_.end(), out + kHeaderSize);
}

std::vector<uint8_t> Esp::bytes() const {
  std::vector<uint8_t> out(header_size());
  write(out.data());
  return out;
}

void Esp::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < header_size()) throw Tins::serialization_error();
  write(buffer);
}

std::string esp_next_header_name(uint8_t value) {
  switch (static_cast<EspNextHeader>(value)) {
    case EspNextHeader::Icmp: return "ICMP";
    case EspNextHeader::IPv4: return "IPv4";
    case EspNextHeader::Tcp: return "TCP";
    case EspNextHeader::Udp: return "UDP";
    case EspNextHeader::Gre: return "GRE";
    case EspNextHeader::MinimalEncapsulation: return "MinEnc";
    case EspNextHeader::NoNextHeader: return "none (dummy)";
  }
  return "protocol " + std::to_string(value);
}

Expected<EspTrailer> EspTrailer::parse(std::span<const uint8_t> plaintext, size_t base) noexcept {
  try {
    const size_t n = plaintext.size();
    if (n == 0)
      return DecodeError{base, "pad_length", "Pad Length and Next Header (RFC 4303 2.5, 2.6), found no plaintext"};
    if (n == 1)
      return DecodeError{base, "pad_length",
                         "Pad Length before the Next Header (RFC 4303 2.5); the plaintext is a single byte"};
    EspTrailer t;
    t.pad_length = plaintext[n - 2];
    t.next_header = plaintext[n - 1];
    if (t.pad_length > n - 2)
      return DecodeError{base + n - 2, "pad_length",
                         "a Pad Length of at most " + std::to_string(n - 2) +
                             " (the bytes before it), found " + std::to_string(t.pad_length)};
    t.payload_length = n - 2 - t.pad_length;
    t.padding.assign(plaintext.begin() + static_cast<std::ptrdiff_t>(t.payload_length),
                     plaintext.begin() + static_cast<std::ptrdiff_t>(n - 2));
    return t;
  } catch (const std::exception& ex) {
    return DecodeError{base, "pad_length", std::string("memory for the trailer (") + ex.what() + ")"};
  }
}

std::vector<uint8_t> EspTrailer::default_padding(size_t n) {
  if (n > 255) throw std::invalid_argument("ESP padding of " + std::to_string(n) + " bytes: Pad Length is 0 to 255");
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i + 1);
  return out;
}

bool EspTrailer::has_default_padding() const {
  for (size_t i = 0; i < padding.size(); ++i)
    if (padding[i] != static_cast<uint8_t>(i + 1)) return false;
  return true;
}

std::vector<Violation> validate(const Esp& esp) {
  std::vector<Violation> out;
  if (esp.spi() == 0) {
    out.push_back({kRfc4303, "2.1", "MUST",
                   "SPI is 0: \"The SPI value of zero (0) is reserved for local, implementation-specific use and MUST "
                   "NOT be sent on the wire.\""});
  } else if (esp.spi() <= 255) {
    out.push_back({kRfc4303, "2.1", "SHOULD",
                   "SPI is " + std::to_string(esp.spi()) +
                       ": \"The set of SPI values in the range 1 through 255 are reserved by the Internet Assigned "
                       "Numbers Authority (IANA) for future use\" (the sentence has no keyword; reported at SHOULD "
                       "level)"});
  }
  if (esp.sequence() == 0) {
    out.push_back({kRfc4303, "3.3.3", "MUST",
                   "Sequence Number is 0: \"the first packet sent using a given SA will contain a sequence number of "
                   "1\", and with anti-replay enabled (the default) \"the sender MUST NOT send a packet on an SA if "
                   "doing so would cause the sequence number to cycle\" (only a sender with anti-replay disabled may "
                   "roll over to 0)"});
  }
  if (esp.payload().size() < 2) {
    out.push_back({kRfc4303, "2.5", "MUST",
                   std::to_string(esp.payload().size()) +
                       " byte(s) follow the Sequence Number, too few for Pad Length and Next Header: \"The Pad Length "
                       "field is mandatory.\" and \"The Next Header is a mandatory, 8-bit field\" (2.6)"});
  }
  return out;
}

std::vector<Violation> validate(const EspTrailer& trailer, std::span<const uint8_t> payload) {
  std::vector<Violation> out;
  const bool dummy = trailer.next_header == static_cast<uint8_t>(EspNextHeader::NoNextHeader);
  if (!dummy && !trailer.has_default_padding()) {
    std::string seen;
    for (size_t i = 0; i < trailer.padding.size() && i < 8; ++i)
      seen += (i ? " " : "") + std::to_string(trailer.padding[i]);
    if (trailer.padding.size() > 8) seen += " ...";
    out.push_back({kRfc4303, "2.4", "MUST",
                   "Padding is [" + seen +
                       "]: \"If Padding bytes are needed but the encryption algorithm does not specify the padding "
                       "contents, then the following default processing MUST be used.\" (\"1, 2, 3, ....\"; RFC 3602 "
                       "and RFC 4106 specify no other content)"});
  }
  if (trailer.next_header == static_cast<uint8_t>(EspNextHeader::IPv4) && payload.size() >= 4 &&
      (payload[0] >> 4) == 4) {
    const size_t total_length = detail::load16(payload.data() + 2);
    if (total_length > payload.size()) {
      out.push_back({kRfc4303, "2.5", "MUST",
                     "Pad Length " + std::to_string(trailer.pad_length) + " leaves " + std::to_string(payload.size()) +
                         " bytes of Payload Data but the inner IPv4 Total Length is " + std::to_string(total_length) +
                         ": \"The Pad Length field indicates the number of pad bytes immediately preceding it\", and "
                         "in tunnel mode the receiver reconstructs \"the entire IP datagram in the ESP Payload "
                         "field\" (3.4.4.1)"});
    }
  }
  return out;
}

}  // namespace mipvpn::wire
