// AgentSolicitation::decode on any bytes, with and without the ICMP checksum check (without it, mutations reach the
// reserved word and trailing bytes instead of stopping at the checksum): never throws, errors stay inside the input,
// checking the checksum only ever turns a success into a "checksum" error, the libtins constructor agrees with the
// checked decode, and a decoded solicitation goes through validate() and describe().
#include "fuzz/fuzz_check.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/describe.h"
#include "harness/wire/malformed.h"
#include "harness/wire/validate.h"

#include <cstdint>

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto checked = AgentSolicitation::decode(data, size, true);
  auto unchecked = AgentSolicitation::decode(data, size, false);
  mipvpn::fuzz::check_error(checked, size, "AgentSolicitation::decode(checked)");
  mipvpn::fuzz::check_error(unchecked, size, "AgentSolicitation::decode(unchecked)");
  if (checked) FUZZ_CHECK(unchecked.ok(), "a checksum-verified decode succeeded where the unchecked one failed");
  if (unchecked && !checked)
    FUZZ_CHECK(checked.error().field == "checksum", "unchecked decode succeeded, checked one failed on %s",
               checked.error().to_string().c_str());

  bool constructed = true;
  try {
    AgentSolicitation pdu(data, static_cast<uint32_t>(size));
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
  return 0;
}
