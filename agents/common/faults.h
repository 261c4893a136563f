// Fault switches of the reference daemon: each one breaks exactly one RFC rule so that the harness can show that
// every one of its test cases is able to fail.
#pragma once

#include <bitset>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::agents {

enum class Role { HomeAgent, ForeignAgent, MobileNode };
std::string_view role_name(Role);  // "ha", "fa", "mn" (the --role value)

enum class Fault : unsigned {
  ReplyWithoutSa,
  ReplyWithoutAuthExt,
  AcceptBadAuthenticator,
  AcceptReservedBits,
  AcceptStaleIdentification,
  WrongIdentificationHighBits,
  WrongIdentificationLowBits,
  AcceptForeignHomeAgentField,
  AcceptBroadcast,
  LifetimeExceedsRequest,
  LifetimeExceedsMax,
  DeregKeepsBinding,
  DeregAllKeepsOthers,
  NoExpiry,
  DuplicateExtendsLifetime,
  ExtensionAfterAuth,
  BadReplyAuthenticator,
  ReplyWrongSourceAddress,
  ReplyToPort434,
  AcceptUnknownMandatoryExtension,
  RejectSkippableExtension,
  NoSimultaneousBindingsCode,
  NoReplyOnAccept,
  ReplyOnExpiry,
  AcceptFaHaWithoutSa,
  AcceptMissingOrBadFaHa,
  NoFaHaInReply,
  FaHaOnDeregistrationReply,
  // Home agent data plane
  NoGratuitousArpOnFirstBinding,
  NoGratuitousArpOnDeregistration,
  ProxyArpAfterDeregistration,
  ReverseTunnelCheckOff,
  TunnelToWrongAddress,
  SingleCopyForSimultaneousBindings,
  AcceptUnofferedEncapsulation,
  NoUdpTunnelReply,
  UdpTunnelWithoutNat,
  IpInIpDespiteUdpTunnel,
  UdpLifetimeNotCapped,
  // Internal home agent (RFC 5265)
  NoTncToTrustedSource,
  TncToUntrustedSource,
  AnswerUntrustedSource,
  // Foreign agent: agent discovery (RFC 5944 2).
  FaAdvertTtlNot1,
  FaAdvertWrongDestination,
  FaAdvertFirstSequenceNotZero,
  FaAdvertSequenceNotIncremented,
  FaAdvertSequenceWrapsToZero,
  FaAdvertWithoutCareOfAddress,
  FaAdvertReservedBitsSet,
  FaAdvertIntervalOverLifetimeThird,
  FaAdvertNotRandomized,
  FaAdvertRegistrationLifetimeTooLong,
  FaNoSolicitationAnswer,
  FaAdvertRateUnlimited,
  // Foreign agent: registration requests (RFC 5944 3.7.1-3.7.2, RFC 3024 3.3, 4.2.1).
  FaAcceptReservedBits,
  FaAcceptUnofferedCareOfAddress,
  FaRelayToOwnAddress,
  FaLifetimeTooLongWrongCode,
  FaLifetimeTooLongWrongLifetime,
  FaIgnoreMnFa,
  FaRelayModifiesBeforeMnHa,
  FaRelayKeepsMnFa,
  FaRelayKeepsDeliveryStyleExtension,
  FaNoFaHaWithSa,
  FaFaHaOnDeregistration,
  FaRelayWrongSourceAddress,
  FaDenialWrongIdentification,
  FaDenialToBroadcast,
  FaNoDenialRateLimit,
  FaTimeoutWithout78,
  FaNoMnFaInReply,
  FaPendingLimitIgnored,
  FaSkipTtlCheck,
  FaAcceptUnsupportedEncapsulation,
  FaAcceptUnsupportedDeliveryStyle,
  FaAcceptUnsupportedReverseTunnel,
  // Foreign agent: registration replies (RFC 5944 3.7, 3.7.3).
  FaReplyNotRelayed,
  FaReplyIdNotChecked,
  FaReplyFaHaNotChecked,
  FaReplyFaHaNotStripped,
  FaReplyModifiedBeforeMnHa,
  FaVisitorKeptOnDeregistration,
  FaVisitorChangedOnHaDenial,
  FaReplyOnVisitorExpiry,
  FaVisitorNeverExpires,
  // Foreign agent: data plane (RFC 5944 4.2.2, RFC 3024 5).
  FaForwardToNonVisitor,
  FaIcmpUnreachableForNonVisitor,
  FaArpForVisitor,
  FaNoReverseTunnel,
  FaReverseTunnelWrongSource,
  FaReverseTunnelPlainFromEncapsulating,
  // Mobile node (agents/mn)
  MnNoSolicitationBackoff,
  MnSolicitationTtlNot1,
  MnDiscardAdvertisementReservedBits,
  MnIgnoreForeignAgentReboot,
  MnRetransmitWithoutBackoff,
  MnRegisterFasterThanOncePerSecond,
  MnReuseIdentification,
  MnIgnoreIdentificationResync,
  MnAcceptWrongIdentification,
  MnAcceptUnauthenticatedReply,
  MnRenewAfterExpiry,
  MnLifetimeExceedsAdvertised,
  MnDecapsulationBitViaForeignAgent,
  MnColocatedSourceHomeAddress,
  MnNoDeregistrationAtHome,
  MnNoGratuitousArpAtHome,
  MnGratuitousArpAfterRequest,
  MnAnswerArpWhileAway,
  MnRequestTtlNot255,
  MnUdpTunnelRequestAfterAuth,
  MnUdpTunnelWithoutReply,
  MnNoKeepalive,
  MnUdpTunnelRequestViaForeignAgent,
  Mn5265DataBeforeDetection,
  Mn5265InsideWithoutTnc,
  Mn5265NoTMonitor,
  Mn5265IpsecEndpointCareOf,
  Count_  // not a fault
};

struct FaultInfo {
  Fault fault;
  Role role;
  std::string_view name;
  std::string_view rule;  // the rule it breaks, with its RFC section
};

// Every fault, in a stable order (the order of --list-faults).
std::span<const FaultInfo> all_faults();
const FaultInfo& fault_info(Fault);
std::optional<Fault> fault_by_name(std::string_view name);

class FaultSet {
 public:
  FaultSet() = default;
  FaultSet(std::initializer_list<Fault> faults) {
    for (Fault f : faults) set(f);
  }
  void set(Fault f) { bits_.set(static_cast<size_t>(f)); }
  bool has(Fault f) const { return bits_.test(static_cast<size_t>(f)); }
  bool empty() const { return bits_.none(); }
  std::vector<std::string> names() const;

 private:
  std::bitset<static_cast<size_t>(Fault::Count_)> bits_;
};

}  // namespace mipvpn::agents
