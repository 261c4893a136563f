#include "harness/wire/codes.h"

namespace mipvpn::wire {
namespace {

struct CodeInfo {
  uint8_t code;
  ReplyCodeOrigin origin;
  std::string_view name;
};

// Names are the RFC's own wording (RFC 5944 3.4, RFC 3024 3.4, RFC 3519 8; RFC 2794 5 gives only symbolic names).
constexpr CodeInfo kCodes[] = {
    {0, ReplyCodeOrigin::Accepted, "registration accepted"},
    {1, ReplyCodeOrigin::Accepted, "registration accepted, but simultaneous mobility bindings unsupported"},
    {64, ReplyCodeOrigin::ForeignAgent, "reason unspecified (FA)"},
    {65, ReplyCodeOrigin::ForeignAgent, "administratively prohibited (FA)"},
    {66, ReplyCodeOrigin::ForeignAgent, "insufficient resources (FA)"},
    {67, ReplyCodeOrigin::ForeignAgent, "mobile node failed authentication (FA)"},
    {68, ReplyCodeOrigin::ForeignAgent, "home agent failed authentication"},
    {69, ReplyCodeOrigin::ForeignAgent, "requested Lifetime too long"},
    {70, ReplyCodeOrigin::ForeignAgent, "poorly formed Request (FA)"},
    {71, ReplyCodeOrigin::ForeignAgent, "poorly formed Reply"},
    {72, ReplyCodeOrigin::ForeignAgent, "requested encapsulation unavailable (FA)"},
    {73, ReplyCodeOrigin::ForeignAgent, "reserved and unavailable"},
    {74, ReplyCodeOrigin::ForeignAgent, "requested reverse tunnel unavailable (FA)"},
    {75, ReplyCodeOrigin::ForeignAgent, "reverse tunnel is mandatory and 'T' bit not set (FA)"},
    {76, ReplyCodeOrigin::ForeignAgent, "mobile node too distant"},
    {77, ReplyCodeOrigin::ForeignAgent, "invalid care-of address"},
    {78, ReplyCodeOrigin::ForeignAgent, "registration timeout"},
    {79, ReplyCodeOrigin::ForeignAgent, "delivery style not supported"},
    {80, ReplyCodeOrigin::ForeignAgent, "home network unreachable (ICMP error received)"},
    {81, ReplyCodeOrigin::ForeignAgent, "home agent host unreachable (ICMP error received)"},
    {82, ReplyCodeOrigin::ForeignAgent, "home agent port unreachable (ICMP error received)"},
    {88, ReplyCodeOrigin::ForeignAgent, "home agent unreachable (other ICMP error received)"},
    // RFC 2794 5: "error values conventionally associated with rejection by the foreign agent".
    {96, ReplyCodeOrigin::ForeignAgent, "NONZERO_HOMEADDR_REQD"},
    {97, ReplyCodeOrigin::ForeignAgent, "MISSING_NAI"},
    {98, ReplyCodeOrigin::ForeignAgent, "MISSING_HOME_AGENT"},
    {99, ReplyCodeOrigin::ForeignAgent, "MISSING_HOMEADDR"},
    {128, ReplyCodeOrigin::HomeAgent, "reason unspecified (HA)"},
    {129, ReplyCodeOrigin::HomeAgent, "administratively prohibited (HA)"},
    {130, ReplyCodeOrigin::HomeAgent, "insufficient resources (HA)"},
    {131, ReplyCodeOrigin::HomeAgent, "mobile node failed authentication (HA)"},
    {132, ReplyCodeOrigin::HomeAgent, "foreign agent failed authentication"},
    {133, ReplyCodeOrigin::HomeAgent, "registration Identification mismatch"},
    {134, ReplyCodeOrigin::HomeAgent, "poorly formed Request (HA)"},
    {135, ReplyCodeOrigin::HomeAgent, "too many simultaneous mobility bindings"},
    {136, ReplyCodeOrigin::HomeAgent, "unknown home agent address"},
    {137, ReplyCodeOrigin::HomeAgent, "requested reverse tunnel unavailable (HA)"},
    {138, ReplyCodeOrigin::HomeAgent, "reverse tunnel is mandatory and 'T' bit not set (HA)"},
    {139, ReplyCodeOrigin::HomeAgent, "requested encapsulation unavailable (HA)"},
    {142, ReplyCodeOrigin::HomeAgent, "requested UDP tunnel encapsulation unavailable"},
    {194, ReplyCodeOrigin::ForeignAgent, "Invalid Home Agent Address"},
};

const CodeInfo* find(uint8_t code) {
  for (const auto& c : kCodes)
    if (c.code == code) return &c;
  return nullptr;
}

}  // namespace

std::string_view reply_code_name(uint8_t code) {
  const CodeInfo* c = find(code);
  return c != nullptr ? c->name : std::string_view("unassigned");
}

ReplyCodeOrigin reply_code_origin(uint8_t code) {
  const CodeInfo* c = find(code);
  return c != nullptr ? c->origin : ReplyCodeOrigin::Unassigned;
}

}  // namespace mipvpn::wire
