#include "harness/wire/describe.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/codes.h"
#include "harness/wire/format.h"
#include "harness/wire/mip_extensions.h"

#include <cstdio>
#include <span>

namespace mipvpn::wire {
namespace {

constexpr int kMaxDepth = 4;  // tunnels inside tunnels: stop somewhere on hostile input


std::string mac_at(const uint8_t* p) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
  return buf;
}

using detail::flag_letters;
using detail::hex;

std::string describe_ip(Bytes pkt, int depth);

std::string describe_mip(Bytes payload, int depth) {
  if (payload.empty()) return "MIP empty";
  switch (payload[0]) {
    case RegistrationRequest::kType: {
      auto r = RegistrationRequest::decode(payload);
      return r ? describe(*r) : "RRQ decode error: " + r.error().to_string();
    }
    case RegistrationReply::kType: {
      auto r = RegistrationReply::decode(payload);
      return r ? describe(*r) : "RRP decode error: " + r.error().to_string();
    }
    case 4: {  // RFC 3519 3.3 Tunnel Data: Type=4, Next Header, Reserved(2), then the tunnelled packet
      if (payload.size() < 4) return "MIP-Tunnel-Data truncated";
      std::string s = "MIP-Tunnel-Data next=" + std::to_string(payload[1]);
      if (payload[1] == 4) return s + " | " + describe_ip(payload.subspan(4), depth + 1);
      return s + " len=" + std::to_string(payload.size() - 4);
    }
    default:
      return "MIP type=" + std::to_string(payload[0]) + " len=" + std::to_string(payload.size());
  }
}

std::string describe_udp(Bytes seg, Tins::IPv4Address src, Tins::IPv4Address dst, bool whole, int depth) {
  if (seg.size() < 8) return "UDP truncated (" + std::to_string(seg.size()) + " of 8 header bytes)";
  const uint16_t sport = detail::load16(seg.data());
  const uint16_t dport = detail::load16(seg.data() + 2);
  const uint16_t ulen = detail::load16(seg.data() + 4);
  const uint16_t sum = detail::load16(seg.data() + 6);
  std::string s = "UDP " + std::to_string(sport) + ">" + std::to_string(dport);
  size_t payload_len = seg.size() - 8;
  if (ulen < 8 || ulen > seg.size()) {
    s += " bad-length=" + std::to_string(ulen);
  } else {
    payload_len = ulen - 8u;
    if (!whole) {
      s += " (first fragment)";
    } else if (sum == 0) {
      s += " cksum=0";  // allowed: a zero UDP checksum "SHOULD be accepted" (RFC 5944 3.1)
    } else if (udp_checksum_ipv4(src, dst, seg.first(ulen)) != 0) {
      s += " cksum=bad";
    }
  }
  const Bytes payload = seg.subspan(8, payload_len);
  if (sport == 434 || dport == 434) return s + " " + describe_mip(payload, depth);
  if (sport == 500 || dport == 500) return s + " IKE len=" + std::to_string(payload.size());
  if (sport == 4500 || dport == 4500) {
    if (payload.size() == 1 && payload[0] == 0xff) return s + " NAT-keepalive";
    if (payload.size() >= 4 && detail::load32(payload.data()) == 0)
      return s + " IKE len=" + std::to_string(payload.size() - 4);
    if (payload.size() >= 8)
      return s + " ESP spi=" + hex(detail::load32(payload.data()), 8) +
             " seq=" + std::to_string(detail::load32(payload.data() + 4));
  }
  return s + " len=" + std::to_string(payload.size());
}

std::string describe_icmp(Bytes msg, bool whole) {
  if (msg.size() < 4) return "ICMP truncated";
  if (!whole) return "ICMP type=" + std::to_string(msg[0]) + " (first fragment)";
  if (msg[0] == AgentAdvertisement::kIcmpType) {
    auto adv = AgentAdvertisement::decode(msg, true);
    if (adv) return describe(*adv);
    if (adv.error().field == "checksum") {
      auto unchecked = AgentAdvertisement::decode(msg, false);
      if (unchecked) return describe(*unchecked) + " cksum=bad (" + adv.error().to_string() + ")";
    }
    return "ICMP Router Advertisement, not an Agent Advertisement: " + adv.error().to_string();
  }
  if (msg[0] == AgentSolicitation::kIcmpType) {
    auto sol = AgentSolicitation::decode(msg, true);
    if (sol) return describe(*sol);
    if (sol.error().field == "checksum") {
      auto unchecked = AgentSolicitation::decode(msg, false);
      if (unchecked) return describe(*unchecked) + " cksum=bad (" + sol.error().to_string() + ")";
    }
    return "AgentSol decode error: " + sol.error().to_string();
  }
  std::string s = "ICMP type=" + std::to_string(msg[0]) + " code=" + std::to_string(msg[1]);
  if (internet_checksum(msg) != 0) s += " cksum=bad";
  if ((msg[0] == 0 || msg[0] == 8) && msg.size() >= 8)
    s += std::string(msg[0] == 8 ? " echo-request" : " echo-reply") +
         " id=" + std::to_string(detail::load16(msg.data() + 4)) +
         " seq=" + std::to_string(detail::load16(msg.data() + 6));
  return s;
}

std::string describe_ip(Bytes pkt, int depth) {
  if (depth > kMaxDepth) return "(encapsulation too deep)";
  if (pkt.size() < 20) return "IP truncated (" + std::to_string(pkt.size()) + " of 20 header bytes)";
  const unsigned version = pkt[0] >> 4;
  if (version != 4) return "IPv" + std::to_string(version) + " len=" + std::to_string(pkt.size());
  const size_t ihl = size_t{pkt[0] & 0x0fu} * 4;
  const size_t tot_len = detail::load16(pkt.data() + 2);
  const uint16_t frag = detail::load16(pkt.data() + 6);
  const uint8_t ttl = pkt[8];
  const uint8_t proto = pkt[9];
  const Tins::IPv4Address src = detail::load_ip(pkt.data() + 12);
  const Tins::IPv4Address dst = detail::load_ip(pkt.data() + 16);
  std::string s = "IP " + src.to_string() + ">" + dst.to_string() + " ttl=" + std::to_string(ttl);
  if (ihl < 20 || ihl > pkt.size()) return s + " bad-ihl=" + std::to_string(ihl);
  if (internet_checksum(pkt.first(ihl)) != 0) s += " ip-cksum=bad";
  size_t end = pkt.size();
  if (tot_len < ihl || tot_len > pkt.size()) {
    s += " bad-total-length=" + std::to_string(tot_len);
  } else {
    end = tot_len;  // the rest is link-layer padding
  }
  const Bytes body = pkt.subspan(ihl, end - ihl);
  const size_t frag_offset = size_t{frag & 0x1fffu} * 8;
  const bool more_fragments = (frag & 0x2000u) != 0;
  if (frag_offset != 0)
    return s + " fragment offset=" + std::to_string(frag_offset) + " proto=" + std::to_string(proto);
  const bool whole = !more_fragments;
  if (more_fragments) s += " MF";
  switch (proto) {
    case 1:
      return s + " " + describe_icmp(body, whole);
    case 17:
      return s + " " + describe_udp(body, src, dst, whole, depth);
    case 4:
      return s + " IPIP | " + describe_ip(body, depth + 1);
    case 55: {  // RFC 2004 minimal encapsulation: Protocol, S, reserved, checksum, dst, [src]; then the inner payload
      if (body.size() < 8) return s + " MINENC truncated";
      const bool has_src = (body[1] & 0x80u) != 0;
      const size_t hdr = has_src ? 12 : 8;
      if (body.size() < hdr) return s + " MINENC truncated";
      std::string m =
          s + " MINENC proto=" + std::to_string(body[0]) + " inner-dst=" + detail::load_ip(body.data() + 4).to_string();
      if (has_src) m += " inner-src=" + detail::load_ip(body.data() + 8).to_string();
      return m + " len=" + std::to_string(body.size() - hdr);
    }
    case 47: {  // RFC 2784 GRE: flags/version(2), protocol type(2), [checksum(2) reserved(2)]
      if (body.size() < 4) return s + " GRE truncated";
      const size_t hdr = (body[0] & 0x80u) ? 8 : 4;
      const uint16_t ptype = detail::load16(body.data() + 2);
      std::string g = s + " GRE proto=" + hex(ptype, 4);
      if (body.size() < hdr) return g + " truncated";
      if (ptype == 0x0800) return g + " | " + describe_ip(body.subspan(hdr), depth + 1);
      return g + " len=" + std::to_string(body.size() - hdr);
    }
    case 50:
      if (body.size() < 8) return s + " ESP truncated";
      return s + " ESP spi=" + hex(detail::load32(body.data()), 8) +
             " seq=" + std::to_string(detail::load32(body.data() + 4)) + " len=" + std::to_string(body.size());
    default:
      return s + " proto=" + std::to_string(proto) + " len=" + std::to_string(body.size());
  }
}

std::string describe_arp(Bytes arp) {
  if (arp.size() < 28) return "ARP truncated";
  if (detail::load16(arp.data()) != 1 || detail::load16(arp.data() + 2) != 0x0800 || arp[4] != 6 || arp[5] != 4)
    return "ARP (not Ethernet/IPv4)";
  const uint16_t op = detail::load16(arp.data() + 6);
  const std::string sha = mac_at(arp.data() + 8), spa = detail::load_ip(arp.data() + 14).to_string();
  const std::string tpa = detail::load_ip(arp.data() + 24).to_string();
  const std::string gratuitous = spa == tpa ? " (gratuitous)" : "";
  if (op == 1) return "ARP who-has " + tpa + " tell " + spa + " (" + sha + ")" + gratuitous;
  if (op == 2) return "ARP reply " + spa + " is-at " + sha + " to " + tpa + gratuitous;
  return "ARP op=" + std::to_string(op);
}

std::string describe_ethernet(Bytes frame) {
  if (frame.size() < 14) return "Ethernet truncated (" + std::to_string(frame.size()) + " of 14 header bytes)";
  std::string s = mac_at(frame.data() + 6) + ">" + mac_at(frame.data());
  uint16_t type = detail::load16(frame.data() + 12);
  size_t off = 14;
  if (type == 0x8100) {
    if (frame.size() < 18) return s + " 802.1Q truncated";
    s += " vlan=" + std::to_string(detail::load16(frame.data() + 14) & 0x0fffu);
    type = detail::load16(frame.data() + 16);
    off = 18;
  }
  if (type == 0x0800) return s + " " + describe_ip(frame.subspan(off), 0);
  if (type == 0x0806) return s + " " + describe_arp(frame.subspan(off));
  return s + " ethertype=" + hex(type, 4) + " len=" + std::to_string(frame.size() - off);
}

}  // namespace

std::string describe_frame(const uint8_t* data, size_t len, LinkType link) {
  try {
    if (data == nullptr) return len == 0 ? "empty frame" : "null frame";
    const Bytes frame(data, len);
    return link == LinkType::Ethernet ? describe_ethernet(frame) : describe_ip(frame, 0);
  } catch (const std::exception& e) {  // only allocation can fail; a log line must never take the caller down
    return std::string("describe failed: ") + e.what();
  }
}

std::string describe_extensions(const std::vector<Extension>& exts) {
  std::string s = "[";
  for (size_t i = 0; i < exts.size(); ++i) {
    if (i) s += ", ";
    s += describe_extension(exts[i]);
  }
  return s + "]";
}

std::string describe(const RegistrationRequest& rrq) {
  return "RRQ lifetime=" + std::to_string(rrq.lifetime()) + " HoA=" + rrq.home_address().to_string() +
         " HA=" + rrq.home_agent().to_string() + " CoA=" + rrq.care_of_address().to_string() +
         " id=" + hex(rrq.identification(), 16) + " flags=" + flag_letters(rrq.flags(), "SBDMGrTx", 0x80, 8) +
         " exts=" + describe_extensions(rrq.extensions());
}

std::string describe(const RegistrationReply& rrp) {
  return "RRP code=" + std::to_string(rrp.code()) + " (" + std::string(reply_code_name(rrp.code())) +
         ") lifetime=" + std::to_string(rrp.lifetime()) + " HoA=" + rrp.home_address().to_string() +
         " HA=" + rrp.home_agent().to_string() + " id=" + hex(rrp.identification(), 16) +
         " exts=" + describe_extensions(rrp.extensions());
}

std::string describe(const AgentAdvertisement& adv) {
  std::string s =
      "AgentAdv code=" + std::to_string(adv.code()) + " lifetime=" + std::to_string(adv.lifetime()) + " routers=[";
  for (size_t i = 0; i < adv.router_addresses().size(); ++i) {
    if (i) s += ", ";
    s +=
        adv.router_addresses()[i].address.to_string() + " pref=" + std::to_string(adv.router_addresses()[i].preference);
  }
  s += "] seq=" + std::to_string(adv.sequence_number()) +
       " reglifetime=" + std::to_string(adv.registration_lifetime()) +
       " flags=" + flag_letters(adv.agent_flags(), "RBHFMGrTUXI", 0x8000, 11) + " coa=[";
  for (size_t i = 0; i < adv.care_of_addresses().size(); ++i) {
    if (i) s += ", ";
    s += adv.care_of_addresses()[i].to_string();
  }
  s += "]";
  if (adv.addr_entry_size() != 2) s += " entry-size=" + std::to_string(adv.addr_entry_size());
  if (!adv.mobility_trailing_bytes().empty()) s += " ext16-len=" + std::to_string(adv.mobility_extension_length());
  if (!adv.extensions().empty()) {
    s += " exts=[";
    for (size_t i = 0; i < adv.extensions().size(); ++i) {
      const auto& e = adv.extensions()[i];
      if (i) s += ", ";
      s += advertisement_extension_name(e.type);
      if (e.type == PrefixLengths) {
        s += " ";
        for (size_t k = 0; k < e.body.size(); ++k) s += (k ? "," : "") + std::to_string(e.body[k]);
      } else if (e.type != Pad) {
        s += " len=" + std::to_string(e.body.size());
      }
    }
    s += "]";
  }
  return s;
}

std::string describe(const AgentSolicitation& sol) {
  std::string s = "AgentSol";
  if (sol.code() != 0) s += " code=" + std::to_string(sol.code());
  if (sol.reserved() != 0) s += " reserved=" + hex(sol.reserved(), 8);
  if (!sol.trailing_bytes().empty()) s += " extra=" + std::to_string(sol.trailing_bytes().size());
  return s;
}

}  // namespace mipvpn::wire
