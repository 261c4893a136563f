#include "agents/fa/fa_daemon.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>

#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "agents/common/arp_socket.h"
#include "agents/common/control_server.h"
#include "agents/common/event_loop.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/link_ip_socket.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/route_control.h"
#include "agents/common/tun_device.h"
#include "agents/common/udp_socket.h"
#include "agents/fa/advertiser.h"
#include "agents/fa/fa_data_plane.h"
#include "agents/fa/foreign_agent.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/checksum.h"

namespace mipvpn::agents::fa {
namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kMaxPerWake = 64;
constexpr int kLinkQueueBytes = 4 << 20;        // room for a flood of registrations behind the UDP socket's queue
constexpr auto kLinkSourceMemory = 10s;            // how long a frame's link-layer source is kept for its datagram
const Tins::IPv4Address kAllRouters{"224.0.0.2"};  // RFC 1256 solicitations may go here too

// Every address configured on the host's interfaces: name -> addresses.
std::map<std::string, std::set<uint32_t>> interface_addresses() {
  std::map<std::string, std::set<uint32_t>> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    out[i->ifa_name].insert(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
  }
  ::freeifaddrs(list);
  return out;
}

// Checks that the configured interfaces and addresses exist; "" or what is wrong.
std::string check_host(const FaConfig& c) {
  const auto addrs = interface_addresses();
  auto has = [&](const Interface& itf) {
    auto it = addrs.find(itf.name);
    return it != addrs.end() && it->second.count(static_cast<uint32_t>(itf.address));
  };
  if (!has(c.visited)) {
    return "visited interface " + c.visited.name + " does not exist or lacks address " + c.visited.address.to_string();
  }
  if (c.upstream && !has(*c.upstream)) {
    return "upstream interface " + c.upstream->name + " does not exist or lacks address " +
           c.upstream->address.to_string();
  }
  for (const Tins::IPv4Address& coa : c.care_of_addresses) {
    bool found = false;
    for (const auto& [name, set] : addrs) found = found || set.count(static_cast<uint32_t>(coa));
    // The relayed requests leave from it (3.7.2.2) and the home agents tunnel to it (4.2.2).
    if (!found) return "care-of address " + coa.to_string() + " is not an address of this host";
  }
  return "";
}

// An IPv4/UDP packet, UDP checksum included (RFC 768: a computed 0 is sent as 0xffff).
std::vector<uint8_t> udp_packet(const Tins::IPv4Address& source, uint16_t source_port, const Endpoint& destination,
                                std::span<const uint8_t> payload, uint16_t ip_id) {
  std::vector<uint8_t> udp(8 + payload.size());
  const auto length = static_cast<uint16_t>(udp.size());
  udp[0] = static_cast<uint8_t>(source_port >> 8);
  udp[1] = static_cast<uint8_t>(source_port & 0xff);
  udp[2] = static_cast<uint8_t>(destination.port >> 8);
  udp[3] = static_cast<uint8_t>(destination.port & 0xff);
  udp[4] = static_cast<uint8_t>(length >> 8);
  udp[5] = static_cast<uint8_t>(length & 0xff);
  std::copy(payload.begin(), payload.end(), udp.begin() + 8);
  uint16_t sum = wire::udp_checksum_ipv4(source, destination.address, udp);
  if (sum == 0) sum = 0xffff;
  udp[6] = static_cast<uint8_t>(sum >> 8);
  udp[7] = static_cast<uint8_t>(sum & 0xff);
  return build_ipv4_packet(source, destination.address, kProtoUdp, udp, 64, ip_id);
}

class FaDaemon {
 public:
  FaDaemon(const FaConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals)
      : config_(config),
        faults_(faults),
        log_(log),
        signals_(signals),
        fa_(config, faults),
        advertiser_(config, faults, std::random_device{}()),
        data_plane_(config, faults) {}

  int run();

 private:
  void open_data_plane();
  void on_udp(short revents);
  // Reads the link socket: a bounded batch per wake, or everything queued when `drain`.
  void on_link(bool drain = false);
  void on_tunnel_socket(RawIpSocket& socket);
  void on_tun(short revents);
  void on_timer();
  void handle(const Outcome& o, const std::string& prefix);
  void send(const OutgoingMessage& m);
  void send_advertisement(const OutgoingAdvertisement& a);
  void carry_out(const Forwarding& f);
  void sync_diversions();
  void remove_diversions();
  std::optional<steady_clock::time_point> next_deadline() const;
  std::string encapsulation_list() const {
    std::string out;
    for (EncapsulationType t : data_plane_.encapsulations())
      out += (out.empty() ? "" : ",") + std::string(encapsulation_name(t));
    return out;
  }
  std::string handle_control(std::string_view line);
  void fail(const std::string& why);

  const FaConfig& config_;
  FaultSet faults_;
  Logger& log_;
  SignalFd& signals_;
  ForeignAgent fa_;
  Advertiser advertiser_;
  FaDataPlane data_plane_;
  EventLoop loop_;
  int exit_code_ = 0;
  int visited_ifindex_ = 0;
  uint16_t ip_id_ = 0;
  std::unique_ptr<PktinfoUdpSocket> udp_;
  std::unique_ptr<LinkIpSocket> link_;
  std::unique_ptr<ControlServer> control_;
  // Data plane.
  std::unique_ptr<TunDevice> tun_;
  std::unique_ptr<RouteControl> routes_;
  std::map<EncapsulationType, std::unique_ptr<RawIpSocket>> tunnels_;  // one raw socket per offered encapsulation
  std::unique_ptr<ArpSocket> arp_;                                     // fault fa-arp-for-visitor only
  std::unique_ptr<RawIpSocket> icmp_;                                  // fault fa-icmp-unreachable-for-non-visitor only
  std::set<uint32_t> diverted_;  // host-order home addresses with a rule into the tunnel device
  // Link-layer source of recent registration datagrams: (host-order IP source, UDP source port) -> address, time.
  std::map<std::pair<uint32_t, uint16_t>, std::pair<MacAddress, steady_clock::time_point>> link_sources_;
};

void FaDaemon::fail(const std::string& why) {
  log_.line("error: " + why);
  exit_code_ = 1;
  loop_.stop();
}

void FaDaemon::open_data_plane() {
  const DataPlaneConfig& d = *config_.data_plane;
  tun_ = std::make_unique<TunDevice>(d.tunnel_device, d.mtu);
  routes_ = std::make_unique<RouteControl>();
  const std::string err = routes_->replace_route(Ipv4Prefix{}, tun_->ifindex(), std::nullopt, d.table);
  if (!err.empty()) throw std::runtime_error("default route into " + d.tunnel_device + ": " + err);
  // Not bound: forward tunnels arrive at any care-of address, Encapsulating Delivery packets at the agent's address.
  for (EncapsulationType t : data_plane_.encapsulations()) {
    tunnels_[t] = std::make_unique<RawIpSocket>(static_cast<uint8_t>(t));
  }
  if (faults_.has(Fault::FaArpForVisitor)) arp_ = std::make_unique<ArpSocket>(config_.visited.name);
  if (faults_.has(Fault::FaIcmpUnreachableForNonVisitor)) icmp_ = std::make_unique<RawIpSocket>(kProtoIcmp);
  loop_.add(tun_->fd(), POLLIN, [this](short revents) { on_tun(revents); });
  for (auto& [t, socket] : tunnels_) {
    RawIpSocket* s = socket.get();
    loop_.add(s->fd(), POLLIN, [this, s](short) { on_tunnel_socket(*s); });
  }
  if (icmp_)
    loop_.add(icmp_->fd(), POLLIN, [this](short) {
      while (icmp_->receive()) {
      }
    });  // send-only
  std::ifstream forwarding("/proc/sys/net/ipv4/ip_forward");
  int on = 0;
  if (forwarding >> on && on == 0) {
    log_.line("warning: net.ipv4.ip_forward is 0: visitors' datagrams will not be routed (RFC 5944 4.2.2)");
  }
}

void FaDaemon::send(const OutgoingMessage& m) {
  const std::string route =
      m.source.to_string() + ":" + std::to_string(m.source_port) + " -> " + m.destination.to_string();
  if (!m.to_mobile_node) {
    const int err = udp_->send(m.payload, m.source, m.destination);
    log_.line(std::string(err ? "tx-failed " : "tx ") + route + " " + m.summary +
              (err ? std::string(": ") + std::strerror(err) : std::string()));
    return;
  }
  // To the mobile node on the visited link, by its link-layer address (its home address is not on this link).
  std::optional<MacAddress> mac = m.link_destination;
  if (!mac) mac = link_address_without_arp(m.destination.address, config_.visited.prefix().broadcast());
  if (!mac) {
    log_.line("tx-skipped " + route + " " + m.summary + ": no link-layer address for the mobile node");
    return;
  }
  const std::vector<uint8_t> packet = udp_packet(m.source, m.source_port, m.destination, m.payload, ++ip_id_);
  const int err = link_->send(packet, *mac);
  log_.line(std::string(err ? "tx-failed " : "tx ") + route + " via " + config_.visited.name + " to " +
            mac_to_string(*mac) + " " + m.summary + (err ? std::string(": ") + std::strerror(err) : std::string()));
}

void FaDaemon::send_advertisement(const OutgoingAdvertisement& a) {
  std::optional<MacAddress> mac = a.link_destination;
  if (!mac) mac = link_address_without_arp(a.destination, config_.visited.prefix().broadcast());
  const std::string what = "advertisement seq=" + std::to_string(a.sequence) + " " + a.source.to_string() + " -> " +
                           a.destination.to_string() + " ttl=" + std::to_string(a.ttl) + " (" + a.why + ")";
  if (!mac) {
    log_.line("tx-skipped " + what + ": no link-layer address");
    return;
  }
  const std::vector<uint8_t> packet = build_ipv4_packet(a.source, a.destination, kProtoIcmp, a.icmp, a.ttl, ++ip_id_);
  const int err = link_->send(packet, *mac);
  log_.line(std::string(err ? "tx-failed " : "tx ") + what + (err ? std::string(": ") + std::strerror(err) : ""));
}

void FaDaemon::handle(const Outcome& o, const std::string& prefix) {
  log_.line(prefix + o.message + " => " + std::string(verdict_name(o.verdict)) + ": " + o.reason);
  // The data plane first: a mobile node may send as soon as it has the reply.
  if (o.visitors_changed) sync_diversions();
  for (const OutgoingMessage& m : o.out) send(m);
}

void FaDaemon::on_link(bool drain) {
  for (int i = 0; drain || i < kMaxPerWake * 4; ++i) {
    auto f = link_->receive();
    if (!f) return;
    if (f->outgoing || f->truncated) continue;
    const auto h = parse_ipv4_header(f->packet);
    if (!h || h->fragment_offset() != 0) continue;
    const auto payload = ipv4_payload(f->packet, *h);
    if (h->protocol == kProtoUdp && payload.size() >= 8 && ((payload[2] << 8) | payload[3]) == kRegistrationPort) {
      // Remembered for the datagram the UDP socket is about to deliver (3.7.1 "the link-layer source address").
      const uint16_t sport = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
      link_sources_[{to_host(h->source), sport}] = {f->link_source, steady_clock::now()};
    } else if (h->protocol == kProtoIcmp && !payload.empty() && payload[0] == wire::AgentSolicitation::kIcmpType) {
      const std::string what = advertiser_.on_solicitation(payload, h->source, f->link_source, steady_clock::now());
      log_.line("rx solicitation " + h->source.to_string() + " -> " + h->destination.to_string() +
                " ttl=" + std::to_string(h->ttl) + " from " + mac_to_string(f->link_source) + " => " + what);
    }
  }
}

void FaDaemon::on_udp(short revents) {
  if (revents & POLLERR) {
    while (auto e = udp_->receive_error()) {
      auto o = fa_.on_icmp_error(e->payload, e->destination.address, e->icmp_type, e->icmp_code, steady_clock::now());
      const std::string about = "icmp-error type=" + std::to_string(e->icmp_type) +
                                " code=" + std::to_string(e->icmp_code) + " from " + e->offender.to_string() +
                                " about " + e->destination.to_string() + " ";
      if (o) {
        handle(*o, about);
      } else {
        log_.line(about + "=> ignored: no pending request it belongs to");
      }
    }
  }
  on_link();  // the frames' link-layer sources first: AF_PACKET sees a frame before the UDP socket gets it
  const auto now = steady_clock::now();
  std::erase_if(link_sources_, [&](const auto& kv) { return now - kv.second.second > kLinkSourceMemory; });
  for (int i = 0; i < kMaxPerWake; ++i) {
    auto d = udp_->receive();
    if (!d) return;
    const std::string route = d->source.to_string() + " -> " + d->destination.to_string();
    if (d->truncated) {
      log_.line("rx " + route + " len>" + std::to_string(d->payload.size()) + " => discarded: datagram truncated");
      continue;
    }
    Received rx;
    rx.source = d->source;
    rx.destination = d->destination;
    rx.ttl = d->ttl;
    rx.on_visited_link = d->ifindex == visited_ifindex_;
    const std::pair<uint32_t, uint16_t> key{to_host(d->source.address), d->source.port};
    auto ls = link_sources_.find(key);
    if (rx.on_visited_link && ls == link_sources_.end()) {
      on_link(true);  // behind a flood the frame may still wait in the link socket's queue
      ls = link_sources_.find(key);
    }
    if (rx.on_visited_link && ls != link_sources_.end()) rx.link_source = ls->second.first;
    const std::string prefix = "rx " + route + " ttl=" + std::to_string(d->ttl) +
                               " len=" + std::to_string(d->payload.size()) +
                               (rx.link_source ? " from " + mac_to_string(*rx.link_source) : std::string()) + " ";
    try {
      handle(fa_.on_datagram(d->payload, rx, steady_clock::now()), prefix);
    } catch (const std::exception& e) {  // never expected; one bad datagram must not end the daemon
      log_.line(prefix + "=> discarded: internal error: " + e.what());
    }
  }
}

void FaDaemon::carry_out(const Forwarding& f) {
  switch (f.action) {
    case Forwarding::Action::Drop:
      log_.line("data " + f.why);
      break;
    case Forwarding::Action::Deliver: {
      if (f.arp_request_for && arp_) {
        ArpPacket probe;
        probe.operation = kArpRequest;
        probe.sender_mac = arp_->mac();
        probe.sender_ip = config_.visited.address;
        probe.target_ip = *f.arp_request_for;
        arp_->send(probe, kBroadcastMac);
        log_.line("data broadcast ARP Request for " + f.arp_request_for->to_string() + " (fault fa-arp-for-visitor)");
      }
      const int err = link_->send(f.packet, f.link_destination);
      log_.line("data " + f.why + (err ? std::string(" FAILED: ") + std::strerror(err) : ""));
      break;
    }
    case Forwarding::Action::Tunnel: {
      const Encapsulation& e = data_plane_.encapsulation(f.encapsulation);
      std::string why;
      auto payload = e.encapsulate(f.packet, {f.outer_source, f.outer_destination}, &why);
      if (!payload) {
        log_.line("data " + f.why + " FAILED: cannot encapsulate: " + why);
        break;
      }
      const int err =
          tunnels_.at(f.encapsulation)->send(*payload, f.outer_destination, f.outer_source, e.outer_ttl(f.packet));
      log_.line("data " + f.why + (err ? std::string(" FAILED: ") + std::strerror(err) : ""));
      break;
    }
    case Forwarding::Action::Reinject: {
      const int err = tun_->write(f.packet);
      log_.line("data " + f.why + (err ? std::string(" FAILED: ") + std::strerror(err) : ""));
      break;
    }
  }
  if (f.icmp && icmp_) {
    const int err = icmp_->send(f.icmp->message, f.icmp->destination, f.icmp->source);
    if (err) log_.line("data ICMP to " + f.icmp->destination.to_string() + " FAILED: " + std::strerror(err));
  }
}

void FaDaemon::on_tunnel_socket(RawIpSocket& socket) {
  for (int i = 0; i < kMaxPerWake; ++i) {
    auto p = socket.receive();
    if (!p) return;
    if (p->truncated) {
      log_.line("data protocol " + std::to_string(socket.protocol()) + " from " + p->source.to_string() +
                ": truncated, discarded");
      continue;
    }
    carry_out(data_plane_.from_tunnel(p->bytes, fa_.visitors()));
  }
}

void FaDaemon::on_tun(short revents) {
  if (TunDevice::revents_mean_gone(revents)) return fail(tun_->gone_message("poll"));
  for (int i = 0; i < kMaxPerWake; ++i) {
    TunRead r = tun_->read();
    if (r.status == TunReadStatus::WouldBlock) return;
    if (r.status == TunReadStatus::Gone) return fail(tun_->gone_message(r.error));
    carry_out(data_plane_.from_tun(r.packet, fa_.visitors()));
  }
}

void FaDaemon::sync_diversions() {
  if (!routes_) return;
  const DataPlaneConfig& d = *config_.data_plane;
  std::set<uint32_t> wanted;
  for (const Visitor& v : fa_.visitors().visitors()) {
    if (data_plane_.diverts(v)) wanted.insert(to_host(v.registration.home_address));
  }
  for (uint32_t hoa : wanted) {
    if (diverted_.count(hoa)) continue;
    const std::string err =
        routes_->add_source_rule(host_prefix(from_host(hoa)), config_.visited.name, d.table, d.rule_priority);
    log_.line("data reverse tunnel for " + from_host(hoa).to_string() + ": its packets from " + config_.visited.name +
              " are routed into " + tun_->name() + (err.empty() ? "" : " FAILED: " + err) + " (RFC 3024 5.1.1)");
    if (err.empty()) diverted_.insert(hoa);
  }
  for (auto it = diverted_.begin(); it != diverted_.end();) {
    if (wanted.count(*it)) {
      ++it;
      continue;
    }
    const std::string err =
        routes_->delete_source_rule(host_prefix(from_host(*it)), config_.visited.name, d.table, d.rule_priority);
    log_.line("data reverse tunnel for " + from_host(*it).to_string() + " ended" +
              (err.empty() ? "" : " (rule removal FAILED: " + err + ")"));
    it = diverted_.erase(it);
  }
}

void FaDaemon::remove_diversions() {
  if (!routes_) return;
  const DataPlaneConfig& d = *config_.data_plane;
  for (uint32_t hoa : diverted_) {
    routes_->delete_source_rule(host_prefix(from_host(hoa)), config_.visited.name, d.table, d.rule_priority);
  }
  diverted_.clear();
}

std::optional<steady_clock::time_point> FaDaemon::next_deadline() const {
  std::optional<steady_clock::time_point> t = advertiser_.next_deadline();
  if (auto f = fa_.next_deadline(); f && (!t || *f < *t)) t = f;
  return t;
}

void FaDaemon::on_timer() {
  const auto now = steady_clock::now();
  for (const OutgoingAdvertisement& a : advertiser_.due(now)) send_advertisement(a);
  for (const Outcome& o : fa_.expire(now)) handle(o, "timer ");
}

std::string FaDaemon::handle_control(std::string_view line) {
  if (line == "visitors") return fa_.visitors_json(steady_clock::now()).dump();
  if (line == "advertisements") {
    return nlohmann::json{{"sent", advertiser_.sent()}, {"next_sequence", advertiser_.next_sequence()}}.dump();
  }
  if (line == "ping") return R"({"pong":true})";
  return nlohmann::json{{"error", "unknown command"}, {"commands", {"visitors", "advertisements", "ping"}}}.dump();
}

int FaDaemon::run() {
  try {
    if (const std::string err = check_host(config_); !err.empty()) throw std::runtime_error(err);
    visited_ifindex_ = static_cast<int>(::if_nametoindex(config_.visited.name.c_str()));
    udp_ = std::make_unique<PktinfoUdpSocket>(kRegistrationPort);
    if (!udp_->enable_errors()) throw std::runtime_error(std::string("IP_RECVERR: ") + std::strerror(errno));
    // "All mobility agents MUST process packets that they receive addressed to the Mobile-Agents multicast group,
    // at address 224.0.0.11" (RFC 5944 2.3); solicitations may also go to all-routers (RFC 1256).
    for (const Tins::IPv4Address& group : {kAllMobilityAgents, kAllRouters}) {
      if (!udp_->join_multicast(group, visited_ifindex_)) {
        throw std::runtime_error("joining " + group.to_string() + " on " + config_.visited.name + ": " +
                                 std::strerror(errno));
      }
    }
    link_ = std::make_unique<LinkIpSocket>(config_.visited.name);
    // Registrations and solicitations only: visitors' data traffic must not push them out of the queue.
    link_->accept_only(wire::AgentSolicitation::kIcmpType, kRegistrationPort);
    link_->enlarge_receive_queue(kLinkQueueBytes);
    if (config_.data_plane) open_data_plane();
    if (config_.control_socket) {
      control_ = std::make_unique<ControlServer>(*config_.control_socket, loop_,
                                                 [this](std::string_view line) { return handle_control(line); });
    }
  } catch (const std::exception& e) {
    log_.line(std::string("error: ") + e.what());
    return 1;
  }
  loop_.add(udp_->fd(), POLLIN, [this](short revents) { on_udp(revents); });
  loop_.add(link_->fd(), POLLIN, [this](short) { on_link(); });
  loop_.add(signals_.fd(), POLLIN, [this](short) {
    while (int s = signals_.read_signal()) {
      log_.line(std::string("received SIG") + sigabbrev_np(s) + ", exiting");
      loop_.stop();
    }
  });
  loop_.set_timer([this] { return next_deadline(); }, [this] { on_timer(); });
  advertiser_.start(steady_clock::now());

  std::string fault_list;
  for (const std::string& n : faults_.names()) fault_list += (fault_list.empty() ? "" : ",") + n;
  std::string coas;
  for (const auto& a : config_.care_of_addresses) coas += (coas.empty() ? "" : ",") + a.to_string();
  log_.line("ready: role=fa visited=" + config_.visited.name + " " + config_.visited.address.to_string() + " (" +
            mac_to_string(link_->mac()) + ") care_of_addresses=" + coas + " port=" + std::to_string(kRegistrationPort) +
            " advertisement_interval_ms=" + std::to_string(advertiser_.nominal_interval_ms()) +
            " max_registration_lifetime=" + std::to_string(config_.max_registration_lifetime) + " data_plane=" +
            (tun_ ? tun_->name() + " table " + std::to_string(config_.data_plane->table) : std::string("off")) +
            " encapsulations=" + encapsulation_list() +
            " control_socket=" + (config_.control_socket ? *config_.control_socket : "-") +
            " faults=" + (fault_list.empty() ? "-" : fault_list));
  if (!loop_.run()) {
    log_.line(std::string("error: poll failed: ") + std::strerror(errno));
    exit_code_ = 1;
  }
  remove_diversions();
  control_.reset();  // removes the socket file
  log_.line(exit_code_ == 0 ? "stopped" : "stopped after an error");
  return exit_code_;
}

}  // namespace

int run_foreign_agent(const FaConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals) {
  FaDaemon daemon(config, faults, log, signals);
  return daemon.run();
}

}  // namespace mipvpn::agents::fa
