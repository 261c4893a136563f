#include "agents/ha/binding_table.h"

#include <algorithm>
#include <utility>

namespace mipvpn::agents::ha {

void BindingTable::add(const Binding& b, bool keep_others) {
  auto& list = by_home_[to_host(b.home_address)];
  if (!keep_others) list.clear();
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Binding& x) { return x.care_of_address == b.care_of_address; });
  if (it != list.end()) {
    *it = b;
  } else {
    list.push_back(b);
  }
}

size_t BindingTable::remove_all(const Tins::IPv4Address& home_address) {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return 0;
  const size_t n = it->second.size();
  by_home_.erase(it);
  return n;
}

bool BindingTable::remove(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address) {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return false;
  auto& list = it->second;
  const auto before = list.size();
  std::erase_if(list, [&](const Binding& x) { return x.care_of_address == care_of_address; });
  const bool removed = list.size() != before;
  if (list.empty()) by_home_.erase(it);
  return removed;
}

Binding* BindingTable::find(const Tins::IPv4Address& home_address, const Tins::IPv4Address& care_of_address) {
  return const_cast<Binding*>(std::as_const(*this).find(home_address, care_of_address));
}

const Binding* BindingTable::find(const Tins::IPv4Address& home_address,
                                  const Tins::IPv4Address& care_of_address) const {
  auto it = by_home_.find(to_host(home_address));
  if (it == by_home_.end()) return nullptr;
  for (const Binding& b : it->second) {
    if (b.care_of_address == care_of_address) return &b;
  }
  return nullptr;
}

std::vector<Binding> BindingTable::of(const Tins::IPv4Address& home_address) const {
  auto it = by_home_.find(to_host(home_address));
  return it == by_home_.end() ? std::vector<Binding>{} : it->second;
}

std::vector<Binding> BindingTable::all() const {
  std::vector<Binding> out;
  for (const auto& [hoa, list] : by_home_) out.insert(out.end(), list.begin(), list.end());
  return out;
}

size_t BindingTable::size() const {
  size_t n = 0;
  for (const auto& [hoa, list] : by_home_) n += list.size();
  return n;
}

std::vector<Binding> BindingTable::expire(std::chrono::steady_clock::time_point now) {
  std::vector<Binding> gone;
  for (auto it = by_home_.begin(); it != by_home_.end();) {
    auto& list = it->second;
    for (auto b = list.begin(); b != list.end();) {
      if (b->expires && *b->expires <= now) {
        gone.push_back(*b);
        b = list.erase(b);
      } else {
        ++b;
      }
    }
    it = list.empty() ? by_home_.erase(it) : std::next(it);
  }
  return gone;
}

std::optional<std::chrono::steady_clock::time_point> BindingTable::next_expiry() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const auto& [hoa, list] : by_home_) {
    for (const Binding& b : list) {
      if (b.expires && (!next || *b.expires < *next)) next = b.expires;
    }
  }
  return next;
}

}  // namespace mipvpn::agents::ha
