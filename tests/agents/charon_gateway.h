// The VPN gateway the root tests run: a strongSwan charon handing out virtual IPs (VPN tunnel inner addresses) from
// 10.10.99.0/24 to the client "mn.example", identity "gw.example", with a pre-shared key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "agents/common/charon_config.h"

namespace mipvpn::agents::test {

inline CharonConfig test_gateway_config(const std::filesystem::path& dir, const std::string& local_address,
                                        std::vector<std::string> intranet, std::vector<std::string> intranet_interfaces,
                                        const std::string& psk) {
  CharonConfig c;
  c.dir = dir;
  // Else it offers its intranet addresses to clients as MOBIKE addresses (shared/docs/strongswan-in-netns.md).
  c.interfaces_ignore = std::move(intranet_interfaces);
  CharonGatewayConnection g;
  g.local_addrs = {local_address};
  g.pool_addrs = "10.10.99.0/24";
  g.local_ts = std::move(intranet);
  g.local_id = "gw.example";
  g.client_ids = {"mn.example"};
  g.psk = psk;
  c.connection = g;
  return c;
}

}  // namespace mipvpn::agents::test
