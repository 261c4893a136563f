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
    {Fault::AcceptMissingOrBadFaHa, Role::HomeAgent, "accept-missing-or-bad-fa-ha",
     "when the HA shares a security association with the relaying foreign agent, a request with nonzero Lifetime "
     "MUST carry exactly one valid Foreign-Home Authentication Extension, else it is rejected (Code 132); this fault "
     "accepts it without checking (RFC 5944 3.8.2.1 c)"},
    {Fault::NoFaHaInReply, Role::HomeAgent, "no-fa-ha-in-reply",
     "a reply to a foreign agent with which the HA shares a security association MUST end with a Foreign-Home "
     "Authentication Extension; this fault leaves it out (RFC 5944 3.8.3.3 e, 3.8.1)"},
    {Fault::FaHaOnDeregistrationReply, Role::HomeAgent, "fa-ha-on-deregistration-reply",
     "the Foreign-Home Authentication Extension MUST NOT be applied to deregistration messages; this fault appends "
     "it to the reply to a deregistration relayed by a foreign agent with a security association (RFC 5944 3.5.4)"},
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
    // Foreign agent: agent discovery (RFC 5944 2).
    {Fault::FaAdvertTtlNot1, Role::ForeignAgent, "advert-ttl-not-1",
     "\"The TTL for all Agent Advertisements MUST be set to 1\"; this fault sends them with TTL 64 (RFC 5944 2.1)"},
    {Fault::FaAdvertWrongDestination, Role::ForeignAgent, "advert-wrong-destination",
     "the IP Destination Address of a multicast Agent Advertisement MUST be either 224.0.0.1 or 255.255.255.255; "
     "this fault sends unsolicited ones to the visited link's subnet-directed broadcast address (RFC 5944 2.1)"},
    {Fault::FaAdvertFirstSequenceNotZero, Role::ForeignAgent, "advert-first-sequence-not-zero",
     "\"After booting, an agent MUST use the number 0 for its first advertisement\"; this fault starts at 1 "
     "(RFC 5944 2.3.2)"},
    {Fault::FaAdvertSequenceNotIncremented, Role::ForeignAgent, "advert-sequence-not-incremented",
     "\"Each subsequent advertisement MUST use the sequence number one greater\"; this fault sends 0 in every "
     "advertisement (RFC 5944 2.3.2)"},
    {Fault::FaAdvertSequenceWrapsToZero, Role::ForeignAgent, "advert-sequence-wraps-to-zero",
     "\"the sequence number 0xffff MUST be followed by sequence number 256\"; this fault follows it with 0 "
     "(RFC 5944 2.3.2)"},
    {Fault::FaAdvertWithoutCareOfAddress, Role::ForeignAgent, "advert-without-care-of-address",
     "\"An Agent Advertisement MUST include at least one care-of address if the 'F' bit is set\"; this fault "
     "advertises F with no care-of address (RFC 5944 2.1.1)"},
    {Fault::FaAdvertReservedBitsSet, Role::ForeignAgent, "advert-reserved-bits-set",
     "the r bit and the reserved bits of the Mobility Agent Advertisement Extension are \"Sent as zero\"; this fault "
     "sets them (RFC 5944 2.1.1)"},
    {Fault::FaAdvertIntervalOverLifetimeThird, Role::ForeignAgent, "advert-interval-over-lifetime-third",
     "the nominal advertisement interval \"SHOULD be no longer than 1/3 of the advertisement Lifetime\"; this fault "
     "advertises every half Lifetime (RFC 5944 2.1)"},
    {Fault::FaAdvertNotRandomized, Role::ForeignAgent, "advert-not-randomized",
     "\"The actual transmission time for each advertisement SHOULD be slightly randomized\"; this fault sends at "
     "exactly the nominal interval (RFC 5944 2.1)"},
    {Fault::FaAdvertRegistrationLifetimeTooLong, Role::ForeignAgent, "advert-registration-lifetime-too-long",
     "Registration Lifetime is \"The longest lifetime ... that this agent is willing to accept in any Registration "
     "Request\"; this fault advertises 0xffff (infinity) while denying longer than max_registration_lifetime with "
     "69 (RFC 5944 2.1.1)"},
    {Fault::FaNoSolicitationAnswer, Role::ForeignAgent, "no-solicitation-answer",
     "\"All mobility agents SHOULD respond to Agent Solicitations\"; this fault ignores them (RFC 5944 2.3)"},
    {Fault::FaAdvertRateUnlimited, Role::ForeignAgent, "advert-rate-unlimited",
     "\"a mobility agent MUST limit the rate at which it sends broadcast or multicast Agent Advertisements\"; this "
     "fault answers every solicitation at once with a multicast advertisement (RFC 5944 2.3)"},
    // Foreign agent: registration requests (RFC 5944 3.7.1-3.7.2, RFC 3024 3.3, 4.2.1).
    {Fault::FaAcceptReservedBits, Role::ForeignAgent, "fa-accept-reserved-bits",
     "\"Requests with non-zero bits in reserved fields MUST be rejected with Code 70\"; this fault relays them "
     "(RFC 5944 3.7.2.1)"},
    {Fault::FaAcceptUnofferedCareOfAddress, Role::ForeignAgent, "fa-accept-unoffered-care-of-address",
     "Requests with D = 0, nonzero Lifetime and a care-of address not offered by the foreign agent \"MUST be "
     "rejected with Code 77\"; this fault relays them (RFC 5944 3.7.2.1)"},
    {Fault::FaRelayToOwnAddress, Role::ForeignAgent, "fa-relay-to-own-address",
     "if the Home Agent field is one of the foreign agent's own addresses it \"MUST NOT forward the Request again\" "
     "and, not being the home agent, rejects it with Code 194; this fault relays it (RFC 5944 3.7.2)"},
    {Fault::FaLifetimeTooLongWrongCode, Role::ForeignAgent, "fa-lifetime-too-long-wrong-code",
     "a Request denied because the requested Lifetime is too long gets Code 69; this fault uses Code 70 "
     "(RFC 5944 3.7.2.3)"},
    {Fault::FaLifetimeTooLongWrongLifetime, Role::ForeignAgent, "fa-lifetime-too-long-wrong-lifetime",
     "with Code 69 \"the foreign agent sets the Lifetime in the Reply to the maximum Lifetime value it is willing to "
     "accept\"; this fault copies the requested Lifetime (RFC 5944 3.7.2.3)"},
    {Fault::FaIgnoreMnFa, Role::ForeignAgent, "fa-ignore-mn-fa",
     "with an MN-FA security association, a Request without exactly one valid Mobile-Foreign Authentication "
     "Extension MUST be discarded (and SHOULD get Code 67); this fault relays it (RFC 5944 3.7.2.1)"},
    {Fault::FaRelayModifiesBeforeMnHa, Role::ForeignAgent, "fa-relay-modifies-before-mn-ha",
     "\"The foreign agent MUST NOT modify any of the fields beginning with the fixed portion of the Registration "
     "Request up through and including the Mobile-Home Authentication Extension\"; this fault lowers the relayed "
     "Lifetime by one (RFC 5944 3.7.2.2)"},
    {Fault::FaRelayKeepsMnFa, Role::ForeignAgent, "fa-relay-keeps-mn-fa",
     "the foreign agent \"MUST process and remove any extensions that do not precede any authorization-enabling "
     "extension\"; this fault relays the Mobile-Foreign Authentication Extension (RFC 5944 3.7.2.2)"},
    {Fault::FaRelayKeepsDeliveryStyleExtension, Role::ForeignAgent, "fa-relay-keeps-delivery-style-extension",
     "\"the foreign agent MUST consume this extension (that is, it must not relay it to the home agent ...)\"; this "
     "fault relays the Encapsulating Delivery Style Extension (RFC 3024 3.3)"},
    {Fault::FaNoFaHaWithSa, Role::ForeignAgent, "fa-no-fa-ha-with-sa",
     "\"If the foreign agent shares a Mobility Security Association with the home agent, and the Request has "
     "Lifetime != 0, then it MUST append the Foreign-Home Authentication Extension\"; this fault does not "
     "(RFC 5944 3.7.2.2)"},
    {Fault::FaFaHaOnDeregistration, Role::ForeignAgent, "fa-fa-ha-on-deregistration",
     "\"for a deregistration message (i.e., Lifetime = 0), the foreign agent MUST NOT append the Foreign-Home "
     "Authentication Extension\"; this fault appends it (RFC 5944 3.5.4, 3.7.2.2)"},
    {Fault::FaRelayWrongSourceAddress, Role::ForeignAgent, "fa-relay-wrong-source-address",
     "the relayed Request's IP Source Address MUST be \"The care-of address offered by the foreign agent for the "
     "mobile node\"; this fault sends it from another of the agent's addresses (RFC 5944 3.7.2.2)"},
    {Fault::FaDenialWrongIdentification, Role::ForeignAgent, "fa-denial-wrong-identification",
     "in a denial \"the Home Address, Home Agent, and Identification fields ... are copied from the corresponding "
     "fields of the Registration Request\"; this fault alters the Identification (RFC 5944 3.7.2.3)"},
    {Fault::FaDenialToBroadcast, Role::ForeignAgent, "fa-denial-to-broadcast",
     "a denial of a Request with a nonzero Home Address MUST be sent to that Home Address; this fault sends it to "
     "255.255.255.255 (RFC 5944 3.7.2.3)"},
    {Fault::FaNoDenialRateLimit, Role::ForeignAgent, "fa-no-denial-rate-limit",
     "denials are sent \"except in cases where the foreign agent would be required to send out more than one such "
     "denial per second to the same mobile node\"; this fault sends every one (RFC 5944 3.7.2, RFC 3024 4.2.1)"},
    {Fault::FaTimeoutWithout78, Role::ForeignAgent, "fa-timeout-without-78",
     "a pending Request deleted after the timeout \"SHOULD\" be rejected \"with Code 78 (registration timeout)\"; "
     "this fault deletes it silently (RFC 5944 3.7.1)"},
    {Fault::FaNoMnFaInReply, Role::ForeignAgent, "fa-no-mn-fa-in-reply",
     "with an MN-FA security association the foreign agent \"MUST add a Mobile-Foreign Authentication Extension to "
     "the Registration Reply to the mobile node\"; this fault leaves it out (RFC 5944 3.7.1, 3.7.3.2)"},
    {Fault::FaPendingLimitIgnored, Role::ForeignAgent, "fa-pending-limit-ignored",
     "registrations beyond the configured maximum of pending ones \"SHOULD then be rejected by the foreign agent "
     "with Code 66\"; this fault relays them (RFC 5944 3.7.1)"},
    {Fault::FaSkipTtlCheck, Role::ForeignAgent, "fa-skip-ttl-check",
     "\"The foreign agent MUST verify that the TTL field of the IP header is set to 255. Otherwise, it MUST reject "
     "the registration with code 76\"; this fault relays T requests with any TTL (RFC 3024 4.2.1)"},
    {Fault::FaAcceptUnsupportedEncapsulation, Role::ForeignAgent, "fa-accept-unsupported-encapsulation",
     "\"if the foreign agent is unable to support the requested form of encapsulation it MUST return code 72\"; this "
     "fault relays M or G requests it cannot serve (RFC 3024 4.2.1, RFC 5944 3.4)"},
    {Fault::FaAcceptUnsupportedDeliveryStyle, Role::ForeignAgent, "fa-accept-unsupported-delivery-style",
     "\"If a foreign agent does not implement the Encapsulating Delivery Style, it MUST respond to the mobile node "
     "with code 79\"; this fault relays such requests (RFC 3024 3.4, 4.2.1)"},
    {Fault::FaAcceptUnsupportedReverseTunnel, Role::ForeignAgent, "fa-accept-unsupported-reverse-tunnel",
     "\"If a foreign or home agent that does not support reverse tunnels receives a request with the 'T' bit set, "
     "the Registration Request fails\" (Code 74); this fault relays it (RFC 3024 3.2, 3.4)"},
    // Foreign agent: registration replies (RFC 5944 3.7, 3.7.3).
    {Fault::FaReplyNotRelayed, Role::ForeignAgent, "fa-reply-not-relayed",
     "the foreign agent \"updates its visitor list when it receives a valid Registration Reply from a home agent. It "
     "then relays the Registration Reply to the mobile node\"; this fault updates the list and sends nothing "
     "(RFC 5944 3.7.3)"},
    {Fault::FaReplyIdNotChecked, Role::ForeignAgent, "fa-reply-id-not-checked",
     "\"The foreign agent MUST also silently discard the Reply if the low-order 32 bits of the Identification field "
     "in the Reply do not match those in the Request\"; this fault relays it (RFC 5944 3.7.3.1)"},
    {Fault::FaReplyFaHaNotChecked, Role::ForeignAgent, "fa-reply-fa-ha-not-checked",
     "with an FA-HA security association, a Reply without exactly one valid Foreign-Home Authentication Extension "
     "MUST be discarded and the registration rejected (SHOULD Code 68); this fault relays it (RFC 5944 3.7.3.1)"},
    {Fault::FaReplyFaHaNotStripped, Role::ForeignAgent, "fa-reply-fa-ha-not-stripped",
     "the foreign agent \"MUST process and remove any Extensions that are not covered by any authorization-enabling "
     "extension\"; this fault relays the Foreign-Home Authentication Extension to the mobile node (RFC 5944 3.7.3.2)"},
    {Fault::FaReplyModifiedBeforeMnHa, Role::ForeignAgent, "fa-reply-modified-before-mn-ha",
     "\"The foreign agent MUST NOT modify any of the fields beginning with the fixed portion of the Registration "
     "Reply up through and including the Mobile-Home Authentication Extension\"; this fault lowers the relayed "
     "Lifetime by one (RFC 5944 3.7.3.2)"},
    {Fault::FaVisitorKeptOnDeregistration, Role::ForeignAgent, "fa-visitor-kept-on-deregistration",
     "when the home agent accepts with Lifetime zero \"the foreign agent MUST delete its visitor list entry for the "
     "mobile node\"; this fault keeps it (RFC 5944 3.7.3.2)"},
    {Fault::FaVisitorChangedOnHaDenial, Role::ForeignAgent, "fa-visitor-changed-on-ha-denial",
     "\"If the Registration Reply indicates that the Request ... was denied by the home agent, the existing visitor "
     "list entry for the mobile node MUST NOT be modified\"; this fault deletes it (RFC 5944 3.7.2)"},
    {Fault::FaReplyOnVisitorExpiry, Role::ForeignAgent, "fa-reply-on-visitor-expiry",
     "\"a foreign agent MUST NOT generate a Registration Request or Reply because a mobile node's registration "
     "Lifetime has expired\"; this fault sends a Reply when a visitor expires (RFC 5944 3.7)"},
    {Fault::FaVisitorNeverExpires, Role::ForeignAgent, "fa-visitor-never-expires",
     "the foreign agent times the registration Lifetime granted in the Reply and deletes the entry when it ends; "
     "this fault keeps visitors forever (RFC 5944 3.7.2.2, 3.7.3.2)"},
    // Foreign agent: data plane (RFC 5944 4.2.2, RFC 3024 5).
    {Fault::FaForwardToNonVisitor, Role::ForeignAgent, "fa-forward-to-non-visitor",
     "when the inner Destination of a tunnelled datagram is no visitor \"the foreign agent MUST NOT forward the "
     "datagram without modifications to the original IP header\"; this fault hands it to IP routing "
     "(RFC 5944 4.2.2)"},
    {Fault::FaIcmpUnreachableForNonVisitor, Role::ForeignAgent, "fa-icmp-unreachable-for-non-visitor",
     "\"ICMP Destination Unreachable MUST NOT be sent when a foreign agent is unable to forward an incoming tunneled "
     "datagram\"; this fault sends one (RFC 5944 4.2.2)"},
    {Fault::FaArpForVisitor, Role::ForeignAgent, "fa-arp-for-visitor",
     "\"A foreign agent MUST NOT use broadcast ARP for a mobile node's MAC address on a foreign network\"; this fault "
     "broadcasts an ARP Request for the home address before each delivery (RFC 5944 4.2.2)"},
    {Fault::FaNoReverseTunnel, Role::ForeignAgent, "fa-no-reverse-tunnel",
     "for a Direct Delivery visitor the foreign agent MUST \"detect packets sent by the mobile node, and modify its "
     "forwarding function to encapsulate them before forwarding\"; this fault forwards them unencapsulated "
     "(RFC 3024 5.1.1, 4.2.2)"},
    {Fault::FaReverseTunnelWrongSource, Role::ForeignAgent, "fa-reverse-tunnel-wrong-source",
     "the reverse tunnel's outer IP Source Address is \"Copied from the Care-of Address field within the "
     "Registration Request\"; this fault uses another of the agent's addresses (RFC 3024 5.1.2, 5.2.2)"},
    {Fault::FaReverseTunnelPlainFromEncapsulating, Role::ForeignAgent, "fa-reverse-tunnel-plain-from-encapsulating",
     "an un-encapsulated packet from a mobile node that requested the Encapsulating Delivery Style \"MUST NOT\" be "
     "reverse tunnelled but forwarded by standard IP routing; this fault reverse-tunnels it (RFC 3024 5.2.1)"},
    // Mobile node
    {Fault::MnNoSolicitationBackoff, Role::MobileNode, "mn-no-solicitation-backoff",
     "after the three initial solicitations, subsequent solicitations MUST be sent using a binary exponential backoff "
     "mechanism, doubling the interval between consecutive solicitations, up to a maximum interval; this fault keeps "
     "soliciting once per second (RFC 5944 2.4)"},
    {Fault::MnSolicitationTtlNot1, Role::MobileNode, "mn-solicitation-ttl-not-1",
     "an Agent Solicitation is identical to an ICMP Router Solicitation with the further restriction that the IP TTL "
     "Field MUST be set to 1; this fault sends TTL 64 (RFC 5944 2.2)"},
    {Fault::MnDiscardAdvertisementReservedBits, Role::MobileNode, "mn-discard-advertisement-reserved-bits",
     "a mobile node MUST ignore reserved bits in Agent Advertisements, as opposed to discarding such advertisements; "
     "this fault discards them (RFC 5944 2.4)"},
    {Fault::MnIgnoreForeignAgentReboot, Role::MobileNode, "mn-ignore-foreign-agent-reboot",
     "a sequence number lower than the previous one and inside 0-255 from the foreign agent the mobile node is "
     "registered with means it rebooted: the mobile node SHOULD register again; this fault does not (RFC 5944 2.4.4)"},
    {Fault::MnRetransmitWithoutBackoff, Role::MobileNode, "mn-retransmit-without-backoff",
     "each successive retransmission timeout period SHOULD be at least twice the previous period; this fault "
     "retransmits at the initial interval forever (RFC 5944 3.6.3)"},
    {Fault::MnRegisterFasterThanOncePerSecond, Role::MobileNode, "mn-register-faster-than-once-per-second",
     "the minimum time between Registration Requests MUST NOT be less than 1 second; this fault retransmits after "
     "250 ms and registers again at once after a move (RFC 5944 3.6.3, 3.6)"},
    {Fault::MnReuseIdentification, Role::MobileNode, "mn-reuse-identification",
     "when timestamps are used, a new registration Identification is chosen for each retransmission, and the "
     "Identification in a new Registration Request MUST NOT be the same as in an immediately preceding Request; this "
     "fault retransmits with the same Identification (RFC 5944 3.6.3, 5.7)"},
    {Fault::MnIgnoreIdentificationResync, Role::MobileNode, "mn-ignore-identification-resync",
     "on Code 133 the mobile node MUST adjust the parameters it uses to compute the Identification field based upon "
     "the information in the Registration Reply before issuing any future Registration Requests; this fault keeps its "
     "own clock (RFC 5944 3.6.2.3, 5.7.1)"},
    {Fault::MnAcceptWrongIdentification, Role::MobileNode, "mn-accept-wrong-identification",
     "a Registration Reply whose low-order 32 bits of Identification differ from those of the most recent Request "
     "sent to the replying agent MUST be silently discarded; this fault accepts it (RFC 5944 3.6.2.1)"},
    {Fault::MnAcceptUnauthenticatedReply, Role::MobileNode, "mn-accept-unauthenticated-reply",
     "a Registration Reply from the home agent without exactly one valid Mobile-Home Authentication Extension MUST be "
     "silently discarded; this fault accepts it (RFC 5944 3.6.2.1 b)"},
    {Fault::MnRenewAfterExpiry, Role::MobileNode, "mn-renew-after-expiry",
     "a mobile node registered on a foreign network SHOULD re-register before the expiration of the Lifetime of its "
     "registration; this fault re-registers one second after it expired (RFC 5944 3.6.2.2)"},
    {Fault::MnLifetimeExceedsAdvertised, Role::MobileNode, "mn-lifetime-exceeds-advertised",
     "when registering with a foreign agent the Lifetime SHOULD NOT exceed the Registration Lifetime of the Agent "
     "Advertisement; this fault requests the configured lifetime regardless (RFC 5944 3.6.1.2)"},
    {Fault::MnDecapsulationBitViaForeignAgent, Role::MobileNode, "mn-d-bit-via-foreign-agent",
     "the mobile node SHOULD set the 'D' bit if it is registering with a co-located care-of address; otherwise the "
     "'D' bit MUST NOT be set; this fault sets it when registering through a foreign agent (RFC 5944 3.6.1.2)"},
    {Fault::MnColocatedSourceHomeAddress, Role::MobileNode, "mn-colocated-source-home-address",
     "when registering on a foreign network with a co-located care-of address, the IP source address MUST be the "
     "care-of address; this fault sends from the home address (RFC 5944 3.6.1.1)"},
    {Fault::MnNoDeregistrationAtHome, Role::MobileNode, "mn-no-deregistration-at-home",
     "a mobile node that detects it has returned to its home network SHOULD deregister with its home agent; this "
     "fault sends no deregistration (RFC 5944 2.4.3, 3.6.1.2)"},
    {Fault::MnNoGratuitousArpAtHome, Role::MobileNode, "mn-no-gratuitous-arp-at-home",
     "before transmitting the (de)Registration Request message to its home agent, the mobile node MUST transmit a "
     "gratuitous ARP on its home network as a local broadcast; this fault sends none (RFC 5944 4.6)"},
    {Fault::MnGratuitousArpAfterRequest, Role::MobileNode, "mn-gratuitous-arp-after-request",
     "on returning home the mobile node performs a gratuitous ARP for itself and then transmits its Registration "
     "Request, in this order (MUST); this fault sends the gratuitous ARP only after the reply (RFC 5944 4.6)"},
    {Fault::MnAnswerArpWhileAway, Role::MobileNode, "mn-answer-arp-while-away",
     "while the mobile node is away from home, it MUST NOT reply to ARP Requests in which the target IP address is "
     "its own home address (unless unicast by its foreign agent); this fault answers every one (RFC 5944 4.6)"},
    {Fault::MnRequestTtlNot255, Role::MobileNode, "mn-request-ttl-not-255",
     "in Registration Requests sent by a mobile node the Time to Live field in the IP header MUST be set to 255; this "
     "fault sends TTL 64 (RFC 3024 3.2, 4.1.1)"},
    {Fault::MnUdpTunnelRequestAfterAuth, Role::MobileNode, "mn-udp-tunnel-request-after-auth",
     "the mobile node MUST place the UDP Tunnel Request Extension before the Mobile-Home Authentication Extension; "
     "this fault appends it after (RFC 3519 4.4)"},
    {Fault::MnUdpTunnelWithoutReply, Role::MobileNode, "mn-udp-tunnel-without-reply",
     "a mobile node that included a UDP Tunnel Request but receives a reply without a UDP Tunnel Reply extension MUST "
     "NOT use UDP tunnelling; this fault tunnels over UDP anyway (RFC 3519 4.4)"},
    {Fault::MnNoKeepalive, Role::MobileNode, "mn-no-keepalive",
     "the non-HA endpoint of a Mobile IP UDP tunnel MUST send a keepalive packet if no other packet to the HA has "
     "been sent in K seconds; this fault sends none (RFC 3519 4.9)"},
    {Fault::MnUdpTunnelRequestViaForeignAgent, Role::MobileNode, "mn-udp-tunnel-request-via-fa",
     "the UDP Tunnel Request Extension SHALL NOT be used by the mobile node when it is registering with a foreign "
     "agent care-of address; this fault includes it (RFC 3519 4.4)"},
    {Fault::Mn5265DataBeforeDetection, Role::MobileNode, "mn-5265-data-before-detection",
     "when the connection status of an interface changes the mobile node MUST immediately stop relaying user data "
     "packets and resume only after detection, registrations and VPN establishment; this fault keeps relaying over "
     "the previous path (RFC 5265 3.2.2)"},
    {Fault::Mn5265InsideWithoutTnc, Role::MobileNode, "mn-5265-inside-without-tnc",
     "the mobile node MUST NOT infer that it is inside unless the i-HA registration reply contained a Trusted "
     "Networks Configured extension; this fault takes any direct i-HA acceptance as inside (RFC 5265 3.2.3, 4.1)"},
    {Fault::Mn5265NoTMonitor, Role::MobileNode, "mn-5265-no-t-monitor",
     "inside, the mobile node MUST NOT send or receive a user data packet if more than T_MONITOR seconds have "
     "elapsed since the last successful (re-)registration with the i-HA; this fault keeps relaying (RFC 5265 3.2.4)"},
    {Fault::Mn5265IpsecEndpointCareOf, Role::MobileNode, "mn-5265-ipsec-endpoint-care-of",
     "outside, the mobile node sets up IPsec with the VPN gateway \"using the x-HoA as the IP address for IKE/IPsec "
     "communication\"; this fault uses the care-of address, so every handoff renegotiates (RFC 5265 2.3; the problem "
     "of RFC 4093 4.1)"},
}};

constexpr bool faults_in_enum_order() {
  for (size_t i = 0; i < kFaults.size(); ++i) {
    if (static_cast<size_t>(kFaults[i].fault) != i) return false;
  }
  return true;
}
static_assert(faults_in_enum_order(), "kFaults must list the faults in enum order");

}  // namespace

std::string_view role_name(Role r) {
  switch (r) {
    case Role::HomeAgent: return "ha";
    case Role::ForeignAgent: return "fa";
    case Role::MobileNode: return "mn";
  }
  return "?";
}

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
