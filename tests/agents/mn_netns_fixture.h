// A mobility lab for the mobile node's root tests, built in namespaces with a per-run prefix ("mn" + 6 hex digits):
//
//   CN 10.0.1.10 ─┐                                    ┌─ fa: 10.0.2.254 (rt eth1) ─┐
//                 ├─ home 10.0.1.0/24 ─ HA 10.0.1.1 ═══ 10.0.9.1 / 10.0.9.2 rt        ├─ MN eth0, moved by the test
//   (MN at home) ─┘   (bridge br-home)   eth0    eth1   eth0      └─ fb: 10.0.3.254 (rt eth2) ─┘  between bridges
//
// Three bridges in the "sw" namespace (br-home, br-fa, br-fb) are the links; the MN's veth peer p-mn is moved between
// them (a link-layer move) and the test changes the MN's address as DHCP would. The reference HA (mipd --role ha with
// its data plane) and the MN (mipd --role mn) are the only processes started, stopped by their PIDs; every
// namespace created is deleted at the end.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "agents/common/arp_packet.h"
#include "agents/common/ipv4_packet.h"
#include "harness/net/capture.h"
#include "tests/agents/mipd_lab.h"

namespace mipvpn::agents::test {

using namespace std::chrono_literals;

// Frame helpers (Ethernet II).
inline std::span<const uint8_t> ip_of(const net::Frame& f) {
  if (f.data.size() < 34 || f.data[12] != 0x08 || f.data[13] != 0x00) return {};
  return std::span<const uint8_t>(f.data).subspan(14);
}
inline std::optional<ArpPacket> arp_of(const net::Frame& f) {
  if (f.data.size() < 14 + 28 || f.data[12] != 0x08 || f.data[13] != 0x06) return std::nullopt;
  return ArpPacket::parse(std::span<const uint8_t>(f.data).subspan(14));
}
inline MacAddress eth_source(const net::Frame& f) {
  MacAddress m{};
  std::copy(f.data.begin() + 6, f.data.begin() + 12, m.begin());
  return m;
}
// UDP payload of an IPv4 frame to or from port 434, with the IP header.
struct Udp434 {
  Ipv4Header ip;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  std::vector<uint8_t> payload;
};
inline std::optional<Udp434> udp434_of(const net::Frame& f) {
  auto ip = ip_of(f);
  auto h = parse_ipv4_header(ip);
  if (!h || h->protocol != kProtoUdp) return std::nullopt;
  auto u = ipv4_payload(ip, *h);
  if (u.size() < 8) return std::nullopt;
  Udp434 out;
  out.ip = *h;
  out.source_port = static_cast<uint16_t>((u[0] << 8) | u[1]);
  out.destination_port = static_cast<uint16_t>((u[2] << 8) | u[3]);
  if (out.source_port != 434 && out.destination_port != 434) return std::nullopt;
  out.payload.assign(u.begin() + 8, u.end());
  return out;
}

// What ping -D printed: reply timestamps by sequence number.
struct PingRun {
  std::vector<std::pair<unsigned, double>> replies;  // (icmp_seq, unix time)
  unsigned transmitted = 0;
  // The longest time between two consecutive replies (s) and the number of sequence numbers missing in between.
  double longest_gap_s = 0;
  unsigned lost_in_gap = 0;
  unsigned lost = 0;
};
inline PingRun parse_ping(const std::string& text) {
  PingRun r;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto ts = line.find('[');
    const auto seq = line.find("icmp_seq=");
    if (ts == 0 && seq != std::string::npos && line.find("bytes from") != std::string::npos) {
      r.replies.emplace_back(static_cast<unsigned>(std::stoul(line.substr(seq + 9))), std::stod(line.substr(1)));
    }
    const auto tx = line.find(" packets transmitted");
    if (tx != std::string::npos) r.transmitted = static_cast<unsigned>(std::stoul(line.substr(0, tx)));
  }
  for (size_t i = 1; i < r.replies.size(); ++i) {
    const double gap = r.replies[i].second - r.replies[i - 1].second;
    if (gap > r.longest_gap_s) {
      r.longest_gap_s = gap;
      r.lost_in_gap = r.replies[i].first - r.replies[i - 1].first - 1;
    }
  }
  r.lost = r.transmitted > r.replies.size() ? r.transmitted - static_cast<unsigned>(r.replies.size()) : 0;
  return r;
}

class MobilityLab : public MipdLab {
 protected:
  static constexpr const char* kHoA = "10.0.1.100";
  static constexpr const char* kCn = "10.0.1.10";
  static constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff";

  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root and iproute2";
    prefix_ = random_prefix("mn");
    sw_ = add_ns("sw");
    ha_ = add_ns("ha");
    rt_ = add_ns("rt");
    cn_ = add_ns("cn");
    mn_ = add_ns("mn");
    for (const char* b : {"br-home", "br-fa", "br-fb"}) {
      run(sw_, {"ip", "link", "add", b, "type", "bridge"});
      run(sw_, {"ip", "link", "set", b, "up"});
    }
    port(ha_, "eth0", "10.0.1.1/24", "p-ha", "br-home");
    port(cn_, "eth0", "10.0.1.10/24", "p-cn", "br-home");
    port(rt_, "eth1", "10.0.2.254/24", "p-rt-fa", "br-fa");
    port(rt_, "eth2", "10.0.3.254/24", "p-rt-fb", "br-fb");
    port(mn_, "eth0", "10.0.2.50/24", "p-mn", "br-fa");
    veth(ha_, "eth1", "10.0.9.1/24", rt_, "eth0", "10.0.9.2/24");
    run(cn_, {"ip", "route", "add", "default", "via", "10.0.1.1"});
    run(ha_, {"ip", "route", "add", "10.0.2.0/24", "via", "10.0.9.2"});
    run(ha_, {"ip", "route", "add", "10.0.3.0/24", "via", "10.0.9.2"});
    run(rt_, {"ip", "route", "add", "default", "via", "10.0.9.1"});
    run(mn_, {"ip", "route", "add", "default", "via", "10.0.2.254"});
    for (const std::string& ns : {ha_, rt_}) run(ns, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    make_dir("mipd-mn-");
  }

  void TearDown() override {
    for (net::ChildProcess* p : {&mn_process_, &ha_process_}) {
      if (p->started() && p->running()) p->stop(2000ms);
    }
    MipdLab::TearDown();
  }

  void start_ha(nlohmann::json extra = {}) {
    nlohmann::json cfg = {{"role", "ha"},
                          {"address", "10.0.1.1"},
                          {"home_network", "10.0.1.0/24"},
                          {"max_lifetime", 1800u},
                          {"control_socket", (dir_ / "ha.sock").string()},
                          {"mobile_nodes", {{{"home_address", kHoA}, {"spi", 256u}, {"key", kKeyHex}}}},
                          {"data_plane", {{"tunnel_device", "mipha0"}}},
                          {"home_interface", "eth0"}};
    if (!extra.is_null()) cfg.merge_patch(extra);
    start(ha_process_, ha_, "ha", cfg, {});
  }

  void start_mn(nlohmann::json extra = {}, std::vector<std::string> faults = {}) {
    nlohmann::json cfg = {{"role", "mn"},
                          {"interface", "eth0"},
                          {"home_address", kHoA},
                          {"home_network", "10.0.1.0/24"},
                          {"home_agent", "10.0.1.1"},
                          {"sa", {{"spi", 256u}, {"key", kKeyHex}}},
                          {"mode", "colocated"},
                          {"lifetime", 300u},
                          {"control_socket", (dir_ / "mn.sock").string()}};
    if (!extra.is_null()) cfg.merge_patch(extra);
    start(mn_process_, mn_, "mn", cfg, faults);
  }

  static std::string read_file(const std::string& path) { return read_text(path); }
  std::string logs() const { return "--- mn.log\n" + log_text("mn") + "--- ha.log\n" + log_text("ha"); }

  nlohmann::json mn_state() {
    auto text = control_query((dir_ / "mn.sock").string(), "state");
    return text ? nlohmann::json::parse(*text) : nlohmann::json{};
  }
  nlohmann::json ha_bindings() {
    auto text = control_query((dir_ / "ha.sock").string(), "bindings");
    return text ? nlohmann::json::parse(*text)["bindings"] : nlohmann::json::array();
  }
  // Waits until the MN reports a registration with `coa`.
  bool wait_registered(const std::string& coa, std::chrono::milliseconds timeout = 8000ms) {
    return poll_until(
        [&] {
          auto s = mn_state();
          return s.value("registered", false) && s["care_of_address"] == coa;
        },
        timeout);
  }
  bool wait_home(std::chrono::milliseconds timeout = 8000ms) {
    return poll_until(
        [&] {
          auto s = mn_state();
          return s.value("location", "") == "home" && s.value("deregistered_at_home", false);
        },
        timeout);
  }

  // Moves the MN to `bridge` and gives it `address` (a.b.c.d/len) and, when given, a default route.
  void move_mn(const std::string& bridge, const std::string& address, const std::string& gateway) {
    run(sw_, {"ip", "link", "set", "p-mn", "master", bridge});
    run(mn_, {"ip", "addr", "flush", "dev", "eth0"});
    run(mn_, {"ip", "addr", "add", address, "dev", "eth0"});
    if (!gateway.empty()) run(mn_, {"ip", "route", "replace", "default", "via", gateway});
  }

  net::CommandResult ping(const std::string& ns, std::vector<std::string> args) {
    std::vector<std::string> argv = {"ping"};
    argv.insert(argv.end(), args.begin(), args.end());
    return net::run_command_in(ns, argv, 20000ms);
  }

  std::string ha_, rt_, cn_, mn_;
  net::ChildProcess ha_process_, mn_process_;
};

}  // namespace mipvpn::agents::test
