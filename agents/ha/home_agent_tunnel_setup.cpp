// HomeAgent's tunnel negotiation for an accepted registration (not a deregistration): RFC 3519 UDP tunnelling from
// the UDP Tunnel Request extension (144), then the encapsulation from the M and G flags (RFC 5944 4.1, RFC 3024
// 4.3.1). The extensions are harness/wire's typed views.
#include "agents/ha/home_agent.h"

#include "harness/wire/codes.h"
#include "harness/wire/mip_extensions.h"

namespace mipvpn::agents::ha {
namespace {


wire::Extension udp_tunnel_reply(uint8_t code, bool forced, uint16_t keepalive_s) {
  wire::UdpTunnelReplyExtension r;
  r.reply_code = code;
  r.f = forced;
  r.keepalive_interval = keepalive_s;
  return r.to_extension();
}

}  // namespace

HomeAgent::TunnelSetup HomeAgent::set_up_tunnel(const wire::RegistrationRequest& req,
                                                const UdpTunnelRequestAt& udp_request_ext,
                                                const Endpoint& source) const {
  TunnelSetup s;
  auto deny = [&](uint8_t code, std::string why) {
    s.denial = Denial{code, std::move(why)};
    return s;
  };
  std::optional<wire::UdpTunnelRequestExtension> udp_request;
  if (udp_request_ext.extension != nullptr) {
    const wire::Extension& e = *udp_request_ext.extension;
    if (e.body.size() != wire::UdpTunnelRequestExtension::kLength) {
      return deny(wire::kHaPoorlyFormedRequest, "UDP Tunnel Request extension Length " +
                                                    std::to_string(e.body.size()) + ", expected 6 (RFC 3519 3.1)");
    }
    auto decoded = wire::UdpTunnelRequestExtension::from(e);
    if (!decoded) {
      s.text = "; UDP Tunnel Request unusable (" + decoded.error().to_string() + "), skipped (RFC 3519 3.1)";
    } else if (decoded->sub_type != 0) {
      // Only Sub-Type 0 is defined (3.1): skipped like an unknown skippable extension.
      s.text = "; UDP Tunnel Request sub-type " + std::to_string(decoded->sub_type) +
               " not understood, skipped (RFC 3519 3.1)";
    } else {
      udp_request = *decoded;
    }
  }
  const Tins::IPv4Address coa = req.care_of_address();
  if (udp_request) {
    const bool d_flag = req.d();
    // An extension after the Mobile-Home Authentication Extension was added by a foreign agent (RFC 3519 4.5).
    const bool added_by_foreign_agent = udp_request_ext.after_mn_ha;
    if (udp_request->reserved3 != 0) {
      return deny(wire::kHaPoorlyFormedRequest, "UDP Tunnel Request Reserved 3 non-zero (RFC 3519 4.6.1)");
    }
    if (!added_by_foreign_agent && !d_flag) {
      return deny(wire::kHaPoorlyFormedRequest,
                  "UDP Tunnel Request from the mobile node but D bit not set (RFC 3519 4.6.1)");
    }
    if (added_by_foreign_agent && d_flag) {
      return deny(wire::kHaPoorlyFormedRequest,
                  "UDP Tunnel Request added by a foreign agent but D bit set (RFC 3519 4.6.1)");
    }
    const bool nat = source.address != coa;  // RFC 3519 4.6: the mismatch indicates a NAT
    const bool wanted = nat || udp_request->f || udp_request->r || faults_.has(Fault::UdpTunnelWithoutNat);
    const std::string nat_text = nat ? "NAT detected (source " + source.address.to_string() + " != care-of " +
                                           coa.to_string() + ")"
                                     : "no NAT (source = care-of address)";
    if (wanted && !config_.udp_tunnelling.enabled) {
      return deny(wire::kHaAdminProhibited,
                  nat_text + ", UDP tunnelling not permitted by configuration (RFC 3519 4.6.1)");
    }
    if (wanted && !nat && udp_request->f && !config_.udp_tunnelling.force_allowed) {
      return deny(wire::kHaAdminProhibited, "F flag set without a NAT, forced UDP tunnelling not allowed "
                                            "(RFC 3519 4.6.1)");
    }
    if (wanted) {
      if (udp_request->encapsulation != wire::UdpTunnelRequestExtension::kEncapsulationByFlags) {
        auto t = encapsulation_by_protocol(udp_request->encapsulation);
        if (!t || !config_.offers(*t)) {
          return deny(wire::kHaUdpEncapsulationUnavailable,
                      "UDP Tunnel Request Encapsulation " + std::to_string(udp_request->encapsulation) +
                          " not offered (RFC 3519 4.1, 4.6.1)");
        }
        s.encapsulation = *t;
      }
      // The source address and port of the request are the effective care-of address (4.6). With R the request
      // came through a foreign agent: same address, but the port is the MN's first keepalive's.
      s.udp_tunnel = source;
      if (udp_request->r) s.udp_tunnel->port = 0;
      if (!faults_.has(Fault::NoUdpTunnelReply)) {
        s.reply_extensions.push_back(udp_tunnel_reply(wire::UdpTunnelReplyExtension::kWillTunnel, udp_request->f,
                                                      config_.udp_tunnelling.keepalive_s));
      }
      s.text = "; " + nat_text + (udp_request->f ? ", F set" : "") + ": UDP tunnel to " + source.to_string() +
               " (RFC 3519 4.6)";
    } else {
      // Matching addresses and no F: decline, and tunnel as usual (4.6).
      s.reply_extensions.push_back(udp_tunnel_reply(wire::UdpTunnelReplyExtension::kDeclinedUnspecified, false, 0));
      s.text = "; " + nat_text + ": UDP tunnelling declined (RFC 3519 4.6)";
    }
  }
  // Encapsulation per the M and G flags unless the UDP Tunnel Request named one (RFC 5944 4.1, RFC 3024 4.3.1).
  if (!udp_request || udp_request->encapsulation == 0 || !s.udp_tunnel) {
    const bool g = req.g();
    const bool m = req.m();
    if (g && config_.offers(EncapsulationType::Gre)) {
      s.encapsulation = EncapsulationType::Gre;
    } else if (m && config_.offers(EncapsulationType::Minimal)) {
      s.encapsulation = EncapsulationType::Minimal;
    } else if ((g || m) && !faults_.has(Fault::AcceptUnofferedEncapsulation)) {
      return deny(wire::kHaEncapsulationUnavailable, std::string("requested ") + (g ? "GRE" : "minimal") +
                                                         " encapsulation not offered (RFC 3024 3.3, 4.3.1)");
    } else {
      s.encapsulation = EncapsulationType::IpInIp;
    }
  }
  s.text = "; " + std::string(encapsulation_name(s.encapsulation)) + (s.udp_tunnel ? " in UDP" : "") +
           (req.t() ? ", reverse tunnel" : "") + s.text;
  return s;
}

}  // namespace mipvpn::agents::ha
