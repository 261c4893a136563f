// Shared helpers for the home agent unit tests: a reference configuration, a clock, and a Registration Request
// builder that authenticates like a mobile node would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agents/ha/ha_config.h"
#include "agents/ha/home_agent.h"
#include "harness/wire/authentication.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace mipvpn::agents::ha::test {

inline const std::vector<uint8_t> kKey1 = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                           0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
inline const std::vector<uint8_t> kKey2 = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96};
inline const std::vector<uint8_t> kKeyOutside = {0xde, 0xad, 0xbe, 0xef};

inline constexpr const char* kHa = "10.0.1.1";
inline constexpr const char* kHoA = "10.0.1.100";
inline constexpr const char* kHoA2 = "10.0.1.101";
inline constexpr const char* kHoAOutside = "10.9.0.5";  // has an SA but lies outside the home network
inline constexpr const char* kCoA = "10.0.2.100";
inline constexpr const char* kCoA2 = "10.0.3.100";
inline constexpr const char* kMnSource = "10.0.2.100";
inline constexpr uint16_t kMnPort = 40000;

inline HaConfig reference_config() {
  HaConfig c;
  c.address = Tins::IPv4Address(kHa);
  c.home_network = *Ipv4Prefix::parse("10.0.1.0/24");
  c.max_lifetime = 1800;
  c.simultaneous_bindings = true;
  c.replay_tolerance_s = 7.0;
  c.control_socket = "/tmp/unused.sock";
  c.mobile_nodes.push_back({Tins::IPv4Address(kHoA), 256, kKey1, "hmac-md5"});
  c.mobile_nodes.push_back({Tins::IPv4Address(kHoA), 257, kKey2, "hmac-md5"});
  c.mobile_nodes.push_back({Tins::IPv4Address(kHoA2), 300, kKey2, "hmac-md5"});
  c.mobile_nodes.push_back({Tins::IPv4Address(kHoAOutside), 400, kKeyOutside, "hmac-md5"});
  return c;
}

// A fixed, deterministic "now": 2025-01-01T00:00:00.25Z on the wall clock.
inline Now t0() {
  using namespace std::chrono;
  return Now{steady_clock::time_point(hours(1000)),
             system_clock::time_point(seconds(1735689600)) + milliseconds(250)};
}

inline uint64_t ntp_at(const Now& now, std::chrono::milliseconds offset = std::chrono::milliseconds(0)) {
  using namespace std::chrono;
  const auto ns = duration_cast<nanoseconds>((now.wall + offset).time_since_epoch()).count();
  return wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000));
}

struct Rrq {
  uint8_t flags = 0;
  uint16_t lifetime = 600;
  std::string home_address = kHoA;
  std::string home_agent = kHa;
  std::string care_of_address = kCoA;
  uint64_t identification = 0;
  std::vector<wire::Extension> before_auth;  // covered by the MN-HA authenticator
  std::vector<wire::Extension> after_auth;   // FA-only position
  bool with_auth = true;
  uint32_t spi = 256;
  std::vector<uint8_t> key = kKey1;
  bool corrupt_authenticator = false;
  int extra_mn_ha = 0;  // additional MN-HA extensions after the first

  std::vector<uint8_t> bytes() const {
    wire::RegistrationRequest r(lifetime, Tins::IPv4Address(home_address), Tins::IPv4Address(home_agent),
                                Tins::IPv4Address(care_of_address), identification, flags);
    for (const auto& e : before_auth) r.add_extension(e);
    if (with_auth) r.add_authentication(wire::MnHaAuth, spi, key);
    for (int i = 0; i < extra_mn_ha; ++i) r.add_authentication(wire::MnHaAuth, spi, key);
    for (const auto& e : after_auth) r.add_extension(e);
    std::vector<uint8_t> out = r.bytes();
    if (corrupt_authenticator) {
      out[wire::RegistrationRequest::kFixedSize + [&] {
        size_t n = 0;
        for (const auto& e : before_auth) n += e.wire_size();
        return n;
      }() + 2 + 4] ^= 0x80;
    }
    return out;
  }
};

inline wire::Extension ext(uint8_t type, std::vector<uint8_t> body) {
  wire::Extension e;
  e.type = type;
  e.body = std::move(body);
  return e;
}

inline Endpoint mn_source() { return Endpoint{Tins::IPv4Address(kMnSource), kMnPort}; }
inline Endpoint ha_destination(const char* addr = kHa) { return Endpoint{Tins::IPv4Address(addr), 434}; }

// Decodes a reply and checks what every reply must satisfy (RFC 5944 3.8.3.3): exactly one MN-HA extension, last,
// valid under `key` with `spi`.
inline wire::RegistrationReply decode_reply(const OutgoingReply& out, const std::vector<uint8_t>& key = kKey1,
                                            uint32_t spi = 256) {
  auto rep = wire::RegistrationReply::decode(out.payload.data(), out.payload.size());
  EXPECT_TRUE(rep.ok()) << (rep.ok() ? "" : rep.error().to_string());
  if (!rep.ok()) return {};
  const auto& exts = rep->extensions();
  EXPECT_FALSE(exts.empty());
  if (exts.empty()) return rep.value();
  size_t mn_ha = 0;
  for (const auto& e : exts) mn_ha += e.type == wire::MnHaAuth ? 1 : 0;
  EXPECT_EQ(mn_ha, 1u) << "exactly one MN-HA";
  EXPECT_EQ(exts.back().type, wire::MnHaAuth) << "MN-HA is the last extension";
  auto auth = wire::AuthExtension::from(exts.back());
  EXPECT_TRUE(auth.ok());
  if (auth.ok()) {
    EXPECT_EQ(auth->spi, spi);
  }
  EXPECT_TRUE(wire::verify_authentication(out.payload, exts.back(), key)) << "MN-HA authenticator valid";
  EXPECT_EQ(rep->code(), out.code);
  EXPECT_EQ(rep->identification(), out.identification);
  return rep.value();
}

class HaTest : public ::testing::Test {
 protected:
  HaTest() : ha_(reference_config()) {}

  // Fresh identification for each request: strictly increasing, within tolerance.
  uint64_t next_id() {
    id_offset_ += std::chrono::milliseconds(1);
    return ntp_at(now_, id_offset_);
  }
  Rrq rrq() {
    Rrq r;
    r.identification = next_id();
    return r;
  }
  Outcome send(const Rrq& r, Endpoint dst = ha_destination(), Endpoint src = mn_source()) {
    return ha_.process(r.bytes(), src, dst, now_);
  }
  Outcome send_bytes(const std::vector<uint8_t>& b) { return ha_.process(b, mn_source(), ha_destination(), now_); }
  void advance(std::chrono::milliseconds d) { now_ = now_.plus(d); }

  Now now_ = t0();
  std::chrono::milliseconds id_offset_{0};
  HomeAgent ha_;
};

}  // namespace mipvpn::agents::ha::test
