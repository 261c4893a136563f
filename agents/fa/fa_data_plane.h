// The foreign agent's forwarding decisions (RFC 5944 4.2.2, RFC 3024 5), socket-free: given a packet from the raw
// IP-in-IP socket or from the tunnel device and the visitor list, what to send where. The daemon carries them out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/arp_packet.h"
#include "agents/common/faults.h"
#include "agents/fa/fa_config.h"
#include "agents/fa/visitor_list.h"

namespace mipvpn::agents::fa {

struct Forwarding {
  enum class Action {
    Drop,      // silently
    Deliver,   // `packet` to the mobile node at `link_destination` on the visited link
    Tunnel,    // `packet` (the inner one) IP-in-IP from `outer_source` to `outer_destination`
    Reinject,  // `packet` handed to the kernel's IP routing (only the fault fa-forward-to-non-visitor does this)
  };
  Action action = Action::Drop;
  std::string why;  // for the log, with the RFC section
  std::vector<uint8_t> packet;
  MacAddress link_destination{};
  Tins::IPv4Address outer_source;
  Tins::IPv4Address outer_destination;
  // Faults only: a broadcast ARP Request for this address before the delivery, an ICMP message to send.
  std::optional<Tins::IPv4Address> arp_request_for;
  struct Icmp {
    std::vector<uint8_t> message;  // ICMP header and body
    Tins::IPv4Address source;
    Tins::IPv4Address destination;
  };
  std::optional<Icmp> icmp;
};

class FaDataPlane {
 public:
  FaDataPlane(FaConfig config, FaultSet faults) : config_(std::move(config)), faults_(faults) {}

  // A whole packet (outer header first) from the raw protocol-4 socket: a forward tunnel from a home agent to a
  // care-of address, or a mobile node's Encapsulating Delivery Style packet to this agent.
  Forwarding from_tunnel(std::span<const uint8_t> packet, const VisitorList& visitors) const;
  // A packet the kernel routed into the tunnel device: from a Direct Delivery Style visitor (RFC 3024 5.1).
  Forwarding from_tun(std::span<const uint8_t> packet, const VisitorList& visitors) const;
  // Whether the kernel must divert this visitor's packets into the tunnel device (RFC 3024 5.1.1).
  bool diverts(const Visitor& v) const;

 private:
  Forwarding deliver(std::vector<uint8_t> inner, const Visitor& v, const std::string& context) const;
  Forwarding tunnel(std::vector<uint8_t> inner, const Visitor& v, const std::string& context) const;
  Tins::IPv4Address reverse_tunnel_source(const Visitor& v) const;

  FaConfig config_;
  FaultSet faults_;
};

}  // namespace mipvpn::agents::fa
