// What fuzz_registration_request and fuzz_registration_reply assert of their message type (RFC 5944 3.3, 3.4):
// decode() on any bytes never throws and an error names a field inside the input, the libtins constructor accepts
// exactly what decode accepts, and a decoded message goes through validate(), describe() and the authentication check
// without trouble. (Re-encoding is fuzz_roundtrip's job.)
#pragma once

#include "fuzz/fuzz_check.h"
#include "harness/wire/authentication.h"
#include "harness/wire/describe.h"
#include "harness/wire/validate.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mipvpn::fuzz {

// `what` names the decoder in failure messages ("RegistrationRequest::decode").
template <class Message>
int fuzz_registration_message(const uint8_t* data, size_t size, const char* what) {
  static const std::vector<uint8_t> kKey(16, 0x5c);
  auto r = Message::decode(data, size);
  check_error(r, size, what);
  check_constructor_agrees(data, size, r);
  if (!r) return 0;

  (void)wire::validate(*r);
  FUZZ_CHECK(!wire::describe(*r).empty(), "empty description");
  const std::span<const uint8_t> msg(data, size);
  for (const auto& ext : r->extensions()) {
    FUZZ_CHECK(ext.offset + ext.wire_size() <= size, "extension at %zu runs past the message", ext.offset);
    if (wire::is_auth_extension(ext.type)) {
      (void)wire::AuthExtension::from(ext);
      (void)wire::verify_authentication(msg, ext, kKey);
    }
  }
  return 0;
}

}  // namespace mipvpn::fuzz
