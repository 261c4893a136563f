#include "harness/sut/profile.h"

#include "harness/schema/validator.h"

#include <fstream>
#include <sstream>

namespace mipvpn::sut {

namespace {

std::string schema_path() { return std::string(MIPVPN_SOURCE_DIR) + "/topologies/profiles/profile.schema.json"; }

nlohmann::json read_json(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw ProfileError(path + ": cannot open " + what);
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw ProfileError(path + ": not valid JSON (byte " + std::to_string(e.byte) + "): " + e.what());
    }
}

std::vector<uint8_t> parse_hex(const std::string& file, const std::string& json_path, const std::string& hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.empty() || hex.size() % 2 != 0)
        throw ProfileError(file + ": at " + json_path + ": expected an even number of hex digits, found \"" + hex + "\"");
    std::vector<uint8_t> out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
            throw ProfileError(file + ": at " + json_path + ": expected hex digits, found \"" + hex + "\"");
        out.push_back(static_cast<uint8_t>(hi * 16 + lo));
    }
    return out;
}

Tins::IPv4Address parse_address(const std::string& file, const std::string& json_path, const std::string& text) {
    try {
        return Tins::IPv4Address(text);
    } catch (const std::exception&) {
        throw ProfileError(file + ": at " + json_path + ": expected a dotted IPv4 address, found \"" + text + "\"");
    }
}

RoleSpec parse_role(const std::string& file, const std::string& role, const nlohmann::json& j) {
    const std::string base = "/roles/" + role;
    RoleSpec spec;
    spec.role = role;
    spec.node = j.at("node").get<std::string>();
    spec.implementation = j.value("implementation", std::string("unspecified"));
    spec.command = j.at("command").get<std::vector<std::string>>();
    spec.fault_argument = j.value("fault_argument", std::vector<std::string>{});
    spec.config = j.value("config", nlohmann::json());
    spec.address = parse_address(file, base + "/address", j.at("address").get<std::string>());
    spec.home_network = j.value("home_network", std::string());
    spec.max_lifetime = j.value("max_lifetime", 0u);
    for (const auto& c : j.value("capabilities", std::vector<std::string>{})) spec.capabilities.insert(c);
    const auto& sas = j.at("security_associations");
    for (size_t i = 0; i < sas.size(); ++i) {
        const std::string at = base + "/security_associations/" + std::to_string(i);
        SecurityAssociation sa;
        sa.home_address = parse_address(file, at + "/home_address", sas[i].at("home_address").get<std::string>());
        sa.spi = sas[i].at("spi").get<uint32_t>();
        sa.algorithm = sas[i].value("algorithm", std::string("hmac-md5"));
        sa.key = parse_hex(file, at + "/key", sas[i].at("key").get<std::string>());
        spec.security_associations.push_back(std::move(sa));
    }
    if (j.contains("binding_query")) spec.binding_query_socket = j["binding_query"].at("unix_socket");
    if (spec.has("binding-query") && spec.binding_query_socket.empty())
        throw ProfileError(file + ": at " + base +
                           "/binding_query/unix_socket: expected a socket path, since capability binding-query is declared");
    if (j.contains("ready")) {
        spec.ready_udp_port = j["ready"].value("udp_port", static_cast<uint16_t>(434));
        spec.ready_timeout = std::chrono::milliseconds(j["ready"].value("timeout_ms", 5000));
    }
    spec.restart_per_test = j.value("restart", std::string("per-test")) == "per-test";
    if (j.contains("timing")) {
        spec.reply_timeout = std::chrono::milliseconds(j["timing"].value("reply_timeout_ms", 2000));
        spec.expiry_slack = std::chrono::milliseconds(j["timing"].value("expiry_slack_ms", 1000));
    }
    return spec;
}

} // namespace

nlohmann::json SecurityAssociation::as_json() const {
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (uint8_t b : key) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return {{"home_address", home_address.to_string()}, {"spi", spi}, {"algorithm", algorithm}, {"key", hex}};
}

Profile load_profile(const std::string& path) {
    const nlohmann::json doc = read_json(path, "the SUT profile");
    const nlohmann::json schema = read_json(schema_path(), "the profile schema");
    const auto errors = schema::validate(schema, doc);
    if (!errors.empty()) throw ProfileError(schema::format(path, errors.front()));

    Profile profile;
    profile.file = path;
    profile.name = doc.at("name").get<std::string>();
    profile.description = doc.value("description", std::string());
    for (const auto& [role, spec] : doc.at("roles").items()) profile.roles.emplace(role, parse_role(path, role, spec));
    return profile;
}

nlohmann::json expand_placeholders(const nlohmann::json& value, const std::map<std::string, nlohmann::json>& vars) {
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [k, v] : value.items()) out[k] = expand_placeholders(v, vars);
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& v : value) out.push_back(expand_placeholders(v, vars));
        return out;
    }
    if (!value.is_string()) return value;
    std::string text = value.get<std::string>();
    for (const auto& [name, bound] : vars) {
        const std::string key = "{" + name + "}";
        if (text == key) return bound;
        if (!bound.is_string()) continue;
        for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
            text.replace(pos, key.size(), bound.get<std::string>());
            pos += bound.get<std::string>().size();
        }
    }
    return text;
}

} // namespace mipvpn::sut
