#include "agents/mn/link_monitor.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents::mn {

LinkMonitor::LinkMonitor(std::string interface) : interface_(std::move(interface)) {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "netlink socket for link notifications");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    const int e = errno;
    ::close(fd_);
    throw std::system_error(e, std::generic_category(), "bind netlink link notifications");
  }
}

LinkMonitor::~LinkMonitor() {
  if (fd_ >= 0) ::close(fd_);
}

LinkMonitor::Changes LinkMonitor::drain() {
  Changes c;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      int remaining = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
        if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE) {
          c.route = true;
        } else {
          c.link_or_address = true;
        }
      }
      continue;
    }
    if (n < 0 && errno == ENOBUFS) {  // notifications were lost: the snapshot catches up anyway
      c.link_or_address = true;
      c.route = true;
      continue;
    }
    return c;
  }
}

int LinkMonitor::ifindex() const { return static_cast<int>(::if_nametoindex(interface_.c_str())); }

LinkState LinkMonitor::snapshot() const {
  LinkState s;
  if (ifindex() == 0) return s;
  s.exists = true;
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock >= 0) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, interface_.c_str(), IFNAMSIZ - 1);
    if (::ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
      s.up = (ifr.ifr_flags & IFF_UP) != 0 && (ifr.ifr_flags & IFF_RUNNING) != 0;
    }
    if (::ioctl(sock, SIOCGIFHWADDR, &ifr) == 0) std::memcpy(s.mac.data(), ifr.ifr_hwaddr.sa_data, 6);
    ::close(sock);
  }
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return s;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET || i->ifa_name == nullptr) continue;
    const std::string name = i->ifa_name;
    // Labels "eth0:1" are addresses of eth0 too.
    if (name != interface_ && name.rfind(interface_ + ":", 0) != 0) continue;
    InterfaceAddress a;
    a.address = Tins::IPv4Address(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
    if (i->ifa_netmask != nullptr) {
      const uint32_t mask = ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr);
      a.prefix_length = static_cast<unsigned>(std::popcount(mask));
    }
    s.addresses.push_back(a);
  }
  ::freeifaddrs(list);
  return s;
}

}  // namespace mipvpn::agents::mn
