#include "harness/wire/ike_validate.h"

#include "harness/wire/format.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"

#include <algorithm>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc7296 = "RFC 7296";
constexpr const char* kRfc2408 = "RFC 2408";
constexpr const char* kRfc2409 = "RFC 2409";

void add(std::vector<Violation>& out, const char* rfc, const char* section, const char* level, std::string text) {
  out.push_back(Violation{rfc, section, level, std::move(text)});
}

using detail::hex;

std::string n(size_t v) { return std::to_string(v); }

std::string where(const IkePayload& p, size_t index, const std::string& name) {
  return "payload[" + n(index) + "] (" + name + ") at offset " + n(p.offset);
}

// ---- IKEv2 ----------------------------------------------------------------------------------------------------------

// The unprotected messages RFC 7296 1.5 allows outside an IKE SA: an INVALID_SPI notification ("using zero values
// or random values are both acceptable") and INVALID_IKE_SPI / INVALID_MAJOR_VERSION responses.
bool is_unprotected_error(const IkeV2Message& m, bool* invalid_spi) {
  bool any = false;
  *invalid_spi = false;
  for (const auto& p : m.payloads()) {
    if (p.type != IkeNotifyPayload) continue;
    auto notify = IkeNotify::decode(p, IkeVersion::V2);
    if (!notify) continue;
    if (notify->type == NotifyInvalidSpi) *invalid_spi = true;
    if (notify->type == NotifyInvalidSpi || notify->type == NotifyInvalidIkeSpi ||
        notify->type == NotifyInvalidMajorVersion)
      any = true;
  }
  return any;
}

void check_v2_header(const IkeV2Message& m, std::vector<Violation>& out) {
  if (m.major_version() != 2) {
    add(out, kRfc7296, "3.1", "MUST",
        "major version is " + n(m.major_version()) +
            ": \"Implementations based on this version of IKE MUST set the major version to 2.\"");
  }
  if (m.minor_version() != 0) {
    add(out, kRfc7296, "3.1", "MUST",
        "minor version is " + n(m.minor_version()) +
            ": \"Implementations based on this version of IKE MUST set the minor version to 0.\"");
  }
  if (m.length() != m.header_size()) {
    add(out, kRfc7296, "3.1", "MUST",
        "Length is " + n(m.length()) + " but the UDP payload carries " + n(m.header_size()) +
            " bytes of IKE message (its payloads end at " + n(m.chain_end()) +
            "); Length is the \"Length of the total message (header + payloads) in octets\", "
            "\"with one IKE message per UDP datagram\"");
  }
  bool invalid_spi = false;
  const bool unprotected_error = is_unprotected_error(m, &invalid_spi);
  if (m.spi_i() == 0 && !(invalid_spi && m.encrypted() == nullptr)) {
    add(out, kRfc7296, "3.1", "MUST",
        "Initiator's SPI is zero: \"This value MUST NOT be zero.\" (only an unprotected INVALID_SPI notification, "
        "1.5, may use zero SPIs)");
  }
  if (m.exchange_type() == IkeSaInit && !m.r() && m.spi_r() != 0) {
    add(out, kRfc7296, "3.1", "MUST",
        "IKE_SA_INIT request carries Responder's SPI " + hex(m.spi_r(), 16) +
            ": \"This value MUST be zero in the first message of an IKE initial exchange (including repeats of that "
            "message including a cookie).\"");
  }
  if (m.exchange_type() == IkeSaInit && m.message_id() != 0) {
    add(out, kRfc7296, "2.2", "MUST",
        "IKE_SA_INIT message has Message ID " + n(m.message_id()) +
            ": \"The Message ID is a 32-bit quantity, which is zero for the IKE_SA_INIT messages (including retries "
            "of the message due to responses such as COOKIE and INVALID_KE_PAYLOAD)\"");
  }
  if ((m.flags() & IkeV2Message::kFlagsReserved) != 0) {
    add(out, kRfc7296, "3.1", "MUST",
        "Flags " + hex(m.flags(), 2) + " has reserved bits " + hex(m.flags() & IkeV2Message::kFlagsReserved, 2) +
            " set: \"'X' bits MUST be cleared when sending and MUST be ignored on receipt.\"");
  }
  if (m.v()) {
    add(out, kRfc7296, "3.1", "MUST",
        "the V (Version) flag is set: \"Implementations of IKEv2 MUST clear this bit when sending and MUST ignore it "
        "in incoming messages.\"");
  }
  const bool after_init =
      m.exchange_type() == IkeAuth || m.exchange_type() == CreateChildSa || m.exchange_type() == IkeInformational;
  if (after_init && m.encrypted() == nullptr && !unprotected_error) {
    add(out, kRfc7296, "1.2", "MUST",
        ikev2_exchange_name(m.exchange_type()) +
            " message without an Encrypted payload: \"All messages following the initial exchange are "
            "cryptographically protected\" and \"All subsequent messages include an Encrypted payload, even if they "
            "are referred to in the text as \"empty\".\"");
  }
}

void check_v2_payload_headers(const IkeV2Message& m, std::vector<Violation>& out);

void check_v2_chain(const IkeV2Message& m, std::vector<Violation>& out) {
  const auto& ps = m.payloads();
  const IkePayload* sk = m.encrypted();
  // A Length that disagrees with the datagram is reported once (3.1, above); the chain is judged against Length
  // only when Length itself is right.
  if (m.length() != m.header_size()) return check_v2_payload_headers(m, out);
  if (sk != nullptr && sk->offset + sk->length() < m.length()) {
    add(out, kRfc7296, "3.14", "MUST",
        "the " + ikev2_payload_name(sk->type) + " payload at offset " + n(sk->offset) + " ends at " +
            n(sk->offset + sk->length()) + " but Length is " + n(m.length()) +
            ": \"The Encrypted payload, if present in a message, MUST be the last payload in the message.\"");
  } else if (m.chain_end() != m.length()) {
    add(out, kRfc7296, "3.2", "MUST",
        "the header and " + n(ps.size()) + " payload(s) add up to " + n(m.chain_end()) + " bytes but Length is " +
            n(m.length()) +
            "; each Payload Length is the \"Length in octets of the current payload, including the generic payload "
            "header\"");
  }
  check_v2_payload_headers(m, out);
}

void check_v2_payload_headers(const IkeV2Message& m, std::vector<Violation>& out) {
  const auto& ps = m.payloads();
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    const std::string name = ikev2_payload_name(p.type, m.r());
    if (p.reserved != 0) {
      add(out, kRfc7296, "3.2", "MUST",
          where(p, i, name) + " has RESERVED bits " + hex(p.reserved, 2) +
              " in its generic header: \"MUST be sent as zero; MUST be ignored on receipt.\"");
    }
    if (p.critical && is_rfc7296_payload(p.type)) {
      add(out, kRfc7296, "3.2", "MUST",
          where(p, i, name) +
              " has the Critical bit set: \"MUST be set to zero for payload types defined in this document.\"");
    } else if (p.critical && m.r()) {
      add(out, kRfc7296, "2.5", "MUST",
          where(p, i, name) +
              " in a response has the Critical bit set: \"Payloads sent in IKE response messages MUST NOT have the "
              "critical flag set.\"");
    }
  }
}

// Returns false when the SA does not parse (then its D-H groups are unknown).
bool check_v2_sa(const IkeV2Message& m, const IkePayload& p, size_t i, std::vector<Violation>& out,
                 std::vector<uint16_t>& groups) {
  auto sa = IkeSecurityAssociation::decode(p, IkeVersion::V2);
  if (!sa) {
    add(out, kRfc7296, "3.3", "MUST",
        where(p, i, "SA") + " does not parse (" + sa.error().to_string() +
            "): \"When parsing an SA, an implementation MUST check that the total Payload Length is consistent "
            "with the payload's internal lengths and counts.\"");
    return false;
  }
  const auto dh = sa->dh_groups();
  groups.insert(groups.end(), dh.begin(), dh.end());
  const auto& props = sa->proposals;
  for (size_t k = 0; k < props.size(); ++k) {
    const auto& pr = props[k];
    const std::string at = "proposal " + n(k) + " at offset " + n(pr.offset);
    const uint8_t want_last = k + 1 < props.size() ? 2 : 0;
    if (pr.last != want_last) {
      add(out, kRfc7296, "3.3.1", "MUST",
          at + " has Last Substruc " + n(pr.last) + " where " + n(want_last) +
              " belongs: \"This field has a value of 0 if this was the last Proposal Substructure, and a value of 2 "
              "if there are more Proposal Substructures.\"");
    }
    if (!m.r() && pr.number != k + 1) {
      add(out, kRfc7296, "3.3.1", "MUST",
          at + " has Proposal Num " + n(pr.number) + " where " + n(k + 1) +
              " belongs: \"When a proposal is made, the first proposal in an SA payload MUST be 1, and subsequent "
              "proposals MUST be one more than the previous proposal\"");
    }
    if (m.exchange_type() == IkeSaInit && pr.protocol_id == 1 && !pr.spi.empty()) {
      add(out, kRfc7296, "3.3.1", "MUST",
          at + " (IKE) in IKE_SA_INIT has SPI Size " + n(pr.spi.size()) +
              ": \"For an initial IKE SA negotiation, this field MUST be zero; the SPI is obtained from the outer "
              "header.\"");
    }
    if (pr.reserved != 0) {
      add(out, kRfc7296, "3.3.1", "MUST",
          at + " has RESERVED " + n(pr.reserved) +
              ": \"RESERVED (1 octet) - MUST be sent as zero; MUST be ignored "
              "on receipt.\"");
    }
    for (size_t t = 0; t < pr.transforms.size(); ++t) {
      const auto& tr = pr.transforms[t];
      const uint8_t want = t + 1 < pr.transforms.size() ? 3 : 0;
      const std::string tat = "transform " + n(t) + " of " + at;
      if (tr.last != want) {
        add(out, kRfc7296, "3.3.2", "MUST",
            tat + " has Last Substruc " + n(tr.last) + " where " + n(want) +
                " belongs: \"This field has a value of 0 if this was the last Transform Substructure, and a value of "
                "3 if there are more Transform Substructures.\"");
      }
      if (tr.reserved != 0 || tr.reserved1 != 0) {
        add(out, kRfc7296, "3.3.2", "MUST",
            tat + " has a non-zero RESERVED field: \"RESERVED - MUST be sent as zero; MUST be ignored on receipt.\"");
      }
    }
  }
  return true;
}

void check_v2_ke(const IkePayload& p, size_t i, const std::vector<uint16_t>& groups, bool sa_present,
                 std::vector<Violation>& out) {
  auto ke = IkeKeyExchange::decode(p, IkeVersion::V2);
  if (!ke) {
    add(out, kRfc7296, "3.4", "MUST",
        where(p, i, "KE") + " is too short for Diffie-Hellman Group Num and RESERVED (" + ke.error().to_string() + ")");
    return;
  }
  if (ke->reserved != 0) {
    add(out, kRfc7296, "2.5", "MUST",
        where(p, i, "KE") + " has RESERVED " + hex(ke->reserved, 4) +
            ": \"all fields marked RESERVED MUST be set to zero by an implementation running version 2.0\"");
  }
  if (const auto size = modp_public_value_size(ke->group); size && ke->data.size() != *size) {
    add(out, kRfc7296, "3.4", "MUST",
        where(p, i, "KE") + " carries " + n(ke->data.size()) + " bytes for MODP group " + n(ke->group) + " (" +
            n(*size) +
            " expected): \"The length of the Diffie-Hellman public value for MODP groups MUST be equal to the length "
            "of the prime modulus over which the exponentiation was performed, prepending zero bits to the value if "
            "necessary.\"");
  }
  if (sa_present && std::find(groups.begin(), groups.end(), ke->group) == groups.end()) {
    add(out, kRfc7296, "3.4", "MUST",
        where(p, i, "KE") + " uses group " + n(ke->group) +
            ", which no proposal of this message's SA offers: \"This Diffie-Hellman Group Num MUST match a "
            "Diffie-Hellman group specified in a proposal in the SA payload that is sent in the same message\"");
  }
}

void check_v2_bodies(const IkeV2Message& m, std::vector<Violation>& out) {
  const auto& ps = m.payloads();
  std::vector<uint16_t> groups;
  bool sa_known = false;  // an SA is present and every SA parsed: the KE group can be checked against it
  bool sa_failed = false;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].type != IkeSa) continue;
    sa_known = true;
    if (!check_v2_sa(m, ps[i], i, out, groups)) sa_failed = true;
  }
  if (sa_failed) sa_known = false;
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    if (p.type == IkeKe) check_v2_ke(p, i, groups, sa_known, out);
    if (p.type == IkeNonce && (p.body.size() < 16 || p.body.size() > 256)) {
      add(out, kRfc7296, "3.9", "MUST",
          where(p, i, ikev2_payload_name(p.type, m.r())) + " carries " + n(p.body.size()) +
              " bytes of Nonce Data: \"The size of the Nonce Data MUST be between 16 and 256 octets, inclusive.\"");
    }
    if (p.type == IkeNotifyPayload) {
      auto notify = IkeNotify::decode(p, IkeVersion::V2);
      if (!notify) {
        add(out, kRfc7296, "3.10", "MUST",
            where(p, i, "N") + " does not hold the Notify fixed part and its SPI (" + notify.error().to_string() + ")");
      } else if (notify->spi.empty() && notify->protocol_id != 0) {
        add(out, kRfc7296, "3.10", "MUST",
            where(p, i, "N(" + ikev2_notify_name(notify->type) + ")") + " has no SPI but Protocol ID " +
                n(notify->protocol_id) +
                ": \"If the SPI field is empty, this field MUST be sent as zero and MUST be ignored on receipt.\"");
      }
    }
    if (p.type == IkeDelete) {
      auto d = IkeDeletePayload::decode(p, IkeVersion::V2);
      if (!d) {
        add(out, kRfc7296, "3.11", "MUST", where(p, i, "D") + " is too short (" + d.error().to_string() + ")");
        continue;
      }
      const uint8_t want = d->protocol_id == 1 ? 0 : 4;
      if ((d->protocol_id >= 1 && d->protocol_id <= 3) && d->spi_size != want) {
        add(out, kRfc7296, "3.11", "MUST",
            where(p, i, "D") + " for protocol " + n(d->protocol_id) + " has SPI Size " + n(d->spi_size) +
                ": \"It MUST be zero for IKE (SPI is in message header) or four for AH and ESP.\"");
      } else if (size_t{d->spi_size} * d->num_spis != d->spis.size()) {
        add(out, kRfc7296, "3.11", "MUST",
            where(p, i, "D") + " announces " + n(d->num_spis) + " SPIs of " + n(d->spi_size) + " bytes but carries " +
                n(d->spis.size()) +
                " bytes of SPIs: \"The length of this field is determined by the SPI Size and Num of SPIs fields.\"");
      }
    }
  }
}

// ---- IKEv1 ----------------------------------------------------------------------------------------------------------

bool is_phase1(uint8_t exchange) { return exchange >= IsakmpBase && exchange <= IsakmpAggressive; }

bool valid_v1_exchange(uint8_t x) {
  return (x >= IsakmpBase && x <= IsakmpInformational) || x == IkeV1QuickMode || x == IkeV1NewGroupMode || x >= 240;
}

bool valid_v1_next(uint8_t t) { return is_known_ikev1_payload(t) || t >= 128; }

void check_v1_next(uint8_t next, const std::string& what, std::vector<Violation>& out) {
  if (next == IsakmpProposal || next == IsakmpTransform) {
    add(out, kRfc2408, "3.4", "MUST",
        what + " has Next Payload " + n(next) + " (" + ikev1_payload_name(next) +
            "): \"This field MUST NOT contain the values for the Proposal or Transform payloads as they are "
            "considered part of the security association negotiation.\"");
  } else if (next != 0 && !valid_v1_next(next)) {
    add(out, kRfc2408, "5.3", "MUST",
        what + " has Next Payload " + n(next) +
            ", a RESERVED payload type (14-127; RFC 3947 uses 20 and 21): \"Check the Next Payload field to confirm "
            "it is valid.\"");
  }
}

void check_v1_sa(const IkeV1Message& m, const IkePayload& p, size_t i, std::vector<Violation>& out) {
  auto sa = IkeSecurityAssociation::decode(p, IkeVersion::V1);
  if (!sa) {
    add(out, kRfc2408, "3.4", "MUST",
        where(p, i, "SA") + " does not parse (" + sa.error().to_string() +
            "); its Payload Length is the \"Length in octets of the entire Security Association payload, including "
            "the SA payload, all Proposal payloads, and all Transform payloads associated with the proposed "
            "Security Association.\"");
    return;
  }
  const auto& props = sa->proposals;
  if (is_phase1(m.exchange_type()) && props.size() > 1) {
    add(out, kRfc2409, "5", "MUST",
        where(p, i, "SA") + " of a phase 1 exchange carries " + n(props.size()) +
            " Proposal payloads: \"for phase 1 exchanges there MUST NOT be multiple Proposal Payloads for a single "
            "SA payload and there MUST NOT be multiple SA payloads.\"");
  }
  for (size_t k = 0; k < props.size(); ++k) {
    const auto& pr = props[k];
    const uint8_t want = k + 1 < props.size() ? 2 : 0;
    if (pr.last != want) {
      add(out, kRfc2408, "3.5", "MUST",
          "Proposal payload " + n(k) + " at offset " + n(pr.offset) + " has Next Payload " + n(pr.last) + " where " +
              n(want) + " belongs: \"This field MUST only contain the value \"2\" or \"0\".\"");
    }
    for (size_t t = 0; t < pr.transforms.size(); ++t) {
      const auto& tr = pr.transforms[t];
      const uint8_t want_t = t + 1 < pr.transforms.size() ? 3 : 0;
      if (tr.last != want_t) {
        add(out, kRfc2408, "3.6", "MUST",
            "Transform payload " + n(t) + " at offset " + n(tr.offset) + " has Next Payload " + n(tr.last) + " where " +
                n(want_t) + " belongs: \"This field MUST only contain the value \"3\" or \"0\".\"");
      }
      if (tr.reserved != 0 || tr.reserved2 != 0) {
        add(out, kRfc2408, "5.3", "MUST",
            "Transform payload " + n(t) + " at offset " + n(tr.offset) +
                " has a non-zero RESERVED field: \"Place the value zero (0) in the RESERVED field.\"");
      }
    }
    if (pr.reserved != 0) {
      add(out, kRfc2408, "5.3", "MUST",
          "Proposal payload " + n(k) + " at offset " + n(pr.offset) +
              " has a non-zero RESERVED field: \"Place the value zero (0) in the RESERVED field.\"");
    }
  }
}

}  // namespace

std::vector<Violation> validate(const IkeV2Message& m) {
  std::vector<Violation> out;
  check_v2_header(m, out);
  check_v2_chain(m, out);
  check_v2_bodies(m, out);
  return out;
}

std::vector<Violation> validate(const IkeV1Message& m) {
  std::vector<Violation> out;
  if (m.major_version() != 1) {
    add(out, kRfc2408, "3.1", "MUST",
        "Major Version is " + n(m.major_version()) +
            ": \"Implementations based on this version of the ISAKMP Internet-Draft MUST set the Major Version to "
            "1.\"");
  }
  if (m.minor_version() != 0) {
    add(out, kRfc2408, "3.1", "MUST",
        "Minor Version is " + n(m.minor_version()) +
            ": \"Implementations based on this version of the ISAKMP Internet-Draft MUST set the Minor Version to "
            "0.\"");
  }
  if (m.length() != m.header_size()) {
    add(out, kRfc2408, "3.1", "MUST",
        "Length is " + n(m.length()) + " but the UDP payload carries " + n(m.header_size()) +
            " bytes of ISAKMP message; Length is the \"Length of total message (header + payloads) in octets.\"");
  }
  if (!m.e() && m.length() == m.header_size() && m.chain_end() != m.length()) {
    add(out, kRfc2408, "3.2", "MUST",
        "the header and " + n(m.payloads().size()) + " payload(s) add up to " + n(m.chain_end()) +
            " bytes but Length is " + n(m.length()) +
            "; each Payload Length is the \"Length in octets of the current payload, including the generic payload "
            "header.\"");
  }
  if ((m.flags() & IkeV1Message::kFlagsReserved) != 0) {
    add(out, kRfc2408, "3.1", "MUST",
        "Flags " + hex(m.flags(), 2) + " has bits " + hex(m.flags() & IkeV1Message::kFlagsReserved, 2) +
            " beyond E, C and A set: \"The remaining bits of the Flags field MUST be set to 0 prior to "
            "transmission.\"");
  }
  if (is_phase1(m.exchange_type()) && m.message_id() != 0) {
    add(out, kRfc2408, "3.1", "MUST",
        ikev1_exchange_name(m.exchange_type()) + " (a phase 1 exchange) has Message ID " + hex(m.message_id(), 8) +
            ": \"During Phase 1 negotiations, the value MUST be set to 0.\"");
  }
  if (!valid_v1_exchange(m.exchange_type())) {
    add(out, kRfc2408, "5.2", "MUST",
        "Exchange Type " + n(m.exchange_type()) +
            " is neither an ISAKMP exchange (1-5), an IKE one (RFC 2409: 32, 33) nor Private Use (240-255): \"Check "
            "the Exchange Type field to confirm it is valid.\"");
  }
  check_v1_next(m.next_payload(), "the header", out);
  const auto& ps = m.payloads();
  size_t sa_count = 0;
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    const std::string name = ikev1_payload_name(p.type);
    check_v1_next(p.next, where(p, i, name), out);
    if (p.reserved != 0) {
      add(out, kRfc2408, "5.3", "MUST",
          where(p, i, name) + " has RESERVED " + n(p.reserved) +
              " in its generic header: \"Place the value zero (0) in the RESERVED field.\"");
    }
    if (p.type == IsakmpSa) {
      ++sa_count;
      if (i != 0 && sa_count == 1 && is_phase1(m.exchange_type())) {
        add(out, kRfc2409, "5", "MUST",
            where(p, i, name) + " is not the first payload of a " + ikev1_exchange_name(m.exchange_type()) +
                " message: \"The SA payload MUST precede all other payloads in a phase 1 exchange.\"");
      }
      check_v1_sa(m, p, i, out);
    }
    if (p.type == IsakmpNotify) {
      auto notify = IkeNotify::decode(p, IkeVersion::V1);
      if (!notify)
        add(out, kRfc2408, "3.14", "MUST",
            where(p, i, name) + " does not hold DOI, Protocol-ID, SPI Size, Notify Message Type and the SPI (" +
                notify.error().to_string() + ")");
    }
  }
  if (sa_count > 1 && is_phase1(m.exchange_type())) {
    add(out, kRfc2409, "5", "MUST",
        n(sa_count) +
            " SA payloads in a phase 1 message: \"for phase 1 exchanges there MUST NOT be multiple "
            "Proposal Payloads for a single SA payload and there MUST NOT be multiple SA payloads.\"");
  }
  return out;
}

}  // namespace mipvpn::wire
