#pragma once
// Topology model (topologies/*.json). The loader is in loader.h.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mipvpn::topo {

// An IPv4 address with a prefix length, host byte order.
struct Ipv4Prefix {
    uint32_t address = 0;
    uint8_t length = 0;

    // "a.b.c.d/len"; nullopt when malformed.
    static std::optional<Ipv4Prefix> parse(const std::string& text);
    uint32_t mask() const { return length == 0 ? 0 : ~uint32_t{0} << (32 - length); }
    uint32_t network() const { return address & mask(); }
    uint32_t broadcast() const { return network() | ~mask(); }
    bool contains(uint32_t a) const { return (a & mask()) == network(); }
    bool overlaps(const Ipv4Prefix& o) const;
    std::string to_string() const;  // "a.b.c.d/len" with the address as stored
};
std::optional<uint32_t> parse_ipv4(const std::string& text);  // strict dotted quad
std::string format_ipv4(uint32_t address);

enum class NodeKind { Host, Router, Agent, Tester };
std::string_view to_string(NodeKind kind);

struct Interface {
    std::string name;        // interface name inside the node's namespace ("eth0")
    std::string segment;
    std::string address;     // "10.0.1.1"
    uint8_t prefix_length = 0;
    std::string cidr() const { return address + "/" + std::to_string(prefix_length); }
};

struct Route {
    std::string to;          // "default" or "a.b.c.d/len"
    std::string via;         // "a.b.c.d"
    bool is_default() const { return to == "default"; }
};

struct Node {
    std::string name;
    NodeKind kind = NodeKind::Host;
    std::string description;
    bool forwarding = false;
    std::vector<Interface> interfaces;
    std::vector<Route> routes;
    // The node's interface on `segment`, nullptr if none.
    const Interface* interface_on(const std::string& segment) const;
};

struct Segment {
    std::string name;
    std::string subnet;      // "10.0.1.0/24"
    std::string description;
    Ipv4Prefix prefix() const { return *Ipv4Prefix::parse(subnet); }
};

struct Topology {
    std::string name;
    std::string description;
    std::string source_file; // where it was loaded from
    std::vector<Segment> segments;
    std::vector<Node> nodes;
    const Node* find_node(const std::string& node_name) const;
    const Segment* find_segment(const std::string& segment_name) const;
    bool has_node(const std::string& node_name) const { return find_node(node_name) != nullptr; }
    bool has_segment(const std::string& segment_name) const { return find_segment(segment_name) != nullptr; }
};

struct TopologyError {
    std::string file;
    std::string json_path;   // "/nodes/2/interfaces/0/address"; "" is the document
    std::string expected;
    std::string found;
    // "FILE: at /nodes/2/interfaces/0/address: expected ..., found ..."
    std::string to_string() const;
};

struct TopologyErrors {
    std::vector<TopologyError> items;
    // One line per error.
    std::string to_string() const;
};

// Value or errors, shaped like wire::Expected (ok(), operator bool, value(), error(), ->, *).
template <class T>
class Expected {
public:
    Expected(T value) : value_(std::move(value)) {}             // NOLINT: implicit by design
    Expected(TopologyErrors errors) : errors_(std::move(errors)) {}  // NOLINT: implicit by design
    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    T& value() & {
        check();
        return *value_;
    }
    const T& value() const& {
        check();
        return *value_;
    }
    T&& value() && {
        check();
        return std::move(*value_);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    // Empty when ok().
    const TopologyErrors& error() const { return errors_; }

private:
    void check() const {
        if (!value_) throw std::logic_error("value() on a failed topology load: " + errors_.to_string());
    }
    std::optional<T> value_;
    TopologyErrors errors_;
};

}  // namespace mipvpn::topo
