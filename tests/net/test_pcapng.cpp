// pcapng writer/reader: round trip, the fields other tools rely on, and errors on corrupt files.
#include "harness/net/capture.h"
#include "harness/net/command.h"
#include "harness/net/pcapng.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

using namespace mipvpn::net;
namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/mipvpn-pcapng-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path_); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
uint32_t get32(const std::vector<uint8_t>& b, size_t off) {
    uint32_t v;
    std::memcpy(&v, b.data() + off, 4);
    return v;
}

std::vector<uint8_t> sample_file() {
    std::vector<uint8_t> f = encode_section_header();
    auto idb = encode_interface_description("br-home", kLinkTypeEthernet, 65535);
    f.insert(f.end(), idb.begin(), idb.end());
    const std::vector<uint8_t> payload{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    auto epb = encode_enhanced_packet(0, 1700000000123456789ULL, payload, 0);
    f.insert(f.end(), epb.begin(), epb.end());
    return f;
}

// Offsets inside sample_file(): SHB is 28 bytes, IDB 40 (if_name "br-home" padded to 8, if_tsresol, end).
constexpr size_t kShbLen = 28;
constexpr size_t kIdbLen = 20 + 12 + 8 + 4;
constexpr size_t kEpbOff = kShbLen + kIdbLen;

TEST(Pcapng, RoundTripThroughTheWriter) {
    TempDir dir;
    const std::string path = dir.file("rt.pcapng");
    {
        PcapngWriter w(path, "br-home");
        const uint32_t second = w.add_interface("br-foreign", kLinkTypeEthernet, 1500);
        EXPECT_EQ(second, 1u);
        const std::vector<uint8_t> a{0xde, 0xad, 0xbe, 0xef, 0x01};
        const std::vector<uint8_t> b(1514, 0x5a);
        w.write_packet(1700000000000000001ULL, a);
        w.write_packet(1700000000999999999ULL, b, 2000, 1);
        // Everything is in the file before close(): a reader sees each frame as soon as it is written.
        const auto mid = read_pcapng(path);
        ASSERT_TRUE(mid.ok()) << mid.error->to_string();
        EXPECT_EQ(mid.file->packets.size(), 2u);
        EXPECT_THROW(w.write_packet(1, a, 0, 7), NetError);
    }
    const auto r = read_pcapng(path);
    ASSERT_TRUE(r.ok()) << r.error->to_string();
    ASSERT_EQ(r.file->interfaces.size(), 2u);
    EXPECT_EQ(r.file->interfaces[0].name, "br-home");
    EXPECT_EQ(r.file->interfaces[0].tsresol, 9);
    EXPECT_EQ(r.file->interfaces[0].link_type, kLinkTypeEthernet);
    EXPECT_EQ(r.file->interfaces[0].snaplen, 65535u);
    EXPECT_EQ(r.file->interfaces[1].name, "br-foreign");
    ASSERT_EQ(r.file->packets.size(), 2u);
    EXPECT_EQ(r.file->packets[0].timestamp_ns, 1700000000000000001ULL);
    EXPECT_EQ(r.file->packets[0].data, (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef, 0x01}));
    EXPECT_EQ(r.file->packets[0].original_length, 5u);
    EXPECT_EQ(r.file->packets[1].interface_id, 1u);
    EXPECT_EQ(r.file->packets[1].original_length, 2000u);
    EXPECT_EQ(r.file->packets[1].data.size(), 1514u);
    EXPECT_EQ(r.file->packets[1].timestamp_ns, 1700000000999999999ULL);
}

TEST(Pcapng, BlockLayout) {
    const auto f = sample_file();
    EXPECT_EQ(get32(f, 0), 0x0A0D0D0Au);
    EXPECT_EQ(get32(f, 4), kShbLen);
    EXPECT_EQ(get32(f, 8), 0x1A2B3C4Du);
    EXPECT_EQ(get32(f, kShbLen), 1u);          // IDB
    EXPECT_EQ(get32(f, kShbLen + 4), kIdbLen);
    // if_name option: code 2, length 7, "br-home", 1 byte of padding
    EXPECT_EQ(f[kShbLen + 16], 2);
    EXPECT_EQ(f[kShbLen + 18], 7);
    EXPECT_EQ(std::string(f.begin() + kShbLen + 20, f.begin() + kShbLen + 27), "br-home");
    // if_tsresol: code 9, length 1, value 9
    EXPECT_EQ(f[kShbLen + 28], 9);
    EXPECT_EQ(f[kShbLen + 30], 1);
    EXPECT_EQ(f[kShbLen + 32], 9);
    EXPECT_EQ(get32(f, kEpbOff), 6u);           // EPB
    EXPECT_EQ(get32(f, kEpbOff + 4), 32u + 16u);  // 15 bytes padded to 16
    EXPECT_EQ(f.size() % 4, 0u);
}

TEST(Pcapng, TimestampResolutionsOtherThanNanoseconds) {
    // Microsecond default (no if_tsresol) and 2^-10.
    for (uint8_t tsresol : {uint8_t{6}, uint8_t{0x8A}}) {
        auto f = encode_section_header();
        std::vector<uint8_t> idb{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0, 9, 0, 1, 0, tsresol, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        put32(idb, 4, static_cast<uint32_t>(idb.size()));
        put32(idb, idb.size() - 4, static_cast<uint32_t>(idb.size()));
        f.insert(f.end(), idb.begin(), idb.end());
        auto epb = encode_enhanced_packet(0, 3000, std::vector<uint8_t>{1}, 0);  // 3000 ticks
        f.insert(f.end(), epb.begin(), epb.end());
        const auto r = parse_pcapng(f);
        ASSERT_TRUE(r.ok()) << r.error->to_string();
        if (tsresol == 6) EXPECT_EQ(r.file->packets[0].timestamp_ns, 3000000ULL);  // 3000 us
        else EXPECT_EQ(r.file->packets[0].timestamp_ns, 3000ULL * 1000000000ULL / 1024ULL);
    }
}

TEST(Pcapng, BigEndianSection) {
    // SHB, IDB (no options) and EPB written big-endian by hand.
    std::vector<uint8_t> f{0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0,
                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28,
                           0, 0, 0, 1, 0, 0, 0, 20, 0, 1, 0, 0, 0, 0, 0x05, 0xdc, 0, 0, 0, 20,
                           0, 0, 0, 6, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0, 3,
                           0xaa, 0xbb, 0xcc, 0, 0, 0, 0, 36};
    const auto r = parse_pcapng(f);
    ASSERT_TRUE(r.ok()) << r.error->to_string();
    EXPECT_EQ(r.file->interfaces[0].snaplen, 1500u);
    ASSERT_EQ(r.file->packets.size(), 1u);
    EXPECT_EQ(r.file->packets[0].timestamp_ns, 7000u);  // 7 us
    EXPECT_EQ(r.file->packets[0].data, (std::vector<uint8_t>{0xaa, 0xbb, 0xcc}));
}

TEST(Pcapng, UnknownBlocksAreSkipped) {
    auto f = sample_file();
    std::vector<uint8_t> custom(16, 0);
    put32(custom, 0, 0x00000BAD);
    put32(custom, 4, 16);
    put32(custom, 12, 16);
    f.insert(f.begin() + kEpbOff, custom.begin(), custom.end());
    const auto r = parse_pcapng(f);
    ASSERT_TRUE(r.ok()) << r.error->to_string();
    EXPECT_EQ(r.file->packets.size(), 1u);
}

// Corrupt files: the error names the offset and the field.
struct Corruption {
    const char* name;
    std::function<void(std::vector<uint8_t>&)> damage;
    size_t offset;
    const char* field;
};

TEST(Pcapng, CorruptFilesNameOffsetAndField) {
    const std::vector<Corruption> cases{
        {"empty", [](auto& f) { f.clear(); }, 0, "SHB.block_type"},
        {"not pcapng", [](auto& f) { put32(f, 0, 0xA1B2C3D4); }, 0, "SHB.block_type"},
        {"byte order magic", [](auto& f) { put32(f, 8, 0x12345678); }, 8, "SHB.byte_order_magic"},
        {"major version", [](auto& f) { f[12] = 2; }, 12, "SHB.major_version"},
        {"truncated in the EPB", [](auto& f) { f.resize(f.size() - 10); }, kEpbOff + 4, "EPB(block 2).total_length"},
        {"truncated header", [](auto& f) { f.resize(kEpbOff + 6); }, kEpbOff, "block header"},
        {"total length not a multiple of 4", [](auto& f) { put32(f, kEpbOff + 4, 47); }, kEpbOff + 4, "EPB(block 2).total_length"},
        {"trailing length differs", [](auto& f) { put32(f, f.size() - 4, 52); }, kEpbOff + 44, "EPB(block 2).trailing_total_length"},
        {"captured length beyond the block", [](auto& f) { put32(f, kEpbOff + 20, 9999); }, kEpbOff + 20, "EPB(block 2).captured_length"},
        {"unknown interface", [](auto& f) { put32(f, kEpbOff + 8, 3); }, kEpbOff + 8, "EPB(block 2).interface_id"},
        {"option longer than the block", [](auto& f) { f[kShbLen + 18] = 200; }, kShbLen + 18, "IDB(block 1).option_length"},
        {"bad if_tsresol", [](auto& f) { f[kShbLen + 32] = 40; }, kShbLen + 32, "IDB(block 1).if_tsresol"},
    };
    for (const auto& c : cases) {
        auto f = sample_file();
        c.damage(f);
        const auto r = parse_pcapng(f);
        ASSERT_FALSE(r.ok()) << c.name;
        ASSERT_TRUE(r.error.has_value()) << c.name;
        EXPECT_EQ(r.error->offset, c.offset) << c.name << ": " << r.error->to_string();
        EXPECT_EQ(r.error->field, c.field) << c.name << ": " << r.error->to_string();
        const std::string text = r.error->to_string();
        EXPECT_NE(text.find("offset " + std::to_string(c.offset)), std::string::npos) << text;
        EXPECT_NE(text.find(c.field), std::string::npos) << text;
        EXPECT_NE(text.find("expected"), std::string::npos) << text;
    }
}

TEST(Pcapng, CorruptFileMessageIsReadable) {
    auto f = sample_file();
    put32(f, kEpbOff + 20, 9999);
    const auto r = parse_pcapng(f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->to_string(), "offset 92 (0x5c): EPB(block 2).captured_length: expected <= 16 (bytes left in the block), found 9999");
}

TEST(Pcapng, EveryTruncationIsAnErrorNotACrash) {
    const auto f = sample_file();
    for (size_t n = 0; n < f.size(); ++n) {
        const std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<long>(n));
        const auto r = parse_pcapng(cut);
        // A cut exactly at a block boundary is a valid (shorter) file.
        if (n == kShbLen || n == kEpbOff) EXPECT_TRUE(r.ok()) << n;
        else EXPECT_FALSE(r.ok()) << n;
    }
}

TEST(Pcapng, MissingFile) {
    const auto r = read_pcapng("/nonexistent/dir/x.pcapng");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->field, "file");
}

TEST(Pcapng, SegmentCaptureWritePcapng) {
    TempDir dir;
    std::vector<Frame> frames(3);
    for (size_t i = 0; i < frames.size(); ++i) {
        frames[i].index = i;
        frames[i].ts = std::chrono::system_clock::time_point(std::chrono::nanoseconds(1700000000000000000LL + static_cast<long long>(i) * 1000));
        frames[i].data = std::vector<uint8_t>(60, static_cast<uint8_t>(i));
    }
    SegmentCapture::write_pcapng(dir.file("w.pcapng"), "home", frames);
    const auto r = read_pcapng(dir.file("w.pcapng"));
    ASSERT_TRUE(r.ok()) << r.error->to_string();
    EXPECT_EQ(r.file->interfaces.at(0).name, "home");
    ASSERT_EQ(r.file->packets.size(), 3u);
    EXPECT_EQ(r.file->packets[2].timestamp_ns, 1700000000000002000ULL);
    EXPECT_EQ(r.file->packets[2].data, frames[2].data);
}

TEST(Pcapng, TsharkReadsOurFiles) {
    if (!run_command({"tshark", "-v"}).ok()) GTEST_SKIP() << "tshark not installed";
    TempDir dir;
    const std::string path = dir.file("t.pcapng");
    {
        PcapngWriter w(path, "br-home");
        // Ethernet + IPv4 + UDP 434 -> 434 with 4 bytes of payload.
        const std::vector<uint8_t> frame{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
                                         0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 1, 50, 10, 0, 1, 255,
                                         0x01, 0xb2, 0x01, 0xb2, 0, 12, 0, 0, 1, 2, 3, 4};
        w.write_packet(1700000000123456789ULL, frame);
    }
    // Own HOME: tshark must not depend on (or trip over) the invoking user's Wireshark profile.
    const auto r = run_command({"env", "HOME=" + dir.file(""), "tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src", "-e",
                                "udp.dstport", "-e", "frame.interface_name"});
    ASSERT_TRUE(r.ok()) << r.describe({"tshark"});
    EXPECT_NE(r.out.find("1700000000.123456789"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("10.0.1.50"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("434"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("br-home"), std::string::npos) << r.out;
}

}  // namespace
