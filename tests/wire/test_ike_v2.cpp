// IKEv2 (RFC 7296 3.1-3.14): golden decodes of hand-written messages, the builder against them, round trips, libtins
// stacking, truncation at every prefix, lying lengths, the stop at SK/SKF and the bounded walk; ike_version(); the
// Notify, KE, Delete and SA bodies; the name tables.
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/malformed.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/ike_samples.h"

#include <gtest/gtest.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <memory>

namespace mipvpn::wire {
namespace {

namespace s = ike_samples;
namespace b = ike_builders;

// Decodes a heap copy of exactly `len` bytes so that AddressSanitizer catches any read past the end.
Expected<IkeV2Message> decode_copy(const std::vector<uint8_t>& src, size_t len) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
  std::copy(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(len), buf.get());
  return IkeV2Message::decode(buf.get(), len);
}

TEST(IkeV2, GoldenSaInitRequestDecodes) {
  const auto bytes = s::sa_init_request();
  ASSERT_EQ(bytes.size(), 432u);
  auto m = IkeV2Message::decode(bytes);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->spi_i(), s::kSpiI);
  EXPECT_EQ(m->spi_r(), 0u);
  EXPECT_EQ(m->next_payload(), IkeSa);
  EXPECT_EQ(m->major_version(), 2);
  EXPECT_EQ(m->minor_version(), 0);
  EXPECT_EQ(m->exchange_type(), IkeSaInit);
  EXPECT_EQ(m->flags(), 0x08);
  EXPECT_TRUE(m->i());
  EXPECT_FALSE(m->r());
  EXPECT_FALSE(m->v());
  EXPECT_EQ(m->message_id(), 0u);
  EXPECT_EQ(m->length(), 432u);
  EXPECT_EQ(m->header_size(), 432u);
  EXPECT_EQ(m->chain_end(), 432u);
  EXPECT_TRUE(m->trailing().empty());
  EXPECT_EQ(m->encrypted(), nullptr);
  const uint8_t types[] = {IkeSa, IkeKe, IkeNonce, IkeNotifyPayload, IkeNotifyPayload};
  const uint8_t nexts[] = {IkeKe, IkeNonce, IkeNotifyPayload, IkeNotifyPayload, 0};
  const size_t lengths[] = {48, 264, 36, 28, 28};
  ASSERT_EQ(m->payloads().size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const auto& p = m->payloads()[i];
    EXPECT_EQ(p.type, types[i]) << i;
    EXPECT_EQ(p.next, nexts[i]) << i;
    EXPECT_EQ(p.offset, s::kSaInitPayloadOffsets[i]) << i;
    EXPECT_EQ(p.length(), lengths[i]) << i;
    EXPECT_FALSE(p.critical);
    EXPECT_EQ(p.reserved, 0);
  }
  auto natd = IkeNotify::decode(m->payloads()[3], IkeVersion::V2);
  ASSERT_TRUE(natd);
  EXPECT_EQ(natd->type, NotifyNatDetectionSourceIp);
  EXPECT_EQ(natd->protocol_id, 0);
  EXPECT_TRUE(natd->spi.empty());
  EXPECT_EQ(natd->data, s::fill(20, 0x51));
  auto ke = IkeKeyExchange::decode(m->payloads()[1], IkeVersion::V2);
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->group, 14);
  EXPECT_EQ(ke->data.size(), 256u);
}

TEST(IkeV2, GoldenSkMessagesDecode) {
  auto auth = IkeV2Message::decode(s::ike_auth_request());
  ASSERT_TRUE(auth) << auth.error().to_string();
  EXPECT_EQ(auth->spi_r(), s::kSpiR);
  EXPECT_EQ(auth->exchange_type(), IkeAuth);
  EXPECT_EQ(auth->message_id(), 1u);
  ASSERT_NE(auth->encrypted(), nullptr);
  EXPECT_EQ(auth->encrypted()->type, IkeEncrypted);
  EXPECT_EQ(auth->encrypted()->next, IkeIdi);  // the first payload inside, not a chain link
  EXPECT_EQ(auth->encrypted()->length(), 100u);

  auto info = IkeV2Message::decode(s::informational_response());
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_TRUE(info->r());
  EXPECT_FALSE(info->i());
  EXPECT_EQ(info->exchange_type(), IkeInformational);
  ASSERT_NE(info->encrypted(), nullptr);
  EXPECT_EQ(info->encrypted()->next, 0);
}

TEST(IkeV2, BuilderProducesTheHandWrittenBytes) {
  EXPECT_EQ(b::build_sa_init().bytes(), s::sa_init_request());
  EXPECT_EQ(b::build_ike_auth().bytes(), s::ike_auth_request());
  EXPECT_EQ(b::build_informational_response().bytes(), s::informational_response());
}

TEST(IkeV2, RoundTrips) {
  std::vector<std::vector<uint8_t>> samples = {s::sa_init_request(), s::ike_auth_request(),
                                               s::informational_response()};
  // Odd but decodable: trailing garbage, a lying header Length, a critical bit, reserved bits, SKF.
  auto trailing = s::sa_init_request();
  trailing.insert(trailing.end(), {1, 2, 3});
  samples.push_back(trailing);
  auto lying = s::ike_auth_request();
  lying[27] = 0x99;
  samples.push_back(lying);
  auto flagged = s::sa_init_request();
  flagged[s::kSaInitPayloadOffsets[2] + 1] = 0x85;  // Nonce: C=1, RESERVED=5
  samples.push_back(flagged);
  auto skf = s::ike_auth_request();
  skf[16] = IkeEncryptedFragment;
  samples.push_back(skf);
  for (const auto& bytes : samples) {
    auto m = IkeV2Message::decode(bytes);
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(m->bytes(), bytes);
    EXPECT_EQ(m->serialize(), bytes);  // through Tins::PDU
  }
  auto m = IkeV2Message::decode(flagged);
  EXPECT_TRUE(m->payloads()[2].critical);
  EXPECT_EQ(m->payloads()[2].reserved, 5);
  EXPECT_EQ(IkeV2Message::decode(trailing)->trailing(), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(IkeV2Message::decode(lying)->length(), 0x99u);
}

TEST(IkeV2, SettersAndAutoLength) {
  IkeV2Message m(1, 2, CreateChildSa, 0, 7);
  m.r(true);
  m.i(true);
  m.v(true);
  EXPECT_EQ(m.flags(), 0x38);
  m.v(false);
  EXPECT_EQ(m.flags(), 0x28);
  m.add_payload(IkeNonce, s::fill(16, 1));
  EXPECT_EQ(m.length(), 28u + 20u);
  m.length(5);
  EXPECT_EQ(m.length(), 5u);
  EXPECT_EQ(m.bytes()[27], 5);
  m.auto_length();
  EXPECT_EQ(m.length(), 48u);
  // Chaining: header names the first payload, each payload the next; after SK nothing is rechained.
  m.add_payload(IkeNotifyPayload, IkeNotify{0, 0, NotifyRekeySa, {}, {}}.body(IkeVersion::V2));
  m.add_encrypted(IkeTsi, s::fill(32, 0));
  m.add_payload(IkeVendorId, {9});
  EXPECT_EQ(m.next_payload(), IkeNonce);
  EXPECT_EQ(m.payloads()[0].next, IkeNotifyPayload);
  EXPECT_EQ(m.payloads()[1].next, IkeEncrypted);
  EXPECT_EQ(m.payloads()[2].next, IkeTsi);
  EXPECT_EQ(m.payloads()[3].offset, 28u + 20u + 8u + 36u);
}

TEST(IkeV2, StacksInLibtins) {
  auto ip = Tins::IP("10.0.9.1", "10.0.2.2") / Tins::UDP(500, 500) / b::build_sa_init();
  const auto wire = ip.serialize();
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  auto m = parsed.rfind_pdu<Tins::RawPDU>().to<IkeV2Message>();
  EXPECT_EQ(m.bytes(), s::sa_init_request());
  EXPECT_EQ(b::build_sa_init().pdu_type(), IkeV2Message::pdu_flag);
  std::unique_ptr<Tins::PDU> clone(b::build_sa_init().clone());
  EXPECT_EQ(clone->serialize(), s::sa_init_request());
}

TEST(IkeV2, ThrowingConstructorCarriesTheDecodeError) {
  const auto bytes = s::sa_init_request();
  EXPECT_NO_THROW(IkeV2Message(bytes.data(), static_cast<uint32_t>(bytes.size())));
  try {
    IkeV2Message m(bytes.data(), 20);
    FAIL() << "no exception";
  } catch (const MalformedMessage& e) {
    EXPECT_EQ(e.error().field, "message_id");
    EXPECT_EQ(e.error().offset, 20u);
  }
  EXPECT_THROW(IkeV2Message(bytes.data(), 100), Tins::malformed_packet);
}

// Every prefix of a valid message is an error naming the field where the bytes ran out.
TEST(IkeV2, TruncationAtEveryPrefixNamesTheField) {
  const auto bytes = s::sa_init_request();
  const char* header_fields[] = {"spi_i",         "spi_r", "next_payload", "version",
                                 "exchange_type", "flags", "message_id",   "length"};
  const size_t header_offsets[] = {0, 8, 16, 17, 18, 19, 20, 24, 28};
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = decode_copy(bytes, len);
    ASSERT_FALSE(r) << "prefix " << len << " decoded";
    const auto& e = r.error();
    EXPECT_LE(e.offset, len) << len;
    EXPECT_FALSE(e.expected.empty());
    std::string want;
    if (len < 28) {
      for (size_t f = 0; f < 8; ++f)
        if (len >= header_offsets[f] && len < header_offsets[f + 1]) want = header_fields[f];
    } else {
      size_t i = 0;
      while (i + 1 < 5 && s::kSaInitPayloadOffsets[i + 1] <= len) ++i;
      const size_t into = len - s::kSaInitPayloadOffsets[i];
      want = "payload[" + std::to_string(i) + "]." +
             (into < 1   ? "next_payload"
              : into < 2 ? "flags"
              : into < 4 ? "payload_length"
                         : "body");
    }
    EXPECT_EQ(e.field, want) << "prefix " << len << ": " << e.to_string();
  }
  EXPECT_TRUE(decode_copy(bytes, bytes.size()));
}

TEST(IkeV2, LyingPayloadLengths) {
  const size_t nonce = s::kSaInitPayloadOffsets[2];
  for (int lie : {0, 1, 3}) {  // below the 4-byte generic header: the walk could not advance
    auto bytes = s::sa_init_request();
    bytes[nonce + 2] = 0;
    bytes[nonce + 3] = static_cast<uint8_t>(lie);
    auto r = IkeV2Message::decode(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, "payload[2].payload_length");
    EXPECT_EQ(r.error().offset, nonce + 2);
  }
  auto longer = s::sa_init_request();
  longer[nonce + 2] = 0x10;  // 0x1024 = 4132: beyond the datagram
  auto r = IkeV2Message::decode(longer);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "payload[2].body");
  EXPECT_NE(r.error().expected.find("4128 bytes of payload body announced by Payload Length (only 88 left)"),
            std::string::npos)
      << r.error().expected;
  // A shorter Nonce that still lands on a payload boundary... does not: the chain then reads the Nonce's tail as a
  // header (type 41, length 0x4e4e) and fails there.
  auto shorter = s::sa_init_request();
  shorter[nonce + 3] = 0x14;
  auto r2 = IkeV2Message::decode(shorter);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().field, "payload[3].body");
  // A header Length that lies is not a decode error but a violation (ike_validate).
  auto header = s::sa_init_request();
  header[26] = 0x02;
  auto r3 = IkeV2Message::decode(header);
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->length(), 0x2b0u);
  EXPECT_EQ(r3->header_size(), 432u);
}

TEST(IkeV2, WalkStopsAtTheEncryptedPayload) {
  // SK followed by bytes that would be a payload if the walk went on: they are kept as trailing, unread.
  auto bytes = s::ike_auth_request();
  bytes.insert(bytes.end(), {0x00, 0x00, 0x00, 0x08, 1, 2, 3, 4});
  auto m = IkeV2Message::decode(bytes);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->payloads().size(), 1u);
  EXPECT_EQ(m->trailing().size(), 8u);
  // The same for the Encrypted Fragment payload (RFC 7383).
  bytes[16] = IkeEncryptedFragment;
  m = IkeV2Message::decode(bytes);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->payloads().size(), 1u);
  ASSERT_NE(m->encrypted(), nullptr);
  EXPECT_EQ(m->encrypted()->type, IkeEncryptedFragment);
}

TEST(IkeV2, PayloadWalkIsBounded) {
  // kMaxIkePayloads empty payloads of a private type (chained to each other) decode; one more is an error.
  auto chain = [](size_t count) {
    IkeV2Message m(1, 0, IkeInformational, 0, 0);
    for (size_t i = 0; i < count; ++i) m.add_payload(200, {});
    return m.bytes();
  };
  auto ok = IkeV2Message::decode(chain(kMaxIkePayloads));
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->payloads().size(), kMaxIkePayloads);
  auto too_many = IkeV2Message::decode(chain(kMaxIkePayloads + 1));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().field, "payload[1024]");
  // A chain whose last payload names a successor that is not there ends in an error, not a loop.
  auto dangling = chain(3);
  dangling[28 + 8] = 200;
  auto r = IkeV2Message::decode(dangling);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "payload[3].next_payload");
}

TEST(IkeVersion, TellsIkeV1FromIkeV2ByTheVersionByte) {
  EXPECT_EQ(ike_version(s::sa_init_request()), IkeVersion::V2);
  EXPECT_EQ(ike_version(s::ike_auth_request()), IkeVersion::V2);
  EXPECT_EQ(ike_version(s::main_mode_1()), IkeVersion::V1);
  auto v3 = s::sa_init_request();
  v3[17] = 0x30;
  EXPECT_EQ(ike_version(v3), IkeVersion::Unknown);
  v3[17] = 0x21;  // minor versions do not matter (3.1: "MUST ignore the minor version number")
  EXPECT_EQ(ike_version(v3), IkeVersion::V2);
  EXPECT_EQ(ike_version(std::span<const uint8_t>(v3.data(), 17)), IkeVersion::Unknown);
  EXPECT_EQ(ike_version(std::span<const uint8_t>(v3.data(), 18)), IkeVersion::V2);
}

TEST(IkeNotify, WithSpiAndTruncated) {
  // REKEY_SA for an ESP SPI (3.10: Protocol ID 3, SPI Size 4).
  const std::vector<uint8_t> body = {0x03, 0x04, 0x40, 0x09, 0xca, 0xfe, 0x00, 0x01};
  IkePayload p{IkeNotifyPayload, 0, false, 0, 100, body};
  auto n = IkeNotify::decode(p, IkeVersion::V2);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->protocol_id, 3);
  EXPECT_EQ(n->type, NotifyRekeySa);
  EXPECT_EQ(n->spi, (std::vector<uint8_t>{0xca, 0xfe, 0x00, 0x01}));
  EXPECT_TRUE(n->data.empty());
  EXPECT_EQ(n->body(IkeVersion::V2), body);
  const char* fields[] = {"notify.protocol_id", "notify.spi_size", "notify.type", "notify.type"};
  for (size_t len = 0; len < 4; ++len) {
    IkePayload cut{IkeNotifyPayload, 0, false, 0, 100, std::vector<uint8_t>(body.begin(), body.begin() + len)};
    auto r = IkeNotify::decode(cut, IkeVersion::V2);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, fields[len]);
    EXPECT_GE(r.error().offset, 104u);
  }
  IkePayload short_spi{IkeNotifyPayload, 0, false, 0, 100, {0x03, 0x04, 0x40, 0x09, 0xca}};
  auto r = IkeNotify::decode(short_spi, IkeVersion::V2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "notify.spi");
  EXPECT_EQ(r.error().offset, 108u);
}

TEST(IkeDelete, DecodesEspSpis) {
  IkePayload p{IkeDelete, 0, false, 0, 28, {0x03, 0x04, 0x00, 0x02, 0, 0, 1, 0, 0, 0, 2, 0}};
  auto d = IkeDeletePayload::decode(p, IkeVersion::V2);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->protocol_id, 3);
  EXPECT_EQ(d->spi_size, 4);
  EXPECT_EQ(d->num_spis, 2);
  EXPECT_EQ(d->spis.size(), 8u);
  IkePayload cut{IkeDelete, 0, false, 0, 28, {0x03, 0x04, 0x00}};
  auto r = IkeDeletePayload::decode(cut, IkeVersion::V2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "delete.num_spis");
}

TEST(IkeSaPayload, DecodesTheGoldenProposal) {
  auto m = IkeV2Message::decode(s::sa_init_request());
  auto sa = IkeSecurityAssociation::decode(m->payloads()[0], IkeVersion::V2);
  ASSERT_TRUE(sa) << sa.error().to_string();
  ASSERT_EQ(sa->proposals.size(), 1u);
  const auto& p = sa->proposals[0];
  EXPECT_EQ(p.offset, 32u);
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol_id, 1);
  EXPECT_EQ(p.num_transforms, 4);
  ASSERT_EQ(p.transforms.size(), 4u);
  EXPECT_EQ(p.transforms[0].type, 1);
  EXPECT_EQ(p.transforms[0].id, 12);
  EXPECT_EQ(p.transforms[0].last, 3);
  ASSERT_EQ(p.transforms[0].attributes.size(), 1u);
  EXPECT_EQ(p.transforms[0].attributes[0], (IkeAttribute{14, true, 128, {}}));
  EXPECT_EQ(p.transforms[3].last, 0);
  EXPECT_EQ(sa->dh_groups(), std::vector<uint16_t>{14});
  EXPECT_EQ(sa->body(IkeVersion::V2), m->payloads()[0].body);
  EXPECT_EQ(ikev2_transform_type_name(4), "D-H");
  EXPECT_EQ(ikev2_transform_type_name(9), "type 9");
}

TEST(IkeSaPayload, InconsistentLengthsAndCounts) {
  const auto golden = IkeV2Message::decode(s::sa_init_request())->payloads()[0];
  struct Case {
    size_t at;  // body index
    uint8_t value;
    const char* field;
  } cases[] = {
      {3, 0x2d, "sa.proposal[0].length"},                            // Proposal Length beyond the SA
      {3, 0x07, "sa.proposal[0].length"},                            // below its fixed part
      {7, 0x05, "sa.proposal[0].num_transforms"},                    // counts 5, 4 present
      {7, 0x03, "sa.proposal[0].num_transforms"},                    // counts 3, a 4th follows
      {11, 0x40, "sa.proposal[0].transform[0].length"},              // Transform Length beyond the proposal
      {11, 0x0a, "sa.proposal[0].transform[0].attribute[0].value"},  // cuts the attribute in half
      {16, 0x00, "sa.proposal[0].transform[0].attribute[0].data"},   // AF=0: Length 0x0080 runs past
      {6, 0x30, "sa.proposal[0].spi"},                               // SPI Size 48
  };
  for (const auto& c : cases) {
    auto p = golden;
    p.body[c.at] = c.value;
    auto r = IkeSecurityAssociation::decode(p, IkeVersion::V2);
    ASSERT_FALSE(r) << c.field;
    EXPECT_EQ(r.error().field, c.field) << r.error().to_string();
  }
  // Every truncation of the SA body is an error (no count or length may be trusted past the end).
  for (size_t len = 1; len < golden.body.size(); ++len) {
    auto p = golden;
    p.body.resize(len);
    EXPECT_FALSE(IkeSecurityAssociation::decode(p, IkeVersion::V2)) << len;
  }
}

TEST(IkeModp, PublicValueSizes) {
  EXPECT_EQ(modp_public_value_size(1), 96u);
  EXPECT_EQ(modp_public_value_size(2), 128u);
  EXPECT_EQ(modp_public_value_size(14), 256u);
  EXPECT_EQ(modp_public_value_size(18), 1024u);
  EXPECT_FALSE(modp_public_value_size(19));  // ECP: not a MODP group
}

}  // namespace
}  // namespace mipvpn::wire
