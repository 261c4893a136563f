// `mipd --role mn` with an "rfc5265" section: the RFC 5265 mobile node. An external Mobile IPv4 layer (x-HoA with the
// x-HA), a strongSwan charon as the VPN client whose IPsec endpoint is the x-HoA, and an internal layer (i-HoA with
// the i-HA) registering directly when inside or through the VPN with the VPN tunnel inner address as co-located
// care-of address when outside; NetworkDetection decides which, and when user data may flow.
#pragma once

#include "agents/common/faults.h"
#include "agents/common/log.h"
#include "agents/common/signal_fd.h"
#include "agents/mn/mn_config.h"

namespace mipvpn::agents::mn {

// Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns 1 after logging it). Stops the charon it started.
int run_rfc5265_mobile_node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals);

}  // namespace mipvpn::agents::mn
