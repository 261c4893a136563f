#include "agents/common/tun_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mipvpn::agents {
namespace {

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Interface flags and MTU go through an ordinary AF_INET socket (ioctl), which needs no netlink round trip.
void set_mtu_and_up(const std::string& name, unsigned mtu) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) throw_errno(errno, "socket for ioctl on " + name);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (::ioctl(s, SIOCSIFMTU, &ifr) != 0) {
    const int e = errno;
    ::close(s);
    throw_errno(e, "set MTU " + std::to_string(mtu) + " on TUN device " + name);
  }
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    const int e = errno;
    ::close(s);
    throw_errno(e, "read flags of TUN device " + name);
  }
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
    const int e = errno;
    ::close(s);
    throw_errno(e, "bring up TUN device " + name);
  }
  ::close(s);
}

}  // namespace

TunDevice::TunDevice(const std::string& name, unsigned mtu) : name_(name), mtu_(mtu), buffer_(65536) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    throw std::system_error(EINVAL, std::generic_category(),
                            "TUN device name \"" + name + "\" must be 1 to 15 bytes");
  }
  fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw_errno(errno, "open /dev/net/tun for TUN device " + name);
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd_, TUNSETIFF, &ifr) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw_errno(e, "create TUN device " + name);
  }
  try {
    set_mtu_and_up(name, mtu);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  ifindex_ = static_cast<int>(::if_nametoindex(name.c_str()));
}

TunDevice::~TunDevice() {
  if (fd_ >= 0) ::close(fd_);
}

TunRead TunDevice::read() {
  TunRead r;
  const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
  if (n > 0) {
    r.status = TunReadStatus::Packet;
    r.packet.assign(buffer_.begin(), buffer_.begin() + n);
    return r;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return r;
  // EOF or EBADFD/EIO/ENODEV: the device was deleted under us (`ip link del`), nothing will ever arrive again.
  r.status = TunReadStatus::Gone;
  r.error = gone_message(n == 0 ? "read: end of file" : std::string("read: ") + std::strerror(errno));
  return r;
}

int TunDevice::write(std::span<const uint8_t> packet) {
  const ssize_t n = ::write(fd_, packet.data(), packet.size());
  if (n < 0) return errno;
  return n == static_cast<ssize_t>(packet.size()) ? 0 : EIO;
}

bool TunDevice::revents_mean_gone(short revents) { return (revents & (POLLERR | POLLHUP | POLLNVAL)) != 0; }

std::string TunDevice::gone_message(const std::string& what) const {
  return "TUN device " + name_ + " vanished (" + what + ")";
}

}  // namespace mipvpn::agents
