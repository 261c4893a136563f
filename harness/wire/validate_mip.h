// The rules the companion RFCs give for their registration extensions, checkable on one message: RFC 3024 3.3
// (Encapsulating Delivery Style), RFC 3519 3.1, 3.1.5, 3.2, 4.4, 4.5 (UDP Tunnel Request / Reply), RFC 5265 3.4 with
// RFC 5944 3.8.3.3 (Trusted Networks Configured), RFC 2794 2 and 3 (Mobile Node NAI). validate() of requests and
// replies (validate.h) appends these after the RFC 5944 rules; they are declared here for validate.cpp only.
#pragma once

#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/violation.h"

#include <vector>

namespace mipvpn::wire::detail {

void check_companion_extensions(const RegistrationRequest& rrq, std::vector<Violation>& out);
void check_companion_extensions(const RegistrationReply& rrp, std::vector<Violation>& out);

}  // namespace mipvpn::wire::detail
