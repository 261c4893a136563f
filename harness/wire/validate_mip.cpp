#include "harness/wire/validate_mip.h"

#include "harness/wire/codes.h"
#include "harness/wire/format.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/tunnel_data.h"
#include "harness/wire/validate.h"

#include <optional>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc2794 = "RFC 2794";
constexpr const char* kRfc3024 = "RFC 3024";
constexpr const char* kRfc3519 = "RFC 3519";
constexpr const char* kRfc5265 = "RFC 5265";
constexpr const char* kRfc5944 = "RFC 5944";

void add(std::vector<Violation>& out, const char* rfc, const char* section, const char* level, std::string text) {
  out.push_back(Violation{rfc, section, level, std::move(text)});
}

std::string at(const Extension& e) { return " at offset " + std::to_string(e.offset); }

// Index of the first extension of `type`, if any.
std::optional<size_t> first_of(const std::vector<Extension>& exts, uint8_t type) {
  for (size_t i = 0; i < exts.size(); ++i)
    if (exts[i].type == type) return i;
  return std::nullopt;
}

// Length, Sub-Type and Reserved fields, wherever the extension appears.
void check_udp_tunnel_request_fields(const Extension& e, std::vector<Violation>& out) {
  auto v = UdpTunnelRequestExtension::from(e);
  if (!v) {
    add(out, kRfc3519, "3.1", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " has Length " + std::to_string(e.body.size()) +
            "; its Length is 6 (\"Length in bytes of this extension, not including the Type and Length bytes\")");
    return;
  }
  if (v->sub_type != 0)
    add(out, kRfc3519, "3.1", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " has Sub-Type " + std::to_string(v->sub_type) +
            "; the extension's Sub-Type is 0");
  if (v->reserved1 != 0)
    add(out, kRfc3519, "3.1", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " has Reserved 1 = " + detail::hex(v->reserved1, 2) +
            "; it is \"Reserved for future use.  MUST be set to 0 on sending\"");
  if (v->reserved2 != 0)
    add(out, kRfc3519, "3.1", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " has Reserved 2 = " + detail::hex(v->reserved2, 2) +
            " (the six bits after F and R); it is \"Reserved for future use.  MUST be set to 0 on sending\"");
  if (v->reserved3 != 0)
    add(out, kRfc3519, "3.1", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " has Reserved 3 = " + detail::hex(v->reserved3, 4) +
            "; it \"MUST be set to 0 on sending, MUST be verified as 0 on receipt; otherwise the extension must be "
            "handled as not understood and silently skipped\" (4.6.1: the home agent SHOULD reply 134)");
}

void check_udp_tunnel_reply_fields(const Extension& e, std::vector<Violation>& out) {
  auto v = UdpTunnelReplyExtension::from(e);
  if (!v) {
    add(out, kRfc3519, "3.2", "MUST",
        "UDP Tunnel Reply Extension" + at(e) + " has Length " + std::to_string(e.body.size()) +
            "; its Length is 6 (\"Length in bytes of this extension, not including the Type and Length bytes\")");
    return;
  }
  if (v->sub_type != 0)
    add(out, kRfc3519, "3.2", "MUST",
        "UDP Tunnel Reply Extension" + at(e) + " has Sub-Type " + std::to_string(v->sub_type) +
            "; the extension's Sub-Type is 0");
  if (v->reserved != 0)
    add(out, kRfc3519, "3.2", "MUST",
        "UDP Tunnel Reply Extension" + at(e) + " has Reserved = " + detail::hex(v->reserved, 4) +
            " (the 15 bits after F); it is \"Reserved for future use.  MUST be set to 0 on sending\"");
}

void check_tnc_fields(const Extension& e, std::vector<Violation>& out) {
  auto v = TrustedNetworksConfiguredExtension::from(e);
  if (!v) {
    add(out, kRfc5265, "3.4", "MUST",
        "Trusted Networks Configured Extension" + at(e) + " has Length " + std::to_string(e.body.size()) +
            "; its Length is 2 (Sub-Type and Reserved)");
    return;
  }
  if (v->sub_type != 0)
    add(out, kRfc5265, "3.4", "MUST",
        "Trusted Networks Configured Extension" + at(e) + " has Sub-Type " + std::to_string(v->sub_type) +
            "; the extension's Sub-Type is 0");
  if (v->reserved != 0)
    add(out, kRfc5265, "3.4", "MUST",
        "Trusted Networks Configured Extension" + at(e) + " has Reserved = " + detail::hex(v->reserved, 2) +
            "; it is \"Set to 0 when sending, ignored when receiving\"");
}

void check_encapsulating_delivery_style_length(const Extension& e, std::vector<Violation>& out) {
  if (!e.body.empty())
    add(out, kRfc3024, "3.3", "MUST",
        "Encapsulating Delivery Style Extension" + at(e) + " has Length " + std::to_string(e.body.size()) +
            "; its Length is 0");
}

// Field rules shared by requests and replies.
void check_fields(const std::vector<Extension>& exts, std::vector<Violation>& out) {
  for (const auto& e : exts) {
    switch (e.type) {
      case UdpTunnelRequest:
        check_udp_tunnel_request_fields(e, out);
        break;
      case UdpTunnelReply:
        check_udp_tunnel_reply_fields(e, out);
        break;
      case TrustedNetworksConfigured:
        check_tnc_fields(e, out);
        break;
      case EncapsulatingDeliveryStyle:
        check_encapsulating_delivery_style_length(e, out);
        break;
      default:
        break;
    }
  }
}

// RFC 3024 3.3 in a request.
void check_encapsulating_delivery_style(const RegistrationRequest& rrq, size_t i, std::vector<Violation>& out) {
  const auto& exts = rrq.extensions();
  const Extension& e = exts[i];
  const auto mn_ha = first_of(exts, MnHaAuth);
  const auto mn_fa = first_of(exts, MnFaAuth);
  if (!rrq.t())
    add(out, kRfc3024, "3.3", "MUST",
        "Encapsulating Delivery Style Extension" + at(e) +
            " in a Request without the 'T' bit: it \"MUST NOT be included if the 'T' bit is not set in the "
            "Registration Request\"");
  if (mn_ha && i < *mn_ha)
    add(out, kRfc3024, "3.3", "MUST",
        "Encapsulating Delivery Style Extension" + at(e) +
            " precedes the Mobile-Home Authentication Extension at offset " + std::to_string(exts[*mn_ha].offset) +
            ": \"the mobile node MUST include the Encapsulating Delivery Style Extension after the Mobile-Home "
            "Authentication Extension\"");
  if (mn_fa && i > *mn_fa)
    add(out, kRfc3024, "3.3", "MUST",
        "Encapsulating Delivery Style Extension" + at(e) +
            " follows the Mobile-Foreign Authentication Extension at offset " + std::to_string(exts[*mn_fa].offset) +
            ": it goes \"before the Mobile-Foreign Authentication Extension, if present\"");
  if (const auto fa_ha = first_of(exts, FaHaAuth))
    add(out, kRfc3024, "3.3", "MUST",
        "Encapsulating Delivery Style Extension" + at(e) + " in a Request relayed by a foreign agent (it carries a "
            "Foreign-Home Authentication Extension at offset " + std::to_string(exts[*fa_ha].offset) +
            "): \"the foreign agent MUST consume this extension (that is, it must not relay it to the home agent\"");
}

// RFC 3519 3.1.5, 4.4, 4.5 in a request. An extension before the MN-HA was placed by the mobile node, one after it by
// a foreign agent (4.6.1 tells them apart this way) unless the Request still carries an MN-FA, which a foreign agent
// removes before relaying (RFC 5944 3.7.2.2), so that the mobile node put it there.
void check_udp_tunnel_request(const RegistrationRequest& rrq, size_t i, std::vector<Violation>& out) {
  const auto& exts = rrq.extensions();
  const Extension& e = exts[i];
  const auto mn_ha = first_of(exts, MnHaAuth);
  const auto mn_fa = first_of(exts, MnFaAuth);
  const auto fa_ha = first_of(exts, FaHaAuth);
  const bool after_mn_ha = mn_ha && i > *mn_ha;
  const bool from_mn = !after_mn_ha || mn_fa.has_value();
  if (from_mn && after_mn_ha)
    add(out, kRfc3519, "4.4", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " follows the Mobile-Home Authentication Extension at offset " +
            std::to_string(exts[*mn_ha].offset) +
            " in a Request that still carries the mobile node's Mobile-Foreign Authentication Extension: \"the "
            "mobile node MUST place this Extension before the Mobile-Home Authentication Extension\"");
  if (from_mn && !rrq.d())
    add(out, kRfc3519, "3.1.5", "MUST",
        "UDP Tunnel Request Extension" + at(e) +
            " from the mobile node in a Request without the 'D' bit: \"When the MN requests MIP UDP tunnelling, the "
            "'D' bit (Decapsulation by the mobile node) MUST be set\" (4.4: it \"SHALL NOT be used by the mobile node "
            "when it is registering with a foreign agent care-of address\"; 4.6.1: the home agent SHOULD reply 134)");
  if (!from_mn && rrq.d())
    add(out, kRfc3519, "4.5", "MUST",
        "UDP Tunnel Request Extension" + at(e) +
            " added by a foreign agent (after the Mobile-Home Authentication Extension) to a Request with the 'D' "
            "bit: a foreign agent \"MUST NOT add the UDP Tunnel Request Extension when forwarding a registration "
            "request which uses a co-located care-of address\" (4.6.1: the home agent SHOULD reply 134 \"poorly "
            "formed Request\")");
  if (fa_ha && i > *fa_ha)
    add(out, kRfc3519, "4.5", "MUST",
        "UDP Tunnel Request Extension" + at(e) + " follows the Foreign-Home Authentication Extension at offset " +
            std::to_string(exts[*fa_ha].offset) +
            ": \"the UDP Tunnel Request Extension MUST be placed before the Foreign-Home Authentication Extension\"");
  if (!rrq.t())
    add(out, kRfc3519, "3.1.5", "SHOULD",
        "UDP Tunnel Request Extension" + at(e) +
            " in a Request without the 'T' bit: \"Both the MN and the FA SHOULD set the 'T' bit when requesting MIP "
            "UDP tunnelling\"");
}

void check_nai_in_request(const RegistrationRequest& rrq, size_t i, std::vector<Violation>& out) {
  const auto& exts = rrq.extensions();
  for (uint8_t auth : {MnHaAuth, MnFaAuth}) {
    const auto first = first_of(exts, auth);
    if (first && i > *first)
      add(out, kRfc2794, "2", "MUST",
          "Mobile Node NAI Extension" + at(exts[i]) + " follows the " + registration_extension_name(auth) +
              " extension at offset " + std::to_string(exts[*first].offset) +
              ": it \"MUST appear in the Registration Request before both the Mobile-Home Authentication extension "
              "and Mobile-Foreign Authentication extension, if present\"");
  }
}

}  // namespace

namespace detail {

void check_companion_extensions(const RegistrationRequest& rrq, std::vector<Violation>& out) {
  const auto& exts = rrq.extensions();
  check_fields(exts, out);
  for (size_t i = 0; i < exts.size(); ++i) {
    switch (exts[i].type) {
      case EncapsulatingDeliveryStyle:
        check_encapsulating_delivery_style(rrq, i, out);
        break;
      case UdpTunnelRequest:
        check_udp_tunnel_request(rrq, i, out);
        break;
      case MobileNodeNai:
        check_nai_in_request(rrq, i, out);
        break;
      case UdpTunnelReply:
        add(out, kRfc3519, "3.2", "SHOULD",
            "UDP Tunnel Reply Extension" + at(exts[i]) +
                " in a Registration Request: it \"is sent in reply to a UDP Tunnel Request extension\" and is "
                "\"non-skippable\", so a receiver that does not know type 44 discards the whole Request (RFC 5944 "
                "1.8)");
        break;
      default:
        break;
    }
  }
}

void check_companion_extensions(const RegistrationReply& rrp, std::vector<Violation>& out) {
  const auto& exts = rrp.extensions();
  check_fields(exts, out);
  const auto mn_ha = first_of(exts, MnHaAuth);
  for (size_t i = 0; i < exts.size(); ++i) {
    const Extension& e = exts[i];
    if (e.type == EncapsulatingDeliveryStyle)
      add(out, kRfc3024, "3.3", "MUST",
          "Encapsulating Delivery Style Extension" + at(e) +
              " in a Registration Reply: \"the foreign agent MUST consume this extension (that is, it must not relay "
              "it to the home agent or include it in replies to the mobile node)\"");
    if (e.type == TrustedNetworksConfigured && mn_ha && i > *mn_ha)
      add(out, kRfc5944, "3.8.3.3", "MUST",
          "Trusted Networks Configured Extension" + at(e) + " follows the Mobile-Home Authentication Extension at "
              "offset " + std::to_string(exts[*mn_ha].offset) +
              ": the mobile node relies on it (RFC 5265 4.1: it \"MUST NOT disable IPsec protection unless the "
              "registration reply from the i-HA contains a Trusted Networks Configured extension\"), and the order "
              "that \"MUST be followed\" puts \"non-authentication Extensions used by the mobile node\" before the "
              "Mobile-Home Authentication Extension");
  }
  if (first_of(exts, MobileNodeNai) && reply_code_accepted(rrp.code()) &&
      (static_cast<uint32_t>(rrp.home_address()) == 0 || static_cast<uint32_t>(rrp.home_agent()) == 0)) {
    add(out, kRfc2794, "3", "MUST",
        "accepting Registration Reply with a Mobile Node NAI Extension but Home Address " +
            rrp.home_address().to_string() + " and Home Agent " + rrp.home_agent().to_string() +
            ": \"The Registration Reply MUST include a nonzero Home Agent address and mobile node's Home Address\"");
  }
}

}  // namespace detail

std::vector<Violation> validate(const TunnelData& msg) {
  std::vector<Violation> out;
  if (msg.reserved() != 0)
    add(out, kRfc3519, "3.3", "MUST",
        "Tunnel Data Reserved is " + detail::hex(msg.reserved(), 4) +
            "; it is \"Reserved for future use.  MUST be set to 0 on sending, MUST be ignored on reception\"");
  return out;
}

}  // namespace mipvpn::wire
