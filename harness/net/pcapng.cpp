#include "harness/net/pcapng.h"

#include "harness/net/netns.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace mipvpn::net {

namespace {

constexpr uint32_t kShb = 0x0A0D0D0A;
constexpr uint32_t kIdb = 0x00000001;
constexpr uint32_t kSpb = 0x00000003;
constexpr uint32_t kEpb = 0x00000006;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint16_t kOptEnd = 0;
constexpr uint16_t kOptIfName = 2;
constexpr uint16_t kOptIfTsresol = 9;

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

size_t pad4(size_t n) { return (n + 3) & ~size_t{3}; }

class Builder {
public:
    void u8(uint8_t v) { b_.push_back(v); }
    void u16(uint16_t v) { append(&v, 2); }
    void u32(uint32_t v) { append(&v, 4); }
    void u64(uint64_t v) { append(&v, 8); }
    void bytes(const uint8_t* p, size_t n) { b_.insert(b_.end(), p, p + n); }
    void pad() {
        while (b_.size() % 4) b_.push_back(0);
    }
    void option(uint16_t code, const void* value, size_t len) {
        u16(code);
        u16(static_cast<uint16_t>(len));
        bytes(static_cast<const uint8_t*>(value), len);
        pad();
    }
    // Wraps the body into a block: type, total length, body, total length.
    std::vector<uint8_t> block(uint32_t type) const {
        Builder out;
        const uint32_t total = static_cast<uint32_t>(12 + b_.size());
        out.u32(type);
        out.u32(total);
        out.bytes(b_.data(), b_.size());
        out.u32(total);
        return std::move(out.b_);
    }

private:
    void append(const void* p, size_t n) { bytes(static_cast<const uint8_t*>(p), n); }
    std::vector<uint8_t> b_;
};

class Reader {
public:
    explicit Reader(std::span<const uint8_t> data) : d_(data) {}
    void set_big_endian(bool big) { big_ = big; }
    bool has(size_t off, size_t n) const { return off <= d_.size() && n <= d_.size() - off; }
    uint16_t u16(size_t off) const {
        const uint8_t* p = d_.data() + off;
        return big_ ? static_cast<uint16_t>(p[0] << 8 | p[1]) : static_cast<uint16_t>(p[1] << 8 | p[0]);
    }
    uint32_t u32(size_t off) const {
        const uint8_t* p = d_.data() + off;
        if (big_) return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
        return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
    }
    const uint8_t* at(size_t off) const { return d_.data() + off; }
    size_t size() const { return d_.size(); }

private:
    std::span<const uint8_t> d_;
    bool big_ = false;
};

std::optional<PcapngError> fail(size_t offset, std::string field, std::string expected, std::string found) {
    return PcapngError{offset, std::move(field), std::move(expected), std::move(found)};
}

__extension__ typedef unsigned __int128 uint128;

// ticks in units of if_tsresol -> nanoseconds.
std::optional<uint64_t> to_ns(uint64_t ticks, uint8_t tsresol) {
    const unsigned v = tsresol & 0x7Fu;
    if (tsresol & 0x80u) {
        if (v > 63) return std::nullopt;
        return static_cast<uint64_t>((static_cast<uint128>(ticks) * 1000000000u) >> v);
    }
    if (v > 19) return std::nullopt;
    uint64_t p = 1;
    if (v <= 9) {
        for (unsigned i = v; i < 9; ++i) p *= 10;
        return ticks * p;
    }
    for (unsigned i = 9; i < v; ++i) p *= 10;
    return ticks / p;
}

}  // namespace

std::string PcapngError::to_string() const {
    return "offset " + std::to_string(offset) + " (" + hex(offset) + "): " + field + ": expected " + expected + ", found " + found;
}

std::vector<uint8_t> encode_section_header() {
    Builder b;
    b.u32(kByteOrderMagic);
    b.u16(1);  // major
    b.u16(0);  // minor
    b.u64(~uint64_t{0});  // section length unknown (-1)
    return b.block(kShb);
}

std::vector<uint8_t> encode_interface_description(const std::string& if_name, uint16_t link_type, uint32_t snaplen) {
    Builder b;
    b.u16(link_type);
    b.u16(0);
    b.u32(snaplen);
    if (!if_name.empty()) b.option(kOptIfName, if_name.data(), if_name.size());
    const uint8_t nanoseconds = 9;
    b.option(kOptIfTsresol, &nanoseconds, 1);
    b.option(kOptEnd, nullptr, 0);
    return b.block(kIdb);
}

std::vector<uint8_t> encode_enhanced_packet(uint32_t interface_id, uint64_t timestamp_ns, std::span<const uint8_t> data,
                                            uint32_t original_length) {
    Builder b;
    b.u32(interface_id);
    b.u32(static_cast<uint32_t>(timestamp_ns >> 32));
    b.u32(static_cast<uint32_t>(timestamp_ns & 0xFFFFFFFFu));
    b.u32(static_cast<uint32_t>(data.size()));
    b.u32(original_length ? original_length : static_cast<uint32_t>(data.size()));
    b.bytes(data.data(), data.size());
    b.pad();
    return b.block(kEpb);
}

namespace {

// Fills `file` block by block; on a malformed block returns its error and leaves what came before in `file`.
std::optional<PcapngError> parse_blocks(std::span<const uint8_t> bytes, PcapngFile& file) {
    Reader r(bytes);
    size_t section_first_interface = 0;  // interface ids are per section
    bool in_section = false;
    size_t off = 0;
    size_t block_no = 0;
    if (bytes.empty()) return fail(0, "SHB.block_type", "a pcapng Section Header Block (0x0a0d0d0a)", "an empty file");
    while (off < r.size()) {
        if (!r.has(off, 12))
            return fail(off, "block header", "at least 12 bytes (type, total length, trailing length)",
                        std::to_string(r.size() - off) + " bytes left in the file");
        // The block type of an SHB is a palindrome, so it reads the same in both byte orders.
        const uint32_t raw_type = r.u32(off);
        if (raw_type == kShb) {
            if (!r.has(off, 28)) return fail(off, "SHB", "28 bytes at least", std::to_string(r.size() - off) + " bytes left");
            const uint8_t* bom = r.at(off + 8);
            if (bom[0] == 0x4D && bom[1] == 0x3C && bom[2] == 0x2B && bom[3] == 0x1A)
                r.set_big_endian(false);
            else if (bom[0] == 0x1A && bom[1] == 0x2B && bom[2] == 0x3C && bom[3] == 0x4D)
                r.set_big_endian(true);
            else {
                r.set_big_endian(false);
                return fail(off + 8, "SHB.byte_order_magic", "0x1a2b3c4d in either byte order", hex(r.u32(off + 8)));
            }
            in_section = true;
            section_first_interface = file.interfaces.size();
        } else if (!in_section) {
            return fail(off, "SHB.block_type", "a pcapng Section Header Block (0x0a0d0d0a) first", hex(raw_type));
        }
        const uint32_t type = r.u32(off);
        const uint32_t total = r.u32(off + 4);
        const std::string name = type == kShb ? "SHB" : type == kIdb ? "IDB" : type == kEpb ? "EPB" : type == kSpb ? "SPB" : "block";
        const std::string where = name + "(block " + std::to_string(block_no) + ")";
        if (total < 12 || total % 4 != 0)
            return fail(off + 4, where + ".total_length", "a multiple of 4, at least 12", std::to_string(total));
        if (!r.has(off, total))
            return fail(off + 4, where + ".total_length", "<= " + std::to_string(r.size() - off) + " (bytes left in the file)",
                        std::to_string(total));
        if (r.u32(off + total - 4) != total)
            return fail(off + total - 4, where + ".trailing_total_length", std::to_string(total) + " (the leading total length)",
                        std::to_string(r.u32(off + total - 4)));
        const size_t body = off + 8;
        const size_t body_end = off + total - 4;

        // Options live in [start, body_end): code, length, value padded to 4.
        auto parse_options = [&](size_t start, PcapngInterface* iface) -> std::optional<PcapngError> {
            size_t o = start;
            while (o < body_end) {
                if (body_end - o < 4)
                    return PcapngError{o, where + ".option", "4 bytes of option header", std::to_string(body_end - o) + " bytes left in the block"};
                const uint16_t code = r.u16(o);
                const uint16_t len = r.u16(o + 2);
                if (code == kOptEnd) break;
                if (pad4(len) > body_end - o - 4)
                    return PcapngError{o + 2, where + ".option_length", "<= " + std::to_string(body_end - o - 4) + " (bytes left in the block)",
                                       std::to_string(len) + " (option code " + std::to_string(code) + ")"};
                if (iface && code == kOptIfName) {
                    iface->name.assign(reinterpret_cast<const char*>(r.at(o + 4)), len);
                    while (!iface->name.empty() && iface->name.back() == '\0') iface->name.pop_back();
                }
                if (iface && code == kOptIfTsresol) {
                    if (len != 1) return PcapngError{o + 2, where + ".if_tsresol.length", "1", std::to_string(len)};
                    iface->tsresol = *r.at(o + 4);
                    if (!to_ns(0, iface->tsresol))
                        return PcapngError{o + 4, where + ".if_tsresol", "10^-0..19 or 2^-0..63", hex(iface->tsresol)};
                }
                o += 4 + pad4(len);
            }
            return std::nullopt;
        };

        if (type == kShb) {
            if (total < 28) return fail(off + 4, where + ".total_length", "at least 28", std::to_string(total));
            const uint16_t major = r.u16(off + 12);
            if (major != 1) return fail(off + 12, "SHB.major_version", "1", std::to_string(major));
            if (auto e = parse_options(off + 24, nullptr)) return e;
        } else if (type == kIdb) {
            if (total < 20) return fail(off + 4, where + ".total_length", "at least 20", std::to_string(total));
            PcapngInterface iface;
            iface.link_type = r.u16(body);
            iface.snaplen = r.u32(body + 4);
            if (auto e = parse_options(body + 8, &iface)) return e;
            file.interfaces.push_back(iface);
        } else if (type == kEpb) {
            if (total < 32) return fail(off + 4, where + ".total_length", "at least 32", std::to_string(total));
            const uint32_t if_id = r.u32(body);
            const size_t section_interfaces = file.interfaces.size() - section_first_interface;
            if (if_id >= section_interfaces)
                return fail(body, where + ".interface_id", "< " + std::to_string(section_interfaces) + " (interfaces described so far)",
                            std::to_string(if_id));
            const uint64_t ticks = uint64_t{r.u32(body + 4)} << 32 | r.u32(body + 8);
            const uint32_t cap = r.u32(body + 12);
            const uint32_t orig = r.u32(body + 16);
            const size_t room = body_end - (body + 20);
            if (cap > room)
                return fail(body + 12, where + ".captured_length", "<= " + std::to_string(room) + " (bytes left in the block)", std::to_string(cap));
            const PcapngInterface& iface = file.interfaces[section_first_interface + if_id];
            PcapngPacket p;
            p.interface_id = static_cast<uint32_t>(section_first_interface + if_id);
            p.timestamp_ns = *to_ns(ticks, iface.tsresol);
            p.original_length = orig;
            p.data.assign(r.at(body + 20), r.at(body + 20) + cap);
            if (auto e = parse_options(body + 20 + pad4(cap), nullptr)) return e;
            file.packets.push_back(std::move(p));
        } else if (type == kSpb) {
            if (total < 16) return fail(off + 4, where + ".total_length", "at least 16", std::to_string(total));
            const size_t section_interfaces = file.interfaces.size() - section_first_interface;
            if (section_interfaces == 0)
                return fail(off, where, "an Interface Description Block before a Simple Packet Block", "none in this section");
            const PcapngInterface& iface = file.interfaces[section_first_interface];
            const uint32_t orig = r.u32(body);
            size_t cap = orig;
            if (iface.snaplen && cap > iface.snaplen) cap = iface.snaplen;
            const size_t room = body_end - (body + 4);
            if (cap > room)
                return fail(body, where + ".original_length", "<= " + std::to_string(room) + " (bytes left in the block)", std::to_string(orig));
            PcapngPacket p;
            p.interface_id = static_cast<uint32_t>(section_first_interface);
            p.original_length = orig;
            p.data.assign(r.at(body + 4), r.at(body + 4) + cap);
            file.packets.push_back(std::move(p));
        }
        off += total;
        ++block_no;
    }
    return std::nullopt;
}

}  // namespace

PcapngReadResult parse_pcapng(std::span<const uint8_t> bytes) {
    PcapngFile file;
    PcapngReadResult result;
    if (auto e = parse_blocks(bytes, file)) {
        result.error = std::move(e);
        result.partial = std::move(file);
    } else {
        result.file = std::move(file);
    }
    return result;
}

PcapngReadResult read_pcapng(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        PcapngReadResult r;
        r.error = fail(0, "file", "a readable file " + path, std::string("open failed: ") + ::strerror(errno));
        return r;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_pcapng(bytes);
}

PcapngWriter::PcapngWriter(const std::string& path, const std::string& if_name, uint16_t link_type, uint32_t snaplen)
    : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw NetError("cannot create " + path + ": " + ::strerror(errno));
    write_all(encode_section_header());
    add_interface(if_name, link_type, snaplen);
}

PcapngWriter::~PcapngWriter() { close(); }

PcapngWriter::PcapngWriter(PcapngWriter&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_), interfaces_(o.interfaces_) {
    o.fd_ = -1;
}

PcapngWriter& PcapngWriter::operator=(PcapngWriter&& o) noexcept {
    if (this != &o) {
        close();
        path_ = std::move(o.path_);
        fd_ = o.fd_;
        interfaces_ = o.interfaces_;
        o.fd_ = -1;
    }
    return *this;
}

void PcapngWriter::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

uint32_t PcapngWriter::add_interface(const std::string& if_name, uint16_t link_type, uint32_t snaplen) {
    write_all(encode_interface_description(if_name, link_type, snaplen));
    return interfaces_++;
}

void PcapngWriter::write_packet(uint64_t timestamp_ns, std::span<const uint8_t> data, uint32_t original_length,
                                uint32_t interface_id) {
    if (interface_id >= interfaces_)
        throw NetError(path_ + ": packet for interface " + std::to_string(interface_id) + ", only " + std::to_string(interfaces_) + " described");
    write_all(encode_enhanced_packet(interface_id, timestamp_ns, data, original_length));
}

void PcapngWriter::write_all(const std::vector<uint8_t>& bytes) {
    if (fd_ < 0) throw NetError("pcapng writer " + path_ + " is closed");
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw NetError("write to " + path_ + ": " + ::strerror(errno));
        done += static_cast<size_t>(n);
    }
}

}  // namespace mipvpn::net
