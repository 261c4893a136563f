#include "harness/wire/extension.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mipvpn::wire {
namespace {

TEST(Extension, DecodesTlvPadAndOffsets) {
  // At message offset 24: Pad | Type 130 Len 0 | Type 32 Len 6 SPI(4) auth(2) | Type 200 Len 1 0x77
  const std::vector<uint8_t> data = {0x00, 0x82, 0x00, 0x20, 0x06, 0, 0, 1, 0, 0xaa, 0xbb, 0xc8, 0x01, 0x77};
  auto exts = decode_extensions(data, 24);
  ASSERT_TRUE(exts) << exts.error().to_string();
  ASSERT_EQ(exts->size(), 4u);
  EXPECT_EQ((*exts)[0], (Extension{Pad, {}, 24}));
  EXPECT_EQ((*exts)[1], (Extension{EncapsulatingDeliveryStyle, {}, 25}));
  EXPECT_EQ((*exts)[2], (Extension{MnHaAuth, {0, 0, 1, 0, 0xaa, 0xbb}, 27}));
  EXPECT_EQ((*exts)[3], (Extension{200, {0x77}, 35}));
  std::vector<uint8_t> out;
  for (const auto& e : *exts) encode_extension(e, out);
  EXPECT_EQ(out, data);
}

TEST(Extension, EmptyInputIsNoExtension) {
  auto exts = decode_extensions({}, 20);
  ASSERT_TRUE(exts);
  EXPECT_TRUE(exts->empty());
}

TEST(Extension, MissingLengthNamesField) {
  const std::vector<uint8_t> data = {0x00, 0x20};
  auto exts = decode_extensions(data, 24);
  ASSERT_FALSE(exts);
  EXPECT_EQ(exts.error().offset, 26u);
  EXPECT_EQ(exts.error().field, "extension[1].length");
}

TEST(Extension, LengthPastEndNamesField) {
  const std::vector<uint8_t> data = {0x20, 0x14, 0, 0, 1, 0};
  auto exts = decode_extensions(data, 24);
  ASSERT_FALSE(exts);
  EXPECT_EQ(exts.error().offset, 26u);
  EXPECT_EQ(exts.error().field, "extension[0].data");
  EXPECT_NE(exts.error().expected.find("20 bytes"), std::string::npos) << exts.error().expected;
  EXPECT_NE(exts.error().to_string().find("offset 26"), std::string::npos);
}

TEST(Extension, UnknownRuleOfSection1_8) {
  EXPECT_EQ(classify_unknown(0), ExtensionDisposition::DiscardMessage);
  EXPECT_EQ(classify_unknown(127), ExtensionDisposition::DiscardMessage);
  EXPECT_EQ(classify_unknown(128), ExtensionDisposition::SkipExtension);
  EXPECT_EQ(classify_unknown(255), ExtensionDisposition::SkipExtension);
  for (int t : {0, 32, 33, 34}) EXPECT_TRUE(is_known_registration_extension(static_cast<uint8_t>(t))) << t;
  for (int t : {1, 16, 19, 31, 35, 130, 144})
    EXPECT_FALSE(is_known_registration_extension(static_cast<uint8_t>(t))) << t;
  for (int t : {0, 16, 19}) EXPECT_TRUE(is_known_advertisement_extension(static_cast<uint8_t>(t))) << t;
  EXPECT_FALSE(is_known_advertisement_extension(32));
}

TEST(Extension, EncodeRejectsWhatCannotBeEncoded) {
  std::vector<uint8_t> out;
  EXPECT_THROW(encode_extension(Extension{Pad, {1}, 0}, out), std::invalid_argument);
  EXPECT_THROW(encode_extension(Extension{200, std::vector<uint8_t>(256), 0}, out), std::invalid_argument);
  EXPECT_NO_THROW(encode_extension(Extension{200, std::vector<uint8_t>(255), 0}, out));
  EXPECT_EQ(out.size(), 257u);
}

TEST(Extension, AuthExtensionFromAndTo) {
  const Extension e{MnFaAuth, {0x00, 0x00, 0x10, 0x01, 1, 2, 3}, 40};
  auto a = AuthExtension::from(e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, MnFaAuth);
  EXPECT_EQ(a->spi, 0x1001u);
  EXPECT_EQ(a->authenticator, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(a->to_extension().body, e.body);

  auto wrong_type = AuthExtension::from(Extension{130, {0, 0, 1, 0}, 30});
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().field, "type");
  EXPECT_EQ(wrong_type.error().offset, 30u);
  auto short_body = AuthExtension::from(Extension{MnHaAuth, {0, 0, 1}, 30});
  ASSERT_FALSE(short_body);
  EXPECT_EQ(short_body.error().field, "length");
  EXPECT_EQ(short_body.error().offset, 31u);
}

TEST(Extension, ShortFormat) {
  // RFC 3519 3.1 UDP Tunnel Request: Type 144, Length 6, Sub-Type 0, Reserved 1, Flags, Encapsulation, Reserved 3.
  const Extension e{UdpTunnelRequest, {0x00, 0x00, 0x80, 0x04, 0x00, 0x00}, 24};
  auto s = ShortExtension::from(e);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->sub_type, 0);
  EXPECT_EQ(s->data, (std::vector<uint8_t>{0x00, 0x80, 0x04, 0x00, 0x00}));
  EXPECT_EQ(s->to_extension().body, e.body);
  EXPECT_FALSE(ShortExtension::from(Extension{149, {}, 24}));
  EXPECT_THROW((ShortExtension{149, 0, std::vector<uint8_t>(255)}.to_extension()), std::invalid_argument);
}

TEST(Extension, LongFormat) {
  // Type 36, Sub-Type 1, Length 0x0102 (258 bytes of data: more than a short extension can hold).
  LongExtension l{36, 1, std::vector<uint8_t>(258, 0x5a), 0};
  std::vector<uint8_t> out;
  l.encode(out);
  ASSERT_EQ(out.size(), 262u);
  EXPECT_EQ(out[0], 36);
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(out[2], 0x01);
  EXPECT_EQ(out[3], 0x02);
  auto back = LongExtension::decode(out, 100);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->data, l.data);
  EXPECT_EQ(back->offset, 100u);
  out.pop_back();
  auto cut = LongExtension::decode(out, 100);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().field, "data");
  EXPECT_EQ(cut.error().offset, 104u);
  auto tiny = LongExtension::decode(std::span<const uint8_t>(out.data(), 3), 100);
  ASSERT_FALSE(tiny);
  EXPECT_EQ(tiny.error().field, "length");
}

TEST(Extension, Names) {
  EXPECT_EQ(registration_extension_name(32), "MN-HA");
  EXPECT_EQ(registration_extension_name(33), "MN-FA");
  EXPECT_EQ(registration_extension_name(34), "FA-HA");
  EXPECT_EQ(registration_extension_name(201), "type 201");
  EXPECT_EQ(advertisement_extension_name(19), "Prefix-Lengths");
}

TEST(Expected, ValueOnErrorThrowsNotUb) {
  Expected<int> e(DecodeError{3, "f", "x"});
  EXPECT_FALSE(e.ok());
  EXPECT_FALSE(static_cast<bool>(e));
  EXPECT_THROW((void)e.value(), BadExpectedAccess);
  Expected<int> v(5);
  EXPECT_EQ(v.value(), 5);
  EXPECT_THROW((void)v.error(), std::logic_error);
  EXPECT_EQ(DecodeError({3, "f", "x"}).to_string(), "offset 3, field f: expected x");
}

}  // namespace
}  // namespace mipvpn::wire
