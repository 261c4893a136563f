#include "agents/common/arp_packet.h"

#include <cstdio>
#include <cstring>

namespace mipvpn::agents {
namespace {

void put_ip(uint8_t* p, const Tins::IPv4Address& a) {
  const uint32_t v = static_cast<uint32_t>(a);  // network order
  std::memcpy(p, &v, 4);
}

Tins::IPv4Address get_ip(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return Tins::IPv4Address(v);
}

}  // namespace

std::string mac_to_string(const MacAddress& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

std::vector<uint8_t> ArpPacket::bytes() const {
  std::vector<uint8_t> out(28);
  out[0] = 0x00;  // hardware type 1 (Ethernet)
  out[1] = 0x01;
  out[2] = 0x08;  // protocol type 0x0800 (IPv4)
  out[3] = 0x00;
  out[4] = 6;
  out[5] = 4;
  out[6] = static_cast<uint8_t>(operation >> 8);
  out[7] = static_cast<uint8_t>(operation);
  std::memcpy(&out[8], sender_mac.data(), 6);
  put_ip(&out[14], sender_ip);
  std::memcpy(&out[18], target_mac.data(), 6);
  put_ip(&out[24], target_ip);
  return out;
}

std::optional<ArpPacket> ArpPacket::parse(std::span<const uint8_t> b) {
  if (b.size() < 28) return std::nullopt;
  if (b[0] != 0 || b[1] != 1 || b[2] != 0x08 || b[3] != 0 || b[4] != 6 || b[5] != 4) return std::nullopt;
  ArpPacket a;
  a.operation = static_cast<uint16_t>((b[6] << 8) | b[7]);
  std::memcpy(a.sender_mac.data(), &b[8], 6);
  a.sender_ip = get_ip(&b[14]);
  std::memcpy(a.target_mac.data(), &b[18], 6);
  a.target_ip = get_ip(&b[24]);
  return a;
}

std::string ArpPacket::to_string() const {
  const std::string op = operation == kArpRequest ? "request" : operation == kArpReply ? "reply"
                                                                                       : "op " + std::to_string(operation);
  return "ARP " + op + " sender " + sender_ip.to_string() + " " + mac_to_string(sender_mac) + " target " +
         target_ip.to_string() + " " + mac_to_string(target_mac);
}

ArpPacket gratuitous_arp(const Tins::IPv4Address& address, const MacAddress& mac, uint16_t operation) {
  ArpPacket a;
  a.operation = operation;
  a.sender_mac = mac;
  a.sender_ip = address;
  a.target_ip = address;
  // Unused in a request: zero, as an ordinary request leaves it.
  a.target_mac = operation == kArpReply ? mac : MacAddress{};
  return a;
}

ArpPacket proxy_arp_reply(const ArpPacket& request, const MacAddress& own_mac) {
  ArpPacket r;
  r.operation = kArpReply;
  r.sender_mac = own_mac;
  r.sender_ip = request.target_ip;
  r.target_mac = request.sender_mac;
  r.target_ip = request.sender_ip;
  return r;
}

}  // namespace mipvpn::agents
