// What fuzz_agent_advertisement and fuzz_agent_solicitation assert of their ICMP message (RFC 5944 2.1, 2.2): decode()
// on any bytes, with and without the ICMP checksum check (without it, mutations reach the fields after the header
// instead of stopping at the checksum), never throws and keeps its errors inside the input; checking the checksum
// only ever turns a success into a "checksum" error; the libtins constructor agrees with the checked decode; and a
// message decoded without the check goes through validate() and describe().
#pragma once

#include "fuzz/fuzz_check.h"
#include "harness/wire/describe.h"
#include "harness/wire/validate.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mipvpn::fuzz {

// `name` is the message class ("AgentAdvertisement"); returns the unchecked decode for checks of the caller's own.
template <class Message>
wire::Expected<Message> fuzz_agent_discovery_message(const uint8_t* data, size_t size, const std::string& name) {
  auto checked = Message::decode(data, size, true);
  auto unchecked = Message::decode(data, size, false);
  check_error(checked, size, (name + "::decode(checked)").c_str());
  check_error(unchecked, size, (name + "::decode(unchecked)").c_str());
  if (checked) FUZZ_CHECK(unchecked.ok(), "a checksum-verified decode succeeded where the unchecked one failed");
  if (unchecked && !checked)
    FUZZ_CHECK(checked.error().field == "checksum", "unchecked decode succeeded, checked one failed on %s",
               checked.error().to_string().c_str());
  check_constructor_agrees(data, size, checked);

  if (unchecked) {
    (void)wire::validate(*unchecked);
    FUZZ_CHECK(!wire::describe(*unchecked).empty(), "empty description");
  }
  return unchecked;
}

}  // namespace mipvpn::fuzz
