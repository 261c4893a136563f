#include "agents/common/faults.h"

#include <array>
#include <stdexcept>

namespace mipvpn::agents {
namespace {

constexpr std::array<FaultInfo, static_cast<size_t>(Fault::Count_)> kFaults{{
    {Fault::ReplyWithoutSa, Role::HomeAgent, "reply-without-sa",
     "a Registration Request from a mobile node with which the HA has no security association MUST be silently "
     "discarded; this fault answers it with Code 131 (RFC 5944 3.8.2.1 a)"},
    {Fault::ReplyWithoutAuthExt, Role::HomeAgent, "reply-without-auth-ext",
     "a Registration Request without any authorization-enabling extension MUST be silently discarded; this fault "
     "answers it with Code 134 (RFC 5944 3.8.2.1 a)"},
    {Fault::AcceptBadAuthenticator, Role::HomeAgent, "accept-bad-authenticator",
     "if the Authenticator is invalid the HA MUST reject the registration; this fault accepts it (RFC 5944 3.8.2.1 a)"},
    {Fault::AcceptReservedBits, Role::HomeAgent, "accept-reserved-bits",
     "Requests with non-zero bits in reserved fields MUST be rejected with Code 134; this fault accepts them "
     "(RFC 5944 3.8.2.3)"},
    {Fault::AcceptStaleIdentification, Role::HomeAgent, "accept-stale-identification",
     "the timestamp in the Identification MUST be close to the HA's clock and greater than all previously accepted "
     "ones, else reject with Code 133; this fault skips the check (RFC 5944 3.8.2.1 b, 5.7.1)"},
    {Fault::WrongIdentificationHighBits, Role::HomeAgent, "wrong-identification-high-bits",
     "a Code 133 reply MUST carry the HA's time of day in the high-order 32 bits of the Identification; this fault "
     "copies the request's whole Identification (RFC 5944 5.7.1)"},
    {Fault::WrongIdentificationLowBits, Role::HomeAgent, "wrong-identification-low-bits",
     "the low-order 32 bits of the request's Identification MUST be copied into the reply; this fault alters them in "
     "accepting replies (RFC 5944 3.4, 5.7.1)"},
    {Fault::AcceptForeignHomeAgentField, Role::HomeAgent, "accept-foreign-home-agent-field",
     "a request whose Home Agent field is not a unicast address of this HA MUST be rejected (Code 136) with the HA's "
     "own address in the reply; this fault accepts it (RFC 5944 3.8.3.2)"},
    {Fault::AcceptBroadcast, Role::HomeAgent, "accept-broadcast",
     "Requests sent to the subnet-directed broadcast address of the home network MUST be denied and discarded "
     "(Code 136); this fault accepts them (RFC 5944 3.8.2.1)"},
    {Fault::LifetimeExceedsRequest, Role::HomeAgent, "lifetime-exceeds-request",
     "the HA MUST NOT increase the Lifetime above that requested by the mobile node; this fault grants max_lifetime "
     "(RFC 5944 3.8.2.2, 3.8.3.2)"},
    {Fault::LifetimeExceedsMax, Role::HomeAgent, "lifetime-exceeds-max",
     "a requested Lifetime above the HA's maximum MUST be reduced to the time service will actually be provided; "
     "this fault grants the requested value (RFC 5944 3.8.3.2)"},
    {Fault::DeregKeepsBinding, Role::HomeAgent, "dereg-keeps-binding",
     "Lifetime zero with a Care-of Address other than the home address MUST delete that care-of address's binding; "
     "this fault answers Code 0 but keeps it (RFC 5944 3.8.2.2)"},
    {Fault::DeregAllKeepsOthers, Role::HomeAgent, "dereg-all-keeps-others",
     "Lifetime zero with Care-of Address equal to the home address MUST delete all of the mobile node's bindings; "
     "this fault deletes only a binding whose care-of address is the home address (RFC 5944 3.8.2.2)"},
    {Fault::NoExpiry, Role::HomeAgent, "no-expiry",
     "after the registration Lifetime expires the HA MUST delete the binding; this fault never expires bindings "
     "(RFC 5944 3.8.2.2)"},
    {Fault::DuplicateExtendsLifetime, Role::HomeAgent, "duplicate-extends-lifetime",
     "a duplicate of an accepted current registration (same home address, care-of address and Identification) MUST "
     "NOT extend the Lifetime; this fault accepts the replay and restarts the Lifetime (RFC 5944 3.8.2.2, 5.7.1)"},
    {Fault::ExtensionAfterAuth, Role::HomeAgent, "extension-after-auth",
     "reply extensions MUST be ordered: mobile node's non-authentication extensions, then the Mobile-Home "
     "Authentication Extension; this fault appends a non-authentication extension (type 255) after it "
     "(RFC 5944 3.8.3.3, 3.2)"},
    {Fault::BadReplyAuthenticator, Role::HomeAgent, "bad-reply-authenticator",
     "every reply MUST contain a valid Mobile-Home Authentication Extension; this fault corrupts its Authenticator "
     "(RFC 5944 3.8.3.3, 3.5.2)"},
    {Fault::ReplyWrongSourceAddress, Role::HomeAgent, "reply-wrong-source-address",
     "the reply's IP Source Address MUST be copied from the request's IP Destination Address (the HA's unicast "
     "address if that was broadcast or multicast); this fault sends from another address (RFC 5944 3.8.3.1)"},
    {Fault::ReplyToPort434, Role::HomeAgent, "reply-to-port-434",
     "the reply's UDP Destination Port MUST be copied from the request's UDP Source Port; this fault sends to port 434 "
     "(RFC 5944 3.8.3.1)"},
    {Fault::AcceptUnknownMandatoryExtension, Role::HomeAgent, "accept-unknown-mandatory-extension",
     "a message with an unrecognized extension of type 0-127 MUST be silently discarded; this fault ignores the "
     "extension and processes the request (RFC 5944 1.8)"},
    {Fault::RejectSkippableExtension, Role::HomeAgent, "reject-skippable-extension",
     "an unrecognized extension of type 128-255 MUST be skipped and the rest of the message processed; this fault "
     "denies the request with Code 134 (RFC 5944 1.8)"},
    {Fault::NoSimultaneousBindingsCode, Role::HomeAgent, "no-simultaneous-bindings-code",
     "with the S bit set and simultaneous bindings supported the previous bindings MUST be retained (else the reply "
     "Code is 1); this fault drops them and still answers Code 0 (RFC 5944 3.8.2.2, 3.8.3.2)"},
    {Fault::NoReplyOnAccept, Role::HomeAgent, "no-reply-on-accept",
     "when the HA accepts a valid request it MUST return a Registration Reply; this fault updates the binding and "
     "sends nothing (RFC 5944 3.8.2.2)"},
    {Fault::ReplyOnExpiry, Role::HomeAgent, "reply-on-expiry",
     "the HA MUST NOT generate a Registration Reply to indicate that the Lifetime has expired; this fault sends one "
     "when a binding expires (RFC 5944 3.8)"},
    {Fault::AcceptFaHaWithoutSa, Role::HomeAgent, "accept-fa-ha-without-sa",
     "a request carrying a Foreign-Home Authentication Extension from a foreign agent with which the HA shares no "
     "security association MUST be discarded; this fault processes it (RFC 5944 3.8.2.1 d)"},
    {Fault::NoGratuitousArpOnFirstBinding, Role::HomeAgent, "no-gratuitous-arp-on-first-binding",
     "when registering a binding for a mobile node for which the home agent previously had no binding, the home agent "
     "MUST transmit a gratuitous ARP on behalf of the mobile node; this fault sends none (RFC 5944 4.6)"},
    {Fault::NoGratuitousArpOnDeregistration, Role::HomeAgent, "no-gratuitous-arp-on-deregistration",
     "when the home agent accepts the mobile node's (de)Registration Request it MUST also transmit a gratuitous ARP "
     "associating the home address with the mobile node's own link-layer address; this fault sends none "
     "(RFC 5944 4.6)"},
    {Fault::ProxyArpAfterDeregistration, Role::HomeAgent, "proxy-arp-after-deregistration",
     "on an accepted deregistration the home agent stops using proxy ARP for the mobile node (it answers only for "
     "home addresses with a registered mobility binding); this fault keeps answering ARP for it (RFC 5944 4.6)"},
    {Fault::ReverseTunnelCheckOff, Role::HomeAgent, "reverse-tunnel-check-off",
     "the home agent MUST implement, and by default SHOULD enable, the check that a binding has care-of address = "
     "outer source and home address = inner source, and MUST silently discard other encapsulated packets; this fault "
     "decapsulates and forwards them all (RFC 3024 4.3.2)"},
    {Fault::TunnelToWrongAddress, Role::HomeAgent, "tunnel-to-wrong-address",
     "the home agent tunnels the datagram to the mobile node's currently registered care-of address; this fault "
     "tunnels to the next address after it (RFC 5944 4.2.3)"},
    {Fault::SingleCopyForSimultaneousBindings, Role::HomeAgent, "single-copy-for-simultaneous-bindings",
     "with simultaneous mobility bindings the home agent tunnels a copy to each care-of address in the binding list; "
     "this fault tunnels only to the most recent one (RFC 5944 4.2.3)"},
    {Fault::AcceptUnofferedEncapsulation, Role::HomeAgent, "accept-unoffered-encapsulation",
     "the home agent MUST deny registrations if an unsupported form of tunneling is requested (code 139); this fault "
     "accepts them and tunnels with IP-in-IP (RFC 3024 3.3, 4.3.1)"},
    {Fault::NoUdpTunnelReply, Role::HomeAgent, "no-udp-tunnel-reply",
     "the UDP Tunnel Reply Extension MUST be used in a Registration Reply when the home agent has received and "
     "accepted a UDP Tunnel Request; this fault omits it while still tunnelling over UDP (RFC 3519 4.6)"},
    {Fault::UdpTunnelWithoutNat, Role::HomeAgent, "udp-tunnel-without-nat",
     "with matching source address and care-of address and no F flag the home agent SHOULD decline UDP tunnelling; "
     "this fault assents and tunnels over UDP anyway (RFC 3519 4.6)"},
    {Fault::IpInIpDespiteUdpTunnel, Role::HomeAgent, "ip-in-ip-despite-udp-tunnel",
     "after MIP UDP tunnelling has been established for a binding, forward tunnelled packets MUST use MIP UDP "
     "tunnelling, not IP-in-IP; this fault sends them IP-in-IP to the care-of address (RFC 3519 4.7)"},
    {Fault::UdpLifetimeNotCapped, Role::HomeAgent, "udp-lifetime-not-capped",
     "the home agent caps the Lifetime of UDP-tunnelled bindings at udp_tunnelling.max_lifetime (suggested 60 s); "
     "this fault grants the ordinary maximum (RFC 3519 5.2)"},
    {Fault::NoTncToTrustedSource, Role::HomeAgent, "no-tnc-to-trusted-source",
     "the i-HA MUST include a Trusted Networks Configured extension in a registration reply sent in response to a "
     "registration request coming from a trusted address; this fault leaves it out (RFC 5265 4.3, 3.4)"},
    {Fault::TncToUntrustedSource, Role::HomeAgent, "tnc-to-untrusted-source",
     "the i-HA is required to check the source address of any registration request to determine whether it comes "
     "from a trusted (internal network) address, and signals that check with the Trusted Networks Configured "
     "extension; this fault skips the check, so a request from an untrusted source is answered with the extension "
     "(RFC 5265 3.1, 3.6.1)"},
    {Fault::AnswerUntrustedSource, Role::HomeAgent, "answer-untrusted-source",
     "the i-HA MUST reject (drop silently) any registration request coming from a source address that is not inside "
     "any of the configured trusted subnets; this fault processes and answers it like a plain home agent, without "
     "the Trusted Networks Configured extension (RFC 5265 4.3)"},
}};

constexpr bool faults_in_enum_order() {
  for (size_t i = 0; i < kFaults.size(); ++i) {
    if (static_cast<size_t>(kFaults[i].fault) != i) return false;
  }
  return true;
}
static_assert(faults_in_enum_order(), "kFaults must list the faults in enum order");

}  // namespace

std::span<const FaultInfo> all_faults() { return kFaults; }

const FaultInfo& fault_info(Fault f) { return kFaults.at(static_cast<size_t>(f)); }

std::optional<Fault> fault_by_name(std::string_view name) {
  for (const FaultInfo& info : kFaults) {
    if (info.name == name) return info.fault;
  }
  return std::nullopt;
}

std::vector<std::string> FaultSet::names() const {
  std::vector<std::string> out;
  for (const FaultInfo& info : kFaults) {
    if (has(info.fault)) out.emplace_back(info.name);
  }
  return out;
}

}  // namespace mipvpn::agents
