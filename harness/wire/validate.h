// RFC rules a single message can be checked against on its own (no IP header, no conversation context): the list of
// broken rules, empty for a conforming message. Rules that need the IP header (TTL 1, destinations), the request a
// reply answers, or an earlier advertisement are the engine's job.
//
// RegistrationRequest: reserved r/x bits (3.3); an authorization-enabling (MN-HA) extension present (3.3, 3.2) and
// exactly one (3.6.1.3); MN-HA first of the authentication extensions (3.2); MN-FA last and at most once (3.6.1.3,
// 3.7.2.1); FA-HA at most once (3.8.2.1), last (3.7.2.2), never with MN-FA (3.7.2.2), never on deregistration
// (3.5.4); authentication Length >= 4 (3.5.2); SPI not 0-255 (1.6); Home Agent and Care-of Address not 0.0.0.0
// (3.6.1.2).
// RegistrationReply: Code assigned (3.4, SHOULD); MN-HA present in accepted and home-agent replies (3.4) and exactly
// one (3.8.3.3); MN-HA first of the authentication extensions (3.8.3.3); FA-HA at most once and last (3.8.3.3); MN-FA
// last, at most once, never with FA-HA (3.7.3.2); authentication Length >= 4 (3.5.2); SPI not 0-255 (1.6).
// AgentAdvertisement: Code 0 or 16 (2.1, SHOULD); Addr Entry Size 2 (RFC 1256); F => >= 1 care-of address, B and R
// only with F, at least one of F and H, Length = 6 + 4N, reserved bits zero (2.1.1); Prefix-Lengths Length = Num
// Addrs and at most once (2.1.2); at most one Pad and Pad last (2.1.3, SHOULD).
// AgentSolicitation: Code 0 (RFC 1256); Reserved zero (RFC 1256).
// Companion-RFC extensions in requests and replies (validate_mip.h): Encapsulating Delivery Style Length 0, only with
// 'T', after MN-HA, before MN-FA, not relayed, not in replies (RFC 3024 3.3); UDP Tunnel Request Length 6, Sub-Type 0,
// Reserved 1/2/3 zero (RFC 3519 3.1), 'D' set when the MN adds it (3.1.5), not after MN-HA when the MN adds it (4.4),
// not added by an FA to a co-located ('D') Request and before FA-HA (4.5), 'T' set (3.1.5, SHOULD); UDP Tunnel Reply
// Length 6, Sub-Type 0, Reserved zero, not in requests (3.2, SHOULD); Trusted Networks Configured Length 2, Sub-Type
// 0, Reserved zero (RFC 5265 3.4) and before MN-HA in replies (RFC 5944 3.8.3.3); NAI before MN-HA and MN-FA (RFC 2794
// 2), nonzero Home Address and Home Agent in an accepting reply that carries it (RFC 2794 3).
// TunnelData: Reserved zero (RFC 3519 3.3).
#pragma once

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"
#include "harness/wire/violation.h"

#include <vector>

namespace mipvpn::wire {

std::vector<Violation> validate(const RegistrationRequest& rrq);
std::vector<Violation> validate(const RegistrationReply& rrp);
std::vector<Violation> validate(const AgentAdvertisement& adv);
std::vector<Violation> validate(const AgentSolicitation& sol);
std::vector<Violation> validate(const TunnelData& msg);  // validate_mip.cpp

}  // namespace mipvpn::wire
