#include "agents/mn/vpn_client.h"

#include <algorithm>

namespace mipvpn::agents::mn {

CharonConfig vpn_charon_config(const VpnClientConfig& vpn, const Tins::IPv4Address& external_home_address,
                               const std::string& external_tunnel_device, const std::string& physical_interface,
                               bool care_of_endpoint) {
  CharonConfig c;
  c.dir = vpn.run_directory;
  // "charon.interfaces_use = <x-MIP TUN>" keeps charon from roaming when the physical address changes
  // (shared/docs/rfc5265-datapath.md): no address updates, no disclosure of the care-of address to the gateway.
  c.interfaces_use = {external_tunnel_device};
  c.log.child_keys = vpn.log_keys;
  CharonClientConnection conn;
  conn.local_addrs = {external_home_address.to_string()};
  conn.remote_addrs = {vpn.gateway.to_string()};
  for (const Ipv4Prefix& p : vpn.intranet) conn.remote_ts.push_back(p.to_string());
  conn.local_id = vpn.local_id;
  conn.remote_id = vpn.remote_id;
  conn.psk = vpn.psk;
  conn.mobike = vpn.mobike;
  conn.proposals = vpn.proposals;
  conn.esp_proposals = vpn.esp_proposals;
  if (care_of_endpoint) {
    c.interfaces_use = {physical_interface};
    conn.local_addrs.clear();
    conn.mobike = true;
  }
  c.connection = conn;
  return c;
}

VpnClient::VpnClient(CharonConfig config, Logger& log, std::chrono::seconds initiate_timeout)
    : charon_(std::move(config)), log_(log), initiate_timeout_(initiate_timeout) {}

VpnClient::~VpnClient() {
  if (auto ended = charon_.stop()) log_.line("charon stopped: " + ended->to_string());
}

void VpnClient::start() {
  charon_.start();
  log_.line("charon pid " + std::to_string(charon_.pid()) + " ready in " + std::to_string(charon_.ready_time().count()) +
            " ms, configuration loaded in " + std::to_string(charon_.load_time().count()) + " ms (" +
            charon_.config().dir.string() + ")");
}

void VpnClient::connect() {
  if (connecting_ || up_) return;
  if (retry_at_ && std::chrono::steady_clock::now() < *retry_at_) return;
  const auto& conn = std::get<CharonClientConnection>(charon_.config().connection);
  charon_.initiate(conn.name, conn.child, initiate_timeout_);
  connecting_ = true;
  log_.line("initiating IKE SA " + conn.name + " / CHILD_SA " + conn.child + " from " +
            (conn.local_addrs.empty() ? std::string("any address") : conn.local_addrs.front()) + " to " +
            (conn.remote_addrs.empty() ? std::string("?") : conn.remote_addrs.front()));
}

void VpnClient::on_event() {
  auto result = charon_.poll_initiate();
  if (!result) return;
  connecting_ = false;
  up_ = result->ok;
  // A gateway that refuses is asked again after a pause that doubles up to a minute, not in a loop.
  if (up_) {
    retry_delay_ = kFirstRetry;
    retry_at_.reset();
  } else {
    retry_at_ = std::chrono::steady_clock::now() + retry_delay_;
    retry_delay_ = std::min(retry_delay_ * 2, kMaxRetry);
  }
  log_.line(std::string(result->ok ? "VPN up" : "VPN initiate failed") + " after " +
            std::to_string(result->elapsed.count()) + " ms: " + result->message);
}

void VpnClient::disconnect() {
  if (!up_ && !connecting_) return;
  const auto& conn = std::get<CharonClientConnection>(charon_.config().connection);
  try {
    charon_.terminate_ike(conn.name, std::chrono::seconds(3));
    log_.line("IKE SA " + conn.name + " deleted");
  } catch (const std::exception& e) {
    log_.line(std::string("terminate failed: ") + e.what());
  }
  up_ = false;
}

std::string VpnClient::describe_sas() {
  if (!up_) return "";
  try {
    std::string out;
    for (const IkeSaState& sa : charon_.list_sas()) out += (out.empty() ? "" : " | ") + sa.summary();
    return out;
  } catch (const std::exception& e) {
    return std::string("list-sas failed: ") + e.what();
  }
}

}  // namespace mipvpn::agents::mn
