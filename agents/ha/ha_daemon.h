// The Home Agent process: sockets, event loop and logging around the HomeAgent core.
#pragma once

#include "agents/common/faults.h"
#include "agents/common/log.h"
#include "agents/common/signal_fd.h"
#include "agents/ha/ha_config.h"

namespace mipvpn::agents::ha {

// Runs until SIGTERM/SIGINT arrives on `signals`. Returns the process exit code (0 clean, 1 runtime failure).
int run_home_agent(const HaConfig& config, const FaultSet& faults, Logger& log, SignalFd& signals);

}  // namespace mipvpn::agents::ha
