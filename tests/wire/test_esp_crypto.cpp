// ESP encryption and integrity against published known answers, round trips per algorithm, and every way a packet can
// fail to verify or decrypt.
//
// Known answers and where they come from:
//  - AES-GCM-ESP: draft-mcgrew-gcm-test-01 section 4 (the test cases for RFC 4106 in ESP) with 32-bit sequence
//    numbers: whole ESP packets SPI | Seq | IV | ciphertext | 16-byte ICV. Re-checked with an independent
//    implementation (Python cryptography's AESGCM) when these tests were written.
//  - AES-CBC: RFC 3602 section 4 test cases #5-#8 (whole ESP packets without ICV). Re-checked with
//    `openssl enc -d -aes-128-cbc -nopad`.
//  - HMAC-SHA-1-96: RFC 2202 section 3 test cases 1, 3, 5 truncated to 96 bits (RFC 2404 2); HMAC-SHA-256-128: RFC 4868
//    2.7.2.1 authenticator test cases 1-3 truncated to 128 bits (RFC 4868 2.3). Re-checked with
//    `openssl dgst -mac HMAC`.
//  - ICVs of the RFC 3602 packets under fixed keys, and of a hand-built NULL-encryption packet: computed with
//    `openssl dgst -sha1|-sha256 -mac HMAC -macopt hexkey:...` over the bytes shown, pasted here.
#include "harness/wire/esp_crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstring>
#include <thread>

namespace mipvpn::wire {
namespace {

std::vector<uint8_t> unhex(std::string s) {
  std::string clean;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < clean.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(clean.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hex(std::span<const uint8_t> b) {
  std::string s;
  char buf[3];
  for (auto x : b) {
    std::snprintf(buf, sizeof buf, "%02x", x);
    s += buf;
  }
  return s;
}

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<uint8_t> seq_bytes(size_t n, uint8_t first = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i);
  return v;
}

EspSa sa_of(EspAlgorithm alg, uint32_t spi, std::vector<uint8_t> enc, std::vector<uint8_t> auth) {
  EspSa sa;
  sa.spi = spi;
  sa.alg = alg;
  sa.enc_key = std::move(enc);
  sa.auth_key = std::move(auth);
  return sa;
}

// --- AES-GCM-ESP, draft-mcgrew-gcm-test-01 section 4 -----------------------------------------------------------------

struct GcmCase {
  const char* name;
  const char* key_and_salt;
  uint32_t spi, seq;
  const char* plaintext;  // Payload Data | Padding | Pad Length | Next Header
  const char* packet;     // SPI | Seq | IV | ciphertext | ICV
};

const GcmCase kGcmCases[] = {
    {"128-bit key", "feffe9928665731c6d6a8f9467308308 cafebabe", 0x0000a5f8, 0x0000000a,
     "4500003e698f000080114dccc0a80102 c0a801010a980035002a2343b2d00100 00010000000000000373697009637962"
     "65726369747902646b00000100010001",
     "0000a5f8 0000000a facedbaddecaf888"
     "deb22cd9b07c72c16e3a65beeb8df304 a5a5897d33ae530f1ba76d5d114d2a5c 3de81827c10e9a4f51330d0eec416642"
     "cfbb85a5b47e48a4ec3b9ba95d918bd1 83b70d3aa8bc6ee4c309e9d85a41ad4a"},
    {"256-bit key", "abbccddef00112233445566778899aababbccddef00112233445566778899aab 11223344", 0x4a2cbfe3, 2,
     "4500003069a6400080062690c0a80102 9389155e0a9e008b2dc57ee000000000 7002400020bf0000020405b401010402"
     "01020201",
     "4a2cbfe3 00000002 0102030405060708"
     "ff425c9b724599df7a3bcd510194e00d 6a78107f1b0b1cbf06efae9d65a5d763 748a637985771d347f0545659f14e99d"
     "ef842d8e b335f4eecfdbf831824b4c4915956c96"},
    {"192-bit key", "feffe9928665731c6d6a8f9467308308feffe9928665731c cafebabe", 0x0000a5f8, 0x0000000a,
     "45000028a4ad4000400678800a01038f 0a010612802306b8cb712602dd6bb03e 501016d075680001",
     "0000a5f8 0000000a facedbaddecaf888"
     "a5b1f8066029aea40e598b8122de0242 0938b3ab33f828e687b8858b5bfbdbd0 315b27452144cc77"
     "95457b9652037f5318027b5b4cd7a636"},
};

TEST(EspCrypto, GcmKnownAnswersDecrypt) {
  for (const auto& c : kGcmCases) {
    const auto sa = sa_of(EspAlgorithm::AesGcm16, c.spi, unhex(c.key_and_salt), {});
    const auto plain = unhex(c.plaintext);
    auto p = esp_decrypt(sa, unhex(c.packet));
    ASSERT_TRUE(p) << c.name << ": " << p.error().to_string();
    EXPECT_EQ(hex(p->iv), hex(unhex(c.packet)).substr(16, 16)) << c.name;
    const size_t payload_len = plain.size() - 2 - plain[plain.size() - 2];
    EXPECT_EQ(hex(p->payload), hex(std::span(plain).first(payload_len))) << c.name;
    EXPECT_EQ(p->trailer.pad_length, plain[plain.size() - 2]) << c.name;
    EXPECT_EQ(p->trailer.next_header, plain.back()) << c.name;
  }
}

TEST(EspCrypto, GcmKnownAnswersEncrypt) {
  for (const auto& c : kGcmCases) {
    const auto sa = sa_of(EspAlgorithm::AesGcm16, c.spi, unhex(c.key_and_salt), {});
    const auto plain = unhex(c.plaintext);
    const auto packet = unhex(c.packet);
    const uint8_t pad = plain[plain.size() - 2];
    const auto payload = std::vector<uint8_t>(plain.begin(), plain.end() - 2 - pad);
    const auto iv = std::vector<uint8_t>(packet.begin() + 8, packet.begin() + 16);
    // The vectors' padding is the RFC 4303 default and the least that reaches the 4-byte boundary.
    EXPECT_EQ(hex(esp_encrypt(sa, c.seq, payload, plain.back(), iv)), hex(packet)) << c.name;
  }
}

// --- AES-CBC, RFC 3602 section 4 cases #5-#8 ------------------------------------------------------------------------

struct CbcCase {
  const char* name;
  const char* key;
  uint32_t spi, seq;
  const char* payload;  // before padding
  uint8_t next_header;
  const char* packet;   // SPI | Seq | IV | ciphertext (RFC 3602 gives no ICV)
  const char* icv_sha1_96;     // HMAC-SHA-1 (key 00 01 .. 13) over `packet`, first 12 bytes (openssl dgst)
  const char* icv_sha256_128;  // HMAC-SHA-256 (key 00 01 .. 1f) over `packet`, first 16 bytes (openssl dgst)
};

const CbcCase kCbcCases[] = {
    {"case #5", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1,
     "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
     "3031323334353637",
     1,
     "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856"
     "a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6",
     "9a338e6bd44d34499ec1548b", "29dcb883222069e2a5465186d6e51f05"},
    {"case #6", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 8,
     "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
     1,
     "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75",
     "bd250fd9c45d243d6e6e8788", "2dee6856179d3dd217f1f6920feed2b8"},
    {"case #7", "0123456789abcdef0123456789abcdef", 0x8765, 2,
     "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b"
     "1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
     4,
     "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8"
     "e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5"
     "a100b842f1c22f0d",
     "2cf1e8c1a94723b88060224a", "771b0a4d2be28767cb0b5c901fcc563e"},
    {"case #8", "0123456789abcdef0123456789abcdef", 0x8765, 5,
     "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffff"
     "ffffffffffffffffffffffff",
     4,
     "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb5"
     "0f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892",
     "a29f2705fda792723cd0fa8a", "1bd64e8f00e524a753196a60041b3a82"},
};

TEST(EspCrypto, CbcKnownAnswersBothIntegrityAlgorithms) {
  for (const auto& c : kCbcCases) {
    const auto packet = unhex(c.packet);
    const auto iv = std::vector<uint8_t>(packet.begin() + 8, packet.begin() + 24);
    const auto payload = unhex(c.payload);
    const auto sha1 = sa_of(EspAlgorithm::AesCbcHmacSha1_96, c.spi, unhex(c.key), seq_bytes(20));
    const auto sha256 = sa_of(EspAlgorithm::AesCbcHmacSha256_128, c.spi, unhex(c.key), seq_bytes(32));
    EXPECT_EQ(hex(esp_encrypt(sha1, c.seq, payload, c.next_header, iv)), hex(cat(packet, unhex(c.icv_sha1_96))))
        << c.name;
    EXPECT_EQ(hex(esp_encrypt(sha256, c.seq, payload, c.next_header, iv)), hex(cat(packet, unhex(c.icv_sha256_128))))
        << c.name;
    for (const auto* sa : {&sha1, &sha256}) {
      const auto wire = cat(packet, unhex(sa == &sha1 ? c.icv_sha1_96 : c.icv_sha256_128));
      auto p = esp_decrypt(*sa, wire);
      ASSERT_TRUE(p) << c.name << ": " << p.error().to_string();
      EXPECT_EQ(p->payload, payload) << c.name;
      EXPECT_EQ(p->trailer.next_header, c.next_header) << c.name;
      EXPECT_TRUE(p->trailer.has_default_padding()) << c.name;
      EXPECT_EQ(esp_icv(*sa, packet), unhex(sa == &sha1 ? c.icv_sha1_96 : c.icv_sha256_128)) << c.name;
    }
  }
}

TEST(EspCrypto, CbcCase5PadLengthIs14) {
  const auto& c = kCbcCases[0];
  const auto sa = sa_of(EspAlgorithm::AesCbcHmacSha1_96, c.spi, unhex(c.key), seq_bytes(20));
  auto p = esp_decrypt(sa, cat(unhex(c.packet), unhex(c.icv_sha1_96)));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trailer.pad_length, 14);  // RFC 3602 4: 64-byte ICMP payload, padded to 80 bytes
  EXPECT_EQ(p->trailer.padding, seq_bytes(14, 1));
}

// --- HMAC primitives -------------------------------------------------------------------------------------------------

std::vector<uint8_t> text(const char* s) { return std::vector<uint8_t>(s, s + std::strlen(s)); }

TEST(EspCrypto, HmacSha1_96Rfc2202Vectors) {
  struct V {
    std::vector<uint8_t> key, data;
    const char* digest96;
  };
  const V vectors[] = {
      {std::vector<uint8_t>(20, 0x0b), text("Hi There"), "b617318655057264e28bc0b6"},                  // case 1
      {std::vector<uint8_t>(20, 0xaa), std::vector<uint8_t>(50, 0xdd), "125d7342b9ac11cd91a39af4"},    // case 3
      {std::vector<uint8_t>(20, 0x0c), text("Test With Truncation"), "4c1a03424b55e07fe7f27be1"},      // case 5
  };
  for (const auto& v : vectors) {
    for (auto alg : {EspAlgorithm::AesCbcHmacSha1_96, EspAlgorithm::NullHmacSha1_96}) {
      const auto sa = sa_of(alg, 256, alg == EspAlgorithm::NullHmacSha1_96 ? std::vector<uint8_t>{} : seq_bytes(16),
                            v.key);
      EXPECT_EQ(hex(esp_icv(sa, v.data)), v.digest96);
    }
  }
}

TEST(EspCrypto, HmacSha256_128Rfc4868Vectors) {
  struct V {
    std::vector<uint8_t> key, data;
    const char* digest128;
  };
  std::vector<uint8_t> jefe;
  for (int i = 0; i < 8; ++i) jefe.insert(jefe.end(), {'J', 'e', 'f', 'e'});
  const V vectors[] = {
      {std::vector<uint8_t>(32, 0x0b), text("Hi There"), "198a607eb44bfbc69903a0f1cf2bbdc5"},
      {jefe, text("what do ya want for nothing?"), "167f928588c5cc2eef8e3093caa0e87c"},
      {std::vector<uint8_t>(32, 0xaa), std::vector<uint8_t>(50, 0xdd), "cdcb1220d1ecccea91e53aba3092f962"},
  };
  for (const auto& v : vectors) {
    const auto sa = sa_of(EspAlgorithm::AesCbcHmacSha256_128, 256, seq_bytes(16), v.key);
    EXPECT_EQ(hex(esp_icv(sa, v.data)), v.digest128);
  }
}

// NULL encryption (RFC 2410) with HMAC-SHA-1-96: the packet is readable by hand.
TEST(EspCrypto, NullEncryptionGolden) {
  const auto sa = sa_of(EspAlgorithm::NullHmacSha1_96, 0x200, {}, seq_bytes(20));
  const std::vector<uint8_t> expected = {
      0x00, 0x00, 0x02, 0x00,  // SPI 0x200
      0x00, 0x00, 0x00, 0x01,  // Sequence Number 1
      'a',  'b',  'c',  'd',   // Payload Data, in the clear
      0x01, 0x02,              // default Padding to the 4-byte boundary
      0x02, 0x11,              // Pad Length 2, Next Header 17
      // HMAC-SHA-1(00 01 .. 13, the 16 bytes above), first 12 bytes (openssl dgst)
      0xb6, 0xc3, 0x16, 0x4b, 0xcc, 0x03, 0xb4, 0x64, 0x85, 0x3f, 0xa3, 0x9c};
  EXPECT_EQ(hex(esp_encrypt(sa, 1, text("abcd"), 17)), hex(expected));
  auto p = esp_decrypt(sa, expected);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->payload, text("abcd"));
  EXPECT_TRUE(p->iv.empty());
}

// --- round trips -----------------------------------------------------------------------------------------------------

std::vector<EspSa> all_sas() {
  return {sa_of(EspAlgorithm::AesGcm16, 0x1001, seq_bytes(20, 0x40), {}),
          sa_of(EspAlgorithm::AesGcm16, 0x1002, seq_bytes(28, 0x40), {}),
          sa_of(EspAlgorithm::AesGcm16, 0x1003, seq_bytes(36, 0x40), {}),
          sa_of(EspAlgorithm::AesCbcHmacSha1_96, 0x2001, seq_bytes(16, 0x50), seq_bytes(20, 0x60)),
          sa_of(EspAlgorithm::AesCbcHmacSha1_96, 0x2002, seq_bytes(24, 0x50), seq_bytes(20, 0x60)),
          sa_of(EspAlgorithm::AesCbcHmacSha1_96, 0x2003, seq_bytes(32, 0x50), seq_bytes(20, 0x60)),
          sa_of(EspAlgorithm::AesCbcHmacSha256_128, 0x3001, seq_bytes(16, 0x70), seq_bytes(32, 0x80)),
          sa_of(EspAlgorithm::AesCbcHmacSha256_128, 0x3003, seq_bytes(32, 0x70), seq_bytes(32, 0x80)),
          sa_of(EspAlgorithm::NullHmacSha1_96, 0x4001, {}, seq_bytes(20, 0x90))};
}

TEST(EspCrypto, RoundTripEveryAlgorithmAndPayloadSize) {
  for (const auto& sa : all_sas()) {
    const auto& info = esp_algorithm_info(sa.alg);
    for (size_t n : {0u, 1u, 2u, 3u, 13u, 14u, 15u, 16u, 17u, 100u, 1400u}) {
      const auto payload = seq_bytes(n, 7);
      const auto wire = esp_encrypt(sa, 42, payload, 4);
      EXPECT_EQ((wire.size() - 8 - info.iv_length - info.icv_length) % info.block, 0u) << info.name << " " << n;
      auto p = esp_decrypt(sa, wire);
      ASSERT_TRUE(p) << info.name << " " << n << ": " << p.error().to_string();
      EXPECT_EQ(p->payload, payload);
      EXPECT_EQ(p->trailer.next_header, 4);
      EXPECT_TRUE(p->trailer.has_default_padding());
      EXPECT_LT(p->trailer.pad_length, info.block) << "the least padding";
      auto header = Esp::decode(wire);
      ASSERT_TRUE(header);
      EXPECT_EQ(header->spi(), sa.spi);
      EXPECT_EQ(header->sequence(), 42u);
      EXPECT_TRUE(validate(*header, sa).empty()) << info.name;
    }
  }
}

TEST(EspCrypto, RandomIvsDiffer) {
  for (const auto& sa : all_sas()) {
    if (esp_algorithm_info(sa.alg).iv_length == 0) continue;
    const auto a = esp_encrypt(sa, 1, seq_bytes(40), 4);
    const auto b = esp_encrypt(sa, 1, seq_bytes(40), 4);
    EXPECT_NE(a, b) << esp_algorithm_info(sa.alg).name;
  }
}

TEST(EspCrypto, ExtraPadding) {
  const auto gcm = all_sas()[0];
  auto p = esp_decrypt(gcm, esp_encrypt(gcm, 1, seq_bytes(10), 17, {}, 8));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trailer.pad_length, 8 + 0);  // 10 + 2 is already aligned
  const auto cbc = all_sas()[3];
  p = esp_decrypt(cbc, esp_encrypt(cbc, 1, seq_bytes(10), 17, {}, 32));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trailer.pad_length, 4 + 32);
  EXPECT_EQ(p->trailer.padding, seq_bytes(36, 1));
  EXPECT_THROW(esp_encrypt(cbc, 1, seq_bytes(10), 17, {}, 8), std::invalid_argument);
  EXPECT_THROW(esp_encrypt(cbc, 1, seq_bytes(10), 17, {}, 256), std::invalid_argument);
  EXPECT_THROW(esp_encrypt(gcm, 1, seq_bytes(10), 17, {}, 256), std::invalid_argument);
}

// --- failures --------------------------------------------------------------------------------------------------------

TEST(EspCrypto, TamperedPacketsAreRejectedByTheIcv) {
  for (const auto& sa : all_sas()) {
    const auto wire = esp_encrypt(sa, 9, seq_bytes(64), 4);
    for (size_t at : {size_t{0}, size_t{5}, size_t{8}, wire.size() / 2, wire.size() - 13, wire.size() - 1}) {
      auto bad = wire;
      bad[at] ^= 0x01;
      auto p = esp_decrypt(sa, bad);
      ASSERT_FALSE(p) << esp_algorithm_info(sa.alg).name << " flip at " << at;
      EXPECT_EQ(p.error().field, "icv") << esp_algorithm_info(sa.alg).name << " flip at " << at;
      EXPECT_EQ(p.error().offset, wire.size() - esp_algorithm_info(sa.alg).icv_length);
    }
  }
}

TEST(EspCrypto, WrongKeyIsAnIcvError) {
  for (auto sa : all_sas()) {
    const auto wire = esp_encrypt(sa, 1, seq_bytes(30), 4);
    if (!sa.auth_key.empty()) sa.auth_key[0] ^= 0x80;
    else sa.enc_key[0] ^= 0x80;
    auto p = esp_decrypt(sa, wire);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().field, "icv");
  }
  // AES-GCM: a wrong salt is a wrong key too.
  auto gcm = all_sas()[0];
  const auto wire = esp_encrypt(gcm, 1, seq_bytes(30), 4);
  gcm.enc_key.back() ^= 1;
  auto p = esp_decrypt(gcm, wire);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().field, "icv");
}

TEST(EspCrypto, TruncationAtEveryPrefix) {
  for (const auto& sa : all_sas()) {
    const auto& info = esp_algorithm_info(sa.alg);
    const auto wire = esp_encrypt(sa, 3, seq_bytes(20), 4);
    for (size_t n = 0; n < wire.size(); ++n) {
      auto p = esp_decrypt(sa, std::span(wire).first(n));
      ASSERT_FALSE(p) << info.name << " prefix " << n;
      std::string want = n < 4                            ? "spi"
                         : n < 8                          ? "sequence"
                         : n < 8 + info.icv_length        ? "icv"
                         : n < 8 + info.icv_length + info.iv_length ? "iv"
                                                                      : "icv";
      // AES-CBC: once an ICV exists and verifies nothing is left that could; every longer prefix fails on the ICV.
      EXPECT_EQ(p.error().field, want) << info.name << " prefix " << n << ": " << p.error().to_string();
    }
  }
}

TEST(EspCrypto, CiphertextNotABlockMultiple) {
  // An authentic packet (valid ICV) whose AES-CBC ciphertext is 20 bytes.
  const auto sa = all_sas()[3];
  std::vector<uint8_t> covered = {0, 0, 0x20, 0x01, 0, 0, 0, 1};
  const auto body = seq_bytes(16 + 20);  // IV + ciphertext
  covered.insert(covered.end(), body.begin(), body.end());
  auto p = esp_decrypt(sa, cat(covered, esp_icv(sa, covered)));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().field, "ciphertext");
  EXPECT_EQ(p.error().offset, 24u);
  EXPECT_NE(p.error().expected.find("20 bytes"), std::string::npos) << p.error().expected;
  // An empty ciphertext too.
  std::vector<uint8_t> empty = {0, 0, 0x20, 0x01, 0, 0, 0, 1};
  const auto iv = seq_bytes(16);
  empty.insert(empty.end(), iv.begin(), iv.end());
  p = esp_decrypt(sa, cat(empty, esp_icv(sa, empty)));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().field, "ciphertext");
}

TEST(EspCrypto, PadLengthBeyondThePlaintext) {
  // NULL encryption, authentic: plaintext 0x45 | Pad Length 5 | Next Header 4, but only 1 byte precedes Pad Length.
  const auto sa = all_sas()[8];
  std::vector<uint8_t> covered = {0, 0, 0x40, 0x01, 0, 0, 0, 1, 0x45, 0x05, 0x04};
  auto p = esp_decrypt(sa, cat(covered, esp_icv(sa, covered)));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().field, "pad_length");
  EXPECT_EQ(p.error().offset, 9u);
}

// Found by fuzz/fuzz_esp (UBSan: "applying non-zero offset 8 to null pointer"): an AES-GCM packet with nothing
// between IV and ICV made aes_gcm() finish at out + len, where len still held the 8 AAD bytes and out was the null
// data() of the empty plaintext. Such a packet must be an error, with a wrong tag (icv) and with a right one (no room
// for Pad Length and Next Header).
TEST(EspCrypto, GcmPacketWithoutCiphertext) {
  const GcmCase& c = kGcmCases[0];
  const auto sa = sa_of(EspAlgorithm::AesGcm16, c.spi, unhex(c.key_and_salt), {});
  const auto head = unhex("0000a5f8 0000000a facedbaddecaf888");  // SPI | Seq | IV
  auto wrong = esp_decrypt(sa, cat(head, std::vector<uint8_t>(16, 0)));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "icv");

  // The right tag for an empty ciphertext: GCM over the AAD SPI | Seq alone (RFC 4106 5), computed here with OpenSSL.
  std::vector<uint8_t> tag(16);
  {
    const auto key = unhex(c.key_and_salt);
    const auto nonce =
        cat(std::vector<uint8_t>(key.end() - 4, key.end()), std::vector<uint8_t>(head.begin() + 8, head.end()));
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key.data(), nonce.data()), 1);
    ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &len, head.data(), 8), 1);
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx, tag.data(), &len), 1);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data()), 1);
    EVP_CIPHER_CTX_free(ctx);
  }
  auto right = esp_decrypt(sa, cat(head, tag));
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().field, "pad_length");
  EXPECT_EQ(right.error().offset, 16u);
}

TEST(EspCrypto, KeyLengthsAreValidated) {
  struct Bad {
    EspSa sa;
    const char* field;
    const char* says;
  };
  const Bad cases[] = {
      {sa_of(EspAlgorithm::AesGcm16, 256, seq_bytes(16), {}), "enc_key", "4-byte salt"},
      {sa_of(EspAlgorithm::AesGcm16, 256, seq_bytes(20), seq_bytes(20)), "auth_key", "no integrity key"},
      {sa_of(EspAlgorithm::AesCbcHmacSha1_96, 256, seq_bytes(20), seq_bytes(20)), "enc_key", "16, 24 or 32"},
      {sa_of(EspAlgorithm::AesCbcHmacSha1_96, 256, seq_bytes(16), seq_bytes(16)), "auth_key", "RFC 2404"},
      {sa_of(EspAlgorithm::AesCbcHmacSha256_128, 256, seq_bytes(16), seq_bytes(20)), "auth_key", "RFC 4868"},
      {sa_of(EspAlgorithm::NullHmacSha1_96, 256, seq_bytes(16), seq_bytes(20)), "enc_key", "NULL"},
      {sa_of(EspAlgorithm::NullHmacSha1_96, 256, {}, {}), "auth_key", "20 bytes"},
  };
  for (const auto& c : cases) {
    auto problem = check_esp_sa(c.sa);
    ASSERT_TRUE(problem) << c.field;
    EXPECT_EQ(problem->field, c.field);
    EXPECT_NE(problem->expected.find(c.says), std::string::npos) << problem->expected;
    try {
      (void)esp_encrypt(c.sa, 1, seq_bytes(4), 4);
      ADD_FAILURE() << "no exception for " << problem->expected;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.field), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)esp_decrypt(c.sa, seq_bytes(64)), std::invalid_argument);
  }
  for (const auto& sa : all_sas()) EXPECT_FALSE(check_esp_sa(sa)) << esp_algorithm_info(sa.alg).name;
  EXPECT_THROW(esp_icv(all_sas()[0], seq_bytes(8)), std::invalid_argument);  // GCM has no separate ICV
}

TEST(EspCrypto, IvLengthIsValidated) {
  EXPECT_THROW(esp_encrypt(all_sas()[0], 1, seq_bytes(4), 4, seq_bytes(16)), std::invalid_argument);
  EXPECT_THROW(esp_encrypt(all_sas()[3], 1, seq_bytes(4), 4, seq_bytes(8)), std::invalid_argument);
  EXPECT_THROW(esp_encrypt(all_sas()[8], 1, seq_bytes(4), 4, seq_bytes(1)), std::invalid_argument);
}

TEST(EspCrypto, LayoutRulesNeedingTheSa) {
  const auto gcm = all_sas()[0];
  // 1 extra padding byte leaves IV + ciphertext one byte past the 4-byte boundary.
  const auto misaligned = esp_encrypt(gcm, 1, seq_bytes(10), 17, {}, 1);
  ASSERT_TRUE(esp_decrypt(gcm, misaligned));
  auto v = validate(*Esp::decode(misaligned), gcm);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].section, "2.4");
  EXPECT_TRUE(validate(*Esp::decode(esp_encrypt(gcm, 1, seq_bytes(10), 17)), gcm).empty());
  // No room for the ICV.
  v = validate(Esp(256, 1, seq_bytes(20)), gcm);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].section, "2.8");
  EXPECT_NE(v[0].text.find("16 bytes ICV"), std::string::npos) << v[0].text;
  EXPECT_TRUE(validate(Esp(256, 1, seq_bytes(8 + 4 + 16)), gcm).empty());
  v = validate(Esp(256, 1, seq_bytes(8 + 2 + 16)), gcm);  // room for everything, but the ICV is misaligned
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].section, "2.4");
}

TEST(EspCrypto, ContextsArePerThread) {
  const auto sas = all_sas();
  std::vector<std::thread> threads;
  std::vector<int> failures(sas.size(), 0);
  for (size_t i = 0; i < sas.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) {
        const auto payload = seq_bytes(static_cast<size_t>(k % 50), static_cast<uint8_t>(i));
        auto p = esp_decrypt(sas[i], esp_encrypt(sas[i], static_cast<uint32_t>(k + 1), payload, 4));
        if (!p || p->payload != payload) ++failures[i];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < sas.size(); ++i) EXPECT_EQ(failures[i], 0) << esp_algorithm_info(sas[i].alg).name;
}

}  // namespace
}  // namespace mipvpn::wire
