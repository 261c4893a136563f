// The reference home agent core against the targets of issue 4: at least 50,000 authenticated registrations per
// second on one core with 100,000 bindings present, at no more than 256 bytes of memory per binding. One item is one
// Registration Request through HomeAgent::process (decode, MN-HA check, replay check, binding update, authenticated
// reply) followed by next_expiry(), which the daemon's event loop asks after every datagram. Figures and how to
// reproduce them: docs/performance.md, "Agents".
#include <malloc.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "agents/ha/home_agent.h"
#include "harness/wire/authentication.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_request.h"

namespace {

using namespace mipvpn;
using agents::Endpoint;
using agents::from_host;
using agents::ha::HaConfig;
using agents::ha::HomeAgent;
using agents::ha::Now;

constexpr uint32_t kMobileNodes = 100000;
constexpr uint32_t kFirstHomeAddress = 0x0a010000;  // 10.1.0.0: mobile node i has 10.1.0.0 + i
const Tins::IPv4Address kHomeAgent("10.0.0.1");
const Endpoint kHaEndpoint{kHomeAgent, 434};

std::vector<uint8_t> key_of(uint32_t i) {
  std::vector<uint8_t> key(16);
  for (size_t b = 0; b < key.size(); ++b) key[b] = static_cast<uint8_t>((i * 131 + b * 29) >> (b % 3));
  return key;
}

HaConfig config_with_mobile_nodes() {
  HaConfig c;
  c.address = kHomeAgent;
  c.home_network = *agents::Ipv4Prefix::parse("10.0.0.0/8");
  c.max_lifetime = 1800;
  c.simultaneous_bindings = true;
  c.mobile_nodes.reserve(kMobileNodes);
  for (uint32_t i = 0; i < kMobileNodes; ++i) {
    c.mobile_nodes.push_back({from_host(kFirstHomeAddress + i), 256 + i % 7, key_of(i), "hmac-md5"});
  }
  return c;
}

// A fixed clock: the requests' timestamps are this wall time plus a counter in the fraction bits, always fresh
// (RFC 5944 5.7.1) and always greater than the mobile node's last accepted one.
const Now kNow{std::chrono::steady_clock::time_point(std::chrono::hours(1000)),
               std::chrono::system_clock::time_point(std::chrono::seconds(1735689600))};
uint64_t g_identification = wire::ntp_from_unix(1735689600, 0);

struct Request {
  std::vector<uint8_t> bytes;
  Endpoint source;
};

// One authenticated co-located registration per mobile node (what each would send), in a shuffled order.
std::vector<Request> registrations(const HaConfig& c, std::mt19937& rng) {
  std::vector<uint32_t> order(kMobileNodes);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<Request> out;
  out.reserve(kMobileNodes);
  for (uint32_t i : order) {
    const auto& sa = c.mobile_nodes[i];
    const Tins::IPv4Address coa = from_host(0xc0a80000u + (i & 0xffff));  // 192.168.x.y
    wire::RegistrationRequest r(1800, sa.home_address, kHomeAgent, coa, ++g_identification,
                                wire::RegistrationRequest::kFlagD);
    r.add_authentication(wire::MnHaAuth, sa.spi, sa.key);
    out.push_back({r.bytes(), Endpoint{coa, 40000}});
  }
  return out;
}

size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;  // small chunks plus mmapped large ones (a big vector lives there)
}

// Registrations per second with kMobileNodes bindings present: each registration renews one of them.
void BM_HaRegistrationWith100kBindings(benchmark::State& state) {
  std::mt19937 rng(4);
  HomeAgent ha(config_with_mobile_nodes());
  const size_t empty = heap_in_use();
  for (const Request& r : registrations(ha.config(), rng)) ha.process(r.bytes, r.source, kHaEndpoint, kNow);
  if (ha.bindings().size() != kMobileNodes) state.SkipWithError("setup: not every registration was accepted");
  std::vector<Request> batch = registrations(ha.config(), rng);
  size_t next = 0, accepted = 0, processed = 0;
  for (auto _ : state) {
    if (next == batch.size()) {
      state.PauseTiming();
      batch = registrations(ha.config(), rng);
      next = 0;
      state.ResumeTiming();
    }
    const Request& r = batch[next++];
    auto outcome = ha.process(r.bytes, r.source, kHaEndpoint, kNow);
    accepted += outcome.verdict == agents::ha::Verdict::Accepted && outcome.reply ? 1 : 0;
    ++processed;
    benchmark::DoNotOptimize(outcome);
    benchmark::DoNotOptimize(ha.next_expiry());
  }
  batch = {};
  // What the bindings hold after the renewals (stale expiry entries included), to compare with BM_HaMemoryPerBinding.
  state.counters["bytes_per_binding_after_renewals"] = static_cast<double>(heap_in_use() - empty) / kMobileNodes;
  if (accepted != processed) state.SkipWithError("a renewal was not accepted with a reply");
  if (ha.bindings().size() != kMobileNodes) state.SkipWithError("binding count changed");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HaRegistrationWith100kBindings)->Unit(benchmark::kMicrosecond);

// Heap growth of the home agent when 100,000 mobile nodes register (all its state that grows with bindings: the
// binding list, its expiry order, the per-node replay state), divided by the number of bindings. The requests are
// built before the first snapshot and the outcomes are dropped, so only what the home agent keeps is counted. The
// configuration's own memory (security associations and their index) is reported per mobile node.
void BM_HaMemoryPerBinding(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::mt19937 rng(4);
    const size_t before_config = heap_in_use();
    auto ha = std::make_unique<HomeAgent>(config_with_mobile_nodes());
    const size_t after_config = heap_in_use();
    const std::vector<Request> batch = registrations(ha->config(), rng);
    const size_t before = heap_in_use();
    state.ResumeTiming();
    for (const Request& r : batch) ha->process(r.bytes, r.source, kHaEndpoint, kNow);
    state.PauseTiming();
    const size_t after = heap_in_use();
    if (ha->bindings().size() != kMobileNodes) state.SkipWithError("not every registration was accepted");
    state.counters["bytes_per_binding"] = static_cast<double>(after - before) / kMobileNodes;
    state.counters["config_bytes_per_mobile_node"] =
        static_cast<double>(after_config - before_config) / kMobileNodes;
    ha.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kMobileNodes);
}
BENCHMARK(BM_HaMemoryPerBinding)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
