#pragma once
// pcapng (draft-ietf-opsawg-pcapng) writer and reader, enough for captures the harness writes and tools like
// tshark read: Section Header Block, Interface Description Block (if_name, if_tsresol = 9: nanoseconds),
// Enhanced Packet Block. The reader also accepts Simple Packet Blocks, either byte order, several sections,
// and skips block types it does not know. It is bounds-checked and never throws.
#include "harness/net/netns.h"  // NetError

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::net {

constexpr uint16_t kLinkTypeEthernet = 1;
constexpr uint16_t kLinkTypeRawIp = 101;

// Where a file is malformed: "offset 60 (0x3c): EPB.captured_length: expected <= 48 (bytes left in the
// block), found 9999".
struct PcapngError {
    size_t offset = 0;      // byte offset in the file of the offending field
    std::string field;      // "EPB.captured_length", "block.total_length", ...
    std::string expected;
    std::string found;
    std::string to_string() const;
};

struct PcapngInterface {
    uint16_t link_type = kLinkTypeEthernet;
    uint32_t snaplen = 0;
    std::string name;       // if_name option, "" when absent
    uint8_t tsresol = 6;    // if_tsresol option as stored (default 6: microseconds)
};

struct PcapngPacket {
    uint32_t interface_id = 0;
    uint64_t timestamp_ns = 0;   // since the Unix epoch
    uint32_t original_length = 0;
    std::vector<uint8_t> data;
};

struct PcapngFile {
    std::vector<PcapngInterface> interfaces;  // all sections' interfaces, in order
    std::vector<PcapngPacket> packets;        // interface_id indexes `interfaces`
};

struct PcapngReadResult {
    std::optional<PcapngFile> file;
    std::optional<PcapngError> error;
    PcapngFile partial;  // with an error: the interfaces and packets of every block before the malformed one
    bool ok() const { return file.has_value(); }
    explicit operator bool() const { return ok(); }
};

PcapngReadResult parse_pcapng(std::span<const uint8_t> bytes);
PcapngReadResult read_pcapng(const std::string& path);

// Block encoders (host byte order, little-endian on the machines we run on).
std::vector<uint8_t> encode_section_header();
std::vector<uint8_t> encode_interface_description(const std::string& if_name, uint16_t link_type, uint32_t snaplen);
std::vector<uint8_t> encode_enhanced_packet(uint32_t interface_id, uint64_t timestamp_ns, std::span<const uint8_t> data,
                                            uint32_t original_length);

// Writes SHB + IDB at construction, then one EPB per write_packet() with a single write(2) so that every frame
// is in the file (the kernel's page cache) as soon as write_packet returns.
class PcapngWriter {
public:
    PcapngWriter() = default;
    // Creates or truncates `path`. Throws NetError.
    PcapngWriter(const std::string& path, const std::string& if_name, uint16_t link_type = kLinkTypeEthernet,
                 uint32_t snaplen = 65535);
    ~PcapngWriter();
    PcapngWriter(PcapngWriter&& other) noexcept;
    PcapngWriter& operator=(PcapngWriter&& other) noexcept;
    PcapngWriter(const PcapngWriter&) = delete;
    PcapngWriter& operator=(const PcapngWriter&) = delete;

    // Adds another interface; returns its id. Throws NetError.
    uint32_t add_interface(const std::string& if_name, uint16_t link_type = kLinkTypeEthernet, uint32_t snaplen = 65535);
    // original_length 0 means data.size(). Throws NetError on a write error.
    void write_packet(uint64_t timestamp_ns, std::span<const uint8_t> data, uint32_t original_length = 0,
                      uint32_t interface_id = 0);
    bool is_open() const { return fd_ >= 0; }
    const std::string& path() const { return path_; }
    void close();

private:
    void write_all(const std::vector<uint8_t>& bytes);
    std::string path_;
    int fd_ = -1;
    uint32_t interfaces_ = 0;
};

}  // namespace mipvpn::net
