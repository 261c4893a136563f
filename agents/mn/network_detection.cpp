#include "agents/mn/network_detection.h"

namespace mipvpn::agents::mn {

using namespace std::chrono;

std::string_view placement_name(Placement p) {
  switch (p) {
    case Placement::Undecided: return "undecided";
    case Placement::Inside: return "inside";
    case Placement::Outside: return "outside";
  }
  return "?";
}

void NetworkDetection::become(Placement p, const std::string& why) {
  if (p == placement_) return;
  log_.push_back("detection: " + std::string(placement_name(placement_)) + " -> " + std::string(placement_name(p)) +
                 ": " + why);
  placement_ = p;
}

void NetworkDetection::restart(Clock::time_point now, const std::string& why) {
  changed_at_ = now;
  external_since_.reset();
  last_direct_success_.reset();
  direct_answered_ = false;
  if (placement_ == Placement::Undecided) {
    log_.push_back("detection: restarted: " + why);
  } else {
    become(Placement::Undecided, why);
  }
}

void NetworkDetection::connection_changed(Clock::time_point now) {
  restart(now, "connection status changed: user data stopped until detection completes (RFC 5265 3.2.2)");
  decide(now);
}

void NetworkDetection::observe(const Observation& o, Clock::time_point now) {
  const Observation before = observed_;
  observed_ = o;
  if (o.external_registered && !external_since_) external_since_ = now;
  if (!o.external_registered) external_since_.reset();
  if (o.direct_accepts > before.direct_accepts) {
    direct_answered_ = true;
    if (params_.same_home_agents) {
      log_.push_back("detection: the i-HA answered, but it has the x-HA's address: outside (RFC 5265 3.5)");
    } else if (o.direct_last_tnc || params_.accept_without_tnc) {
      last_direct_success_ = now;
      // "If a response from the i-HA is received and the response contains the Trusted Networks Configured
      // extension, the MN SHOULD determine that it is inside." (3.3)
      become(Placement::Inside, "the i-HA accepted a direct registration with Trusted Networks Configured");
    } else {
      // "The mobile node MUST NOT infer that an interface is connected to the internal network unless [...] the i-HA
      // registration reply contained a Trusted Networks Configured extension" (3.2.3)
      log_.push_back("detection: the i-HA accepted a direct registration without Trusted Networks Configured: not "
                     "inside (RFC 5265 3.2.3)");
    }
  }
  if (o.direct_denials > before.direct_denials && placement_ == Placement::Inside) {
    // "If the re-registration fails, the MN MUST stop sending and receiving plaintext traffic, and MUST restart the
    // detection algorithm." (3.3)
    restart(now, "a direct re-registration with the i-HA was denied (RFC 5265 3.3)");
  }
  decide(now);
}

void NetworkDetection::on_timer(Clock::time_point now) {
  if (placement_ == Placement::Inside && last_direct_success_ && now - *last_direct_success_ > params_.t_monitor &&
      !params_.ignore_t_monitor) {
    // "The mobile node MUST NOT send or receive a user data packet if more than T_MONITOR seconds have elapsed since
    // the last successful (re-)registration with the i-HA." (3.2.4)
    restart(now, "no successful re-registration with the i-HA for more than T_MONITOR (" +
                     std::to_string(params_.t_monitor.count()) + " s, RFC 5265 3.2.4)");
  }
  decide(now);
}

void NetworkDetection::decide(Clock::time_point now) {
  if (placement_ != Placement::Undecided) return;
  if (!external_since_) return;
  if (params_.same_home_agents || now - *external_since_ >= params_.detection_period) {
    // "If a response from the x-HA is received, the MN [...] tentatively determines it is outside." (3.3)
    become(Placement::Outside, params_.same_home_agents
                                   ? "registered with the x-HA; i-HA and x-HA share an address (RFC 5265 3.5)"
                                   : "registered with the x-HA and no Trusted Networks Configured from the i-HA");
  }
}

std::optional<NetworkDetection::Clock::time_point> NetworkDetection::next_deadline() const {
  std::optional<Clock::time_point> next;
  auto earliest = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  if (placement_ == Placement::Inside && last_direct_success_ && !params_.ignore_t_monitor) {
    earliest(*last_direct_success_ + params_.t_monitor + 1ms);
  }
  if (placement_ == Placement::Undecided && external_since_) earliest(*external_since_ + params_.detection_period);
  if (placement_ != Placement::Inside && !direct_answered_) earliest(changed_at_ + params_.internal_probe);
  return next;
}

bool NetworkDetection::user_data_allowed(Clock::time_point now) const {
  switch (placement_) {
    case Placement::Undecided: return false;
    case Placement::Inside:
      return last_direct_success_ && (params_.ignore_t_monitor || now - *last_direct_success_ <= params_.t_monitor);
    case Placement::Outside: return observed_.external_registered && observed_.vpn_up && observed_.tunnelled_registered;
  }
  return false;
}

bool NetworkDetection::internal_direct_active(Clock::time_point now) const {
  if (params_.same_home_agents) return false;
  if (placement_ == Placement::Inside) return true;
  return !direct_answered_ && now - changed_at_ < params_.internal_probe;
}

std::vector<std::string> NetworkDetection::take_log() {
  std::vector<std::string> out;
  out.swap(log_);
  return out;
}

}  // namespace mipvpn::agents::mn
