// HomeAgent's index of its mobile nodes: security associations found by binary search over (home address, SPI), and
// the per-node replay state. Built once from the configuration; no allocation per request.
#include <algorithm>

#include "agents/ha/home_agent.h"

namespace mipvpn::agents::ha {

void HomeAgent::index_mobile_nodes() {
  const auto& sas = config_.mobile_nodes;
  sa_keys_.clear();
  sa_keys_.reserve(sas.size());
  for (size_t i = 0; i < sas.size(); ++i) {
    sa_keys_.push_back({to_host(sas[i].home_address), sas[i].spi, static_cast<uint32_t>(i)});
  }
  std::sort(sa_keys_.begin(), sa_keys_.end(), [](const SaKey& a, const SaKey& b) { return a.key() < b.key(); });
  node_state_.assign(sas.size(), MobileNodeState{});
}

std::optional<size_t> HomeAgent::first_position(const Tins::IPv4Address& home_address) const {
  const uint32_t home = to_host(home_address);
  auto it = std::lower_bound(sa_keys_.begin(), sa_keys_.end(), home,
                             [](const SaKey& k, uint32_t h) { return k.home < h; });
  if (it == sa_keys_.end() || it->home != home) return std::nullopt;
  return static_cast<size_t>(it - sa_keys_.begin());
}

const MobileNodeSa* HomeAgent::find_sa(const Tins::IPv4Address& home_address, uint32_t spi) const {
  const std::pair<uint32_t, uint32_t> key{to_host(home_address), spi};
  auto it = std::lower_bound(sa_keys_.begin(), sa_keys_.end(), key,
                             [](const SaKey& k, const std::pair<uint32_t, uint32_t>& want) { return k.key() < want; });
  if (it == sa_keys_.end() || it->key() != key) return nullptr;
  return &config_.mobile_nodes[it->position];
}

HomeAgent::MobileNodeState* HomeAgent::state_of(const Tins::IPv4Address& home_address) {
  auto at = first_position(home_address);
  return at ? &node_state_[*at] : nullptr;
}

const HomeAgent::MobileNodeState* HomeAgent::state_of(const Tins::IPv4Address& home_address) const {
  auto at = first_position(home_address);
  return at ? &node_state_[*at] : nullptr;
}

std::optional<uint64_t> HomeAgent::last_accepted_identification(const Tins::IPv4Address& home_address) const {
  const MobileNodeState* node = state_of(home_address);
  if (node == nullptr || !node->accepted_any) return std::nullopt;
  return node->last_accepted;
}

}  // namespace mipvpn::agents::ha
