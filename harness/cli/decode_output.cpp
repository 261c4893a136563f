#include "harness/cli/decode_output.h"

#include "harness/engine/timefmt.h"
#include "harness/net/capture_file.h"
#include "harness/report/frame_json.h"
#include "harness/wire/esp_keys.h"
#include "harness/wire/sa_frame.h"
#include "harness/wire/stack.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>

namespace mipvpn::cli {
namespace {

// pcap link types (https://www.tcpdump.org/linktypes.html) this decoder reads.
std::optional<wire::LinkType> link_of(uint16_t link_type) {
  switch (link_type) {
    case 1:  // LINKTYPE_ETHERNET
      return wire::LinkType::Ethernet;
    case 101:  // LINKTYPE_RAW
    case 228:  // LINKTYPE_IPV4
      return wire::LinkType::RawIP;
    case 113:  // LINKTYPE_LINUX_SLL
      return wire::LinkType::LinuxSll;
    case 276:  // LINKTYPE_LINUX_SLL2
      return wire::LinkType::LinuxSll2;
    default:
      return std::nullopt;
  }
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

struct Counts {
  size_t packets = 0, with_violations = 0, violations = 0, must = 0, errors = 0;
};

// "AddressUpdate" -> "address-update": the spelling of report fields and of the line output.
std::string kind_text(wire::SaEventKind kind) {
  std::string out;
  for (const char* p = wire::to_string(kind); *p; ++p) {
    if (std::isupper(static_cast<unsigned char>(*p)) && !out.empty()) out += '-';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  }
  return out;
}

nlohmann::ordered_json sa_json(const wire::DecodedFrame& frame, const wire::FrameSaVerdict& v) {
  nlohmann::ordered_json anomalies = nlohmann::ordered_json::array();
  for (const auto& a : v.verdict.anomalies) anomalies.push_back({{"error", a.error}, {"text", a.text}});
  return {{"layer", v.layer},
          {"protocol", frame.layers[v.layer].protocol},
          {"kind", kind_text(v.verdict.kind)},
          {"reason", v.verdict.reason},
          {"new_exchange", v.verdict.new_exchange},
          {"new_spi", v.verdict.new_spi},
          {"anomalies", std::move(anomalies)}};
}

// Only what a reader needs to notice: IKE always, ESP when it is not just the next packet of a known SA.
bool worth_a_line(const wire::FrameSaVerdict& v) {
  return v.protocol == wire::SaProtocol::Ike || v.verdict.kind != wire::SaEventKind::Continuing ||
         !v.verdict.anomalies.empty();
}

void print_sa_totals(const wire::SaClassifier& classifier, const std::string& path, std::ostream& err) {
  const auto c = classifier.counts();
  if (c.ike_messages == 0 && c.esp_packets == 0) return;
  err << path << ": IKE " << c.ike_messages << " message(s), " << c.ike_exchanges << " exchange(s) (IKE_SA_INIT "
      << c.ike_sa_init << ", IKE_AUTH " << c.ike_auth << ", CREATE_CHILD_SA " << c.create_child_sa
      << ", INFORMATIONAL " << c.informational << ", IKEv1 phase 1 " << c.ikev1_phase1 << ", quick mode "
      << c.ikev1_quick_mode << "); ESP " << c.esp_packets << " packet(s), " << c.new_esp_spis << " SPI(s); "
      << c.count(wire::SaEventKind::Rekey) << " rekey, " << c.count(wire::SaEventKind::AddressUpdate)
      << " address update(s), " << c.anomaly_errors << " sequence anomal" << (c.anomaly_errors == 1 ? "y" : "ies")
      << "\n";
}

}  // namespace

int decode_capture(const std::string& path, const DecodeSettings& settings, std::ostream& out, std::ostream& err) {
  const net::PcapngReadResult read = net::read_capture_file(path);
  const net::PcapngFile& file = read.file ? *read.file : read.partial;

  wire::DecodeOptions options;
  options.verify_checksums = settings.verify_checksums;
  wire::EspKeyring keyring;
  if (settings.esp_keys_path) {
    const wire::EspKeyringLoad keys = wire::EspKeyring::load(*settings.esp_keys_path);
    for (const auto& e : keys.errors) err << e.to_string() << "\n";
    if (!keys.ok()) return 2;
    keyring = keys.keyring();
    options.esp_keys = &keyring;
  }
  wire::SaClassifier classifier;

  Counts counts;
  const uint64_t t0 = file.packets.empty() ? 0 : file.packets.front().timestamp_ns;
  for (size_t i = 0; i < file.packets.size(); ++i) {
    const net::PcapngPacket& packet = file.packets[i];
    const net::PcapngInterface& iface = file.interfaces.at(packet.interface_id);
    wire::DecodedFrame frame;
    if (const auto link = link_of(iface.link_type)) {
      frame = wire::decode_frame(packet.data, *link, options);
    } else {
      wire::Layer l;
      l.protocol = "frame";
      l.summary = "link type " + std::to_string(iface.link_type) + " not decoded";
      l.error = wire::DecodeError{0, "link_type", "Ethernet (1), raw IPv4 (101, 228) or Linux cooked (113, 276)"};
      frame.layers.push_back(std::move(l));
    }
    const auto time = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(packet.timestamp_ns)));
    const auto sa = wire::classify_frame(frame, time, classifier);
    const auto violations = frame.violations();
    ++counts.packets;
    counts.violations += violations.size();
    counts.with_violations += violations.empty() ? 0 : 1;
    for (const auto& v : violations) counts.must += v.level == "MUST" ? 1 : 0;
    counts.errors += frame.error() ? 1 : 0;
    if (settings.violations_only && violations.empty() && !frame.error()) continue;

    const double relative = static_cast<double>(packet.timestamp_ns - std::min(t0, packet.timestamp_ns)) / 1e9;
    if (settings.json) {
      nlohmann::ordered_json j = {
          {"frame", i + 1},
          {"time", engine::iso8601(time)},
          {"time_relative", relative},
          {"interface", iface.name},
          {"captured_length", packet.data.size()},
          {"original_length", packet.original_length}};
      const nlohmann::ordered_json decoded = report::frame_json(frame);
      for (auto it = decoded.begin(); it != decoded.end(); ++it) j[it.key()] = it.value();
      nlohmann::ordered_json sa_list = nlohmann::ordered_json::array();
      for (const auto& v : sa) sa_list.push_back(sa_json(frame, v));
      j["sa"] = std::move(sa_list);
      // Strings from the capture (the pcapng if_name, for one) need not be UTF-8; dump() would throw on them and end
      // the run, so invalid bytes become U+FFFD instead.
      out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    } else {
      out << "#" << i + 1 << " " << seconds_text(relative) << " " << frame.summary() << "\n";
      for (const auto& v : violations)
        out << "    ! " << v.rfc << " " << v.section << " " << v.level << ": " << v.text << "\n";
      for (const auto& v : sa) {
        if (!worth_a_line(v)) continue;
        out << "    ~ " << frame.layers[v.layer].protocol << " " << kind_text(v.verdict.kind) << ": "
            << v.verdict.reason << "\n";
        for (const auto& a : v.verdict.anomalies) out << "      " << (a.error ? "error: " : "note: ") << a.text << "\n";
      }
    }
  }
  print_sa_totals(classifier, path, err);
  err << path << ": " << counts.packets << " packet(s), " << counts.violations << " violation(s) (" << counts.must
      << " MUST) in " << counts.with_violations << " packet(s), " << counts.errors << " with a decode error\n";
  if (read.error) {
    err << path << ": " << (file.packets.empty() && read.error->offset == 0 ? "not readable" : "damaged")
        << " at byte " << read.error->offset << ", field " << read.error->field << ": expected "
        << read.error->expected << ", found " << read.error->found << "; the " << file.packets.size()
        << " packet(s) before it are decoded above\n";
    return 2;
  }
  return counts.must > 0 ? 1 : 0;
}

}  // namespace mipvpn::cli
