// Deliberately broken (built only with -DMIPVPN_FUZZ_SELFCHECK=ON): a shift by the input's first byte, undefined
// for 32 and more. fuzz/selfcheck/check.sh expects fuzz/run.sh to fail on it with an UBSan "runtime error".
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 2 && data[0] == 'U') {
    volatile uint32_t one = 1;
    volatile uint32_t shifted = one << data[1];
    (void)shifted;
  }
  return 0;
}
