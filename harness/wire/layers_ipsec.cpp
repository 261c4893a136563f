#include "harness/wire/layers_ipsec.h"

#include "harness/wire/esp.h"
#include "harness/wire/esp_crypto.h"
#include "harness/wire/esp_keys.h"
#include "harness/wire/format.h"
#include "harness/wire/udp_encap.h"

#include <string>
#include <vector>

namespace mipvpn::wire {
namespace {

std::string hex32(uint32_t v) { return detail::hex(v, 8); }

DecodeError shifted(DecodeError e, size_t offset) {
  e.offset += offset;
  return e;
}

void append(std::vector<Violation>& to, std::vector<Violation> more) {
  for (auto& v : more) to.push_back(std::move(v));
}

Next decode_esp(Bytes esp, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out,
                Layer& l) {
  auto header = Esp::decode(esp);
  if (!header) {
    l.summary = "ESP truncated";
    l.error = shifted(header.error(), offset);
    return {};
  }
  const Esp& e = *header;
  l.add("spi", hex32(e.spi()));
  l.add("seq", uint64_t{e.sequence()});
  l.add("payload_length", uint64_t{e.payload().size()});
  l.violations = validate(e);
  l.summary = "ESP spi=" + hex32(e.spi()) + " seq=" + std::to_string(e.sequence());
  if (ctx.truncated) {
    // The capture cut the packet (snap length): its length rules and its ICV say nothing about the sender, and it
    // cannot be decrypted. SPI and Sequence Number are still there for the reader and the SA classifier.
    std::erase_if(l.violations, [](const Violation& v) { return v.section == "2.5"; });
    l.summary += " len=" + std::to_string(e.payload().size()) + " (capture truncated, not decrypted)";
    return {};
  }

  const EspSa* sa = opt.esp_keys != nullptr ? opt.esp_keys->find(e.spi(), ctx.src, ctx.dst) : nullptr;
  if (sa == nullptr) {
    l.summary += " len=" + std::to_string(e.payload().size()) + " encrypted";
    return {};
  }
  const EspAlgorithmInfo& info = esp_algorithm_info(sa->alg);
  append(l.violations, validate(e, *sa));
  auto plain = esp_decrypt(*sa, esp);
  if (!plain) {
    l.add("alg", info.name);
    l.summary += std::string(" ") + info.name + (plain.error().field == "icv" ? " ICV-FAILED" : " undecryptable");
    l.error = shifted(plain.error(), offset);
    return {};
  }
  const EspTrailer& t = plain->trailer;
  l.add("decrypted", true);
  l.add("alg", info.name);
  l.add("pad_length", uint64_t{t.pad_length});
  l.add("next_header", uint64_t{t.next_header});
  l.add("icv", "ok");
  append(l.violations, validate(t, plain->payload));
  l.summary += std::string(" ") + info.name + " next=" + esp_next_header_name(t.next_header);

  if (t.next_header == static_cast<uint8_t>(EspNextHeader::NoNextHeader)) {
    // RFC 4303 2.6: a receiver discards dummy packets "without indicating an error".
    l.add("dummy", true);
    return {};
  }
  out.buffers.push_back(std::move(plain->payload));
  const Bytes inner = out.buffers.back();
  Next next;
  next.bytes = inner;
  next.offset = 0;
  next.in_plaintext = true;
  next.buffer = static_cast<int>(out.buffers.size() - 1);
  if (t.next_header == static_cast<uint8_t>(EspNextHeader::IPv4)) {
    next.kind = NextKind::IPv4;
  } else {
    next.kind = NextKind::IpPayload;
    next.protocol = t.next_header;
  }
  return next;
}

}  // namespace

Next decode_esp_layer(Bytes esp, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out) {
  Layer l;
  l.protocol = "esp";
  l.offset = offset;
  l.length = esp.size();
  l.decrypted = ctx.in_plaintext;
  Next next;
  try {
    next = decode_esp(esp, offset, ctx, opt, out, l);
  } catch (const std::exception& ex) {  // only allocation failures can get here; a decoder never throws
    l.error = DecodeError{offset, "spi", std::string("memory to decode ESP (") + ex.what() + ")"};
    next = Next{};
  }
  out.layers.push_back(std::move(l));
  return next;
}

Next decode_udp_encap_layer(Bytes p, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                            DecodedFrame& out) {
  auto kind = classify_udp_encap(p);
  if (!kind) {
    Layer l;
    l.protocol = "udpencap";
    l.summary = "UDP-encap undecodable (" + std::to_string(p.size()) + " octets)";
    l.offset = offset;
    l.length = p.size();
    l.decrypted = ctx.in_plaintext;
    l.error = shifted(kind.error(), offset);
    out.layers.push_back(std::move(l));
    return {};
  }
  std::vector<Violation> transport;
  if (ctx.src_port != 0) transport = validate_udp_encap_checksum(*kind, ctx.udp_checksum);
  append(transport, validate_udp_encap_ports(*kind, ctx.src_port, ctx.dst_port));

  switch (*kind) {
    case UdpEncapKind::NatKeepalive: {
      Layer l;
      l.protocol = "nat-keepalive";
      l.summary = "NAT-keepalive";
      l.offset = offset;
      l.length = p.size();
      l.decrypted = ctx.in_plaintext;
      l.add("value", uint64_t{p[0]});
      l.add("length", uint64_t{p.size()});
      l.violations = validate_nat_keepalive(p);
      append(l.violations, std::move(transport));
      out.layers.push_back(std::move(l));
      return {};
    }
    case UdpEncapKind::Ike: {
      Layer l;
      l.protocol = "udpencap";
      l.summary = "non-ESP-marker";
      l.offset = offset;
      l.length = kNonEspMarkerSize;
      l.decrypted = ctx.in_plaintext;
      l.add("marker", FieldValue(uint64_t{0}));  // a bare zero constant would pick the const char* overload
      out.layers.push_back(std::move(l));
      Next next;
      next.kind = NextKind::Ike;
      next.bytes = p.subspan(kNonEspMarkerSize);
      next.offset = offset + kNonEspMarkerSize;
      next.in_plaintext = ctx.in_plaintext;
      return next;
    }
    case UdpEncapKind::Esp:
      break;
  }
  Next next = decode_esp_layer(p, offset, ctx, opt, out);
  append(out.layers.back().violations, std::move(transport));
  return next;
}

}  // namespace mipvpn::wire
