// ESP (RFC 4303) on any bytes: Esp::decode, EspTrailer::parse, both validate()s and esp_decrypt with the fixed SAs of
// fuzz_sas.h (one per algorithm and key size). The first input byte picks what to do with the rest:
//
//   bits 0-2  the SA (modulo the SA count) of modes 1 and 2
//   bits 4-5  0, 3: decode, parse the trailer, validate, and decrypt with every SA
//             1:    recompute the ICV over the (mutated) bytes with esp_icv() first, so the integrity check passes and
//                   the fuzzer reaches the decryption and trailer paths; must not fail on "icv" (AES-GCM's ICV is its
//                   tag and cannot be forged: that SA is just decrypted)
//             2:    round trip: the rest read as Sequence Number(4) Next Header(1) extra padding(1) IV-seed(1)
//                   payload..., encrypted with esp_encrypt and decrypted back, which must give the same payload,
//                   Next Header and default padding
// Error offsets must lie inside the packet; no plaintext escapes a failed ICV check.
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_sas.h"
#include "harness/wire/esp.h"
#include "harness/wire/esp_crypto.h"

using namespace mipvpn::wire;
using mipvpn::fuzz::fuzz_sas;

namespace {

using ByteVec = std::vector<uint8_t>;

void check_plaintext(const EspSa& sa, std::span<const uint8_t> packet, const Expected<EspPlaintext>& p) {
  mipvpn::fuzz::check_error(p, packet.size(), "esp_decrypt");
  if (!p) return;
  const auto& info = esp_algorithm_info(sa.alg);
  FUZZ_CHECK(packet.size() >= Esp::kHeaderSize + info.iv_length + info.icv_length + 2,
             "%s: decrypted a %zu-byte packet, too short for header, IV, trailer and ICV", info.name, packet.size());
  FUZZ_CHECK(p->iv.size() == info.iv_length, "%s: IV of %zu bytes", info.name, p->iv.size());
  const size_t ciphertext = packet.size() - Esp::kHeaderSize - info.iv_length - info.icv_length;
  const auto& t = p->trailer;
  FUZZ_CHECK(p->payload.size() == t.payload_length && t.payload_length + t.padding.size() + 2 == ciphertext,
             "%s: payload %zu + padding %zu + 2 != ciphertext %zu", info.name, p->payload.size(), t.padding.size(),
             ciphertext);
  FUZZ_CHECK(t.padding.size() == t.pad_length, "%s: Pad Length %u but %zu padding bytes", info.name, t.pad_length,
             t.padding.size());
  if (sa.alg == EspAlgorithm::NullHmacSha1_96) {  // NULL encryption: the plaintext is the ciphertext
    const auto ct = packet.subspan(Esp::kHeaderSize, p->payload.size());
    FUZZ_CHECK(ByteVec(ct.begin(), ct.end()) == p->payload, "NULL: payload differs from the bytes carried");
  }
  (void)validate(t, p->payload);
}

void decode_all(std::span<const uint8_t> in) {
  auto esp = Esp::decode(in);
  mipvpn::fuzz::check_error(esp, in.size(), "Esp::decode");
  mipvpn::fuzz::check_constructor_agrees(in.data(), in.size(), esp);
  if (esp) {
    FUZZ_CHECK(esp->bytes() == ByteVec(in.begin(), in.end()), "bytes() is not the decoded packet");
    FUZZ_CHECK(esp->header_size() == in.size(), "header_size() %u for %zu bytes", esp->header_size(), in.size());
    (void)validate(*esp);
    for (const auto& sa : fuzz_sas()) (void)validate(*esp, sa);
  }

  auto t = EspTrailer::parse(in, 8);
  if (!t) {
    FUZZ_CHECK(t.error().offset <= 8 + in.size(), "trailer error past the plaintext: %s",
               t.error().to_string().c_str());
  } else {
    FUZZ_CHECK(t->payload_length + t->padding.size() + 2 == in.size(), "trailer does not add up to the plaintext");
    FUZZ_CHECK(t->pad_length == in[in.size() - 2] && t->next_header == in.back(), "trailer fields misread");
    (void)t->has_default_padding();
    (void)validate(*t, in.first(t->payload_length));
  }
  (void)esp_next_header_name(in.empty() ? 0 : in.back());

  for (const auto& sa : fuzz_sas()) check_plaintext(sa, in, esp_decrypt(sa, in));
}

void forged_icv(const EspSa& sa, std::span<const uint8_t> in) {
  ByteVec p(in.begin(), in.end());
  const auto& info = esp_algorithm_info(sa.alg);
  if (sa.alg != EspAlgorithm::AesGcm16 && p.size() >= Esp::kHeaderSize + info.icv_length) {
    const size_t covered = p.size() - info.icv_length;
    const ByteVec icv = esp_icv(sa, std::span<const uint8_t>(p.data(), covered));
    FUZZ_CHECK(icv.size() == info.icv_length, "%s: esp_icv gave %zu bytes", info.name, icv.size());
    std::copy(icv.begin(), icv.end(), p.begin() + static_cast<std::ptrdiff_t>(covered));
    auto r = esp_decrypt(sa, p);
    FUZZ_CHECK(r.ok() || r.error().field != "icv", "%s: recomputed ICV rejected: %s", info.name,
               r.error().to_string().c_str());
    check_plaintext(sa, p, r);
    return;
  }
  check_plaintext(sa, p, esp_decrypt(sa, p));
}

void round_trip(const EspSa& sa, std::span<const uint8_t> in) {
  if (in.size() < 7) return;
  const auto& info = esp_algorithm_info(sa.alg);
  const uint32_t seq = uint32_t{in[0]} << 24 | uint32_t{in[1]} << 16 | uint32_t{in[2]} << 8 | in[3];
  const uint8_t next_header = in[4];
  // Whole blocks of extra padding on top of the minimum (at most block - 1), so the packet stays aligned (esp_encrypt
  // builds misaligned ones on request, for tests) and Pad Length fits its byte.
  const size_t extra = (in[5] % (256 / info.block - 1)) * info.block;
  ByteVec iv(info.iv_length);
  for (size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<uint8_t>(in[6] + i);
  const auto payload = in.subspan(7);
  const ByteVec packet = esp_encrypt(sa, seq, payload, next_header, iv, extra);
  FUZZ_CHECK(validate(Esp::decode(packet).value(), sa).empty(), "%s: esp_encrypt output breaks a layout rule",
             info.name);
  auto r = esp_decrypt(sa, packet);
  FUZZ_CHECK(r.ok(), "%s: own packet does not decrypt: %s", info.name, r.error().to_string().c_str());
  FUZZ_CHECK(r->payload == ByteVec(payload.begin(), payload.end()), "%s: payload not recovered", info.name);
  FUZZ_CHECK(r->trailer.next_header == next_header, "%s: next header not recovered", info.name);
  FUZZ_CHECK(r->trailer.has_default_padding(), "%s: padding is not 1, 2, 3, ...", info.name);
  FUZZ_CHECK(r->iv == iv, "%s: IV not recovered", info.name);
  check_plaintext(sa, packet, r);
  // Any single flipped bit must fail the integrity check (ICV or tag).
  ByteVec flipped = packet;
  const size_t at = (size_t{in[6]} * 131 + payload.size()) % flipped.size();
  flipped[at] ^= static_cast<uint8_t>(1u << (in[5] % 8));
  auto f = esp_decrypt(sa, flipped);
  FUZZ_CHECK(!f.ok() && f.error().field == "icv", "%s: a flipped bit at %zu was not caught by the ICV", info.name, at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> in(data + 1, size - 1);
  const EspSa& sa = fuzz_sas()[(mode & 7u) % fuzz_sas().size()];
  switch ((mode >> 4) & 3u) {
    case 1:
      forged_icv(sa, in);
      break;
    case 2:
      round_trip(sa, in);
      break;
    default:
      decode_all(in);
  }
  return 0;
}
