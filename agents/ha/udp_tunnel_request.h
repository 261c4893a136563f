// The RFC 3519 UDP Tunnel Request extension (type 144) as the home agent reads it, and the UDP Tunnel Reply extension
// (type 44) it answers with. Until harness/wire/mip_extensions.h is on main these few bytes are decoded here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/wire/extension.h"

namespace mipvpn::agents::ha {

inline constexpr uint8_t kUdpTunnelReplyAssent = 0;     // "Will do tunnelling" (RFC 3519 3.2.1)
inline constexpr uint8_t kUdpTunnelReplyDeclined = 64;  // "Tunnelling declined, reason unspecified"

struct UdpTunnelRequest {
  bool force = false;          // F (3.1.1)
  bool registration_via_fa = false;  // R (3.1.2)
  uint8_t encapsulation = 0;   // 0 = per the M and G flags (3.1.4)
  bool reserved3_nonzero = false;
  bool added_by_foreign_agent = false;  // placed after the Mobile-Home Authentication Extension (4.5)
};

// nullopt when the extension is not one this HA understands (sub-type other than 0: skipped like an unknown
// skippable extension). `why` says what was wrong with a body of the wrong length.
std::optional<UdpTunnelRequest> parse_udp_tunnel_request(const wire::Extension& e, bool after_mn_ha, std::string* why);

// Type 44, Length 6: Sub-Type 0, Reply Code, F flag + Reserved, Keepalive Interval (RFC 3519 3.2).
wire::Extension udp_tunnel_reply(uint8_t reply_code, bool forced, uint16_t keepalive_s);

}  // namespace mipvpn::agents::ha
