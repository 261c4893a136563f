// Agent Advertisement / Solicitation: golden encodings from RFC 1256 + RFC 5944 2.1.1-2.1.3, checksums, libtins.
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/checksum.h"

#include <gtest/gtest.h>
#include <tins/icmp.h>
#include <tins/ip.h>

namespace mipvpn::wire {
namespace {

// Written out by hand; the checksum was computed independently (Python, RFC 1071 algorithm).
const std::vector<uint8_t> kAdvert = {
    0x09,                    // ICMP Type 9 (Router Advertisement)
    0x00,                    // Code 0: the agent also routes common traffic (2.1)
    0x6a, 0xb7,              // Checksum
    0x01,                    // Num Addrs 1
    0x02,                    // Addr Entry Size 2 (words)
    0x07, 0x08,              // Lifetime 1800 s
    10,   0,    2,    1,     // Router Address[0] 10.0.2.1
    0x00, 0x00, 0x00, 0x00,  // Preference Level[0] 0
    0x10,                    // Ext Type 16 (Mobility Agent Advertisement)
    0x0a,                    // Length 10 = 6 + 4 * 1 care-of address
    0x00, 0x05,              // Sequence Number 5
    0x01, 0x2c,              // Registration Lifetime 300 s
    0x30, 0x00,              // flags: H (0x2000) | F (0x1000)
    10,   0,    2,    1,     // Care-of Address 10.0.2.1
    0x13, 0x01, 0x18,        // Ext Type 19 (Prefix-Lengths), Length 1 (= Num Addrs), prefix length 24
    0x00,                    // Ext Type 0 (One-byte Padding)
};

const std::vector<uint8_t> kSolicitation = {
    0x0a,                    // ICMP Type 10 (Router Solicitation)
    0x00,                    // Code 0
    0xf5, 0xff,              // Checksum: ~0x0a00
    0x00, 0x00, 0x00, 0x00,  // Reserved
};

AgentAdvertisement sample_advert() {
  AgentAdvertisement a;
  a.lifetime(1800);
  a.add_router_address("10.0.2.1", 0);
  a.sequence_number(5);
  a.registration_lifetime(300);
  a.h(true);
  a.f(true);
  a.add_care_of_address("10.0.2.1");
  a.prefix_lengths({24});
  a.pad(true);
  return a;
}

TEST(AgentAdvertisement, GoldenEncoding) {
  const auto a = sample_advert();
  EXPECT_EQ(a.header_size(), kAdvert.size());
  EXPECT_EQ(a.bytes(), kAdvert);
  EXPECT_EQ(internet_checksum(kAdvert), 0);
}

TEST(AgentAdvertisement, DecodeGolden) {
  auto a = AgentAdvertisement::decode(kAdvert);
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(a->code(), 0);
  EXPECT_EQ(a->checksum(), 0x6ab7);
  EXPECT_EQ(a->num_addrs(), 1);
  EXPECT_EQ(a->addr_entry_size(), 2);
  EXPECT_EQ(a->lifetime(), 1800);
  ASSERT_EQ(a->router_addresses().size(), 1u);
  EXPECT_EQ(a->router_addresses()[0], (RouterAddress{"10.0.2.1", 0}));
  EXPECT_EQ(a->sequence_number(), 5);
  EXPECT_EQ(a->registration_lifetime(), 300);
  EXPECT_EQ(a->agent_flags(), 0x3000);
  EXPECT_TRUE(a->h());
  EXPECT_TRUE(a->f());
  EXPECT_FALSE(a->r());
  ASSERT_EQ(a->care_of_addresses().size(), 1u);
  EXPECT_EQ(a->care_of_addresses()[0], Tins::IPv4Address("10.0.2.1"));
  EXPECT_EQ(a->mobility_extension_offset(), 16u);
  EXPECT_EQ(a->mobility_extension_length(), 10);
  EXPECT_EQ(a->prefix_lengths(), std::optional<std::vector<uint8_t>>(std::vector<uint8_t>{24}));
  EXPECT_TRUE(a->pad());
  ASSERT_EQ(a->extensions().size(), 2u);
  EXPECT_EQ(a->extensions()[0].offset, 28u);
  EXPECT_EQ(a->extensions()[1].offset, 31u);
  EXPECT_EQ(a->bytes(), kAdvert);
}

TEST(AgentAdvertisement, EveryFlagBit) {
  AgentAdvertisement a;
  struct Bit {
    uint16_t mask;
    bool (AgentAdvertisement::*get)() const;
    void (AgentAdvertisement::*set)(bool);
  };
  const Bit bits[] = {{0x8000, &AgentAdvertisement::r, &AgentAdvertisement::r},
                      {0x4000, &AgentAdvertisement::b, &AgentAdvertisement::b},
                      {0x2000, &AgentAdvertisement::h, &AgentAdvertisement::h},
                      {0x1000, &AgentAdvertisement::f, &AgentAdvertisement::f},
                      {0x0800, &AgentAdvertisement::m, &AgentAdvertisement::m},
                      {0x0400, &AgentAdvertisement::g, &AgentAdvertisement::g},
                      {0x0200, &AgentAdvertisement::reserved_r, &AgentAdvertisement::reserved_r},
                      {0x0100, &AgentAdvertisement::t, &AgentAdvertisement::t},
                      {0x0080, &AgentAdvertisement::u, &AgentAdvertisement::u},
                      {0x0040, &AgentAdvertisement::x, &AgentAdvertisement::x},
                      {0x0020, &AgentAdvertisement::i, &AgentAdvertisement::i}};
  for (const auto& bit : bits) {
    (a.*bit.set)(true);
    EXPECT_EQ(a.agent_flags(), bit.mask);
    EXPECT_TRUE((a.*bit.get)());
    const auto wire = a.bytes();
    EXPECT_EQ((wire[14] << 8) | wire[15], bit.mask);  // flags word at ext offset 8 + 6 with no router address
    auto back = AgentAdvertisement::decode(wire);
    ASSERT_TRUE(back);
    EXPECT_TRUE(((*back).*bit.get)());
    (a.*bit.set)(false);
  }
}

TEST(AgentAdvertisement, RoundTripManyAddressesAndOddLength) {
  AgentAdvertisement a;
  a.code(16);
  a.lifetime(0xffff);
  for (int i = 1; i <= 3; ++i) a.add_router_address(Tins::IPv4Address("192.0.2." + std::to_string(i)), -i);
  a.registration_lifetime(AgentAdvertisement::kInfiniteLifetime);
  a.sequence_number(0xffff);
  a.f(true);
  a.t(true);
  a.u(true);
  for (int i = 1; i <= 4; ++i) a.add_care_of_address(Tins::IPv4Address("198.51.100." + std::to_string(i)));
  a.prefix_lengths({24, 25, 26});
  a.add_extension(Extension{200, {1, 2}, 0});  // odd total length: checksum pads with zero
  const auto wire = a.bytes();
  EXPECT_EQ(wire.size() % 2, 1u);
  EXPECT_EQ(internet_checksum(wire), 0);
  auto back = AgentAdvertisement::decode(wire);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->router_addresses()[2].preference, -3);
  EXPECT_EQ(back->care_of_addresses().size(), 4u);
  EXPECT_EQ(back->prefix_lengths()->size(), 3u);
  EXPECT_EQ(back->extensions(), a.extensions());
  EXPECT_EQ(back->bytes(), wire);
}

TEST(AgentAdvertisement, PrefixLengthsAndPadEditing) {
  auto a = sample_advert();
  a.prefix_lengths({16});  // replaces the existing one
  EXPECT_EQ(a.extensions().size(), 2u);
  EXPECT_EQ(a.prefix_lengths()->at(0), 16);
  a.clear_prefix_lengths();
  EXPECT_FALSE(a.prefix_lengths());
  EXPECT_TRUE(a.pad());
  a.pad(false);
  EXPECT_TRUE(a.extensions().empty());
  a.prefix_lengths({8});
  EXPECT_EQ(a.extensions()[0].offset, 28u);
  a.add_care_of_address("10.0.2.9");  // moves the extensions
  EXPECT_EQ(a.extensions()[0].offset, 32u);
  EXPECT_EQ(AgentAdvertisement::decode(a.bytes())->extensions(), a.extensions());
}

TEST(AgentAdvertisement, LimitsThrow) {
  AgentAdvertisement a;
  for (size_t i = 0; i < AgentAdvertisement::kMaxCareOfAddresses; ++i) a.add_care_of_address("10.0.0.1");
  EXPECT_THROW(a.add_care_of_address("10.0.0.1"), std::length_error);
  EXPECT_EQ(a.mobility_extension_length(), 6 + 4 * 62);
  for (int i = 0; i < 255; ++i) a.add_router_address("10.0.0.2");
  EXPECT_THROW(a.add_router_address("10.0.0.2"), std::length_error);
  EXPECT_THROW(a.addr_entry_size(1), std::invalid_argument);
  ASSERT_TRUE(AgentAdvertisement::decode(a.bytes()));
}

TEST(AgentAdvertisement, BadChecksumIsDecodeErrorOnChecksumField) {
  auto wire = kAdvert;
  wire[2] ^= 0x01;
  auto a = AgentAdvertisement::decode(wire);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "checksum");
  EXPECT_EQ(a.error().offset, 2u);
  EXPECT_NE(a.error().expected.find("0x6ab7"), std::string::npos) << a.error().expected;
  auto unchecked = AgentAdvertisement::decode(wire, false);
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(unchecked->checksum(), 0x6bb7);
  wire = kAdvert;
  wire[20] ^= 0x40;  // a payload byte: the checksum no longer matches either
  EXPECT_EQ(AgentAdvertisement::decode(wire).error().field, "checksum");
  EXPECT_THROW(AgentAdvertisement(wire.data(), static_cast<uint32_t>(wire.size())), Tins::malformed_packet);
}

TEST(AgentAdvertisement, RouterAdvertisementWithoutExtension16IsNotAnAgentAdvertisement) {
  AgentAdvertisement a;
  a.add_router_address("10.0.0.1");
  auto wire = a.bytes();
  wire.resize(16);  // RFC 1256 part only
  wire[2] = wire[3] = 0;
  const uint16_t sum = internet_checksum(wire);
  wire[2] = static_cast<uint8_t>(sum >> 8);
  wire[3] = static_cast<uint8_t>(sum);
  auto d = AgentAdvertisement::decode(wire);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().field, "mobility_agent.type");
  EXPECT_EQ(d.error().offset, 16u);
}

TEST(AgentAdvertisement, AsIpPayloadKeepsProtocol1) {
  const auto a = sample_advert();
  Tins::IP ip("224.0.0.1", "10.0.2.1");
  ip.ttl(1);
  ip.protocol(1);
  Tins::IP pkt = ip / a;
  const auto wire = pkt.serialize();
  EXPECT_EQ(wire[9], 1) << "libtins overwrote IP protocol for a user-defined inner PDU";
  EXPECT_EQ(wire[8], 1);
  EXPECT_EQ(std::vector<uint8_t>(wire.begin() + 20, wire.end()), kAdvert);
  // libtins parses it back as ICMP; the ICMP bytes decode as our message.
  Tins::IP parsed(wire.data(), static_cast<uint32_t>(wire.size()));
  ASSERT_NE(parsed.find_pdu<Tins::ICMP>(), nullptr);
  EXPECT_EQ(static_cast<int>(parsed.rfind_pdu<Tins::ICMP>().type()), 9);  // Router Advertisement
  EXPECT_TRUE(AgentAdvertisement::decode(std::span<const uint8_t>(wire.data() + 20, wire.size() - 20)));
}

TEST(AgentSolicitation, GoldenRoundTripAndIp) {
  AgentSolicitation s;
  EXPECT_EQ(s.bytes(), kSolicitation);
  auto d = AgentSolicitation::decode(kSolicitation);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->code(), 0);
  EXPECT_EQ(d->checksum(), 0xf5ff);
  EXPECT_EQ(d->reserved(), 0u);
  Tins::IP ip("255.255.255.255", "0.0.0.0");
  ip.ttl(1);
  ip.protocol(1);
  const auto wire = (ip / s).serialize();
  EXPECT_EQ(wire[9], 1);
  EXPECT_EQ(std::vector<uint8_t>(wire.begin() + 20, wire.end()), kSolicitation);

  AgentSolicitation odd;
  odd.code(3);
  odd.reserved(0x01020304);
  odd.trailing_bytes({9, 9, 9});
  auto back = AgentSolicitation::decode(odd.bytes());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code(), 3);
  EXPECT_EQ(back->reserved(), 0x01020304u);
  EXPECT_EQ(back->trailing_bytes(), (std::vector<uint8_t>{9, 9, 9}));
  EXPECT_EQ(back->bytes(), odd.bytes());
}

TEST(AgentSolicitation, Errors) {
  auto bad = kSolicitation;
  bad[7] = 1;
  auto d = AgentSolicitation::decode(bad);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().field, "checksum");
  auto cut = AgentSolicitation::decode(std::span<const uint8_t>(kSolicitation.data(), 5));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().field, "reserved");
  EXPECT_EQ(cut.error().offset, 4u);
  auto wrong = AgentSolicitation::decode(kAdvert);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "type");
  EXPECT_THROW(AgentSolicitation(bad.data(), 8), Tins::malformed_packet);
}

}  // namespace
}  // namespace mipvpn::wire
