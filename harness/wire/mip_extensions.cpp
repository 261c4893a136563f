#include "harness/wire/mip_extensions.h"

#include "harness/wire/bytes.h"
#include "harness/wire/format.h"

#include <cstdio>
#include <optional>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

struct BodyField {
  const char* name;
  size_t offset, size;  // inside the body (after Type and Length)
};

// The Type check every view starts with.
std::optional<DecodeError> check_type(const Extension& ext, uint8_t type, const std::string& prefix,
                                      const char* what) {
  if (ext.type == type) return std::nullopt;
  return DecodeError{ext.offset, prefix + ".type",
                     std::to_string(type) + " (" + what + "), found " + std::to_string(ext.type)};
}

// A body shorter than the fixed layout names the first field that does not fit; a longer one names the Length.
std::optional<DecodeError> check_body(const Extension& ext, std::span<const BodyField> fields, size_t length,
                                      const std::string& prefix, const char* rfc) {
  for (const auto& f : fields) {
    if (ext.body.size() < f.offset + f.size) {
      const size_t have = ext.body.size() > f.offset ? ext.body.size() - f.offset : 0;
      return DecodeError{ext.offset + 2 + f.offset, prefix + "." + f.name,
                         detail::need_text(f.size, have, ("field data (Length " + std::to_string(ext.body.size()) +
                                                          ", " + rfc + " fixes it at " + std::to_string(length) + ")")
                                                             .c_str())};
    }
  }
  if (ext.body.size() != length)
    return DecodeError{ext.offset + 1, prefix + ".length",
                       "Length " + std::to_string(length) + " (" + rfc + "), found " + std::to_string(ext.body.size())};
  return std::nullopt;
}

}  // namespace

Expected<EncapsulatingDeliveryStyleExtension> EncapsulatingDeliveryStyleExtension::from(const Extension& ext) {
  static const std::string kPrefix = "encapsulating_delivery_style";
  if (auto e = check_type(ext, EncapsulatingDeliveryStyle, kPrefix, "Encapsulating Delivery Style, RFC 3024 3.3"))
    return *e;
  if (auto e = check_body(ext, {}, 0, kPrefix, "RFC 3024 3.3")) return *e;
  return EncapsulatingDeliveryStyleExtension{};
}

Extension EncapsulatingDeliveryStyleExtension::to_extension() const {
  return Extension{EncapsulatingDeliveryStyle, {}, 0};
}

uint8_t UdpTunnelRequestExtension::flags() const {
  return static_cast<uint8_t>((f ? kFlagF : 0) | (r ? kFlagR : 0) | (reserved2 & kReserved2Mask));
}

Expected<UdpTunnelRequestExtension> UdpTunnelRequestExtension::from(const Extension& ext) {
  static const std::string kPrefix = "udp_tunnel_request";
  static constexpr BodyField kFields[] = {
      {"sub_type", 0, 1}, {"reserved1", 1, 1}, {"flags", 2, 1}, {"encapsulation", 3, 1}, {"reserved3", 4, 2}};
  if (auto e = check_type(ext, UdpTunnelRequest, kPrefix, "UDP Tunnel Request, RFC 3519 3.1")) return *e;
  if (auto e = check_body(ext, kFields, kLength, kPrefix, "RFC 3519 3.1")) return *e;
  UdpTunnelRequestExtension x;
  x.sub_type = ext.body[0];
  x.reserved1 = ext.body[1];
  x.f = (ext.body[2] & kFlagF) != 0;
  x.r = (ext.body[2] & kFlagR) != 0;
  x.reserved2 = ext.body[2] & kReserved2Mask;
  x.encapsulation = ext.body[3];
  x.reserved3 = detail::load16(ext.body.data() + 4);
  return x;
}

Extension UdpTunnelRequestExtension::to_extension() const {
  if (reserved2 > kReserved2Mask) throw std::invalid_argument("UDP Tunnel Request Reserved 2 is 6 bits");
  Extension e{UdpTunnelRequest, std::vector<uint8_t>(kLength), 0};
  e.body[0] = sub_type;
  e.body[1] = reserved1;
  e.body[2] = flags();
  e.body[3] = encapsulation;
  detail::store16(e.body.data() + 4, reserved3);
  return e;
}

uint16_t UdpTunnelReplyExtension::flags() const {
  return static_cast<uint16_t>((f ? kFlagF : 0) | (reserved & kReservedMask));
}

Expected<UdpTunnelReplyExtension> UdpTunnelReplyExtension::from(const Extension& ext) {
  static const std::string kPrefix = "udp_tunnel_reply";
  static constexpr BodyField kFields[] = {
      {"sub_type", 0, 1}, {"reply_code", 1, 1}, {"flags", 2, 2}, {"keepalive_interval", 4, 2}};
  if (auto e = check_type(ext, UdpTunnelReply, kPrefix, "UDP Tunnel Reply, RFC 3519 3.2")) return *e;
  if (auto e = check_body(ext, kFields, kLength, kPrefix, "RFC 3519 3.2")) return *e;
  UdpTunnelReplyExtension x;
  x.sub_type = ext.body[0];
  x.reply_code = ext.body[1];
  const uint16_t word = detail::load16(ext.body.data() + 2);
  x.f = (word & kFlagF) != 0;
  x.reserved = word & kReservedMask;
  x.keepalive_interval = detail::load16(ext.body.data() + 4);
  return x;
}

Extension UdpTunnelReplyExtension::to_extension() const {
  if (reserved > kReservedMask) throw std::invalid_argument("UDP Tunnel Reply Reserved is 15 bits");
  Extension e{UdpTunnelReply, std::vector<uint8_t>(kLength), 0};
  e.body[0] = sub_type;
  e.body[1] = reply_code;
  detail::store16(e.body.data() + 2, flags());
  detail::store16(e.body.data() + 4, keepalive_interval);
  return e;
}

Expected<TrustedNetworksConfiguredExtension> TrustedNetworksConfiguredExtension::from(const Extension& ext) {
  static const std::string kPrefix = "trusted_networks_configured";
  static constexpr BodyField kFields[] = {{"sub_type", 0, 1}, {"reserved", 1, 1}};
  if (auto e = check_type(ext, TrustedNetworksConfigured, kPrefix, "Trusted Networks Configured, RFC 5265 3.4"))
    return *e;
  if (auto e = check_body(ext, kFields, kLength, kPrefix, "RFC 5265 3.4")) return *e;
  return TrustedNetworksConfiguredExtension{ext.body[0], ext.body[1]};
}

Extension TrustedNetworksConfiguredExtension::to_extension() const {
  return Extension{TrustedNetworksConfigured, {sub_type, reserved}, 0};
}

Expected<NaiExtension> NaiExtension::from(const Extension& ext) {
  if (auto e = check_type(ext, MobileNodeNai, "nai", "Mobile Node NAI, RFC 2794 2")) return *e;
  return NaiExtension{std::string(ext.body.begin(), ext.body.end())};
}

Extension NaiExtension::to_extension() const {
  if (nai.size() > 255) throw std::invalid_argument("an MN-NAI over 255 bytes does not fit the 8-bit Length");
  return Extension{MobileNodeNai, std::vector<uint8_t>(nai.begin(), nai.end()), 0};
}

std::string NaiExtension::printable() const {
  std::string s;
  for (char c : nai) {
    const auto b = static_cast<uint8_t>(c);
    if (b >= 0x20 && b < 0x7f && b != '\\') {
      s += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      s += buf;
    }
  }
  return s;
}

bool is_defined_registration_extension(uint8_t type) {
  switch (type) {
    case Pad:
    case MnHaAuth:
    case MnFaAuth:
    case FaHaAuth:
    case UdpTunnelReply:
    case EncapsulatingDeliveryStyle:
    case MobileNodeNai:
    case UdpTunnelRequest:
    case TrustedNetworksConfigured:
      return true;
    default:
      return false;
  }
}

std::string describe_extension(const Extension& e) {
  std::string s = registration_extension_name(e.type);
  const std::string len = " len=" + std::to_string(e.body.size());
  switch (e.type) {
    case Pad:
      return s;
    case MnHaAuth:
    case MnFaAuth:
    case FaHaAuth:
      if (e.body.size() < 4) return s + len;
      s += " spi=" + std::to_string(detail::load32(e.body.data()));
      if (e.body.size() != 20) s += " auth-len=" + std::to_string(e.body.size() - 4);
      return s;
    case UdpTunnelRequest: {
      auto v = UdpTunnelRequestExtension::from(e);
      if (!v) return s + len;
      if (v->sub_type != 0) s += " subtype=" + std::to_string(v->sub_type);
      if (v->f) s += " F";
      if (v->r) s += " R";
      s += " encap=" + std::to_string(v->encapsulation);
      if (v->reserved1 != 0 || v->reserved2 != 0 || v->reserved3 != 0)
        s += " reserved=" + detail::hex(v->reserved1, 2) + "/" + detail::hex(v->reserved2, 2) + "/" +
             detail::hex(v->reserved3, 4);
      return s;
    }
    case UdpTunnelReply: {
      auto v = UdpTunnelReplyExtension::from(e);
      if (!v) return s + len;
      if (v->sub_type != 0) s += " subtype=" + std::to_string(v->sub_type);
      s += " code=" + std::to_string(v->reply_code);
      if (v->f) s += " F";
      s += " keepalive=" + std::to_string(v->keepalive_interval);
      if (v->reserved != 0) s += " reserved=" + detail::hex(v->reserved, 4);
      return s;
    }
    case EncapsulatingDeliveryStyle:
      return e.body.empty() ? s : s + len;
    case TrustedNetworksConfigured: {
      auto v = TrustedNetworksConfiguredExtension::from(e);
      if (!v) return s + len;
      if (v->sub_type != 0) s += " subtype=" + std::to_string(v->sub_type);
      if (v->reserved != 0) s += " reserved=" + detail::hex(v->reserved, 2);
      return s;
    }
    case MobileNodeNai: {
      auto v = NaiExtension::from(e);
      if (!v) return s + len;
      return v->nai.empty() ? s + " (empty)" : s + " " + v->printable();
    }
    default:
      return s + len;
  }
}

}  // namespace mipvpn::wire
