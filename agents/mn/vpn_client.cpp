#include "agents/mn/vpn_client.h"

namespace mipvpn::agents::mn {

CharonConfig vpn_charon_config(const VpnClientConfig& vpn, const Tins::IPv4Address& external_home_address,
                               const std::string& external_tunnel_device) {
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
  c.connection = conn;
  return c;
}

VpnClient::VpnClient(CharonConfig config, Logger& log, std::chrono::seconds initiate_timeout)
    : charon_(std::move(config)), log_(log), initiate_timeout_(initiate_timeout) {}

VpnClient::~VpnClient() {
  if (auto ended = charon_.stop()) log_.line("charon stopped: " + ended->status_text());
}

void VpnClient::start() {
  charon_.start();
  log_.line("charon pid " + std::to_string(charon_.pid()) + " ready in " + std::to_string(charon_.ready_time().count()) +
            " ms, configuration loaded in " + std::to_string(charon_.load_time().count()) + " ms (" +
            charon_.config().dir.string() + ")");
}

void VpnClient::connect() {
  if (connecting_ || up_) return;
  const auto& conn = std::get<CharonClientConnection>(charon_.config().connection);
  charon_.initiate(conn.name, conn.child, initiate_timeout_);
  connecting_ = true;
  log_.line("initiating IKE SA " + conn.name + " / CHILD_SA " + conn.child + " from " + conn.local_addrs.front() +
            " to " + conn.remote_addrs.front());
}

void VpnClient::on_event() {
  auto result = charon_.poll_initiate();
  if (!result) return;
  connecting_ = false;
  up_ = result->ok;
  log_.line(std::string(result->ok ? "VPN up" : "VPN initiate failed") + " after " +
            std::to_string(result->elapsed.count()) + " ms: " + result->message);
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
