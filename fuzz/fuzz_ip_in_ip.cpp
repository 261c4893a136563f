// IP in IP (RFC 2003) on any bytes split into an outer header and an inner packet: validate_ip_in_ip never throws and
// never reads outside either part, with and without the outer checksum rule. The first byte picks the split: 0 cuts
// after the outer header's own IHL, anything else after that many bytes of the rest. The rest as an inner packet goes
// through encapsulate_ip_in_ip, which refuses (std::invalid_argument) exactly what 3.1 / 3.2 forbid, and whose output
// breaks none of validate_ip_in_ip's rules when the inner datagram fills its packet.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/ip_in_ip.h"
#include "harness/wire/layers_encap.h"

using namespace mipvpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> in(data + 1, size - 1);
  size_t split = data[0];
  if (split == 0 && !in.empty()) split = size_t{in[0] & 0x0fu} * 4;
  if (split > in.size()) split = in.size();
  // Exact-size copies, so ASan sees a read past either part.
  const std::vector<uint8_t> outer(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(split));
  const std::vector<uint8_t> inner(in.begin() + static_cast<std::ptrdiff_t>(split), in.end());
  const auto checked = validate_ip_in_ip(outer, inner, true);
  const auto unchecked = validate_ip_in_ip(outer, inner, false);
  FUZZ_CHECK(unchecked.size() <= checked.size() && checked.size() <= unchecked.size() + 1,
             "the checksum rule changed %zu violations into %zu", unchecked.size(), checked.size());
  IpContext ctx;
  ctx.header = outer;
  (void)ip_in_ip_violations(ctx, inner);

  const Tins::IPv4Address src("10.0.2.1"), dst("10.0.1.1");
  const uint8_t ttl = static_cast<uint8_t>(data[0] | 1);
  std::vector<uint8_t> packet;
  try {
    packet = encapsulate_ip_in_ip(in, src, dst, ttl, static_cast<uint16_t>(size));
  } catch (const std::invalid_argument&) {
    const bool ipv4 = in.size() >= 20 && (in[0] >> 4) == 4;
    const bool forbidden = !ipv4 || in[8] == 0 || (in[12] == 10 && in[13] == 0 && in[14] == 1 && in[15] == 1);
    FUZZ_CHECK(forbidden, "encapsulate_ip_in_ip refused a datagram 3.1 and 3.2 allow");
    return 0;
  }
  FUZZ_CHECK(packet.size() == 20 + in.size(), "encapsulated %zu bytes into %zu", in.size(), packet.size());
  const std::span<const uint8_t> p(packet);
  const size_t inner_total = size_t{in[2]} << 8 | in[3];
  if (inner_total == in.size()) {
    const auto v = validate_ip_in_ip(p.first(20), p.subspan(20), true);
    FUZZ_CHECK(v.empty(), "own encapsulation breaks %s %s: %s", v.front().rfc.c_str(), v.front().section.c_str(),
               v.front().text.c_str());
  }
  return 0;
}
