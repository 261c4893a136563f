#include "harness/wire/ike_names.h"

#include <array>
#include <utility>

namespace mipvpn::wire {
namespace {

template <class T, size_t N>
const char* lookup(const std::array<std::pair<T, const char*>, N>& table, T key) {
  for (const auto& [k, v] : table)
    if (k == key) return v;
  return nullptr;
}

constexpr std::array<std::pair<uint8_t, const char*>, 6> kV2Exchanges{{
    {34, "IKE_SA_INIT"},
    {35, "IKE_AUTH"},
    {36, "CREATE_CHILD_SA"},
    {37, "INFORMATIONAL"},
    {38, "IKE_SESSION_RESUME"},
    {43, "IKE_INTERMEDIATE"},
}};

constexpr std::array<std::pair<uint8_t, const char*>, 8> kV1Exchanges{{
    {0, "NONE"},
    {1, "Base"},
    {2, "Main Mode"},  // RFC 2408 "Identity Protection"; RFC 2409 5 instantiates it as Main Mode
    {3, "Authentication Only"},
    {4, "Aggressive"},
    {5, "Informational"},
    {32, "Quick Mode"},
    {33, "New Group Mode"},
}};

// Nonce (40) is named by the caller: Ni or Nr.
constexpr std::array<std::pair<uint8_t, const char*>, 17> kV2Payloads{{
    {0, "none"},
    {33, "SA"},
    {34, "KE"},
    {35, "IDi"},
    {36, "IDr"},
    {37, "CERT"},
    {38, "CERTREQ"},
    {39, "AUTH"},
    {41, "N"},
    {42, "D"},
    {43, "V"},
    {44, "TSi"},
    {45, "TSr"},
    {46, "SK"},
    {47, "CP"},
    {48, "EAP"},
    {53, "SKF"},
}};

constexpr std::array<std::pair<uint8_t, const char*>, 16> kV1Payloads{{
    {0, "none"},
    {1, "SA"},
    {2, "P"},
    {3, "T"},
    {4, "KE"},
    {5, "ID"},
    {6, "CERT"},
    {7, "CR"},
    {8, "HASH"},
    {9, "SIG"},
    {10, "NONCE"},
    {11, "N"},
    {12, "D"},
    {13, "VID"},
    {20, "NAT-D"},
    {21, "NAT-OA"},
}};

constexpr std::array<std::pair<uint16_t, const char*>, 43> kV2Notifies{{
    // RFC 7296 3.10.1, error types
    {1, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {4, "INVALID_IKE_SPI"},
    {5, "INVALID_MAJOR_VERSION"},
    {7, "INVALID_SYNTAX"},
    {9, "INVALID_MESSAGE_ID"},
    {11, "INVALID_SPI"},
    {14, "NO_PROPOSAL_CHOSEN"},
    {17, "INVALID_KE_PAYLOAD"},
    {24, "AUTHENTICATION_FAILED"},
    {34, "SINGLE_PAIR_REQUIRED"},
    {35, "NO_ADDITIONAL_SAS"},
    {36, "INTERNAL_ADDRESS_FAILURE"},
    {37, "FAILED_CP_REQUIRED"},
    {38, "TS_UNACCEPTABLE"},
    {39, "INVALID_SELECTORS"},
    {43, "TEMPORARY_FAILURE"},
    {44, "CHILD_SA_NOT_FOUND"},
    // RFC 4555 6, error types
    {40, "UNACCEPTABLE_ADDRESSES"},
    {41, "UNEXPECTED_NAT_DETECTED"},
    // RFC 7296 3.10.1, status types
    {16384, "INITIAL_CONTACT"},
    {16385, "SET_WINDOW_SIZE"},
    {16386, "ADDITIONAL_TS_POSSIBLE"},
    {16387, "IPCOMP_SUPPORTED"},
    {16388, "NAT_DETECTION_SOURCE_IP"},
    {16389, "NAT_DETECTION_DESTINATION_IP"},
    {16390, "COOKIE"},
    {16391, "USE_TRANSPORT_MODE"},
    {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {16393, "REKEY_SA"},
    {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"},
    {16395, "NON_FIRST_FRAGMENTS_ALSO"},
    // RFC 4555 6, status types
    {16396, "MOBIKE_SUPPORTED"},
    {16397, "ADDITIONAL_IP4_ADDRESS"},
    {16398, "ADDITIONAL_IP6_ADDRESS"},
    {16399, "NO_ADDITIONAL_ADDRESSES"},
    {16400, "UPDATE_SA_ADDRESSES"},
    {16401, "COOKIE2"},
    {16402, "NO_NATS_ALLOWED"},
    // Status types common in strongSwan/libreswan captures (IANA registry, names as Wireshark's isakmp dissector
    // gives them): redirect (RFC 5685), childless (RFC 6023), fragmentation (RFC 7383), signature hashes (RFC 7427).
    {16406, "REDIRECT_SUPPORTED"},
    {16407, "REDIRECT"},
    {16418, "CHILDLESS_IKEV2_SUPPORTED"},
    {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {16431, "SIGNATURE_HASH_ALGORITHMS"},
}};

constexpr std::array<std::pair<uint16_t, const char*>, 34> kV1Notifies{{
    {1, "INVALID-PAYLOAD-TYPE"},
    {2, "DOI-NOT-SUPPORTED"},
    {3, "SITUATION-NOT-SUPPORTED"},
    {4, "INVALID-COOKIE"},
    {5, "INVALID-MAJOR-VERSION"},
    {6, "INVALID-MINOR-VERSION"},
    {7, "INVALID-EXCHANGE-TYPE"},
    {8, "INVALID-FLAGS"},
    {9, "INVALID-MESSAGE-ID"},
    {10, "INVALID-PROTOCOL-ID"},
    {11, "INVALID-SPI"},
    {12, "INVALID-TRANSFORM-ID"},
    {13, "ATTRIBUTES-NOT-SUPPORTED"},
    {14, "NO-PROPOSAL-CHOSEN"},
    {15, "BAD-PROPOSAL-SYNTAX"},
    {16, "PAYLOAD-MALFORMED"},
    {17, "INVALID-KEY-INFORMATION"},
    {18, "INVALID-ID-INFORMATION"},
    {19, "INVALID-CERT-ENCODING"},
    {20, "INVALID-CERTIFICATE"},
    {21, "CERT-TYPE-UNSUPPORTED"},
    {22, "INVALID-CERT-AUTHORITY"},
    {23, "INVALID-HASH-INFORMATION"},
    {24, "AUTHENTICATION-FAILED"},
    {25, "INVALID-SIGNATURE"},
    {26, "ADDRESS-NOTIFICATION"},
    {27, "NOTIFY-SA-LIFETIME"},
    {28, "CERTIFICATE-UNAVAILABLE"},
    {29, "UNSUPPORTED-EXCHANGE-TYPE"},
    {30, "UNEQUAL-PAYLOAD-LENGTHS"},
    {16384, "CONNECTED"},
    {24576, "RESPONDER-LIFETIME"},  // RFC 2407 4.6.3
    {24577, "REPLAY-STATUS"},
    {24578, "INITIAL-CONTACT"},
}};

}  // namespace

std::string ikev2_exchange_name(uint8_t exchange) {
  if (const char* n = lookup(kV2Exchanges, exchange)) return n;
  return "exchange " + std::to_string(exchange);
}

std::string ikev1_exchange_name(uint8_t exchange) {
  if (const char* n = lookup(kV1Exchanges, exchange)) return n;
  return "exchange " + std::to_string(exchange);
}

std::string ikev2_payload_name(uint8_t type, bool response) {
  if (type == IkeNonce) return response ? "Nr" : "Ni";
  if (const char* n = lookup(kV2Payloads, type)) return n;
  return "type " + std::to_string(type);
}

std::string ikev1_payload_name(uint8_t type) {
  if (const char* n = lookup(kV1Payloads, type)) return n;
  return "type " + std::to_string(type);
}

std::string ikev2_notify_name(uint16_t type) {
  if (const char* n = lookup(kV2Notifies, type)) return n;
  return "notify " + std::to_string(type);
}

std::string ikev2_notify_short_name(uint16_t type) {
  if (type == NotifyNatDetectionSourceIp) return "NAT_D_SRC";
  if (type == NotifyNatDetectionDestinationIp) return "NAT_D_DST";
  return ikev2_notify_name(type);
}

std::string ikev1_notify_name(uint16_t type) {
  if (const char* n = lookup(kV1Notifies, type)) return n;
  return "notify " + std::to_string(type);
}

bool is_rfc7296_payload(uint8_t type) { return type >= IkeSa && type <= IkeEap; }

bool is_known_ikev2_payload(uint8_t type) { return is_rfc7296_payload(type) || type == IkeEncryptedFragment; }

bool is_known_ikev1_payload(uint8_t type) {
  return type == IsakmpSa || (type >= IsakmpKe && type <= IsakmpVendorId) || type == IsakmpNatD || type == IsakmpNatOa;
}

}  // namespace mipvpn::wire
