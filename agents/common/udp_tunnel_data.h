// The RFC 3519 3.3 MIP Tunnel Data message header that precedes tunnelled data on UDP port 434:
//   Type (4) | Next Header (IP protocol of what follows: 4, 47, 55) | Reserved (16 bits, 0 on sending, ignored)
// Until harness/wire/tunnel_data.h is on main this small codec stands in for it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::agents {

inline constexpr uint8_t kTunnelDataType = 4;
inline constexpr size_t kTunnelDataHeaderSize = 4;

std::vector<uint8_t> wrap_tunnel_data(uint8_t next_header, std::span<const uint8_t> payload);

struct TunnelData {
  uint8_t next_header = 0;
  std::span<const uint8_t> payload;  // into the datagram given to unwrap
};
// nullopt (why filled) unless Type is 4 and the header is complete. Reserved is ignored (3.3).
std::optional<TunnelData> unwrap_tunnel_data(std::span<const uint8_t> datagram, std::string* why = nullptr);

}  // namespace mipvpn::agents
