#include "agents/common/log.h"

#include <chrono>
#include <ctime>

namespace mipvpn::agents {

Logger::Logger() : out_(stderr) {}

Logger::~Logger() {
  if (owned_) std::fclose(out_);
}

bool Logger::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return false;
  if (owned_) std::fclose(out_);
  out_ = f;
  owned_ = true;
  return true;
}

void Logger::line(std::string_view text) {
  const auto now = std::chrono::system_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[96];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(us % 1000000));
  std::fprintf(out_, "%s %.*s\n", stamp, static_cast<int>(text.size()), text.data());
  std::fflush(out_);
}

}  // namespace mipvpn::agents
