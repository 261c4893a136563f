// Names of IKE numbers: exchange types, payload types and notify message types of IKEv2 (RFC 7296 3.1, 3.2, 3.10.1;
// RFC 4555 6) and IKEv1/ISAKMP (RFC 2408 3.1, 3.14.1; RFC 2409 Appendix A; RFC 3947). Unknown numbers come back as
// "type N" / "exchange N" / "notify N", so a name is never empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mipvpn::wire {

// IKEv2 exchange types (RFC 7296 3.1) and the later ones implementations send.
enum IkeExchange : uint8_t {
  IkeSaInit = 34,
  IkeAuth = 35,
  CreateChildSa = 36,
  IkeInformational = 37,
  IkeSessionResume = 38,  // RFC 5723 (IANA registry; not in RFC 7296's table)
  IkeIntermediate = 43,   // RFC 9242 (IANA registry; not in RFC 7296's table)
};

// IKEv2 payload types (RFC 7296 3.2) plus the Encrypted Fragment payload (RFC 7383).
enum IkePayloadType : uint8_t {
  IkeNoNext = 0,
  IkeSa = 33,
  IkeKe = 34,
  IkeIdi = 35,
  IkeIdr = 36,
  IkeCert = 37,
  IkeCertReq = 38,
  IkeAuthPayload = 39,
  IkeNonce = 40,
  IkeNotifyPayload = 41,
  IkeDelete = 42,
  IkeVendorId = 43,
  IkeTsi = 44,
  IkeTsr = 45,
  IkeEncrypted = 46,  // SK
  IkeConfig = 47,
  IkeEap = 48,
  IkeEncryptedFragment = 53,  // SKF, RFC 7383 (IANA registry)
};

// IKEv2 notify message types of RFC 7296 3.10.1 and RFC 4555 6 that the harness refers to by name.
enum IkeNotifyType : uint16_t {
  NotifyUnsupportedCriticalPayload = 1,
  NotifyInvalidIkeSpi = 4,
  NotifyInvalidMajorVersion = 5,
  NotifyInvalidSyntax = 7,
  NotifyInvalidMessageId = 9,
  NotifyInvalidSpi = 11,
  NotifyNoProposalChosen = 14,
  NotifyInvalidKePayload = 17,
  NotifyAuthenticationFailed = 24,
  NotifyUnacceptableAddresses = 40,  // RFC 4555
  NotifyUnexpectedNatDetected = 41,  // RFC 4555
  NotifyInitialContact = 16384,
  NotifyNatDetectionSourceIp = 16388,
  NotifyNatDetectionDestinationIp = 16389,
  NotifyCookie = 16390,
  NotifyRekeySa = 16393,
  NotifyMobikeSupported = 16396,    // RFC 4555
  NotifyUpdateSaAddresses = 16400,  // RFC 4555
  NotifyCookie2 = 16401,            // RFC 4555
  NotifyNoNatsAllowed = 16402,      // RFC 4555
};

// IKEv1/ISAKMP exchange types (RFC 2408 3.1, RFC 2409 Appendix A).
enum IkeV1Exchange : uint8_t {
  IsakmpBase = 1,
  IsakmpIdentityProtection = 2,  // IKE Main Mode
  IsakmpAuthenticationOnly = 3,
  IsakmpAggressive = 4,
  IsakmpInformational = 5,
  IkeV1QuickMode = 32,
  IkeV1NewGroupMode = 33,
};

// IKEv1/ISAKMP payload types (RFC 2408 3.1, RFC 3947 for NAT-D and NAT-OA).
enum IkeV1PayloadType : uint8_t {
  IsakmpSa = 1,
  IsakmpProposal = 2,
  IsakmpTransform = 3,
  IsakmpKe = 4,
  IsakmpId = 5,
  IsakmpCert = 6,
  IsakmpCertReq = 7,
  IsakmpHash = 8,
  IsakmpSig = 9,
  IsakmpNonce = 10,
  IsakmpNotify = 11,
  IsakmpDelete = 12,
  IsakmpVendorId = 13,
  IsakmpNatD = 20,   // RFC 3947
  IsakmpNatOa = 21,  // RFC 3947
};

// "IKE_SA_INIT", ..., "exchange 99".
std::string ikev2_exchange_name(uint8_t exchange);
// "Main Mode", "Aggressive", "Quick Mode", ..., "exchange 99".
std::string ikev1_exchange_name(uint8_t exchange);
// RFC 7296 notation: "SA", "KE", "IDi", "N", "SK", ...; "Nonce" is given as "Ni" or "Nr" depending on `response`.
std::string ikev2_payload_name(uint8_t type, bool response = false);
// RFC 2408 notation: "SA", "P", "T", "KE", "ID", "HASH", "NONCE", "N", "D", "VID", "NAT-D", ...
std::string ikev1_payload_name(uint8_t type);
// "NAT_DETECTION_SOURCE_IP", ..., "notify 12345" (RFC 7296 3.10.1 and RFC 4555 6 tables).
std::string ikev2_notify_name(uint16_t type);
// A shorter form for one-line summaries ("NAT_D_SRC"); the full name where none is defined.
std::string ikev2_notify_short_name(uint16_t type);
// "INVALID-PAYLOAD-TYPE", ..., "notify 99" (RFC 2408 3.14.1 error types and the status types of 3.14.1/RFC 2407).
std::string ikev1_notify_name(uint16_t type);
// True for the IKEv2 payload types RFC 7296 itself defines (33-48), whose Critical bit "MUST be set to zero".
bool is_rfc7296_payload(uint8_t type);
// True for payload types defined anywhere the harness knows of (RFC 7296, RFC 7383).
bool is_known_ikev2_payload(uint8_t type);
// True for payload types RFC 2408 and RFC 3947 define for the main chain (1, 4-13, 20, 21).
bool is_known_ikev1_payload(uint8_t type);

}  // namespace mipvpn::wire
