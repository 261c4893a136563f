// One-line human summaries of captured frames and of decoded messages, for logs, evidence and test failure output.
#pragma once

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/layer.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mipvpn::wire {

// E.g. "02:00:00:00:00:01>02:00:00:00:00:02 IP 10.0.2.2>10.0.1.1 ttl=64 UDP 40000>434 RRQ lifetime=1800
// HoA=10.0.1.100 HA=10.0.1.1 CoA=10.0.2.2 id=0xe8f1c2a300000001 flags=D exts=[MN-HA spi=256]".
// Understands Ethernet II (+ one 802.1Q tag), ARP, IPv4 (fragments noted), UDP (checksum checked; port 434 decoded as
// Mobile IP), ICMP 9/10 (agent discovery, checksum checked) and other ICMP, IP-in-IP, minimal encapsulation and GRE
// (inner packet described after " | "), ESP (SPI, sequence). A message that does not decode is shown with its
// DecodeError text. Never throws, never reads outside [data, data + len).
std::string describe_frame(const uint8_t* data, size_t len, LinkType link);

std::string describe(const RegistrationRequest& rrq);
std::string describe(const RegistrationReply& rrp);
std::string describe(const AgentAdvertisement& adv);
std::string describe(const AgentSolicitation& sol);
// "[MN-HA spi=256, Pad, type 200 len=3]" (registration-message numbering space).
std::string describe_extensions(const std::vector<Extension>& exts);

}  // namespace mipvpn::wire
