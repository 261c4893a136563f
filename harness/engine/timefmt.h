#pragma once
#include <chrono>
#include <string>

namespace mipvpn::engine {
// "2026-11-28T15:26:40.123456Z": reports and evidence share one unambiguous UTC form.
std::string iso8601(std::chrono::system_clock::time_point t);
} // namespace mipvpn::engine
