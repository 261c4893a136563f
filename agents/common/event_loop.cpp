#include "agents/common/event_loop.h"

#include <poll.h>

#include <cerrno>
#include <climits>
#include <vector>

namespace mipvpn::agents {

void EventLoop::add(int fd, short events, Callback cb) { fds_[fd] = Entry{events, std::move(cb)}; }

void EventLoop::modify(int fd, short events) {
  auto it = fds_.find(fd);
  if (it != fds_.end()) it->second.events = events;
}

void EventLoop::remove(int fd) { fds_.erase(fd); }

void EventLoop::set_timer(DeadlineFn next, std::function<void()> fire) {
  next_deadline_ = std::move(next);
  fire_ = std::move(fire);
}

bool EventLoop::run() {
  using namespace std::chrono;
  std::vector<pollfd> pfds;
  while (!stopped_) {
    int timeout_ms = -1;
    std::optional<steady_clock::time_point> deadline;
    if (next_deadline_) deadline = next_deadline_();
    if (deadline) {
      const auto now = steady_clock::now();
      if (*deadline <= now) {
        timeout_ms = 0;
      } else {
        // Round up so we never wake before the deadline and spin.
        const auto ms = duration_cast<milliseconds>(*deadline - now + milliseconds(1) - nanoseconds(1)).count();
        timeout_ms = ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
      }
    }
    pfds.clear();
    for (const auto& [fd, e] : fds_) pfds.push_back(pollfd{fd, e.events, 0});
    const int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    for (const pollfd& p : pfds) {
      if (stopped_) break;
      if (p.revents == 0) continue;
      auto it = fds_.find(p.fd);  // may have been removed by an earlier callback
      if (it == fds_.end()) continue;
      Callback cb = it->second.cb;  // copy: the callback may remove itself
      cb(p.revents);
    }
    if (!stopped_ && deadline && fire_ && steady_clock::now() >= *deadline) fire_();
  }
  return true;
}

}  // namespace mipvpn::agents
