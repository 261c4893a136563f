#include "harness/sut/adapter.h"

#include "harness/net/command.h"
#include "harness/net/netns.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace mipvpn::sut {

namespace {

// True when /proc/net/udp of the calling thread's namespace lists a socket bound to `port`.
bool udp_port_listed(uint16_t port) {
    std::ifstream in("/proc/thread-self/net/udp");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local;
        fields >> slot >> local;
        const auto colon = local.find(':');
        if (colon == std::string::npos) continue;
        if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) return true;
    }
    return false;
}

class FdCloser {
public:
    explicit FdCloser(int fd) : fd_(fd) {}
    ~FdCloser() { if (fd_ >= 0) ::close(fd_); }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;
private:
    int fd_;
};

} // namespace

ProcessAdapter::ProcessAdapter(RoleSpec spec, std::string netns, std::string run_dir, std::string bindir)
    : spec_(std::move(spec)), netns_(std::move(netns)), run_dir_(std::move(run_dir)), bindir_(std::move(bindir)) {}

ProcessAdapter::~ProcessAdapter() { stop(); }

std::string ProcessAdapter::start(const std::string& fault, const std::string& log_path) {
    stop();
    std::map<std::string, nlohmann::json> vars{
        {"run_dir", run_dir_},
        {"bindir", bindir_},
        {"ns", netns_},
        {"log", log_path},
        {"address", spec_.address.to_string()},
        {"home_network", spec_.home_network},
        {"max_lifetime", spec_.max_lifetime},
        {"fault", fault},
    };
    nlohmann::json sas = nlohmann::json::array();
    for (const auto& sa : spec_.security_associations) sas.push_back(sa.as_json());
    vars["security_associations"] = sas;

    const std::string config_path = run_dir_ + "/sut-" + spec_.role + ".json";
    vars["config"] = config_path;
    if (!spec_.config.is_null()) {
        std::ofstream out(config_path);
        out << expand_placeholders(spec_.config, vars).dump(2) << "\n";
        if (!out) return "cannot write the SUT configuration " + config_path;
    }
    spec_.binding_query_socket = expand_placeholders(spec_.binding_query_socket, vars).get<std::string>();

    std::vector<std::string> argv;
    for (const auto& arg : spec_.command) argv.push_back(expand_placeholders(arg, vars).get<std::string>());
    if (!fault.empty()) {
        if (spec_.fault_argument.empty()) return "this SUT has no fault switches (profile lacks fault_argument)";
        for (const auto& arg : spec_.fault_argument) argv.push_back(expand_placeholders(arg, vars).get<std::string>());
    }

    if (udp_port_bound())
        return "UDP port " + std::to_string(spec_.ready_udp_port) + " is already bound in namespace " + netns_ +
               " before the SUT started (an earlier instance still running?)";
    fault_ = fault;
    process_ = std::make_unique<net::ChildProcess>(argv, netns_, log_path + ".stdout");
    std::string error = process_->start();
    if (!error.empty()) return "cannot start " + argv.front() + ": " + error;

    // Ready = its UDP port is bound inside the namespace; poll that state until the declared timeout.
    const auto deadline = std::chrono::steady_clock::now() + spec_.ready_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) return argv.front() + " ended during start-up: " + exit_description();
        if (udp_port_bound()) {
            if (!spec_.has("binding-query") || ::access(spec_.binding_query_socket.c_str(), F_OK) == 0) return {};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return argv.front() + " did not bind UDP port " + std::to_string(spec_.ready_udp_port) + " within " +
           std::to_string(spec_.ready_timeout.count()) + " ms";
}

bool ProcessAdapter::udp_port_bound() const {
    return net::in_netns(netns_, [&] { return udp_port_listed(spec_.ready_udp_port); });
}

std::string ProcessAdapter::stop() {
    std::string abnormal;
    if (process_ && process_->started()) {
        const bool was_running = process_->running();
        const net::ExitStatus status = process_->stop(std::chrono::milliseconds(2000));
        const bool as_asked = (status.exited && status.code == 0) || (was_running && status.signal == SIGTERM);
        if (!as_asked) abnormal = status.to_string();
        process_.reset();
    }
    // Whatever the SUT forked stays in its namespace; it must not answer the next case in place of a fresh start.
    kill_leftovers();
    return abnormal;
}

void ProcessAdapter::kill_leftovers() {
    if (netns_.empty() || !net::netns_exists(netns_)) return;
    std::vector<std::string> errors; // nothing to act on: what survives is killed in the next round
    // SIGTERM first, polling the namespace's process list for half a second, then SIGKILL until it is empty.
    for (int round = 0; round < 50; ++round) {
        if (net::signal_processes_in(netns_, round < 25 ? SIGTERM : SIGKILL, errors) == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool ProcessAdapter::alive() { return process_ && process_->running(); }

std::string ProcessAdapter::exit_description() {
    if (!process_) return "never started";
    if (process_->running()) return {};
    return process_->exit_description();
}

std::optional<nlohmann::json> ProcessAdapter::query_bindings(std::string& error) {
    if (!spec_.has("binding-query")) {
        error = "the SUT does not declare the binding-query capability";
        return std::nullopt;
    }
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = "socket(AF_UNIX) failed";
        return std::nullopt;
    }
    FdCloser closer(fd);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (spec_.binding_query_socket.size() >= sizeof(addr.sun_path)) {
        error = "binding query socket path too long: " + spec_.binding_query_socket;
        return std::nullopt;
    }
    std::copy(spec_.binding_query_socket.begin(), spec_.binding_query_socket.end(), addr.sun_path);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        error = "cannot connect to " + spec_.binding_query_socket;
        return std::nullopt;
    }
    const std::string request = "bindings\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        error = "cannot send the binding query";
        return std::nullopt;
    }
    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000);
    while (reply.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            error = "no answer to the binding query within 2 s";
            return std::nullopt;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
    }
    try {
        return nlohmann::json::parse(reply.substr(0, reply.find('\n')));
    } catch (const std::exception& e) {
        error = std::string("binding query answer is not JSON: ") + e.what();
        return std::nullopt;
    }
}

} // namespace mipvpn::sut
