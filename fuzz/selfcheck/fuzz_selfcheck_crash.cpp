// Deliberately broken (built only with -DMIPVPN_FUZZ_SELFCHECK=ON): a heap read one past the end of the input when it
// starts with "C". fuzz/selfcheck/check.sh expects fuzz/run.sh to fail on it with an AddressSanitizer report.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 1 && data[0] == 'C') {
    volatile uint8_t past_end = data[size];
    (void)past_end;
  }
  return 0;
}
