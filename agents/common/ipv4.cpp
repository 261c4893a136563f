#include "agents/common/ipv4.h"

#include <arpa/inet.h>

#include <charconv>

namespace mipvpn::agents {

bool is_unicast(const Tins::IPv4Address& a) {
  const uint32_t h = to_host(a);
  return h != 0 && h != 0xffffffffu && !a.is_multicast() && (h >> 24) != 127;
}

uint32_t to_host(const Tins::IPv4Address& a) { return ntohl(static_cast<uint32_t>(a)); }

Tins::IPv4Address from_host(uint32_t host_order) { return Tins::IPv4Address(htonl(host_order)); }

std::optional<Tins::IPv4Address> parse_ipv4(std::string_view text) {
  uint32_t value = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    if (*p == '0' && p + 1 != end && p[1] >= '0' && p[1] <= '9') return std::nullopt;  // no leading zeros
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255 || next - p > 3) return std::nullopt;
    value = (value << 8) | octet;
    p = next;
  }
  if (p != end) return std::nullopt;
  return from_host(value);
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = parse_ipv4(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string_view len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 2) return std::nullopt;
  unsigned len = 0;
  auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || next != len_text.data() + len_text.size() || len > 32) return std::nullopt;
  Ipv4Prefix prefix;
  prefix.length = len;
  prefix.network = from_host(to_host(*addr) & prefix.mask());
  return prefix;
}

uint32_t Ipv4Prefix::mask() const { return length == 0 ? 0u : ~uint32_t{0} << (32 - length); }

bool Ipv4Prefix::contains(const Tins::IPv4Address& a) const {
  return (to_host(a) & mask()) == to_host(network);
}

Tins::IPv4Address Ipv4Prefix::broadcast() const { return from_host(to_host(network) | ~mask()); }

std::string Ipv4Prefix::to_string() const { return network.to_string() + "/" + std::to_string(length); }

}  // namespace mipvpn::agents
