// What fuzz_frame_ethernet and fuzz_frame_rawip check of decode_frame (the whole layered decoder, harness/wire/stack.h)
// on any frame, decoded once with the ESP keyring of fuzz_sas.h (so encrypted seeds decrypt and the fuzzer reaches
// the layers inside ESP) and once without keys or checksum checks and with a small depth limit:
// - at least one layer, each with a protocol name; the frame's summary() is not empty;
// - every layer's [offset, offset + length) lies within the frame (Layer::buffer -1) or within the
// DecodedFrame::buffers
//   entry it names, and so does its error offset; a layer marked decrypted, and every layer after an ESP layer that
//   decrypted or a minimal forwarding header that rebuilt its datagram, points into a buffer;
// - a layer with an error is the last one;
// - the fields, violations and error walk without trouble, and frame_json (what `mipvpn decode --json` prints) dumps;
// - an ESP packet that fails only its ICV (a mutated HMAC-protected packet) is decoded again with the ICV
//   recomputed, so mutations of the ciphertext (of the plaintext itself with NULL encryption) reach the layers inside;
// - classify_frame feeds the frame, twice (so SAs are found again), to an SaClassifier, each verdict naming an
//   "ike", "ikev1" or "esp" layer of the frame.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_sas.h"
#include "harness/report/frame_json.h"
#include "harness/wire/layer.h"
#include "harness/wire/sa_classifier.h"
#include "harness/wire/sa_frame.h"
#include "harness/wire/stack.h"

namespace mipvpn::fuzz {

inline void check_decoded(const wire::DecodedFrame& f, size_t frame_size) {
  FUZZ_CHECK(!f.layers.empty(), "no layer at all");
  FUZZ_CHECK(!f.summary().empty(), "empty summary");
  bool in_buffer = false;
  for (size_t i = 0; i < f.layers.size(); ++i) {
    const wire::Layer& l = f.layers[i];
    FUZZ_CHECK(!l.protocol.empty(), "layer %zu has no protocol", i);
    FUZZ_CHECK(l.buffer >= -1 && l.buffer < static_cast<int>(f.buffers.size()), "layer %zu (%s) names buffer %d of %zu",
               i, l.protocol.c_str(), l.buffer, f.buffers.size());
    const size_t limit = l.buffer < 0 ? frame_size : f.buffers[static_cast<size_t>(l.buffer)].size();
    FUZZ_CHECK(l.offset <= limit && l.length <= limit - l.offset,
               "layer %zu (%s) [%zu, +%zu) outside its %s of %zu bytes", i, l.protocol.c_str(), l.offset, l.length,
               l.buffer < 0 ? "frame" : "buffer", limit);
    FUZZ_CHECK(!l.decrypted || l.buffer >= 0, "layer %zu (%s) is decrypted but points into the frame", i,
               l.protocol.c_str());
    FUZZ_CHECK(!in_buffer || l.buffer >= 0,
               "layer %zu (%s) follows a decrypted or rebuilt packet but points into the "
               "frame",
               i, l.protocol.c_str());
    // What follows an ESP layer that decrypted, or a minimal forwarding header that rebuilt its datagram, is in a
    // buffer.
    const wire::FieldValue* decrypted = l.find("decrypted");
    if ((l.protocol == "esp" && decrypted != nullptr && *decrypted == wire::FieldValue(true)) ||
        (l.protocol == "minenc" && !l.error && l.find("protocol") != nullptr))
      in_buffer = true;
    if (l.error) {
      FUZZ_CHECK(i + 1 == f.layers.size(), "layer %zu (%s) has an error (%s) but %zu layers follow it", i,
                 l.protocol.c_str(), l.error->to_string().c_str(), f.layers.size() - i - 1);
      FUZZ_CHECK(l.error->offset <= limit, "layer %zu (%s) error offset outside its %s of %zu bytes: %s", i,
                 l.protocol.c_str(), l.buffer < 0 ? "frame" : "buffer", limit, l.error->to_string().c_str());
      FUZZ_CHECK(!l.error->field.empty() && !l.error->expected.empty(), "layer %zu (%s) error without field: %s", i,
                 l.protocol.c_str(), l.error->to_string().c_str());
    }
    // The JSON-ish walk: every field named, every value visited.
    size_t chars = 0;
    for (const auto& field : l.fields) {
      FUZZ_CHECK(!field.name.empty(), "layer %zu (%s) has a field without a name", i, l.protocol.c_str());
      std::visit(
          [&](const auto& v) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>)
              chars += v.size();
            else
              chars += std::to_string(v).size();
          },
          field.value);
    }
    for (const auto& v : l.violations)
      FUZZ_CHECK(!v.rfc.empty() && !v.level.empty() && !v.text.empty(), "layer %zu (%s) has an empty violation", i,
                 l.protocol.c_str());
    (void)chars;
  }
  (void)f.violations();
  (void)f.error();
  std::string json;
  try {
    json = report::frame_json(f).dump();
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "frame_json(...).dump() threw: %s (summary: %s)", e.what(), f.summary().c_str());
  }
  FUZZ_CHECK(!json.empty(), "empty JSON");
}

inline void check_sa(const wire::DecodedFrame& f) {
  wire::SaClassifier classifier;
  const auto t = wire::SaTime{} + std::chrono::seconds(1);
  for (int round = 0; round < 2; ++round) {
    const auto verdicts = wire::classify_frame(f, t + std::chrono::seconds(round), classifier);
    for (const auto& v : verdicts) {
      FUZZ_CHECK(v.layer < f.layers.size(), "verdict for layer %zu of %zu", v.layer, f.layers.size());
      const std::string& p = f.layers[v.layer].protocol;
      FUZZ_CHECK(v.protocol == wire::SaProtocol::Esp ? p == "esp" : (p == "ike" || p == "ikev1"),
                 "verdict for a %s layer", p.c_str());
      FUZZ_CHECK(!v.verdict.reason.empty(), "verdict without a reason");
    }
  }
  const auto counts = classifier.counts();
  FUZZ_CHECK(counts.ike_messages + counts.esp_packets == classifier.events().size(), "counts do not add up");
}

// The frame with the ICV of the ESP packet whose integrity check failed recomputed (HMAC SAs only: AES-GCM's tag
// cannot be forged), or nothing. Mutations of ciphertext, and with NULL encryption of the plaintext itself, then reach
// the layers inside ESP instead of stopping at the ICV.
inline std::optional<std::vector<uint8_t>> with_icv_fixed(const wire::DecodedFrame& f, wire::Bytes frame) {
  if (f.layers.empty()) return std::nullopt;
  const wire::Layer& l = f.layers.back();
  if (l.protocol != "esp" || l.buffer != -1 || !l.error || l.error->field != "icv") return std::nullopt;
  const wire::FieldValue* spi = l.find("spi");
  if (spi == nullptr || !std::holds_alternative<std::string>(*spi)) return std::nullopt;
  const uint32_t value = static_cast<uint32_t>(std::stoul(std::get<std::string>(*spi), nullptr, 16));
  for (const auto& sa : fuzz_sas()) {
    if (sa.spi != value || sa.alg == wire::EspAlgorithm::AesGcm16) continue;
    const size_t icv = wire::esp_algorithm_info(sa.alg).icv_length;
    if (l.length < 8 + icv || l.offset + l.length > frame.size()) return std::nullopt;
    std::vector<uint8_t> fixed(frame.begin(), frame.end());
    const size_t covered = l.length - icv;
    const auto mac = wire::esp_icv(sa, wire::Bytes(fixed).subspan(l.offset, covered));
    std::copy(mac.begin(), mac.end(), fixed.begin() + static_cast<std::ptrdiff_t>(l.offset + covered));
    return fixed;
  }
  return std::nullopt;
}

inline void fuzz_frame(const uint8_t* data, size_t size, wire::LinkType link) {
  const wire::Bytes frame(data, size);
  wire::DecodeOptions keyed;
  keyed.esp_keys = &fuzz_keyring();
  const wire::DecodedFrame f = wire::decode_frame(frame, link, keyed);
  check_decoded(f, size);
  check_sa(f);
  if (const auto fixed = with_icv_fixed(f, frame)) {
    const wire::DecodedFrame g = wire::decode_frame(*fixed, link, keyed);
    check_decoded(g, fixed->size());
    FUZZ_CHECK(!g.error() || g.error()->field != "icv" || g.layers.size() > f.layers.size(),
               "the recomputed ICV did not verify: %s", g.summary().c_str());
    check_sa(g);
  }

  wire::DecodeOptions plain;
  plain.verify_checksums = false;
  plain.max_depth = 3;
  check_decoded(wire::decode_frame(frame, link, plain), size);
}

}  // namespace mipvpn::fuzz
