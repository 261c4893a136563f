#include "harness/wire/tunnel_data.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/malformed.h"

#include <tins/exceptions.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include <memory>

namespace mipvpn::wire {

TunnelData::TunnelData(const uint8_t* data, uint32_t size) {
  auto decoded = decode(data, size);
  if (!decoded) throw MalformedMessage("MIP Tunnel Data", decoded.error());
  next_header_ = decoded->next_header_;
  reserved_ = decoded->reserved_;
  if (size == kHeaderSize) return;
  // libtins convention: the inner packet becomes the PDU its protocol number names, raw bytes when it does not parse.
  if (next_header_ == kNextIpInIp) {
    try {
      inner_pdu(new Tins::IP(data + kHeaderSize, size - static_cast<uint32_t>(kHeaderSize)));
      return;
    } catch (const Tins::exception_base&) {
    }
  }
  inner_pdu(new Tins::RawPDU(data + kHeaderSize, size - static_cast<uint32_t>(kHeaderSize)));
}

Expected<TunnelData> TunnelData::decode(const uint8_t* data, size_t size) noexcept {
  try {
    if (data == nullptr && size != 0) return DecodeError{0, "type", "a buffer (got a null pointer)"};
    struct Field {
      const char* name;
      size_t offset, size;
    };
    static constexpr Field kFields[] = {{"type", 0, 1}, {"next_header", 1, 1}, {"reserved", 2, 2}};
    for (const auto& f : kFields) {
      if (size < f.offset + f.size)
        return DecodeError{f.offset, f.name,
                           detail::need_text(f.size, size > f.offset ? size - f.offset : 0,
                                             "the MIP Tunnel Data header (RFC 3519 3.3, 4 bytes)")};
    }
    if (data[0] != kType)
      return DecodeError{0, "type", "4 (MIP Tunnel Data, RFC 3519 3.3), found " + std::to_string(data[0])};
    TunnelData t(data[1], detail::load16(data + 2));
    if (size > kHeaderSize)
      t.inner_pdu(new Tins::RawPDU(data + kHeaderSize, static_cast<uint32_t>(size - kHeaderSize)));
    return t;
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    return DecodeError{0, "type", std::string("memory for the message (") + e.what() + ")"};
  }
}

std::vector<uint8_t> TunnelData::payload() const {
  if (inner_pdu() == nullptr) return {};
  std::unique_ptr<Tins::PDU> copy(inner_pdu()->clone());  // serialize() is not const
  return copy->serialize();
}

std::vector<uint8_t> TunnelData::bytes() const {
  TunnelData copy(*this);
  return copy.serialize();
}

void TunnelData::write_serialization(uint8_t* buffer, uint32_t total_sz) {
  if (total_sz < kHeaderSize) throw Tins::serialization_error();
  buffer[0] = kType;
  buffer[1] = next_header_;
  detail::store16(buffer + 2, reserved_);
}

namespace {

TunnelData make_echo(Tins::IPv4Address src, Tins::IPv4Address dst, Tins::ICMP::Flags kind, uint16_t id,
                     uint16_t sequence, uint8_t ttl) {
  Tins::IP ip(dst, src);
  ip.ttl(ttl);
  Tins::ICMP icmp(kind);
  icmp.id(id);
  icmp.sequence(sequence);
  TunnelData t(TunnelData::kNextIpInIp);
  t /= ip / icmp;
  return t;
}

}  // namespace

TunnelData make_keepalive(Tins::IPv4Address inner_source, Tins::IPv4Address home_agent, uint16_t id,
                          uint16_t sequence, uint8_t ttl) {
  return make_echo(inner_source, home_agent, Tins::ICMP::ECHO_REQUEST, id, sequence, ttl);
}

TunnelData make_keepalive_reply(Tins::IPv4Address home_agent, Tins::IPv4Address inner_source, uint16_t id,
                                uint16_t sequence, uint8_t ttl) {
  return make_echo(home_agent, inner_source, Tins::ICMP::ECHO_REPLY, id, sequence, ttl);
}

std::optional<Keepalive> recognize_keepalive(std::span<const uint8_t> p) noexcept {
  if (p.size() < TunnelData::kHeaderSize || p[0] != TunnelData::kType || p[1] != TunnelData::kNextIpInIp)
    return std::nullopt;
  const auto ip = p.subspan(TunnelData::kHeaderSize);
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return std::nullopt;
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  const size_t total = detail::load16(ip.data() + 2);
  if (ihl < 20 || total < ihl || total > ip.size()) return std::nullopt;
  // A fragment is not a keepalive: RFC 3519 4.8 has fragmentation done before encapsulation anyway.
  if ((detail::load16(ip.data() + 6) & 0x3fffu) != 0 || ip[9] != 1) return std::nullopt;
  const auto icmp = ip.subspan(ihl, total - ihl);
  if (icmp.size() < 8 || (icmp[0] != 8 && icmp[0] != 0) || icmp[1] != 0) return std::nullopt;
  Keepalive k;
  k.reply = icmp[0] == 0;
  k.inner_source = detail::load_ip(ip.data() + 12);
  k.inner_destination = detail::load_ip(ip.data() + 16);
  k.id = detail::load16(icmp.data() + 4);
  k.sequence = detail::load16(icmp.data() + 6);
  k.ip_checksum_ok = internet_checksum(ip.first(ihl)) == 0;
  k.icmp_checksum_ok = internet_checksum(icmp) == 0;
  return k;
}

}  // namespace mipvpn::wire
