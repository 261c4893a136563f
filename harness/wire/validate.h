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
#pragma once

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/violation.h"

#include <vector>

namespace mipvpn::wire {

std::vector<Violation> validate(const RegistrationRequest& rrq);
std::vector<Violation> validate(const RegistrationReply& rrp);
std::vector<Violation> validate(const AgentAdvertisement& adv);
std::vector<Violation> validate(const AgentSolicitation& sol);

}  // namespace mipvpn::wire
