#include "agents/common/ipv4_packet.h"

#include <cstring>

#include "harness/wire/checksum.h"

namespace mipvpn::agents {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

Tins::IPv4Address address_at(const uint8_t* p) {
  uint32_t network_order;
  std::memcpy(&network_order, p, 4);
  return Tins::IPv4Address(network_order);
}

}  // namespace

std::optional<Ipv4Header> parse_ipv4_header(std::span<const uint8_t> packet, std::string* why) {
  auto fail = [&](std::string text) -> std::optional<Ipv4Header> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  if (packet.size() < 20) return fail("IPv4 header needs 20 bytes, got " + std::to_string(packet.size()));
  if ((packet[0] >> 4) != 4) return fail("IP version " + std::to_string(packet[0] >> 4) + ", expected 4");
  Ipv4Header h;
  h.header_length = static_cast<uint8_t>((packet[0] & 0x0f) * 4);
  if (h.header_length < 20) return fail("IHL " + std::to_string(h.header_length / 4) + " below 5");
  h.total_length = be16(&packet[2]);
  if (h.total_length < h.header_length || h.total_length > packet.size()) {
    return fail("total length " + std::to_string(h.total_length) + " outside " + std::to_string(h.header_length) +
                ".." + std::to_string(packet.size()));
  }
  h.identification = be16(&packet[4]);
  h.flags_fragment = be16(&packet[6]);
  h.ttl = packet[8];
  h.protocol = packet[9];
  h.source = address_at(&packet[12]);
  h.destination = address_at(&packet[16]);
  return h;
}

std::span<const uint8_t> ipv4_payload(std::span<const uint8_t> packet, const Ipv4Header& h) {
  return packet.subspan(h.header_length, h.total_length - h.header_length);
}

std::vector<uint8_t> build_ipv4_packet(const Tins::IPv4Address& source, const Tins::IPv4Address& destination,
                                       uint8_t protocol, std::span<const uint8_t> payload, uint8_t ttl,
                                       uint16_t identification, bool dont_fragment) {
  const size_t total = 20 + payload.size();
  std::vector<uint8_t> out(total);
  out[0] = 0x45;
  out[2] = static_cast<uint8_t>(total >> 8);
  out[3] = static_cast<uint8_t>(total);
  out[4] = static_cast<uint8_t>(identification >> 8);
  out[5] = static_cast<uint8_t>(identification);
  out[6] = dont_fragment ? 0x40 : 0x00;
  out[8] = ttl;
  out[9] = protocol;
  const uint32_t s = static_cast<uint32_t>(source);  // network order already
  const uint32_t d = static_cast<uint32_t>(destination);
  std::memcpy(&out[12], &s, 4);
  std::memcpy(&out[16], &d, 4);
  std::memcpy(out.data() + 20, payload.data(), payload.size());
  fix_ipv4_checksum(out);
  return out;
}

void fix_ipv4_checksum(std::span<uint8_t> packet) {
  if (packet.size() < 20) return;
  const size_t ihl = static_cast<size_t>(packet[0] & 0x0f) * 4;
  if (ihl < 20 || ihl > packet.size()) return;
  packet[10] = 0;
  packet[11] = 0;
  const uint16_t sum = wire::internet_checksum(packet.first(ihl));
  packet[10] = static_cast<uint8_t>(sum >> 8);
  packet[11] = static_cast<uint8_t>(sum);
}

}  // namespace mipvpn::agents
