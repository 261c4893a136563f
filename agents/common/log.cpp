#include "agents/common/log.h"

#include <chrono>
#include <ctime>
#include <utility>

namespace mipvpn::agents {

Logger::Logger() : out_(stderr) {}

Logger::Logger(Logger& parent, std::string prefix) : out_(nullptr), parent_(&parent), prefix_(std::move(prefix)) {}

Logger::~Logger() {
  if (owned_) std::fclose(out_);
}

bool Logger::open(const std::string& path) {
  if (parent_ != nullptr) return parent_->open(path);
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return false;
  if (owned_) std::fclose(out_);
  out_ = f;
  owned_ = true;
  return true;
}

void Logger::line(std::string_view text) {
  if (parent_ != nullptr) {
    parent_->line(prefix_ + std::string(text));
    return;
  }
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
