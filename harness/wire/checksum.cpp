#include "harness/wire/checksum.h"

#include "harness/wire/bytes.h"

#include <algorithm>

namespace mipvpn::wire {
namespace {

uint32_t sum_words(uint32_t sum, std::span<const uint8_t> data) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += detail::load16(data.data() + i);
  if (i < data.size()) sum += static_cast<uint32_t>(data[i]) << 8;
  // Fold often enough that a 32-bit accumulator never overflows (callers pass at most 64 KiB at a time).
  while (sum >> 16) sum = (sum & 0xffffu) + (sum >> 16);
  return sum;
}

uint16_t finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffffu);
}

}  // namespace

uint16_t internet_checksum(std::span<const uint8_t> data) {
  uint32_t sum = 0;
  // Chunks of 32 KiB keep the accumulator far from overflow for any input size.
  for (size_t off = 0; off < data.size(); off += 32768)
    sum = sum_words(sum, data.subspan(off, std::min<size_t>(32768, data.size() - off)));
  return finish(sum);
}

uint16_t udp_checksum_ipv4(Tins::IPv4Address src, Tins::IPv4Address dst, std::span<const uint8_t> udp_datagram) {
  uint8_t pseudo[12];
  detail::store_ip(pseudo, src);
  detail::store_ip(pseudo + 4, dst);
  pseudo[8] = 0;
  pseudo[9] = 17;
  detail::store16(pseudo + 10, static_cast<uint16_t>(udp_datagram.size()));
  uint32_t sum = sum_words(0, pseudo);
  for (size_t off = 0; off < udp_datagram.size(); off += 32768)
    sum = sum_words(sum, udp_datagram.subspan(off, std::min<size_t>(32768, udp_datagram.size() - off)));
  return finish(sum);
}

}  // namespace mipvpn::wire
