#include "agents/ha/udp_tunnel_request.h"

namespace mipvpn::agents::ha {

std::optional<UdpTunnelRequest> parse_udp_tunnel_request(const wire::Extension& e, bool after_mn_ha,
                                                         std::string* why) {
  if (e.body.size() != 6) {
    if (why) *why = "UDP Tunnel Request extension Length " + std::to_string(e.body.size()) + ", expected 6";
    return std::nullopt;
  }
  if (e.body[0] != 0) {
    if (why) *why = "UDP Tunnel Request sub-type " + std::to_string(e.body[0]) + " not understood";
    return std::nullopt;
  }
  UdpTunnelRequest r;
  r.force = (e.body[2] & 0x80) != 0;
  r.registration_via_fa = (e.body[2] & 0x40) != 0;
  r.encapsulation = e.body[3];
  r.reserved3_nonzero = e.body[4] != 0 || e.body[5] != 0;
  r.added_by_foreign_agent = after_mn_ha;
  return r;
}

wire::Extension udp_tunnel_reply(uint8_t reply_code, bool forced, uint16_t keepalive_s) {
  wire::Extension e;
  e.type = wire::UdpTunnelReply;
  e.body = {0, reply_code, static_cast<uint8_t>(forced ? 0x80 : 0x00), 0, static_cast<uint8_t>(keepalive_s >> 8),
            static_cast<uint8_t>(keepalive_s)};
  return e;
}

}  // namespace mipvpn::agents::ha
