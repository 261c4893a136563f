// What every fuzz target asserts besides "no sanitizer report": a property that does not hold is a crash with a
// message, so libFuzzer saves the input and fuzz/run.sh fails.
#pragma once

#include "harness/wire/expected.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                                                 \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
      std::fprintf(stderr, __VA_ARGS__);                                                      \
      std::fprintf(stderr, "\n");                                                             \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

namespace mipvpn::fuzz {

// A decoder that fails must say where inside the input it stopped, which field, and what it wanted there.
template <class T>
void check_error(const wire::Expected<T>& r, size_t size, const char* what) {
  if (r) return;
  const auto& e = r.error();
  FUZZ_CHECK(e.offset <= size, "%s: error offset past the input (%zu bytes): %s", what, size, e.to_string().c_str());
  FUZZ_CHECK(!e.field.empty() && !e.expected.empty(), "%s: error without field or expectation: %s", what,
             e.to_string().c_str());
}

}  // namespace mipvpn::fuzz
