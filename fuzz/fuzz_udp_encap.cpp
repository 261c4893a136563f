// classify_udp_encap (RFC 3948) on any UDP 4500 payload, and its validators: a classification matches the bytes
// (a keepalive is short, a Non-ESP Marker is four zeros, ESP has a whole header with a non-zero SPI, which then
// decodes), the checksum and port validators report nothing where the RFC sets no rule, and the layer built from the
// payload (decode_udp_encap_layer) agrees with the classification.
#include <cstdint>
#include <span>

#include "fuzz/fuzz_check.h"
#include "harness/wire/esp.h"
#include "harness/wire/ike.h"
#include "harness/wire/layers_ipsec.h"
#include "harness/wire/udp_encap.h"

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> p(data, size);
  auto kind = classify_udp_encap(p);
  mipvpn::fuzz::check_error(kind, size, "classify_udp_encap");
  // Ports and checksum as a NAT could leave them: taken from the payload's own first bytes (0 when absent).
  const uint16_t sport = size >= 2 ? static_cast<uint16_t>(data[0] << 8 | data[1]) : 0;
  const uint16_t dport = size >= 4 ? static_cast<uint16_t>(data[2] << 8 | data[3]) : 0;
  const uint16_t sum = size >= 6 ? static_cast<uint16_t>(data[4] << 8 | data[5]) : 0;

  if (!kind) {
    FUZZ_CHECK(size == 0 || (size >= 2 && size < Esp::kHeaderSize), "%zu bytes not classified", size);
  } else {
    switch (*kind) {
      case UdpEncapKind::NatKeepalive:
        FUZZ_CHECK(size == 1 || (data[0] == 0xff && size < Esp::kHeaderSize), "keepalive of %zu bytes", size);
        FUZZ_CHECK(validate_nat_keepalive(p).empty() == (size == 1 && data[0] == 0xff),
                   "validate_nat_keepalive disagrees with RFC 3948 2.3 on %zu bytes", size);
        break;
      case UdpEncapKind::Ike:
        FUZZ_CHECK(size >= kNonEspMarkerSize && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 0,
                   "Non-ESP Marker that is not four zeros");
        (void)ike_version(p.subspan(kNonEspMarkerSize));
        break;
      case UdpEncapKind::Esp: {
        auto esp = Esp::decode(p);
        FUZZ_CHECK(esp.ok() && esp->spi() != 0, "classified ESP, but no ESP header with a non-zero SPI");
        break;
      }
    }
    const UdpEncapKind k = *kind;
    FUZZ_CHECK(validate_udp_encap_checksum(k, 0).empty(), "a zero checksum is what RFC 3948 asks for");
    FUZZ_CHECK(k != UdpEncapKind::Ike || validate_udp_encap_checksum(k, sum).empty(), "no checksum rule for IKE");
    FUZZ_CHECK(validate_udp_encap_ports(k, kUdpEncapPort, dport).empty(), "source port 4500 is allowed");
    FUZZ_CHECK(validate_udp_encap_ports(k, sport, kUdpEncapPort).empty(), "destination port 4500 is allowed");
    FUZZ_CHECK(validate_udp_encap_ports(k, 0, dport).empty(), "unknown ports are not checked");
    FUZZ_CHECK(k != UdpEncapKind::Ike || validate_udp_encap_ports(k, sport, dport).empty(), "no port rule for IKE");
    (void)validate_udp_encap_checksum(k, sum);
    (void)validate_udp_encap_ports(k, sport, dport);
  }
  for (const auto k : {UdpEncapKind::NatKeepalive, UdpEncapKind::Ike, UdpEncapKind::Esp}) {
    (void)validate_udp_encap_checksum(k, sum);
    (void)validate_udp_encap_ports(k, sport, dport);
  }
  (void)validate_nat_keepalive(p);

  // The layer: one udpencap / nat-keepalive / esp layer, an error exactly when classification failed.
  IpContext ctx;
  ctx.src_port = sport == 0 ? 4500 : sport;
  ctx.dst_port = 4500;
  ctx.udp_checksum = sum;
  DecodedFrame out;
  const Next next = decode_udp_encap_layer(p, 100, ctx, DecodeOptions{}, out);
  FUZZ_CHECK(out.layers.size() == 1, "%zu layers from one UDP payload", out.layers.size());
  const Layer& l = out.layers.front();
  FUZZ_CHECK(l.offset == 100 && l.offset + l.length <= 100 + size, "layer [%zu, +%zu) outside the payload", l.offset,
             l.length);
  FUZZ_CHECK(!l.summary.empty(), "empty summary");
  if (!kind) {
    FUZZ_CHECK(l.error.has_value() && l.protocol == "udpencap", "unclassified payload decoded as %s",
               l.protocol.c_str());
  } else if (*kind == UdpEncapKind::Ike) {
    FUZZ_CHECK(next.kind == NextKind::Ike && next.offset == 104 && next.bytes.size() == size - 4,
               "IKE after the marker not handed on");
  } else {
    FUZZ_CHECK(next.kind == NextKind::None, "nothing follows a keepalive or undecrypted ESP");
    FUZZ_CHECK(l.protocol == (*kind == UdpEncapKind::Esp ? "esp" : "nat-keepalive"), "layer %s", l.protocol.c_str());
  }
  return 0;
}
