// RegistrationRequest::decode on any bytes: never throws, an error names a field inside the input, the libtins
// constructor accepts exactly what decode accepts, and a decoded request goes through validate(), describe() and the
// authentication check without trouble. (Re-encoding is fuzz_roundtrip's job.)
#include "fuzz/fuzz_check.h"
#include "harness/wire/authentication.h"
#include "harness/wire/describe.h"
#include "harness/wire/malformed.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/validate.h"

#include <cstdint>
#include <vector>

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> kKey(16, 0x5c);
  auto r = RegistrationRequest::decode(data, size);
  mipvpn::fuzz::check_error(r, size, "RegistrationRequest::decode");

  bool constructed = true;
  try {
    RegistrationRequest pdu(data, static_cast<uint32_t>(size));
    FUZZ_CHECK(r.ok() && pdu.bytes() == r->bytes(), "constructor and decode disagree on the message");
  } catch (const MalformedMessage& e) {
    constructed = false;
    FUZZ_CHECK(!r.ok() && e.error().to_string() == r.error().to_string(), "constructor threw: %s", e.what());
  }
  FUZZ_CHECK(constructed == r.ok(), "constructor and decode disagree on validity");
  if (!r) return 0;

  (void)validate(*r);
  FUZZ_CHECK(!describe(*r).empty(), "empty description");
  const std::span<const uint8_t> msg(data, size);
  for (const auto& ext : r->extensions()) {
    FUZZ_CHECK(ext.offset + ext.wire_size() <= size, "extension at %zu runs past the message", ext.offset);
    if (is_auth_extension(ext.type)) {
      (void)AuthExtension::from(ext);
      (void)verify_authentication(msg, ext, kKey);
    }
  }
  return 0;
}
