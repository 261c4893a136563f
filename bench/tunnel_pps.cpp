// Packets per second through the reference home agent's user-space tunnel (TUN device in, raw IP-in-IP socket out)
// against plain kernel forwarding over the same namespaces and links. Root only; not part of `make test`.
//
//   CN 10.0.1.9 (h-cn) ==home== (h-ha) HA 10.0.1.1 (t-ha) 10.0.3.1 ===== 10.0.3.254 (t-r) RT (f-r) 10.0.2.1
//                                                                              ==foreign== (f-mn) MN CoA 10.0.2.100
//
// The CN sends UDP datagrams to the home address 10.0.1.100 (routed to the HA in both modes) as fast as sendmmsg
// goes, a fixed count. "kernel": the HA and the router forward them by routes to the MN's address. "tunnel": mipd
// (--role ha with a data plane) has the MN's co-located registration and tunnels each one IP-in-IP to the CoA. What
// arrives at the CoA is counted by an nft rule on the MN (which then drops it, so no ICMP error is sent back); the
// rate is delivered packets over the time from the first send to the last arrival (arrivals polled every 2 ms).
// Namespaces are named tp<6 hex>-{cn,ha,rt,mn} and deleted at the end; mipd is stopped by its PID.
//
//   sudo build-bench/tunnel_pps --mipd build/bin/mipd [--packets 300000] [--size 64] [--runs 3]
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/net/command.h"
#include "harness/net/netns.h"
#include "harness/net/udp.h"
#include "harness/wire/authentication.h"
#include "harness/wire/ntp.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"

namespace {

using namespace mipvpn;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::vector<uint8_t> kKey = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

struct Options {
  std::string mipd;
  size_t packets = 300000;
  size_t size = 64;  // UDP payload bytes
  int runs = 3;
};

void must(const std::string& ns, std::vector<std::string> argv) {
  const net::CommandResult r = net::run_command_in(ns, argv);
  if (!r.ok()) throw std::runtime_error(r.describe(argv));
}

// Polls `done` every `step` until it holds or `timeout` passes.
template <class F>
bool poll_until(F done, std::chrono::milliseconds timeout, std::chrono::milliseconds step = 10ms) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

// The four namespaces, their links and the routes both modes share; deleted (exactly these) on destruction.
class Topology {
 public:
  Topology() {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "tp%06x", static_cast<unsigned>(rd()) & 0xffffffu);
    prefix_ = buf;
    cn = add("cn");
    ha = add("ha");
    rt = add("rt");
    mn = add("mn");
    veth(cn, "h-cn", "10.0.1.9/24", ha, "h-ha", "10.0.1.1/24");
    veth(ha, "t-ha", "10.0.3.1/24", rt, "t-r", "10.0.3.254/24");
    veth(rt, "f-r", "10.0.2.1/24", mn, "f-mn", "10.0.2.100/24");
    must(cn, {"ip", "route", "add", "10.0.1.100/32", "via", "10.0.1.1"});  // the same first hop in both modes
    must(ha, {"ip", "route", "add", "10.0.2.0/24", "via", "10.0.3.254"});
    must(rt, {"ip", "route", "add", "10.0.1.0/24", "via", "10.0.3.1"});
    must(mn, {"ip", "route", "add", "default", "via", "10.0.2.1"});
    for (const std::string& ns : {ha, rt}) must(ns, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
  }
  ~Topology() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      try {
        net::netns_delete(*it);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "tunnel_pps: could not delete namespace %s: %s\n", it->c_str(), e.what());
      }
    }
  }
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  std::string cn, ha, rt, mn;

 private:
  std::string add(const std::string& role) {
    const std::string name = prefix_ + "-" + role;
    net::netns_add(name);
    created_.push_back(name);
    must(name, {"ip", "link", "set", "lo", "up"});
    must(name, {"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"});
    return name;
  }
  void veth(const std::string& a, const std::string& name_a, const std::string& addr_a, const std::string& b,
            const std::string& name_b, const std::string& addr_b) {
    must(a, {"ip", "link", "add", name_a, "type", "veth", "peer", "name", name_b, "netns", b});
    must(a, {"ip", "addr", "add", addr_a, "dev", name_a});
    must(b, {"ip", "addr", "add", addr_b, "dev", name_b});
    must(a, {"ip", "link", "set", name_a, "up"});
    must(b, {"ip", "link", "set", name_b, "up"});
  }
  std::string prefix_;
  std::vector<std::string> created_;
};

// The MN counts (and drops) what reaches the CoA with one nft rule: `match` is the nft expression.
void install_counter(const std::string& mn, const std::string& match) {
  must(mn, {"nft", "add", "table", "ip", "tp"});
  must(mn, {"nft", "add", "chain", "ip", "tp", "in", "{ type filter hook prerouting priority -300 ; }"});
  must(mn, {"nft", "add", "rule", "ip", "tp", "in", match, "counter", "drop"});
}
uint64_t read_counter(const std::string& mn) {
  const net::CommandResult r = net::run_command_in(mn, {"nft", "list", "chain", "ip", "tp", "in"});
  if (!r.ok()) throw std::runtime_error("nft list: " + r.err);
  const size_t at = r.out.find("counter packets ");
  if (at == std::string::npos) throw std::runtime_error("no counter in: " + r.out);
  return std::stoull(r.out.substr(at + 16));
}

// Packets received on an interface of the calling thread's namespace (getifaddrs asks that namespace's netlink).
uint64_t rx_packets(const char* interface) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return 0;
  uint64_t n = 0;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    const bool link = i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET && i->ifa_data;
    if (link && std::strcmp(i->ifa_name, interface) == 0) {
      n = static_cast<const rtnl_link_stats*>(i->ifa_data)->rx_packets;
    }
  }
  ::freeifaddrs(list);
  return n;
}

struct RunResult {
  size_t sent = 0;
  double send_s = 0;
  uint64_t delivered = 0;
  double deliver_s = 0;
  double offered_pps() const { return send_s > 0 ? static_cast<double>(sent) / send_s : 0; }
  double delivered_pps() const { return deliver_s > 0 ? static_cast<double>(delivered) / deliver_s : 0; }
};

// One blast: the CN sends `packets` UDP datagrams to 10.0.1.100:9 with sendmmsg; a thread in the MN's namespace
// watches f-mn's receive counter to time the last arrival; the nft counter says how many were the blast's.
RunResult blast(const Topology& t, const Options& o) {
  const uint64_t counted_before = read_counter(t.mn);
  const int fd = net::in_netns(t.cn, [] { return ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); });
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(9);
  dst.sin_addr.s_addr = htonl(0x0a000164);  // 10.0.1.100, the home address
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
  constexpr size_t kBatch = 64;
  std::vector<uint8_t> payload(o.size, 0x5a);
  std::vector<iovec> iov(kBatch, iovec{payload.data(), payload.size()});
  std::vector<mmsghdr> msgs(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    msgs[i].msg_hdr = msghdr{};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  std::atomic<bool> sending{true}, watching{false};
  Clock::time_point last_arrival;
  uint64_t arrivals = 0;
  std::thread watcher([&] {
    net::NetnsGuard in_mn(t.mn);
    uint64_t last = rx_packets("f-mn");
    const uint64_t first = last;
    last_arrival = Clock::now();
    watching = true;
    int quiet = 0;
    // Until the blast is over and nothing more has arrived for 50 ms (25 polls of 2 ms).
    while (sending || quiet < 25) {
      std::this_thread::sleep_for(2ms);
      const uint64_t now = rx_packets("f-mn");
      if (now != last) {
        last = now;
        last_arrival = Clock::now();
        quiet = 0;
      } else {
        ++quiet;
      }
    }
    arrivals = last - first;
  });

  RunResult r;
  while (!watching) std::this_thread::yield();  // the watcher's first reading precedes the first datagram
  const Clock::time_point start = Clock::now();
  while (r.sent < o.packets) {
    const unsigned n = static_cast<unsigned>(std::min(kBatch, o.packets - r.sent));
    const int k = ::sendmmsg(fd, msgs.data(), n, 0);
    if (k < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) continue;
      sending = false;
      watcher.join();
      ::close(fd);
      throw std::runtime_error(std::string("sendmmsg: ") + std::strerror(errno));
    }
    r.sent += static_cast<size_t>(k);
  }
  r.send_s = std::chrono::duration<double>(Clock::now() - start).count();
  sending = false;
  watcher.join();
  ::close(fd);
  r.deliver_s = std::chrono::duration<double>(last_arrival - start).count();
  r.delivered = read_counter(t.mn) - counted_before;
  if (arrivals < r.delivered) std::fprintf(stderr, "tunnel_pps: interface counted fewer than nft\n");
  return r;
}

// Registers the MN's co-located care-of address with the mipd in the HA namespace (retrying until mipd answers).
void register_mobile_node(const Topology& t) {
  net::UdpSocket sock(t.mn, "10.0.2.100", 0);
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    wire::RegistrationRequest r(1800, Tins::IPv4Address("10.0.1.100"), Tins::IPv4Address("10.0.1.1"),
                                Tins::IPv4Address("10.0.2.100"),
                                wire::ntp_from_unix(ns / 1000000000, static_cast<uint32_t>(ns % 1000000000)),
                                wire::RegistrationRequest::kFlagD);
    r.add_authentication(wire::MnHaAuth, 256, kKey);
    sock.send_to("10.0.1.1", 434, r.bytes());
    if (auto d = sock.recv(200ms)) {
      auto rep = wire::RegistrationReply::decode(d->data.data(), d->data.size());
      if (rep.ok() && rep->code() <= 1) return;  // 0 or 1 (accepted, simultaneous bindings unsupported)
      throw std::runtime_error("registration not accepted (code " + std::to_string(rep.ok() ? rep->code() : -1) + ")");
    }
  }
  throw std::runtime_error("mipd did not answer the registration");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void report(const char* mode, const std::vector<RunResult>& runs) {
  std::vector<double> offered, delivered, loss;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    const double lost = r.sent ? 100.0 * (1.0 - static_cast<double>(r.delivered) / static_cast<double>(r.sent)) : 0;
    std::printf("%-6s run %zu: sent %zu in %.3f s (%.0f pps offered), delivered %llu in %.3f s (%.0f pps), lost "
                "%.1f %%\n",
                mode, i + 1, r.sent, r.send_s, r.offered_pps(), static_cast<unsigned long long>(r.delivered),
                r.deliver_s, r.delivered_pps(), lost);
    offered.push_back(r.offered_pps());
    delivered.push_back(r.delivered_pps());
    loss.push_back(lost);
  }
  std::printf("%-6s median: %.0f pps delivered at the CoA (%.0f pps offered, %.1f %% lost)\n", mode, median(delivered),
              median(offered), median(loss));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--mipd") {
      o.mipd = value();
    } else if (a == "--packets") {
      o.packets = std::stoul(value());
    } else if (a == "--size") {
      o.size = std::stoul(value());
    } else if (a == "--runs") {
      o.runs = std::stoi(value());
    } else {
      throw std::invalid_argument("unknown argument " + a);
    }
  }
  if (o.mipd.empty()) throw std::invalid_argument("--mipd PATH is required");
  if (o.size < 1 || o.size > 1400 || o.packets == 0 || o.runs < 1) {
    throw std::invalid_argument("--size must be 1-1400, --packets and --runs at least 1");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tunnel_pps: %s\nusage: tunnel_pps --mipd PATH [--packets N] [--size BYTES] [--runs N]\n",
                 e.what());
    return 2;
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "tunnel_pps: needs root (network namespaces)\n");
    return 2;
  }
  try {
    std::printf("%zu UDP datagrams of %zu payload bytes per run, %d runs per mode\n", o.packets, o.size, o.runs);
    {
      Topology t;
      must(t.ha, {"ip", "route", "add", "10.0.1.100/32", "via", "10.0.3.254"});
      must(t.rt, {"ip", "route", "add", "10.0.1.100/32", "via", "10.0.2.100"});
      install_counter(t.mn, "udp dport 9");
      std::vector<RunResult> runs;
      for (int i = 0; i < o.runs; ++i) runs.push_back(blast(t, o));
      report("kernel", runs);
    }
    {
      Topology t;
      const auto dir = std::filesystem::temp_directory_path() / ("tunnel_pps-" + t.ha);
      std::filesystem::create_directories(dir);
      const std::string cfg = (dir / "ha.json").string();
      std::ofstream(cfg) << R"({"role":"ha","address":"10.0.1.1","home_network":"10.0.1.0/24","max_lifetime":1800,
        "mobile_nodes":[{"home_address":"10.0.1.100","spi":256,"key":"00112233445566778899aabbccddeeff"}],
        "data_plane":{"tunnel_device":"mipha0","mtu":1480},"home_interface":"h-ha"})";
      net::ChildProcess mipd({o.mipd, "--role", "ha", "--config", cfg, "--log", (dir / "mipd.log").string()}, t.ha,
                             (dir / "mipd.out").string());
      if (const std::string err = mipd.start(); !err.empty()) throw std::runtime_error("mipd: " + err);
      register_mobile_node(t);
      install_counter(t.mn, "ip protocol 4");
      std::vector<RunResult> runs;
      for (int i = 0; i < o.runs; ++i) runs.push_back(blast(t, o));
      const bool alive = mipd.running();
      mipd.stop();
      report("tunnel", runs);
      if (!alive) throw std::runtime_error("mipd ended during the runs; see " + (dir / "mipd.log").string());
      std::filesystem::remove_all(dir);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tunnel_pps: %s\n", e.what());
    return 1;
  }
  return 0;
}
