// describe_frame on any bytes as a raw IP packet (LinkType::RawIP): never throws (an exception it swallows shows as
// "describe failed", which only an allocation failure may cause, and ASan reports those itself), never reads outside.
#include "fuzz/fuzz_check.h"
#include "harness/wire/describe.h"

#include <cstdint>
#include <string>

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s = describe_frame(data, size, LinkType::RawIP);
  FUZZ_CHECK(!s.empty(), "empty description");
  FUZZ_CHECK(s.rfind("describe failed", 0) != 0, "%s", s.c_str());
  return 0;
}
