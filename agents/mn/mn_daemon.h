// `mipd --role mn`: the MobileNode core with its sockets, data plane and event loop.
#pragma once

#include "agents/common/faults.h"
#include "agents/common/log.h"
#include "agents/common/signal_fd.h"
#include "agents/mn/mn_config.h"

namespace mipvpn::agents::mn {

// Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns 1 after logging it).
int run_mobile_node(const MnConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals);

}  // namespace mipvpn::agents::mn
