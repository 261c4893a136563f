// What every fuzz target asserts besides "no sanitizer report": a property that does not hold is a crash with a
// message, so libFuzzer saves the input and fuzz/run.sh fails.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/malformed.h"

#include <cstddef>
#include <cstdio>
#include <cstdint>
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

// The libtins-style constructor Pdu(data, size) must accept exactly what decode() accepted (`decoded`), build the
// same message (`same(constructed, decoded)`), and, where it refuses, throw decode()'s error.
template <class Pdu, class Same>
void check_constructor_agrees(const uint8_t* data, size_t size, const wire::Expected<Pdu>& decoded, Same same) {
  bool constructed = true;
  try {
    Pdu pdu(data, static_cast<uint32_t>(size));
    FUZZ_CHECK(decoded.ok() && same(pdu, *decoded), "constructor and decode disagree on the message");
  } catch (const wire::MalformedMessage& e) {
    constructed = false;
    FUZZ_CHECK(!decoded.ok() && e.error().to_string() == decoded.error().to_string(), "constructor threw: %s",
               e.what());
  }
  FUZZ_CHECK(constructed == decoded.ok(), "constructor and decode disagree on validity");
}

// The same, for PDUs whose bytes() re-encode the whole message: the two must encode alike.
template <class Pdu>
void check_constructor_agrees(const uint8_t* data, size_t size, const wire::Expected<Pdu>& decoded) {
  check_constructor_agrees(data, size, decoded, [](const Pdu& a, const Pdu& b) { return a.bytes() == b.bytes(); });
}

}  // namespace mipvpn::fuzz
