// The frames the Mobile IP companion-RFC oracle checks (tests/oracle/test_mip_oracle.cpp): registration messages
// with the RFC 3519 / RFC 3024 / RFC 5265 / RFC 2794 extensions, MN-FA and FA-HA chains, MIP Tunnel Data with an
// inner packet and a keepalive, and an Agent Advertisement with the U, X and I flags.
#pragma once

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <vector>

namespace mipvpn::wire::mip_oracle {

inline const std::vector<uint8_t> kMnHaKey(16, 0x11);
inline const std::vector<uint8_t> kMnFaKey(16, 0x22);
inline const std::vector<uint8_t> kFaHaKey(16, 0x33);
constexpr uint64_t kId = 0xea5d1f2b80000001ull;

// A co-located mobile node behind a NAT asking for UDP tunnelling (RFC 3519 4.4) with its NAI (RFC 2794).
inline RegistrationRequest nat_request() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", kId,
                        RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
  r.add_extension(NaiExtension{"user@example.com"}.to_extension());
  UdpTunnelRequestExtension u;
  u.f = true;
  u.encapsulation = UdpTunnelRequestExtension::kEncapsulationIpInIp;
  r.add_extension(u.to_extension());
  r.add_authentication(MnHaAuth, 256, kMnHaKey);
  return r;
}

// The home agent's answer: UDP tunnelling accepted (RFC 3519 3.2) and trusted source (RFC 5265 3.4).
inline RegistrationReply nat_reply() {
  RegistrationReply r(0, 60, "10.0.1.100", "10.0.1.1", kId);
  UdpTunnelReplyExtension u;
  u.f = true;
  u.keepalive_interval = 110;
  r.add_extension(u.to_extension());
  r.add_extension(TrustedNetworksConfiguredExtension{}.to_extension());
  r.add_authentication(MnHaAuth, 256, kMnHaKey);
  return r;
}

// A mobile node registering through its foreign agent: MN-HA, Encapsulating Delivery Style, MN-FA (RFC 3024 3.3).
inline RegistrationRequest fa_request() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.1", kId + 1, RegistrationRequest::kFlagT);
  r.add_authentication(MnHaAuth, 256, kMnHaKey);
  r.add_extension(EncapsulatingDeliveryStyleExtension{}.to_extension());
  r.add_authentication(MnFaAuth, 257, kMnFaKey);
  return r;
}

// The same Request as relayed by the foreign agent (behind a NAT): MN-HA, its UDP Tunnel Request, FA-HA.
inline RegistrationRequest relayed_request() {
  auto r = fa_request();
  auto exts = r.extensions();
  exts.resize(1);
  r.extensions(exts);
  r.add_extension(UdpTunnelRequestExtension{}.to_extension());
  r.add_authentication(FaHaAuth, 258, kFaHaKey);
  return r;
}

// Flags R F T plus the given ones of U (RFC 3519 3.4), X (RFC 3543 3.1), I (RFC 4857).
inline AgentAdvertisement uxi_advertisement(bool u, bool x, bool i) {
  AgentAdvertisement a;
  a.lifetime(1800);
  a.add_router_address("10.0.2.1", 0);
  a.sequence_number(7);
  a.registration_lifetime(600);
  a.r(true);
  a.f(true);
  a.t(true);
  a.u(u);
  a.x(x);
  a.i(i);
  a.add_care_of_address("10.0.2.1");
  return a;
}

// Tunnel Data carrying a DNS-looking UDP datagram from the home address.
inline TunnelData tunnelled_datagram() {
  Tins::IP inner("192.0.2.5", "10.0.1.100");
  inner.ttl(63);
  TunnelData t;
  t /= inner / Tins::UDP(9, 40001) / Tins::RawPDU(std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef});
  return t;
}

inline Tins::EthernetII udp_frame(const char* src, const char* dst, uint16_t sport, uint16_t dport,
                                  const Tins::PDU& payload, uint8_t ttl = 64) {
  Tins::EthernetII eth("02:00:00:00:00:02", "02:00:00:00:00:01");
  Tins::IP ip(dst, src);
  ip.ttl(ttl);
  return eth / ip / Tins::UDP(dport, sport) / payload;
}

inline Tins::EthernetII icmp_frame(const char* src, const char* dst, const Tins::PDU& payload) {
  Tins::EthernetII eth("01:00:5e:00:00:01", "02:00:00:00:00:03");
  Tins::IP ip(dst, src);
  ip.ttl(1);
  ip.protocol(1);
  return eth / ip / payload;
}

}  // namespace mipvpn::wire::mip_oracle
