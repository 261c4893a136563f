// RFC 5265 internal network detection (3.2, 3.3) for one interface, with no sockets and no clock of its own: the
// daemon reports connection status changes and, after every event, what its layers observe (the external layer
// registered, the VPN up, the internal layer registered through it, direct internal registrations accepted or denied);
// the detection says where the mobile node is and what must run: whether user data may flow, whether the VPN is
// wanted, whether the external layer registers, whether the internal layer registers directly, through the VPN or
// both.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::agents::mn {

enum class Placement { Undecided, Inside, Outside };
std::string_view placement_name(Placement);

class NetworkDetection {
 public:
  using Clock = std::chrono::steady_clock;
  struct Params {
    std::chrono::seconds t_monitor{60};
    std::chrono::milliseconds detection_period{0};
    std::chrono::seconds internal_probe{30};
    // "if the MN detects that i-HA and x-HA have the same address, it MUST assume that it is in the external network
    // and bypass network detection" (3.5)
    bool same_home_agents = false;
    bool accept_without_tnc = false;  // fault mn-5265-inside-without-tnc
    bool ignore_t_monitor = false;    // fault mn-5265-no-t-monitor
  };
  // What the layers look like now. Counters only grow; an increase is a new event.
  struct Observation {
    bool external_registered = false;
    bool vpn_up = false;
    bool tunnelled_registered = false;  // the internal layer, registered through the VPN (CoA = VPN-TIA)
    unsigned direct_accepts = 0;        // direct internal registrations accepted...
    bool direct_last_tnc = false;       // ...the latest with an authenticated Trusted Networks Configured extension
    unsigned direct_denials = 0;
  };

  explicit NetworkDetection(Params params) : params_(params) {}

  // 3.2.2: "immediately stop relaying user data packets; detect whether this interface is connected to the internal
  // or the external network".
  void connection_changed(Clock::time_point now);
  void observe(const Observation& o, Clock::time_point now);
  void on_timer(Clock::time_point now);
  std::optional<Clock::time_point> next_deadline() const;

  Placement placement() const { return placement_; }
  bool user_data_allowed(Clock::time_point now) const;
  bool want_vpn() const { return placement_ == Placement::Outside; }
  bool external_active() const { return placement_ != Placement::Inside; }
  bool internal_direct_active(Clock::time_point now) const;
  bool internal_through_vpn() const { return placement_ == Placement::Outside && observed_.vpn_up; }
  // Why the current state is what it is, one line per change, for the daemon's log.
  std::vector<std::string> take_log();

 private:
  void decide(Clock::time_point now);
  void become(Placement p, const std::string& why);
  void restart(Clock::time_point now, const std::string& why);

  Params params_;
  Placement placement_ = Placement::Undecided;
  Observation observed_;
  Clock::time_point changed_at_{};
  std::optional<Clock::time_point> external_since_;        // external layer registered since then
  std::optional<Clock::time_point> last_direct_success_;   // inside: the latest accepted direct registration with TNC
  bool direct_answered_ = false;  // "In any case, the MN MUST stop retransmitting its registration requests" (3.3)
  std::vector<std::string> log_;
};

}  // namespace mipvpn::agents::mn
