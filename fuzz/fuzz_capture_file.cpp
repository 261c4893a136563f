// parse_capture_file (harness/net/capture_file.cpp and pcapng.cpp) on any file: classic pcap in either byte order and
// time resolution, or pcapng. Never throws or reads outside the file; an error names an offset inside the file and
// a field, and its partial result is as consistent as a whole one (packets name described interfaces). What parses
// is re-written as pcapng with the harness's own encoders and must read back as the same interfaces and packets. The
// first packets are then decoded as `mipvpn decode` would, by their interface's link type.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/net/capture_file.h"
#include "harness/net/pcapng.h"
#include "harness/wire/stack.h"

using namespace mipvpn;

namespace {

void check_file(const net::PcapngFile& f, size_t size) {
  for (const auto& p : f.packets) {
    FUZZ_CHECK(p.interface_id < f.interfaces.size(), "packet on interface %u of %zu", p.interface_id,
               f.interfaces.size());
    FUZZ_CHECK(p.data.size() <= size, "packet of %zu bytes in a %zu-byte file", p.data.size(), size);
  }
}

std::optional<wire::LinkType> link_of(uint16_t link_type) {
  switch (link_type) {
    case net::kLinkTypeEthernet:
      return wire::LinkType::Ethernet;
    case net::kLinkTypeRawIp:
    case 228:
      return wire::LinkType::RawIP;  // LINKTYPE_IPV4
    case 113:
      return wire::LinkType::LinuxSll;
    case 276:
      return wire::LinkType::LinuxSll2;
    default:
      return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const auto r = net::parse_capture_file(in);
  FUZZ_CHECK(r.ok() != r.error.has_value(), "a result must be a file or an error");
  if (!r) {
    FUZZ_CHECK(r.error->offset <= size, "error offset past the file: %s", r.error->to_string().c_str());
    FUZZ_CHECK(!r.error->field.empty() && !r.error->expected.empty(), "error without field: %s",
               r.error->to_string().c_str());
    check_file(r.partial, size);
    return 0;
  }
  const net::PcapngFile& f = *r.file;
  check_file(f, size);

  // Re-written as one pcapng section, read back.
  std::vector<uint8_t> out = net::encode_section_header();
  for (const auto& i : f.interfaces) {
    const auto b = net::encode_interface_description(i.name, i.link_type, i.snaplen);
    out.insert(out.end(), b.begin(), b.end());
  }
  for (const auto& p : f.packets) {
    const auto b = net::encode_enhanced_packet(p.interface_id, p.timestamp_ns, p.data, p.original_length);
    out.insert(out.end(), b.begin(), b.end());
  }
  const auto again = net::parse_capture_file(out);
  FUZZ_CHECK(again.ok(), "own pcapng does not read back: %s", again.error->to_string().c_str());
  FUZZ_CHECK(again.file->interfaces.size() == f.interfaces.size() && again.file->packets.size() == f.packets.size(),
             "own pcapng reads back %zu interfaces / %zu packets for %zu / %zu", again.file->interfaces.size(),
             again.file->packets.size(), f.interfaces.size(), f.packets.size());
  for (size_t i = 0; i < f.interfaces.size(); ++i) {
    const auto &a = f.interfaces[i], &b = again.file->interfaces[i];
    FUZZ_CHECK(a.link_type == b.link_type && a.snaplen == b.snaplen && a.name == b.name,
               "interface %zu changed through the writer", i);
  }
  for (size_t i = 0; i < f.packets.size(); ++i) {
    const auto &a = f.packets[i], &b = again.file->packets[i];
    FUZZ_CHECK(a.interface_id == b.interface_id && a.timestamp_ns == b.timestamp_ns && a.data == b.data,
               "packet %zu changed through the writer", i);
    FUZZ_CHECK(a.original_length == 0 || a.original_length == b.original_length,
               "packet %zu original length changed through the writer", i);
  }

  for (size_t i = 0; i < f.packets.size() && i < 4; ++i) {
    const auto& p = f.packets[i];
    if (auto link = link_of(f.interfaces[p.interface_id].link_type)) {
      const auto frame = wire::decode_frame(p.data, *link);
      FUZZ_CHECK(!frame.layers.empty() && !frame.summary().empty(), "packet %zu decodes to nothing", i);
    }
  }
  return 0;
}
