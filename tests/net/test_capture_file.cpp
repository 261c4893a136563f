// Capture files a user hands to `mipvpn decode`: classic pcap in every magic and byte order, pcapng, and damaged
// files that still give the packets before the damage plus an error naming byte offset and field.
#include "harness/net/capture_file.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace mipvpn::net;

void put32(std::vector<uint8_t>& b, uint32_t v, bool big) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(big ? v >> (24 - 8 * i) : v >> (8 * i)));
}

// A classic pcap with two records of 3 and 2 bytes, written by hand from the libpcap file format.
std::vector<uint8_t> classic(uint32_t magic, bool big, uint32_t link = 1) {
  std::vector<uint8_t> f;
  put32(f, magic, big);
  f.push_back(big ? 0 : 2), f.push_back(big ? 2 : 0), f.push_back(big ? 0 : 4), f.push_back(big ? 4 : 0);  // 2.4
  put32(f, 0, big);      // thiszone
  put32(f, 0, big);      // sigfigs
  put32(f, 65535, big);  // snaplen
  put32(f, link, big);   // network
  put32(f, 1700000000, big), put32(f, 250, big), put32(f, 3, big), put32(f, 60, big);
  f.insert(f.end(), {0xaa, 0xbb, 0xcc});
  put32(f, 1700000001, big), put32(f, 7, big), put32(f, 2, big), put32(f, 2, big);
  f.insert(f.end(), {0x01, 0x02});
  return f;
}

TEST(CaptureFile, ClassicPcapEveryMagicAndByteOrder) {
  for (bool big : {false, true}) {
    for (uint32_t magic : {0xa1b2c3d4u, 0xa1b23c4du}) {
      const auto r = parse_capture_file(classic(magic, big, 101));
      ASSERT_TRUE(r.ok()) << r.error->to_string();
      ASSERT_EQ(r.file->interfaces.size(), 1u);
      EXPECT_EQ(r.file->interfaces[0].link_type, 101);
      EXPECT_EQ(r.file->interfaces[0].snaplen, 65535u);
      ASSERT_EQ(r.file->packets.size(), 2u);
      EXPECT_EQ(r.file->packets[0].data, (std::vector<uint8_t>{0xaa, 0xbb, 0xcc}));
      EXPECT_EQ(r.file->packets[0].original_length, 60u);
      const uint64_t frac = magic == 0xa1b2c3d4u ? 250000u : 250u;  // microseconds vs nanoseconds
      EXPECT_EQ(r.file->packets[0].timestamp_ns, 1700000000ull * 1000000000u + frac);
      EXPECT_EQ(r.file->packets[1].data, (std::vector<uint8_t>{0x01, 0x02}));
    }
  }
}

TEST(CaptureFile, PcapngIsRecognized) {
  std::vector<uint8_t> f = encode_section_header();
  auto idb = encode_interface_description("br-home", kLinkTypeEthernet, 65535);
  f.insert(f.end(), idb.begin(), idb.end());
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5};
  auto epb = encode_enhanced_packet(0, 42, data, 0);
  f.insert(f.end(), epb.begin(), epb.end());
  const auto r = parse_capture_file(f);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.file->packets.size(), 1u);
  EXPECT_EQ(r.file->packets[0].data, data);
  EXPECT_EQ(r.file->interfaces[0].name, "br-home");
}

TEST(CaptureFile, DamagedRecordKeepsThePacketsBeforeIt) {
  auto f = classic(0xa1b2c3d4u, false);
  const size_t second_incl_len = 24 + 16 + 3 + 8;
  f[second_incl_len] = 0xff, f[second_incl_len + 1] = 0xff;  // incl_len 65282: past the end of the file
  const auto r = parse_capture_file(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, second_incl_len);
  EXPECT_EQ(r.error->field, "record[1].incl_len");
  EXPECT_EQ(r.error->expected, "<= 2 (bytes left in the file)");
  ASSERT_EQ(r.partial.packets.size(), 1u);
  EXPECT_EQ(r.partial.packets[0].data.size(), 3u);
}

TEST(CaptureFile, PcapngDamageKeepsThePacketsBeforeIt) {
  std::vector<uint8_t> f = encode_section_header();
  auto idb = encode_interface_description("x", kLinkTypeEthernet, 65535);
  f.insert(f.end(), idb.begin(), idb.end());
  const std::vector<uint8_t> data = {9, 9, 9, 9};
  auto epb = encode_enhanced_packet(0, 1, data, 0);
  f.insert(f.end(), epb.begin(), epb.end());
  f.insert(f.end(), epb.begin(), epb.end());
  f.resize(f.size() - 5);  // the second EPB is cut
  const auto r = parse_capture_file(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.partial.packets.size(), 1u);
  EXPECT_NE(r.error->field.find("total_length"), std::string::npos) << r.error->to_string();
}

TEST(CaptureFile, EveryTruncationOfAClassicPcapIsAValueNotACrash) {
  const auto f = classic(0xa1b2c3d4u, true);
  for (size_t n = 0; n < f.size(); ++n) {
    const std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<long>(n));
    const auto r = parse_capture_file(cut);
    const bool at_record_boundary = n == 24 || n == 24 + 16 + 3;
    EXPECT_EQ(r.ok(), at_record_boundary) << n;
    if (!r.ok()) {
      EXPECT_FALSE(r.error->field.empty());
    }
  }
}

TEST(CaptureFile, NotACaptureFile) {
  const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', '\n'};
  const auto r = parse_capture_file(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->field, "magic");
  EXPECT_EQ(r.error->offset, 0u);
  EXPECT_EQ(read_capture_file("/nonexistent/x.pcap").error->field, "file");
}

TEST(CaptureFile, AbsurdRecordLengthIsRefused) {
  auto f = classic(0xa1b2c3d4u, false);
  f[24 + 8 + 3] = 0x7f;  // first incl_len ~ 2^30
  const auto r = parse_capture_file(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->field, "record[0].incl_len");
  EXPECT_TRUE(r.partial.packets.empty());
}

}  // namespace
