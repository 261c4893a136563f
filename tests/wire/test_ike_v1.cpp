// IKEv1 / ISAKMP (RFC 2408 3.1-3.6, RFC 2409): the hand-written Main Mode message decodes field by field, the builder
// reproduces it, E-flag messages keep their ciphertext opaque, every prefix is an error naming the field.
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ikev1.h"
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

Expected<IkeV1Message> decode_copy(const std::vector<uint8_t>& src, size_t len) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
  std::copy(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(len), buf.get());
  return IkeV1Message::decode(buf.get(), len);
}

TEST(IkeV1, GoldenMainModeDecodes) {
  const auto bytes = s::main_mode_1();
  ASSERT_EQ(bytes.size(), 108u);
  auto m = IkeV1Message::decode(bytes);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->initiator_cookie(), 0x3b9f0c7122e45806ull);
  EXPECT_EQ(m->responder_cookie(), 0u);
  EXPECT_EQ(m->next_payload(), IsakmpSa);
  EXPECT_EQ(m->major_version(), 1);
  EXPECT_EQ(m->minor_version(), 0);
  EXPECT_EQ(m->exchange_type(), IsakmpIdentityProtection);
  EXPECT_EQ(m->flags(), 0);
  EXPECT_FALSE(m->e());
  EXPECT_EQ(m->message_id(), 0u);
  EXPECT_EQ(m->length(), 108u);
  ASSERT_EQ(m->payloads().size(), 2u);
  EXPECT_EQ(m->payloads()[0].type, IsakmpSa);
  EXPECT_EQ(m->payloads()[0].next, IsakmpVendorId);
  EXPECT_EQ(m->payloads()[0].offset, 28u);
  EXPECT_EQ(m->payloads()[0].length(), 60u);
  EXPECT_EQ(m->payloads()[1].type, IsakmpVendorId);
  EXPECT_EQ(m->payloads()[1].offset, 88u);
  EXPECT_EQ(m->payloads()[1].length(), 20u);
  EXPECT_TRUE(m->encrypted_body().empty());
  EXPECT_TRUE(m->trailing().empty());

  auto sa = IkeSecurityAssociation::decode(m->payloads()[0], IkeVersion::V1);
  ASSERT_TRUE(sa) << sa.error().to_string();
  EXPECT_EQ(sa->doi, 1u);
  EXPECT_EQ(sa->situation, 1u);
  ASSERT_TRUE(sa->proposals_decoded);
  ASSERT_EQ(sa->proposals.size(), 1u);
  const auto& p = sa->proposals[0];
  EXPECT_EQ(p.offset, 40u);
  EXPECT_EQ(p.last, 0);
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol_id, 1);
  ASSERT_EQ(p.transforms.size(), 1u);
  const auto& t = p.transforms[0];
  EXPECT_EQ(t.offset, 48u);
  EXPECT_EQ(t.number, 1);
  EXPECT_EQ(t.id, 1);
  ASSERT_EQ(t.attributes.size(), 7u);
  EXPECT_EQ(t.attributes[0], (IkeAttribute{1, true, 7, {}}));
  EXPECT_EQ(t.attributes[4], (IkeAttribute{4, true, 14, {}}));
  EXPECT_EQ(t.attributes[6], (IkeAttribute{12, false, 0, {0x00, 0x01, 0x51, 0x80}}));
  EXPECT_EQ(sa->body(IkeVersion::V1), m->payloads()[0].body);
}

TEST(IkeV1, BuilderRoundTripAndLibtins) {
  EXPECT_EQ(b::build_main_mode().bytes(), s::main_mode_1());
  auto m = IkeV1Message::decode(s::main_mode_1());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes(), s::main_mode_1());
  EXPECT_EQ(m->serialize(), s::main_mode_1());
  auto ip = Tins::IP("10.0.9.1", "10.0.2.2") / Tins::UDP(500, 500) / b::build_main_mode();
  const auto wire = ip.serialize();
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  EXPECT_EQ(parsed.rfind_pdu<Tins::RawPDU>().to<IkeV1Message>().bytes(), s::main_mode_1());
  EXPECT_EQ(b::build_main_mode().pdu_type(), IkeV1Message::pdu_flag);
  EXPECT_NE(IkeV1Message::pdu_flag, IkeV2Message::pdu_flag);
}

TEST(IkeV1, EncryptedMessagesAreNotWalked) {
  // Main Mode message 5: HDR*, IDii, HASH_I; with E set all payloads are ciphertext (RFC 2408 3.1).
  auto bytes = s::cat({{0x3b, 0x9f, 0x0c, 0x71, 0x22, 0xe4, 0x58, 0x06,   // Initiator Cookie
                        0x91, 0x02, 0x7a, 0x5e, 0x33, 0xc8, 0x10, 0x4f,   // Responder Cookie
                        0x05, 0x10, 0x02, 0x01,                           // Next ID, 1.0, Main Mode, Flags E
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4c},  // Message ID 0, Length 76
                       s::fill(48, 0xe7)});
  auto m = IkeV1Message::decode(bytes);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_TRUE(m->e());
  EXPECT_TRUE(m->payloads().empty());
  EXPECT_EQ(m->encrypted_body(), s::fill(48, 0xe7));
  EXPECT_EQ(m->next_payload(), IsakmpId);
  EXPECT_EQ(m->bytes(), bytes);
  // Ciphertext that would not walk as payloads is fine: nothing is read from it.
  bytes[28] = 0xff;
  EXPECT_TRUE(IkeV1Message::decode(bytes));
  // Flags setters.
  IkeV1Message f;
  f.e(true);
  f.c(true);
  f.a(true);
  EXPECT_EQ(f.flags(), 0x07);
  f.c(false);
  EXPECT_EQ(f.flags(), 0x05);
}

TEST(IkeV1, TruncationAtEveryPrefixNamesTheField) {
  const auto bytes = s::main_mode_1();
  const char* header_fields[] = {"spi_i",         "spi_r", "next_payload", "version",
                                 "exchange_type", "flags", "message_id",   "length"};
  const size_t header_offsets[] = {0, 8, 16, 17, 18, 19, 20, 24, 28};
  const size_t payload_offsets[] = {28, 88};
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = decode_copy(bytes, len);
    ASSERT_FALSE(r) << "prefix " << len << " decoded";
    EXPECT_LE(r.error().offset, len);
    std::string want;
    if (len < 28) {
      for (size_t f = 0; f < 8; ++f)
        if (len >= header_offsets[f] && len < header_offsets[f + 1]) want = header_fields[f];
    } else {
      const size_t i = len >= payload_offsets[1] ? 1 : 0;
      const size_t into = len - payload_offsets[i];
      want = "payload[" + std::to_string(i) + "]." +
             (into < 1   ? "next_payload"
              : into < 2 ? "flags"
              : into < 4 ? "payload_length"
                         : "body");
    }
    EXPECT_EQ(r.error().field, want) << "prefix " << len << ": " << r.error().to_string();
  }
  try {
    IkeV1Message m(bytes.data(), 40);
    FAIL() << "no exception";
  } catch (const MalformedMessage& e) {
    EXPECT_EQ(e.error().field, "payload[0].body");
  }
}

TEST(IkeV1, SaBodyErrorsAndUnknownSituations) {
  const auto sa_payload = IkeV1Message::decode(s::main_mode_1())->payloads()[0];
  auto cut = sa_payload;
  cut.body.resize(6);
  auto r = IkeSecurityAssociation::decode(cut, IkeVersion::V1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "sa.situation");
  auto lying = sa_payload;
  lying.body[8 + 3] = 0x50;  // Proposal payload length 80 > 48 left
  r = IkeSecurityAssociation::decode(lying, IkeVersion::V1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "sa.proposal[0].length");
  auto count = sa_payload;
  count.body[8 + 7] = 2;  // # of Transforms 2, one present
  r = IkeSecurityAssociation::decode(count, IkeVersion::V1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "sa.proposal[0].num_transforms");
  // SIT_SECRECY adds labeled-domain fields (RFC 2407 4.6.1): not decoded, and said so.
  auto secrecy = sa_payload;
  secrecy.body[7] = 0x03;
  auto sa = IkeSecurityAssociation::decode(secrecy, IkeVersion::V1);
  ASSERT_TRUE(sa);
  EXPECT_FALSE(sa->proposals_decoded);
  EXPECT_TRUE(sa->proposals.empty());
}

TEST(IkeV1, NotifyAndDeleteCarryADoi) {
  IkePayload n{IsakmpNotify, 0, false, 0, 28, {0, 0, 0, 1, 0x03, 0x04, 0x60, 0x02, 1, 2, 3, 4, 0xaa}};
  auto notify = IkeNotify::decode(n, IkeVersion::V1);
  ASSERT_TRUE(notify);
  EXPECT_EQ(notify->doi, 1u);
  EXPECT_EQ(notify->protocol_id, 3);
  EXPECT_EQ(notify->type, 24578);
  EXPECT_EQ(notify->spi, (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(notify->data, std::vector<uint8_t>{0xaa});
  EXPECT_EQ(notify->body(IkeVersion::V1), n.body);
  n.body.resize(5);
  auto bad = IkeNotify::decode(n, IkeVersion::V1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "notify.spi_size");
  IkePayload d{IsakmpDelete, 0, false, 0, 28, {0, 0, 0, 1, 0x03, 0x04, 0x00, 0x01, 9, 9, 9, 9}};
  auto del = IkeDeletePayload::decode(d, IkeVersion::V1);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->doi, 1u);
  EXPECT_EQ(del->num_spis, 1);
  IkePayload ke{IsakmpKe, 0, false, 0, 28, s::fill(128, 7)};
  auto k = IkeKeyExchange::decode(ke, IkeVersion::V1);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->group, 0);  // IKEv1 KE carries no group (RFC 2408 3.7)
  EXPECT_EQ(k->data.size(), 128u);
  EXPECT_EQ(k->body(IkeVersion::V1), ke.body);
}

}  // namespace
}  // namespace mipvpn::wire
