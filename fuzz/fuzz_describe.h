// What fuzz_describe_ethernet and fuzz_describe_rawip check of describe_frame on any bytes: it never throws (an
// exception it swallows shows as "describe failed", which only an allocation failure may cause, and ASan reports
// those itself), never reads outside, and always says something.
#pragma once

#include "fuzz/fuzz_check.h"
#include "harness/wire/describe.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mipvpn::fuzz {

inline void fuzz_describe(const uint8_t* data, size_t size, wire::LinkType link) {
  const std::string s = wire::describe_frame(data, size, link);
  FUZZ_CHECK(!s.empty(), "empty description");
  FUZZ_CHECK(s.rfind("describe failed", 0) != 0, "%s", s.c_str());
}

}  // namespace mipvpn::fuzz
