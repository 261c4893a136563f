#include "agents/common/route_control.h"

#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {
namespace {

struct Request {
  nlmsghdr header;
  union {
    rtmsg route;
    ifaddrmsg address;
    fib_rule_hdr rule;
    ndmsg neighbor;
  };
  char attributes[256];
};

void add_attribute(nlmsghdr* n, uint16_t type, const void* data, size_t length) {
  auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(n) + NLMSG_ALIGN(n->nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(length));
  std::memcpy(RTA_DATA(rta), data, length);
  n->nlmsg_len = static_cast<uint32_t>(NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len));
}

void add_u32(nlmsghdr* n, uint16_t type, uint32_t v) { add_attribute(n, type, &v, sizeof v); }

Request route_request(uint16_t type, uint16_t flags, const Ipv4Prefix& prefix, int ifindex, uint32_t table) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  r.header.nlmsg_type = type;
  r.header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  r.route.rtm_family = AF_INET;
  r.route.rtm_dst_len = static_cast<unsigned char>(prefix.length);
  r.route.rtm_table = static_cast<unsigned char>(table < 256 ? table : uint32_t{RT_TABLE_UNSPEC});
  r.route.rtm_protocol = RTPROT_STATIC;
  r.route.rtm_scope = RT_SCOPE_LINK;
  r.route.rtm_type = RTN_UNICAST;
  add_u32(&r.header, RTA_DST, static_cast<uint32_t>(prefix.network));
  add_u32(&r.header, RTA_OIF, static_cast<uint32_t>(ifindex));
  add_u32(&r.header, RTA_TABLE, table);
  return r;
}

}  // namespace

Ipv4Prefix host_prefix(const Tins::IPv4Address& address) { return Ipv4Prefix{address, 32}; }

RouteControl::RouteControl() {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "netlink route socket");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    const int e = errno;
    ::close(fd_);
    throw std::system_error(e, std::generic_category(), "bind netlink route socket");
  }
  timeval tv{2, 0};  // the kernel answers at once; this only bounds a pathological wait
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

RouteControl::~RouteControl() {
  if (fd_ >= 0) ::close(fd_);
}

std::string RouteControl::transact(void* message, size_t length) {
  auto* n = static_cast<nlmsghdr*>(message);
  n->nlmsg_seq = ++sequence_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_, message, length, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0) {
    return std::string("netlink send: ") + std::strerror(errno);
  }
  char buf[8192];
  for (;;) {
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got < 0) return std::string("netlink receive: ") + std::strerror(errno);
    int remaining = static_cast<int>(got);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_seq != sequence_ || h->nlmsg_type != NLMSG_ERROR) continue;
      const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
      return err->error == 0 ? std::string() : std::string(std::strerror(-err->error));
    }
  }
}

std::string RouteControl::replace_route(const Ipv4Prefix& prefix, int ifindex,
                                        const std::optional<Tins::IPv4Address>& source, uint32_t table) {
  Request r = route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, prefix, ifindex, table);
  if (source) add_u32(&r.header, RTA_PREFSRC, static_cast<uint32_t>(*source));
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "route replace " + prefix.to_string() + ": " + err;
}

std::string RouteControl::delete_route(const Ipv4Prefix& prefix, int ifindex, uint32_t table) {
  Request r = route_request(RTM_DELROUTE, 0, prefix, ifindex, table);
  r.route.rtm_scope = RT_SCOPE_NOWHERE;  // match any scope
  r.route.rtm_protocol = 0;
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "route delete " + prefix.to_string() + ": " + err;
}

std::string RouteControl::add_address(const Tins::IPv4Address& address, unsigned prefix_length, int ifindex) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
  r.header.nlmsg_type = RTM_NEWADDR;
  r.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
  r.address.ifa_family = AF_INET;
  r.address.ifa_prefixlen = static_cast<unsigned char>(prefix_length);
  r.address.ifa_scope = RT_SCOPE_UNIVERSE;
  r.address.ifa_index = static_cast<uint32_t>(ifindex);
  add_u32(&r.header, IFA_LOCAL, static_cast<uint32_t>(address));
  add_u32(&r.header, IFA_ADDRESS, static_cast<uint32_t>(address));
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "address add " + address.to_string() + "/" + std::to_string(prefix_length) + ": " + err;
}

std::string RouteControl::source_rule(uint16_t type, uint16_t flags, const Ipv4Prefix& from, const std::string& iif,
                                      uint32_t table, uint32_t priority) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(fib_rule_hdr));
  r.header.nlmsg_type = type;
  r.header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  r.rule.family = AF_INET;
  r.rule.src_len = static_cast<unsigned char>(from.length);
  r.rule.table = static_cast<unsigned char>(table < 256 ? table : uint32_t{RT_TABLE_UNSPEC});
  r.rule.action = FR_ACT_TO_TBL;
  add_u32(&r.header, FRA_SRC, static_cast<uint32_t>(from.network));
  add_attribute(&r.header, FRA_IIFNAME, iif.c_str(), iif.size() + 1);
  add_u32(&r.header, FRA_TABLE, table);
  add_u32(&r.header, FRA_PRIORITY, priority);
  return transact(&r, r.header.nlmsg_len);
}

std::string RouteControl::add_source_rule(const Ipv4Prefix& from, const std::string& iif, uint32_t table,
                                          uint32_t priority) {
  const std::string err = source_rule(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, from, iif, table, priority);
  return err.empty() ? err : "rule add from " + from.to_string() + " iif " + iif + " table " + std::to_string(table) +
                                 ": " + err;
}

std::string RouteControl::delete_source_rule(const Ipv4Prefix& from, const std::string& iif, uint32_t table,
                                             uint32_t priority) {
  const std::string err = source_rule(RTM_DELRULE, 0, from, iif, table, priority);
  return err.empty() ? err : "rule delete from " + from.to_string() + " iif " + iif + ": " + err;
}

}  // namespace mipvpn::agents

namespace mipvpn::agents {
namespace {

Request spec_request(uint16_t type, uint16_t flags, const RouteSpec& spec) {
  Request r = route_request(type, flags, spec.prefix, spec.ifindex, spec.table);
  if (spec.gateway) {
    r.route.rtm_scope = RT_SCOPE_UNIVERSE;
    add_u32(&r.header, RTA_GATEWAY, static_cast<uint32_t>(*spec.gateway));
    if (spec.onlink) r.route.rtm_flags |= RTNH_F_ONLINK;
  }
  if (spec.source) add_u32(&r.header, RTA_PREFSRC, static_cast<uint32_t>(*spec.source));
  return r;
}

std::string describe(const RouteSpec& spec) {
  std::string out = spec.prefix.to_string();
  if (spec.gateway) out += " via " + spec.gateway->to_string();
  out += " table " + std::to_string(spec.table);
  return out;
}

Request rule_request(uint16_t type, uint16_t flags, const Ipv4Prefix& source, uint32_t table, uint32_t priority) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(fib_rule_hdr));
  r.header.nlmsg_type = type;
  r.header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  r.rule.family = AF_INET;
  r.rule.src_len = static_cast<uint8_t>(source.length);
  r.rule.action = FR_ACT_TO_TBL;
  r.rule.table = table < 256 ? static_cast<uint8_t>(table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  add_u32(&r.header, FRA_TABLE, table);
  add_u32(&r.header, FRA_PRIORITY, priority);
  if (source.length > 0) add_u32(&r.header, FRA_SRC, static_cast<uint32_t>(source.network));
  return r;
}

Request neighbor_request(uint16_t type, uint16_t flags, const Tins::IPv4Address& address, int ifindex) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  r.header.nlmsg_type = type;
  r.header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  r.neighbor.ndm_family = AF_INET;
  r.neighbor.ndm_ifindex = ifindex;
  r.neighbor.ndm_state = NUD_PERMANENT;
  add_u32(&r.header, NDA_DST, static_cast<uint32_t>(address));
  return r;
}

}  // namespace

std::string RouteControl::delete_address(const Tins::IPv4Address& address, unsigned prefix_length, int ifindex) {
  Request r{};
  r.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
  r.header.nlmsg_type = RTM_DELADDR;
  r.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  r.address.ifa_family = AF_INET;
  r.address.ifa_prefixlen = static_cast<unsigned char>(prefix_length);
  r.address.ifa_index = static_cast<uint32_t>(ifindex);
  add_u32(&r.header, IFA_LOCAL, static_cast<uint32_t>(address));
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "address delete " + address.to_string() + "/" + std::to_string(prefix_length) + ": " + err;
}

std::string RouteControl::replace_route(const RouteSpec& route) {
  Request r = spec_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route);
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "route replace " + describe(route) + ": " + err;
}

std::string RouteControl::delete_route(const RouteSpec& route) {
  Request r = spec_request(RTM_DELROUTE, 0, route);
  r.route.rtm_scope = RT_SCOPE_NOWHERE;
  r.route.rtm_protocol = 0;
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "route delete " + describe(route) + ": " + err;
}

std::string RouteControl::add_rule(const Ipv4Prefix& source, uint32_t table, uint32_t priority) {
  Request r = rule_request(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, source, table, priority);
  const std::string err = transact(&r, r.header.nlmsg_len);
  if (err == std::strerror(EEXIST)) return "";
  return err.empty() ? err : "rule add from " + source.to_string() + " lookup " + std::to_string(table) + ": " + err;
}

std::string RouteControl::delete_rule(const Ipv4Prefix& source, uint32_t table, uint32_t priority) {
  Request r = rule_request(RTM_DELRULE, 0, source, table, priority);
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "rule delete from " + source.to_string() + " lookup " + std::to_string(table) + ": " + err;
}

std::string RouteControl::replace_neighbor(const Tins::IPv4Address& address, const std::array<uint8_t, 6>& mac,
                                           int ifindex) {
  Request r = neighbor_request(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, address, ifindex);
  add_attribute(&r.header, NDA_LLADDR, mac.data(), mac.size());
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "neighbor replace " + address.to_string() + ": " + err;
}

std::string RouteControl::delete_neighbor(const Tins::IPv4Address& address, int ifindex) {
  Request r = neighbor_request(RTM_DELNEIGH, 0, address, ifindex);
  const std::string err = transact(&r, r.header.nlmsg_len);
  return err.empty() ? err : "neighbor delete " + address.to_string() + ": " + err;
}

}  // namespace mipvpn::agents
