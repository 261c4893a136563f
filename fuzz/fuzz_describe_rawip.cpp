// describe_frame on any bytes as a raw IP packet (LinkType::RawIP); fuzz/fuzz_describe.h says what is checked.
#include "fuzz/fuzz_describe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mipvpn::fuzz::fuzz_describe(data, size, mipvpn::wire::LinkType::RawIP);
  return 0;
}
