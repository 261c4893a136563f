// One broken rule found in a message by validate(): which RFC sentence, how strong, and what was seen.
#pragma once

#include <string>

namespace mipvpn::wire {

struct Violation {
  std::string rfc;      // "RFC 5944"
  std::string section;  // "2.1.1"
  std::string level;    // "MUST" or "SHOULD" (a MUST NOT is reported as MUST, a SHOULD NOT as SHOULD)
  std::string text;     // the rule, quoted where possible, and what the message carries instead
};

}  // namespace mipvpn::wire
