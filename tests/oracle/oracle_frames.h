// The frames the tshark oracle checks: one of each message kind, inside Ethernet/IP(/UDP), with the values the
// dissector output is compared against.
#pragma once

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/udp.h>

#include <vector>

namespace mipvpn::wire::oracle {

inline const std::vector<uint8_t> kKey = {0x6d, 0x69, 0x70, 0x76, 0x70, 0x6e, 0x2d, 0x6f,
                                          0x72, 0x61, 0x63, 0x6c, 0x65, 0x2d, 0x6b, 0x31};

inline RegistrationRequest oracle_rrq() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xea5d1f2b80000001ull,
                        RegistrationRequest::kFlagS | RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

inline RegistrationReply oracle_rrp() {
  RegistrationReply r(1, 900, "10.0.1.100", "10.0.1.1", 0xea5d1f2b80000001ull);
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

inline AgentAdvertisement oracle_advert() {
  AgentAdvertisement a;
  a.code(16);
  a.lifetime(1800);
  a.add_router_address("10.0.2.1", 5);
  a.add_router_address("10.0.3.1", 3);
  a.sequence_number(257);
  a.registration_lifetime(600);
  a.f(true);
  a.h(true);
  a.g(true);
  a.t(true);
  a.add_care_of_address("10.0.2.1");
  a.add_care_of_address("10.0.3.1");
  a.prefix_lengths({24, 16});
  return a;
}

inline AgentSolicitation oracle_solicitation() { return AgentSolicitation(); }

inline Tins::EthernetII udp_frame(const char* src, const char* dst, uint16_t sport, uint16_t dport,
                                  const Tins::PDU& payload) {
  Tins::EthernetII eth("02:00:00:00:00:02", "02:00:00:00:00:01");
  Tins::IP ip(dst, src);
  ip.ttl(64);
  return eth / ip / Tins::UDP(dport, sport) / payload;
}

inline Tins::EthernetII icmp_frame(const char* src, const char* dst, const Tins::PDU& payload) {
  Tins::EthernetII eth("01:00:5e:00:00:01", "02:00:00:00:00:03");
  Tins::IP ip(dst, src);
  ip.ttl(1);  // RFC 5944 2.1 / 2.2
  ip.protocol(1);
  return eth / ip / payload;
}

}  // namespace mipvpn::wire::oracle
