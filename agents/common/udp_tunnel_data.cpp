#include "agents/common/udp_tunnel_data.h"

#include <algorithm>

namespace mipvpn::agents {

std::vector<uint8_t> wrap_tunnel_data(uint8_t next_header, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out = wire::TunnelData(next_header).bytes();  // the header alone: no inner PDU
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::optional<TunnelDataView> unwrap_tunnel_data(std::span<const uint8_t> datagram, std::string* why) {
  // Only the header is decoded: the payload stays where it is instead of being copied into an inner PDU.
  auto td = wire::TunnelData::decode(datagram.first(std::min(datagram.size(), wire::TunnelData::kHeaderSize)));
  if (!td) {
    if (why) *why = "not a tunnel data message (RFC 3519 3.3): " + td.error().to_string();
    return std::nullopt;
  }
  return TunnelDataView{td->next_header(), datagram.subspan(wire::TunnelData::kHeaderSize)};
}

}  // namespace mipvpn::agents
