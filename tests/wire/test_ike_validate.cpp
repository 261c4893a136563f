// Every rule of validate(IkeV2Message) and validate(IkeV1Message) shown to fire on a message that breaks exactly it,
// and not on conforming messages; every quoted sentence found verbatim in the RFC text.
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ike_validate.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/ike_samples.h"
#include "tests/wire/rfc_text.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <sstream>

namespace mipvpn::wire {
namespace {

namespace s = ike_samples;
namespace b = ike_builders;

std::string dump(const std::vector<Violation>& v) {
  std::string out;
  for (const auto& x : v) out += x.rfc + " " + x.section + " " + x.level + ": " + x.text + "\n";
  return out;
}

// ---- quotes ---------------------------------------------------------------------------------------------------------

// Each quoted piece (between double quotes) of 12 characters or more must be in the RFC the violation names.
void expect_quotes_verbatim(const Violation& v) {
  const std::string& rfc = rfc::text(v.rfc);
  if (rfc.empty()) return;  // texts not available: checked where they are
  std::vector<std::string> parts;
  std::string cur;
  for (char c : v.text) {
    if (c == '"') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  bool any = false;
  for (size_t i = 1; i < parts.size(); i += 2) {
    const std::string piece = rfc::squeeze(parts[i]);
    if (piece.size() < 12) continue;
    any = true;
    EXPECT_NE(rfc.find(piece), std::string::npos) << v.rfc << " " << v.section << ": not verbatim: " << piece;
  }
  (void)any;
}

// Exactly one violation with this RFC, section and level whose text contains `needle`.
void expect_only(const std::vector<Violation>& v, const std::string& rfc, const std::string& section,
                 const std::string& needle, const std::string& level = "MUST") {
  ASSERT_EQ(v.size(), 1u) << dump(v);
  EXPECT_EQ(v[0].rfc, rfc) << dump(v);
  EXPECT_EQ(v[0].section, section) << dump(v);
  EXPECT_EQ(v[0].level, level) << dump(v);
  EXPECT_NE(v[0].text.find(needle), std::string::npos) << dump(v);
  expect_quotes_verbatim(v[0]);
}

void expect_none(const std::vector<Violation>& v) { EXPECT_TRUE(v.empty()) << dump(v); }

// ---- IKEv2 helpers --------------------------------------------------------------------------------------------------

IkeV2Message decoded(const std::vector<uint8_t>& bytes) {
  auto m = IkeV2Message::decode(bytes);
  EXPECT_TRUE(m) << m.error().to_string();
  return std::move(m).value();
}

// Replaces payload i's body (and the Length, which follows the encoding).
IkeV2Message with_body(IkeV2Message m, size_t i, std::vector<uint8_t> body) {
  auto ps = m.payloads();
  ps[i].body = std::move(body);
  m.payloads(std::move(ps));
  m.auto_length();
  return m;
}

IkeSecurityAssociation golden_sa() {
  return IkeSecurityAssociation::decode(b::build_sa_init().payloads()[0], IkeVersion::V2).value();
}

IkeV2Message with_sa(const IkeSecurityAssociation& sa) {
  return with_body(b::build_sa_init(), 0, sa.body(IkeVersion::V2));
}

// A response from the original responder to the golden IKE_SA_INIT: SA (the chosen proposal), KE, Nr, NAT-D.
IkeV2Message sa_init_response() {
  IkeV2Message m(s::kSpiI, s::kSpiR, IkeSaInit, IkeV2Message::kFlagR, 0);
  m.add_payload(IkeSa, golden_sa().body(IkeVersion::V2));
  m.add_payload(IkeKe, IkeKeyExchange{14, 0, s::fill(256, 0x5a)}.body(IkeVersion::V2));
  m.add_payload(IkeNonce, s::fill(32, 0x33));
  m.add_payload(IkeNotifyPayload, IkeNotify{0, 0, NotifyNatDetectionSourceIp, {}, s::fill(20, 1)}.body(IkeVersion::V2));
  return m;
}

std::vector<uint8_t> notify(uint16_t type, uint8_t protocol = 0, std::vector<uint8_t> spi = {},
                            std::vector<uint8_t> data = {}) {
  return IkeNotify{0, protocol, type, std::move(spi), std::move(data)}.body(IkeVersion::V2);
}

TEST(ValidateIkeV2, ConformingMessagesHaveNoViolation) {
  expect_none(validate(decoded(s::sa_init_request())));
  expect_none(validate(decoded(s::ike_auth_request())));
  expect_none(validate(decoded(s::informational_response())));
  expect_none(validate(sa_init_response()));
  IkeV2Message child(s::kSpiI, s::kSpiR, CreateChildSa, IkeV2Message::kFlagI, 3);
  child.add_encrypted(IkeSa, s::fill(96, 0));
  expect_none(validate(child));
  // IKE_SA_INIT COOKIE response with a zero responder SPI: allowed.
  IkeV2Message cookie(s::kSpiI, 0, IkeSaInit, IkeV2Message::kFlagR, 0);
  cookie.add_payload(IkeNotifyPayload, notify(NotifyCookie, 0, {}, s::fill(16, 9)));
  expect_none(validate(cookie));
  // Unprotected notifications outside an IKE SA (1.5): INVALID_SPI with zero SPIs, INVALID_IKE_SPI response.
  IkeV2Message invalid_spi(0, 0, IkeInformational, IkeV2Message::kFlagI, 0);
  invalid_spi.add_payload(IkeNotifyPayload, notify(NotifyInvalidSpi, 0, {}, {0xde, 0xad, 0xbe, 0xef}));
  expect_none(validate(invalid_spi));
  IkeV2Message invalid_ike_spi(s::kSpiI, s::kSpiR, IkeAuth, IkeV2Message::kFlagR, 1);
  invalid_ike_spi.add_payload(IkeNotifyPayload, notify(NotifyInvalidIkeSpi));
  expect_none(validate(invalid_ike_spi));
  // A critical payload of a type RFC 7296 does not define, in a request: the sender's right (2.5).
  IkeV2Message critical_private = b::build_sa_init();
  critical_private.add_payload(200, {1, 2}, true);
  expect_none(validate(critical_private));
}

TEST(ValidateIkeV2, MajorAndMinorVersion) {
  auto m = b::build_sa_init();
  m.version(0x30);
  expect_only(validate(m), "RFC 7296", "3.1", "major version is 3");
  m.version(0x21);
  expect_only(validate(m), "RFC 7296", "3.1", "minor version is 1");
}

TEST(ValidateIkeV2, LengthMustEqualTheDatagram) {
  auto m = b::build_sa_init();
  m.length(500);
  expect_only(validate(m), "RFC 7296", "3.1", "Length is 500 but the UDP payload carries 432");
  // Bytes after the chain inside Length: the payload lengths do not add up to Length.
  auto bytes = s::sa_init_request();
  bytes.insert(bytes.end(), {0, 0, 0, 0});
  bytes[27] = 0xb4;  // Length 436
  expect_only(validate(decoded(bytes)), "RFC 7296", "3.2", "add up to 432 bytes but Length is 436");
  // The same bytes with Length 432: the datagram is longer than the message.
  bytes[27] = 0xb0;
  expect_only(validate(decoded(bytes)), "RFC 7296", "3.1", "Length is 432 but the UDP payload carries 436");
}

TEST(ValidateIkeV2, InitiatorSpiNeverZero) {
  auto m = b::build_sa_init();
  m.spi_i(0);
  expect_only(validate(m), "RFC 7296", "3.1", "Initiator's SPI is zero");
  // INVALID_SPI inside SK is not the 1.5 exception.
  IkeV2Message informational(0, s::kSpiR, IkeInformational, IkeV2Message::kFlagI, 4);
  informational.add_encrypted(IkeNotifyPayload, s::fill(64, 0));
  expect_only(validate(informational), "RFC 7296", "3.1", "Initiator's SPI is zero");
}

TEST(ValidateIkeV2, ResponderSpiZeroInTheFirstMessage) {
  auto m = b::build_sa_init();
  m.spi_r(0x1234);
  expect_only(validate(m), "RFC 7296", "3.1", "IKE_SA_INIT request carries Responder's SPI 0x0000000000001234");
  expect_none(validate(sa_init_response()));  // the response is where SPIr appears
}

TEST(ValidateIkeV2, MessageIdZeroInIkeSaInit) {
  auto m = b::build_sa_init();
  m.message_id(1);
  expect_only(validate(m), "RFC 7296", "2.2", "IKE_SA_INIT message has Message ID 1");
  auto r = sa_init_response();
  r.message_id(7);
  expect_only(validate(r), "RFC 7296", "2.2", "Message ID 7");
}

TEST(ValidateIkeV2, ReservedAndVersionFlags) {
  for (int bit : {0x01, 0x02, 0x04, 0x40, 0x80}) {
    auto m = b::build_sa_init();
    m.flags(static_cast<uint8_t>(0x08 | bit));
    expect_only(validate(m), "RFC 7296", "3.1", "reserved bits");
  }
  auto m = b::build_sa_init();
  m.v(true);
  expect_only(validate(m), "RFC 7296", "3.1", "V (Version) flag is set");
}

TEST(ValidateIkeV2, GenericHeaderReservedAndCritical) {
  auto ps = b::build_sa_init().payloads();
  auto m = b::build_sa_init();
  ps[2].reserved = 0x01;
  m.payloads(ps);
  expect_only(validate(m), "RFC 7296", "3.2", "RESERVED bits 0x01");
  ps[2].reserved = 0;
  ps[2].critical = true;
  m.payloads(ps);
  expect_only(validate(m), "RFC 7296", "3.2", "payload[2] (Ni) at offset 340 has the Critical bit set");
  // A type RFC 7296 does not define, critical, in a response.
  auto r = sa_init_response();
  r.add_payload(200, {}, true);
  expect_only(validate(r), "RFC 7296", "2.5", "in a response has the Critical bit set");
}

TEST(ValidateIkeV2, EncryptedPayloadLast) {
  auto bytes = s::ike_auth_request();
  bytes.insert(bytes.end(), {0x00, 0x00, 0x00, 0x08, 1, 2, 3, 4});
  bytes[27] = 0x88;  // Length 136 covers them
  expect_only(validate(decoded(bytes)), "RFC 7296", "3.14", "ends at 128 but Length is 136");
}

TEST(ValidateIkeV2, EncryptedPayloadAfterTheInitialExchange) {
  for (uint8_t exchange : {IkeAuth, CreateChildSa, IkeInformational}) {
    IkeV2Message m(s::kSpiI, s::kSpiR, exchange, IkeV2Message::kFlagI, 1);
    m.add_payload(IkeNotifyPayload, notify(NotifyInitialContact));
    expect_only(validate(m), "RFC 7296", "1.2", "without an Encrypted payload");
  }
  IkeV2Message empty(s::kSpiI, s::kSpiR, IkeInformational, IkeV2Message::kFlagI, 2);
  expect_only(validate(empty), "RFC 7296", "1.2", "INFORMATIONAL message without an Encrypted payload");
  IkeV2Message fragment(s::kSpiI, s::kSpiR, IkeAuth, IkeV2Message::kFlagI, 1);
  fragment.add_payload(IkeEncryptedFragment, s::fill(40, 0));
  expect_none(validate(fragment));
}

TEST(ValidateIkeV2, NonceSize) {
  for (size_t size : {15u, 257u}) {
    expect_only(validate(with_body(b::build_sa_init(), 2, s::fill(size, 1))), "RFC 7296", "3.9",
                "carries " + std::to_string(size) + " bytes of Nonce Data");
  }
  for (size_t size : {16u, 256u}) expect_none(validate(with_body(b::build_sa_init(), 2, s::fill(size, 1))));
}

TEST(ValidateIkeV2, NotifyBodies) {
  expect_only(validate(with_body(b::build_sa_init(), 3, notify(NotifyNatDetectionSourceIp, 3, {}, s::fill(20, 1)))),
              "RFC 7296", "3.10", "has no SPI but Protocol ID 3");
  expect_only(validate(with_body(b::build_sa_init(), 3, {0x00, 0x00, 0x40})), "RFC 7296", "3.10",
              "does not hold the Notify fixed part");
  expect_only(validate(with_body(b::build_sa_init(), 3, {0x03, 0x04, 0x40, 0x09, 0x01})), "RFC 7296", "3.10",
              "field notify.spi");
  // With an SPI, a Protocol ID is what it needs.
  expect_none(validate(with_body(b::build_sa_init(), 3, notify(NotifyRekeySa, 3, {1, 2, 3, 4}))));
}

TEST(ValidateIkeV2, KeyExchange) {
  auto ke = [](uint16_t group, uint16_t reserved, size_t size) {
    return with_body(b::build_sa_init(), 1, IkeKeyExchange{group, reserved, s::fill(size, 7)}.body(IkeVersion::V2));
  };
  expect_only(validate(ke(14, 1, 256)), "RFC 7296", "2.5", "KE) at offset 76 has RESERVED 0x0001");
  expect_only(validate(ke(14, 0, 255)), "RFC 7296", "3.4", "carries 255 bytes for MODP group 14 (256 expected)");
  expect_only(validate(ke(15, 0, 384)), "RFC 7296", "3.4", "uses group 15, which no proposal of this message's SA");
  expect_only(validate(with_body(b::build_sa_init(), 1, {0, 14})), "RFC 7296", "3.4",
              "too short for Diffie-Hellman Group Num");
  // Without an SA in the message (CREATE_CHILD_SA contents are encrypted; here a bare KE) the group is not judged.
  IkeV2Message no_sa(s::kSpiI, 0, IkeSaInit, IkeV2Message::kFlagI, 0);
  no_sa.add_payload(IkeKe, IkeKeyExchange{19, 0, s::fill(64, 1)}.body(IkeVersion::V2));
  expect_none(validate(no_sa));
}

TEST(ValidateIkeV2, SecurityAssociationStructure) {
  // Lengths and counts: a proposal whose Num Transforms lies. Only the 3.3 rule fires (the KE group is not judged
  // against an SA that does not parse).
  auto body = golden_sa().body(IkeVersion::V2);
  body[7] = 5;
  expect_only(validate(with_body(b::build_sa_init(), 0, body)), "RFC 7296", "3.3", "sa.proposal[0].num_transforms");

  auto sa = golden_sa();
  auto second = sa.proposals[0];
  second.number = 3;
  sa.proposals.push_back(second);
  expect_only(validate(with_sa(sa)), "RFC 7296", "3.3.1", "proposal 1 at offset 76 has Proposal Num 3 where 2");
  sa.proposals[1].number = 2;
  expect_none(validate(with_sa(sa)));

  // A responder returns the number of the proposal it accepted (3.3.1), e.g. 2.
  auto chosen = golden_sa();
  chosen.proposals[0].number = 2;
  auto resp = sa_init_response();
  expect_none(validate(with_body(resp, 0, chosen.body(IkeVersion::V2))));

  auto with_spi = golden_sa();
  with_spi.proposals[0].spi = s::fill(8, 1);
  expect_only(validate(with_sa(with_spi)), "RFC 7296", "3.3.1", "(IKE) in IKE_SA_INIT has SPI Size 8");

  auto reserved = golden_sa();
  reserved.proposals[0].reserved = 1;
  expect_only(validate(with_sa(reserved)), "RFC 7296", "3.3.1", "has RESERVED 1");
  auto treserved = golden_sa();
  treserved.proposals[0].transforms[2].reserved1 = 4;
  expect_only(validate(with_sa(treserved)), "RFC 7296", "3.3.2", "transform 2 of proposal 0");

  // Last Substruc values written by hand (body() computes them right).
  auto last = golden_sa().body(IkeVersion::V2);
  last[0] = 2;  // the only proposal claims more follow
  expect_only(validate(with_body(b::build_sa_init(), 0, last)), "RFC 7296", "3.3.1", "Last Substruc 2 where 0");
  auto tlast = golden_sa().body(IkeVersion::V2);
  tlast[8 + 12] = 0;  // the second transform claims to be the last
  expect_only(validate(with_body(b::build_sa_init(), 0, tlast)), "RFC 7296", "3.3.2", "Last Substruc 0 where 3");
}

TEST(ValidateIkeV2, DeletePayload) {
  auto del = [](std::vector<uint8_t> body) {
    IkeV2Message m(s::kSpiI, s::kSpiR, 240, IkeV2Message::kFlagI, 5);  // private exchange: no SK rule
    m.add_payload(IkeDelete, std::move(body));
    return m;
  };
  expect_none(validate(del({0x03, 0x04, 0x00, 0x01, 1, 2, 3, 4})));
  expect_none(validate(del({0x01, 0x00, 0x00, 0x00})));
  expect_only(validate(del({0x03, 0x08, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8})), "RFC 7296", "3.11",
              "for protocol 3 has SPI Size 8");
  expect_only(validate(del({0x01, 0x04, 0x00, 0x00})), "RFC 7296", "3.11", "for protocol 1 has SPI Size 4");
  expect_only(validate(del({0x03, 0x04, 0x00, 0x02, 1, 2, 3, 4})), "RFC 7296", "3.11",
              "announces 2 SPIs of 4 bytes but carries 4");
  expect_only(validate(del({0x03, 0x04})), "RFC 7296", "3.11", "is too short");
}

// ---- IKEv1 ----------------------------------------------------------------------------------------------------------

IkeV1Message mm() { return b::build_main_mode(); }

IkeSecurityAssociation mm_sa() { return IkeSecurityAssociation::decode(mm().payloads()[0], IkeVersion::V1).value(); }

IkeV1Message mm_with_payloads(std::vector<IkePayload> ps) {
  auto m = mm();
  m.payloads(std::move(ps));
  m.auto_length();
  return m;
}

TEST(ValidateIkeV1, ConformingMessagesHaveNoViolation) {
  expect_none(validate(mm()));
  auto decoded_mm = IkeV1Message::decode(s::main_mode_1());
  expect_none(validate(decoded_mm.value()));
  // Quick Mode: HASH first, random Message ID, encrypted.
  IkeV1Message qm(1, 2, IkeV1QuickMode, IkeV1Message::kFlagE, 0x7a3f0011);
  qm.next_payload(IsakmpHash);
  qm.encrypted_body(s::fill(64, 3));
  expect_none(validate(qm));
  // NAT-D (RFC 3947) and private-use payload types are valid chain members.
  auto nat = mm();
  nat.add_payload(IsakmpNatD, s::fill(20, 1));
  nat.add_payload(130, {});
  expect_none(validate(nat));
  IkeV1Message priv(1, 2, 241, 0, 0);
  expect_none(validate(priv));
}

TEST(ValidateIkeV1, Versions) {
  auto m = mm();
  m.version(0x20);
  expect_only(validate(m), "RFC 2408", "3.1", "Major Version is 2");
  m.version(0x11);
  expect_only(validate(m), "RFC 2408", "3.1", "Minor Version is 1");
}

TEST(ValidateIkeV1, Lengths) {
  auto m = mm();
  m.length(100);
  expect_only(validate(m), "RFC 2408", "3.1", "Length is 100 but the UDP payload carries 108");
  auto trailing = mm();
  trailing.trailing({0, 0, 0, 0});
  trailing.length(112);
  expect_only(validate(trailing), "RFC 2408", "3.2", "add up to 108 bytes but Length is 112");
  // With E set the payloads are not walked, so only Length against the datagram is judged.
  IkeV1Message e(1, 2, IsakmpIdentityProtection, IkeV1Message::kFlagE, 0);
  e.next_payload(IsakmpId);
  e.encrypted_body(s::fill(40, 1));
  expect_none(validate(e));
  e.length(60);
  expect_only(validate(e), "RFC 2408", "3.1", "Length is 60 but the UDP payload carries 68");
}

TEST(ValidateIkeV1, Flags) {
  for (int bit : {0x08, 0x10, 0x80}) {
    auto m = mm();
    m.flags(static_cast<uint8_t>(bit));
    expect_only(validate(m), "RFC 2408", "3.1", "beyond E, C and A set");
  }
}

TEST(ValidateIkeV1, MessageIdZeroInPhase1) {
  for (uint8_t x : {IsakmpBase, IsakmpIdentityProtection, IsakmpAuthenticationOnly, IsakmpAggressive}) {
    auto m = mm();
    m.exchange_type(x);
    m.message_id(5);
    expect_only(validate(m), "RFC 2408", "3.1", "(a phase 1 exchange) has Message ID 0x00000005");
  }
}

TEST(ValidateIkeV1, ExchangeType) {
  for (int x : {0, 6, 31, 34, 239}) {
    IkeV1Message m(1, 2, static_cast<uint8_t>(x), 0, 9);
    expect_only(validate(m), "RFC 2408", "5.2", "Exchange Type " + std::to_string(x));
  }
}

TEST(ValidateIkeV1, NextPayloadTypes) {
  auto header = mm();
  header.next_payload(IsakmpProposal);
  expect_only(validate(header), "RFC 2408", "3.4", "the header has Next Payload 2 (P)");
  auto ps = mm().payloads();
  ps[0].next = IsakmpTransform;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "3.4", "has Next Payload 3 (T)");
  ps[0].next = 14;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "5.3", "has Next Payload 14, a RESERVED payload type");
}

TEST(ValidateIkeV1, ReservedOctets) {
  auto ps = mm().payloads();
  ps[1].reserved = 1;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "5.3", "(VID) at offset 88 has RESERVED 1");
  auto sa = mm_sa();
  sa.proposals[0].transforms[0].reserved2 = 1;
  ps = mm().payloads();
  ps[0].body = sa.body(IkeVersion::V1);
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "5.3", "Transform payload 0 at offset 48");
  sa = mm_sa();
  sa.proposals[0].reserved = 1;
  ps[0].body = sa.body(IkeVersion::V1);
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "5.3", "Proposal payload 0 at offset 40");
}

TEST(ValidateIkeV1, Phase1SaRules) {
  // SA not first in Main Mode; allowed in Quick Mode (HASH comes first there).
  auto m = IkeV1Message(1, 0, IsakmpIdentityProtection, 0, 0);
  m.add_payload(IsakmpVendorId, s::fill(16, 1));
  m.add_payload(IsakmpSa, mm_sa().body(IkeVersion::V1));
  expect_only(validate(m), "RFC 2409", "5", "is not the first payload of a Main Mode message");
  auto qm = IkeV1Message(1, 2, IkeV1QuickMode, 0, 77);
  qm.add_payload(IsakmpHash, s::fill(20, 1));
  qm.add_payload(IsakmpSa, mm_sa().body(IkeVersion::V1));
  expect_none(validate(qm));
  // Two SA payloads.
  auto two = mm();
  two.add_payload(IsakmpSa, mm_sa().body(IkeVersion::V1));
  expect_only(validate(two), "RFC 2409", "5", "2 SA payloads in a phase 1 message");
  // Two proposals in one SA.
  auto sa = mm_sa();
  sa.proposals.push_back(sa.proposals[0]);
  auto ps = mm().payloads();
  ps[0].body = sa.body(IkeVersion::V1);
  expect_only(validate(mm_with_payloads(ps)), "RFC 2409", "5", "carries 2 Proposal payloads");
  // ... which Quick Mode may do.
  auto qm2 = IkeV1Message(1, 2, IkeV1QuickMode, 0, 78);
  qm2.add_payload(IsakmpHash, s::fill(20, 1));
  qm2.add_payload(IsakmpSa, sa.body(IkeVersion::V1));
  expect_none(validate(qm2));
}

TEST(ValidateIkeV1, SaStructure) {
  auto body = mm_sa().body(IkeVersion::V1);
  auto ps = mm().payloads();
  auto lie = body;
  lie[8 + 7] = 3;  // # of Transforms 3, one present
  ps[0].body = lie;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "3.4", "sa.proposal[0].num_transforms");
  auto pnext = body;
  pnext[8] = 2;  // the only Proposal payload says another follows
  ps[0].body = pnext;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "3.5", "has Next Payload 2 where 0 belongs");
  auto tnext = body;
  tnext[16] = 3;  // the only Transform payload says another follows
  ps[0].body = tnext;
  expect_only(validate(mm_with_payloads(ps)), "RFC 2408", "3.6", "has Next Payload 3 where 0 belongs");
}

TEST(ValidateIkeV1, NotifyFixedPart) {
  auto m = IkeV1Message(1, 2, IsakmpInformational, 0, 0x1234);
  m.add_payload(IsakmpNotify, {0, 0, 0, 1, 1, 0, 0});
  expect_only(validate(m), "RFC 2408", "3.14", "does not hold DOI, Protocol-ID");
  auto ok = IkeV1Message(1, 2, IsakmpInformational, 0, 0x1234);
  ok.add_payload(IsakmpNotify, IkeNotify{1, 1, 24578, {}, {}}.body(IkeVersion::V1));
  expect_none(validate(ok));
}

TEST(ValidateIke, QuotesAreFoundInTheRfcTexts) {
  if (rfc::text("RFC 7296").empty()) GTEST_SKIP() << "RFC texts not available (MIPVPN_SHARED_RFC_DIR)";
  // The checker itself: a sentence that is not in the RFC is caught.
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &failures);
    expect_quotes_verbatim(Violation{"RFC 7296", "3.1", "MUST", "\"This value MUST NOT be negative.\""});
  }
  EXPECT_EQ(failures.size(), 1);
  EXPECT_FALSE(rfc::text("RFC 2408").empty());
  EXPECT_FALSE(rfc::text("RFC 2409").empty());
}

}  // namespace
}  // namespace mipvpn::wire
