#include "harness/topo/loader.h"

#include "harness/schema/validator.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace mipvpn::topo {

using nlohmann::json;

namespace {

std::string json_quoted(const std::string& s) { return json(s).dump(); }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

// Line and column (1-based) of a byte offset, for parse errors.
std::pair<size_t, size_t> line_column(const std::string& text, size_t byte) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < text.size() && i + 1 < byte; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

Expected<json> read_json(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return TopologyErrors{{{path, "", "a readable " + what, std::string("cannot open it: ") + std::strerror(errno)}}};
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        const auto [line, col] = line_column(text, e.byte);
        std::string message = e.what();
        if (auto pos = message.find("parse error"); pos != std::string::npos) message = message.substr(pos);
        return TopologyErrors{{{path, "", "valid JSON (" + what + ")",
                                "a syntax error at line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + message}}};
    }
}

class Checker {
public:
    Checker(const json& doc, std::string file) : doc_(doc), file_(std::move(file)) {}

    Expected<Topology> run() {
        Topology t;
        t.name = doc_.at("name").get<std::string>();
        t.description = doc_.at("description").get<std::string>();
        t.source_file = file_;
        check_segments(t);
        check_nodes(t);
        if (!errors_.items.empty()) return errors_;
        return t;
    }

private:
    void error(const std::string& path, const std::string& expected, const std::string& found) {
        errors_.items.push_back({file_, path, expected, found});
    }

    void check_segments(Topology& t) {
        const json& segments = doc_.at("segments");
        std::map<std::string, std::string> name_at;
        std::vector<std::pair<Ipv4Prefix, std::string>> subnets;
        for (size_t i = 0; i < segments.size(); ++i) {
            const std::string at = "/segments/" + std::to_string(i);
            Segment s;
            s.name = segments[i].at("name").get<std::string>();
            s.subnet = segments[i].at("subnet").get<std::string>();
            s.description = segments[i].value("description", std::string());
            if (auto [it, fresh] = name_at.emplace(s.name, at + "/name"); !fresh)
                error(at + "/name", "a segment name not used before (" + it->second + " is " + json_quoted(s.name) + ")", json_quoted(s.name));
            const auto prefix = Ipv4Prefix::parse(s.subnet);
            if (!prefix) {
                error(at + "/subnet", "an IPv4 prefix a.b.c.d/len", json_quoted(s.subnet));
            } else if (prefix->address != prefix->network()) {
                error(at + "/subnet", "a network address (" + format_ipv4(prefix->network()) + "/" + std::to_string(prefix->length) + ")",
                      json_quoted(s.subnet));
            } else {
                for (const auto& [other, other_at] : subnets)
                    if (other.overlaps(*prefix))
                        error(at + "/subnet", "a subnet that does not overlap " + other_at + " (" + other.to_string() + ")", json_quoted(s.subnet));
                subnets.emplace_back(*prefix, at + "/subnet");
            }
            t.segments.push_back(std::move(s));
        }
    }

    void check_nodes(Topology& t) {
        const json& nodes = doc_.at("nodes");
        std::map<std::string, std::string> name_at;
        std::map<std::pair<std::string, uint32_t>, std::string> address_at;  // (segment, address) -> path
        std::vector<std::string> segment_names;
        for (const auto& s : t.segments) segment_names.push_back(s.name);

        for (size_t i = 0; i < nodes.size(); ++i) {
            const json& n = nodes[i];
            const std::string at = "/nodes/" + std::to_string(i);
            Node node;
            node.name = n.at("name").get<std::string>();
            const std::string kind = n.at("kind").get<std::string>();
            node.kind = kind == "router" ? NodeKind::Router : kind == "agent" ? NodeKind::Agent : kind == "tester" ? NodeKind::Tester : NodeKind::Host;
            node.description = n.value("description", std::string());
            node.forwarding = n.value("forwarding", false);
            if (auto [it, fresh] = name_at.emplace(node.name, at + "/name"); !fresh)
                error(at + "/name", "a node name not used before (" + it->second + " is " + json_quoted(node.name) + ")", json_quoted(node.name));
            if (node.name == "sw") error(at + "/name", "a node name other than \"sw\" (reserved for the switch namespace)", json_quoted(node.name));

            std::map<std::string, std::string> ifname_at, segment_at;
            std::vector<Ipv4Prefix> attached;  // the subnets this node's interfaces are on (valid ones)
            std::vector<uint32_t> own;
            const json& ifs = n.at("interfaces");
            for (size_t k = 0; k < ifs.size(); ++k) {
                const std::string iat = at + "/interfaces/" + std::to_string(k);
                Interface itf;
                itf.name = ifs[k].at("name").get<std::string>();
                itf.segment = ifs[k].at("segment").get<std::string>();
                const std::string cidr = ifs[k].at("address").get<std::string>();
                if (itf.name == "lo") error(iat + "/name", "an interface name other than lo", json_quoted(itf.name));
                if (auto [it, fresh] = ifname_at.emplace(itf.name, iat + "/name"); !fresh)
                    error(iat + "/name", "an interface name not used before on node " + json_quoted(node.name) + " (" + it->second + ")", json_quoted(itf.name));
                const Segment* seg = t.find_segment(itf.segment);
                if (!seg) {
                    error(iat + "/segment", "the name of a segment in /segments (" + join(segment_names, ", ") + ")", json_quoted(itf.segment));
                } else if (auto [it, fresh] = segment_at.emplace(itf.segment, iat); !fresh) {
                    error(iat + "/segment", "one interface per segment (" + it->second + " is already on " + json_quoted(itf.segment) + ")",
                          json_quoted(itf.segment));
                }
                const auto prefix = Ipv4Prefix::parse(cidr);
                if (!prefix) {
                    error(iat + "/address", "an IPv4 address with prefix length a.b.c.d/len", json_quoted(cidr));
                } else {
                    itf.address = format_ipv4(prefix->address);
                    itf.prefix_length = prefix->length;
                    own.push_back(prefix->address);
                    const auto subnet = seg ? Ipv4Prefix::parse(seg->subnet) : std::nullopt;
                    if (seg && subnet && subnet->address == subnet->network()) {
                        attached.push_back(*subnet);  // on that link, even if the address below is wrong
                        const std::string seg_desc = "segment " + json_quoted(seg->name) + " (" + seg->subnet + ")";
                        if (!subnet->contains(prefix->address)) {
                            error(iat + "/address", "an address in the subnet of " + seg_desc, json_quoted(cidr));
                        } else if (prefix->length != subnet->length) {
                            error(iat + "/address", "prefix length /" + std::to_string(subnet->length) + " like " + seg_desc, json_quoted(cidr));
                        } else if (subnet->length < 31 && (prefix->address == subnet->network() || prefix->address == subnet->broadcast())) {
                            error(iat + "/address", "a host address of " + seg_desc + ", not its network or broadcast address", json_quoted(cidr));
                        } else {
                            if (auto [it, fresh] = address_at.emplace(std::make_pair(seg->name, prefix->address), iat + "/address"); !fresh)
                                error(iat + "/address", "an address no other interface uses (" + it->second + " has " + itf.address + ")",
                                      json_quoted(cidr));
                        }
                    }
                }
                node.interfaces.push_back(std::move(itf));
            }

            std::map<std::string, std::string> route_at;
            const json routes = n.value("routes", json::array());
            for (size_t r = 0; r < routes.size(); ++r) {
                const std::string rat = at + "/routes/" + std::to_string(r);
                Route route;
                route.to = routes[r].at("to").get<std::string>();
                route.via = routes[r].at("via").get<std::string>();
                std::string destination = route.to;
                if (!route.is_default()) {
                    const auto to = Ipv4Prefix::parse(route.to);
                    if (!to) {
                        error(rat + "/to", "\"default\" or an IPv4 prefix a.b.c.d/len", json_quoted(route.to));
                    } else if (to->address != to->network()) {
                        error(rat + "/to", "a network address (" + format_ipv4(to->network()) + "/" + std::to_string(to->length) + ")", json_quoted(route.to));
                    } else {
                        destination = to->to_string();
                    }
                }
                if (auto [it, fresh] = route_at.emplace(destination, rat); !fresh)
                    error(rat + "/to", "one route per destination (" + it->second + " already goes to " + destination + ")", json_quoted(route.to));
                const auto via = parse_ipv4(route.via);
                if (!via) {
                    error(rat + "/via", "an IPv4 address a.b.c.d", json_quoted(route.via));
                } else if (std::find(own.begin(), own.end(), *via) != own.end()) {
                    error(rat + "/via", "a neighbour's address, not the node's own", json_quoted(route.via));
                } else {
                    bool reachable = false;
                    std::vector<std::string> subnets;
                    for (const auto& p : attached) {
                        reachable = reachable || p.contains(*via);
                        subnets.push_back(p.to_string());
                    }
                    if (!reachable)
                        error(rat + "/via",
                              "a gateway on a subnet node " + json_quoted(node.name) + " is attached to (" +
                                  (subnets.empty() ? std::string("none") : join(subnets, ", ")) + ")",
                              json_quoted(route.via));
                }
                node.routes.push_back(std::move(route));
            }
            t.nodes.push_back(std::move(node));
        }
    }

    const json& doc_;
    std::string file_;
    TopologyErrors errors_;
};

}  // namespace

std::optional<uint32_t> parse_ipv4(const std::string& text) {
    uint32_t value = 0;
    size_t pos = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (pos >= text.size() || text[pos] != '.') return std::nullopt;
            ++pos;
        }
        const size_t start = pos;
        uint32_t octet = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
            octet = octet * 10 + static_cast<uint32_t>(text[pos] - '0');
            ++pos;
        }
        if (pos == start || octet > 255) return std::nullopt;
        if (pos - start > 1 && text[start] == '0') return std::nullopt;  // no leading zeros (octal ambiguity)
        value = value << 8 | octet;
    }
    if (pos != text.size()) return std::nullopt;
    return value;
}

std::string format_ipv4(uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 0xFF) + "." + std::to_string(a >> 8 & 0xFF) + "." +
           std::to_string(a & 0xFF);
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const auto address = parse_ipv4(text.substr(0, slash));
    const std::string len = text.substr(slash + 1);
    if (!address || len.empty() || len.size() > 2 || len.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    if (len.size() > 1 && len[0] == '0') return std::nullopt;
    const int n = std::stoi(len);
    if (n > 32) return std::nullopt;
    return Ipv4Prefix{*address, static_cast<uint8_t>(n)};
}

bool Ipv4Prefix::overlaps(const Ipv4Prefix& o) const {
    const uint8_t shorter = std::min(length, o.length);
    const uint32_t m = shorter == 0 ? 0 : ~uint32_t{0} << (32 - shorter);
    return (address & m) == (o.address & m);
}

std::string Ipv4Prefix::to_string() const { return format_ipv4(address) + "/" + std::to_string(length); }

std::string_view to_string(NodeKind kind) {
    switch (kind) {
        case NodeKind::Router: return "router";
        case NodeKind::Agent: return "agent";
        case NodeKind::Tester: return "tester";
        case NodeKind::Host: break;
    }
    return "host";
}

const Interface* Node::interface_on(const std::string& segment) const {
    for (const auto& i : interfaces)
        if (i.segment == segment) return &i;
    return nullptr;
}

const Node* Topology::find_node(const std::string& n) const {
    for (const auto& node : nodes)
        if (node.name == n) return &node;
    return nullptr;
}

const Segment* Topology::find_segment(const std::string& n) const {
    for (const auto& s : segments)
        if (s.name == n) return &s;
    return nullptr;
}

std::string TopologyError::to_string() const {
    return file + ": at " + (json_path.empty() ? std::string("/") : json_path) + ": expected " + expected + ", found " + found;
}

std::string TopologyErrors::to_string() const {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? "\n" : "") + items[i].to_string();
    return out;
}

std::string default_schema_path() { return std::string(MIPVPN_SOURCE_DIR) + "/topologies/topology.schema.json"; }

Expected<Topology> load_topology(const std::string& path) { return load_topology(path, default_schema_path()); }

Expected<Topology> load_topology(const std::string& path, const std::string& schema_path) {
    auto schema = read_json(schema_path, "JSON Schema");
    if (!schema) return schema.error();
    auto doc = read_json(path, "topology file");
    if (!doc) return doc.error();
    return parse_topology(doc.value(), path, schema.value());
}

Expected<Topology> parse_topology(const json& doc, const std::string& file, const json& schema) {
    std::vector<schema::ValidationError> violations;
    try {
        violations = schema::validate(schema, doc);
    } catch (const schema::SchemaError& e) {
        return TopologyErrors{{{file, "", "a usable topology schema", e.what()}}};
    }
    if (!violations.empty()) {
        TopologyErrors errors;
        for (const auto& v : violations) errors.items.push_back({file, v.json_path, v.expected, v.found});
        return errors;
    }
    return Checker(doc, file).run();
}

}  // namespace mipvpn::topo
