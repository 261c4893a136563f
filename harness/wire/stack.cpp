// The dispatcher of the layered decoder and the link, network and transport layers it decodes itself (Ethernet,
// 802.1Q, Linux cooked capture, ARP, IPv4, UDP, ICMP, TCP). Mobile IP, tunnels, ESP and IKE layers come from their
// own files (layers_*.h); this file only decides which one comes next.
#include "harness/wire/stack.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/format.h"
#include "harness/wire/layers_encap.h"
#include "harness/wire/layers_ike.h"
#include "harness/wire/layers_ipsec.h"
#include "harness/wire/layers_mip.h"

#include <tins/ip_address.h>

#include <algorithm>
#include <functional>

namespace mipvpn::wire {
namespace {

using detail::load16;
using detail::load32;
using detail::need_text;

constexpr uint16_t kMobileIpPort = 434;  // RFC 5944 3.1
constexpr uint16_t kIkePort = 500;       // RFC 7296 2
constexpr uint16_t kNatTPort = 4500;     // RFC 3948 1.1

std::string ip_text(const uint8_t* p) { return detail::load_ip(p).to_string(); }

// `in_plaintext` is kept for symmetry with the protocol areas' layers; which buffer a layer points into, and whether
// it was decrypted, is stamped once by decode_next for every layer it produced (see stamp_layers).
Layer& start_layer(DecodedFrame& out, std::string protocol, size_t offset, size_t length, bool /*in_plaintext*/) {
  Layer l;
  l.protocol = std::move(protocol);
  l.offset = offset;
  l.length = length;
  out.layers.push_back(std::move(l));
  return out.layers.back();
}

// The index of the buffer that holds `p`, or -1 when `p` is in the frame. Newest first: the bytes to decode are
// normally in the buffer just added. An empty buffer (ESP with no Payload Data) has no bytes, only its data()
// pointer (often null), which the empty span handed on from it carries too.
int buffer_of(const DecodedFrame& out, const uint8_t* p) {
  const std::less_equal<const uint8_t*> le;
  for (size_t i = out.buffers.size(); i-- > 0;) {
    const auto& b = out.buffers[i];
    if (le(b.data(), p) && le(p, b.data() + b.size())) return static_cast<int>(i);
  }
  return -1;
}

// Layers from `first` on that no deeper call has claimed (buffer still -1) belong to `buffer`: inner buffers are
// stamped first, by the decode_next that entered them, so an outer stamp never overrides them.
void stamp_layers(DecodedFrame& out, size_t first, int buffer, bool decrypted) {
  if (buffer < 0) return;
  for (size_t i = first; i < out.layers.size(); ++i) {
    if (out.layers[i].buffer != -1) continue;
    out.layers[i].buffer = buffer;
    out.layers[i].decrypted = decrypted;
  }
}

// A layer that could not be decoded at all: it carries only the error and ends the walk.
void error_layer(DecodedFrame& out, std::string protocol, size_t offset, bool in_plaintext, DecodeError error,
                 std::string summary) {
  Layer& l = start_layer(out, std::move(protocol), offset, 0, in_plaintext);
  l.summary = std::move(summary);
  l.error = std::move(error);
}

void decode_ip(Bytes pkt, size_t offset, bool in_plaintext, const DecodeOptions& opt, int depth, DecodedFrame& out,
               bool decrypted = false);
void decode_ethernet(Bytes frame, size_t offset, bool in_plaintext, const DecodeOptions& opt, int depth,
                     DecodedFrame& out);

void decode_arp(Bytes arp, size_t offset, bool in_plaintext, DecodedFrame& out) {
  if (arp.size() < 8) {
    error_layer(out, "arp", offset, in_plaintext, {offset, "arp.header", need_text(8, arp.size(), "ARP header")},
                "ARP truncated");
    return;
  }
  const uint16_t htype = load16(arp.data()), ptype = load16(arp.data() + 2), op = load16(arp.data() + 6);
  Layer& l = start_layer(out, "arp", offset, arp.size(), in_plaintext);
  l.add("hardware_type", uint64_t{htype});
  l.add("protocol_type", detail::hex(ptype, 4));
  l.add("opcode", uint64_t{op});
  if (htype != 1 || ptype != 0x0800 || arp[4] != 6 || arp[5] != 4) {
    l.summary = "ARP (not Ethernet/IPv4)";
    return;
  }
  if (arp.size() < 28) {
    l.summary = "ARP truncated";
    l.error = DecodeError{offset + arp.size(), "arp.addresses", need_text(28, arp.size(), "Ethernet/IPv4 ARP")};
    return;
  }
  const std::string sha = detail::mac(arp.data() + 8), spa = ip_text(arp.data() + 14);
  const std::string tha = detail::mac(arp.data() + 18), tpa = ip_text(arp.data() + 24);
  l.length = 28;
  l.add("sender_mac", sha);
  l.add("sender_ip", spa);
  l.add("target_mac", tha);
  l.add("target_ip", tpa);
  const bool gratuitous = spa == tpa;
  l.add("gratuitous", gratuitous);
  const std::string g = gratuitous ? " (gratuitous)" : "";
  if (op == 1)
    l.summary = "ARP who-has " + tpa + " tell " + spa + " (" + sha + ")" + g;
  else if (op == 2)
    l.summary = "ARP reply " + spa + " is-at " + sha + " to " + tpa + g;
  else
    l.summary = "ARP op=" + std::to_string(op);
}

// Layers after an Ethernet type field (Ethernet II, 802.1Q, Linux cooked capture).
void decode_ethertype(uint16_t type, Bytes rest, size_t offset, bool in_plaintext, const DecodeOptions& opt, int depth,
                      DecodedFrame& out) {
  if (type == 0x0800) return decode_ip(rest, offset, in_plaintext, opt, depth, out);
  if (type == 0x0806) return decode_arp(rest, offset, in_plaintext, out);
  out.layers.back().summary += " ethertype=" + detail::hex(type, 4) + " len=" + std::to_string(rest.size());
}

void decode_ethernet(Bytes frame, size_t offset, bool in_plaintext, const DecodeOptions& opt, int depth,
                     DecodedFrame& out) {
  if (frame.size() < 14) {
    error_layer(out, "eth", offset, in_plaintext, {offset, "eth.header", need_text(14, frame.size(), "Ethernet header")},
                "Ethernet truncated (" + std::to_string(frame.size()) + " of 14 header bytes)");
    return;
  }
  Layer& eth = start_layer(out, "eth", offset, 14, in_plaintext);
  eth.add("dst", detail::mac(frame.data()));
  eth.add("src", detail::mac(frame.data() + 6));
  uint16_t type = load16(frame.data() + 12);
  eth.add("ethertype", detail::hex(type, 4));
  eth.summary = detail::mac(frame.data() + 6) + ">" + detail::mac(frame.data());
  size_t header = 14;
  if (type == 0x8100) {
    if (frame.size() < 18) {
      error_layer(out, "vlan", offset + 14, in_plaintext,
                  {offset + 14, "vlan.tci", need_text(4, frame.size() - 14, "802.1Q tag")}, "802.1Q truncated");
      return;
    }
    const uint16_t tci = load16(frame.data() + 14);
    type = load16(frame.data() + 16);
    Layer& vlan = start_layer(out, "vlan", offset + 14, 4, in_plaintext);
    vlan.add("priority", uint64_t{static_cast<unsigned>(tci >> 13)});
    vlan.add("dei", (tci & 0x1000u) != 0);
    vlan.add("id", uint64_t{tci & 0x0fffu});
    vlan.add("ethertype", detail::hex(type, 4));
    vlan.summary = "vlan=" + std::to_string(tci & 0x0fffu);
    header = 18;
  }
  decode_ethertype(type, frame.subspan(header), offset + header, in_plaintext, opt, depth, out);
}

// Linux cooked capture v1 (16-byte header) and v2 (20-byte header), as `tcpdump -i any` writes them.
void decode_sll(Bytes frame, bool v2, const DecodeOptions& opt, DecodedFrame& out) {
  const size_t header = v2 ? 20 : 16;
  const char* name = v2 ? "sll2" : "sll";
  if (frame.size() < header) {
    error_layer(out, name, 0, false, {0, std::string(name) + ".header", need_text(header, frame.size(), "cooked header")},
                std::string(v2 ? "SLL2" : "SLL") + " truncated");
    return;
  }
  const uint16_t type = v2 ? load16(frame.data()) : load16(frame.data() + 14);
  Layer& l = start_layer(out, name, 0, header, false);
  l.add("protocol", detail::hex(type, 4));
  l.summary = v2 ? "SLL2" : "SLL";
  decode_ethertype(type, frame.subspan(header), header, false, opt, 0, out);
}

void decode_icmp(Bytes msg, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out) {
  if (msg.size() >= 1 && (msg[0] == 9 || msg[0] == 10))  // Router Advertisement / Solicitation: agent discovery
    return decode_agent_discovery_layer(msg, offset, ctx, opt, out);
  if (msg.size() < 4) {
    error_layer(out, "icmp", offset, ctx.in_plaintext, {offset, "icmp.header", need_text(4, msg.size(), "ICMP header")},
                "ICMP truncated");
    return;
  }
  Layer& l = start_layer(out, "icmp", offset, msg.size(), ctx.in_plaintext);
  l.add("type", uint64_t{msg[0]});
  l.add("code", uint64_t{msg[1]});
  l.add("checksum", detail::hex(load16(msg.data() + 2), 4));
  l.summary = "ICMP type=" + std::to_string(msg[0]) + " code=" + std::to_string(msg[1]);
  if (opt.verify_checksums && internet_checksum(msg) != 0) {
    l.add("checksum_status", "bad");
    l.summary += " cksum=bad";
    l.violations.push_back({"RFC 792", "Echo or Echo Reply Message", "MUST",
                            "the ICMP checksum is \"the 16-bit one's complement of the one's complement sum of the "
                            "ICMP message\"; this one does not sum to zero"});
  }
  if ((msg[0] == 0 || msg[0] == 8) && msg.size() >= 8) {
    l.add("identifier", uint64_t{load16(msg.data() + 4)});
    l.add("sequence", uint64_t{load16(msg.data() + 6)});
    l.summary += std::string(msg[0] == 8 ? " echo-request" : " echo-reply") +
                 " id=" + std::to_string(load16(msg.data() + 4)) + " seq=" + std::to_string(load16(msg.data() + 6));
  }
}

void decode_tcp(Bytes seg, size_t offset, const IpContext& ctx, DecodedFrame& out) {
  if (seg.size() < 20) {
    error_layer(out, "tcp", offset, ctx.in_plaintext, {offset, "tcp.header", need_text(20, seg.size(), "TCP header")},
                "TCP truncated");
    return;
  }
  const size_t data_offset = size_t{static_cast<unsigned>(seg[12] >> 4)} * 4;
  // A Data Offset past the segment is an error below; the layer itself never claims bytes the segment lacks.
  Layer& l = start_layer(out, "tcp", offset, std::min(data_offset, seg.size()), ctx.in_plaintext);
  const uint16_t sport = load16(seg.data()), dport = load16(seg.data() + 2);
  l.add("src_port", uint64_t{sport});
  l.add("dst_port", uint64_t{dport});
  l.add("seq", uint64_t{load32(seg.data() + 4)});
  l.add("ack", uint64_t{load32(seg.data() + 8)});
  l.add("flags", detail::flag_letters(seg[13], "CEUAPRSF", 0x80, 8));
  l.summary = "TCP " + std::to_string(sport) + ">" + std::to_string(dport) + " " + detail::flag_letters(seg[13], "CEUAPRSF", 0x80, 8);
  if (data_offset < 20 || data_offset > seg.size())
    l.error = DecodeError{offset + 12, "tcp.data_offset",
                          "a header length of 20 to " + std::to_string(seg.size()) + " bytes (found " +
                              std::to_string(data_offset) + ")"};
  else
    l.add("payload_length", uint64_t{seg.size() - data_offset});
}

// Which UDP payloads this harness decodes, by port: Mobile IP (434, registrations and RFC 3519 tunnel data),
// RFC 3948 UDP encapsulation (4500) and IKE (500).
Next decode_udp(Bytes seg, size_t offset, IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out) {
  if (seg.size() < 8) {
    error_layer(out, "udp", offset, ctx.in_plaintext, {offset, "udp.header", need_text(8, seg.size(), "UDP header")},
                "UDP truncated (" + std::to_string(seg.size()) + " of 8 header bytes)");
    return {};
  }
  const uint16_t sport = load16(seg.data()), dport = load16(seg.data() + 2);
  const uint16_t ulen = load16(seg.data() + 4), sum = load16(seg.data() + 6);
  Layer& l = start_layer(out, "udp", offset, 8, ctx.in_plaintext);
  l.add("src_port", uint64_t{sport});
  l.add("dst_port", uint64_t{dport});
  l.add("length", uint64_t{ulen});
  l.add("checksum", detail::hex(sum, 4));
  l.summary = "UDP " + std::to_string(sport) + ">" + std::to_string(dport);
  if (ulen < 8 || ulen > seg.size()) {
    l.summary += " bad-length=" + std::to_string(ulen);
    l.error = DecodeError{offset + 4, "udp.length",
                          "a length of 8 to " + std::to_string(seg.size()) + " (the bytes the IP header leaves; found " +
                              std::to_string(ulen) + ")"};
    return {};
  }
  if (sum == 0) {
    l.add("checksum_status", "none");
    l.summary += " cksum=0";  // allowed: a zero UDP checksum "SHOULD be accepted" (RFC 5944 3.1)
  } else if (opt.verify_checksums) {
    const bool good = udp_checksum_ipv4(Tins::IPv4Address(ctx.src), Tins::IPv4Address(ctx.dst), seg.first(ulen)) == 0;
    l.add("checksum_status", good ? "good" : "bad");
    if (!good) {
      l.summary += " cksum=bad";
      l.violations.push_back({"RFC 768", "Fields", "MUST",
                              "the UDP checksum is \"the 16-bit one's complement of the one's complement sum of a "
                              "pseudo header ... the UDP header, and the data\"; this one does not sum to zero"});
    }
  }
  const Bytes payload = seg.subspan(8, ulen - 8u);
  const size_t payload_offset = offset + 8;
  ctx.src_port = sport;
  ctx.dst_port = dport;
  ctx.udp_checksum = sum;
  if (sport == kMobileIpPort || dport == kMobileIpPort)
    return decode_mobile_ip_layer(payload, payload_offset, ctx, opt, out);
  if (sport == kNatTPort || dport == kNatTPort) return decode_udp_encap_layer(payload, payload_offset, ctx, opt, out);
  if (sport == kIkePort || dport == kIkePort)
    return Next{.kind = NextKind::Ike, .bytes = payload, .offset = payload_offset, .in_plaintext = ctx.in_plaintext};
  l.summary += " len=" + std::to_string(payload.size());
  return {};
}

// The payload of IP protocol `protocol`, as if it followed the IP header described by `ctx`.
void decode_ip_payload(uint8_t protocol, Bytes body, size_t offset, IpContext ctx, const DecodeOptions& opt, int depth,
                       DecodedFrame& out) {
  Next next;
  switch (protocol) {
    case 1:
      return decode_icmp(body, offset, ctx, opt, out);
    case 4: {  // IP-in-IP (RFC 2003): the RFC's rules compare the inner header with the outer one
      out.layers.back().summary += " IPIP";
      const size_t inner = out.layers.size();
      decode_ip(body, offset, ctx.in_plaintext, opt, depth + 1, out, ctx.decrypted);
      if (inner < out.layers.size() && out.layers[inner].protocol == "ip" && !out.layers[inner].error) {
        auto v = ip_in_ip_violations(ctx, body);
        out.layers[inner].violations.insert(out.layers[inner].violations.end(), v.begin(), v.end());
      }
      return;
    }
    case 6:
      return decode_tcp(body, offset, ctx, out);
    case 17:
      next = decode_udp(body, offset, ctx, opt, out);
      break;
    case 47:
      next = decode_gre_layer(body, offset, ctx, opt, out);
      break;
    case 50:
      next = decode_esp_layer(body, offset, ctx, opt, out);
      break;
    case 55:
      next = decode_minimal_encap_layer(body, offset, ctx, opt, out);
      break;
    default:
      out.layers.back().summary += " proto=" + std::to_string(protocol) + " len=" + std::to_string(body.size());
      return;
  }
  decode_next(next, ctx, opt, depth + 1, out);
}

void decode_ip(Bytes pkt, size_t offset, bool in_plaintext, const DecodeOptions& opt, int depth, DecodedFrame& out,
               bool decrypted) {
  if (depth > opt.max_depth) {
    error_layer(out, "depth", offset, in_plaintext,
                {offset, "depth",
                 "at most " + std::to_string(opt.max_depth) + " nested layers (this frame nests deeper; not followed)"},
                "(encapsulation too deep)");
    return;
  }
  if (pkt.size() < 20) {
    if (!pkt.empty() && (pkt[0] >> 4) == 6) {  // IPv6 is not decoded here, but named
      Layer& l = start_layer(out, "ipv6", offset, pkt.size(), in_plaintext);
      l.summary = "IPv6 len=" + std::to_string(pkt.size());
      return;
    }
    error_layer(out, "ip", offset, in_plaintext, {offset, "ip.header", need_text(20, pkt.size(), "IPv4 header")},
                "IP truncated (" + std::to_string(pkt.size()) + " of 20 header bytes)");
    return;
  }
  const unsigned version = pkt[0] >> 4;
  if (version != 4) {
    Layer& l = start_layer(out, version == 6 ? "ipv6" : "ip", offset, pkt.size(), in_plaintext);
    l.summary = "IPv" + std::to_string(version) + " len=" + std::to_string(pkt.size());
    if (version != 6) l.error = DecodeError{offset, "ip.version", "4 (found " + std::to_string(version) + ")"};
    return;
  }
  const size_t ihl = size_t{pkt[0] & 0x0fu} * 4;
  const size_t total_length = load16(pkt.data() + 2);
  const uint16_t frag = load16(pkt.data() + 6);
  IpContext ctx;
  ctx.src = static_cast<uint32_t>(detail::load_ip(pkt.data() + 12));
  ctx.dst = static_cast<uint32_t>(detail::load_ip(pkt.data() + 16));
  ctx.ttl = pkt[8];
  ctx.protocol = pkt[9];
  ctx.offset = offset;
  ctx.in_plaintext = in_plaintext;
  ctx.decrypted = decrypted;

  // An IHL past the packet is an error below; the layer itself never claims bytes the packet lacks.
  Layer& l = start_layer(out, "ip", offset, std::min(ihl, pkt.size()), in_plaintext);
  l.add("version", uint64_t{version});
  l.add("header_length", uint64_t{ihl});
  l.add("dscp", uint64_t{static_cast<unsigned>(pkt[1] >> 2)});
  l.add("ecn", uint64_t{pkt[1] & 3u});
  l.add("total_length", uint64_t{total_length});
  l.add("id", detail::hex(load16(pkt.data() + 4), 4));
  l.add("df", (frag & 0x4000u) != 0);
  l.add("mf", (frag & 0x2000u) != 0);
  l.add("fragment_offset", uint64_t{(frag & 0x1fffu) * 8u});
  l.add("ttl", uint64_t{ctx.ttl});
  l.add("protocol", uint64_t{ctx.protocol});
  l.add("checksum", detail::hex(load16(pkt.data() + 10), 4));
  l.add("src", Tins::IPv4Address(ctx.src).to_string());
  l.add("dst", Tins::IPv4Address(ctx.dst).to_string());
  l.summary = "IP " + Tins::IPv4Address(ctx.src).to_string() + ">" + Tins::IPv4Address(ctx.dst).to_string() +
              " ttl=" + std::to_string(ctx.ttl);
  if (ihl < 20 || ihl > pkt.size()) {
    l.summary += " bad-ihl=" + std::to_string(ihl);
    l.error = DecodeError{offset, "ip.ihl",
                          "a header length of 20 to " + std::to_string(std::min<size_t>(pkt.size(), 60)) +
                              " bytes (found " + std::to_string(ihl) + ")"};
    return;
  }
  ctx.header = pkt.first(ihl);
  if (opt.verify_checksums) {
    const bool good = internet_checksum(pkt.first(ihl)) == 0;
    l.add("checksum_status", good ? "good" : "bad");
    if (!good) {
      l.summary += " ip-cksum=bad";
      l.violations.push_back({"RFC 1122", "3.2.1.2", "MUST",
                              "\"A host MUST verify the IP header checksum on every received datagram and silently "
                              "discard every datagram that has a bad checksum\": this header's checksum is wrong, "
                              "so every receiver drops the packet"});
    }
  }
  if (total_length < ihl) {
    l.error = DecodeError{offset + 2, "ip.total_length",
                          "at least the header length " + std::to_string(ihl) + " (found " +
                              std::to_string(total_length) + ")"};
    return;
  }
  size_t end = total_length;
  if (total_length > pkt.size()) {  // a short capture (snap length) or a lying header: decode what is there
    l.add("captured_length", uint64_t{pkt.size()});
    l.summary += " truncated=" + std::to_string(pkt.size()) + "/" + std::to_string(total_length);
    end = pkt.size();
    ctx.truncated = true;
  }
  const Bytes body = pkt.subspan(ihl, end - ihl);
  const size_t frag_offset = size_t{frag & 0x1fffu} * 8;
  if (frag_offset != 0 || (frag & 0x2000u) != 0) {  // fragments are not reassembled across frames
    l.summary += frag_offset != 0 ? " fragment offset=" + std::to_string(frag_offset) : std::string(" MF");
    l.summary += " proto=" + std::to_string(ctx.protocol) + " len=" + std::to_string(body.size());
    return;
  }
  if (total_length > pkt.size() && ctx.protocol != 50) {
    // Inner decoders would report the cut as the sender's fault; say once that the capture ended instead.
    l.summary += " (payload not decoded)";
    return;
  }
  decode_ip_payload(ctx.protocol, body, offset + ihl, ctx, opt, depth, out);
}

}  // namespace

void decode_next(const Next& next, const IpContext& ctx, const DecodeOptions& opt, int depth, DecodedFrame& out) {
  if (next.kind == NextKind::None) return;
  if (depth > opt.max_depth) {
    error_layer(out, "depth", next.offset, next.in_plaintext,
                {next.offset, "depth",
                 "at most " + std::to_string(opt.max_depth) + " nested layers (this frame nests deeper; not followed)"},
                "(encapsulation too deep)");
    return;
  }
  // Bytes in a buffer are either ESP plaintext (the layer before is ESP) or inside one, or a rebuilt packet. The
  // decoder that added the buffer names it: an empty one (ESP without Payload Data) has no address to look for.
  const int buffer = !next.in_plaintext ? -1 : next.buffer >= 0 ? next.buffer : buffer_of(out, next.bytes.data());
  const bool decrypted = next.in_plaintext && (ctx.decrypted || (!out.layers.empty() && out.layers.back().protocol == "esp"));
  const size_t first = out.layers.size();
  switch (next.kind) {
    case NextKind::IPv4:
      decode_ip(next.bytes, next.offset, next.in_plaintext, opt, depth, out, decrypted);
      break;
    case NextKind::Ethernet:
      decode_ethernet(next.bytes, next.offset, next.in_plaintext, opt, depth, out);
      break;
    case NextKind::IpPayload: {
      IpContext inner = ctx;
      inner.in_plaintext = next.in_plaintext;
      inner.decrypted = decrypted;
      inner.src_port = inner.dst_port = inner.udp_checksum = 0;
      decode_ip_payload(next.protocol, next.bytes, next.offset, inner, opt, depth, out);
      break;
    }
    case NextKind::Ike:
      decode_ike_layer(next.bytes, next.offset, ctx, opt, out);
      break;
    case NextKind::None:
      break;
  }
  stamp_layers(out, first, buffer, decrypted);
}

DecodedFrame decode_frame(Bytes frame, LinkType link, const DecodeOptions& options) {
  DecodedFrame out;
  try {
    switch (link) {
      case LinkType::Ethernet:
        decode_ethernet(frame, 0, false, options, 0, out);
        break;
      case LinkType::RawIP:
        decode_ip(frame, 0, false, options, 0, out);
        break;
      case LinkType::LinuxSll:
        decode_sll(frame, false, options, out);
        break;
      case LinkType::LinuxSll2:
        decode_sll(frame, true, options, out);
        break;
    }
  } catch (const std::exception& e) {  // only allocation can fail here; a frame must never take the caller down
    error_layer(out, "frame", 0, false, {0, "frame", std::string("memory to decode it: ") + e.what()},
                "decode failed");
  }
  return out;
}

std::string DecodedFrame::summary() const {
  std::string s;
  bool seen_ip = false;
  for (const Layer& l : layers) {
    std::string part = l.summary;
    if (l.error) {  // layers that already quote their error in the summary are not repeated
      const std::string err = l.error->to_string();
      if (part.empty())
        part = l.protocol + " error: " + err;
      else if (part.find(err) == std::string::npos)
        part += " (" + err + ")";
    }
    if (part.empty()) continue;
    // A new IP packet inside another one starts a new segment of the line, as in "IPIP | IP ...".
    const bool is_ip = l.protocol == "ip" || l.protocol == "ipv6";
    if (!s.empty()) s += is_ip && seen_ip ? " | " : " ";
    seen_ip = seen_ip || is_ip;
    s += part;
  }
  return s;
}

std::vector<Violation> DecodedFrame::violations() const {
  std::vector<Violation> all;
  for (const auto& l : layers) all.insert(all.end(), l.violations.begin(), l.violations.end());
  return all;
}

const DecodeError* DecodedFrame::error() const {
  for (const auto& l : layers)
    if (l.error) return &*l.error;
  return nullptr;
}

const Layer* DecodedFrame::find(std::string_view protocol) const {
  for (const auto& l : layers)
    if (l.protocol == protocol) return &l;
  return nullptr;
}

}  // namespace mipvpn::wire
