#include "agents/ha/binding_table.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace mipvpn::agents::ha {
namespace {

// Stale deadlines are tolerated up to a quarter of the live bindings (plus a floor), then the heap is rebuilt from
// the table: renewals cost amortized O(log n) and the heap stays within 1.25 times the table (docs/performance.md).
constexpr size_t kDeadlineSlack = 1024;

}  // namespace

bool BindingTable::current(const Deadline& d) const {
  const Binding* b = find(from_host(d.home), from_host(d.care_of));
  return b != nullptr && b->expires && *b->expires == d.at;
}

void BindingTable::drop_stale_deadlines() const {
  while (!deadlines_.empty() && !current(deadlines_.front())) {
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
    deadlines_.pop_back();
  }
}

void BindingTable::push_deadline(const Binding& b) {
  if (!b.expires) return;
  deadlines_.push_back({*b.expires, to_host(b.home_address), to_host(b.care_of_address)});
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
  if (deadlines_.size() > count_ + count_ / 4 + kDeadlineSlack) rebuild_deadlines();
}

void BindingTable::rebuild_deadlines() {
  deadlines_.clear();
  for (const auto& [home, list] : by_home_) {
    for (const Binding& b : list) {
      if (b.expires) deadlines_.push_back({*b.expires, home, to_host(b.care_of_address)});
    }
  }
  std::make_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
}

void BindingTable::add(const Binding& b, bool keep_others) {
  List& list = by_home_[to_host(b.home_address)];
  if (!keep_others) {
    count_ -= list.size();
    list.clear();
  }
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Binding& x) { return x.care_of_address == b.care_of_address; });
  if (it != list.end()) {
    *it = b;
  } else {
    list.push_back(b);
    ++count_;
  }
  push_deadline(b);
}

size_t BindingTable::remove_all(const Tins::IPv4Address& home_address) {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return 0;
  const size_t n = it->second.size();
  count_ -= n;
  by_home_.erase(it);
  return n;
}

bool BindingTable::remove(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address) {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return false;
  List& list = it->second;
  auto b = std::find_if(list.begin(), list.end(),
                        [&](const Binding& x) { return x.care_of_address == care_of_address; });
  const bool removed = b != list.end();
  if (removed) {
    list.erase(b);
    --count_;
  }
  if (list.empty()) by_home_.erase(it);
  return removed;
}

Binding* BindingTable::find(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address) {
  return const_cast<Binding*>(std::as_const(*this).find(home_address, care_of_address));
}

const Binding* BindingTable::find(const Tins::IPv4Address& home_address,
                                  const Tins::IPv4Address& care_of_address) const {
  for (const Binding& b : of(home_address)) {
    if (b.care_of_address == care_of_address) return &b;
  }
  return nullptr;
}

std::span<const Binding> BindingTable::of(const Tins::IPv4Address& home_address) const {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return {};
  return std::span<const Binding>(it->second.data(), it->second.size());
}

std::vector<Binding> BindingTable::all() const {
  std::vector<uint32_t> homes;
  homes.reserve(by_home_.size());
  for (const auto& [home, list] : by_home_) homes.push_back(home);
  std::sort(homes.begin(), homes.end());
  std::vector<Binding> out;
  out.reserve(count_);
  for (uint32_t home : homes) {
    const List& list = by_home_.at(home);
    out.insert(out.end(), list.begin(), list.end());
  }
  return out;
}

std::vector<Binding> BindingTable::expire(std::chrono::steady_clock::time_point now) {
  std::vector<Binding> gone;
  for (drop_stale_deadlines(); !deadlines_.empty() && deadlines_.front().at <= now; drop_stale_deadlines()) {
    const Deadline d = deadlines_.front();
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
    deadlines_.pop_back();
    const Tins::IPv4Address home = from_host(d.home), care_of = from_host(d.care_of);
    gone.push_back(*find(home, care_of));
    remove(home, care_of);
  }
  return gone;
}

std::optional<std::chrono::steady_clock::time_point> BindingTable::next_expiry() const {
  drop_stale_deadlines();
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.front().at;
}

}  // namespace mipvpn::agents::ha
