// Watches the mobile node's physical interface: an rtnetlink socket subscribed to link, IPv4 address and route changes
// wakes the event loop, and snapshot() reads the interface's current state (flags, link-layer address, IPv4
// addresses). A change of address or carrier is how the mobile node notices that it moved (RFC 5944 2.4.2: "Other
// mechanisms MAY also be used").
#pragma once

#include <string>

#include "agents/mn/mobile_node.h"

namespace mipvpn::agents::mn {

class LinkMonitor {
 public:
  // Opens the notification socket in the calling thread's namespace. Throws std::system_error.
  explicit LinkMonitor(std::string interface);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  int fd() const { return fd_; }
  struct Changes {
    bool link_or_address = false;  // (or the queue overflowed)
    bool route = false;
  };
  // Reads every queued notification (non-blocking) and says what kind of change they announced.
  Changes drain();
  // The interface as it is now.
  LinkState snapshot() const;
  int ifindex() const;  // 0 when the interface does not exist

 private:
  std::string interface_;
  int fd_ = -1;
};

}  // namespace mipvpn::agents::mn
