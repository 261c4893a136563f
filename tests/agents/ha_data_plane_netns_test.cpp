// End-to-end (root only) home agent data plane in namespaces created here:
//
//   CN 10.0.1.9 (h-cn) ==home link== (h-ha) HA 10.0.1.1 (t-ha) 10.0.3.1 ===== 10.0.3.254 (t-r) ROUTER (f-r) 10.0.2.1
//                                                                                           ==foreign link== (f-mn) MN
//                                                                                                   CoA 10.0.2.100
// The MN is emulated by the test: it registers with a real RRQ (co-located care-of address), decapsulates with a
// raw proto-4 socket (or a UDP socket for RFC 3519) and reverse-tunnels its replies. The NAT variant masquerades on
// the router's t-r side with nft. mipd is the only process started, stopped by its PID.
#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include "agents/common/arp_socket.h"
#include "agents/common/gre.h"
#include "agents/common/minimal_encapsulation.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/udp_tunnel_data.h"
#include "harness/net/capture.h"
#include "harness/net/udp.h"
#include "harness/wire/authentication.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"
#include "tests/agents/mipd_lab.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using test::control_query;
using test::poll_until;
namespace wire = mipvpn::wire;

const std::vector<uint8_t> kKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
const Tins::IPv4Address kHa("10.0.1.1"), kCn("10.0.1.9"), kHoA("10.0.1.100"), kCoA("10.0.2.100"),
    kWrongCoA("10.0.2.101"), kNatAddress("10.0.3.254");
const MacAddress kMnMac = {0x02, 0x00, 0x00, 0x00, 0x01, 0x64};
constexpr uint8_t kFlagS = 0x80, kFlagD = 0x20, kFlagT = 0x02;

uint64_t fresh_id() {
  static uint64_t last = 0;
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  uint64_t id = wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000));
  if (id <= last) id = last + 1;
  return last = id;
}

// The echo reply a host at the request's destination would send (libtins builds the ICMP message).
std::optional<std::vector<uint8_t>> echo_reply_for(std::span<const uint8_t> request) {
  try {
    Tins::IP ip(request.data(), static_cast<uint32_t>(request.size()));
    const auto* icmp = ip.find_pdu<Tins::ICMP>();
    if (icmp == nullptr || icmp->type() != Tins::ICMP::ECHO_REQUEST) return std::nullopt;
    Tins::ICMP answer(Tins::ICMP::ECHO_REPLY);
    answer.id(icmp->id());
    answer.sequence(icmp->sequence());
    Tins::IP reply = Tins::IP(ip.src_addr(), ip.dst_addr()) / answer;
    if (const auto* data = icmp->find_pdu<Tins::RawPDU>()) reply /= *data;
    return reply.serialize();
  } catch (const Tins::exception_base&) {
    return std::nullopt;
  }
}

// The RFC 3519 3.1 UDP Tunnel Request a mobile node sends (Sub-Type 0, no F, Encapsulation per M and G).
wire::Extension udp_tunnel_request() { return wire::UdpTunnelRequestExtension{}.to_extension(); }

std::optional<wire::UdpTunnelReplyExtension> udp_tunnel_reply(const wire::RegistrationReply& rep) {
  for (const wire::Extension& e : rep.extensions()) {
    if (e.type == wire::UdpTunnelReply) {
      auto r = wire::UdpTunnelReplyExtension::from(e);
      if (r) return *r;
    }
  }
  return std::nullopt;
}

std::vector<uint8_t> udp_packet(const Tins::IPv4Address& src, const Tins::IPv4Address& dst, uint16_t dport,
                                const std::string& text) {
  std::vector<uint8_t> u = {0x15, 0xb3, static_cast<uint8_t>(dport >> 8), static_cast<uint8_t>(dport), 0, 0, 0, 0};
  u.insert(u.end(), text.begin(), text.end());
  u[4] = static_cast<uint8_t>(u.size() >> 8);
  u[5] = static_cast<uint8_t>(u.size());
  return build_ipv4_packet(src, dst, kProtoUdp, u);  // UDP checksum 0: none (RFC 768)
}

// An Ethernet frame's ARP body, if it is one.
std::optional<ArpPacket> arp_of(const net::Frame& f) {
  if (f.data.size() < 14 + 28 || f.data[12] != 0x08 || f.data[13] != 0x06) return std::nullopt;
  return ArpPacket::parse(std::span<const uint8_t>(f.data).subspan(14));
}
MacAddress eth_source(const net::Frame& f) {
  MacAddress m{};
  std::copy(f.data.begin() + 6, f.data.begin() + 12, m.begin());
  return m;
}
MacAddress eth_destination(const net::Frame& f) {
  MacAddress m{};
  std::copy(f.data.begin(), f.data.begin() + 6, m.begin());
  return m;
}
std::span<const uint8_t> ip_of(const net::Frame& f) {
  if (f.data.size() < 34 || f.data[12] != 0x08 || f.data[13] != 0x00) return {};
  return std::span<const uint8_t>(f.data).subspan(14);
}

class HaDataPlaneNetns : public test::NetnsTest {
 protected:
  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root and iproute2";
    ha_ = add_ns("ha");
    cn_ = add_ns("cn");
    router_ = add_ns("rt");
    mn_ = add_ns("mn");
    veth(cn_, "h-cn", "10.0.1.9/24", ha_, "h-ha", "10.0.1.1/24");
    veth(ha_, "t-ha", "10.0.3.1/24", router_, "t-r", "10.0.3.254/24");
    veth(router_, "f-r", "10.0.2.1/24", mn_, "f-mn", "10.0.2.100/24");
    run(ha_, {"ip", "route", "add", "10.0.2.0/24", "via", "10.0.3.254"});
    run(router_, {"ip", "route", "add", "10.0.1.0/24", "via", "10.0.3.1"});
    run(mn_, {"ip", "route", "add", "default", "via", "10.0.2.1"});
    run(mn_, {"ip", "addr", "add", "10.0.2.101/24", "dev", "f-mn"});  // a second, unregistered address
    for (const std::string& ns : {ha_, router_}) run(ns, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    dir_ = std::filesystem::temp_directory_path() / ("mipd-dp-" + prefix_);
    std::filesystem::create_directories(dir_);
    control_ = (dir_ / "ha.sock").string();
    ha_mac_ = net::in_netns(ha_, [] { return ArpSocket("h-ha").mac(); });
    home_capture_ = std::make_unique<net::SegmentCapture>(cn_, "h-cn", (dir_ / "home.pcapng").string());
    foreign_capture_ = std::make_unique<net::SegmentCapture>(mn_, "f-mn", (dir_ / "foreign.pcapng").string());
    public_capture_ = std::make_unique<net::SegmentCapture>(router_, "t-r", (dir_ / "public.pcapng").string());
    mn_raw_ = net::in_netns(mn_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
  }

  void TearDown() override {
    if (mipd_.started() && mipd_.running()) mipd_.stop(2000ms);
    for (auto* c : {home_capture_.get(), foreign_capture_.get(), public_capture_.get()}) {
      if (c) c->stop();
    }
    mn_raw_.reset();
    test::NetnsTest::TearDown();
    std::error_code ec;
    if (!dir_.empty() && !::testing::Test::HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  void masquerade() {
    run(router_, {"nft", "add", "table", "ip", "nat"});
    run(router_, {"nft", "add", "chain", "ip", "nat", "post", "{ type nat hook postrouting priority 100 ; }"});
    run(router_, {"nft", "add", "rule", "ip", "nat", "post", "oifname", "t-r", "masquerade"});
  }

  void start_mipd(std::vector<std::string> faults = {}, nlohmann::json extra = {}) {
    nlohmann::json cfg = {{"role", "ha"},
                          {"address", "10.0.1.1"},
                          {"home_network", "10.0.1.0/24"},
                          {"max_lifetime", 1800u},
                          {"simultaneous_bindings", true},
                          {"control_socket", control_},
                          {"mobile_nodes", {{{"home_address", "10.0.1.100"}, {"spi", 256u},
                                             {"key", "00112233445566778899aabbccddeeff"}}}},
                          {"data_plane", {{"tunnel_device", "mipha0"}, {"mtu", 1480u}}},
                          {"home_interface", "h-ha"},
                          {"udp_tunnelling", {{"enabled", true}, {"keepalive_s", 30u}, {"max_lifetime", 60u}}}};
    if (!extra.is_null()) cfg.merge_patch(extra);
    const std::string cfg_path = (dir_ / "ha.json").string();
    std::ofstream(cfg_path) << cfg.dump(2);
    log_ = (dir_ / "mipd.log").string();
    std::vector<std::string> argv = {MIPD_PATH, "--role", "ha", "--config", cfg_path, "--log", log_};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    mipd_ = net::ChildProcess(argv, ha_, (dir_ / "mipd.out").string());
    ASSERT_EQ(mipd_.start(), "");
    const bool ready = poll_until(
        [&] { return !mipd_.running() || control_query(control_, "ping").has_value(); }, 5000ms);
    ASSERT_TRUE(ready && mipd_.running()) << "mipd not ready: " << mipd_.exit_description() << "\n" << log_text();
  }

  std::string log_text() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Registers (co-located care-of address) from the MN namespace; returns the decoded reply.
  std::optional<wire::RegistrationReply> register_mn(net::UdpSocket& sock, uint16_t lifetime,
                                                     const Tins::IPv4Address& coa, uint8_t flags,
                                                     std::vector<wire::Extension> before_auth = {}) {
    wire::RegistrationRequest r(lifetime, kHoA, kHa, coa, fresh_id(), flags);
    for (auto& e : before_auth) r.add_extension(e);
    r.add_authentication(wire::MnHaAuth, 256, kKey);
    EXPECT_TRUE(sock.send_to("10.0.1.1", 434, r.bytes()));
    for (auto d = sock.recv(3s); d; d = sock.recv(3s)) {
      if (d->data.empty() || d->data[0] != 3) continue;  // tunnel data may share the socket
      auto rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
      EXPECT_TRUE(rep.ok());
      if (!rep.ok()) return std::nullopt;
      EXPECT_TRUE(wire::verify_authentication(d->data, rep->extensions().back(), kKey));
      return rep.value();
    }
    ADD_FAILURE() << "no Registration Reply\n" << log_text();
    return std::nullopt;
  }

  // Sends a Registration Request for the home address from `sock` and proves the HA answered nothing: mipd has
  // logged its verdict on the request (it decides before it would send) and no reply reached the socket or the
  // `segment` the request came over. Returns that log line.
  std::string expect_silence(net::UdpSocket& sock, const Tins::IPv4Address& coa, net::SegmentCapture& segment) {
    const uint64_t id = fresh_id();
    wire::RegistrationRequest r(600, kHoA, kHa, coa, id, kFlagD);
    r.add_authentication(wire::MnHaAuth, 256, kKey);
    const uint64_t mark = segment.frame_count();
    EXPECT_TRUE(sock.send_to("10.0.1.1", 434, r.bytes()));
    char id_text[24];
    std::snprintf(id_text, sizeof id_text, "id=0x%016llx", static_cast<unsigned long long>(id));
    std::string line;
    const bool logged = poll_until(
        [&] {
          const std::string text = log_text();
          const size_t at = text.find(id_text);
          if (at == std::string::npos) return false;
          const size_t begin = text.rfind('\n', at) + 1;
          line = text.substr(begin, text.find('\n', at) - begin);
          return true;
        },
        3000ms);
    EXPECT_TRUE(logged) << "mipd never logged the request\n" << log_text();
    EXPECT_FALSE(sock.recv(300ms)) << "an answer to an untrusted source\n" << log_text();
    for (const net::Frame& f : segment.frames(mark)) {
      auto ip = parse_ipv4_header(ip_of(f));
      EXPECT_FALSE(ip && ip->source == kHa && ip->protocol == kProtoUdp) << "UDP from the HA on the segment";
    }
    return line;
  }

  // The next IP-in-IP packet the MN's raw socket receives from the HA.
  std::optional<std::vector<uint8_t>> mn_receive_tunnelled(std::chrono::milliseconds timeout) {
    std::optional<std::vector<uint8_t>> inner;
    poll_until(
        [&] {
          while (auto p = mn_raw_->receive()) {
            auto outer = parse_ipv4_header(p->bytes);
            if (outer && outer->source == kHa) {
              auto body = ipv4_payload(p->bytes, *outer);
              inner = std::vector<uint8_t>(body.begin(), body.end());
              return true;
            }
          }
          return false;
        },
        timeout);
    return inner;
  }

  // Pings the home address from the CN (in a thread) while the MN answers with `respond`; returns ping's result.
  net::CommandResult ping_home_address(const std::function<void()>& respond) {
    net::CommandResult result;
    std::thread pinger([&] {
      result = net::run_command_in(cn_, {"ping", "-c", "1", "-W", "4", "10.0.1.100"}, 8000ms);
    });
    respond();
    pinger.join();
    return result;
  }

  nlohmann::json bindings() {
    auto t = control_query(control_, "bindings");
    return t ? nlohmann::json::parse(*t) : nlohmann::json{};
  }

  // ARP request for `target` from the CN side; whether an answer from the HA's MAC arrives within `timeout`.
  bool ha_answers_arp_for(const Tins::IPv4Address& target, std::chrono::milliseconds timeout) {
    auto sock = net::in_netns(cn_, [] { return std::make_unique<ArpSocket>("h-cn"); });
    ArpPacket req;
    req.sender_mac = sock->mac();
    req.sender_ip = kCn;
    req.target_ip = target;
    EXPECT_EQ(sock->send(req, kBroadcastMac), 0);
    return poll_until(
        [&] {
          while (auto r = sock->receive()) {
            if (!r->outgoing && r->arp.operation == kArpReply && r->arp.sender_ip == target &&
                r->arp.sender_mac == ha_mac_) {
              return true;
            }
          }
          return false;
        },
        timeout);
  }

  // Gratuitous ARP frames for the home address on the home link since `from`.
  std::vector<std::pair<MacAddress, ArpPacket>> gratuitous_arps(uint64_t from) {
    std::vector<std::pair<MacAddress, ArpPacket>> out;
    for (const net::Frame& f : home_capture_->frames(from)) {
      auto a = arp_of(f);
      if (a && a->sender_ip == kHoA && a->target_ip == kHoA && eth_destination(f) == kBroadcastMac) {
        out.emplace_back(eth_source(f), *a);
      }
    }
    return out;
  }

  std::string ha_, cn_, router_, mn_, control_, log_;
  std::filesystem::path dir_;
  MacAddress ha_mac_{};
  std::unique_ptr<net::SegmentCapture> home_capture_, foreign_capture_, public_capture_;
  std::unique_ptr<RawIpSocket> mn_raw_;
  net::ChildProcess mipd_;
};

TEST_F(HaDataPlaneNetns, TunnelsBothWaysWithProxyAndGratuitousArp) {
  start_mipd();
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  EXPECT_FALSE(ha_answers_arp_for(kHoA, 300ms)) << "no proxy ARP before a binding exists";

  // Registration with a co-located care-of address and a reverse tunnel.
  const uint64_t arp_mark = home_capture_->frame_count();
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT);
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->code(), 0);
  EXPECT_NE(output(ha_, {"ip", "route", "show", "10.0.1.100"}).find("dev mipha0"), std::string::npos);

  // RFC 5944 4.6: gratuitous ARP on the first binding, broadcast, SHA = the HA's MAC, SPA = TPA = home address.
  ASSERT_TRUE(poll_until([&] { return gratuitous_arps(arp_mark).size() >= 2; }, 2000ms))
      << "gratuitous ARP (and a retransmission) expected on the home link\n" << log_text();
  for (const auto& [src, a] : gratuitous_arps(arp_mark)) {
    EXPECT_EQ(src, ha_mac_);
    EXPECT_EQ(a.sender_mac, ha_mac_);
  }
  EXPECT_TRUE(ha_answers_arp_for(kHoA, 1000ms)) << "proxy ARP while bound\n" << log_text();

  // CN pings the home address: the request arrives IP-in-IP at the care-of address, the MN reverse-tunnels the
  // reply to the HA, which forwards it to the CN.
  const uint64_t foreign_mark = foreign_capture_->frame_count();
  const net::CommandResult ping = ping_home_address([&] {
    auto inner = mn_receive_tunnelled(5000ms);
    ASSERT_TRUE(inner) << log_text();
    auto reply = echo_reply_for(*inner);
    ASSERT_TRUE(reply);
    ASSERT_EQ(mn_raw_->send(*reply, kHa), 0);
  });
  EXPECT_TRUE(ping.ok()) << ping.out << ping.err << "\n" << log_text();
  EXPECT_NE(ping.out.find("1 received"), std::string::npos) << ping.out;

  // The capture on the foreign link shows both directions with the right headers.
  bool saw_forward = false, saw_reverse = false;
  for (const net::Frame& f : foreign_capture_->frames(foreign_mark)) {
    auto outer = parse_ipv4_header(ip_of(f));
    if (!outer || outer->protocol != kProtoIpInIp) continue;
    auto inner = parse_ipv4_header(ipv4_payload(ip_of(f), *outer));
    ASSERT_TRUE(inner);
    if (outer->source == kHa && outer->destination == kCoA) {
      saw_forward = inner->source == kCn && inner->destination == kHoA && inner->protocol == kProtoIcmp;
    }
    if (outer->source == kCoA && outer->destination == kHa) {
      saw_reverse = inner->source == kHoA && inner->destination == kCn;
    }
  }
  EXPECT_TRUE(saw_forward) << "IP-in-IP HA -> CoA carrying CN -> HoA";
  EXPECT_TRUE(saw_reverse) << "IP-in-IP CoA -> HA carrying HoA -> CN";

  // RFC 3024 4.3.2: a reverse-tunnelled packet from an address that is not the registered care-of address is
  // dropped; the same packet from the care-of address is delivered (positive control).
  net::UdpSocket cn_sink(cn_, "10.0.1.9", 7000);
  auto wrong = net::in_netns(mn_, [] {
    return std::make_unique<RawIpSocket>(kProtoIpInIp, RawIpOptions{kWrongCoA, std::nullopt, ""});
  });
  ASSERT_EQ(wrong->send(udp_packet(kHoA, kCn, 7000, "from-wrong-coa"), kHa), 0);
  EXPECT_FALSE(cn_sink.recv(700ms)) << "reverse-tunnelled packet from a wrong CoA was forwarded";
  ASSERT_EQ(mn_raw_->send(udp_packet(kHoA, kCn, 7000, "from-coa"), kHa), 0);
  auto d = cn_sink.recv(2000ms);
  ASSERT_TRUE(d) << log_text();
  EXPECT_EQ(std::string(d->data.begin(), d->data.end()), "from-coa");
  EXPECT_EQ(d->source, "10.0.1.100");
  EXPECT_NE(log_text().find("drop reverse-tunnelled ip-in-ip from 10.0.2.101"), std::string::npos);

  // Return home (RFC 5944 4.6): the MN announces itself on the home link, then deregisters; the HA stops proxy
  // ARP, removes the route and sends a gratuitous ARP with the MN's own link-layer address.
  auto mn_at_home = net::in_netns(cn_, [] { return std::make_unique<ArpSocket>("h-cn"); });
  ASSERT_EQ(mn_at_home->send(gratuitous_arp(kHoA, kMnMac), kBroadcastMac), 0);
  const uint64_t dereg_mark = home_capture_->frame_count();
  rep = register_mn(mn, 0, kHoA, 0);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->code(), 0);
  EXPECT_TRUE(poll_until(
      [&] {
        for (const auto& [src, a] : gratuitous_arps(dereg_mark)) {
          if (src == ha_mac_ && a.sender_mac == kMnMac) return true;
        }
        return false;
      },
      2000ms))
      << "HA's gratuitous ARP with the MN's link-layer address\n" << log_text();
  EXPECT_EQ(output(ha_, {"ip", "route", "show", "10.0.1.100"}), "") << "route into the TUN removed";
  EXPECT_FALSE(ha_answers_arp_for(kHoA, 500ms)) << "proxy ARP stopped after deregistration";
  EXPECT_TRUE(bindings()["bindings"].empty());
  const net::ExitStatus st = mipd_.stop(3000ms);
  EXPECT_TRUE(st.exited && st.code == 0) << st.to_string();
}

TEST_F(HaDataPlaneNetns, SimultaneousBindingsGetACopyEach) {
  start_mipd();
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT)->code(), 0);
  ASSERT_EQ(register_mn(mn, 600, kWrongCoA, kFlagS | kFlagD | kFlagT)->code(), 0);
  const uint64_t mark = foreign_capture_->frame_count();
  const net::CommandResult ping = ping_home_address([&] {
    auto inner = mn_receive_tunnelled(5000ms);
    ASSERT_TRUE(inner);
    ASSERT_EQ(mn_raw_->send(*echo_reply_for(*inner), kHa), 0);
  });
  EXPECT_TRUE(ping.ok()) << ping.out;
  std::set<std::string> destinations;
  ASSERT_TRUE(poll_until(
      [&] {
        for (const net::Frame& f : foreign_capture_->frames(mark)) {
          auto outer = parse_ipv4_header(ip_of(f));
          if (outer && outer->protocol == kProtoIpInIp && outer->source == kHa) {
            destinations.insert(outer->destination.to_string());
          }
        }
        return destinations.size() == 2;
      },
      2000ms));
  EXPECT_EQ(destinations, (std::set<std::string>{"10.0.2.100", "10.0.2.101"}));
}

// G and M select GRE (RFC 2784) and minimal encapsulation (RFC 2004) when offered (RFC 5944 4.1); the reverse
// tunnel uses the same method (RFC 3024 4.3.2: another one is "not negotiated" and dropped).
TEST_F(HaDataPlaneNetns, GreAndMinimalEncapsulationWhenRequestedAndOffered) {
  start_mipd({}, {{"encapsulations", {"ip-in-ip", "gre", "minimal"}}});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  struct Case {
    uint8_t flag;
    std::shared_ptr<Encapsulation> method;
  };
  for (const Case& c : {Case{0x08, std::make_shared<GreEncapsulation>()},
                        Case{0x10, std::make_shared<MinimalEncapsulation>()}}) {
    SCOPED_TRACE(std::string(encapsulation_name(c.method->type())));
    ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT | c.flag)->code(), 0);
    auto raw = net::in_netns(mn_, [&] { return std::make_unique<RawIpSocket>(c.method->ip_protocol()); });
    const uint64_t mark = foreign_capture_->frame_count();
    const net::CommandResult ping = ping_home_address([&] {
      std::optional<RawIpPacket> p;
      ASSERT_TRUE(poll_until([&] { return (p = raw->receive()).has_value(); }, 5000ms)) << log_text();
      auto outer = parse_ipv4_header(p->bytes);
      ASSERT_TRUE(outer);
      EXPECT_EQ(outer->source, kHa);
      std::string why;
      auto inner = c.method->decapsulate(ipv4_payload(p->bytes, *outer),
                                         {outer->source, outer->destination, outer->ttl}, &why);
      ASSERT_TRUE(inner) << why;
      auto h = parse_ipv4_header(*inner);
      ASSERT_TRUE(h);
      EXPECT_EQ(h->source, kCn);
      EXPECT_EQ(h->destination, kHoA);
      if (c.method->type() == EncapsulationType::Minimal) {
        EXPECT_EQ(outer->ttl, 62) << "the original TTL (64, -1 at the HA, -1 at the router) kept";
      }
      auto reply = echo_reply_for(*inner);
      ASSERT_TRUE(reply);
      // An IP-in-IP reverse tunnel for a GRE/minimal binding is not the negotiated method: dropped first.
      ASSERT_EQ(mn_raw_->send(*reply, kHa), 0);
      auto payload = c.method->encapsulate(*reply, {kCoA, kHa}, &why);
      ASSERT_TRUE(payload) << why;
      ASSERT_EQ(raw->send(*payload, kHa, Tins::IPv4Address(), c.method->outer_ttl(*reply)), 0);
    });
    EXPECT_TRUE(ping.ok()) << ping.out << "\n" << log_text();
    EXPECT_NE(ping.out.find("1 received"), std::string::npos) << ping.out;
    bool seen = false;
    for (const net::Frame& f : foreign_capture_->frames(mark)) {
      auto outer = parse_ipv4_header(ip_of(f));
      seen |= outer && outer->protocol == c.method->ip_protocol() && outer->destination == kCoA;
    }
    EXPECT_TRUE(seen);
  }
  EXPECT_NE(log_text().find("encapsulation not negotiated at registration (gre was)"), std::string::npos)
      << log_text();
}

TEST_F(HaDataPlaneNetns, UdpTunnellingThroughNat) {
  masquerade();
  start_mipd();
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT, {udp_tunnel_request()});
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->code(), 0) << log_text();
  EXPECT_LE(rep->lifetime(), 60) << "RFC 3519 5.2";
  ASSERT_EQ(rep->extensions().size(), 2u);
  EXPECT_EQ(rep->extensions()[0].type, wire::UdpTunnelReply);
  wire::UdpTunnelReplyExtension assent;
  assent.keepalive_interval = 30;
  EXPECT_EQ(udp_tunnel_reply(*rep), assent) << "assent, keepalive 30 s";
  EXPECT_NE(log_text().find("NAT detected (source 10.0.3.254"), std::string::npos) << log_text();
  const nlohmann::json b = bindings()["bindings"][0];
  EXPECT_EQ(b["care_of_address"], "10.0.2.100");
  EXPECT_EQ(b["udp_tunnel"].get<std::string>().rfind("10.0.3.254:", 0), 0u) << b.dump();

  const uint64_t mark = public_capture_->frame_count();
  const net::CommandResult ping = ping_home_address([&] {
    for (auto d = mn.recv(5s); d; d = mn.recv(5s)) {
      auto td = unwrap_tunnel_data(d->data);
      if (!td) continue;
      EXPECT_EQ(d->source, "10.0.1.1");
      EXPECT_EQ(d->source_port, 434);
      EXPECT_EQ(td->next_header, 4);
      auto reply = echo_reply_for(td->payload);
      ASSERT_TRUE(reply);
      ASSERT_TRUE(mn.send_to("10.0.1.1", 434, wrap_tunnel_data(4, *reply)));
      return;
    }
    ADD_FAILURE() << "no tunnel data at the MN\n" << log_text();
  });
  EXPECT_TRUE(ping.ok()) << ping.out << "\n" << log_text();
  // On the public side: UDP from 10.0.1.1:434 to the NAT's address, tunnel data Type 4 with the echo request.
  bool saw = false;
  for (const net::Frame& f : public_capture_->frames(mark)) {
    auto ip = parse_ipv4_header(ip_of(f));
    if (!ip || ip->protocol != kProtoUdp || ip->source != kHa || ip->destination != kNatAddress) continue;
    auto udp = ipv4_payload(ip_of(f), *ip);
    const bool from_434 = udp.size() > 8 && udp[0] == 0x01 && udp[1] == 0xb2;
    if (from_434 && wire::TunnelData::decode(udp.subspan(8))) saw = true;
  }
  EXPECT_TRUE(saw) << "UDP 434 tunnel data to the NAT address on the public link";
  EXPECT_TRUE(mn_receive_tunnelled(200ms) == std::nullopt) << "no IP-in-IP for a UDP-tunnelled binding";

  // Keepalive (RFC 3519 4.9): an ICMP Echo Request to the HA inside the tunnel is answered inside the tunnel.
  ASSERT_TRUE(mn.send_to("10.0.1.1", 434, wire::make_keepalive(kHoA, kHa, 77, 1).bytes()));
  bool answered = false;
  for (auto d = mn.recv(3s); d; d = mn.recv(3s)) {
    auto k = wire::recognize_keepalive(d->data);
    answered = k && k->reply && k->inner_source == kHa && k->inner_destination == kHoA && k->id == 77 &&
               k->sequence == 1 && k->ip_checksum_ok && k->icmp_checksum_ok;
    if (answered) break;
  }
  EXPECT_TRUE(answered) << "keepalive answered\n" << log_text();
}

TEST_F(HaDataPlaneNetns, UdpTunnelRequestWithoutNatIsDeclined) {
  start_mipd();
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT, {udp_tunnel_request()});
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->code(), 0);
  ASSERT_EQ(rep->extensions().size(), 2u);
  ASSERT_TRUE(udp_tunnel_reply(*rep));
  EXPECT_EQ(udp_tunnel_reply(*rep)->reply_code, 64) << "declined (RFC 3519 4.6)";
  EXPECT_EQ(rep->lifetime(), 600);
}

TEST_F(HaDataPlaneNetns, LosingTheTunDeviceEndsMipdWithItsName) {
  start_mipd();
  run(ha_, {"ip", "link", "del", "mipha0"});
  const auto st = mipd_.wait(3000ms);
  ASSERT_TRUE(st) << "mipd kept running without its TUN device\n" << log_text();
  EXPECT_TRUE(st->exited);
  EXPECT_EQ(st->code, 1);
  EXPECT_NE(log_text().find("error: TUN device mipha0 vanished"), std::string::npos) << log_text();
}

// Each data-plane fault shown to break its rule end to end (the unit tests cover every one in the core).
TEST_F(HaDataPlaneNetns, FaultNoGratuitousArpOnFirstBinding) {
  start_mipd({"no-gratuitous-arp-on-first-binding"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  const uint64_t mark = home_capture_->frame_count();
  ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT)->code(), 0);
  EXPECT_FALSE(poll_until([&] { return !gratuitous_arps(mark).empty(); }, 1000ms));
}

TEST_F(HaDataPlaneNetns, FaultProxyArpAfterDeregistration) {
  start_mipd({"proxy-arp-after-deregistration"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT)->code(), 0);
  ASSERT_EQ(register_mn(mn, 0, kHoA, 0)->code(), 0);
  EXPECT_EQ(output(ha_, {"ip", "route", "show", "10.0.1.100"}), "");
  EXPECT_TRUE(ha_answers_arp_for(kHoA, 1000ms));
}

TEST_F(HaDataPlaneNetns, FaultReverseTunnelCheckOff) {
  start_mipd({"reverse-tunnel-check-off"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT)->code(), 0);
  net::UdpSocket cn_sink(cn_, "10.0.1.9", 7000);
  auto wrong = net::in_netns(mn_, [] {
    return std::make_unique<RawIpSocket>(kProtoIpInIp, RawIpOptions{kWrongCoA, std::nullopt, ""});
  });
  ASSERT_EQ(wrong->send(udp_packet(kHoA, kCn, 7000, "from-wrong-coa"), kHa), 0);
  EXPECT_TRUE(cn_sink.recv(2000ms)) << "with the check off the packet is forwarded";
}

TEST_F(HaDataPlaneNetns, FaultTunnelToWrongAddress) {
  start_mipd({"tunnel-to-wrong-address"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  ASSERT_EQ(register_mn(mn, 600, kCoA, kFlagD | kFlagT)->code(), 0);
  const uint64_t mark = foreign_capture_->frame_count();
  const net::CommandResult ping = ping_home_address([&] {});
  EXPECT_FALSE(ping.ok());
  bool to_coa = false, to_other = false;
  for (const net::Frame& f : foreign_capture_->frames(mark)) {
    auto outer = parse_ipv4_header(ip_of(f));
    if (!outer || outer->protocol != kProtoIpInIp) continue;
    to_coa |= outer->destination == kCoA;
    to_other |= outer->destination == kWrongCoA;
  }
  EXPECT_FALSE(to_coa);
  EXPECT_TRUE(to_other);
}

TEST_F(HaDataPlaneNetns, FaultUdpTunnelWithoutNat) {
  start_mipd({"udp-tunnel-without-nat"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT, {udp_tunnel_request()});
  ASSERT_TRUE(rep);
  ASSERT_TRUE(udp_tunnel_reply(*rep));
  EXPECT_EQ(udp_tunnel_reply(*rep)->reply_code, 0) << "assented without a NAT";
  const net::CommandResult ping = ping_home_address([&] {
    auto d = mn.recv(5s);
    ASSERT_TRUE(d);
    EXPECT_TRUE(unwrap_tunnel_data(d->data)) << "UDP tunnel data instead of IP-in-IP";
  });
}

TEST_F(HaDataPlaneNetns, FaultNoUdpTunnelReply) {
  masquerade();
  start_mipd({"no-udp-tunnel-reply"});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT, {udp_tunnel_request()});
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->code(), 0);
  EXPECT_EQ(rep->extensions().size(), 1u) << "only the MN-HA extension: no UDP Tunnel Reply";
}

// RFC 5265 4.3 on the wire: an i-HA trusting the foreign link answers the MN there with the Trusted Networks
// Configured extension before MN-HA, and drops silently what comes from the home link (the CN) and what the NAT
// rewrites (the IP source is the router's, though the care-of address is inside the trusted subnet).
TEST_F(HaDataPlaneNetns, InternalHomeAgentAnswersTrustedSourcesWithTncAndIgnoresOthers) {
  start_mipd({}, {{"trusted_networks", {"10.0.2.0/24"}}});
  net::UdpSocket mn(mn_, "10.0.2.100", 0);
  auto rep = register_mn(mn, 600, kCoA, kFlagD | kFlagT);
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->code(), 0);
  const auto& exts = rep->extensions();
  ASSERT_EQ(exts.size(), 2u) << "TNC, then MN-HA";
  EXPECT_EQ(exts[0].type, wire::TrustedNetworksConfigured);
  auto tnc = wire::TrustedNetworksConfiguredExtension::from(exts[0]);
  ASSERT_TRUE(tnc) << tnc.error().to_string();
  EXPECT_EQ(*tnc, wire::TrustedNetworksConfiguredExtension{});
  EXPECT_EQ(exts[1].type, wire::MnHaAuth);
  EXPECT_TRUE(poll_until([&] { return log_text().find(" TNC") != std::string::npos; }, 2000ms)) << log_text();

  net::UdpSocket cn(cn_, "10.0.1.9", 0);
  const std::string from_cn = expect_silence(cn, kCn, *home_capture_);
  EXPECT_NE(from_cn.find("not in any trusted network: dropped silently (i-HA, RFC 5265 4.3)"), std::string::npos)
      << from_cn;

  masquerade();
  net::UdpSocket behind_nat(mn_, "10.0.2.100", 0);  // a new flow, so the NAT rewrites it
  const std::string from_nat = expect_silence(behind_nat, kCoA, *public_capture_);
  EXPECT_NE(from_nat.find("source address 10.0.3.254 not in any trusted network"), std::string::npos) << from_nat;
}

TEST_F(HaDataPlaneNetns, FaultAnswerUntrustedSource) {
  start_mipd({"answer-untrusted-source"}, {{"trusted_networks", {"10.0.2.0/24"}}});
  net::UdpSocket cn(cn_, "10.0.1.9", 0);
  wire::RegistrationRequest r(600, kHoA, kHa, kCn, fresh_id(), kFlagD);
  r.add_authentication(wire::MnHaAuth, 256, kKey);
  ASSERT_TRUE(cn.send_to("10.0.1.1", 434, r.bytes()));
  auto d = cn.recv(3s);
  ASSERT_TRUE(d) << "the fault answers the untrusted source\n" << log_text();
  auto rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
  ASSERT_TRUE(rep.ok());
  for (const wire::Extension& e : rep->extensions()) EXPECT_NE(e.type, wire::TrustedNetworksConfigured);
}

}  // namespace
}  // namespace mipvpn::agents
