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

enum class Role { HomeAgent };

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
