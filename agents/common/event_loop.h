// A single-threaded poll(2) loop: file descriptors with callbacks, and one deadline callback whose next deadline
// is asked for before every wait (so timers need no sleeps and no extra threads).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>

namespace mipvpn::agents {

class EventLoop {
 public:
  using Callback = std::function<void(short revents)>;
  using DeadlineFn = std::function<std::optional<std::chrono::steady_clock::time_point>()>;

  void add(int fd, short events, Callback cb);
  void modify(int fd, short events);
  void remove(int fd);  // safe from inside a callback

  // `next` is asked for the earliest deadline before each wait; `fire` runs when it has passed.
  void set_timer(DeadlineFn next, std::function<void()> fire);

  // Runs until stop(); returns false if poll failed with something other than EINTR.
  bool run();
  void stop() { stopped_ = true; }

 private:
  struct Entry {
    short events;
    Callback cb;
  };
  std::map<int, Entry> fds_;
  DeadlineFn next_deadline_;
  std::function<void()> fire_;
  bool stopped_ = false;
};

}  // namespace mipvpn::agents
