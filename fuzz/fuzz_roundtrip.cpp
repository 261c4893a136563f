// Decode then re-encode. What holds for these codecs:
// - Registration Request / Reply and the extension list: byte for byte, bytes() and libtins serialize() alike
//   (every decoded field, unknown extensions included, is kept).
// - Agent Advertisement / Solicitation, decoded without the checksum check: the same except the checksum, which the
//   encoder recomputes (for an input with a correct checksum, that too, up to 0x0000 = 0xffff); an advertisement whose
//   Addr Entry Size is above 2 also loses the extra words of each entry (written back as zeros, see
//   agent_advertisement.h). What always holds for those two is that the re-encoding carries a correct checksum and
//   is a fixed point: encode(decode(encode(decode(x)))) == encode(decode(x)).
// - Short, authentication and long extensions: to_extension()/encode() give back the bytes they were read from.
// Every input is tried with every decoder; each rejects what is not its type.
#include "fuzz/fuzz_check.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/extension.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <cstdint>
#include <span>
#include <vector>

using namespace mipvpn::wire;

namespace {

using ByteVec = std::vector<uint8_t>;

template <class Message>
void exact(const uint8_t* data, size_t size, const char* what) {
  auto m = Message::decode(data, size);
  if (!m) return;
  const ByteVec in(data, data + size);
  FUZZ_CHECK(m->bytes() == in, "%s: bytes() differs from the decoded input", what);
  FUZZ_CHECK(m->serialize() == in, "%s: serialize() differs from the decoded input", what);
  FUZZ_CHECK(m->header_size() == size, "%s: header_size() %u for %zu bytes", what, m->header_size(), size);
}

ByteVec without_checksum(ByteVec b) {
  if (b.size() >= 4) b[2] = b[3] = 0;
  return b;
}

// The re-encoded checksum equals the one decoded, up to the two forms of zero of ones' complement: a message whose
// words sum to 0xffff verifies with 0x0000 or 0xffff in the field, and the encoder writes 0x0000 (found by fuzzing).
bool same_checksum(const ByteVec& a, const uint8_t* data) {
  const unsigned x = (a[2] << 8) | a[3], y = (data[2] << 8) | data[3];
  return x == y || (x == 0 && y == 0xffff);
}

// ICMP messages: decoded unchecked, the re-encoding must be checksum-correct and a fixed point.
template <class Message>
ByteVec icmp_fixed_point(Message& m, const char* what) {
  const ByteVec once = m.bytes();
  auto again = Message::decode(once.data(), once.size(), true);
  FUZZ_CHECK(again.ok(), "%s: re-encoding does not decode: %s", what, again.error().to_string().c_str());
  FUZZ_CHECK(again->bytes() == once, "%s: encode(decode(encode(decode(x)))) != encode(decode(x))", what);
  FUZZ_CHECK(m.serialize() == once, "%s: serialize() differs from bytes()", what);
  return once;
}

void advertisement(const uint8_t* data, size_t size) {
  auto a = AgentAdvertisement::decode(data, size, false);
  if (!a) return;
  const ByteVec once = icmp_fixed_point(*a, "AgentAdvertisement");
  if (a->addr_entry_size() <= 2) {
    FUZZ_CHECK(without_checksum(once) == without_checksum(ByteVec(data, data + size)),
               "AgentAdvertisement: re-encoding differs from the input outside the checksum");
    if (AgentAdvertisement::decode(data, size, true))
      FUZZ_CHECK(same_checksum(once, data), "AgentAdvertisement: checksum of a checksummed input not reproduced");
  } else {
    FUZZ_CHECK(once.size() == size, "AgentAdvertisement: re-encoding has %zu bytes for %zu", once.size(), size);
  }
}

void solicitation(const uint8_t* data, size_t size) {
  auto s = AgentSolicitation::decode(data, size, false);
  if (!s) return;
  const ByteVec once = icmp_fixed_point(*s, "AgentSolicitation");
  FUZZ_CHECK(without_checksum(once) == without_checksum(ByteVec(data, data + size)),
             "AgentSolicitation: re-encoding differs from the input outside the checksum");
  if (AgentSolicitation::decode(data, size, true))
    FUZZ_CHECK(same_checksum(once, data), "AgentSolicitation: checksum of a checksummed input not reproduced");
}

void extensions(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  auto exts = decode_extensions(in, 0);
  if (exts) {
    ByteVec out;
    for (const auto& ext : *exts) {
      encode_extension(ext, out);
      auto s = ShortExtension::from(ext);
      if (s) {
        const auto back = s->to_extension();
        FUZZ_CHECK(back.type == ext.type && back.body == ext.body, "short extension does not round-trip");
      }
      auto a = AuthExtension::from(ext);
      if (a) {
        const auto back = a->to_extension();
        FUZZ_CHECK(back.type == ext.type && back.body == ext.body, "authentication extension does not round-trip");
      }
    }
    FUZZ_CHECK(out == ByteVec(in.begin(), in.end()), "extension list does not re-encode to the input");
  }
  auto l = LongExtension::decode(in, 0);
  if (l) {
    ByteVec out;
    l->encode(out);
    FUZZ_CHECK(out == ByteVec(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(l->wire_size())),
               "long extension does not re-encode to its bytes");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exact<RegistrationRequest>(data, size, "RegistrationRequest");
  exact<RegistrationReply>(data, size, "RegistrationReply");
  advertisement(data, size);
  solicitation(data, size);
  extensions(data, size);
  return 0;
}
