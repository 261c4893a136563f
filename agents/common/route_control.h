// Routes and addresses through rtnetlink (no `ip` child processes on the data path's hot moments): a /32 route for a
// home address into the TUN device while a binding exists, an address on a TUN device. Each call waits for the
// kernel's acknowledgement and reports its error.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <tins/ip_address.h>

#include "agents/common/ipv4.h"

namespace mipvpn::agents {

// A route in any table, optionally through a gateway (`ip route replace PREFIX [via GATEWAY] dev IFINDEX [onlink]
// [src SOURCE] [table TABLE]`).
struct RouteSpec {
  Ipv4Prefix prefix;
  int ifindex = 0;
  std::optional<Tins::IPv4Address> gateway;
  bool onlink = false;  // the gateway is on the link even without an address of its subnet (a foreign agent)
  std::optional<Tins::IPv4Address> source;
  uint32_t table = 254;  // RT_TABLE_MAIN
};

class RouteControl {
 public:
  // Opens a NETLINK_ROUTE socket in the calling thread's namespace. Throws std::system_error.
  RouteControl();
  ~RouteControl();
  RouteControl(const RouteControl&) = delete;
  RouteControl& operator=(const RouteControl&) = delete;

  // `ip route replace PREFIX dev IFINDEX [src SOURCE] [table TABLE]` (scope link; the main table unless `table`
  // says otherwise). "" on success, else the error.
  std::string replace_route(const Ipv4Prefix& prefix, int ifindex,
                            const std::optional<Tins::IPv4Address>& source = std::nullopt, uint32_t table = kMainTable);
  // `ip route del PREFIX dev IFINDEX [table TABLE]`. A route that is not there is an error ("No such process").
  std::string delete_route(const Ipv4Prefix& prefix, int ifindex, uint32_t table = kMainTable);
  // `ip rule add from FROM iif IIF lookup TABLE priority PRIORITY`: policy routing for packets of one source arriving
  // on one interface (a foreign agent diverts a reverse-tunnelled mobile node's packets into its tunnel device).
  std::string add_source_rule(const Ipv4Prefix& from, const std::string& iif, uint32_t table, uint32_t priority);
  // `ip rule del` of the same rule. A rule that is not there is an error.
  std::string delete_source_rule(const Ipv4Prefix& from, const std::string& iif, uint32_t table, uint32_t priority);

  static constexpr uint32_t kMainTable = 254;  // RT_TABLE_MAIN
  // `ip addr add ADDRESS/LEN dev IFINDEX`. An address already there is not an error.
  std::string add_address(const Tins::IPv4Address& address, unsigned prefix_length, int ifindex);
  // `ip addr del ADDRESS/LEN dev IFINDEX`. An address that is not there is an error.
  std::string delete_address(const Tins::IPv4Address& address, unsigned prefix_length, int ifindex);

  // Routes in any table, through a gateway or not.
  std::string replace_route(const RouteSpec& route);
  std::string delete_route(const RouteSpec& route);
  // `ip rule add from SOURCE/LEN lookup TABLE pref PRIORITY` (any arrival interface, locally generated packets too)
  // and its deletion.
  std::string add_rule(const Ipv4Prefix& source, uint32_t table, uint32_t priority);
  std::string delete_rule(const Ipv4Prefix& source, uint32_t table, uint32_t priority);
  // `ip neigh replace ADDRESS lladdr MAC dev IFINDEX nud permanent`, and its deletion: a link-layer address learned
  // some other way than by ARP (a foreign agent's, from its Agent Advertisement, RFC 5944 4.6).
  std::string replace_neighbor(const Tins::IPv4Address& address, const std::array<uint8_t, 6>& mac, int ifindex);
  std::string delete_neighbor(const Tins::IPv4Address& address, int ifindex);

 private:
  std::string transact(void* message, size_t length);
  std::string source_rule(uint16_t type, uint16_t flags, const Ipv4Prefix& from, const std::string& iif,
                          uint32_t table, uint32_t priority);
  int fd_ = -1;
  uint32_t sequence_ = 0;
};

// "/32" helper: the prefix holding exactly `address`.
Ipv4Prefix host_prefix(const Tins::IPv4Address& address);

}  // namespace mipvpn::agents
