// RFC 5265 mode of the mobile node: the internal layer (i-HoA, i-HA), the VPN client (a strongSwan charon driven by
// mipd) and the internal network detection parameters. Given as "rfc5265" in a mobile node configuration, whose other
// fields then describe the external layer (x-HoA, x-HA).
#pragma once

#include <string>
#include <vector>

#include "agents/mn/mn_config.h"

namespace mipvpn::agents::mn {

struct VpnClientConfig {
  Tins::IPv4Address gateway;              // the VPN gateway's outside address (IKE peer)
  std::vector<Ipv4Prefix> intranet;       // the traffic selectors the tunnel protects (remote_ts)
  std::string local_id = "mn.example";    // IKE identities
  std::string remote_id;
  std::string psk;                        // pre-shared key; never written to logs
  std::string interface = "ipsec0";       // kernel-libipsec's TUN device, which holds the VPN tunnel inner address
  std::string run_directory;              // charon's own files: strongswan.conf, swanctl/, run/, charon.log, vici
  bool mobike = false;
  std::string proposals = "aes256gcm16-prfsha256-x25519";
  std::string esp_proposals = "aes256gcm16";
  bool log_keys = false;                  // charon logs CHILD_SA keys (chd = 4) so tests can decrypt ESP; test-only
  unsigned initiate_timeout_s = 10;
};

struct Rfc5265Config {
  MnConfig internal;  // its interface is the physical one (direct registrations); over the VPN it is vpn.interface
  VpnClientConfig vpn;
  // "The T_MONITOR parameter MUST be configurable, and have the default value of 60 seconds." (3.2.4)
  unsigned t_monitor_s = 60;
  unsigned grace_s = 10;  // N: inside, re-registration starts every T_MONITOR - N seconds
  // After the x-HA's reply the MN "MAY postpone the IPsec connection setup for some period of time while it waits for
  // a (possible) response from the i-HA" (3.3); 0, the preferred value when the x-HA is unreachable from inside.
  unsigned detection_period_ms = 0;
  // How long direct registrations with the i-HA go on after a connection status change ("MUST keep on retransmitting
  // its registration to the i-HA for a period of time", 3.3).
  unsigned internal_probe_s = 30;
};

// Parses the "rfc5265" object; `external` is the already parsed external layer. Throws ConfigException naming the file
// and the JSON pointer.
Rfc5265Config parse_rfc5265_config(const JsonObject& o, const MnConfig& external);

}  // namespace mipvpn::agents::mn
