// The ordered extensions of one message with their offsets kept right: the storage shared by the message classes.
#pragma once

#include "harness/wire/extension.h"

#include <cstdint>
#include <vector>

namespace mipvpn::wire::detail {

class ExtensionList {
 public:
  explicit ExtensionList(size_t base = 0) : base_(base) {}

  const std::vector<Extension>& items() const { return items_; }
  size_t wire_size() const { return wire_size_; }
  size_t base() const { return base_; }

  // Throws std::invalid_argument (via check_encodable) before changing anything. Sets ext.offset.
  void add(Extension ext);
  void insert(size_t index, Extension ext);
  void erase(size_t index);
  void assign(std::vector<Extension> exts);
  void clear();
  // The first extension starts at `base` inside the message; all offsets follow.
  void rebase(size_t base);
  // Writes exactly wire_size() bytes.
  void write(uint8_t* out) const;
  // Takes decoded extensions as they are (their offsets already are message offsets).
  void adopt_decoded(std::vector<Extension> exts, size_t base);

 private:
  void renumber();
  std::vector<Extension> items_;
  size_t base_;
  size_t wire_size_ = 0;
};

}  // namespace mipvpn::wire::detail
