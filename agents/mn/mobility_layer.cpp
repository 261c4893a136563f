#include "agents/mn/mobility_layer.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <exception>

#include "agents/common/ipv4_packet.h"
#include "agents/common/udp_tunnel_data.h"
#include "harness/wire/agent_advertisement.h"

namespace mipvpn::agents::mn {
namespace {

constexpr int kMaxPerWake = 64;

}  // namespace

MobilityLayer::MobilityLayer(MnConfig config, FaultSet faults, EventLoop& loop, Logger& log, Options options)
    : config_(std::move(config)), loop_(loop), log_(log), node_(config_, faults) {
  socket_ = std::make_unique<PktinfoUdpSocket>(0);
  if (options.listen_for_agents) {
    agents_ = std::make_unique<LinkIpSocket>(config_.interface);
    agents_->accept_only(wire::AgentAdvertisement::kIcmpType);
    loop_.add(agents_->fd(), POLLIN, [this](short) { on_agents(); });
  }
  loop_.add(socket_->fd(), POLLIN, [this](short) { on_socket(); });
  if (options.data_plane) activate_data_plane();
}

MobilityLayer::~MobilityLayer() {
  data_plane_.reset();  // restores ARP settings, removes routes
  loop_.remove(socket_->fd());
  if (agents_) loop_.remove(agents_->fd());
}

std::string MobilityLayer::describe() const {
  return "interface=" + config_.interface + " home_address=" + config_.home_address.to_string() + " home_network=" +
         config_.home_network.to_string() + " home_agent=" + config_.home_agent.to_string() +
         " mode=" + std::string(care_of_mode_name(config_.mode)) + " lifetime=" + std::to_string(config_.lifetime) +
         " reverse_tunnelling=" + (config_.reverse_tunnelling ? "true" : "false") + " udp_tunnelling=" +
         (config_.udp_tunnelling.enabled ? (config_.udp_tunnelling.force ? "forced" : "true") : "false") +
         " port=" + std::to_string(socket_->port()) + " data_plane: " +
         (data_plane_ ? data_plane_->describe() : std::string("inactive"));
}

std::optional<std::string> MobilityLayer::fatal() const {
  return data_plane_ ? data_plane_->fatal() : std::nullopt;
}

void MobilityLayer::activate_data_plane() {
  if (data_plane_) return;
  MnDataPlane::Callbacks callbacks;
  callbacks.keepalive_reply = [this] {
    carry(node_.on_keepalive_reply(Now::current()));
    if (after_event_) after_event_();
  };
  callbacks.sent_to_home_agent = [this] { node_.note_sent_to_home_agent(Now::current()); };
  data_plane_ = std::make_unique<MnDataPlane>(config_, loop_, log_, *socket_, callbacks);
  data_plane_->set_user_data_allowed(user_data_allowed_);
  if (wanted_) data_plane_->apply(*wanted_, link_);
}

void MobilityLayer::deactivate_data_plane() { data_plane_.reset(); }

void MobilityLayer::set_user_data_allowed(bool allowed) {
  user_data_allowed_ = allowed;
  if (data_plane_) data_plane_->set_user_data_allowed(allowed);
}

void MobilityLayer::carry(const Output& out) {
  for (const std::string& line : out.log) log_.line(line);
  for (const Action& action : out.actions) {
    if (const auto* c = std::get_if<ConfigureDataPlane>(&action)) {
      wanted_ = c->state;
      if (data_plane_) data_plane_->apply(c->state, link_);
    } else if (const auto* g = std::get_if<SendGratuitousArp>(&action)) {
      if (data_plane_) data_plane_->send_gratuitous_arp(g->address);
    } else if (const auto* a = std::get_if<SendRequest>(&action)) {
      const int ttl = a->ttl;
      ::setsockopt(socket_->fd(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
      const int err = socket_->send(a->payload, a->source, a->destination);
      const std::string route = a->source.to_string() + ":" + std::to_string(socket_->port()) + " -> " +
                                a->destination.to_string();
      log_.line((err ? "tx-failed " : "tx ") + route + " " + a->summary +
                (err ? std::string(": ") + std::strerror(err) : std::string()));
      if (err) node_.on_request_not_sent(Now::current());
    } else if (const auto* s = std::get_if<SendSolicitation>(&action)) {
      if (!agents_) continue;
      const auto packet = build_ipv4_packet(s->source, s->destination, kProtoIcmp, s->icmp, s->ttl);
      const int err = agents_->send(packet, link_address_without_arp(s->destination).value_or(kBroadcastMac));
      if (err) log_.line("tx-failed Agent Solicitation: " + std::string(std::strerror(err)));
    } else if (const auto* k = std::get_if<SendKeepalive>(&action)) {
      if (data_plane_) data_plane_->send_keepalive(k->sequence);
    }
  }
}

void MobilityLayer::on_link(const LinkState& link) {
  link_ = link;
  carry(node_.on_link(link, Now::current()));
}

void MobilityLayer::on_routes_changed() { carry(node_.on_routes_changed(Now::current())); }

void MobilityLayer::on_timer() { carry(node_.on_timer(Now::current())); }

void MobilityLayer::suspend(bool deregister) { carry(node_.suspend(deregister, Now::current())); }

void MobilityLayer::resume() { carry(node_.resume(Now::current())); }

void MobilityLayer::on_agents() {
  for (int i = 0; i < kMaxPerWake; ++i) {
    auto p = agents_->receive();
    if (!p) break;
    if (p->outgoing || p->truncated) continue;
    auto h = parse_ipv4_header(p->packet);
    if (!h || h->protocol != kProtoIcmp) continue;
    const auto icmp = ipv4_payload(p->packet, *h);
    ReceivedIcmp m{std::vector<uint8_t>(icmp.begin(), icmp.end()), h->source, h->destination, h->ttl, p->link_source};
    carry(node_.on_advertisement(m, Now::current()));
  }
  if (after_event_) after_event_();
}

void MobilityLayer::on_socket() {
  for (int i = 0; i < kMaxPerWake; ++i) {
    auto d = socket_->receive();
    if (!d) break;
    if (d->truncated) {
      log_.line("rx " + d->source.to_string() + ": datagram truncated, discarded");
      continue;
    }
    if (!d->payload.empty() && d->payload[0] == kTunnelDataType) {
      if (data_plane_) data_plane_->on_tunnel_data(*d);
      continue;
    }
    try {
      carry(node_.on_reply(d->payload, d->source, Now::current()));
    } catch (const std::exception& e) {
      log_.line("rx " + d->source.to_string() + " => discarded: internal error: " + e.what());
    }
  }
  if (after_event_) after_event_();
}

}  // namespace mipvpn::agents::mn
