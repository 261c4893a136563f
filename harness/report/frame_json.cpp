#include "harness/report/frame_json.h"

namespace mipvpn::report {
namespace {

nlohmann::ordered_json value_json(const wire::FieldValue& v) {
  return std::visit([](const auto& x) { return nlohmann::ordered_json(x); }, v);
}

nlohmann::ordered_json error_json(const wire::DecodeError& e) {
  return {{"offset", e.offset}, {"field", e.field}, {"expected", e.expected}};
}

}  // namespace

nlohmann::ordered_json violation_json(const wire::Violation& v) {
  return {{"rfc", v.rfc}, {"section", v.section}, {"level", v.level}, {"text", v.text}};
}

nlohmann::ordered_json layer_json(const wire::Layer& layer) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const auto& f : layer.fields) {
    // A name the layer repeats (say two KE payloads in one IKE message) gets "#2", "#3": each key keeps one type,
    // whatever the packet, so jq filters and schemas stay valid.
    std::string key = f.name;
    for (int n = 2; fields.contains(key); ++n) key = f.name + "#" + std::to_string(n);
    fields[key] = value_json(f.value);
  }
  nlohmann::ordered_json j = {{"protocol", layer.protocol},
                              {"offset", layer.offset},
                              {"length", layer.length},
                              {"decrypted", layer.decrypted},
                              {"buffer", layer.buffer},
                              {"summary", layer.summary},
                              {"fields", std::move(fields)}};
  nlohmann::ordered_json violations = nlohmann::ordered_json::array();
  for (const auto& v : layer.violations) violations.push_back(violation_json(v));
  j["violations"] = std::move(violations);
  if (layer.error) j["error"] = error_json(*layer.error);
  return j;
}

nlohmann::ordered_json frame_json(const wire::DecodedFrame& frame) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& l : frame.layers) layers.push_back(layer_json(l));
  nlohmann::ordered_json violations = nlohmann::ordered_json::array();
  for (const auto& v : frame.violations()) violations.push_back(violation_json(v));
  const wire::DecodeError* err = frame.error();
  return {{"summary", frame.summary()},
          {"layers", std::move(layers)},
          {"violations", std::move(violations)},
          {"error", err ? error_json(*err) : nlohmann::ordered_json(nullptr)}};
}

}  // namespace mipvpn::report
