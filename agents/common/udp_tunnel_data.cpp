#include "agents/common/udp_tunnel_data.h"

namespace mipvpn::agents {

std::vector<uint8_t> wrap_tunnel_data(uint8_t next_header, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  out.reserve(kTunnelDataHeaderSize + payload.size());
  out.push_back(kTunnelDataType);
  out.push_back(next_header);
  out.push_back(0);
  out.push_back(0);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::optional<TunnelData> unwrap_tunnel_data(std::span<const uint8_t> datagram, std::string* why) {
  if (datagram.size() < kTunnelDataHeaderSize) {
    if (why) *why = "tunnel data header needs 4 bytes, got " + std::to_string(datagram.size());
    return std::nullopt;
  }
  if (datagram[0] != kTunnelDataType) {
    if (why) *why = "message type " + std::to_string(datagram[0]) + ", expected 4 (tunnel data)";
    return std::nullopt;
  }
  return TunnelData{datagram[1], datagram.subspan(kTunnelDataHeaderSize)};
}

}  // namespace mipvpn::agents
