#include "harness/wire/esp_crypto.h"

#include "harness/wire/bytes.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

constexpr size_t kGcmSaltSize = 4;  // RFC 4106 4, 8.1
constexpr size_t kAesBlock = 16;

const EspAlgorithmInfo kAlgorithms[] = {
    {"aes-gcm-16", 8, 16, 4},                  // RFC 4106 3.1, 6; stream mode: 4-byte alignment (RFC 4303 2.4)
    {"aes-cbc-hmac-sha1-96", 16, 12, 16},      // RFC 3602 3; RFC 2404 2
    {"aes-cbc-hmac-sha256-128", 16, 16, 16},   // RFC 3602 3; RFC 4868 2.3
    {"null-hmac-sha1-96", 0, 12, 4},           // RFC 2410: no IV, block size 1
};

bool uses_cbc(EspAlgorithm alg) {
  return alg == EspAlgorithm::AesCbcHmacSha1_96 || alg == EspAlgorithm::AesCbcHmacSha256_128;
}

std::string problem_text(const EspSaProblem& p) { return "ESP SA " + p.field + ": expected " + p.expected; }

void require_valid(const EspSa& sa) {
  if (auto p = check_esp_sa(sa)) throw std::invalid_argument(problem_text(*p));
}

// The per-thread OpenSSL state: fetching algorithms is the expensive part of OpenSSL 3, so each is fetched once.
class EspCryptoContext {
 public:
  EspCryptoContext() {
    cipher_ctx_ = EVP_CIPHER_CTX_new();
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (cipher_ctx_ == nullptr || mac_ == nullptr) throw std::runtime_error("OpenSSL: cipher or HMAC not available");
    static const char* const kNames[] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC",
                                         "AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
    for (size_t i = 0; i < ciphers_.size(); ++i) {
      ciphers_[i] = EVP_CIPHER_fetch(nullptr, kNames[i], nullptr);
      if (ciphers_[i] == nullptr) throw std::runtime_error(std::string("OpenSSL: ") + kNames[i] + " not available");
    }
    sha1_ = new_mac_ctx("SHA1");
    sha256_ = new_mac_ctx("SHA256");
  }
  ~EspCryptoContext() {
    EVP_MAC_CTX_free(sha1_);
    EVP_MAC_CTX_free(sha256_);
    EVP_MAC_free(mac_);
    for (auto* c : ciphers_) EVP_CIPHER_free(c);
    EVP_CIPHER_CTX_free(cipher_ctx_);
  }
  EspCryptoContext(const EspCryptoContext&) = delete;
  EspCryptoContext& operator=(const EspCryptoContext&) = delete;

  // AES key of 16/24/32 bytes; gcm selects the mode.
  const EVP_CIPHER* aes(size_t key_size, bool gcm) const {
    const size_t index = (key_size == 16 ? 0 : key_size == 24 ? 1 : 2) + (gcm ? 3 : 0);
    return ciphers_[index];
  }
  EVP_CIPHER_CTX* cipher() {
    EVP_CIPHER_CTX_reset(cipher_ctx_);
    return cipher_ctx_;
  }

  // Full-length HMAC of `data` (SHA-1: 20 bytes, SHA-256: 32 bytes) into out; returns its length.
  size_t hmac(bool sha256, std::span<const uint8_t> key, std::span<const uint8_t> data, uint8_t* out) {
    EVP_MAC_CTX* ctx = sha256 ? sha256_ : sha1_;
    static const unsigned char kEmpty[1] = {0};  // a NULL key would mean "the previous key" to EVP_MAC_init
    if (EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), nullptr) != 1)
      throw std::runtime_error("OpenSSL: EVP_MAC_init failed");
    if (!data.empty() && EVP_MAC_update(ctx, data.data(), data.size()) != 1)
      throw std::runtime_error("OpenSSL: EVP_MAC_update failed");
    size_t len = 0;
    if (EVP_MAC_final(ctx, out, &len, 32) != 1) throw std::runtime_error("OpenSSL: EVP_MAC_final failed");
    return len;
  }

 private:
  EVP_MAC_CTX* new_mac_ctx(const char* digest) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
    if (ctx == nullptr) throw std::runtime_error("OpenSSL: EVP_MAC_CTX_new failed");
    char name[16];
    std::snprintf(name, sizeof name, "%s", digest);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(ctx, params) != 1) {
      EVP_MAC_CTX_free(ctx);
      throw std::runtime_error(std::string("OpenSSL: ") + digest + " not available for HMAC");
    }
    return ctx;
  }

  EVP_CIPHER_CTX* cipher_ctx_ = nullptr;
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* sha1_ = nullptr;
  EVP_MAC_CTX* sha256_ = nullptr;
  std::array<EVP_CIPHER*, 6> ciphers_{};
};

EspCryptoContext& context() {
  thread_local EspCryptoContext ctx;
  return ctx;
}

// The truncated ICV of a separate integrity algorithm.
std::vector<uint8_t> compute_icv(const EspSa& sa, std::span<const uint8_t> covered) {
  uint8_t full[32];
  const bool sha256 = sa.alg == EspAlgorithm::AesCbcHmacSha256_128;
  context().hmac(sha256, sa.auth_key, covered, full);
  const size_t n = esp_algorithm_info(sa.alg).icv_length;
  std::vector<uint8_t> out(full, full + n);
  OPENSSL_cleanse(full, sizeof full);
  return out;
}

int to_int(size_t n) {
  if (n > 0x7fffffff) throw std::invalid_argument("ESP packet too large for OpenSSL");
  return static_cast<int>(n);
}

// AES-CBC without OpenSSL's own padding (ESP pads itself). Returns false only if OpenSSL fails.
bool aes_cbc(bool encrypt, std::span<const uint8_t> key, std::span<const uint8_t> iv, std::span<const uint8_t> in,
             uint8_t* out) {
  auto& c = context();
  EVP_CIPHER_CTX* ctx = c.cipher();
  const EVP_CIPHER* cipher = c.aes(key.size(), false);
  int ok = encrypt ? EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr)
                   : EVP_DecryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr);
  if (ok != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) return false;
  int len1 = 0, len2 = 0;
  if (encrypt) {
    ok = EVP_EncryptUpdate(ctx, out, &len1, in.data(), to_int(in.size())) == 1 &&
         EVP_EncryptFinal_ex(ctx, out + len1, &len2) == 1;
  } else {
    ok = EVP_DecryptUpdate(ctx, out, &len1, in.data(), to_int(in.size())) == 1 &&
         EVP_DecryptFinal_ex(ctx, out + len1, &len2) == 1;
  }
  return ok && static_cast<size_t>(len1 + len2) == in.size();
}

// AES-GCM per RFC 4106: nonce = salt || explicit IV, AAD = SPI || Sequence Number. On encryption `tag` receives the
// 16-byte ICV; on decryption it is checked, and false means the ICV did not verify (out must then be discarded).
bool aes_gcm(bool encrypt, std::span<const uint8_t> key_and_salt, std::span<const uint8_t> iv,
             std::span<const uint8_t> aad, std::span<const uint8_t> in, uint8_t* out, uint8_t* tag) {
  auto& c = context();
  EVP_CIPHER_CTX* ctx = c.cipher();
  const size_t key_size = key_and_salt.size() - kGcmSaltSize;
  std::array<uint8_t, 12> nonce{};
  std::copy(key_and_salt.begin() + static_cast<std::ptrdiff_t>(key_size), key_and_salt.end(), nonce.begin());
  std::copy(iv.begin(), iv.end(), nonce.begin() + kGcmSaltSize);
  const EVP_CIPHER* cipher = c.aes(key_size, true);
  int ok = encrypt ? EVP_EncryptInit_ex2(ctx, cipher, key_and_salt.data(), nonce.data(), nullptr)
                   : EVP_DecryptInit_ex2(ctx, cipher, key_and_salt.data(), nonce.data(), nullptr);
  if (ok != 1) return false;
  // The AAD update reports its own length; `len` counts only bytes written to `out`, so that out + len stays inside
  // the output (an empty ciphertext leaves it 0: `out` may then be null, and offsetting it is undefined).
  int aad_len = 0, len = 0;
  if (encrypt) {
    if (EVP_EncryptUpdate(ctx, nullptr, &aad_len, aad.data(), to_int(aad.size())) != 1) return false;
    if (!in.empty() && EVP_EncryptUpdate(ctx, out, &len, in.data(), to_int(in.size())) != 1) return false;
    int fin = 0;
    if (EVP_EncryptFinal_ex(ctx, out + len, &fin) != 1) return false;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                           OSSL_PARAM_construct_end()};
    return EVP_CIPHER_CTX_get_params(ctx, params) == 1;
  }
  if (EVP_DecryptUpdate(ctx, nullptr, &aad_len, aad.data(), to_int(aad.size())) != 1) return false;
  if (!in.empty() && EVP_DecryptUpdate(ctx, out, &len, in.data(), to_int(in.size())) != 1) return false;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                         OSSL_PARAM_construct_end()};
  if (EVP_CIPHER_CTX_set_params(ctx, params) != 1) return false;
  int fin = 0;
  return EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1;
}

std::string n_bytes(size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

}  // namespace

const EspAlgorithmInfo& esp_algorithm_info(EspAlgorithm alg) {
  const auto i = static_cast<size_t>(alg);
  return kAlgorithms[i < std::size(kAlgorithms) ? i : 0];
}

std::optional<EspSaProblem> check_esp_sa(const EspSa& sa) {
  const size_t e = sa.enc_key.size(), a = sa.auth_key.size();
  switch (sa.alg) {
    case EspAlgorithm::AesGcm16:
      if (e != 20 && e != 28 && e != 36)
        return EspSaProblem{"enc_key", "20, 28 or 36 bytes for AES-GCM (a 16/24/32-byte AES key followed by the "
                                       "4-byte salt, RFC 4106 8.1), got " + n_bytes(e)};
      if (a != 0)
        return EspSaProblem{"auth_key", "no integrity key for AES-GCM (a combined mode algorithm), got " + n_bytes(a)};
      return std::nullopt;
    case EspAlgorithm::AesCbcHmacSha1_96:
    case EspAlgorithm::AesCbcHmacSha256_128: {
      if (e != 16 && e != 24 && e != 32)
        return EspSaProblem{"enc_key", "16, 24 or 32 bytes for AES-CBC (RFC 3602 2.2), got " + n_bytes(e)};
      const bool sha256 = sa.alg == EspAlgorithm::AesCbcHmacSha256_128;
      const size_t want = sha256 ? 32 : 20;
      if (a != want)
        return EspSaProblem{"auth_key", sha256 ? "32 bytes for HMAC-SHA-256-128 (RFC 4868 2.1.1), got " + n_bytes(a)
                                               : "20 bytes for HMAC-SHA-1-96 (\"Key lengths other than 160-bits MUST "
                                                 "NOT be supported\", RFC 2404 3), got " + n_bytes(a)};
      return std::nullopt;
    }
    case EspAlgorithm::NullHmacSha1_96:
      if (e != 0) return EspSaProblem{"enc_key", "no encryption key for NULL encryption, got " + n_bytes(e)};
      if (a != 20)
        return EspSaProblem{"auth_key", "20 bytes for HMAC-SHA-1-96 (\"Key lengths other than 160-bits MUST NOT be "
                                        "supported\", RFC 2404 3), got " + n_bytes(a)};
      return std::nullopt;
  }
  return EspSaProblem{"alg", "one of the EspAlgorithm values"};
}

std::vector<uint8_t> esp_icv(const EspSa& sa, std::span<const uint8_t> covered) {
  require_valid(sa);
  if (sa.alg == EspAlgorithm::AesGcm16)
    throw std::invalid_argument("esp_icv: AES-GCM has no separate integrity algorithm (its ICV is the GCM tag)");
  return compute_icv(sa, covered);
}

Expected<EspPlaintext> esp_decrypt(const EspSa& sa, std::span<const uint8_t> packet) {
  require_valid(sa);
  try {
    auto header = Esp::decode(packet);
    if (!header) return header.error();
    const EspAlgorithmInfo& info = esp_algorithm_info(sa.alg);
    const size_t size = packet.size();
    const size_t rest = size - Esp::kHeaderSize;
    if (rest < info.icv_length)
      return DecodeError{Esp::kHeaderSize, "icv",
                         detail::need_text(info.icv_length, rest, (std::string("ICV for ") + info.name).c_str())};
    const size_t icv_at = size - info.icv_length;
    if (rest - info.icv_length < info.iv_length)
      return DecodeError{Esp::kHeaderSize, "iv",
                         detail::need_text(info.iv_length, rest - info.icv_length,
                                           (std::string("IV for ") + info.name + " before the ICV").c_str())};
    const size_t ct_at = Esp::kHeaderSize + info.iv_length;
    const auto icv = packet.subspan(icv_at);
    const auto iv = packet.subspan(Esp::kHeaderSize, info.iv_length);
    const auto ciphertext = packet.subspan(ct_at, icv_at - ct_at);

    if (sa.alg != EspAlgorithm::AesGcm16) {
      const auto expected = compute_icv(sa, packet.first(icv_at));
      if (CRYPTO_memcmp(expected.data(), icv.data(), icv.size()) != 0)
        return DecodeError{icv_at, "icv",
                           std::string("an ICV that verifies (") + info.name +
                               " over SPI..ciphertext with the SA's key); it does not: wrong key or altered packet"};
    }
    if (uses_cbc(sa.alg) && (ciphertext.empty() || ciphertext.size() % kAesBlock != 0))
      return DecodeError{ct_at, "ciphertext",
                         "a non-empty multiple of the 16-byte AES block (RFC 3602 2.4, RFC 4303 2.4), found " +
                             n_bytes(ciphertext.size())};

    EspPlaintext out;
    out.iv.assign(iv.begin(), iv.end());
    std::vector<uint8_t> plain(ciphertext.size());
    switch (sa.alg) {
      case EspAlgorithm::AesGcm16: {
        std::array<uint8_t, 16> tag{};
        std::copy(icv.begin(), icv.end(), tag.begin());
        if (!aes_gcm(false, sa.enc_key, iv, packet.first(Esp::kHeaderSize), ciphertext, plain.data(), tag.data())) {
          OPENSSL_cleanse(plain.data(), plain.size());
          return DecodeError{icv_at, "icv",
                             "an ICV that verifies (AES-GCM tag over SPI, Sequence Number and ciphertext, RFC 4106 "
                             "5, 6); it does not: wrong key or altered packet"};
        }
        break;
      }
      case EspAlgorithm::AesCbcHmacSha1_96:
      case EspAlgorithm::AesCbcHmacSha256_128:
        if (!aes_cbc(false, sa.enc_key, iv, ciphertext, plain.data()))
          return DecodeError{ct_at, "ciphertext", "AES-CBC decryption to succeed (OpenSSL failed)"};
        break;
      case EspAlgorithm::NullHmacSha1_96:
        std::copy(ciphertext.begin(), ciphertext.end(), plain.begin());
        break;
    }
    auto trailer = EspTrailer::parse(plain, ct_at);
    if (!trailer) return trailer.error();
    out.trailer = std::move(trailer).value();
    plain.resize(out.trailer.payload_length);
    out.payload = std::move(plain);
    return out;
  } catch (const std::invalid_argument&) {
    throw;
  } catch (const std::exception& e) {  // OpenSSL or memory failure: report, never let a packet crash a decoder
    return DecodeError{0, "spi", std::string("a working crypto library (") + e.what() + ")"};
  }
}

std::vector<uint8_t> esp_encrypt(const EspSa& sa, uint32_t seq, std::span<const uint8_t> payload, uint8_t next_header,
                                 std::span<const uint8_t> iv, size_t extra_padding) {
  require_valid(sa);
  const EspAlgorithmInfo& info = esp_algorithm_info(sa.alg);
  std::vector<uint8_t> iv_bytes(iv.begin(), iv.end());
  if (iv_bytes.empty() && info.iv_length > 0) {
    iv_bytes.resize(info.iv_length);
    if (RAND_bytes(iv_bytes.data(), to_int(iv_bytes.size())) != 1)
      throw std::runtime_error("OpenSSL: RAND_bytes failed");
  }
  if (iv_bytes.size() != info.iv_length)
    throw std::invalid_argument(std::string("esp_encrypt: ") + info.name + " takes a " + n_bytes(info.iv_length) +
                                " IV, got " + n_bytes(iv_bytes.size()));
  if (uses_cbc(sa.alg) && extra_padding % kAesBlock != 0)
    throw std::invalid_argument("esp_encrypt: extra padding for AES-CBC must be a multiple of 16 bytes, got " +
                                std::to_string(extra_padding));
  const size_t pad = (info.block - (payload.size() + 2) % info.block) % info.block + extra_padding;
  const auto padding = EspTrailer::default_padding(pad);  // throws beyond 255

  std::vector<uint8_t> plain;
  plain.reserve(payload.size() + pad + 2);
  plain.insert(plain.end(), payload.begin(), payload.end());
  plain.insert(plain.end(), padding.begin(), padding.end());
  plain.push_back(static_cast<uint8_t>(pad));
  plain.push_back(next_header);

  std::vector<uint8_t> out(Esp::kHeaderSize + info.iv_length + plain.size() + info.icv_length);
  detail::store32(out.data(), sa.spi);
  detail::store32(out.data() + 4, seq);
  std::copy(iv_bytes.begin(), iv_bytes.end(), out.begin() + Esp::kHeaderSize);
  uint8_t* ct = out.data() + Esp::kHeaderSize + info.iv_length;
  uint8_t* icv = ct + plain.size();
  switch (sa.alg) {
    case EspAlgorithm::AesGcm16:
      if (!aes_gcm(true, sa.enc_key, iv_bytes, std::span<const uint8_t>(out.data(), Esp::kHeaderSize), plain, ct, icv))
        throw std::runtime_error("OpenSSL: AES-GCM encryption failed");
      break;
    case EspAlgorithm::AesCbcHmacSha1_96:
    case EspAlgorithm::AesCbcHmacSha256_128:
      if (!aes_cbc(true, sa.enc_key, iv_bytes, plain, ct))
        throw std::runtime_error("OpenSSL: AES-CBC encryption failed");
      break;
    case EspAlgorithm::NullHmacSha1_96:
      std::copy(plain.begin(), plain.end(), ct);
      break;
  }
  if (sa.alg != EspAlgorithm::AesGcm16) {
    const auto mac = compute_icv(sa, std::span<const uint8_t>(out.data(), static_cast<size_t>(icv - out.data())));
    std::copy(mac.begin(), mac.end(), icv);
  }
  OPENSSL_cleanse(plain.data(), plain.size());
  return out;
}

std::vector<Violation> validate(const Esp& esp, const EspSa& sa) {
  std::vector<Violation> out;
  const EspAlgorithmInfo& info = esp_algorithm_info(sa.alg);
  const size_t rest = esp.payload().size();
  if (rest < info.iv_length + info.icv_length + 2) {
    out.push_back({"RFC 4303", "2.8", "MUST",
                   std::to_string(rest) + " byte(s) follow the Sequence Number, too few for the " +
                       n_bytes(info.iv_length) + " IV, Pad Length, Next Header and the " + n_bytes(info.icv_length) +
                       " ICV of " + info.name + ": the ICV \"is present only if the integrity service is selected\" "
                       "and its length \"is specified by the integrity algorithm selected and associated with the "
                       "SA\""});
    return out;
  }
  const size_t before_icv = rest - info.icv_length;  // IV + ciphertext
  if (before_icv % 4 != 0) {
    out.push_back({"RFC 4303", "2.4", "MUST",
                   "IV and ciphertext are " + n_bytes(before_icv) +
                       ", not a multiple of 4: \"the Pad Length and Next Header fields must be right aligned within a "
                       "4-byte word ... to ensure that the ICV field (if present) is aligned on a 4-byte boundary\""});
  }
  return out;
}

}  // namespace mipvpn::wire
