#include "agents/mn/solicitation_schedule.h"

#include <algorithm>

namespace mipvpn::agents::mn {

using namespace std::chrono;

void SolicitationSchedule::start(Clock::time_point now, double random01) {
  sent_ = 0;
  next_ = now + duration_cast<Clock::duration>(duration<double>(kFirstDelayMax) * random01);
}

void SolicitationSchedule::stop() {
  next_.reset();
  sent_ = 0;
}

milliseconds SolicitationSchedule::nominal_interval() const {
  if (!backoff_ || sent_ < kInitialSolicitations) return kInitialInterval;
  // After the initial three: 2 s, 4 s, 8 s, ... (doubling), capped at the maximum.
  const unsigned doublings = std::min(sent_ - kInitialSolicitations + 1, 30u);
  const milliseconds interval = kInitialInterval * (int64_t{1} << std::min(doublings, 20u));
  return std::min(interval, std::max(max_interval_, kInitialInterval));
}

void SolicitationSchedule::sent(Clock::time_point now, double random01) {
  ++sent_;
  const milliseconds nominal = nominal_interval();
  next_ = now + duration_cast<Clock::duration>(duration<double>(nominal) * (1.0 + kJitter * random01));
}

}  // namespace mipvpn::agents::mn
