// Gre::decode (RFC 2784 / RFC 1701) on any IP protocol 47 payload, with and without the checksum check, and the
// libtins-style constructor (which verifies): never throws, errors inside the packet, the constructor agrees with the
// verifying decode, the header as decoded re-encodes (bytes(payload)) to the packet exactly when its checksum field
// holds the checksum bytes() computes (always when C is clear), a verifying decode accepts exactly the packets whose
// Internet checksum sums to zero, and the validators and the layer decoder take whatever decodes.
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/checksum.h"
#include "harness/wire/gre.h"
#include "harness/wire/layers_encap.h"

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  auto loose = Gre::decode(data, size, false);
  auto strict = Gre::decode(data, size, true);
  mipvpn::fuzz::check_error(loose, size, "Gre::decode");
  mipvpn::fuzz::check_error(strict, size, "Gre::decode (checksum)");
  // The constructor verifies the checksum; Gre::bytes() needs the payload, so the header sizes are compared.
  mipvpn::fuzz::check_constructor_agrees(
      data, size, strict, [](const Gre& a, const Gre& b) { return a.header_size() == b.header_size(); });
  FUZZ_CHECK(!strict.ok() || loose.ok(), "the checksum check made a packet decode");
  if (!loose) return 0;

  const Gre& g = *loose;
  const size_t hdr = g.header_size();
  FUZZ_CHECK(hdr <= size, "header of %zu bytes in a %zu-byte packet", hdr, size);
  const auto payload = in.subspan(hdr);
  for (const auto& sre : g.routing())
    FUZZ_CHECK(sre.offset + sre.wire_size() <= hdr, "SRE at %zu runs past the header", sre.offset);
  FUZZ_CHECK(!g.r() || (!g.routing().empty() && g.routing().back().is_last()), "routing not ended by a NULL SRE");
  if (!g.c()) FUZZ_CHECK(strict.ok(), "no checksum to check, yet the checking decode failed");

  const std::vector<uint8_t> again = g.bytes(payload);
  const bool stored_is_computed = !g.c() || g.compute_checksum(payload) == g.checksum();
  FUZZ_CHECK((again == std::vector<uint8_t>(in.begin(), in.end())) == stored_is_computed,
             "bytes(payload) %s the packet", stored_is_computed ? "differs from" : "reproduces a wrong checksum in");
  if (g.c())
    FUZZ_CHECK(strict.ok() == (internet_checksum(in) == 0),
               "the checksum check %s a packet whose ones' complement sum is %s", strict.ok() ? "accepts" : "rejects",
               internet_checksum(in) == 0 ? "right" : "wrong");

  (void)validate(g, in);
  (void)validate(g);
  (void)validate_gre_ipv4_payload(Tins::IPv4Address("10.0.2.1"), g, payload);
  (void)validate_gre_mobile_ip(g);
  (void)gre_protocol_type_name(g.protocol_type());

  IpContext ctx;
  ctx.src = static_cast<uint32_t>(Tins::IPv4Address("10.0.2.1"));
  DecodedFrame frame;
  const Next next = decode_gre_layer(in, 20, ctx, DecodeOptions{}, frame);
  FUZZ_CHECK(frame.layers.size() == 1 && !frame.layers[0].error, "GRE layer of a decodable header failed");
  FUZZ_CHECK(frame.layers[0].length == hdr && !frame.layers[0].summary.empty(), "GRE layer length/summary");
  if (next.kind != NextKind::None)
    FUZZ_CHECK(next.offset == 20 + hdr && next.bytes.size() == payload.size(), "GRE payload handed on wrongly");
  return 0;
}
