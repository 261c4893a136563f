// Deliberately broken (built only with -DMIPVPN_FUZZ_SELFCHECK=ON): leaks an allocation for inputs starting with
// "L". fuzz/selfcheck/check.sh expects fuzz/run.sh to fail on it with a LeakSanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {
void* volatile g_sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 1 && data[0] == 'L') {
    auto* copy = new uint8_t[size];
    std::memcpy(copy, data, size);
    g_sink = copy;  // overwritten by the next input: the previous copy is lost
    g_sink = nullptr;
  }
  return 0;
}
