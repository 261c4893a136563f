// Our side of an oracle comparison: a Layer's fields (harness/wire/layer.h) as text in the forms tshark shows.
// A missing field, or one of another type, reads as a text that names it and that no tshark value (nor value()'s
// "<absent>") can equal, so a comparison against a missing field always fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/wire/layer.h"

namespace mipvpn::wire::oracle {

// The unsigned number, or ~0 when the field is missing or not one.
inline uint64_t u64(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  return v != nullptr && std::holds_alternative<uint64_t>(*v) ? std::get<uint64_t>(*v) : ~uint64_t{0};
}

// The unsigned number in decimal.
inline std::string dec(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<uint64_t>(*v)) return "<no number " + std::string(name) + ">";
  return std::to_string(std::get<uint64_t>(*v));
}

// The text field.
inline std::string str(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<std::string>(*v)) return "<no string " + std::string(name) + ">";
  return std::get<std::string>(*v);
}

// The flag as "1" / "0".
inline std::string bit(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<bool>(*v)) return "<no bool " + std::string(name) + ">";
  return std::get<bool>(*v) ? "1" : "0";
}

// Any field as text: numbers in decimal, flags as "true" / "false".
inline std::string field_text(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr) return "<no field " + std::string(name) + ">";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* u = std::get_if<uint64_t>(v)) return std::to_string(*u);
  if (const auto* i = std::get_if<int64_t>(v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(v)) return *b ? "true" : "false";
  return "<other>";
}

}  // namespace mipvpn::wire::oracle
