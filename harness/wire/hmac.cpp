#include "harness/wire/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstring>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

// Fetching the HMAC implementation and setting its digest is the expensive part of an OpenSSL 3 MAC; do it once per
// thread and only re-key per call (EVP_MAC_init with a key restarts the MAC).
class HmacMd5Context {
 public:
  HmacMd5Context() {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac_ == nullptr) throw std::runtime_error("OpenSSL: HMAC not available");
    ctx_ = EVP_MAC_CTX_new(mac_);
    if (ctx_ == nullptr) throw std::runtime_error("OpenSSL: EVP_MAC_CTX_new failed");
    char digest[] = "MD5";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(ctx_, params) != 1) throw std::runtime_error("OpenSSL: MD5 not available for HMAC");
  }
  ~HmacMd5Context() {
    OPENSSL_cleanse(key_, sizeof key_);
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  HmacMd5Context(const HmacMd5Context&) = delete;
  HmacMd5Context& operator=(const HmacMd5Context&) = delete;

  std::array<uint8_t, kHmacMd5Size> compute(std::span<const uint8_t> key, std::span<const uint8_t> d1,
                                            std::span<const uint8_t> d2) {
    // Re-keying costs two MD5 block computations plus digest context setup, about a third of an HMAC over a
    // registration message. Callers nearly always reuse one key (one security association), so when the key equals
    // the previous one, EVP_MAC_init with a NULL key restarts from the already keyed state. That NULL also means an
    // empty key must still be passed as a non-null pointer.
    int rc;
    if (has_key_ && key.size() == key_len_ && key.size() <= sizeof key_ &&
        (key.empty() || CRYPTO_memcmp(key.data(), key_, key.size()) == 0)) {
      rc = EVP_MAC_init(ctx_, nullptr, 0, nullptr);
    } else {
      static const unsigned char kEmpty[1] = {0};
      rc = EVP_MAC_init(ctx_, key.empty() ? kEmpty : key.data(), key.size(), nullptr);
      has_key_ = rc == 1 && key.size() <= sizeof key_;
      if (has_key_) {
        key_len_ = key.size();
        if (!key.empty()) std::memcpy(key_, key.data(), key.size());
      }
    }
    if (rc != 1) throw std::runtime_error("OpenSSL: EVP_MAC_init failed");
    if (!d1.empty() && EVP_MAC_update(ctx_, d1.data(), d1.size()) != 1)
      throw std::runtime_error("OpenSSL: EVP_MAC_update failed");
    if (!d2.empty() && EVP_MAC_update(ctx_, d2.data(), d2.size()) != 1)
      throw std::runtime_error("OpenSSL: EVP_MAC_update failed");
    std::array<uint8_t, kHmacMd5Size> out{};
    size_t out_len = 0;
    if (EVP_MAC_final(ctx_, out.data(), &out_len, out.size()) != 1 || out_len != out.size())
      throw std::runtime_error("OpenSSL: EVP_MAC_final failed");
    return out;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
  // The key the context currently holds (keys up to one MD5 block are cached; longer ones are re-keyed each call).
  bool has_key_ = false;
  size_t key_len_ = 0;
  unsigned char key_[64] = {};
};

HmacMd5Context& context() {
  thread_local HmacMd5Context ctx;
  return ctx;
}

}  // namespace

std::array<uint8_t, kHmacMd5Size> hmac_md5(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  return context().compute(key, data, {});
}

std::array<uint8_t, kHmacMd5Size> hmac_md5(std::span<const uint8_t> key, std::span<const uint8_t> data1,
                                           std::span<const uint8_t> data2) {
  return context().compute(key, data1, data2);
}

bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;  // lengths are public (the Length field), only contents are secret
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mipvpn::wire
