#include "agents/common/charon_process.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mipvpn::agents {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Clock::time_point t0) { return std::chrono::duration_cast<milliseconds>(Clock::now() - t0); }

// True once charon's vici socket accepts a connection (bind happens just before listen, so the file can exist a
// moment before connect succeeds).
bool vici_accepts(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sun), sizeof sun) == 0;
  ::close(fd);
  return ok;
}

std::string last_lines(const std::filesystem::path& path, size_t lines) {
  std::ifstream in(path);
  if (!in) return {};
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

// The lines of swanctl's output that say what went wrong.
std::string failure_lines(const std::string& output) {
  std::istringstream in(output);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("fail") != std::string::npos || line.find("error") != std::string::npos ||
        line.find("Error") != std::string::npos || line.find("timeout") != std::string::npos ||
        line.find("AUTHENTICATION") != std::string::npos || line.find("NO_PROPOSAL") != std::string::npos) {
      out += (out.empty() ? "" : "; ") + line;
    }
  }
  return out;
}

}  // namespace

CharonProcess::CharonProcess(CharonConfig config) : config_(std::move(config)) {}

CharonProcess::~CharonProcess() { stop(); }

std::string CharonProcess::log_tail(size_t lines) const {
  std::string s = last_lines(config_.log_file(), lines);
  const std::string out = last_lines(config_.output_file(), lines);
  if (!out.empty()) s += "--- " + config_.output_file().string() + ":\n" + out;
  return s.empty() ? std::string("(" + config_.log_file().string() + " is empty)\n") : s;
}

void CharonProcess::fail_start(const std::string& what) {
  const std::string tail = log_tail();
  stop();
  throw CharonError(what + "\n--- last lines of " + config_.log_file().string() + ":\n" + tail);
}

std::vector<std::string> CharonProcess::swanctl_argv(std::vector<std::string> args) const {
  std::vector<std::string> argv{config_.swanctl_path.string()};
  for (auto& a : args) argv.push_back(std::move(a));
  argv.push_back("--uri");
  argv.push_back(config_.vici_uri());
  return argv;
}

net::Environment CharonProcess::swanctl_env() const {
  return {{"STRONGSWAN_CONF", config_.strongswan_conf().string()}, {"SWANCTL_DIR", config_.swanctl_dir().string()}};
}

std::string CharonProcess::run_swanctl(std::vector<std::string> args, milliseconds timeout,
                                       const std::string& what) const {
  net::CommandOptions options;
  options.timeout = timeout;
  options.env = swanctl_env();
  const std::vector<std::string> argv = swanctl_argv(std::move(args));
  net::CommandResult r = net::run_command(argv, options);
  if (!r.ok()) throw CharonError(what + ": " + r.describe(argv));
  return std::move(r.out);
}

void CharonProcess::start() {
  if (charon_.running()) {
    throw CharonError("charon of " + config_.dir.string() + " already runs (pid " + std::to_string(pid()) + ")");
  }
  write_charon_files(config_);
  std::error_code ec;
  std::filesystem::remove(config_.vici_socket(), ec);  // a stale socket of an earlier run in this directory
  std::filesystem::remove(config_.run_dir() / "charon.pid", ec);

  // Watch the directory before charon can create its socket, so the creation cannot be missed.
  const int inotify_fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_fd < 0) throw CharonError(std::string("inotify_init1 for charon's vici socket: ") + std::strerror(errno));
  if (::inotify_add_watch(inotify_fd, config_.dir.c_str(), IN_CREATE | IN_ATTRIB | IN_MOVED_TO) < 0) {
    const int err = errno;
    ::close(inotify_fd);
    throw CharonError("inotify_add_watch " + config_.dir.string() + ": " + std::strerror(err));
  }
  net::ChildOptions options;
  options.log_path = config_.output_file().string();
  options.env = {{"STRONGSWAN_CONF", config_.strongswan_conf().string()}};
  options.private_run = config_.run_dir().string();
  const auto t0 = Clock::now();
  charon_ = net::ChildProcess({config_.charon_path.string()}, std::move(options));
  if (const std::string error = charon_.start(); !error.empty()) {
    ::close(inotify_fd);
    throw CharonError("starting charon " + config_.charon_path.string() + " (config " +
                      config_.strongswan_conf().string() + "): " + error);
  }
  try {
    wait_ready(inotify_fd);
  } catch (...) {
    ::close(inotify_fd);
    throw;
  }
  ::close(inotify_fd);
  ready_time_ = since(t0);

  const auto t1 = Clock::now();
  try {
    run_swanctl({"--load-all"}, config_.load_timeout,
                "swanctl --load-all of " + config_.swanctl_conf().string() +
                    " failed, expected the connection, pool and secret to load");
  } catch (const CharonError& e) {
    fail_start(e.what());
  }
  load_time_ = since(t1);
}

void CharonProcess::wait_ready(int inotify_fd) {
  const std::string socket = config_.vici_socket().string();
  const auto deadline = Clock::now() + config_.ready_timeout;
  for (;;) {
    if (vici_accepts(socket)) return;
    if (!charon_.running()) {
      fail_start("charon " + config_.charon_path.string() + " (config " + config_.strongswan_conf().string() + ") " +
                 charon_.exit_description() + " before its vici socket " + socket + " accepted connections");
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      fail_start("charon " + config_.charon_path.string() + ": its vici socket " + socket +
                 " did not accept connections within " + std::to_string(config_.ready_timeout.count()) + " ms");
    }
    // Woken by the socket file appearing or charon ending; once the file exists only the listen() is missing, so
    // look again after at most 2 ms.
    const bool exists = std::filesystem::exists(socket);
    pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {charon_.pidfd(), POLLIN, 0}};
    const int r = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, exists ? 2 : 1000)));
    if (r > 0 && (fds[0].revents & POLLIN)) {
      char buf[4096];
      while (::read(inotify_fd, buf, sizeof buf) > 0) {
      }
    }
  }
}

bool CharonProcess::running() { return charon_.running(); }

void CharonProcess::initiate() {
  const auto* client = std::get_if<CharonClientConnection>(&config_.connection);
  if (!client) throw CharonError("initiate() without names needs a client connection in " + config_.dir.string());
  initiate(client->name, client->child, std::chrono::seconds(10));
}

void CharonProcess::initiate(const std::string& ike, const std::string& child, std::chrono::seconds timeout) {
  if (!charon_.running()) {
    throw CharonError("swanctl --initiate " + ike + "/" + child + ": charon of " + config_.dir.string() +
                      " is not running");
  }
  if (initiate_.running()) {
    throw CharonError("swanctl --initiate " + ike + "/" + child + ": an initiate (pid " +
                      std::to_string(initiate_.pid()) + ") is still pending");
  }
  initiate_ike_ = ike;
  initiate_child_ = child;
  initiate_started_ = Clock::now();
  consumed_ = false;
  net::ChildOptions options;
  options.capture_output = true;
  options.env = swanctl_env();
  initiate_ = net::ChildProcess(
      swanctl_argv({"--initiate", "--ike", ike, "--child", child, "--timeout", std::to_string(timeout.count())}),
      std::move(options));
  const std::string error = initiate_.start();
  if (!error.empty()) throw CharonError("swanctl --initiate for " + config_.dir.string() + ": " + error);
}

InitiateResult CharonProcess::make_result(const net::ExitStatus& status, bool timed_out) const {
  InitiateResult r;
  r.status = status;
  r.timed_out = timed_out;
  r.output = initiate_.output();
  r.ok = status.exited && status.code == 0 && !timed_out;
  r.elapsed = since(initiate_started_);
  if (r.ok) {
    r.message = "initiate completed successfully";
  } else {
    const std::string why = failure_lines(r.output);
    const std::string ended = timed_out ? "timed out (" + status.to_string() + ")" : status.to_string();
    r.message = "swanctl --initiate --ike " + initiate_ike_ + " --child " + initiate_child_ + " " + ended +
                (why.empty() ? std::string() : ": " + why) +
                "\n--- last lines of " + config_.log_file().string() + ":\n" + log_tail();
  }
  return r;
}

std::optional<InitiateResult> CharonProcess::poll_initiate() {
  if (!initiate_.started() || consumed_) return std::nullopt;
  const auto status = initiate_.exit_status();
  if (!status) return std::nullopt;
  consumed_ = true;
  return make_result(*status, false);
}

InitiateResult CharonProcess::initiate_and_wait(milliseconds timeout) {
  const auto* client = std::get_if<CharonClientConnection>(&config_.connection);
  if (!client) throw CharonError("initiate_and_wait needs a client connection in " + config_.dir.string());
  const auto seconds = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
  initiate(client->name, client->child, std::chrono::seconds(seconds));
  if (initiate_.wait(timeout)) return *poll_initiate();
  const net::ExitStatus killed = initiate_.stop(milliseconds(500));
  consumed_ = true;
  return make_result(killed, true);
}

void CharonProcess::terminate_ike(const std::string& ike, std::chrono::seconds timeout) {
  run_swanctl({"--terminate", "--ike", ike, "--timeout", std::to_string(timeout.count())},
              std::chrono::duration_cast<milliseconds>(timeout) + milliseconds(1000), "terminating IKE SA " + ike);
}

std::vector<IkeSaState> CharonProcess::list_sas() {
  return parse_list_sas(run_swanctl({"--list-sas", "--pretty"}, milliseconds(5000), "listing the SAs"));
}

std::optional<std::string> CharonProcess::virtual_ip() {
  const auto* client = std::get_if<CharonClientConnection>(&config_.connection);
  for (const auto& sa : list_sas()) {
    if (client && sa.name != client->name) continue;
    if (sa.state == "ESTABLISHED" && !sa.local_vips.empty()) return sa.local_vips.front();
  }
  return std::nullopt;
}

std::optional<net::ExitStatus> CharonProcess::stop() {
  if (initiate_.running()) initiate_.stop(milliseconds(500));
  if (!charon_.started()) return std::nullopt;
  return charon_.stop(config_.stop_grace);
}

}  // namespace mipvpn::agents
