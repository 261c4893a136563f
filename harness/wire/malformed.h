// The exception thrown by the libtins-style constructors (const uint8_t*, uint32_t) of the wire messages. It is a
// Tins::malformed_packet, so code written against libtins catches it, and it carries the DecodeError.
#pragma once

#include "harness/wire/expected.h"

#include <tins/exceptions.h>

#include <string>

namespace mipvpn::wire {

class MalformedMessage : public Tins::malformed_packet {
 public:
  MalformedMessage(std::string message, DecodeError error)
      : error_(std::move(error)), text_(std::move(message) + ": " + error_.to_string()) {}
  const DecodeError& error() const noexcept { return error_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  DecodeError error_;
  std::string text_;
};

}  // namespace mipvpn::wire
