// RFC 5265 3.2/3.3 internal network detection, one sentence at a time, on a fake clock.
#include "agents/mn/network_detection.h"

#include <gtest/gtest.h>

namespace mipvpn::agents::mn {
namespace {

using namespace std::chrono_literals;
using Clock = NetworkDetection::Clock;

class Detection : public ::testing::Test {
 protected:
  NetworkDetection make(NetworkDetection::Params p = {}) {
    NetworkDetection d(p);
    d.connection_changed(t0);
    return d;
  }
  Clock::time_point t0 = Clock::time_point{} + 1000s;
};

NetworkDetection::Observation outside_up() {
  NetworkDetection::Observation o;
  o.external_registered = true;
  o.vpn_up = true;
  o.tunnelled_registered = true;
  return o;
}

// 3.2.2: "immediately stop relaying user data packets; detect whether this interface is connected to the internal or
// the external network; and resume data traffic only after the internal network detection and necessary
// registrations and VPN tunnel establishment have been completed."
TEST_F(Detection, AConnectionChangeStopsUserDataUntilDetectionAndTheVpnComplete) {
  NetworkDetection d = make();
  EXPECT_EQ(d.placement(), Placement::Undecided);
  EXPECT_FALSE(d.user_data_allowed(t0));
  EXPECT_FALSE(d.want_vpn());
  EXPECT_TRUE(d.external_active());
  EXPECT_TRUE(d.internal_direct_active(t0));  // "two simultaneous registration requests" (3.3)

  NetworkDetection::Observation o;
  o.external_registered = true;
  d.observe(o, t0 + 10ms);
  EXPECT_EQ(d.placement(), Placement::Outside);  // "tentatively determines it is outside"
  EXPECT_TRUE(d.want_vpn());
  EXPECT_FALSE(d.user_data_allowed(t0 + 10ms));  // no VPN yet
  EXPECT_TRUE(d.internal_direct_active(t0 + 10ms));  // "MUST keep on retransmitting its registration to the i-HA"
  o.vpn_up = true;
  d.observe(o, t0 + 50ms);
  EXPECT_TRUE(d.internal_through_vpn());
  EXPECT_FALSE(d.user_data_allowed(t0 + 50ms));  // the internal registration through the VPN is still missing
  d.observe(outside_up(), t0 + 60ms);
  EXPECT_TRUE(d.user_data_allowed(t0 + 60ms));

  // An external handoff: data stops; the VPN and the internal binding are untouched, so the new x-HA registration is
  // all it takes.
  d.connection_changed(t0 + 5s);
  EXPECT_EQ(d.placement(), Placement::Undecided);
  EXPECT_FALSE(d.user_data_allowed(t0 + 5s));
  NetworkDetection::Observation moving = outside_up();
  moving.external_registered = false;
  d.observe(moving, t0 + 5s);
  EXPECT_FALSE(d.user_data_allowed(t0 + 5s));
  d.observe(outside_up(), t0 + 5s + 30ms);
  EXPECT_EQ(d.placement(), Placement::Outside);
  EXPECT_TRUE(d.user_data_allowed(t0 + 5s + 30ms));
}

// 3.2.3: "The mobile node MUST NOT infer that an interface is connected to the internal network unless a successful
// registration has been completed through that particular interface to the i-HA, the i-HA registration reply
// contained a Trusted Networks Configured extension".
TEST_F(Detection, InsideOnlyWithTrustedNetworksConfigured) {
  NetworkDetection d = make();
  NetworkDetection::Observation o;
  o.direct_accepts = 1;
  o.direct_last_tnc = false;
  d.observe(o, t0 + 5ms);
  EXPECT_NE(d.placement(), Placement::Inside);
  EXPECT_FALSE(d.user_data_allowed(t0 + 5ms));
  // "In any case, the MN MUST stop retransmitting its registration requests to both i-HA and x-HA." (3.3)
  EXPECT_FALSE(d.internal_direct_active(t0 + 5ms));

  NetworkDetection e = make();
  o.direct_last_tnc = true;
  e.observe(o, t0 + 5ms);
  EXPECT_EQ(e.placement(), Placement::Inside);
  EXPECT_TRUE(e.user_data_allowed(t0 + 5ms));
  EXPECT_FALSE(e.want_vpn());
  // "When successfully registered with the i-HA directly, MN SHOULD de-register with the x-HA." (3.3)
  EXPECT_FALSE(e.external_active());
  EXPECT_TRUE(e.internal_direct_active(t0 + 5ms));
}

// 3.2.4: "The mobile node MUST NOT send or receive a user data packet if more than T_MONITOR seconds have elapsed
// since the last successful (re-)registration with the i-HA."
TEST_F(Detection, InsideUserDataStopsAfterTMonitorWithoutReRegistration) {
  NetworkDetection d = make({.t_monitor = 60s});
  NetworkDetection::Observation o;
  o.direct_accepts = 1;
  o.direct_last_tnc = true;
  d.observe(o, t0);
  EXPECT_TRUE(d.user_data_allowed(t0 + 59s));
  o.direct_accepts = 2;  // re-registered at T_MONITOR - N
  d.observe(o, t0 + 50s);
  EXPECT_TRUE(d.user_data_allowed(t0 + 109s));
  EXPECT_FALSE(d.user_data_allowed(t0 + 111s));
  ASSERT_TRUE(d.next_deadline());
  EXPECT_LE(*d.next_deadline(), t0 + 111s);
  d.on_timer(t0 + 111s);
  // "If the re-registration fails, the MN MUST stop sending and receiving plaintext traffic, and MUST restart the
  // detection algorithm." (3.3)
  EXPECT_EQ(d.placement(), Placement::Undecided);
  EXPECT_TRUE(d.external_active());
  EXPECT_TRUE(d.internal_direct_active(t0 + 111s));
}

TEST_F(Detection, ADeniedReRegistrationInsideRestartsDetection) {
  NetworkDetection d = make();
  NetworkDetection::Observation o;
  o.direct_accepts = 1;
  o.direct_last_tnc = true;
  d.observe(o, t0);
  ASSERT_EQ(d.placement(), Placement::Inside);
  o.direct_denials = 1;
  d.observe(o, t0 + 50s);
  EXPECT_EQ(d.placement(), Placement::Undecided);
  EXPECT_FALSE(d.user_data_allowed(t0 + 50s));
}

// 3.3: "Should the assumption have been invalid and a response from the i-HA received after a response from the x-HA,
// the MN SHOULD re-register with the i-HA directly."
TEST_F(Detection, ALateTrustedReplyAfterTheExternalOneMeansInside) {
  NetworkDetection d = make();
  NetworkDetection::Observation o;
  o.external_registered = true;
  d.observe(o, t0 + 5ms);
  ASSERT_EQ(d.placement(), Placement::Outside);
  o.direct_accepts = 1;
  o.direct_last_tnc = true;
  d.observe(o, t0 + 900ms);
  EXPECT_EQ(d.placement(), Placement::Inside);
  EXPECT_FALSE(d.want_vpn());
}

// 3.3: "The MN MAY postpone the IPsec connection setup for some period of time while it waits for a (possible)
// response from the i-HA."
TEST_F(Detection, ADetectionPeriodPostponesTheVpn) {
  NetworkDetection d = make({.detection_period = 500ms});
  NetworkDetection::Observation o;
  o.external_registered = true;
  d.observe(o, t0 + 10ms);
  EXPECT_EQ(d.placement(), Placement::Undecided);
  EXPECT_FALSE(d.want_vpn());
  ASSERT_TRUE(d.next_deadline());
  EXPECT_EQ(*d.next_deadline(), t0 + 510ms);
  d.on_timer(t0 + 510ms);
  EXPECT_EQ(d.placement(), Placement::Outside);
  EXPECT_TRUE(d.want_vpn());
}

// 3.5: "if the MN detects that i-HA and x-HA have the same address, it MUST assume that it is in the external network
// and bypass network detection"
TEST_F(Detection, SameHomeAgentAddressesMeanOutsideWithoutDetection) {
  NetworkDetection d = make({.same_home_agents = true});
  EXPECT_FALSE(d.internal_direct_active(t0));
  NetworkDetection::Observation o;
  o.direct_accepts = 1;
  o.direct_last_tnc = true;
  d.observe(o, t0 + 1ms);
  EXPECT_NE(d.placement(), Placement::Inside);
  o.external_registered = true;
  d.observe(o, t0 + 2ms);
  EXPECT_EQ(d.placement(), Placement::Outside);
}

// The direct registrations go on "for a period of time" after the x-HA answered, then stop.
TEST_F(Detection, TheDirectProbeEndsAfterItsPeriodOutside) {
  NetworkDetection d = make({.internal_probe = 30s});
  d.observe(outside_up(), t0 + 10ms);
  EXPECT_TRUE(d.internal_direct_active(t0 + 29s));
  EXPECT_FALSE(d.internal_direct_active(t0 + 30s));
  d.connection_changed(t0 + 40s);
  EXPECT_TRUE(d.internal_direct_active(t0 + 40s));
}

// The faults break exactly their sentence.
TEST_F(Detection, FaultsInsideWithoutTncAndNoTMonitor) {
  NetworkDetection::Observation o;
  o.direct_accepts = 1;
  o.direct_last_tnc = false;
  NetworkDetection no_tnc = make({.accept_without_tnc = true});
  no_tnc.observe(o, t0);
  EXPECT_EQ(no_tnc.placement(), Placement::Inside);  // mn-5265-inside-without-tnc

  o.direct_last_tnc = true;
  NetworkDetection no_monitor = make({.t_monitor = 60s, .ignore_t_monitor = true});
  no_monitor.observe(o, t0);
  no_monitor.on_timer(t0 + 200s);
  EXPECT_EQ(no_monitor.placement(), Placement::Inside);  // mn-5265-no-t-monitor
  EXPECT_TRUE(no_monitor.user_data_allowed(t0 + 200s));
}

}  // namespace
}  // namespace mipvpn::agents::mn
