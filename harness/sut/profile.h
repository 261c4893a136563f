#pragma once
// A SUT profile says who plays each role and how to drive it, separately from the topology it runs in.
#include <nlohmann/json.hpp>
#include <tins/ip_address.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mipvpn::sut {

struct SecurityAssociation {
    Tins::IPv4Address home_address;
    uint32_t spi = 0;
    std::string algorithm;        // "hmac-md5" (RFC 5944 3.5.1 default)
    std::vector<uint8_t> key;
    nlohmann::json as_json() const;
};

struct RoleSpec {
    std::string role;                       // "ha"
    std::string node;                       // topology node it runs in
    std::string implementation;             // free text for reports: vendor, product, version
    std::vector<std::string> command;       // argv; placeholders {config} {log} {run_dir} {bindir} {ns}
    std::vector<std::string> fault_argument; // appended per fault switch, "{fault}" replaced (reference only)
    nlohmann::json config;                  // written to {config} after placeholder expansion; null = none
    Tins::IPv4Address address;              // the SUT's unicast address
    std::string home_network;               // "10.0.1.0/24"
    uint32_t max_lifetime = 0;              // what the SUT declares it grants at most
    std::vector<SecurityAssociation> security_associations;
    std::set<std::string> capabilities;     // PICS: "binding-query", "simultaneous-bindings", "timestamps", ...
    std::string binding_query_socket;       // unix socket answering "bindings\n" (with binding-query)
    uint16_t ready_udp_port = 434;          // started = this UDP port is bound in the node's namespace
    std::chrono::milliseconds ready_timeout{5000};
    bool restart_per_test = true;
    // How long the SUT may take to answer (and so how long silence must last to count as a discard), and how late
    // after expiry it may delete a binding (a timer wheel is legal).
    std::chrono::milliseconds reply_timeout{2000};
    std::chrono::milliseconds expiry_slack{1000};

    bool has(const std::string& capability) const { return capabilities.count(capability) != 0; }
};

struct Profile {
    std::string file;
    std::string name;
    std::string description;
    std::map<std::string, RoleSpec> roles;
};

// A profile that cannot be used; what() names the file, the JSON path and what was expected.
struct ProfileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Validates against topologies/profiles/profile.schema.json, then checks meaning. Throws ProfileError.
Profile load_profile(const std::string& path);

// Replaces "{name}" placeholders in every string of `value`; a string that is exactly "{name}" becomes the JSON
// value bound to name (so an array can be spliced in).
nlohmann::json expand_placeholders(const nlohmann::json& value, const std::map<std::string, nlohmann::json>& vars);

} // namespace mipvpn::sut
