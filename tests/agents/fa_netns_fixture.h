// Scaffolding of the foreign agent's root tests, in namespaces created per run (prefix "fa" + 6 hex digits):
//
//   CN 10.0.1.9 (h-cn) ==home link== (h-ha) HA 10.0.1.1 (t-ha) 10.0.3.1 ==== 10.0.3.2 (u-fa) FA (v-fa) 10.0.2.1
//                                                                                    ==visited link== (v-mn) MN
//
// The FA is `mipd --role fa` (care-of address 10.0.2.1, its visited-link address); the HA, when a test wants one, is
// `mipd --role ha`. The mobile node is the test: home addresses 10.0.1.100-10.0.1.109 are /32s on v-mn, the FA is
// its default router (a static neighbour entry, so the MN never broadcasts ARP), and it registers with real RRQs
// from a UDP socket bound to its home address. Only the mipd processes started here are stopped, by PID.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/common/arp_packet.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/link_ip_socket.h"
#include "harness/net/capture.h"
#include "harness/net/command.h"
#include "harness/net/udp.h"
#include "harness/wire/authentication.h"
#include "harness/wire/checksum.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "tests/agents/mipd_lab.h"

namespace mipvpn::agents::fa::test {

using namespace std::chrono_literals;
using agents::test::control_query;
using agents::test::poll_until;
namespace wire = mipvpn::wire;

inline const std::vector<uint8_t> kMnHaKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                              0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
inline const std::vector<uint8_t> kMnFaKey = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};
inline const std::vector<uint8_t> kFaHaKey = {0xfa, 0xa5, 0x5a, 0xaf};
inline const Tins::IPv4Address kHa("10.0.1.1"), kCn("10.0.1.9"), kFa("10.0.2.1"), kFaUp("10.0.3.2");
inline constexpr const char* kHoAWithMnFa = "10.0.1.109";  // the one mobile node sharing an SA with the FA
inline constexpr uint32_t kMnHaSpi = 256, kMnFaSpi = 300, kFaHaSpi = 500;

inline std::string home_address(int i) { return "10.0.1." + std::to_string(100 + i); }

inline uint64_t fresh_id() {
  static uint64_t last = 0;
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  uint64_t id = wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000));
  if (id <= last) id = last + 1;
  return last = id;
}

// Views of a captured Ethernet frame.
struct FrameView {
  const net::Frame& frame;
  MacAddress destination() const {
    MacAddress m{};
    std::copy(frame.data.begin(), frame.data.begin() + 6, m.begin());
    return m;
  }
  MacAddress source() const {
    MacAddress m{};
    std::copy(frame.data.begin() + 6, frame.data.begin() + 12, m.begin());
    return m;
  }
  bool is_arp() const { return frame.data.size() >= 42 && frame.data[12] == 0x08 && frame.data[13] == 0x06; }
  std::optional<ArpPacket> arp() const {
    if (!is_arp()) return std::nullopt;
    return ArpPacket::parse(std::span<const uint8_t>(frame.data).subspan(14));
  }
  std::span<const uint8_t> ip() const {
    if (frame.data.size() < 34 || frame.data[12] != 0x08 || frame.data[13] != 0x00) return {};
    return std::span<const uint8_t>(frame.data).subspan(14);
  }
  std::optional<Ipv4Header> header() const {
    const auto p = ip();
    if (p.empty()) return std::nullopt;
    return parse_ipv4_header(p);
  }
  std::span<const uint8_t> payload() const {
    const auto h = header();
    return h ? ipv4_payload(ip(), *h) : std::span<const uint8_t>();
  }
  // UDP: (source port, destination port, payload).
  std::optional<std::tuple<uint16_t, uint16_t, std::vector<uint8_t>>> udp() const {
    const auto h = header();
    const auto p = payload();
    if (!h || h->protocol != kProtoUdp || p.size() < 8) return std::nullopt;
    return std::make_tuple(static_cast<uint16_t>((p[0] << 8) | p[1]), static_cast<uint16_t>((p[2] << 8) | p[3]),
                           std::vector<uint8_t>(p.begin() + 8, p.end()));
  }
  bool is_icmp_type(uint8_t type) const {
    const auto h = header();
    const auto p = payload();
    return h && h->protocol == kProtoIcmp && !p.empty() && p[0] == type;
  }
};

// A Registration Request as the test's mobile node builds it (RFC 5944 3.6.1.3 order).
struct MnRequest {
  uint8_t flags = 0;
  uint16_t lifetime = 300;
  std::string home_address = "10.0.1.100";
  std::string home_agent = "10.0.1.1";
  std::string care_of_address = "10.0.2.1";
  uint64_t identification = fresh_id();
  bool delivery_style_extension = false;  // RFC 3024 3.3, after MN-HA
  bool mn_fa = false;                     // MN-FA with kMnFaKey, last
  std::vector<uint8_t> bytes() const {
    wire::RegistrationRequest r(lifetime, Tins::IPv4Address(home_address), Tins::IPv4Address(home_agent),
                                Tins::IPv4Address(care_of_address), identification, flags);
    r.add_authentication(wire::MnHaAuth, kMnHaSpi, kMnHaKey);
    if (delivery_style_extension) r.add_extension(wire::Extension{wire::EncapsulatingDeliveryStyle, {}, 0});
    if (mn_fa) r.add_authentication(wire::MnFaAuth, kMnFaSpi, kMnFaKey);
    return r.bytes();
  }
  size_t mn_ha_end() const { return wire::RegistrationRequest::kFixedSize + 2 + wire::kHmacMd5AuthLength; }
};

class FaNetns : public agents::test::NetnsTest {
 protected:
  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root and iproute2";
    prefix_ = agents::test::random_prefix("fa");
    ha_ = add_ns("ha");
    cn_ = add_ns("cn");
    fa_ = add_ns("fa");
    mn_ = add_ns("mn");
    veth(cn_, "h-cn", "10.0.1.9/24", ha_, "h-ha", "10.0.1.1/24");
    veth(ha_, "t-ha", "10.0.3.1/24", fa_, "u-fa", "10.0.3.2/24");
    veth(fa_, "v-fa", "10.0.2.1/24", mn_, "v-mn", "");
    run(ha_, {"ip", "route", "add", "10.0.2.0/24", "via", "10.0.3.2"});
    run(fa_, {"ip", "route", "add", "10.0.1.0/24", "via", "10.0.3.1"});
    for (const std::string& ns : {ha_, fa_}) run(ns, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    // Mobile nodes send from home addresses that are not on the visited link: no reverse-path filter there.
    for (const char* k : {"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"}) {
      run(fa_, {"sysctl", "-qw", k});
    }
    fa_mac_ = net::in_netns(fa_, [] { return LinkIpSocket("v-fa").mac(); });
    mn_mac_ = net::in_netns(mn_, [] { return LinkIpSocket("v-mn").mac(); });
    for (int i = 0; i < 10; ++i) run(mn_, {"ip", "addr", "add", home_address(i) + "/32", "dev", "v-mn"});
    // The FA is the mobile node's default router; its link-layer address is known (as from an advertisement, RFC
    // 5944 4.6), so the mobile node never broadcasts ARP on the visited link.
    run(mn_,
        {"ip", "neigh", "replace", "10.0.2.1", "lladdr", mac_to_string(fa_mac_), "dev", "v-mn", "nud", "permanent"});
    run(mn_, {"ip", "route", "add", "10.0.2.1/32", "dev", "v-mn", "src", "10.0.1.100"});
    run(mn_, {"ip", "route", "add", "default", "via", "10.0.2.1", "dev", "v-mn", "src", "10.0.1.100"});
    dir_ = std::filesystem::temp_directory_path() / ("mipd-fa-" + prefix_);
    std::filesystem::create_directories(dir_);
    visited_ = std::make_unique<net::SegmentCapture>(mn_, "v-mn", (dir_ / "visited.pcapng").string());
    upstream_ = std::make_unique<net::SegmentCapture>(ha_, "t-ha", (dir_ / "upstream.pcapng").string());
  }

  void TearDown() override {
    for (net::ChildProcess* p : {&fa_mipd_, &ha_mipd_}) {
      if (p->started() && p->running()) p->stop(2000ms);
    }
    for (auto* c : {visited_.get(), upstream_.get(), home_.get()}) {
      if (c) c->request_stop();
    }
    visited_.reset();
    upstream_.reset();
    home_.reset();
    agents::test::NetnsTest::TearDown();
    std::error_code ec;
    if (!dir_.empty() && !::testing::Test::HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  // The FA configuration every test starts from; `patch` is merged in (RFC 7386).
  nlohmann::json fa_config(const nlohmann::json& patch = {}) const {
    nlohmann::json cfg = nlohmann::json::object();
    cfg["role"] = "fa";
    cfg["interfaces"]["visited"] = {{"name", "v-fa"}, {"address", "10.0.2.1/24"}};
    cfg["interfaces"]["upstream"] = {{"name", "u-fa"}, {"address", "10.0.3.2/24"}};
    cfg["care_of_addresses"] = nlohmann::json::array({"10.0.2.1"});
    cfg["advertisement"] = {{"interval_ms", 0u}};
    cfg["max_registration_lifetime"] = 600u;
    cfg["pending_timeout_ms"] = 7000u;
    cfg["reverse_tunnelling"] = "offered";
    nlohmann::json mn_sa = {{"home_address", kHoAWithMnFa}, {"spi", kMnFaSpi}, {"key", "1020304050607080"}};
    cfg["security_associations"]["mobile_nodes"] = nlohmann::json::array({mn_sa});
    cfg["control_socket"] = fa_control();
    if (!patch.is_null()) cfg.merge_patch(patch);
    return cfg;
  }
  std::string fa_control() const { return (dir_ / "fa.sock").string(); }
  std::string ha_control() const { return (dir_ / "ha.sock").string(); }

  void start(net::ChildProcess& p, const std::string& ns, const std::string& role, const nlohmann::json& cfg,
             const std::vector<std::string>& faults, const std::string& control) {
    const std::string cfg_path = (dir_ / (role + ".json")).string();
    std::ofstream(cfg_path) << cfg.dump(2);
    const std::string log = (dir_ / (role + ".log")).string();
    std::vector<std::string> argv = {MIPD_PATH, "--role", role, "--config", cfg_path, "--log", log};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    p = net::ChildProcess(argv, ns, (dir_ / (role + ".out")).string());
    ASSERT_EQ(p.start(), "");
    // Ready once the control socket answers (it is created after every socket is open).
    const bool ready = poll_until([&] { return control_query(control, "ping").has_value() || !p.running(); }, 5000ms);
    ASSERT_TRUE(ready && p.running()) << "mipd --role " << role << " not ready: " << p.exit_description() << "\n"
                                      << log_text(role);
  }
  void start_fa(const nlohmann::json& patch = {}, const std::vector<std::string>& faults = {}) {
    start(fa_mipd_, fa_, "fa", fa_config(patch), faults, fa_control());
  }
  // The reference home agent; with the data plane when `data_plane`.
  void start_ha(bool data_plane = false, const std::vector<std::string>& faults = {},
                const nlohmann::json& patch = {}) {
    nlohmann::json cfg = {
        {"role", "ha"},          {"address", "10.0.1.1"},          {"home_network", "10.0.1.0/24"},
        {"max_lifetime", 1800u}, {"control_socket", ha_control()}, {"mobile_nodes", nlohmann::json::array()}};
    for (int i = 0; i < 10; ++i) {
      cfg["mobile_nodes"].push_back(
          {{"home_address", home_address(i)}, {"spi", kMnHaSpi}, {"key", "00112233445566778899aabbccddeeff"}});
    }
    if (data_plane) {
      cfg["data_plane"] = {{"tunnel_device", "mipha0"}, {"mtu", 1480u}};
      cfg["home_interface"] = "h-ha";
    }
    if (!patch.is_null()) cfg.merge_patch(patch);
    start(ha_mipd_, ha_, "ha", cfg, faults, ha_control());
  }

  std::string log_text(const std::string& role) const {
    std::ifstream in(dir_ / (role + ".log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  nlohmann::json visitors() {
    auto text = control_query(fa_control(), "visitors");
    EXPECT_TRUE(text);
    return text ? nlohmann::json::parse(*text) : nlohmann::json{};
  }

  // A UDP socket of the mobile node bound to a home address, sending with `ttl` (RFC 3024 4.1.1 asks 255).
  std::unique_ptr<net::UdpSocket> mn_socket(const std::string& hoa = "10.0.1.100", int ttl = 255) {
    auto s = std::make_unique<net::UdpSocket>(mn_, hoa, 0, net::UdpOptions{true, true, ""});
    ::setsockopt(s->fd(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    return s;
  }

  // The next frame on a segment from `from` that satisfies `pred`, waiting up to `timeout`.
  static std::optional<net::Frame> next(net::SegmentCapture& c, uint64_t from,
                                        const std::function<bool(const FrameView&)>& pred,
                                        std::chrono::milliseconds timeout = 3000ms) {
    return c.wait_for([&](const net::Frame& f) { return pred(FrameView{f}); }, from,
                      std::chrono::steady_clock::now() + timeout);
  }
  // UDP frames to port 434 on the upstream link from the care-of address: relayed requests.
  static bool relayed_request(const FrameView& v) {
    auto h = v.header();
    auto u = v.udp();
    return h && u && h->destination == kHa && std::get<1>(*u) == 434 && !std::get<2>(*u).empty() &&
           std::get<2>(*u)[0] == 1;
  }

  std::string ha_, cn_, fa_, mn_;
  std::filesystem::path dir_;
  MacAddress fa_mac_{}, mn_mac_{};
  std::unique_ptr<net::SegmentCapture> visited_, upstream_, home_;
  net::ChildProcess fa_mipd_, ha_mipd_;
};

}  // namespace mipvpn::agents::fa::test
