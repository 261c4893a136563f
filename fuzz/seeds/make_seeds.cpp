// Writes the seed corpora of the fuzz targets: valid messages made by the codecs themselves (so the fuzzers start
// from inputs that get past every length and type check) and a few broken ones that stop at each kind of error.
// Deterministic; the output is committed under fuzz/corpus/. Usage: make_seeds <fuzz/corpus>
// Prints one line per seed (with describe_frame's text for frames), to review what each seed is.
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/describe.h"
#include "harness/wire/extension.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

#include <tins/arp.h>
#include <tins/dot1q.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace mipvpn::wire;
namespace fs = std::filesystem;
using ByteVec = std::vector<uint8_t>;

namespace {

const ByteVec kKey = {0x6d, 0x69, 0x70, 0x76, 0x70, 0x6e, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x31};
fs::path g_root;

void write(const std::string& target, const std::string& name, const ByteVec& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream(dir / (name + ".bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::string what;
  if (target == "describe_ethernet") what = describe_frame(bytes.data(), bytes.size(), LinkType::Ethernet);
  if (target == "describe_rawip") what = describe_frame(bytes.data(), bytes.size(), LinkType::RawIP);
  std::printf("%-20s %-26s %4zu bytes %s\n", target.c_str(), name.c_str(), bytes.size(), what.c_str());
}

ByteVec cat(ByteVec a, const ByteVec& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

ByteVec truncated(ByteVec b, size_t n) {
  b.resize(n);
  return b;
}

ByteVec with(ByteVec b, size_t at, uint8_t value) {
  b.at(at) = value;
  return b;
}

RegistrationRequest rrq_mnha() {
  RegistrationRequest r(1800, "10.0.1.100", "10.0.1.1", "10.0.2.2", 0xea5d1f2b80000001ull,
                        RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

RegistrationRequest rrq_full() {
  RegistrationRequest r(600, "10.0.1.100", "10.0.1.1", "10.0.2.1", 0xea5d1f2b80000002ull,
                        RegistrationRequest::kFlagS | RegistrationRequest::kFlagG | RegistrationRequest::kFlagT);
  r.add_extension(ShortExtension{UdpTunnelRequest, 0, {0x80, 4, 0, 0}}.to_extension());  // RFC 3519 3.1
  r.add_extension(Extension{EncapsulatingDeliveryStyle, {}, 0});                         // RFC 3024 3.3
  r.add_extension(Extension{Pad, {}, 0});
  r.add_authentication(MnHaAuth, 256, kKey);
  r.add_authentication(MnFaAuth, 257, kKey);
  return r;
}

RegistrationReply rrp_accepted() {
  RegistrationReply r(0, 1800, "10.0.1.100", "10.0.1.1", 0xea5d1f2b80000001ull);
  r.add_authentication(MnHaAuth, 256, kKey);
  return r;
}

RegistrationReply rrp_denied() {
  RegistrationReply r(131, 0, "10.0.1.100", "10.0.1.1", 0xea5d1f2b80000002ull);  // 131: MN failed authentication
  r.add_extension(ShortExtension{UdpTunnelReply, 0, {0, 0, 0, 30}}.to_extension());
  r.add_authentication(MnHaAuth, 256, kKey);
  r.add_authentication(FaHaAuth, 300, kKey);
  return r;
}

AgentAdvertisement advert_fa() {
  AgentAdvertisement a;
  a.code(AgentAdvertisement::kCodeNoCommonTraffic);
  a.add_router_address("10.0.2.1", 5);
  a.add_router_address("10.0.3.1", -1);
  a.sequence_number(257);
  a.registration_lifetime(600);
  a.r(true);
  a.f(true);
  a.g(true);
  a.t(true);
  a.u(true);
  a.add_care_of_address("10.0.2.1");
  a.add_care_of_address("10.0.3.1");
  a.prefix_lengths({24, 16});
  a.pad(true);
  return a;
}

AgentAdvertisement advert_ha() {
  AgentAdvertisement a;
  a.add_router_address("10.0.1.1", 0);
  a.registration_lifetime(AgentAdvertisement::kInfiniteLifetime);
  a.h(true);
  return a;
}

// The same advertisement with Addr Entry Size 3 (RFC 1256 allows more words per entry; the third is dropped).
ByteVec advert_entry_size_3() {
  AgentAdvertisement a = advert_ha();
  a.addr_entry_size(3);
  return a.bytes();
}

AgentSolicitation solicitation(uint8_t code, uint32_t reserved, ByteVec trailing) {
  AgentSolicitation s;
  s.code(code);
  s.reserved(reserved);
  s.trailing_bytes(std::move(trailing));
  return s;
}

// Frames around a message, built with libtins (which computes lengths and checksums). Never a 0.0.0.0 source: libtins
// would fill in this machine's address, and the seeds must not depend on where they were made.
Tins::IP ip(const char* src, const char* dst, uint8_t ttl = 64) {
  Tins::IP p(dst, src);
  p.ttl(ttl);
  return p;
}

ByteVec udp_packet(const char* src, const char* dst, uint16_t sport, uint16_t dport, const ByteVec& payload) {
  return (ip(src, dst) / Tins::UDP(dport, sport) / Tins::RawPDU(payload)).serialize();
}

ByteVec proto_packet(const char* src, const char* dst, uint8_t protocol, const ByteVec& payload, uint8_t ttl = 64) {
  Tins::IP p = ip(src, dst, ttl) / Tins::RawPDU(payload);
  p.protocol(protocol);
  return p.serialize();
}

ByteVec ether(const ByteVec& packet, uint16_t type = 0x0800) {
  ByteVec f = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, static_cast<uint8_t>(type >> 8),
               static_cast<uint8_t>(type)};
  return cat(f, packet);
}

void messages() {
  const ByteVec rrq = rrq_mnha().bytes(), full = rrq_full().bytes();
  const ByteVec rrp = rrp_accepted().bytes(), denied = rrp_denied().bytes();
  const ByteVec adv = advert_fa().bytes(), ha = advert_ha().bytes(), es3 = advert_entry_size_3();
  const ByteVec sol = solicitation(0, 0, {}).bytes(), sol_odd = solicitation(1, 0xdeadbeef, {1, 2, 3}).bytes();

  for (const std::string t : {"registration_request", "roundtrip"}) {
    write(t, "rrq_mnha", rrq);
    write(t, "rrq_tunnel_pad_mnha_mnfa", full);
    write(t, "rrq_no_extensions", truncated(rrq, 24));
    write(t, "rrq_dereg", RegistrationRequest(0, "10.0.1.100", "10.0.1.1", "10.0.1.100", 7).bytes());
  }
  write("registration_request", "bad_truncated_fixed", truncated(rrq, 23));
  write("registration_request", "bad_type", with(rrq, 0, 3));
  write("registration_request", "bad_ext_length", with(rrq, 25, 40));
  write("registration_request", "bad_lone_type", cat(truncated(rrq, 24), {32}));

  for (const std::string t : {"registration_reply", "roundtrip"}) {
    write(t, "rrp_accepted", rrp);
    write(t, "rrp_denied_fa_ha", denied);
  }
  write("registration_reply", "bad_truncated_fixed", truncated(rrp, 19));
  write("registration_reply", "bad_type", with(rrp, 0, 1));
  write("registration_reply", "bad_ext_length", with(rrp, 21, 200));

  for (const std::string t : {"agent_advertisement", "roundtrip"}) {
    write(t, "adv_fa_prefix_pad", adv);
    write(t, "adv_ha_only", ha);
    write(t, "adv_entry_size_3", es3);
  }
  write("agent_advertisement", "bad_checksum", with(adv, 3, static_cast<uint8_t>(adv[3] ^ 0xff)));
  write("agent_advertisement", "bad_no_mobility_ext", truncated(ha, 16));
  write("agent_advertisement", "bad_mobility_length", with(ha, 17, 5));
  write("agent_advertisement", "bad_truncated_header", truncated(adv, 7));

  // Words summing to 0xffff: the encoder writes checksum 0x0000, and 0xffff (ones' complement's other zero) verifies.
  ByteVec sol_ffff = solicitation(0, 0xf5ff0000, {}).bytes();
  sol_ffff[2] = sol_ffff[3] = 0xff;
  for (const std::string t : {"agent_solicitation", "roundtrip"}) {
    write(t, "sol", sol);
    write(t, "sol_code_reserved_trailing", sol_odd);
    write(t, "sol_checksum_ffff", sol_ffff);
  }
  write("agent_solicitation", "bad_checksum", with(sol, 2, 0x12));
  write("agent_solicitation", "bad_truncated", truncated(sol, 7));

  // Extension lists as they follow a fixed part.
  for (const std::string t : {"extensions", "roundtrip"}) {
    write(t, "ext_mnha", ByteVec(rrq.begin() + 24, rrq.end()));
    write(t, "ext_tunnel_pad_mnha_mnfa", ByteVec(full.begin() + 24, full.end()));
    write(t, "ext_long_format", {200, 1, 0, 3, 0xaa, 0xbb, 0xcc});  // 1.10: Type, Sub-Type, 16-bit Length, Data
  }
  write("extensions", "bad_length_past_end", {32, 20, 0, 0, 1, 0});
  write("extensions", "bad_lone_type", {0, 0, 33});
  write("extensions", "bad_auth_short", {32, 2, 0, 1});
}

void frames() {
  const ByteVec rrq = rrq_mnha().bytes(), rrp = rrp_accepted().bytes();
  std::vector<std::pair<std::string, ByteVec>> packets;
  packets.push_back({"udp_rrq", udp_packet("10.0.2.2", "10.0.1.1", 40000, 434, rrq)});
  packets.push_back({"udp_rrp", udp_packet("10.0.1.1", "10.0.2.2", 434, 40000, rrp)});
  packets.push_back({"icmp_adv", proto_packet("10.0.2.1", "224.0.0.1", 1, advert_fa().bytes(), 1)});
  packets.push_back({"icmp_sol", proto_packet("10.0.2.2", "224.0.0.2", 1, solicitation(0, 0, {}).bytes(), 1)});
  packets.push_back({"icmp_echo", proto_packet("10.0.1.100", "10.0.1.1", 1,
                                               {8, 0, 0xf7, 0xfc, 0, 1, 0, 2} /* checksum over this message */)});
  const ByteVec inner = udp_packet("10.0.1.100", "10.0.1.1", 40000, 434, rrq);
  packets.push_back({"ipip_rrq", proto_packet("10.0.2.1", "10.0.1.1", 4, inner)});
  packets.push_back({"gre_rrq", proto_packet("10.0.2.1", "10.0.1.1", 47, cat({0, 0, 0x08, 0x00}, inner))});
  packets.push_back({"minenc", proto_packet("10.0.1.1", "10.0.2.1", 55,
                                            cat({17, 0x80, 0, 0, 10, 0, 1, 100, 10, 0, 1, 1}, ByteVec(16, 0x42)))});
  packets.push_back({"esp", proto_packet("10.0.2.2", "10.0.1.1", 50, cat({0, 0, 0x10, 0, 0, 0, 0, 3}, ByteVec(32, 7)))});
  packets.push_back({"udp4500_esp", udp_packet("10.0.2.2", "10.0.1.1", 4500, 4500,
                                               cat({0, 0, 0x10, 0, 0, 0, 0, 4}, ByteVec(32, 7)))});
  packets.push_back({"udp4500_keepalive", udp_packet("10.0.2.2", "10.0.1.1", 4500, 4500, {0xff})});
  packets.push_back({"udp500_ike", udp_packet("10.0.2.2", "10.0.1.1", 500, 500, ByteVec(28, 0))});
  packets.push_back({"tunnel_data", udp_packet("10.0.2.2", "10.0.1.1", 434, 434, cat({4, 4, 0, 0}, inner))});
  ByteVec frag = udp_packet("10.0.2.2", "10.0.1.1", 40000, 434, rrq);
  frag[6] |= 0x20;  // MF: first fragment (checksum left stale: also a bad-checksum seed)
  packets.push_back({"bad_first_fragment", frag});
  packets.push_back({"bad_ihl", with(packets[0].second, 0, 0x4f)});
  packets.push_back({"bad_udp_checksum", with(packets[0].second, 27, static_cast<uint8_t>(packets[0].second[27] ^ 1))});
  packets.push_back({"bad_truncated_ip", truncated(packets[0].second, 19)});

  for (const auto& [name, packet] : packets) {
    write("describe_rawip", name, packet);
    write("describe_ethernet", name, ether(packet));
  }
  ByteVec vlan = cat(ether({0x00, 0x05, 0x08, 0x00}, 0x8100), packets[0].second);  // 802.1Q VLAN 5
  write("describe_ethernet", "vlan_udp_rrq", vlan);
  const Tins::EthernetII arp = Tins::ARP::make_arp_request("10.0.1.1", "10.0.1.100", "02:00:00:00:00:02");
  write("describe_ethernet", "arp_request", Tins::EthernetII(arp).serialize());
  write("describe_ethernet", "bad_truncated_ethernet", ByteVec(13, 0x02));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  messages();
  frames();
  return 0;
}
