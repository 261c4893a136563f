// The fixed ESP security associations the fuzz targets decrypt with and fuzz/seeds/make_seeds.cpp encrypts the seeds
// with: one per algorithm of esp_crypto.h on a wildcard address pair (so any outer addresses find it), plus two that
// name their addresses and use the other AES key sizes (so EspKeyring::find's ranking and the 24/32-byte key paths
// are reached). Keys are made up; never use them for anything but fuzzing.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "harness/wire/esp_crypto.h"
#include "harness/wire/esp_keys.h"

namespace mipvpn::fuzz {

inline std::vector<uint8_t> fuzz_key(size_t n, uint8_t seed) {
  std::vector<uint8_t> k(n);
  for (size_t i = 0; i < n; ++i) k[i] = static_cast<uint8_t>(seed + 17 * i);
  return k;
}

enum FuzzSa : size_t { kSaGcm128, kSaCbcSha1, kSaCbcSha256, kSaNullSha1, kSaGcm256Named, kSaCbc192Named, kFuzzSaCount };

inline const std::vector<wire::EspSa>& fuzz_sas() {
  static const std::vector<wire::EspSa> kSas = [] {
    using wire::EspAlgorithm;
    std::vector<wire::EspSa> s(kFuzzSaCount);
    s[kSaGcm128] = {0x00001001, std::nullopt, std::nullopt, EspAlgorithm::AesGcm16, fuzz_key(20, 0x11), {}};
    s[kSaCbcSha1] = {0x00001002,         std::nullopt,      std::nullopt, EspAlgorithm::AesCbcHmacSha1_96,
                     fuzz_key(16, 0x22), fuzz_key(20, 0x33)};
    s[kSaCbcSha256] = {0x00001003,         std::nullopt,      std::nullopt, EspAlgorithm::AesCbcHmacSha256_128,
                       fuzz_key(32, 0x44), fuzz_key(32, 0x55)};
    s[kSaNullSha1] = {0x00001004, std::nullopt, std::nullopt, EspAlgorithm::NullHmacSha1_96, {}, fuzz_key(20, 0x66)};
    s[kSaGcm256Named] = {0x00001005,
                         Tins::IPv4Address("10.0.2.2"),
                         Tins::IPv4Address("10.0.1.1"),
                         EspAlgorithm::AesGcm16,
                         fuzz_key(36, 0x77),
                         {}};
    s[kSaCbc192Named] = {
        0x00001006,         std::nullopt,      Tins::IPv4Address("10.0.1.1"), EspAlgorithm::AesCbcHmacSha1_96,
        fuzz_key(24, 0x88), fuzz_key(20, 0x99)};
    return s;
  }();
  return kSas;
}

// The keyring decode_frame gets: the SAs above, read back from their Wireshark esp_sa file so the file format is on
// the path too (EspKeyring::parse must give exactly these SAs back).
inline const wire::EspKeyring& fuzz_keyring() {
  static const wire::EspKeyring kKeyring = [] {
    auto load = wire::EspKeyring::parse(wire::wireshark_esp_sa_file(fuzz_sas()), "fuzz_esp_sa");
    if (!load.ok() || load.sas.size() != fuzz_sas().size()) std::abort();
    return load.keyring();
  }();
  return kKeyring;
}

}  // namespace mipvpn::fuzz
