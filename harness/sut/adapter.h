#pragma once
// Starts, watches and stops whoever fills a role. Judges nothing.
#include "harness/sut/profile.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mipvpn::net { class ChildProcess; }

namespace mipvpn::sut {

class SutAdapter {
public:
    virtual ~SutAdapter() = default;
    virtual const RoleSpec& spec() const = 0;
    // Starts the SUT (with a reference fault switch when `fault` is not empty) and waits until it is ready.
    // Returns an empty string on success, else why it could not start.
    virtual std::string start(const std::string& fault, const std::string& log_path) = 0;
    // Stops it; returns "" when it ended as asked (our SIGTERM, or exit status 0), else how it ended.
    virtual std::string stop() = 0;
    virtual bool alive() = 0;
    // Whether start() ever succeeded for the current instance, and the fault switch it was started with.
    virtual bool started() const = 0;
    virtual const std::string& fault() const = 0;
    // How the process ended ("exited with status 1", "killed by signal 11"), empty while it runs.
    virtual std::string exit_description() = 0;
    // The binding list as JSON {"bindings":[...]}; an error string when it cannot be had.
    virtual std::optional<nlohmann::json> query_bindings(std::string& error) = 0;
};

// A SUT that is a process started inside its node's namespace (the reference mipd or a vendor daemon).
class ProcessAdapter final : public SutAdapter {
public:
    ProcessAdapter(RoleSpec spec, std::string netns, std::string run_dir, std::string bindir);
    ~ProcessAdapter() override;

    const RoleSpec& spec() const override { return spec_; }
    std::string start(const std::string& fault, const std::string& log_path) override;
    std::string stop() override;
    bool alive() override;
    bool started() const override { return process_ != nullptr; }
    const std::string& fault() const override { return fault_; }
    std::string exit_description() override;
    std::optional<nlohmann::json> query_bindings(std::string& error) override;

private:
    bool udp_port_bound() const;
    // Ends every process left in the SUT's namespace (all of them were started by this adapter or its children).
    void kill_leftovers();
    RoleSpec spec_;
    std::string netns_;
    std::string run_dir_;
    std::string bindir_;
    std::unique_ptr<net::ChildProcess> process_;
    std::string fault_;
};

} // namespace mipvpn::sut
