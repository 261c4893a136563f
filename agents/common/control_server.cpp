#include "agents/common/control_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace mipvpn::agents {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxPendingOut = 1 << 20;
constexpr size_t kMaxClients = 32;

sockaddr_un make_address(const std::string& path) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof sun.sun_path) throw std::runtime_error("control socket path too long: " + path);
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  return sun;
}

bool someone_listens(const sockaddr_un& sun) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&sun), sizeof sun) == 0;
  ::close(fd);
  return live;
}

}  // namespace

ControlServer::ControlServer(std::string path, EventLoop& loop, Handler handler)
    : path_(std::move(path)), loop_(loop), handler_(std::move(handler)) {
  const sockaddr_un sun = make_address(path_);
  struct stat st{};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error("control socket path exists and is not a socket: " + path_);
    if (someone_listens(sun)) throw std::runtime_error("control socket is in use by another process: " + path_);
    ::unlink(path_.c_str());
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket(AF_UNIX)");
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&sun), sizeof sun) != 0 || ::listen(listen_fd_, 16) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    throw std::system_error(e, std::generic_category(), "bind/listen " + path_);
  }
  if (::stat(path_.c_str(), &st) == 0) inode_ = st.st_ino;
  loop_.add(listen_fd_, POLLIN, [this](short) { on_accept(); });
}

ControlServer::~ControlServer() {
  while (!clients_.empty()) close_client(clients_.begin()->first);
  loop_.remove(listen_fd_);
  ::close(listen_fd_);
  struct stat st{};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode_) ::unlink(path_.c_str());
}

void ControlServer::on_accept() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (clients_.size() >= kMaxClients) {
      ::close(fd);
      continue;
    }
    clients_[fd] = Client{};
    loop_.add(fd, POLLIN, [this, fd](short revents) { on_client(fd, revents); });
  }
}

void ControlServer::on_client(int fd, short revents) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  if (revents & (POLLERR | POLLNVAL)) {
    close_client(fd);
    return;
  }
  if (revents & (POLLIN | POLLHUP)) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (c.in.size() > kMaxLine && c.in.find('\n') == std::string::npos) {
          c.out += "{\"error\":\"request line too long\"}\n";
          c.in.clear();
          c.closing = true;
          break;
        }
        continue;
      }
      if (n == 0) {
        c.closing = true;  // peer finished sending; answer what we have, then close
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        close_client(fd);
        return;
      }
      break;
    }
    size_t nl;
    while ((nl = c.in.find('\n')) != std::string::npos) {
      std::string line = c.in.substr(0, nl);
      c.in.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      c.out += handler_(line);
      c.out += '\n';
    }
    if (c.closing && !c.in.empty()) {  // last line without a newline
      c.out += handler_(c.in);
      c.out += '\n';
      c.in.clear();
    }
  }
  if (!c.out.empty()) {
    const ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      close_client(fd);
      return;
    }
    if (c.out.size() > kMaxPendingOut) {
      close_client(fd);
      return;
    }
  }
  if (c.closing && c.out.empty()) {
    close_client(fd);
    return;
  }
  update_events(fd);
}

void ControlServer::update_events(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  short ev = it->second.closing ? 0 : POLLIN;
  if (!it->second.out.empty()) ev = static_cast<short>(ev | POLLOUT);
  loop_.modify(fd, ev);
}

void ControlServer::close_client(int fd) {
  loop_.remove(fd);
  clients_.erase(fd);
  ::close(fd);
}

}  // namespace mipvpn::agents
