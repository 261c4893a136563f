// AgentAdvertisement::decode on any bytes, checked as fuzz_agent_discovery.h says, and the prefix lengths extension
// of whatever decodes read without trouble.
#include "fuzz/fuzz_agent_discovery.h"
#include "harness/wire/agent_advertisement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto advertisement =
      mipvpn::fuzz::fuzz_agent_discovery_message<mipvpn::wire::AgentAdvertisement>(data, size, "AgentAdvertisement");
  if (advertisement) (void)advertisement->prefix_lengths();
  return 0;
}
