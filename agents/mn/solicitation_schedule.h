// When the mobile node sends Agent Solicitations (RFC 5944 2.4): "The mobile node MAY send three initial
// solicitations at a maximum rate of one per second while searching for an agent. After this, the rate at which
// solicitations are sent MUST be reduced so as to limit the overhead on the local link. Subsequent solicitations MUST
// be sent using a binary exponential backoff mechanism, doubling the interval between consecutive solicitations, up
// to a maximum interval. [...] This maximum interval SHOULD be at least one minute between solicitations." and
// "Mobile nodes MUST randomize their solicitation times around these nominal values". Socket-free: time and the
// random draws are inputs.
#pragma once

#include <chrono>
#include <optional>

namespace mipvpn::agents::mn {

class SolicitationSchedule {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr unsigned kInitialSolicitations = 3;
  static constexpr std::chrono::milliseconds kInitialInterval{1000};
  // The randomisation only ever lengthens a nominal interval (never faster than the rule allows): up to 10 %, and a
  // first solicitation delayed by up to 100 ms.
  static constexpr double kJitter = 0.10;
  static constexpr std::chrono::milliseconds kFirstDelayMax{100};

  // `backoff` false is the mn-no-solicitation-backoff fault: one per second forever.
  explicit SolicitationSchedule(std::chrono::seconds max_interval, bool backoff = true)
      : max_interval_(max_interval), backoff_(backoff) {}

  // Begins a search at the initial rate. `random01` in [0, 1) randomises the first transmission.
  void start(Clock::time_point now, double random01);
  void stop();
  bool searching() const { return next_.has_value(); }
  std::optional<Clock::time_point> next() const { return next_; }
  // A solicitation went out at `now`: the next one is one (randomised) interval later, the interval doubling after
  // the initial three up to the maximum.
  void sent(Clock::time_point now, double random01);
  unsigned sent_count() const { return sent_; }
  // The nominal interval before the next solicitation (for logs and tests).
  std::chrono::milliseconds nominal_interval() const;

 private:
  std::chrono::milliseconds max_interval_;
  bool backoff_;
  std::optional<Clock::time_point> next_;
  unsigned sent_ = 0;
};

}  // namespace mipvpn::agents::mn
