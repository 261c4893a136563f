// The RFC 5265 mobile node's VPN client: a strongSwan charon in the mobile node's namespace whose IKE and ESP run
// from the external home address (x-HoA) through the x-MIP tunnel device, so that a change of care-of address is
// invisible to IKE: "the IPsec endpoint is the x-HoA, which never changes" (RFC 5265 1.7, 5.3). charon is told to use
// only the x-MIP tunnel device (interfaces_use), so it sends no address updates when the physical address changes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agents/common/charon_process.h"
#include "agents/common/log.h"
#include "agents/mn/rfc5265_config.h"

namespace mipvpn::agents::mn {

// The charon configuration for `vpn`: local address the x-HoA, only `external_tunnel_device` usable.
// With `care_of_endpoint` (fault mn-5265-ipsec-endpoint-care-of) charon instead uses whatever address the physical
// interface has, like a plain roadwarrior: the problem RFC 5265 solves.
CharonConfig vpn_charon_config(const VpnClientConfig& vpn, const Tins::IPv4Address& external_home_address,
                               const std::string& external_tunnel_device, const std::string& physical_interface,
                               bool care_of_endpoint);

class VpnClient {
 public:
  VpnClient(CharonConfig config, Logger& log, std::chrono::seconds initiate_timeout);
  ~VpnClient();  // stops charon
  void start();  // charon running and configured (blocks for tens of milliseconds); throws CharonError

  void connect();  // starts the IKE SA + CHILD_SA without blocking; no-op while connecting or up
  bool connecting() const { return connecting_; }
  // When a refused connect may be tried again (connect() before then does nothing).
  std::optional<std::chrono::steady_clock::time_point> retry_at() const { return retry_at_; }
  bool up() const { return up_; }
  int event_fd() const { return charon_.initiate_fd(); }  // readable when a connect attempt ended; -1 otherwise
  void on_event();                                        // collects that result
  // Deletes the IKE SA (blocking, tens of milliseconds): inside the intranet IPsec is not needed (RFC 5265 4.1
  // allows disabling it once the i-HA's reply carried Trusted Networks Configured).
  void disconnect();
  // The established SAs (swanctl --list-sas), for the log and the control socket; empty when down.
  std::string describe_sas();
  pid_t pid() const { return charon_.pid(); }

 private:
  CharonProcess charon_;
  Logger& log_;
  std::chrono::seconds initiate_timeout_;
  static constexpr std::chrono::milliseconds kFirstRetry{1000};
  static constexpr std::chrono::milliseconds kMaxRetry{60000};
  bool connecting_ = false;
  bool up_ = false;
  std::optional<std::chrono::steady_clock::time_point> retry_at_;
  std::chrono::milliseconds retry_delay_ = kFirstRetry;
};

}  // namespace mipvpn::agents::mn
