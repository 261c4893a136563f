// One line per event, prefixed with a UTC timestamp; flushed per line so a killed daemon loses nothing.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mipvpn::agents {

class Logger {
 public:
  Logger();  // stderr
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Appends to `path`; returns false (errno set) if it cannot be opened.
  bool open(const std::string& path);
  void line(std::string_view text);

 private:
  std::FILE* out_;
  bool owned_ = false;
};

}  // namespace mipvpn::agents
