// AgentAdvertisement::decode on any bytes, with and without the ICMP checksum check (without it, mutations reach the
// router addresses and extensions instead of stopping at the checksum): never throws, errors stay inside the input,
// checking the checksum only ever turns a success into a "checksum" error, the libtins constructor agrees with the
// checked decode, and a decoded advertisement goes through validate() and describe().
#include "fuzz/fuzz_check.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/describe.h"
#include "harness/wire/malformed.h"
#include "harness/wire/validate.h"

#include <cstdint>

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto checked = AgentAdvertisement::decode(data, size, true);
  auto unchecked = AgentAdvertisement::decode(data, size, false);
  mipvpn::fuzz::check_error(checked, size, "AgentAdvertisement::decode(checked)");
  mipvpn::fuzz::check_error(unchecked, size, "AgentAdvertisement::decode(unchecked)");
  if (checked) FUZZ_CHECK(unchecked.ok(), "a checksum-verified decode succeeded where the unchecked one failed");
  if (unchecked && !checked)
    FUZZ_CHECK(checked.error().field == "checksum", "unchecked decode succeeded, checked one failed on %s",
               checked.error().to_string().c_str());

  bool constructed = true;
  try {
    AgentAdvertisement pdu(data, static_cast<uint32_t>(size));
    FUZZ_CHECK(checked.ok() && pdu.bytes() == checked->bytes(), "constructor and decode disagree on the message");
  } catch (const MalformedMessage& e) {
    constructed = false;
    FUZZ_CHECK(!checked.ok() && e.error().to_string() == checked.error().to_string(), "constructor threw: %s",
               e.what());
  }
  FUZZ_CHECK(constructed == checked.ok(), "constructor and decode disagree on validity");

  if (!unchecked) return 0;
  (void)validate(*unchecked);
  FUZZ_CHECK(!describe(*unchecked).empty(), "empty description");
  (void)unchecked->prefix_lengths();
  return 0;
}
