#include "agents/mn/agent_list.h"

#include <algorithm>

namespace mipvpn::agents::mn {

std::optional<Ipv4Prefix> HeardAgent::prefix() const {
  const auto lengths = advertisement.prefix_lengths();
  const auto& routers = advertisement.router_addresses();
  if (!lengths || routers.empty()) return std::nullopt;
  // "The prefix length for each router address is encoded as a separate byte, in the order that the router
  // addresses are listed" (2.1.2): the agent's own address when it is listed, else the first router address.
  size_t index = 0;
  for (size_t i = 0; i < routers.size(); ++i) {
    if (routers[i].address == address) {
      index = i;
      break;
    }
  }
  if (index >= lengths->size() || (*lengths)[index] > 32) return std::nullopt;
  Ipv4Prefix p;
  p.length = (*lengths)[index];
  p.network = from_host(to_host(routers[index].address) & p.mask());
  return p;
}

AdvertisementUpdate AgentList::heard(const wire::AgentAdvertisement& adv, const Tins::IPv4Address& source,
                                     const MacAddress& mac, std::chrono::steady_clock::time_point now) {
  AdvertisementUpdate u;
  auto it = std::find_if(agents_.begin(), agents_.end(), [&](const HeardAgent& a) { return a.address == source; });
  if (adv.lifetime() == 0) {  // RFC 1256: a Lifetime of zero withdraws the router
    if (it != agents_.end()) agents_.erase(it);
    return u;
  }
  if (it == agents_.end()) {
    u.new_agent = true;
    agents_.push_back(HeardAgent{});
    it = agents_.end() - 1;
  } else {
    const uint16_t before = it->advertisement.sequence_number();
    const uint16_t after = adv.sequence_number();
    if (after < before) {
      if (after < 256) {
        u.rebooted = true;
      } else {
        u.rolled_over = true;
      }
    }
    it->previous_sequence = before;
  }
  it->address = source;
  it->mac = mac;
  it->advertisement = adv;
  it->heard = now;
  it->expires = now + std::chrono::seconds(adv.lifetime());
  return u;
}

std::vector<Tins::IPv4Address> AgentList::expire(std::chrono::steady_clock::time_point now) {
  std::vector<Tins::IPv4Address> gone;
  std::erase_if(agents_, [&](const HeardAgent& a) {
    if (a.expires > now) return false;
    gone.push_back(a.address);
    return true;
  });
  return gone;
}

std::optional<std::chrono::steady_clock::time_point> AgentList::next_expiry() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const HeardAgent& a : agents_) {
    if (!next || a.expires < *next) next = a.expires;
  }
  return next;
}

const HeardAgent* AgentList::find(const Tins::IPv4Address& address) const {
  for (const HeardAgent& a : agents_) {
    if (a.address == address) return &a;
  }
  return nullptr;
}

const HeardAgent* AgentList::newest_foreign_agent() const {
  const HeardAgent* best = nullptr;
  for (const HeardAgent& a : agents_) {
    if (!a.foreign_agent() || a.busy() || a.advertisement.care_of_addresses().empty()) continue;
    if (best == nullptr || a.heard > best->heard) best = &a;
  }
  return best;
}

bool prefixes_differ(const std::optional<Ipv4Prefix>& current, const std::optional<Ipv4Prefix>& candidate) {
  if (!current || !candidate) return false;  // "this method of move detection SHOULD NOT be used"
  return current->network != candidate->network || current->length != candidate->length;
}

}  // namespace mipvpn::agents::mn
