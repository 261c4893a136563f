// One line per event, prefixed with a UTC timestamp; flushed per line so a killed daemon loses nothing.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mipvpn::agents {

class Logger {
 public:
  Logger();  // stderr
  // Writes to `parent`'s destination, each line after `prefix` (e.g. "x: " for one layer of a daemon).
  Logger(Logger& parent, std::string prefix);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Appends to `path`; returns false (errno set) if it cannot be opened.
  bool open(const std::string& path);
  void line(std::string_view text);

 private:
  std::FILE* out_;
  bool owned_ = false;
  Logger* parent_ = nullptr;
  std::string prefix_;
};

}  // namespace mipvpn::agents
