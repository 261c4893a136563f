// MIP Tunnel Data (RFC 3519 3.3) on any UDP 434 payload: TunnelData::decode and the libtins-style constructor agree
// on what is a message and on its header (the constructor may parse the inner packet with libtins, which must not
// throw out of it), decode + bytes() gives the payload back, validate() and the layer decoder take whatever decodes,
// and recognize_keepalive (RFC 3519 4.9) recognises only a Tunnel Data / IPv4 / ICMP Echo (Reply) whose fields it
// reports as they are. Keepalives built with make_keepalive / make_keepalive_reply from input-chosen fields are
// recognised with exactly those fields and right checksums.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/bytes.h"
#include "harness/wire/layers_mip.h"
#include "harness/wire/tunnel_data.h"
#include "harness/wire/validate.h"

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  auto t = TunnelData::decode(data, size);
  mipvpn::fuzz::check_error(t, size, "TunnelData::decode");
  // The constructor turns the inner packet into PDUs, so only the header is compared.
  mipvpn::fuzz::check_constructor_agrees(data, size, t, [](const TunnelData& c, const TunnelData& d) {
    return c.next_header() == d.next_header() && c.reserved() == d.reserved();
  });
  if (t) {
    FUZZ_CHECK(t->bytes() == std::vector<uint8_t>(in.begin(), in.end()), "bytes() is not the decoded payload");
    FUZZ_CHECK(t->payload() == std::vector<uint8_t>(in.begin() + 4, in.end()), "payload() is not the inner packet");
    (void)validate(*t);
  }

  const auto k = recognize_keepalive(in);
  if (k) {
    FUZZ_CHECK(t.ok() && t->next_header() == TunnelData::kNextIpInIp, "keepalive that is not Tunnel Data / IPv4");
    const size_t ihl = size_t{data[4] & 0x0fu} * 4;
    FUZZ_CHECK(size >= 4 + ihl + 8 && data[4 + 9] == 1, "keepalive without IPv4 / ICMP");
    FUZZ_CHECK(k->reply == (data[4 + ihl] == 0) && k->id == detail::load16(data + 4 + ihl + 4) &&
                   k->sequence == detail::load16(data + 4 + ihl + 6) && k->inner_source == detail::load_ip(data + 16) &&
                   k->inner_destination == detail::load_ip(data + 20),
               "keepalive fields misread");
  }

  IpContext ctx;
  ctx.src = static_cast<uint32_t>(Tins::IPv4Address("10.0.2.2"));
  ctx.dst = static_cast<uint32_t>(Tins::IPv4Address("10.0.1.1"));
  ctx.src_port = ctx.dst_port = 434;
  DecodedFrame frame;
  const Next next = decode_mobile_ip_layer(in, 28, ctx, DecodeOptions{}, frame);
  FUZZ_CHECK(frame.layers.size() == 1 && !frame.layers[0].summary.empty(), "one Mobile IP layer with a summary");
  const Layer& l = frame.layers[0];
  FUZZ_CHECK(l.offset == 28 && l.offset + l.length <= 28 + size, "layer [%zu, +%zu) outside the payload", l.offset,
             l.length);
  if (t) {
    FUZZ_CHECK(l.protocol == "tunnel-data" && !l.error, "decodable Tunnel Data gave layer %s", l.protocol.c_str());
    FUZZ_CHECK(next.offset == 32 && next.bytes.size() == size - 4, "tunnelled packet handed on wrongly");
    FUZZ_CHECK((l.find("keepalive") != nullptr) == k.has_value(), "layer and recognize_keepalive disagree");
  }

  // Keepalives built from the input's first bytes.
  if (size >= 12) {
    // Never 0.0.0.0: libtins would put this machine's address there.
    uint8_t addrs[8];
    std::copy(data, data + 8, addrs);
    addrs[3] |= 1;
    addrs[7] |= 1;
    const Tins::IPv4Address mn = detail::load_ip(addrs), ha = detail::load_ip(addrs + 4);
    const uint16_t id = detail::load16(data + 8), seq = detail::load16(data + 10);
    const uint8_t ttl = static_cast<uint8_t>(data[0] | 1);
    for (const bool reply : {false, true}) {
      const TunnelData msg = reply ? make_keepalive_reply(ha, mn, id, seq, ttl) : make_keepalive(mn, ha, id, seq, ttl);
      const auto bytes = msg.bytes();
      const auto r = recognize_keepalive(bytes);
      FUZZ_CHECK(r.has_value(), "own keepalive not recognised");
      FUZZ_CHECK(r->reply == reply && r->id == id && r->sequence == seq && r->ip_checksum_ok && r->icmp_checksum_ok,
                 "own keepalive misread");
      FUZZ_CHECK(r->inner_source == (reply ? ha : mn) && r->inner_destination == (reply ? mn : ha),
                 "own keepalive addresses misread");
      FUZZ_CHECK(validate(msg).empty(), "own keepalive breaks a Tunnel Data rule");
    }
  }
  return 0;
}
