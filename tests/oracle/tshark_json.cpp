#include "tests/oracle/tshark_json.h"

#include "harness/wire/format.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace mipvpn::wire::oracle {

void collect(const Json& node, const std::string& key, std::vector<Json>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == key) {
        if (it.value().is_array() && !key.ends_with("_raw")) {
          for (const auto& v : it.value()) out.push_back(v);
        } else {
          out.push_back(it.value());
        }
      }
      collect(it.value(), key, out);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) collect(v, key, out);
  }
}

std::vector<std::string> values(const Json& node, const std::string& key) {
  std::vector<Json> found;
  collect(node, key, found);
  std::vector<std::string> out;
  for (const auto& v : found) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string value(const Json& node, const std::string& key) {
  const auto v = values(node, key);
  return v.empty() ? "<absent>" : v.front();
}

std::vector<std::string> top(const Json& node, const std::string& key) {
  std::vector<std::string> out;
  if (!node.is_object() || !node.contains(key)) return out;
  const Json& v = node[key];
  if (v.is_array()) {
    for (const auto& x : v) out.push_back(x.get<std::string>());
  } else {
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<std::string> raw_hexes(const Json& node, const std::string& key) {
  std::vector<Json> found;
  collect(node, key + "_raw", found);
  std::vector<std::string> out;
  for (const auto& f : found) {
    if (f.is_array() && !f.empty() && f[0].is_string()) {
      out.push_back(f[0].get<std::string>());
    } else if (f.is_array() && !f.empty() && f[0].is_array()) {
      // A "_raw" key that occurs more than once in one tree: --no-duplicate-keys makes it an array of arrays.
      for (const auto& g : f)
        if (g.is_array() && !g.empty() && g[0].is_string()) out.push_back(g[0].get<std::string>());
    }
  }
  return out;
}

std::string raw_hex(const Json& node, const std::string& key) {
  const auto v = raw_hexes(node, key);
  return v.empty() ? "<absent>" : v.front();
}

std::string expert_problems(const Json& layers) {
  std::string all;
  if (!values(layers, "_ws.malformed").empty()) all += "  malformed\n";
  const auto severities = values(layers, "_ws.expert.severity");
  const auto messages = values(layers, "_ws.expert.message");
  for (size_t i = 0; i < severities.size(); ++i) {
    // Wireshark's PI_WARN is 0x00600000 and PI_ERROR 0x00800000; notes and chats are informational.
    if (std::stoul(severities[i]) >= 0x00600000ul) all += "  " + (i < messages.size() ? messages[i] : "?") + "\n";
  }
  return all;
}

void expect_clean(const Json& layers, int frame) {
  EXPECT_EQ(expert_problems(layers), "") << "frame " << frame
                                         << " is marked malformed or has warning/error expert info";
}

std::string hexw(uint64_t v, int width) { return detail::hex(v, width); }

std::string hex(std::span<const uint8_t> bytes) { return detail::hex_bytes(bytes); }

std::string colon_hex(std::span<const uint8_t> bytes) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, i ? ":%02x" : "%02x", bytes[i]);
    s += buf;
  }
  return s;
}

std::string colon_hex_text(std::string_view hex_text) {
  if (hex_text.starts_with("0x")) hex_text.remove_prefix(2);
  std::string s;
  for (size_t i = 0; i + 1 < hex_text.size(); i += 2) {
    if (!s.empty()) s += ":";
    s += hex_text.substr(i, 2);
  }
  return s;
}

std::string no_colons(std::string s) {
  std::erase(s, ':');
  return s;
}

}  // namespace mipvpn::wire::oracle
