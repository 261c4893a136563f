#pragma once
// A decoded frame as JSON: the form `mipvpn decode --json` prints (one object per packet) and evidence files reuse.
#include "harness/wire/layer.h"

#include <nlohmann/json.hpp>

namespace mipvpn::report {

// {"protocol", "offset", "length", "decrypted", "summary", "fields": {name: value, ...}, "violations": [...],
// "error": {offset, field, expected} | absent}. Layers index the fields that may repeat ("care_of_address0"); a name
// that still repeats gets "#2", "#3" in wire order, so a key's type never depends on the packet.
nlohmann::ordered_json layer_json(const wire::Layer& layer);
nlohmann::ordered_json violation_json(const wire::Violation& v);
// {"summary", "layers": [...], "violations": [...all layers...], "error": first error | null}
nlohmann::ordered_json frame_json(const wire::DecodedFrame& frame);

}  // namespace mipvpn::report
