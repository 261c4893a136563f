// A TUN device (IFF_TUN | IFF_NO_PI) owned by this process: whole IPv4 packets in and out, non-blocking. The device
// is the inside of every user-space tunnel (docs/machine.md: the kernel has no ipip/gre), so losing it must end the
// daemon with a message that names it, never silently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mipvpn::agents {

enum class TunReadStatus {
  Packet,     // `packet` holds one whole packet
  WouldBlock, // nothing queued
  Gone,       // the device was deleted (or the fd broke): the daemon must exit; `error` says why
};

struct TunRead {
  TunReadStatus status = TunReadStatus::WouldBlock;
  std::vector<uint8_t> packet;
  std::string error;
};

class TunDevice {
 public:
  // Creates (or attaches to) the TUN device `name` (1-15 bytes), sets its MTU and brings it up. Non-persistent: it
  // disappears when this object closes the fd. Throws std::system_error naming the device.
  TunDevice(const std::string& name, unsigned mtu);
  ~TunDevice();
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }
  unsigned mtu() const { return mtu_; }

  // Reads one packet without blocking.
  TunRead read();
  // Writes one whole packet; returns 0 or an errno value (EIO/EBADFD/ENODEV when the device has vanished).
  int write(std::span<const uint8_t> packet);
  // True when poll(2) revents on fd() mean the device is gone (POLLERR/POLLHUP/POLLNVAL).
  static bool revents_mean_gone(short revents);
  // "TUN device ha0 vanished (read: File descriptor in bad state)": the message the daemon exits with.
  std::string gone_message(const std::string& what) const;

 private:
  std::string name_;
  unsigned mtu_;
  int fd_ = -1;
  int ifindex_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace mipvpn::agents
