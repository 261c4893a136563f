// One-line summaries of registration messages for the foreign agent's log and outcomes.
#pragma once

#include <cstdint>
#include <string>

#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::fa {

std::string hex64(uint64_t v);
std::string request_flags_text(uint8_t flags);  // "S,B,D" or "-"
// "RRQ flags=T lifetime=600 HoA=.. HA=.. CoA=.. id=0x.. exts=[MN-HA spi=256, type 130, MN-FA spi=300]"
std::string summarize(const wire::RegistrationRequest& req);
// "RRP code=0 (registration accepted) lifetime=600 HoA=.. HA=.. id=0x.. exts=[MN-HA spi=256]"
std::string summarize(const wire::RegistrationReply& rep);

}  // namespace mipvpn::agents::fa
