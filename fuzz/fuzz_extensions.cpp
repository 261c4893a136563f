// The extension codecs on any bytes: decode_extensions (1.9 TLVs), then each extension read as a short (1.11) and an
// authentication (3.5.2) extension, the input read as a long extension (1.10), and verify_authentication given an
// Extension whose claimed offset and body come from the input (it must reject, never read outside, when they do not
// match the message). Offsets in errors and extensions must stay inside the input.
#include "fuzz/fuzz_check.h"
#include "harness/wire/authentication.h"
#include "harness/wire/bytes.h"
#include "harness/wire/extension.h"

#include <cstdint>
#include <span>
#include <vector>

using namespace mipvpn::wire;

namespace {

constexpr size_t kBase = 24;  // as if the extensions followed a Registration Request's fixed part

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> kKey(16, 0x5c);
  const std::span<const uint8_t> in(data, size);

  auto exts = decode_extensions(in, kBase);
  mipvpn::fuzz::check_error(exts, kBase + size, "decode_extensions");
  if (!exts) FUZZ_CHECK(exts.error().offset >= kBase, "error offset before the extensions");
  if (exts) {
    for (const auto& ext : *exts) {
      FUZZ_CHECK(ext.offset >= kBase && ext.offset - kBase + ext.wire_size() <= size, "extension outside the input");
      (void)registration_extension_name(ext.type);
      (void)advertisement_extension_name(ext.type);
      (void)classify_unknown(ext.type);
      auto s = ShortExtension::from(ext);
      mipvpn::fuzz::check_error(s, kBase + size, "ShortExtension::from");
      auto a = AuthExtension::from(ext);
      mipvpn::fuzz::check_error(a, kBase + size, "AuthExtension::from");
      auto l = LongExtension::decode(in.subspan(ext.offset - kBase), ext.offset);
      mipvpn::fuzz::check_error(l, kBase + size, "LongExtension::decode");
    }
  }
  auto l = LongExtension::decode(in, 0);
  mipvpn::fuzz::check_error(l, size, "LongExtension::decode");
  if (l) FUZZ_CHECK(l->wire_size() <= size, "long extension longer than the input");

  // An authentication extension that claims to sit anywhere: first two bytes are its offset, the next one its type,
  // then its body; the whole input is the message.
  if (size >= 3) {
    Extension claimed;
    claimed.offset = detail::load16(data);
    claimed.type = data[2];
    claimed.body.assign(data + 3, data + size);
    if (claimed.body.size() > 20) claimed.body.resize(20);
    (void)verify_authentication(in, claimed, kKey);
  }
  return 0;
}
