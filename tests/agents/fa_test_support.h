// Shared helpers for the foreign agent unit tests: a reference configuration, request/reply builders that
// authenticate like a mobile node and a home agent would, and a fixture around the socket-free ForeignAgent core.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agents/fa/fa_config.h"
#include "agents/fa/foreign_agent.h"
#include "harness/wire/authentication.h"
#include "harness/wire/codes.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::fa::test {

inline const std::vector<uint8_t> kMnHaKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                              0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
inline const std::vector<uint8_t> kMnFaKey = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80,
                                              0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0, 0x01};
inline const std::vector<uint8_t> kFaHaKey = {0xfa, 0xa5, 0x5a, 0xaf, 0x01, 0x02, 0x03, 0x04};

inline constexpr const char* kVisited = "10.0.2.1";    // FA on the visited link, also the care-of address
inline constexpr const char* kCoA2 = "10.0.2.2";       // second advertised care-of address
inline constexpr const char* kUpstream = "10.0.12.2";  // FA towards the home agents
inline constexpr const char* kHa = "10.0.1.1";         // home agent without an FA-HA security association
inline constexpr const char* kHaSa = "10.0.5.1";       // home agent with one
inline constexpr const char* kHoA = "10.0.1.100";      // mobile node without an MN-FA security association
inline constexpr const char* kHoASa = "10.0.1.101";    // mobile node with one
inline constexpr uint16_t kMnPort = 40000;
inline constexpr uint32_t kMnHaSpi = 256;
inline constexpr uint32_t kMnFaSpi = 300;
inline constexpr uint32_t kFaHaSpi = 500;
inline const MacAddress kMnMac{0x02, 0x00, 0x00, 0x00, 0x01, 0x64};

inline FaConfig reference_config() {
  FaConfig c;
  c.visited = Interface{"fa-visit", Tins::IPv4Address(kVisited), 24};
  c.upstream = Interface{"fa-up", Tins::IPv4Address(kUpstream), 24};
  c.care_of_addresses = {Tins::IPv4Address(kVisited), Tins::IPv4Address(kCoA2)};
  c.advertisement.interval_ms = 1000;
  c.advertisement.lifetime = 3;
  c.advertisement.min_gap_ms = 750;
  c.advertisement.flags = 0x1000 | 0x0100;  // F, T
  c.max_registration_lifetime = 600;
  c.pending_timeout_ms = 7000;
  c.max_pending = 5;
  c.reverse_tunnelling = ReverseTunnelling::Offered;
  c.encapsulating_delivery = true;
  c.mobile_node_sas.push_back({Tins::IPv4Address(kHoASa), {kMnFaSpi, kMnFaKey, "hmac-md5"}});
  c.home_agent_sas.push_back({Tins::IPv4Address(kHaSa), {kFaHaSpi, kFaHaKey, "hmac-md5"}});
  return c;
}

inline TimePoint t0() { return TimePoint(std::chrono::hours(1000)); }

inline wire::Extension ext(uint8_t type, std::vector<uint8_t> body = {}) {
  wire::Extension e;
  e.type = type;
  e.body = std::move(body);
  return e;
}

// A Registration Request as a mobile node builds it (RFC 5944 3.6.1.3 order).
struct Rrq {
  uint8_t flags = 0;
  uint16_t lifetime = 300;
  std::string home_address = kHoA;
  std::string home_agent = kHa;
  std::string care_of_address = kVisited;
  uint64_t identification = 0x1122334455667788ull;
  std::vector<wire::Extension> before_auth;  // for the home agent, covered by MN-HA
  bool with_mn_ha = true;
  std::vector<wire::Extension> after_auth;   // FA-only extensions
  int mn_fa = -1;                            // -1: MN-FA when the mobile node has an SA; 0: none; n: n copies
  std::vector<uint8_t> mn_fa_key = kMnFaKey;
  uint32_t mn_fa_spi = kMnFaSpi;

  wire::RegistrationRequest message() const {
    wire::RegistrationRequest r(lifetime, Tins::IPv4Address(home_address), Tins::IPv4Address(home_agent),
                                Tins::IPv4Address(care_of_address), identification, flags);
    for (const auto& e : before_auth) r.add_extension(e);
    if (with_mn_ha) r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
    for (const auto& e : after_auth) r.add_extension(e);
    const int copies = mn_fa >= 0 ? mn_fa : (home_address == kHoASa ? 1 : 0);
    for (int i = 0; i < copies; ++i) r.add_authentication(wire::MnFaAuth, mn_fa_spi, mn_fa_key);
    return r;
  }
  std::vector<uint8_t> bytes() const { return message().bytes(); }
  // Where the MN-HA extension ends in bytes().
  size_t mn_ha_end() const {
    wire::RegistrationRequest r = message();
    size_t end = 0;
    for (const auto& e : r.extensions()) {
      if (e.type == wire::MnHaAuth) end = e.offset + e.wire_size();
    }
    return end;
  }
};

// A Registration Reply as a home agent builds it (RFC 5944 3.8.3.3 order).
struct Rrp {
  uint8_t code = 0;
  uint16_t lifetime = 300;
  std::string home_address = kHoA;
  std::string home_agent = kHa;
  uint64_t identification = 0x1122334455667788ull;
  std::vector<wire::Extension> before_auth;
  bool with_mn_ha = true;
  std::vector<wire::Extension> fa_only;  // after MN-HA
  int fa_ha = -1;                        // -1: FA-HA when the home agent has an SA; 0: none; n: n copies
  std::vector<uint8_t> fa_ha_key = kFaHaKey;

  std::vector<uint8_t> bytes() const {
    wire::RegistrationReply r(code, lifetime, Tins::IPv4Address(home_address), Tins::IPv4Address(home_agent),
                              identification);
    for (const auto& e : before_auth) r.add_extension(e);
    if (with_mn_ha) r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
    for (const auto& e : fa_only) r.add_extension(e);
    const int copies = fa_ha >= 0 ? fa_ha : (home_agent == kHaSa ? 1 : 0);
    for (int i = 0; i < copies; ++i) r.add_authentication(wire::FaHaAuth, kFaHaSpi, fa_ha_key);
    return r.bytes();
  }
  size_t mn_ha_end() const {
    wire::RegistrationReply r(code, lifetime, Tins::IPv4Address(home_address), Tins::IPv4Address(home_agent),
                              identification);
    for (const auto& e : before_auth) r.add_extension(e);
    r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
    return r.bytes().size();
  }
};

// A request as received on the visited link.
inline Received from_mn(const char* source = kHoA, int ttl = 64, const char* destination = kVisited) {
  Received rx;
  rx.source = Endpoint{Tins::IPv4Address(source), kMnPort};
  rx.destination = Endpoint{Tins::IPv4Address(destination), kRegistrationPort};
  rx.ttl = ttl;
  rx.on_visited_link = true;
  rx.link_source = kMnMac;
  return rx;
}

// A reply as received from the home agent.
inline Received from_ha(const char* ha = kHa, const char* destination = kVisited) {
  Received rx;
  rx.source = Endpoint{Tins::IPv4Address(ha), kRegistrationPort};
  rx.destination = Endpoint{Tins::IPv4Address(destination), kRegistrationPort};
  rx.ttl = 63;
  rx.on_visited_link = false;
  return rx;
}

inline wire::RegistrationReply decode_reply(const OutgoingMessage& m) {
  auto r = wire::RegistrationReply::decode(m.payload);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : wire::RegistrationReply();
}

inline wire::RegistrationRequest decode_request(const OutgoingMessage& m) {
  auto r = wire::RegistrationRequest::decode(m.payload);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : wire::RegistrationRequest();
}

inline size_t count_type(const std::vector<wire::Extension>& exts, uint8_t type) {
  size_t n = 0;
  for (const auto& e : exts) n += e.type == type ? 1 : 0;
  return n;
}

class FaTest : public ::testing::Test {
 protected:
  FaTest() : fa_(reference_config()) {}
  void with(FaConfig c, FaultSet f = {}) { fa_ = ForeignAgent(std::move(c), f); }
  void with(FaultSet f) { fa_ = ForeignAgent(reference_config(), f); }

  Outcome request(const Rrq& r, const Received& rx = from_mn()) { return fa_.on_datagram(r.bytes(), rx, now_); }
  Outcome reply(const Rrp& r, const Received& rx = from_ha()) { return fa_.on_datagram(r.bytes(), rx, now_); }
  // Relays `q` and answers it with the home agent's reply `p` (same home address, HA and Identification).
  Outcome register_with(const Rrq& q, Rrp p, const Received& rx = from_mn()) {
    const Outcome relayed = request(q, rx);
    EXPECT_EQ(relayed.verdict, Verdict::Relayed) << relayed.reason;
    p.home_address = q.home_address;
    p.home_agent = q.home_agent;
    p.identification = q.identification;
    return reply(p);
  }
  // The one denial an outcome carries; fails the test otherwise.
  wire::RegistrationReply denial(const Outcome& o, uint8_t code) {
    EXPECT_EQ(o.verdict, Verdict::Denied) << o.reason;
    EXPECT_EQ(o.out.size(), 1u) << o.reason;
    if (o.out.size() != 1) return {};
    EXPECT_EQ(o.out[0].kind, OutgoingMessage::Kind::Denial);
    const wire::RegistrationReply r = decode_reply(o.out[0]);
    EXPECT_EQ(r.code(), code) << o.reason;
    return r;
  }
  void advance(std::chrono::milliseconds d) { now_ += d; }

  TimePoint now_ = t0();
  ForeignAgent fa_;
};

}  // namespace mipvpn::agents::fa::test
