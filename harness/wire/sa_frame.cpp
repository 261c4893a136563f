#include "harness/wire/sa_frame.h"

#include <charconv>

namespace mipvpn::wire {
namespace {

std::optional<std::string> text_field(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<std::string>(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

std::optional<uint64_t> number_field(const Layer& l, std::string_view name) {
  const FieldValue* v = l.find(name);
  if (v == nullptr || !std::holds_alternative<uint64_t>(*v)) return std::nullopt;
  return std::get<uint64_t>(*v);
}

// "0x0000abcd" -> 0xabcd
std::optional<uint64_t> hex_value(const std::string& s) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  uint64_t v = 0;
  const auto r = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::vector<FrameSaVerdict> classify_frame(const DecodedFrame& frame, SaTime time, SaClassifier& classifier) {
  std::vector<FrameSaVerdict> out;
  Tins::IPv4Address src, dst;
  uint16_t src_port = 0, dst_port = 0;
  for (size_t i = 0; i < frame.layers.size(); ++i) {
    const Layer& l = frame.layers[i];
    // A layer that did not decode has no trustworthy identifiers; ESP that only failed its ICV (wrong key, altered
    // payload) still shows its SPI and sequence number in clear, and belongs in the SA counts.
    if (l.error && !(l.protocol == "esp" && l.error->field == "icv")) break;
    if (l.protocol == "ip") {
      const auto s = text_field(l, "src"), d = text_field(l, "dst");
      if (!s || !d) break;
      src = Tins::IPv4Address(*s);
      dst = Tins::IPv4Address(*d);
      src_port = dst_port = 0;  // ESP straight over IP unless a UDP layer follows
    } else if (l.protocol == "udp") {
      src_port = static_cast<uint16_t>(number_field(l, "src_port").value_or(0));
      dst_port = static_cast<uint16_t>(number_field(l, "dst_port").value_or(0));
    } else if (l.protocol == "ike" || l.protocol == "ikev1") {
      if (auto o = IkeObservation::from(l, time, src, src_port, dst, dst_port))
        out.push_back({i, SaProtocol::Ike, classifier.observe_ike(*o)});
    } else if (l.protocol == "esp") {
      const auto spi = text_field(l, "spi");
      const auto seq = number_field(l, "seq");
      const auto spi_value = spi ? hex_value(*spi) : std::nullopt;
      if (!spi_value || !seq) continue;
      EspObservation o;
      o.time = time;
      o.src = src;
      o.dst = dst;
      o.src_port = src_port;
      o.dst_port = dst_port;
      o.spi = static_cast<uint32_t>(*spi_value);
      o.seq = static_cast<uint32_t>(*seq);
      out.push_back({i, SaProtocol::Esp, classifier.observe_esp(o)});
    }
  }
  return out;
}

}  // namespace mipvpn::wire
