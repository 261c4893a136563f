#include "agents/fa/visitor_list.h"

#include <algorithm>

#include "agents/common/ipv4.h"

namespace mipvpn::agents::fa {
namespace {

uint32_t low32(uint64_t id) { return static_cast<uint32_t>(id & 0xffffffffu); }

void earliest(std::optional<TimePoint>& acc, TimePoint t) {
  if (!acc || t < *acc) acc = t;
}

}  // namespace

void VisitorList::add_pending(Registration r) { pending_.push_back(std::move(r)); }

const Registration* VisitorList::find_pending(const Tins::IPv4Address& home_address, uint32_t id_low) const {
  for (const Registration& r : pending_) {
    if (r.home_address == home_address && low32(r.identification) == id_low) return &r;
  }
  return nullptr;
}

bool VisitorList::has_pending(const Tins::IPv4Address& home_address) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [&](const Registration& r) { return r.home_address == home_address; });
}

std::optional<Registration> VisitorList::take_pending(const Tins::IPv4Address& home_address, uint32_t id_low) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->home_address == home_address && low32(it->identification) == id_low) {
      Registration r = std::move(*it);
      pending_.erase(it);
      return r;
    }
  }
  return std::nullopt;
}

size_t VisitorList::drop_superseded(const Registration& newer) {
  const size_t before = pending_.size();
  std::erase_if(pending_, [&](const Registration& r) {
    return r.home_address == newer.home_address && r.source_address == newer.source_address &&
           r.source_port == newer.source_port;
  });
  return before - pending_.size();
}

void VisitorList::set_visitor(Visitor v) {
  const uint32_t key = to_host(v.registration.home_address);
  visitors_.insert_or_assign(key, std::move(v));
}

bool VisitorList::remove_visitor(const Tins::IPv4Address& home_address) {
  return visitors_.erase(to_host(home_address)) > 0;
}

const Visitor* VisitorList::find_visitor(const Tins::IPv4Address& home_address) const {
  auto it = visitors_.find(to_host(home_address));
  return it == visitors_.end() ? nullptr : &it->second;
}

std::vector<Visitor> VisitorList::visitors() const {
  std::vector<Visitor> out;
  out.reserve(visitors_.size());
  for (const auto& [key, v] : visitors_) out.push_back(v);
  return out;
}

bool VisitorList::knows(const Tins::IPv4Address& home_address) const {
  return find_visitor(home_address) != nullptr || has_pending(home_address);
}

VisitorList::Expired VisitorList::expire(TimePoint now) {
  Expired out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    // Whichever comes first decides: a Lifetime shorter than the pending timeout ends it silently (3.7.2.2).
    if (it->lifetime_end && *it->lifetime_end <= now && *it->lifetime_end < it->timeout) {
      out.pending_lifetime_ended.push_back(std::move(*it));
      it = pending_.erase(it);
    } else if (it->timeout <= now) {
      out.pending_timed_out.push_back(std::move(*it));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = visitors_.begin(); it != visitors_.end();) {
    if (it->second.expires && *it->second.expires <= now) {
      out.visitors.push_back(std::move(it->second));
      it = visitors_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<TimePoint> VisitorList::next_deadline() const {
  std::optional<TimePoint> t;
  for (const Registration& r : pending_) {
    earliest(t, r.timeout);
    if (r.lifetime_end) earliest(t, *r.lifetime_end);
  }
  for (const auto& [key, v] : visitors_) {
    if (v.expires) earliest(t, *v.expires);
  }
  return t;
}

}  // namespace mipvpn::agents::fa
