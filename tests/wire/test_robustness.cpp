// Decoders against hostile input: every truncation and many random mutations of valid messages must decode or fail
// with an error that names an offset inside the input and a field, never crash or read outside (run under ASan/UBSan
// to prove the latter; see the report).
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/describe.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/validate.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace mipvpn::wire {
namespace {

const std::vector<uint8_t> kKey(16, 0x5c);

std::vector<uint8_t> valid_rrq() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0x1122334455667788ull, 0x20);
  r.add_extension(Extension{UdpTunnelRequest, {0, 0, 0x80, 4, 0, 0}, 0});
  r.add_extension(Extension{Pad, {}, 0});
  r.add_authentication(MnHaAuth, 256, kKey);
  r.add_authentication(MnFaAuth, 257, kKey);
  return r.bytes();
}

std::vector<uint8_t> valid_rrp() {
  RegistrationReply r(0, 1800, "10.0.1.100", "10.0.1.1", 0x1122334455667788ull);
  r.add_authentication(MnHaAuth, 256, kKey);
  r.add_authentication(FaHaAuth, 300, kKey);
  return r.bytes();
}

std::vector<uint8_t> valid_advert() {
  AgentAdvertisement a;
  a.add_router_address("10.0.2.1", 1);
  a.add_router_address("10.0.3.1", 2);
  a.f(true);
  a.add_care_of_address("10.0.2.1");
  a.add_care_of_address("10.0.3.1");
  a.prefix_lengths({24, 24});
  a.pad(true);
  return a.bytes();
}

std::vector<uint8_t> valid_solicitation() { return AgentSolicitation().bytes(); }

// Decodes a heap copy of exactly `len` bytes so that AddressSanitizer catches any read past the end.
template <class Decode>
void check_decode(const std::vector<uint8_t>& src, size_t len, Decode decode, const char* what, bool icmp = false) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
  std::copy(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(len), buf.get());
  auto r = decode(buf.get(), len);
  if (r) {
    // A valid prefix must re-encode to exactly the bytes it was decoded from (for ICMP, except the checksum, which
    // the encoder recomputes for the shorter message).
    auto expected = std::vector<uint8_t>(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(len));
    auto got = r->bytes();
    if (icmp && expected.size() >= 4 && got.size() >= 4) expected[2] = expected[3] = got[2] = got[3] = 0;
    EXPECT_EQ(got, expected) << what << " len " << len;
    (void)validate(*r);
    (void)describe(*r);
  } else {
    EXPECT_LE(r.error().offset, len) << what << " len " << len << ": " << r.error().to_string();
    EXPECT_FALSE(r.error().field.empty()) << what;
    EXPECT_FALSE(r.error().expected.empty()) << what;
  }
}

auto rrq_decode = [](const uint8_t* d, size_t n) { return RegistrationRequest::decode(d, n); };
auto rrp_decode = [](const uint8_t* d, size_t n) { return RegistrationReply::decode(d, n); };
// ICMP messages are decoded without the checksum check here, else nearly every mutation would stop at the checksum.
auto adv_decode = [](const uint8_t* d, size_t n) { return AgentAdvertisement::decode(d, n, false); };
auto sol_decode = [](const uint8_t* d, size_t n) { return AgentSolicitation::decode(d, n, false); };

TEST(Robustness, TruncationAtEveryOffset) {
  const auto rrq = valid_rrq();
  for (size_t n = 0; n <= rrq.size(); ++n) check_decode(rrq, n, rrq_decode, "rrq");
  const auto rrp = valid_rrp();
  for (size_t n = 0; n <= rrp.size(); ++n) check_decode(rrp, n, rrp_decode, "rrp");
  const auto adv = valid_advert();
  for (size_t n = 0; n <= adv.size(); ++n) check_decode(adv, n, adv_decode, "adv", true);
  const auto sol = valid_solicitation();
  for (size_t n = 0; n <= sol.size(); ++n) check_decode(sol, n, sol_decode, "sol", true);
}

TEST(Robustness, TruncatedFixedPartNamesTheField) {
  const auto rrq = valid_rrq();
  const std::pair<size_t, const char*> cases[] = {
      {0, "type"},           {1, "flags"},       {2, "lifetime"},         {3, "lifetime"},
      {4, "home_address"},   {11, "home_agent"}, {12, "care_of_address"}, {16, "identification"},
      {23, "identification"}};
  for (const auto& [len, field] : cases) {
    auto r = RegistrationRequest::decode(rrq.data(), len);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, field) << len;
  }
  // Inside the first extension (UDP Tunnel Request at 24): Type only, then Type+Length with short data.
  auto r25 = RegistrationRequest::decode(rrq.data(), 25);
  ASSERT_FALSE(r25);
  EXPECT_EQ(r25.error().field, "extension[0].length");
  EXPECT_EQ(r25.error().offset, 25u);
  auto r28 = RegistrationRequest::decode(rrq.data(), 28);
  ASSERT_FALSE(r28);
  EXPECT_EQ(r28.error().field, "extension[0].data");
  EXPECT_EQ(r28.error().offset, 26u);
  const auto adv = valid_advert();
  auto a = AgentAdvertisement::decode(adv.data(), 12, false);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "router_address[0]");
  EXPECT_EQ(a.error().offset, 8u);
  auto a2 = AgentAdvertisement::decode(adv.data(), 30, false);
  ASSERT_FALSE(a2);
  EXPECT_EQ(a2.error().field, "mobility_agent.data");
}

TEST(Robustness, RandomMutationsNeverCrash) {
  std::mt19937 rng(20240519);  // fixed seed: reproducible
  const std::vector<std::vector<uint8_t>> seeds = {valid_rrq(), valid_rrp(), valid_advert(), valid_solicitation()};
  size_t decoded_ok = 0, rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t which = static_cast<size_t>(iter) % seeds.size();
    auto msg = seeds[which];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 4) {
        case 0:  // flip a byte
          if (!msg.empty()) msg[rng() % msg.size()] = static_cast<uint8_t>(rng());
          break;
        case 1:  // truncate
          msg.resize(msg.empty() ? 0 : rng() % msg.size());
          break;
        case 2:  // append garbage
          for (int k = static_cast<int>(rng() % 8); k > 0; --k) msg.push_back(static_cast<uint8_t>(rng()));
          break;
        default:  // set a likely length/count byte to an extreme
          if (!msg.empty()) msg[rng() % msg.size()] = (rng() % 2) ? 0xff : 0x00;
      }
    }
    bool ok = false;
    size_t error_offset = 0;
    switch (which) {
      case 0: {
        auto r = RegistrationRequest::decode(msg);
        ok = r.ok();
        if (!ok) error_offset = r.error().offset;
        break;
      }
      case 1: {
        auto r = RegistrationReply::decode(msg);
        ok = r.ok();
        if (!ok) error_offset = r.error().offset;
        break;
      }
      case 2: {
        auto r = AgentAdvertisement::decode(msg, false);
        ok = r.ok();
        if (ok) {
          (void)validate(*r);
          (void)describe(*r);
        } else {
          error_offset = r.error().offset;
        }
        break;
      }
      default: {
        auto r = AgentSolicitation::decode(msg, false);
        ok = r.ok();
        if (!ok) error_offset = r.error().offset;
        break;
      }
    }
    EXPECT_LE(error_offset, msg.size());
    (ok ? decoded_ok : rejected)++;
    // The same bytes as a frame, both link types: describe must never throw.
    EXPECT_NO_THROW((void)describe_frame(msg.data(), msg.size(), LinkType::RawIP));
    EXPECT_NO_THROW((void)describe_frame(msg.data(), msg.size(), LinkType::Ethernet));
  }
  EXPECT_GT(decoded_ok, 0u);
  EXPECT_GT(rejected, 0u);
}

TEST(Robustness, DescribeFrameOnRandomAndMutatedPackets) {
  std::mt19937 rng(7);
  // A well-formed Ethernet/IP/UDP/RRQ frame as seed.
  std::vector<uint8_t> frame = {0x02, 0, 0,  0, 0, 2, 0x02, 0,    0,    0,    0, 1, 0x08, 0x00,  // Ethernet II, IPv4
                                0x45, 0, 0,  0, 0, 0, 0,    0,    64,   17,   0, 0, 10,   0,
                                2,    2, 10, 0, 1, 1, 0x9c, 0x40, 0x01, 0xb2, 0, 0, 0,    0};
  const auto rrq = valid_rrq();
  frame.insert(frame.end(), rrq.begin(), rrq.end());
  const uint16_t ip_len = static_cast<uint16_t>(frame.size() - 14);
  frame[16] = static_cast<uint8_t>(ip_len >> 8);
  frame[17] = static_cast<uint8_t>(ip_len);
  const uint16_t udp_len = static_cast<uint16_t>(ip_len - 20);
  frame[38] = static_cast<uint8_t>(udp_len >> 8);
  frame[39] = static_cast<uint8_t>(udp_len);
  EXPECT_NE(describe_frame(frame.data(), frame.size(), LinkType::Ethernet).find("RRQ lifetime=1800"),
            std::string::npos);
  for (int iter = 0; iter < 20000; ++iter) {
    auto f = frame;
    for (int e = 0; e < 3; ++e) f[rng() % f.size()] = static_cast<uint8_t>(rng());
    f.resize(rng() % (f.size() + 1));
    const std::string s = describe_frame(f.data(), f.size(), LinkType::Ethernet);
    EXPECT_FALSE(s.empty());
  }
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> junk(rng() % 128);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (!junk.empty()) junk[0] = 0x45;  // make it look like IPv4 so deeper layers are reached
    EXPECT_FALSE(describe_frame(junk.data(), junk.size(), LinkType::RawIP).empty());
  }
  EXPECT_EQ(describe_frame(nullptr, 0, LinkType::Ethernet), "empty frame");
}

}  // namespace
}  // namespace mipvpn::wire
