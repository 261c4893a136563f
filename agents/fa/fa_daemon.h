// The Foreign Agent process: sockets, event loop and logging around the ForeignAgent, Advertiser and FaDataPlane
// cores.
#pragma once

#include "agents/common/faults.h"
#include "agents/common/log.h"
#include "agents/common/signal_fd.h"
#include "agents/fa/fa_config.h"

namespace mipvpn::agents::fa {

// Runs until SIGTERM/SIGINT arrives on `signals`. Returns the process exit code (0 clean, 1 runtime failure: a
// socket or interface missing at start, or the tunnel device lost).
int run_foreign_agent(const FaConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals);

}  // namespace mipvpn::agents::fa
