#pragma once
// The body of `mipvpn decode`: read a capture file, decode each packet, print it as a line or a JSON object.
#include <optional>
#include <ostream>
#include <string>

namespace mipvpn::cli {

struct DecodeSettings {
  bool json = false;
  bool verify_checksums = true;
  bool violations_only = false;
  std::optional<std::string> esp_keys_path;
};

// Prints to `out` (packets) and `err` (file damage, key file errors, the closing count). Returns the exit code:
// 0 no MUST violation, 1 at least one MUST violation, 2 unreadable/damaged capture or key file.
int decode_capture(const std::string& path, const DecodeSettings& settings, std::ostream& out, std::ostream& err);

}  // namespace mipvpn::cli
