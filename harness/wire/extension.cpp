#include "harness/wire/extension.h"

#include "harness/wire/bytes.h"

#include <stdexcept>

namespace mipvpn::wire {

ExtensionDisposition classify_unknown(uint8_t type) {
  return type <= 127 ? ExtensionDisposition::DiscardMessage : ExtensionDisposition::SkipExtension;
}

bool is_known_registration_extension(uint8_t type) {
  return type == Pad || type == MnHaAuth || type == MnFaAuth || type == FaHaAuth;
}

bool is_known_advertisement_extension(uint8_t type) {
  return type == Pad || type == MobilityAgentAdvertisement || type == PrefixLengths;
}

std::string registration_extension_name(uint8_t type) {
  switch (type) {
    case Pad:
      return "Pad";
    case MnHaAuth:
      return "MN-HA";
    case MnFaAuth:
      return "MN-FA";
    case FaHaAuth:
      return "FA-HA";
    case UdpTunnelReply:
      return "UDP-Tunnel-Reply";
    case EncapsulatingDeliveryStyle:
      return "Encap-Delivery-Style";
    case MobileNodeNai:
      return "NAI";
    case UdpTunnelRequest:
      return "UDP-Tunnel-Request";
    case TrustedNetworksConfigured:
      return "TNC";
    default:
      return "type " + std::to_string(type);
  }
}

std::string advertisement_extension_name(uint8_t type) {
  switch (type) {
    case Pad:
      return "Pad";
    case MobilityAgentAdvertisement:
      return "Mobility-Agent";
    case PrefixLengths:
      return "Prefix-Lengths";
    default:
      return "type " + std::to_string(type);
  }
}

Expected<std::vector<Extension>> decode_extensions(std::span<const uint8_t> data, size_t base_offset) {
  std::vector<Extension> out;
  size_t pos = 0;
  while (pos < data.size()) {
    const std::string name = "extension[" + std::to_string(out.size()) + "]";
    Extension ext;
    ext.type = data[pos];
    ext.offset = base_offset + pos;
    if (ext.type == Pad) {  // "encoded with neither Length nor Data field" (1.8)
      out.push_back(std::move(ext));
      pos += 1;
      continue;
    }
    if (data.size() - pos < 2) {
      return DecodeError{base_offset + pos + 1, name + ".length",
                         "1 byte of Length after Type " + std::to_string(ext.type) + " (message ends there)"};
    }
    const size_t len = data[pos + 1];
    const size_t left = data.size() - pos - 2;
    if (left < len) {
      return DecodeError{
          base_offset + pos + 2, name + ".data",
          detail::need_text(len, left, ("Data (Length of Type " + std::to_string(ext.type) + ")").c_str())};
    }
    ext.body.assign(data.begin() + static_cast<std::ptrdiff_t>(pos + 2),
                    data.begin() + static_cast<std::ptrdiff_t>(pos + 2 + len));
    out.push_back(std::move(ext));
    pos += 2 + len;
  }
  return out;
}

void check_encodable(const Extension& ext) {
  if (ext.type == Pad && !ext.body.empty())
    throw std::invalid_argument("Pad extension (type 0) is one byte and cannot carry a body");
  if (ext.body.size() > 255)
    throw std::invalid_argument("extension type " + std::to_string(ext.type) + " body of " +
                                std::to_string(ext.body.size()) + " bytes does not fit the 8-bit Length (1.9)");
}

void encode_extension(const Extension& ext, std::vector<uint8_t>& out) {
  check_encodable(ext);
  out.push_back(ext.type);
  if (ext.type == Pad) return;
  out.push_back(static_cast<uint8_t>(ext.body.size()));
  out.insert(out.end(), ext.body.begin(), ext.body.end());
}

Expected<ShortExtension> ShortExtension::from(const Extension& ext) {
  if (ext.body.empty())
    return DecodeError{ext.offset + 1, "sub_type", "Length >= 1 for the Sub-Type of a short extension (1.11)"};
  ShortExtension s;
  s.type = ext.type;
  s.sub_type = ext.body[0];
  s.data.assign(ext.body.begin() + 1, ext.body.end());
  return s;
}

Extension ShortExtension::to_extension() const {
  if (data.size() > 254) throw std::invalid_argument("short extension data exceeds 254 bytes (1.11)");
  Extension e;
  e.type = type;
  e.body.reserve(1 + data.size());
  e.body.push_back(sub_type);
  e.body.insert(e.body.end(), data.begin(), data.end());
  return e;
}

Expected<LongExtension> LongExtension::decode(std::span<const uint8_t> data, size_t base_offset) {
  static const char* const kFields[] = {"type", "sub_type", "length", "length"};
  if (data.size() < 4) {
    return DecodeError{base_offset + data.size(), kFields[data.size()],
                       detail::need_text(4, data.size(), "Type, Sub-Type and 16-bit Length (1.10)")};
  }
  LongExtension l;
  l.type = data[0];
  l.sub_type = data[1];
  l.offset = base_offset;
  const size_t len = detail::load16(data.data() + 2);
  if (data.size() - 4 < len)
    return DecodeError{base_offset + 4, "data", detail::need_text(len, data.size() - 4, "Data")};
  l.data.assign(data.begin() + 4, data.begin() + 4 + static_cast<std::ptrdiff_t>(len));
  return l;
}

void LongExtension::encode(std::vector<uint8_t>& out) const {
  if (data.size() > 0xffff) throw std::invalid_argument("long extension data exceeds 65535 bytes (1.10)");
  out.push_back(type);
  out.push_back(sub_type);
  out.push_back(static_cast<uint8_t>(data.size() >> 8));
  out.push_back(static_cast<uint8_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

Expected<AuthExtension> AuthExtension::from(const Extension& ext) {
  if (!is_auth_extension(ext.type))
    return DecodeError{ext.offset, "type",
                       "32, 33 or 34 (authentication extension), found " + std::to_string(ext.type)};
  if (ext.body.size() < 4)
    return DecodeError{ext.offset + 1, "length",
                       "Length >= 4 to hold the SPI (3.5.2), found " + std::to_string(ext.body.size())};
  AuthExtension a;
  a.type = ext.type;
  a.spi = detail::load32(ext.body.data());
  a.authenticator.assign(ext.body.begin() + 4, ext.body.end());
  return a;
}

Extension AuthExtension::to_extension() const {
  Extension e;
  e.type = type;
  e.body.resize(4);
  detail::store32(e.body.data(), spi);
  e.body.insert(e.body.end(), authenticator.begin(), authenticator.end());
  return e;
}

}  // namespace mipvpn::wire
