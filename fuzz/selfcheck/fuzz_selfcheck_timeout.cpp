// Deliberately broken (built only with -DMIPVPN_FUZZ_SELFCHECK=ON): never returns for inputs starting with "T".
// fuzz/selfcheck/check.sh expects fuzz/run.sh to fail on it with libFuzzer's timeout report.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 1 && data[0] == 'T') {
    volatile bool forever = true;
    while (forever) {
    }
  }
  return 0;
}
