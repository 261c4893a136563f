// Writes the seed corpora of the fuzz targets: valid messages made by the codecs themselves (so the fuzzers start
// from inputs that get past every length and type check) and a few broken ones that stop at each kind of error.
// Deterministic; the output is committed under fuzz/corpus/. Usage: make_seeds <fuzz/corpus>
// Prints one line per seed (with describe_frame's text for frames), to review what each seed is.
#include "fuzz/fuzz_sas.h"
#include "harness/net/pcapng.h"
#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/describe.h"
#include "harness/wire/esp.h"
#include "harness/wire/esp_crypto.h"
#include "harness/wire/esp_keys.h"
#include "harness/wire/extension.h"
#include "harness/wire/gre.h"
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_payload.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/ip_in_ip.h"
#include "harness/wire/minimal_encap.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/stack.h"
#include "harness/wire/tunnel_data.h"

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
namespace wire = mipvpn::wire;
namespace net = mipvpn::net;
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
  if (target == "frame_ethernet" || target == "frame_rawip") {  // with the fuzz SAs, as the targets decode them
    DecodeOptions keyed;
    keyed.esp_keys = &mipvpn::fuzz::fuzz_keyring();
    what = decode_frame(bytes, target == "frame_ethernet" ? LinkType::Ethernet : LinkType::RawIP, keyed).summary();
  }
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

// ---- Seeds of the targets added with ESP, IKE and the tunnels (fuzz_esp ... fuzz_capture_file) ----

using mipvpn::fuzz::fuzz_sas;
namespace fz = mipvpn::fuzz;

const Tins::IPv4Address kMn("10.0.1.100"), kHa("10.0.1.1"), kCoa("10.0.2.2"), kFa("10.0.2.1"), kNat("10.0.3.2"),
    kCn("10.0.5.5");

// A fixed IV per SA and sequence number: seeds must not depend on RAND_bytes.
ByteVec iv_for(const EspSa& sa, uint32_t seq) {
  ByteVec iv(esp_algorithm_info(sa.alg).iv_length);
  for (size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<uint8_t>(0xa0 + i + seq * 7 + sa.spi);
  return iv;
}

ByteVec esp_packet(size_t sa_index, uint32_t seq, const ByteVec& payload, uint8_t next_header, size_t extra = 0) {
  const EspSa& sa = fuzz_sas().at(sa_index);
  return esp_encrypt(sa, seq, payload, next_header, iv_for(sa, seq), extra);
}

ByteVec zero_udp_checksum(ByteVec packet) {  // RFC 3948 2.1: ESP-in-UDP and keepalives go without one
  const size_t ihl = size_t{packet.at(0) & 0x0fu} * 4;
  packet.at(ihl + 6) = packet.at(ihl + 7) = 0;
  return packet;
}

ByteVec rrq_packet() { return udp_packet("10.0.1.100", "10.0.1.1", 434, 434, rrq_mnha().bytes()); }

// ---- IKE messages ----

constexpr uint64_t kSpiI = 0x8a3c110e5b279001ull, kSpiR = 0x4d2f9a7c01e65b33ull;
constexpr uint64_t kCookieI = 0x3b9f0c7122e45806ull, kCookieR = 0x77a1c0de5eed1e55ull;

IkeSecurityAssociation ikev2_sa(uint8_t protocol, ByteVec spi, bool dh) {
  IkeProposal p;
  p.number = 1;
  p.protocol_id = protocol;
  p.spi = std::move(spi);
  IkeTransform encr, prf, integ, group, esn;
  encr.type = 1;
  encr.id = 12;  // ENCR_AES_CBC
  encr.attributes.push_back(IkeAttribute{14, true, 128, {}});
  prf.type = 2;
  prf.id = 5;
  integ.type = 3;
  integ.id = 12;
  group.type = 4;
  group.id = 14;
  esn.type = 5;
  esn.id = 0;
  p.transforms = {encr, integ};
  if (protocol == 1) p.transforms.insert(p.transforms.begin() + 1, prf);
  if (dh) p.transforms.push_back(group);
  if (protocol != 1) p.transforms.push_back(esn);
  IkeSecurityAssociation sa;
  sa.proposals.push_back(p);
  IkeProposal gcm = p;  // a second proposal: AES-GCM-16, no INTEG
  gcm.number = 2;
  gcm.transforms.erase(gcm.transforms.begin() + (protocol == 1 ? 2 : 1));
  gcm.transforms[0].id = 20;
  gcm.transforms[0].attributes[0].value = 256;
  sa.proposals.push_back(gcm);
  return sa;
}

ByteVec fill(size_t n, uint8_t b) { return ByteVec(n, b); }

ByteVec ike_sa_init_request() {
  IkeV2Message m(kSpiI, 0, IkeSaInit, IkeV2Message::kFlagI, 0);
  m.add_payload(IkeSa, ikev2_sa(1, {}, true).body(IkeVersion::V2));
  m.add_payload(IkeKe, IkeKeyExchange{14, 0, fill(256, 0xa5)}.body(IkeVersion::V2));
  m.add_payload(IkeNonce, fill(32, 0x4e));
  m.add_payload(IkeNotifyPayload,
                IkeNotify{0, 0, NotifyNatDetectionSourceIp, {}, fill(20, 0x51)}.body(IkeVersion::V2));
  m.add_payload(IkeNotifyPayload,
                IkeNotify{0, 0, NotifyNatDetectionDestinationIp, {}, fill(20, 0xd5)}.body(IkeVersion::V2));
  m.add_payload(IkeVendorId, fill(16, 0x76));
  return m.bytes();
}

ByteVec ike_sa_init_invalid_ke() {  // responder asks for another group (RFC 7296 1.3)
  IkeV2Message m(kSpiI, 0, IkeSaInit, IkeV2Message::kFlagR, 0);
  m.add_payload(IkeNotifyPayload, IkeNotify{0, 0, NotifyInvalidKePayload, {}, {0, 19}}.body(IkeVersion::V2));
  return m.bytes();
}

ByteVec ike_sa_init_cookie() {
  IkeV2Message m(kSpiI, 0, IkeSaInit, IkeV2Message::kFlagR, 0);
  m.add_payload(IkeNotifyPayload, IkeNotify{0, 0, NotifyCookie, {}, fill(24, 0xc0)}.body(IkeVersion::V2));
  return m.bytes();
}

ByteVec ike_encrypted(uint8_t exchange, uint8_t flags, uint32_t msgid, uint8_t first, size_t ct) {
  IkeV2Message m(kSpiI, kSpiR, exchange, flags, msgid);
  ByteVec body = fill(16, 0x11);  // IV
  body.resize(16 + ct, 0xc3);
  body.resize(16 + ct + 16, 0x1c);  // ICV
  m.add_encrypted(first, body);
  return m.bytes();
}

ByteVec ike_fragment() {  // SKF (RFC 7383): Fragment Number 1 of 2 before the IV
  IkeV2Message m(kSpiI, kSpiR, IkeAuth, IkeV2Message::kFlagI, 1);
  ByteVec body = {0, 1, 0, 2};
  body.resize(4 + 16 + 48 + 16, 0x5f);
  m.add_payload(IkeEncryptedFragment, body);
  return m.bytes();
}

ByteVec ike_plain_delete() {  // a Delete outside SK: 1.2 wants it encrypted, which validate() says
  IkeV2Message m(kSpiI, kSpiR, IkeInformational, IkeV2Message::kFlagI, 5);
  m.add_payload(IkeDelete, {3, 4, 0, 2, 0, 0, 0x10, 0x01, 0, 0, 0x10, 0x02});
  m.add_payload(IkeNotifyPayload,
                IkeNotify{0, 3, NotifyRekeySa, {0, 0, 0x10, 0x01}, {}}.body(IkeVersion::V2), true);
  return m.bytes();
}

ByteVec ike_child_sa_plain() {  // CREATE_CHILD_SA payloads in the clear (only for the body decoders)
  IkeV2Message m(kSpiI, kSpiR, CreateChildSa, IkeV2Message::kFlagI, 3);
  m.add_payload(IkeSa, ikev2_sa(3, {0, 0, 0x10, 0x05}, false).body(IkeVersion::V2));
  m.add_payload(IkeNonce, fill(16, 0x33));
  m.add_payload(IkeKe, IkeKeyExchange{2, 0, fill(128, 0x44)}.body(IkeVersion::V2));
  m.add_payload(IkeTsi, {1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 1, 100, 10, 0, 1, 100});
  return m.bytes();
}

IkeSecurityAssociation ikev1_sa() {
  IkeSecurityAssociation sa;
  sa.doi = 1;
  sa.situation = 1;
  IkeProposal p;
  p.number = 1;
  p.protocol_id = 1;  // PROTO_ISAKMP
  IkeTransform t;
  t.number = 1;
  t.id = 1;  // KEY_IKE
  t.attributes = {{1, true, 7, {}},  {14, true, 128, {}}, {2, true, 2, {}},
                  {3, true, 1, {}},  {4, true, 14, {}},   {11, true, 1, {}},
                  {12, false, 0, {0x00, 0x01, 0x51, 0x80}}};
  IkeTransform t2 = t;
  t2.number = 2;
  t2.attributes[1].value = 256;
  p.transforms = {t, t2};
  sa.proposals.push_back(p);
  return sa;
}

ByteVec ikev1_main_mode() {
  IkeV1Message m(kCookieI, 0, IsakmpIdentityProtection, 0, 0);
  m.add_payload(IsakmpSa, ikev1_sa().body(IkeVersion::V1));
  m.add_payload(IsakmpVendorId, fill(16, 0x4a));
  m.add_payload(IsakmpVendorId, fill(16, 0x90));
  return m.bytes();
}

ByteVec ikev1_aggressive() {
  IkeV1Message m(kCookieI, 0, IsakmpAggressive, 0, 0);
  m.add_payload(IsakmpSa, ikev1_sa().body(IkeVersion::V1));
  m.add_payload(IsakmpKe, fill(256, 0x61));
  m.add_payload(IsakmpNonce, fill(20, 0x62));
  m.add_payload(IsakmpId, {1, 17, 1, 244, 10, 0, 2, 2});
  m.add_payload(IsakmpNatD, fill(20, 0x63));
  return m.bytes();
}

ByteVec ikev1_quick_mode() {  // encrypted (E): the body is ciphertext
  IkeV1Message m(kCookieI, kCookieR, IkeV1QuickMode, IkeV1Message::kFlagE, 0x1d2c3b4a);
  m.next_payload(IsakmpHash);
  m.encrypted_body(fill(64, 0xe7));
  return m.bytes();
}

ByteVec ikev1_informational() {
  IkeV1Message m(kCookieI, kCookieR, IsakmpInformational, 0, 0x0badcafe);
  m.add_payload(IsakmpNotify, IkeNotify{1, 1, 24, fill(16, 0xcc), {}}.body(IkeVersion::V1));
  m.add_payload(IsakmpDelete, {0, 0, 0, 1, 3, 4, 0, 1, 0, 0, 0x10, 0x02});
  return m.bytes();
}

ByteVec marker(const ByteVec& ike) { return cat({0, 0, 0, 0}, ike); }

// ---- seeds per target ----

void esp_seeds() {
  const ByteVec inner = rrq_packet();
  const ByteVec udp = cat({0x9c, 0x40, 0x01, 0xb2, 0, 12, 0, 0}, {1, 2, 3, 4});  // transport-mode UDP, any checksum
  for (size_t i = 0; i < fz::kFuzzSaCount; ++i) {
    const std::string alg = esp_algorithm_info(fuzz_sas()[i].alg).name;
    const std::string n = "sa" + std::to_string(i) + "_" + alg;
    const ByteVec tunnel = esp_packet(i, 1, inner, 4);
    const uint8_t idx = static_cast<uint8_t>(i);
    write("esp", n + "_tunnel", cat({0x00}, tunnel));
    write("esp", n + "_tunnel_forge", cat({static_cast<uint8_t>(0x10 | idx)}, tunnel));
    write("esp", n + "_transport_forge", cat({static_cast<uint8_t>(0x10 | idx)}, esp_packet(i, 2, udp, 17, 16)));
    write("esp", n + "_roundtrip", cat({static_cast<uint8_t>(0x20 | idx), 0, 0, 0, 3, 4, 1, 0x42}, inner));
  }
  const ByteVec null_pkt = esp_packet(fz::kSaNullSha1, 7, inner, 4);
  write("esp", "null_dummy_forge", cat({0x13}, esp_packet(fz::kSaNullSha1, 8, {}, 59)));
  // NULL encryption shows the trailer: a Pad Length larger than the plaintext, and non-default padding, each with the
  // ICV recomputed by the target (mode 1) so the trailer is what fails.
  ByteVec bad_pad = null_pkt;
  bad_pad[bad_pad.size() - 12 - 2] = 250;
  write("esp", "null_bad_pad_length_forge", cat({0x13}, bad_pad));
  ByteVec odd_pad = esp_packet(fz::kSaNullSha1, 9, inner, 4, 8);
  odd_pad[odd_pad.size() - 12 - 3] = 0xee;
  write("esp", "null_nondefault_padding_forge", cat({0x13}, odd_pad));
  ByteVec bad_icv = esp_packet(fz::kSaCbcSha1, 3, inner, 4);
  bad_icv.back() ^= 1;
  write("esp", "bad_icv", cat({0x00}, bad_icv));
  ByteVec cbc_misaligned = esp_packet(fz::kSaCbcSha256, 4, inner, 4);
  cbc_misaligned.erase(cbc_misaligned.begin() + 40);  // ciphertext no longer a multiple of 16
  write("esp", "bad_cbc_misaligned_forge", cat({0x12}, cbc_misaligned));
  write("esp", "bad_truncated_header", {0x00, 0, 0, 0x10, 0x01, 0, 0});
  write("esp", "bad_spi0_seq0", cat({0x00}, ByteVec(8, 0)));
  write("esp", "bad_no_icv_forge", cat({0x11}, truncated(esp_packet(fz::kSaCbcSha1, 5, inner, 4), 30)));
}

void esp_keys_seeds() {
  write("esp_keys", "fuzz_sas", [] {
    const std::string f = wireshark_esp_sa_file(fuzz_sas());
    return ByteVec(f.begin(), f.end());
  }());
  const std::string variants =
      "# comment\r\n"
      "\r\n"
      "  \"IPv4\" , \"*\" , \"10.0.1.1\" , \"4097\" , \"NULL\" , \"\" , \"HMAC-SHA-1-96 [RFC2404]\" , "
      "\"0x0102030405060708090a0b0c0d0e0f1011121314\"\r\n"
      "\"IPv4\",\"10.0.2.2\",\"*\",\"010001\",\"AES-CBC [RFC3602]\",\"sixteen-byte-key\","
      "\"HMAC-SHA-256-128 [RFC4868]\",\"thirty-two-byte-authentication!\"\n"
      "\"IPv4\",\"*\",\"*\",\"0X1003\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x123\",\"NULL\",\"\"\n"
      "\"IPv4\",\"*\",\"*\",\"0x1007\",\"AES-GCM with 16 octet ICV [RFC4106]\","
      "\"\\x30x000102030405060708090a0b0c0d0e0f\\061\\062\\063\\064\\065\\066\\067\\070\",\"NULL\",\"\"\n"
      "495076\"\",\"*\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n";
  write("esp_keys", "variants_crlf_escapes", ByteVec(variants.begin(), variants.end()));
  const std::string errors =
      "\"IPv6\",\"*\",\"*\",\"0x1\",\"NULL\",\"\",\"HMAC-SHA-1-96 [RFC2404]\",\"0x00\"\n"
      "\"IPv4\",\"10.0.*.*\",\"10.0.1.1/24\",\"*\",\"TripleDES-CBC [RFC2451]\",\"0xzz\",\"HMAC-MD5-96 [RFC2403]\",\"\"\n"
      "\"IPv4\",\"01.2.3.4\",\"256.1.1.1\",\"0x100000000\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x00\","
      "\"HMAC-SHA-1-96 [RFC2404]\",\"\"\n"
      "\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n"
      "\"IPv4\",\"*\",\"*\"\n"
      "\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\",\"extra\"\n"
      "\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\\x\"\n"
      "\"IPv4\",unquoted\n"
      "\"unterminated\n";
  write("esp_keys", "bad_fields", ByteVec(errors.begin(), errors.end()));
}

void udp_encap_seeds() {
  write("udp_encap", "keepalive", {0xff});
  write("udp_encap", "keepalive_bad_value", {0x00});
  write("udp_encap", "keepalive_long", {0xff, 0xff, 0x00});
  write("udp_encap", "ike_after_marker", marker(ike_encrypted(IkeAuth, IkeV2Message::kFlagI, 1, IkeIdi, 64)));
  write("udp_encap", "esp_gcm", esp_packet(fz::kSaGcm128, 1, rrq_packet(), 4));
  write("udp_encap", "esp_header_only", {0, 0, 0x10, 0x01, 0, 0, 0, 1});
  write("udp_encap", "bad_three_octets", {0x12, 0x34, 0x56});
  write("udp_encap", "bad_five_octets", {0x00, 0x00, 0x10, 0x01, 0x00});
  write("udp_encap", "bad_marker_short", {0x00, 0x00, 0x00});
}

void ike_seeds() {
  const ByteVec init = ike_sa_init_request();
  write("ike", "v2_sa_init_request", init);
  write("ike", "v2_sa_init_invalid_ke", ike_sa_init_invalid_ke());
  write("ike", "v2_sa_init_cookie", ike_sa_init_cookie());
  write("ike", "v2_ike_auth", ike_encrypted(IkeAuth, IkeV2Message::kFlagI, 1, IkeIdi, 96));
  write("ike", "v2_create_child_sa", ike_encrypted(CreateChildSa, IkeV2Message::kFlagI, 2, IkeSa, 160));
  write("ike", "v2_informational_response", ike_encrypted(IkeInformational, IkeV2Message::kFlagR, 3, IkeNoNext, 16));
  write("ike", "v2_skf_fragment", ike_fragment());
  write("ike", "v2_plain_delete_critical", ike_plain_delete());
  write("ike", "v2_child_sa_plain", ike_child_sa_plain());
  write("ike", "v1_main_mode", ikev1_main_mode());
  write("ike", "v1_aggressive", ikev1_aggressive());
  write("ike", "v1_quick_mode_encrypted", ikev1_quick_mode());
  write("ike", "v1_informational", ikev1_informational());
  write("ike", "bad_truncated_header", truncated(init, 27));
  write("ike", "bad_payload_length_past_end", with(init, 28 + 3, 0xff));
  write("ike", "bad_payload_length_below_4", with(with(init, 28 + 2, 0), 28 + 3, 2));
  write("ike", "bad_sa_proposal_length", with(init, 28 + 4 + 3, 0x07));
  // (A chain longer than kMaxIkePayloads takes 4 KB; tests/wire covers it, and a seed that size would make every
  // mutation of this corpus that long.)
  // For the classifier: 8-byte records (src/dst/ports/version, SPIs, exchange, flags, msgid, time) of an IKE_SA_INIT,
  // its response, IKE_AUTH, CREATE_CHILD_SA, ESP on two SPIs with a replay and a gap, and a move to a new address.
  write("ike", "classifier_sequence",
        {0x11, 0x01, 0x00, 0x08, 0x00, 0, 0, 1,  0x14, 0x09, 0x00, 0x20, 0x00, 0, 0, 1,
         0x11, 0x09, 0x01, 0x08, 0x01, 0, 0, 1,  0x14, 0x09, 0x01, 0x20, 0x01, 0, 0, 1,
         0x11, 0x09, 0x02, 0x08, 0x02, 0, 0, 1,  0x14, 0x09, 0x02, 0x20, 0x02, 0, 0, 1,
         0xc4, 0x01, 0x00, 0x01, 0x00, 0, 0, 1,  0xc4, 0x01, 0x00, 0x02, 0x00, 0, 0, 1,
         0xc4, 0x01, 0x00, 0x02, 0x00, 0, 0, 1,  0xc1, 0x02, 0x00, 0x01, 0x00, 0, 0, 1,
         0xc1, 0x02, 0x00, 0x50, 0x00, 0, 0, 1,  0xc6, 0x02, 0x00, 0x51, 0x00, 0, 0, 1,
         0x12, 0x09, 0x03, 0x08, 0x03, 0, 0, 1,  0x51, 0x0d, 0x01, 0x00, 0x00, 0, 0, 1});
}

void gre_seeds() {
  const ByteVec inner = rrq_packet();
  write("gre", "plain_ipv4", cat({0, 0, 0x08, 0x00}, inner));
  Gre ks(Gre::kProtoIPv4);
  ks.key(0x00001234);
  ks.sequence_number(7);
  write("gre", "key_seq", ks.bytes(inner));
  Gre cks = ks;
  cks.c(true);
  write("gre", "checksum_key_seq", cks.bytes(inner));
  write("gre", "bad_checksum", with(cks.bytes(inner), 4, 0x5a));
  Gre rt(Gre::kProtoIPv4);
  rt.add_sre(Gre::SourceRouteEntry{0x0800, 4, {10, 0, 2, 1, 10, 0, 1, 1}, 0});
  rt.add_sre(Gre::SourceRouteEntry{0x0800, 0, {10, 0, 3, 1}, 0});
  rt.offset(4);
  write("gre", "routing_sres", rt.bytes(inner));
  Gre v1(0x880b);  // PPTP's enhanced GRE (version 1)
  v1.version(1);
  v1.key(0x00400001);
  write("gre", "version1_pptp", v1.bytes(fill(12, 0x7e)));
  Gre teb(Gre::kProtoTransparentEthernet);
  write("gre", "transparent_ethernet", teb.bytes(ether(inner)));
  write("gre", "bad_truncated_key", {0x20, 0x00, 0x08, 0x00, 0x00, 0x00});
  write("gre", "bad_unterminated_routing", {0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0x08, 0x00, 0, 4, 1, 2, 3, 4});
}

ByteVec cn_packet() { return udp_packet("10.0.5.5", "10.0.1.100", 5000, 6000, fill(24, 0x64)); }

void minimal_encap_seeds() {
  const ByteVec original = cn_packet();
  write("minimal_encap", "s1_from_ha", encapsulate_minimal(original, kHa, kCoa).value());
  ByteVec from_cn = encapsulate_minimal(original, kCn, kCoa).value();
  write("minimal_encap", "s0_from_source", from_cn);
  write("minimal_encap", "original_datagram", original);
  write("minimal_encap", "bad_forwarding_checksum", with(from_cn, 22, 0x99));
  ByteVec frag = from_cn;
  frag[6] = 0x20;  // MF
  write("minimal_encap", "bad_fragment", frag);
  write("minimal_encap", "bad_s_without_source", truncated(with(from_cn, 21, 0x80), 28));
}

void ip_in_ip_seeds() {
  const ByteVec inner = rrq_packet();
  const ByteVec packet = encapsulate_ip_in_ip(inner, kHa, kCoa, 64, 1);
  write("ip_in_ip", "ha_to_coa_split_ihl", cat({0}, packet));
  write("ip_in_ip", "ha_to_coa_split_20", cat({20}, packet));
  ByteVec df = inner;
  df[6] = 0x40;
  df[10] = df[11] = 0;
  wire::detail::store16(df.data() + 10, internet_checksum(std::span<const uint8_t>(df).first(20)));
  write("ip_in_ip", "inner_df_outer_not", cat({0}, cat(truncated(packet, 20), df)));
  write("ip_in_ip", "bad_inner_ttl0", cat({0}, with(packet, 20 + 8, 0)));
  write("ip_in_ip", "bad_outer_checksum_tos", cat({0}, with(with(packet, 10, 0), 1, 0xb8)));
  write("ip_in_ip", "bad_loop_inner_src_is_exit",
        cat({0}, proto_packet("10.0.1.1", "10.0.2.2", 4, udp_packet("10.0.2.2", "10.0.1.1", 1, 2, {}))));
  ByteVec options = cat(cat({0x46}, ByteVec(packet.begin() + 1, packet.begin() + 20)), cat({1, 1, 1, 0}, inner));
  wire::detail::store16(options.data() + 2, static_cast<uint16_t>(options.size()));
  options[10] = options[11] = 0;
  wire::detail::store16(options.data() + 10, internet_checksum(std::span<const uint8_t>(options).first(24)));
  write("ip_in_ip", "outer_options_split_24", cat({24}, options));
}

ByteVec tunnel(uint8_t next, const ByteVec& inner) { return cat({TunnelData::kType, next, 0, 0}, inner); }

void tunnel_data_seeds() {
  write("tunnel_data", "keepalive", make_keepalive(kMn, kHa, 0x1234, 1).bytes());
  write("tunnel_data", "keepalive_reply", make_keepalive_reply(kHa, kMn, 0x1234, 1).bytes());
  write("tunnel_data", "ipv4_data", tunnel(4, cn_packet()));
  write("tunnel_data", "gre", tunnel(47, cat({0, 0, 0x08, 0x00}, cn_packet())));
  const ByteVec minenc = encapsulate_minimal(cn_packet(), kHa, kCoa).value();
  write("tunnel_data", "minimal_encapsulation", tunnel(55, ByteVec(minenc.begin() + 20, minenc.end())));
  write("tunnel_data", "tunnelled_own_registration", tunnel(4, rrq_packet()));
  write("tunnel_data", "bad_reserved", {4, 4, 0x12, 0x34});
  write("tunnel_data", "bad_type", {3, 4, 0, 0});
  write("tunnel_data", "bad_truncated", {4, 4, 0});
}

void mip_extensions_seeds() {
  const ByteVec req = {144, 6, 0, 0, 0x80, 4, 0, 0};
  const ByteVec rep = {44, 6, 0, 0, 0x80, 0, 0, 110};
  const ByteVec eds = {130, 0};
  const ByteVec tnc = {149, 2, 0, 0};
  const std::string nai = "mn1@home.example";
  const ByteVec nai_ext = cat({131, static_cast<uint8_t>(nai.size())}, ByteVec(nai.begin(), nai.end()));
  write("mip_extensions", "request_side", cat(cat(cat(req, eds), tnc), nai_ext));
  write("mip_extensions", "reply_side", rep);
  write("mip_extensions", "all_types_mnha", cat(cat(cat(cat(req, rep), eds), cat(tnc, nai_ext)),
                                               cat({32, 20, 0, 0, 1, 0}, fill(16, 0xaa))));
  write("mip_extensions", "nai_unprintable", {131, 6, 'm', 0, '\\', 0x7f, 0xc3, 0xa9});
  write("mip_extensions", "bad_request_length5", {144, 5, 0, 0, 0x80, 4, 0});
  write("mip_extensions", "bad_reply_length8", {44, 8, 0, 64, 0, 0, 0, 0, 0, 0});
  write("mip_extensions", "bad_eds_length2_tnc_length1", {130, 2, 0, 0, 149, 1, 0});
}

// Frames: what the raw-IP target gets; the Ethernet target gets the same behind an Ethernet header.
std::vector<std::pair<std::string, ByteVec>> stack_packets() {
  std::vector<std::pair<std::string, ByteVec>> p;
  const ByteVec inner = rrq_packet();
  // RFC 5265 outside mode: IP-in-IP | UDP 4500 | ESP (each SA) | IP | UDP 434 | RRQ.
  for (size_t i = 0; i < fz::kFuzzSaCount; ++i) {
    const ByteVec esp = esp_packet(i, static_cast<uint32_t>(i + 1), inner, 4);
    const ByteVec udp = zero_udp_checksum(udp_packet("10.0.2.2", "10.0.1.1", 4500, 4500, esp));
    p.push_back({"ipip_udp4500_esp_sa" + std::to_string(i) + "_rrq", proto_packet("10.0.3.2", "10.0.1.1", 4, udp)});
  }
  const ByteVec rrq = rrq_mnha().bytes();
  const ByteVec udp_rrq = cat({0x9c, 0x40, 0x01, 0xb2, 0, static_cast<uint8_t>(8 + rrq.size()), 0, 0}, rrq);
  p.push_back({"esp_transport_udp_rrq",
               proto_packet("10.0.2.2", "10.0.1.1", 50, esp_packet(fz::kSaCbcSha1, 9, udp_rrq, 17))});
  const ByteVec gre_in_esp = cat({0, 0, 0x08, 0x00}, inner);
  p.push_back({"esp_gre_ipv4", proto_packet("10.0.2.2", "10.0.1.1", 50, esp_packet(fz::kSaNullSha1, 3, gre_in_esp, 47))});
  const ByteVec minenc = encapsulate_minimal(cn_packet(), kHa, kCoa).value();
  p.push_back({"esp_minenc", proto_packet("10.0.1.1", "10.0.2.2", 50,
                                          esp_packet(fz::kSaGcm128, 4, ByteVec(minenc.begin() + 20, minenc.end()),
                                                     55))});
  p.push_back({"esp_dummy", proto_packet("10.0.2.2", "10.0.1.1", 50, esp_packet(fz::kSaGcm128, 5, {}, 59, 8))});
  const ByteVec esp_in = proto_packet("10.0.2.2", "10.0.1.1", 50, esp_packet(fz::kSaCbcSha1, 1, inner, 4));
  p.push_back({"esp_in_esp", proto_packet("10.0.3.2", "10.0.1.1", 50, esp_packet(fz::kSaCbcSha256, 1, esp_in, 4))});
  ByteVec bad_icv = esp_packet(fz::kSaGcm256Named, 6, inner, 4);
  bad_icv.back() ^= 0x80;
  p.push_back({"bad_esp_icv", proto_packet("10.0.2.2", "10.0.1.1", 50, bad_icv)});
  p.push_back({"esp_unknown_spi", proto_packet("10.0.2.2", "10.0.1.1", 50, cat({0, 0, 0x20, 0, 0, 0, 0, 3}, fill(40, 7)))});
  // GRE with checksum, key and sequence number; GRE with routing; GRE carrying Ethernet.
  Gre g(Gre::kProtoIPv4);
  g.c(true);
  g.key(0x00001234);
  g.sequence_number(42);
  p.push_back({"gre_csum_key_seq_rrq", proto_packet("10.0.2.1", "10.0.1.1", 47, g.bytes(inner))});
  Gre rt(Gre::kProtoIPv4);
  rt.add_sre(Gre::SourceRouteEntry{0x0800, 0, {10, 0, 2, 1, 10, 0, 1, 1}, 0});
  p.push_back({"gre_routing_rrq", proto_packet("10.0.2.1", "10.0.1.1", 47, rt.bytes(inner))});
  p.push_back({"gre_ethernet", proto_packet("10.0.2.1", "10.0.1.1", 47,
                                            Gre(Gre::kProtoTransparentEthernet).bytes(ether(inner)))});
  // Minimal encapsulation with and without the original source.
  p.push_back({"minenc_s1", minenc});
  p.push_back({"minenc_s0", encapsulate_minimal(cn_packet(), kCn, kCoa).value()});
  // RFC 3519: Tunnel Data carrying IPv4, GRE, minimal encapsulation; the keepalive.
  p.push_back({"tunnel_data_ipv4", udp_packet("10.0.2.2", "10.0.1.1", 434, 434, tunnel(4, cn_packet()))});
  p.push_back({"tunnel_data_gre",
               udp_packet("10.0.2.2", "10.0.1.1", 434, 434, tunnel(47, cat({0, 0, 0x08, 0x00}, cn_packet())))});
  p.push_back({"tunnel_data_minenc", udp_packet("10.0.1.1", "10.0.2.2", 434, 434,
                                                tunnel(55, ByteVec(minenc.begin() + 20, minenc.end())))});
  p.push_back({"tunnel_data_keepalive",
               udp_packet("10.0.2.2", "10.0.1.1", 434, 434, make_keepalive(kMn, kHa, 7, 1).bytes())});
  // IKE on 500 and on 4500 behind the Non-ESP Marker; NAT keepalives.
  p.push_back({"udp500_ike_sa_init", udp_packet("10.0.2.2", "10.0.1.1", 500, 500, ike_sa_init_request())});
  p.push_back({"udp500_ikev1_main_mode", udp_packet("10.0.2.2", "10.0.1.1", 500, 500, ikev1_main_mode())});
  p.push_back({"udp4500_ike_auth", udp_packet("10.0.2.2", "10.0.1.1", 4500, 4500,
                                              marker(ike_encrypted(IkeAuth, IkeV2Message::kFlagI, 1, IkeIdi, 96)))});
  p.push_back({"udp4500_ikev1_quick_mode", udp_packet("10.0.3.2", "10.0.1.1", 4500, 4500, marker(ikev1_quick_mode()))});
  p.push_back({"udp4500_nat_keepalive", zero_udp_checksum(udp_packet("10.0.2.2", "10.0.1.1", 4500, 4500, {0xff}))});
  p.push_back({"udp4500_bad_keepalive", udp_packet("10.0.2.2", "10.0.1.1", 40000, 4500, {0xff, 0x00})});
  // Agent discovery, a reply, and a nest deeper than the depth limit.
  p.push_back({"icmp_agent_advertisement", proto_packet("10.0.2.1", "224.0.0.1", 1, advert_fa().bytes(), 1)});
  p.push_back({"icmp_agent_solicitation", proto_packet("10.0.2.2", "224.0.0.11", 1, solicitation(0, 0, {}).bytes(), 1)});
  p.push_back({"udp_rrp", udp_packet("10.0.1.1", "10.0.2.2", 434, 434, rrp_denied().bytes())});
  ByteVec deep = inner;
  for (int i = 0; i < 14; ++i) deep = proto_packet("10.0.3.2", "10.0.1.1", 4, deep);
  p.push_back({"bad_ipip_too_deep", deep});
  return p;
}

void frame_seeds() {
  const auto packets = stack_packets();
  for (const auto& [name, packet] : packets) {
    write("frame_rawip", name, packet);
    write("frame_ethernet", name, ether(packet));
  }
  write("frame_ethernet", "vlan_ipip_esp", cat(ether({0x00, 0x07, 0x08, 0x00}, 0x8100), packets[0].second));
  const Tins::EthernetII arp = Tins::ARP::make_arp_request("10.0.1.1", "10.0.1.100", "02:00:00:00:00:02");
  write("frame_ethernet", "arp_request", Tins::EthernetII(arp).serialize());
  // Linux cooked captures (the Ethernet target also decodes its input as SLL and SLL2).
  write("frame_ethernet", "sll_ipip_esp", cat({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0, 0x08, 0x00}, packets[0].second));
  write("frame_ethernet", "sll2_ipip_esp",
        cat({0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0}, packets[0].second));
}

ByteVec pcap_file(bool big, bool nano, const std::vector<ByteVec>& frames, uint32_t link) {
  ByteVec out;
  auto u32 = [&](uint32_t v) {
    uint8_t b[4];
    wire::detail::store32(b, v);
    if (big)
      out.insert(out.end(), b, b + 4);
    else
      out.insert(out.end(), {b[3], b[2], b[1], b[0]});
  };
  auto u16 = [&](uint16_t v) {
    if (big)
      out.insert(out.end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    else
      out.insert(out.end(), {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)});
  };
  u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(65535);
  u32(link);
  uint32_t t = 1700000000;
  for (const auto& f : frames) {
    u32(t++);
    u32(nano ? 123456789 : 123456);
    u32(static_cast<uint32_t>(f.size()));
    u32(static_cast<uint32_t>(f.size()));
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

void capture_file_seeds() {
  const auto packets = stack_packets();
  std::vector<ByteVec> eth, raw;
  for (size_t i : {size_t{0}, size_t{3}, size_t{14}, size_t{21}}) {
    raw.push_back(packets.at(i).second);
    eth.push_back(ether(packets.at(i).second));
  }
  ByteVec ng = net::encode_section_header();
  auto add = [&ng](const ByteVec& b) { ng.insert(ng.end(), b.begin(), b.end()); };
  add(net::encode_interface_description("eth0", net::kLinkTypeEthernet, 65535));
  add(net::encode_interface_description("tun0", net::kLinkTypeRawIp, 1500));
  uint64_t ts = 1700000000000000000ull;
  for (size_t i = 0; i < eth.size(); ++i) {
    add(net::encode_enhanced_packet(0, ts += 1000, eth[i], 0));
    add(net::encode_enhanced_packet(1, ts += 1000, raw[i], static_cast<uint32_t>(raw[i].size() + 100)));
  }
  write("capture_file", "pcapng_eth_raw", ng);
  // A Simple Packet Block, an unknown block type and a second section.
  const ByteVec& f0 = raw[1];
  ByteVec body = {static_cast<uint8_t>(f0.size()), static_cast<uint8_t>(f0.size() >> 8), 0, 0};
  body.insert(body.end(), f0.begin(), f0.end());
  while (body.size() % 4) body.push_back(0);
  const uint32_t total = static_cast<uint32_t>(12 + body.size());
  ByteVec block = {3, 0, 0, 0, static_cast<uint8_t>(total), static_cast<uint8_t>(total >> 8), 0, 0};
  block.insert(block.end(), body.begin(), body.end());
  block.insert(block.end(), {static_cast<uint8_t>(total), static_cast<uint8_t>(total >> 8), 0, 0});
  auto idb = net::encode_interface_description("raw", net::kLinkTypeRawIp, 0);
  ByteVec unknown = {0x0b, 0x0b, 0, 0, 16, 0, 0, 0, 1, 2, 3, 4, 16, 0, 0, 0};
  ByteVec spb_file = net::encode_section_header();
  spb_file.insert(spb_file.end(), idb.begin(), idb.end());
  spb_file.insert(spb_file.end(), block.begin(), block.end());
  spb_file.insert(spb_file.end(), unknown.begin(), unknown.end());
  spb_file.insert(spb_file.end(), ng.begin(), ng.end());
  write("capture_file", "pcapng_spb_unknown_two_sections", spb_file);
  write("capture_file", "pcap_le_micro_eth", pcap_file(false, false, eth, 1));
  write("capture_file", "pcap_be_nano_raw", pcap_file(true, true, raw, 101));
  write("capture_file", "pcap_le_sll", pcap_file(false, false, {cat({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0, 8, 0},
                                                                   raw[0])},
                                                 113));
  write("capture_file", "bad_pcapng_truncated", truncated(ng, ng.size() - 6));
  write("capture_file", "bad_pcap_incl_len", with(pcap_file(false, false, eth, 1), 24 + 8 + 2, 0x7f));
  write("capture_file", "bad_magic", {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0});
}

// Inputs that once failed a target, kept as seeds (each has a regression test in tests/wire).
void found_by_fuzzing() {
  // fuzz_esp: an AES-GCM packet with no ciphertext between IV and ICV (UB in aes_gcm: null + 8).
  write("esp", "found_gcm_empty_ciphertext",
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x60, 0x30, 0x00, 0x03,
         0xa8, 0x40, 0x00, 0x00, 0x00, 0x60, 0x30, 0x00, 0xe6, 0x03, 0xa8, 0x40, 0x00, 0x00, 0x00, 0x00});
  // fuzz_frame_rawip: IHL 13 (52 bytes) in a 31-byte packet; the ip layer claimed all 52.
  const ByteVec ihl13 = {0x4d, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x63, 0xcc, 0x0a, 0xda, 0x00, 0x02,
                         0x02, 0x0a, 0x00, 0x01, 0x01, 0x9c, 0x40, 0x11, 0x94, 0x00, 0x0a, 0x3c, 0x02, 0xf6, 0x00};
  write("frame_rawip", "found_ip_ihl_past_frame", ihl13);
  write("frame_ethernet", "found_ip_ihl_past_frame", ether(ihl13));
  // fuzz_frame_*: ESP (NULL encryption) without Payload Data whose Next Header is ESP again; the inner ESP layer was
  // attributed to the frame, not to the empty plaintext buffer it came from.
  const ByteVec empty_esp = proto_packet("10.0.2.2", "10.0.1.1", 50, esp_packet(fz::kSaNullSha1, 1, {}, 50));
  write("frame_rawip", "found_empty_plaintext_esp_in_esp", empty_esp);
  write("frame_ethernet", "found_empty_plaintext_esp_in_esp", ether(empty_esp));
  // fuzz_gre: a Checksum of 0xFFFF where 0x0000 is computed (both verify by the ones' complement sum); rejected before.
  ByteVec ffff = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  ffff.resize(0x73, 0);
  ffff.insert(ffff.end(), {0xff, 0xff});
  write("gre", "found_checksum_ffff", ffff);
  write("minimal_encap", "found_checksum_ffff_header", {0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0x00});
  // fuzz_esp_keys: an address with a leading zero, which made Tins::IPv4Address(string) throw out of parse().
  const std::string zero = "\"IPv4\",\"01.2.3.4\",\"*\",\"0x1\",\"NULL\",\"\",\"HMAC-SHA-1-96 [RFC2404]\","
                           "\"0x0102030405060708090a0b0c0d0e0f1011121314\"\n";
  write("esp_keys", "found_address_leading_zero", ByteVec(zero.begin(), zero.end()));
  // fuzz_ike: an IKE header whose SPIi bytes spell "0xZZ...": the target hands IkeObservation::from a layer whose
  // spi_r text is the first 18 input bytes, and std::stoull threw on them.
  ByteVec spi_text = {'0', 'x'};
  spi_text.resize(16, 'Z');
  spi_text.resize(28, 0);
  spi_text[17] = 0x20;
  spi_text[18] = IkeSaInit;
  spi_text[19] = IkeV2Message::kFlagI;
  spi_text[27] = 28;
  write("ike", "found_observation_spi_text", spi_text);
}

void newer_decoders() {
  esp_seeds();
  esp_keys_seeds();
  udp_encap_seeds();
  ike_seeds();
  gre_seeds();
  minimal_encap_seeds();
  ip_in_ip_seeds();
  tunnel_data_seeds();
  mip_extensions_seeds();
  frame_seeds();
  capture_file_seeds();
  found_by_fuzzing();
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
  newer_decoders();
  return 0;
}
