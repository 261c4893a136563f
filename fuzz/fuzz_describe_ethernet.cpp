// describe_frame on any bytes as an Ethernet frame; fuzz/fuzz_describe.h says what is checked.
#include "fuzz/fuzz_describe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mipvpn::fuzz::fuzz_describe(data, size, mipvpn::wire::LinkType::Ethernet);
  return 0;
}
