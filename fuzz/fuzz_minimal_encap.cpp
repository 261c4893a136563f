// Minimal encapsulation (RFC 2004) on any bytes:
// - the input as an outer IP packet (protocol 55): decapsulate_minimal with and without the checksum check; a packet
//   it rebuilds is an IPv4 datagram with a right header checksum, 8 or 12 bytes shorter than the outer one;
// - the input as an original datagram: encapsulate_minimal (from its own source, S = 0, or from another one, S = 1)
//   and back, which must give the datagram again (up to its checksum field when that was wrong);
// - MinimalEncapsulation::decode and the libtins-style constructor on the input and on the bytes after its IP header,
//   re-encoding (bytes()) a header that carries its computed checksum to the bytes it came from, and calling a checksum
//   valid exactly when the header's ones' complement sum verifies (0xFFFF included); validate_minimal_encap,
//   rebuild_original and the layer decoder on whatever decodes.
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/layers_encap.h"
#include "harness/wire/minimal_encap.h"

using namespace mipvpn::wire;

namespace {

using ByteVec = std::vector<uint8_t>;

void forwarding_header(std::span<const uint8_t> b, std::span<const uint8_t> outer_header) {
  auto loose = MinimalEncapsulation::decode(b, false);
  auto strict = MinimalEncapsulation::decode(b, true);
  mipvpn::fuzz::check_error(loose, b.size(), "MinimalEncapsulation::decode");
  mipvpn::fuzz::check_error(strict, b.size(), "MinimalEncapsulation::decode (checksum)");
  mipvpn::fuzz::check_constructor_agrees(b.data(), b.size(), strict);  // the constructor verifies the checksum
  if (!loose) return;
  const MinimalEncapsulation& m = *loose;
  FUZZ_CHECK(m.header_size() <= b.size(), "header of %u bytes in %zu", m.header_size(), b.size());
  FUZZ_CHECK(strict.ok() == m.checksum_valid(), "the checking decode disagrees with checksum_valid()");
  FUZZ_CHECK(m.checksum_valid() == (internet_checksum(b.first(m.header_size())) == 0),
             "checksum_valid() disagrees with the ones' complement sum of the header");
  if (m.checksum() == m.compute_checksum())
    FUZZ_CHECK(m.bytes() == ByteVec(b.begin(), b.begin() + m.header_size()),
               "a header carrying its computed checksum does not re-encode to its bytes");
  FUZZ_CHECK(internet_checksum(m.bytes()) == 0, "bytes() carries a wrong checksum");
  (void)validate_minimal_encap(outer_header, m, true);
  (void)validate_minimal_encap({}, m, false);
  if (outer_header.size() >= 20) {
    const ByteVec rebuilt = rebuild_original(outer_header, m, b.subspan(m.header_size()));
    FUZZ_CHECK(rebuilt.size() == outer_header.size() + b.size() - m.header_size(), "rebuild_original size");
    FUZZ_CHECK(internet_checksum(std::span<const uint8_t>(rebuilt).first(outer_header.size())) == 0,
               "rebuilt header checksum is wrong");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const size_t ihl = size >= 1 ? size_t{data[0] & 0x0fu} * 4 : 0;

  // The input as the outer packet.
  for (const bool verify : {true, false}) {
    auto d = decapsulate_minimal(in, verify);
    mipvpn::fuzz::check_error(d, size, "decapsulate_minimal");
    if (!d) continue;
    const size_t total = size_t{data[2]} << 8 | data[3];
    FUZZ_CHECK(d->size() + 8 == total || d->size() + 12 == total, "rebuilt %zu bytes from a %zu-byte packet", d->size(),
               total);
    FUZZ_CHECK(internet_checksum(std::span<const uint8_t>(*d).first(ihl)) == 0, "rebuilt header checksum is wrong");
    FUZZ_CHECK((size_t{(*d)[2]} << 8 | (*d)[3]) == d->size(), "rebuilt Total Length is not its size");
  }

  // The input as the original datagram, and back.
  if (size >= 20) {
    const Tins::IPv4Address inner_src = detail::load_ip(data + 12);
    const Tins::IPv4Address encapsulator = (data[8] & 1) ? inner_src : Tins::IPv4Address("10.0.2.1");
    auto e = encapsulate_minimal(in, encapsulator, Tins::IPv4Address("10.0.2.2"));
    mipvpn::fuzz::check_error(e, size, "encapsulate_minimal");
    if (e) {
      auto back = decapsulate_minimal(*e, true);
      FUZZ_CHECK(back.ok(), "own encapsulation does not decapsulate: %s", back.error().to_string().c_str());
      const size_t total = size_t{data[2]} << 8 | data[3];
      ByteVec original(data, data + total), again = *back;
      FUZZ_CHECK(again.size() == original.size(), "round trip changed the size %zu -> %zu", original.size(),
                 again.size());
      original[10] = original[11] = again[10] = again[11] = 0;
      FUZZ_CHECK(again == original, "decapsulate(encapsulate(x)) != x outside the header checksum");
    }
  }

  forwarding_header(in, {});
  if (ihl >= 20 && ihl <= size) {
    forwarding_header(in.subspan(ihl), in.first(ihl));
    IpContext ctx;
    ctx.header = in.first(ihl);
    DecodedFrame frame;
    const Next next = decode_minimal_encap_layer(in.subspan(ihl), ihl, ctx, DecodeOptions{}, frame);
    FUZZ_CHECK(frame.layers.size() == 1 && !frame.layers[0].summary.empty(), "one minenc layer with a summary");
    const Layer& l = frame.layers[0];
    FUZZ_CHECK(l.offset == ihl && l.offset + l.length <= size, "minenc layer [%zu, +%zu) outside the packet", l.offset,
               l.length);
    if (next.kind == NextKind::IPv4)
      FUZZ_CHECK(frame.buffers.size() == 1 && next.bytes.data() == frame.buffers.back().data() && next.in_plaintext,
                 "the rebuilt packet is not the buffer handed on");
  }
  return 0;
}
