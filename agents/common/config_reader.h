// Path-aware reading of a JSON configuration: every error names the file, the JSON pointer of the offending value
// and what was expected there.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include "agents/common/ipv4.h"

namespace mipvpn::agents {

struct ConfigError {
  std::string file;
  std::string path;      // JSON pointer ("/mobile_nodes/0/key"); empty for the document itself
  std::string expected;  // what was expected there (and what was found)
  std::string to_string() const;
};

class ConfigException : public std::runtime_error {
 public:
  explicit ConfigException(ConfigError e) : std::runtime_error(e.to_string()), error_(std::move(e)) {}
  const ConfigError& error() const { return error_; }

 private:
  ConfigError error_;
};

// Reads the file and parses it as JSON; throws ConfigException (unreadable file, syntax error with byte offset).
nlohmann::json read_json_file(const std::string& file);

// A view of one JSON object at a known path.
class JsonObject {
 public:
  // Throws unless `value` is an object.
  JsonObject(const nlohmann::json& value, std::string path, std::string file);

  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  std::string child_path(std::string_view key) const;
  bool has(std::string_view key) const;
  const nlohmann::json& at(std::string_view key, std::string_view expected) const;  // throws "missing"

  // Required members (throw when missing or of the wrong kind).
  std::string string(std::string_view key) const;
  bool boolean(std::string_view key) const;
  uint64_t unsigned_integer(std::string_view key, uint64_t min, uint64_t max) const;
  double number(std::string_view key, double min, double max) const;
  Tins::IPv4Address ipv4(std::string_view key) const;
  Ipv4Prefix prefix(std::string_view key) const;
  std::vector<uint8_t> hex(std::string_view key) const;
  JsonObject object(std::string_view key) const;
  // Each element of a required array, as an object.
  std::vector<JsonObject> objects(std::string_view key) const;

  // Members not in `known` are errors (catches misspelt keys).
  void reject_unknown(std::initializer_list<std::string_view> known) const;

  [[noreturn]] void fail(std::string_view key, std::string expected) const;
  [[noreturn]] void fail_here(std::string expected) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
  std::string file_;
};

// "got 12", "got \"abc\"", "got an array" ... for error messages.
std::string describe_json(const nlohmann::json& v);

}  // namespace mipvpn::agents
