// SIGTERM/SIGINT (and others) delivered through a signalfd so the event loop handles them like any other input.
#pragma once

#include <initializer_list>

namespace mipvpn::agents {

class SignalFd {
 public:
  // Blocks the signals in the calling thread (call before starting other threads) and opens a signalfd for them.
  // Throws std::system_error.
  explicit SignalFd(std::initializer_list<int> signals);
  ~SignalFd();  // closes the fd; the signals stay blocked (a late SIGTERM must not kill a process that is exiting)
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  int fd() const { return fd_; }
  // The pending signal number, or 0 if none.
  int read_signal();

 private:
  int fd_ = -1;
};

}  // namespace mipvpn::agents
