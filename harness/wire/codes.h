// Registration Reply codes: RFC 5944 3.4, plus RFC 3024 3.4 (reverse tunnelling), RFC 3519 3.5/8 (NAT traversal) and
// RFC 2794 5 (Mobile Node NAI).
#pragma once

#include <cstdint>
#include <string_view>

namespace mipvpn::wire {

enum class ReplyCodeOrigin { Accepted, ForeignAgent, HomeAgent, Unassigned };

enum ReplyCode : uint8_t {
  // Registration successful (RFC 5944 3.4)
  kAccepted = 0,
  kAcceptedNoSimultaneousBindings = 1,
  // Denied by the foreign agent (RFC 5944 3.4)
  kFaUnspecified = 64,
  kFaAdminProhibited = 65,
  kFaInsufficientResources = 66,
  kFaMobileNodeFailedAuth = 67,
  kFaHomeAgentFailedAuth = 68,
  kFaLifetimeTooLong = 69,
  kFaPoorlyFormedRequest = 70,
  kFaPoorlyFormedReply = 71,
  kFaEncapsulationUnavailable = 72,
  kFaReservedUnavailable = 73,
  kFaReverseTunnelUnavailable = 74,  // RFC 3024 3.4
  kFaReverseTunnelMandatory = 75,    // RFC 3024 3.4
  kFaMobileNodeTooDistant = 76,      // RFC 3024 3.4
  kFaInvalidCareOfAddress = 77,
  kFaRegistrationTimeout = 78,
  kFaDeliveryStyleUnsupported = 79,  // RFC 3024 3.4 ("not yet assigned by IANA" at publication)
  kFaHomeNetworkUnreachable = 80,
  kFaHomeAgentHostUnreachable = 81,
  kFaHomeAgentPortUnreachable = 82,
  kFaHomeAgentUnreachable = 88,
  kFaNonzeroHomeAddressRequired = 96,  // RFC 2794 5
  kFaMissingNai = 97,                  // RFC 2794 5
  kFaMissingHomeAgent = 98,            // RFC 2794 5
  kFaMissingHomeAddress = 99,          // RFC 2794 5
  kFaInvalidHomeAgentAddress = 194,
  // Denied by the home agent (RFC 5944 3.4)
  kHaUnspecified = 128,
  kHaAdminProhibited = 129,
  kHaInsufficientResources = 130,
  kHaMobileNodeFailedAuth = 131,
  kHaForeignAgentFailedAuth = 132,
  kHaIdentificationMismatch = 133,
  kHaPoorlyFormedRequest = 134,
  kHaTooManyBindings = 135,
  kHaUnknownHomeAgentAddress = 136,
  kHaReverseTunnelUnavailable = 137,     // RFC 3024 3.4
  kHaReverseTunnelMandatory = 138,       // RFC 3024 3.4
  kHaEncapsulationUnavailable = 139,     // RFC 3024 3.4
  kHaUdpEncapsulationUnavailable = 142,  // RFC 3519 3.5 / 8
};

// "registration accepted", "mobile node failed authentication", ...; "unassigned" for codes none of the four RFCs
// define.
std::string_view reply_code_name(uint8_t code);

// Who sends the code, from the list it appears in.
ReplyCodeOrigin reply_code_origin(uint8_t code);

// Codes 0 and 1 (RFC 5944 3.4 "Registration successful").
inline constexpr bool reply_code_accepted(uint8_t code) { return code <= 1; }

}  // namespace mipvpn::wire
