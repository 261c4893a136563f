// The RFC texts of the steering repo's shared/rfc/ (MIPVPN_SHARED_RFC_DIR, set for wire_tests), read for tests that
// check the harness against the RFC itself rather than against a copy of its own tables or quotes. Page footers,
// running headers and form feeds are dropped. Without the texts every reader returns nothing; callers skip then.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mipvpn::wire::rfc {

// `rfc` as violations name it: "RFC 7296". Lines of the text in order, page furniture removed.
inline const std::vector<std::string>& lines(const std::string& rfc) {
  static std::map<std::string, std::vector<std::string>> cache;
  auto it = cache.find(rfc);
  if (it != cache.end()) return it->second;
  std::vector<std::string> out;
#ifdef MIPVPN_SHARED_RFC_DIR
  std::ifstream in(std::string(MIPVPN_SHARED_RFC_DIR) + "/rfc" + rfc.substr(4) + ".txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("[Page ") != std::string::npos || line.find('\f') != std::string::npos) continue;
    if (line.rfind(rfc + " ", 0) == 0) continue;  // running header "RFC 7296   IKEv2bis   October 2014"
    out.push_back(line);
  }
#endif
  return cache[rfc] = std::move(out);
}

// White space runs folded to one space, none at the ends.
inline std::string squeeze(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const bool ws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (ws && !space && !out.empty()) out += ' ';
    if (!ws) out += c;
    space = ws;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The whole text as one squeezed string, for finding quoted sentences whatever their line breaks.
inline const std::string& text(const std::string& rfc) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(rfc);
  if (it != cache.end()) return it->second;
  std::string joined;
  for (const auto& line : lines(rfc)) joined += line + "\n";
  return cache[rfc] = squeeze(joined);
}

// The lines of one section: from the line that starts with `heading` ("3.10.1.  Notify Message Types") up to the
// line that starts with `next_heading` ("3.11."), neither included; empty when the heading is not found.
inline std::vector<std::string> section(const std::string& rfc, const std::string& heading,
                                        const std::string& next_heading) {
  std::vector<std::string> out;
  bool inside = false;
  for (const auto& line : lines(rfc)) {
    if (!inside) {
      inside = line.rfind(heading, 0) == 0;
      continue;
    }
    if (line.rfind(next_heading, 0) == 0) break;
    out.push_back(line);
  }
  return out;
}

}  // namespace mipvpn::wire::rfc
