#include "harness/wire/extension_list.h"

#include <cstring>
#include <stdexcept>

namespace mipvpn::wire::detail {

void ExtensionList::add(Extension ext) {
  check_encodable(ext);
  ext.offset = base_ + wire_size_;
  wire_size_ += ext.wire_size();
  items_.push_back(std::move(ext));
}

void ExtensionList::insert(size_t index, Extension ext) {
  check_encodable(ext);
  if (index > items_.size()) throw std::out_of_range("extension index");
  items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(index), std::move(ext));
  renumber();
}

void ExtensionList::erase(size_t index) {
  if (index >= items_.size()) throw std::out_of_range("extension index");
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
  renumber();
}

void ExtensionList::assign(std::vector<Extension> exts) {
  for (const auto& e : exts) check_encodable(e);
  items_ = std::move(exts);
  renumber();
}

void ExtensionList::clear() {
  items_.clear();
  wire_size_ = 0;
}

void ExtensionList::rebase(size_t base) {
  base_ = base;
  renumber();
}

void ExtensionList::adopt_decoded(std::vector<Extension> exts, size_t base) {
  items_ = std::move(exts);
  base_ = base;
  renumber();  // decoded offsets already match; renumber also recomputes the size
}

void ExtensionList::renumber() {
  size_t off = 0;
  for (auto& e : items_) {
    e.offset = base_ + off;
    off += e.wire_size();
  }
  wire_size_ = off;
}

void ExtensionList::write(uint8_t* out) const {
  for (const auto& e : items_) {
    *out++ = e.type;
    if (e.type == Pad) continue;
    *out++ = static_cast<uint8_t>(e.body.size());  // check_encodable guaranteed <= 255 on insertion
    if (!e.body.empty()) std::memcpy(out, e.body.data(), e.body.size());
    out += e.body.size();
  }
}

}  // namespace mipvpn::wire::detail
