// The mobile node's registration messages: building a Registration Request with its extensions in the order RFC
// 5944 3.6.1.3 requires, and the validity checks of a Registration Reply (3.6.2.1). RFC 3519 UDP Tunnel Request
// (type 144) and Reply (type 44) through the typed views of harness/wire/mip_extensions.h. Socket-free.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/mn/mn_config.h"
#include "harness/wire/extension.h"
#include "harness/wire/registration_reply.h"

namespace mipvpn::agents::mn {

inline constexpr uint8_t kUdpTunnelReplyType = wire::UdpTunnelReply;  // RFC 3519 3.2

struct RequestFields {
  uint8_t flags = 0;  // S B D M G r T x (wire::RegistrationRequest::kFlag*)
  uint16_t lifetime = 0;
  Tins::IPv4Address home_address;
  Tins::IPv4Address home_agent;
  Tins::IPv4Address care_of_address;
  uint64_t identification = 0;
};

struct UdpTunnelRequestFields {
  bool force = false;                 // F (3.1.1)
  bool registration_through_fa = false;  // R (3.1.2)
  uint8_t encapsulation = 0;          // 0: per the M and G flags (3.1.4)
};

// The UDP payload. Order (3.6.1.3): fixed part, the UDP Tunnel Request (a non-authentication extension for the home
// agent, placed "before the Mobile-Home Authentication Extension", RFC 3519 4.4), the MN-HA extension, then the
// MN-FA extension when an SA with the foreign agent exists. `udp_after_auth` is the fault that breaks that order.
std::vector<uint8_t> build_registration_request(const RequestFields& fields, const SecurityAssociation& mn_ha,
                                                const SecurityAssociation* mn_fa,
                                                const std::optional<UdpTunnelRequestFields>& udp,
                                                bool udp_after_auth = false);

wire::Extension udp_tunnel_request_extension(const UdpTunnelRequestFields& f);

struct UdpTunnelReplyFields {
  uint8_t code = 0;  // 0-63 assent ("Will do tunnelling"), 64-255 declined (3.2.1)
  bool forced = false;
  uint16_t keepalive_s = 0;  // 0: use the default configured keepalive interval
  bool assent() const { return code < 64; }
};
// nullopt unless Length 6 and Sub-Type 0.
std::optional<UdpTunnelReplyFields> parse_udp_tunnel_reply(const wire::Extension& e);

// What the mobile node expects of a reply to its most recent request.
struct ReplyExpectation {
  Tins::IPv4Address home_address;
  uint64_t identification = 0;     // of the most recent request sent to the replying agent
  const SecurityAssociation* mn_ha = nullptr;
  const SecurityAssociation* mn_fa = nullptr;  // when the mobile node shares an SA with the foreign agent
  bool check_identification = true;            // false: fault mn-accept-wrong-identification
  bool check_authentication = true;            // false: fault mn-accept-unauthenticated-reply
};

struct ReplyCheck {
  bool valid = false;
  std::string reason;  // why it was discarded (with the RFC section), or a summary when valid
  std::optional<wire::RegistrationReply> reply;
  std::optional<UdpTunnelReplyFields> udp_tunnel_reply;
  bool security_exception = false;  // 3.6.2.1: "SHOULD log the event as a security exception"
  // A Trusted Networks Configured extension (RFC 5265 3.4) covered by the Mobile-Home Authenticator: only then may it
  // tell the mobile node that it is inside (RFC 5265 3.2.3, 4.1).
  bool trusted_networks_configured = false;
};
ReplyCheck check_reply(std::span<const uint8_t> payload, const ReplyExpectation& expect);

// True for the codes the foreign agent sends (64-127, RFC 5944 3.4); every other code is the home agent's.
bool denied_by_foreign_agent(uint8_t code);

std::string flags_text(uint8_t flags);  // "D,T" or "-"

}  // namespace mipvpn::agents::mn
