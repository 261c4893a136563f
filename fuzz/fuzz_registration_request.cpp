// RegistrationRequest::decode on any bytes, checked as fuzz_registration.h says.
#include "fuzz/fuzz_registration.h"
#include "harness/wire/registration_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return mipvpn::fuzz::fuzz_registration_message<mipvpn::wire::RegistrationRequest>(data, size,
                                                                                     "RegistrationRequest::decode");
}
