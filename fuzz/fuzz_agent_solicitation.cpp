// AgentSolicitation::decode on any bytes, checked as fuzz_agent_discovery.h says.
#include "fuzz/fuzz_agent_discovery.h"
#include "harness/wire/agent_solicitation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)mipvpn::fuzz::fuzz_agent_discovery_message<mipvpn::wire::AgentSolicitation>(data, size, "AgentSolicitation");
  return 0;
}
