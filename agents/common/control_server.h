// Line-oriented control socket (unix stream). Each request line gets one response line from the handler.
// Non-blocking throughout: a slow or silent client never stalls the agent.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "agents/common/event_loop.h"

namespace mipvpn::agents {

class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view line)>;  // returns the response without '\n'

  // Binds and listens on `path` (a stale socket file nobody listens on is replaced; a live one is an error).
  // Throws std::system_error / std::runtime_error.
  ControlServer(std::string path, EventLoop& loop, Handler handler);
  ~ControlServer();  // closes everything and removes the socket file (if it is still ours)
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return path_; }

 private:
  struct Client {
    std::string in;
    std::string out;
    bool closing = false;
  };
  void on_accept();
  void on_client(int fd, short revents);
  void close_client(int fd);
  void update_events(int fd);

  std::string path_;
  EventLoop& loop_;
  Handler handler_;
  int listen_fd_ = -1;
  unsigned long inode_ = 0;
  std::map<int, Client> clients_;
};

}  // namespace mipvpn::agents
