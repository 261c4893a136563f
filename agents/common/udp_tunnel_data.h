// The RFC 3519 3.3 MIP Tunnel Data message (Type 4, Next Header, Reserved) on the agents' byte buffers: the header is
// harness/wire's TunnelData; these two functions only spare the tunnel endpoints libtins PDU chains on every packet.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/wire/tunnel_data.h"

namespace mipvpn::agents {

// The first byte that tells tunnel data from registration messages on port 434 (RFC 3519 3.3).
inline constexpr uint8_t kTunnelDataType = wire::TunnelData::kType;

// The header (wire::TunnelData with `next_header`, Reserved 0) followed by `payload`.
std::vector<uint8_t> wrap_tunnel_data(uint8_t next_header, std::span<const uint8_t> payload);

struct TunnelDataView {
  uint8_t next_header = 0;
  std::span<const uint8_t> payload;  // into the datagram given to unwrap
};
// nullopt (why filled) unless wire::TunnelData decodes the datagram (Type 4, whole header). Reserved is ignored (3.3).
std::optional<TunnelDataView> unwrap_tunnel_data(std::span<const uint8_t> datagram, std::string* why = nullptr);

}  // namespace mipvpn::agents
