// Shared helpers for the mobile node unit tests: a reference configuration, a deterministic clock, link states,
// Agent Advertisements and Registration Replies built the way a foreign agent or home agent would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "agents/mn/mobile_node.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/authentication.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::mn::test {

using namespace std::chrono_literals;

inline const std::vector<uint8_t> kKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                          0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
inline const std::vector<uint8_t> kFaKey = {0xfa, 0xfa, 0x01, 0x02};
inline const Tins::IPv4Address kHoA("10.0.1.100");
inline const Tins::IPv4Address kHa("10.0.1.1");
inline const Tins::IPv4Address kCoA("10.0.2.50");
inline const Tins::IPv4Address kCoA2("10.0.3.50");
inline const Tins::IPv4Address kFa("10.0.2.254");
inline const Tins::IPv4Address kFaCoA("10.0.2.254");
inline const Tins::IPv4Address kFa2("10.0.3.254");
inline const MacAddress kMnMac = {0x02, 0, 0, 0, 0, 0x50};
inline const MacAddress kFaMac = {0x02, 0, 0, 0, 0, 0xfe};
inline const MacAddress kFa2Mac = {0x02, 0, 0, 0, 0, 0xfd};

inline MnConfig reference_config() {
  MnConfig c;
  c.interface = "eth0";
  c.home_address = kHoA;
  c.home_network = *Ipv4Prefix::parse("10.0.1.0/24");
  c.home_agent = kHa;
  c.sa = SecurityAssociation{256, kKey, "hmac-md5"};
  c.mode = CareOfMode::Auto;
  c.lifetime = 600;
  return c;
}

// 2025-01-01T00:00:00.25Z on the wall clock.
inline Now t0() {
  using namespace std::chrono;
  return Now{steady_clock::time_point(hours(1000)), system_clock::time_point(seconds(1735689600)) + milliseconds(250)};
}

inline uint64_t ntp_of(const Now& now) {
  using namespace std::chrono;
  const auto ns = duration_cast<nanoseconds>(now.wall.time_since_epoch()).count();
  return wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000));
}

inline LinkState link_with(std::vector<InterfaceAddress> addresses, bool up = true) {
  LinkState l;
  l.exists = true;
  l.up = up;
  l.mac = kMnMac;
  l.addresses = std::move(addresses);
  return l;
}
inline LinkState foreign_link(Tins::IPv4Address coa = kCoA) { return link_with({{coa, 24}}); }
inline LinkState home_link() { return link_with({{kHoA, 24}}); }
inline LinkState bare_link() { return link_with({}); }

struct Advert {
  Tins::IPv4Address source = kFa;
  MacAddress mac = kFaMac;
  uint16_t lifetime = 30;        // ICMP Router Advertisement Lifetime
  uint16_t registration_lifetime = 300;
  uint16_t sequence = 1;
  uint16_t flags = wire::AgentAdvertisement::kFlagF;
  std::vector<Tins::IPv4Address> care_of = {kFaCoA};
  std::vector<Tins::IPv4Address> routers;
  std::optional<std::vector<uint8_t>> prefix_lengths;

  ReceivedIcmp message() const {
    wire::AgentAdvertisement a;
    a.lifetime(lifetime);
    a.registration_lifetime(registration_lifetime);
    a.sequence_number(sequence);
    a.agent_flags(flags);
    for (const auto& r : routers) a.add_router_address(r);
    for (const auto& c : care_of) a.add_care_of_address(c);
    if (prefix_lengths) a.prefix_lengths(*prefix_lengths);
    ReceivedIcmp m;
    m.icmp = a.bytes();
    m.source = source;
    m.destination = Tins::IPv4Address("224.0.0.1");
    m.ttl = 1;
    m.source_mac = mac;
    return m;
  }
};

template <class T>
std::vector<T> actions_of(const Output& out) {
  std::vector<T> v;
  for (const Action& a : out.actions) {
    if (const T* t = std::get_if<T>(&a)) v.push_back(*t);
  }
  return v;
}

template <class T>
std::optional<T> first_of(const Output& out) {
  auto v = actions_of<T>(out);
  if (v.empty()) return std::nullopt;
  return v.front();
}

inline wire::RegistrationRequest decode_request(const SendRequest& s) {
  auto d = wire::RegistrationRequest::decode(s.payload.data(), s.payload.size());
  EXPECT_TRUE(d) << (d ? "" : d.error().to_string());
  return d ? d.value() : wire::RegistrationRequest();
}

// A Registration Reply answering `request` the way a home agent (MN-HA) or a foreign agent would.
struct Reply {
  uint8_t code = 1;
  std::optional<uint16_t> lifetime;  // default: the requested one
  std::optional<uint64_t> identification;
  std::optional<Tins::IPv4Address> home_agent;
  bool mn_ha = true;
  std::vector<uint8_t> key = kKey;
  uint32_t spi = 256;
  std::optional<wire::UdpTunnelReplyExtension> udp;
  std::optional<std::vector<uint8_t>> mn_fa_key;
  Tins::IPv4Address home_address = kHoA;

  std::vector<uint8_t> bytes(const wire::RegistrationRequest& request) const {
    wire::RegistrationReply r(code, lifetime.value_or(request.lifetime()), home_address,
                              home_agent.value_or(request.home_agent()),
                              identification.value_or(request.identification()));
    if (udp) r.add_extension(udp->to_extension());
    if (mn_ha) r.add_authentication(wire::MnHaAuth, spi, key);
    if (mn_fa_key) r.add_authentication(wire::MnFaAuth, 300, *mn_fa_key);
    return r.bytes();
  }
};

inline Endpoint from_ha() { return Endpoint{kHa, 434}; }
inline Endpoint from_fa() { return Endpoint{kFa, 434}; }

}  // namespace mipvpn::agents::mn::test
