#pragma once
#include <string>
#include <vector>

namespace mipvpn::cli {
// Each takes the arguments after its own name and returns the process exit code.
int cmd_run(const std::vector<std::string>& args);
int cmd_selftest(const std::vector<std::string>& args);
int cmd_list(const std::vector<std::string>& args);
int cmd_topo(const std::vector<std::string>& args);
int cmd_decode(const std::vector<std::string>& args);
} // namespace mipvpn::cli
