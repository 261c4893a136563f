// Errors as values for every decoder in harness/wire.
//
// A decoder never throws and never reads past its buffer: when the bytes do not form the message it returns a
// DecodeError naming where (offset from the start of the decoded message), which field, and what was expected there.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace mipvpn::wire {

struct DecodeError {
  size_t offset = 0;     // byte offset inside the decoded message (UDP payload or ICMP message)
  std::string field;     // e.g. "lifetime", "extension[1].length", "checksum"
  std::string expected;  // what the decoder needed there, with what it found

  // "offset 24, field extension[0].length: expected 1 byte of Length after Type 32 (message ends at 25)"
  std::string to_string() const {
    return "offset " + std::to_string(offset) + ", field " + field + ": expected " + expected;
  }
};

// Thrown only by Expected::value() on an error (a programming mistake of the caller, not a decode failure).
class BadExpectedAccess : public std::logic_error {
 public:
  explicit BadExpectedAccess(const DecodeError& e) : std::logic_error("value() on a decode error: " + e.to_string()) {}
};

// Either a decoded T or the DecodeError that stopped the decoder. A small std::expected stand-in (C++20 has none).
template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}            // NOLINT: implicit by design
  Expected(DecodeError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Precondition: !ok(). Throws std::logic_error otherwise (never UB).
  const DecodeError& error() const {
    if (ok()) throw std::logic_error("error() on a successfully decoded value");
    return std::get<1>(v_);
  }

 private:
  void check() const {
    if (!ok()) throw BadExpectedAccess(std::get<1>(v_));
  }
  std::variant<T, DecodeError> v_;
};

}  // namespace mipvpn::wire
