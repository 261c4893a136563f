#include "agents/common/config_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace mipvpn::agents {
namespace {

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  out += ": ";
  out += path.empty() ? "(document)" : path;
  out += ": ";
  out += expected;
  return out;
}

std::string describe_json(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "got null";
    case nlohmann::json::value_t::object: return "got an object";
    case nlohmann::json::value_t::array: return "got an array";
    case nlohmann::json::value_t::boolean: return std::string("got ") + (v.get<bool>() ? "true" : "false");
    case nlohmann::json::value_t::string: {
      std::string s = v.dump();
      if (s.size() > 80) s = s.substr(0, 77) + "...";
      return "got " + s;
    }
    default: return "got " + v.dump();
  }
}

nlohmann::json read_json_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigException({file, "", "expected a readable JSON file (cannot open it)"});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigException({file, "", "expected a readable JSON file (read error)"});
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigException({file, "", "expected valid JSON, syntax error at byte " + std::to_string(e.byte) + ": " +
                                         e.what()});
  }
}

JsonObject::JsonObject(const nlohmann::json& value, std::string path, std::string file)
    : value_(&value), path_(std::move(path)), file_(std::move(file)) {
  if (!value.is_object()) fail_here("expected a JSON object, " + describe_json(value));
}

std::string JsonObject::child_path(std::string_view key) const { return path_ + "/" + escape_pointer_token(key); }

bool JsonObject::has(std::string_view key) const { return value_->contains(std::string(key)); }

void JsonObject::fail(std::string_view key, std::string expected) const {
  throw ConfigException({file_, child_path(key), std::move(expected)});
}

void JsonObject::fail_here(std::string expected) const { throw ConfigException({file_, path_, std::move(expected)}); }

const nlohmann::json& JsonObject::at(std::string_view key, std::string_view expected) const {
  auto it = value_->find(std::string(key));
  if (it == value_->end()) fail(key, "missing; expected " + std::string(expected));
  return *it;
}

std::string JsonObject::string(std::string_view key) const {
  const auto& v = at(key, "a string");
  if (!v.is_string()) fail(key, "expected a string, " + describe_json(v));
  return v.get<std::string>();
}

bool JsonObject::boolean(std::string_view key) const {
  const auto& v = at(key, "true or false");
  if (!v.is_boolean()) fail(key, "expected true or false, " + describe_json(v));
  return v.get<bool>();
}

uint64_t JsonObject::unsigned_integer(std::string_view key, uint64_t min, uint64_t max) const {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const auto& v = at(key, range);
  if (!v.is_number_unsigned()) fail(key, "expected " + range + ", " + describe_json(v));
  const uint64_t n = v.get<uint64_t>();
  if (n < min || n > max) fail(key, "expected " + range + ", " + describe_json(v));
  return n;
}

double JsonObject::number(std::string_view key, double min, double max) const {
  std::ostringstream range;
  range << "a number from " << min << " to " << max;
  const auto& v = at(key, range.str());
  if (!v.is_number()) fail(key, "expected " + range.str() + ", " + describe_json(v));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < min || d > max) fail(key, "expected " + range.str() + ", " + describe_json(v));
  return d;
}

Tins::IPv4Address JsonObject::ipv4(std::string_view key) const {
  const auto& v = at(key, "an IPv4 address \"a.b.c.d\"");
  if (!v.is_string()) fail(key, "expected an IPv4 address \"a.b.c.d\", " + describe_json(v));
  auto a = parse_ipv4(v.get<std::string>());
  if (!a) fail(key, "expected an IPv4 address \"a.b.c.d\", " + describe_json(v));
  return *a;
}

Ipv4Prefix JsonObject::prefix(std::string_view key) const {
  const auto& v = at(key, "an IPv4 prefix \"a.b.c.d/len\"");
  if (!v.is_string()) fail(key, "expected an IPv4 prefix \"a.b.c.d/len\", " + describe_json(v));
  auto p = Ipv4Prefix::parse(v.get<std::string>());
  if (!p) fail(key, "expected an IPv4 prefix \"a.b.c.d/len\" with len 0-32, " + describe_json(v));
  return *p;
}

std::vector<uint8_t> JsonObject::hex(std::string_view key) const {
  const char* what = "a non-empty string of hex digits with an even length";
  const auto& v = at(key, what);
  if (!v.is_string()) fail(key, std::string("expected ") + what + ", " + describe_json(v));
  const std::string s = v.get<std::string>();
  if (s.empty() || s.size() % 2 != 0) fail(key, std::string("expected ") + what + ", " + describe_json(v));
  std::vector<uint8_t> out;
  out.reserve(s.size() / 2);
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_value(s[i]);
    const int lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) fail(key, std::string("expected ") + what + ", " + describe_json(v));
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return out;
}

JsonObject JsonObject::object(std::string_view key) const {
  return JsonObject(at(key, "a JSON object"), child_path(key), file_);
}

std::vector<JsonObject> JsonObject::objects(std::string_view key) const {
  const auto& v = at(key, "an array of objects");
  if (!v.is_array()) fail(key, "expected an array of objects, " + describe_json(v));
  std::vector<JsonObject> out;
  for (size_t i = 0; i < v.size(); ++i) out.emplace_back(v[i], child_path(key) + "/" + std::to_string(i), file_);
  return out;
}

void JsonObject::reject_unknown(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : value_->items()) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(key, "unknown member; expected one of: " + list);
    }
  }
}

}  // namespace mipvpn::agents
