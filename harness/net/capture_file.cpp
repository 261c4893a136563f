#include "harness/net/capture_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace mipvpn::net {
namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kPcapngShb = 0x0a0d0d0a;
constexpr size_t kGlobalHeader = 24;
constexpr size_t kRecordHeader = 16;
// Larger than any link's frame; a record claiming more is damage, not data (libpcap uses the same kind of bound).
constexpr uint32_t kMaxRecord = 262144;

uint32_t load32(const uint8_t* p, bool big) {
    return big ? (uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3])
               : (uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0]);
}

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

PcapngReadResult failed(PcapngFile partial, size_t offset, std::string field, std::string expected, std::string found) {
    PcapngReadResult r;
    r.error = PcapngError{offset, std::move(field), std::move(expected), std::move(found)};
    r.partial = std::move(partial);
    return r;
}

}  // namespace

PcapngReadResult parse_pcap(std::span<const uint8_t> bytes) {
    PcapngFile file;
    if (bytes.size() < kGlobalHeader)
        return failed(std::move(file), 0, "pcap.global_header", "24 bytes", std::to_string(bytes.size()) + " bytes");
    const uint32_t as_le = load32(bytes.data(), false);
    const bool big = as_le != kMagicMicro && as_le != kMagicNano;
    const uint32_t magic = load32(bytes.data(), big);
    if (magic != kMagicMicro && magic != kMagicNano)
        return failed(std::move(file), 0, "pcap.magic", hex32(kMagicMicro) + " or " + hex32(kMagicNano), hex32(as_le));
    const bool nano = magic == kMagicNano;
    PcapngInterface iface;
    iface.snaplen = load32(bytes.data() + 16, big);
    iface.link_type = static_cast<uint16_t>(load32(bytes.data() + 20, big) & 0xffffu);  // upper bits: FCS info
    iface.tsresol = nano ? 9 : 6;
    file.interfaces.push_back(iface);
    size_t off = kGlobalHeader;
    for (size_t record = 0; off < bytes.size(); ++record) {
        const std::string where = "record[" + std::to_string(record) + "]";
        if (bytes.size() - off < kRecordHeader)
            return failed(std::move(file), off, where + ".header", "16 bytes of record header",
                          std::to_string(bytes.size() - off) + " bytes left in the file");
        const uint32_t sec = load32(bytes.data() + off, big), frac = load32(bytes.data() + off + 4, big);
        const uint32_t incl = load32(bytes.data() + off + 8, big), orig = load32(bytes.data() + off + 12, big);
        if (frac >= (nano ? 1000000000u : 1000000u))
            return failed(std::move(file), off + 4, where + (nano ? ".ts_nsec" : ".ts_usec"),
                          nano ? "< 1000000000" : "< 1000000", std::to_string(frac));
        if (incl > kMaxRecord)
            return failed(std::move(file), off + 8, where + ".incl_len", "<= " + std::to_string(kMaxRecord),
                          std::to_string(incl));
        if (incl > bytes.size() - off - kRecordHeader)
            return failed(std::move(file), off + 8, where + ".incl_len",
                          "<= " + std::to_string(bytes.size() - off - kRecordHeader) + " (bytes left in the file)",
                          std::to_string(incl));
        PcapngPacket p;
        p.timestamp_ns = uint64_t{sec} * 1000000000u + (nano ? frac : uint64_t{frac} * 1000u);
        p.original_length = orig;
        p.data.assign(bytes.data() + off + kRecordHeader, bytes.data() + off + kRecordHeader + incl);
        file.packets.push_back(std::move(p));
        off += kRecordHeader + incl;
    }
    PcapngReadResult r;
    r.file = std::move(file);
    return r;
}

PcapngReadResult parse_capture_file(std::span<const uint8_t> bytes) {
    if (bytes.size() >= 4) {
        const uint32_t m = load32(bytes.data(), false);
        if (m == kPcapngShb) return parse_pcapng(bytes);
        if (m == kMagicMicro || m == kMagicNano || load32(bytes.data(), true) == kMagicMicro ||
            load32(bytes.data(), true) == kMagicNano)
            return parse_pcap(bytes);
    }
    return failed({}, 0, "magic", "a pcap (0xa1b2c3d4, 0xa1b23c4d) or pcapng (0x0a0d0d0a) file",
                  bytes.size() < 4 ? std::to_string(bytes.size()) + " bytes" : hex32(load32(bytes.data(), true)));
}

PcapngReadResult read_capture_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failed({}, 0, "file", "a readable file " + path, std::string("open failed: ") + std::strerror(errno));
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_capture_file(bytes);
}

}  // namespace mipvpn::net
