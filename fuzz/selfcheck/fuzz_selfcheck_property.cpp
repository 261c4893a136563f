// Deliberately broken (built only with -DMIPVPN_FUZZ_SELFCHECK=ON): a FUZZ_CHECK property that does not hold for
// inputs starting with "P", the way the real targets report a wrong round trip. fuzz/selfcheck/check.sh expects
// fuzz/run.sh to fail on it with the FUZZ_CHECK message.
#include "fuzz/fuzz_check.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FUZZ_CHECK(size == 0 || data[0] != 'P', "input starts with P");
  return 0;
}
