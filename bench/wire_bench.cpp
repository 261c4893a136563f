// Throughput of the wire codecs on one core, against the targets of issue 3: at least 500,000 Registration Request
// encodes with an HMAC-MD5 authenticator per second and 2,000,000 decodes per second. Each benchmark counts one
// message per iteration (items_per_second). Figures and how to reproduce them: docs/performance.md.
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/authentication.h"
#include "harness/wire/describe.h"
#include "harness/wire/esp_keys.h"
#include "harness/wire/stack.h"
#include "harness/wire/hmac.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <benchmark/benchmark.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <vector>

#include "tests/wire/rfc5265_frames.h"

namespace {

using namespace mipvpn::wire;
using ByteVec = std::vector<uint8_t>;

const ByteVec kKey = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// A Registration Request with MN-HA as a mobile node sends it (RFC 5944 3.3, 3.5.2), written out by hand as in
// tests/wire/test_registration.cpp: 24 bytes of fixed part, then Type 32, Length 20, SPI 256 and the HMAC-MD5 of
// everything before the Authenticator under kKey.
const ByteVec kCapturedRrq = {
    0x01, 0x22, 0x07, 0x08, 10,   0,    1,    100,  10,   0,    1,    1,    10,   0,    2,    2,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x20, 0x14, 0x00, 0x00, 0x01, 0x00, 0x4c, 0x19,
    0x43, 0xd6, 0x78, 0x45, 0xb0, 0x23, 0xc6, 0x0a, 0x10, 0x6b, 0x9c, 0xe8, 0x15, 0x7d,
};

// Addresses parsed once: a mobile node keeps them as values, and parsing dotted quads is not the codec's cost.
const Tins::IPv4Address kHomeAddress("10.0.1.100"), kHomeAgent("10.0.1.1"), kCareOf("10.0.2.2");

RegistrationRequest make_rrq() {
  return RegistrationRequest(1800, kHomeAddress, kHomeAgent, kCareOf, 0x0102030405060708ull,
                             RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
}

RegistrationReply make_rrp() { return RegistrationReply(0, 1800, kHomeAddress, kHomeAgent, 0x0102030405060708ull); }

// Build, authenticate, serialize: what a mobile node does for every registration.
void BM_RrqEncodeWithAuth(benchmark::State& state) {
  for (auto _ : state) {
    RegistrationRequest r = make_rrq();
    r.add_authentication(MnHaAuth, 256, kKey);
    benchmark::DoNotOptimize(r.bytes());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrqEncodeWithAuth);

void BM_RrqEncodeNoAuth(benchmark::State& state) {
  for (auto _ : state) {
    RegistrationRequest r = make_rrq();
    benchmark::DoNotOptimize(r.bytes());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrqEncodeNoAuth);

void BM_RrqDecode(benchmark::State& state) {
  for (auto _ : state) {
    auto r = RegistrationRequest::decode(kCapturedRrq.data(), kCapturedRrq.size());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrqDecode);

void BM_RrqVerifyAuth(benchmark::State& state) {
  const auto r = RegistrationRequest::decode(kCapturedRrq.data(), kCapturedRrq.size());
  if (!r || !verify_authentication(kCapturedRrq, r->extensions().at(0), kKey)) {
    state.SkipWithError("the captured RRQ does not decode and verify");
    return;
  }
  const Extension& mn_ha = r->extensions()[0];
  for (auto _ : state) benchmark::DoNotOptimize(verify_authentication(kCapturedRrq, mn_ha, kKey));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrqVerifyAuth);

void BM_RrqDecodeAndVerify(benchmark::State& state) {
  for (auto _ : state) {
    auto r = RegistrationRequest::decode(kCapturedRrq.data(), kCapturedRrq.size());
    benchmark::DoNotOptimize(verify_authentication(kCapturedRrq, r->extensions()[0], kKey));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrqDecodeAndVerify);

void BM_RrpEncodeWithAuth(benchmark::State& state) {
  for (auto _ : state) {
    RegistrationReply r = make_rrp();
    r.add_authentication(MnHaAuth, 256, kKey);
    benchmark::DoNotOptimize(r.bytes());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrpEncodeWithAuth);

void BM_RrpDecode(benchmark::State& state) {
  RegistrationReply reply = make_rrp();
  reply.add_authentication(MnHaAuth, 256, kKey);
  const ByteVec wire = reply.bytes();
  for (auto _ : state) {
    auto r = RegistrationReply::decode(wire.data(), wire.size());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RrpDecode);

// An FA's advertisement: two router addresses, two care-of addresses, Prefix-Lengths; the checksum is verified.
void BM_AdvDecode(benchmark::State& state) {
  AgentAdvertisement a;
  a.add_router_address("10.0.2.1", 5);
  a.add_router_address("10.0.3.1", 3);
  a.registration_lifetime(600);
  a.f(true);
  a.add_care_of_address("10.0.2.1");
  a.add_care_of_address("10.0.3.1");
  a.prefix_lengths({24, 24});
  const ByteVec wire = a.bytes();
  for (auto _ : state) {
    auto r = AgentAdvertisement::decode(wire.data(), wire.size(), true);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdvDecode);

// The one-line description of a captured Ethernet/IPv4/UDP/RRQ frame (checksums checked, RRQ decoded).
void BM_DescribeFrameRrq(benchmark::State& state) {
  Tins::EthernetII eth = Tins::EthernetII("02:00:00:00:00:01", "02:00:00:00:00:02") / Tins::IP("10.0.1.1", "10.0.2.2") /
                         Tins::UDP(434, 40000) / Tins::RawPDU(kCapturedRrq);
  const ByteVec frame = eth.serialize();
  for (auto _ : state) benchmark::DoNotOptimize(describe_frame(frame.data(), frame.size(), LinkType::Ethernet));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DescribeFrameRrq);

// The whole layered decode of the RFC 5265 outside-mode registration (Eth | IP-in-IP | UDP 4500 | ESP AES-GCM-256,
// decrypted | IP | UDP 434 | RRQ): what `mipvpn decode --esp-keys` spends per packet of that kind.
void BM_DecodeFrameRfc5265Decrypted(benchmark::State& state) {
  const EspSa sa = rfc5265::gcm_sa();
  const ByteVec frame = rfc5265::outside_frame(sa, 1);
  EspKeyring keys;
  keys.add(sa);
  DecodeOptions opt;
  opt.esp_keys = &keys;
  for (auto _ : state) benchmark::DoNotOptimize(decode_frame(frame, LinkType::Ethernet, opt));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeFrameRfc5265Decrypted);

// HMAC-MD5 alone over 64 bytes, to compare with `openssl speed -hmac md5` (docs/performance.md).
void BM_HmacMd5_64(benchmark::State& state) {
  const ByteVec data(64, 0xa5);
  for (auto _ : state) benchmark::DoNotOptimize(hmac_md5(kKey, data));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_HmacMd5_64);

}  // namespace
