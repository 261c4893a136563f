// Topology loader: the shipped topologies load; each kind of error names the file, the JSON path and what was
// expected.
#include "harness/topo/loader.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

using nlohmann::json;
using namespace mipvpn::topo;

const std::string kBasicHa = std::string(MIPVPN_SOURCE_DIR) + "/topologies/basic-ha.json";

json basic_ha() {
    std::ifstream in(kBasicHa);
    return json::parse(in);
}

class LoaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/mipvpn-topo-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& text, const std::string& name = "t.json") {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        return path;
    }

    // Loads `doc` from a file; expects failure; returns the errors.
    std::vector<TopologyError> errors_for(const json& doc) {
        path_ = write(doc.dump(2));
        const auto r = load_topology(path_);
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::vector<TopologyError>{} : r.error().items;
    }

    // Exactly one error, at `json_path`, whose expectation contains `expected_part`; the message names all three.
    void expect_single(const json& doc, const std::string& json_path, const std::string& expected_part,
                       const std::string& found_part = "") {
        const auto errors = errors_for(doc);
        ASSERT_EQ(errors.size(), 1u) << (errors.empty() ? "" : TopologyErrors{errors}.to_string());
        const auto& e = errors.front();
        EXPECT_EQ(e.file, path_);
        EXPECT_EQ(e.json_path, json_path) << e.to_string();
        EXPECT_NE(e.expected.find(expected_part), std::string::npos) << e.to_string();
        if (!found_part.empty()) {
            EXPECT_NE(e.found.find(found_part), std::string::npos) << e.to_string();
        }
        const std::string text = e.to_string();
        EXPECT_EQ(text.rfind(path_ + ": at " + json_path + ": expected ", 0), 0u) << text;
        EXPECT_NE(text.find(", found "), std::string::npos) << text;
    }

    std::string dir_, path_;
};

TEST_F(LoaderTest, BasicHaLoads) {
    const auto r = load_topology(kBasicHa);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const Topology& t = r.value();
    EXPECT_EQ(t.name, "basic-ha");
    EXPECT_FALSE(t.description.empty());
    EXPECT_EQ(t.source_file, kBasicHa);
    ASSERT_EQ(t.segments.size(), 2u);
    EXPECT_EQ(t.find_segment("home")->subnet, "10.0.1.0/24");
    EXPECT_EQ(t.find_segment("foreign")->subnet, "10.0.2.0/24");
    ASSERT_EQ(t.nodes.size(), 4u);
    const Node* ha = t.find_node("ha");
    ASSERT_NE(ha, nullptr);
    EXPECT_EQ(ha->kind, NodeKind::Agent);
    EXPECT_EQ(ha->interface_on("home")->address, "10.0.1.1");
    EXPECT_EQ(ha->interface_on("home")->prefix_length, 24);
    EXPECT_EQ(ha->routes.at(0).to, "default");
    EXPECT_EQ(ha->routes.at(0).via, "10.0.1.254");
    const Node* router = t.find_node("router");
    EXPECT_EQ(router->kind, NodeKind::Router);
    EXPECT_TRUE(router->forwarding);
    EXPECT_EQ(router->interface_on("foreign")->name, "eth1");
    EXPECT_EQ(t.find_node("mn")->interface_on("foreign")->cidr(), "10.0.2.10/24");
    EXPECT_EQ(t.find_node("mn")->kind, NodeKind::Tester);
    EXPECT_EQ(t.find_node("hn")->interface_on("home")->address, "10.0.1.50");
    EXPECT_TRUE(t.has_node("hn"));
    EXPECT_FALSE(t.has_node("fa"));
}

TEST_F(LoaderTest, EveryShippedTopologyLoads) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(MIPVPN_SOURCE_DIR) + "/topologies")) {
        if (entry.path().extension() != ".json" || entry.path().filename() == "topology.schema.json") continue;
        const auto r = load_topology(entry.path().string());
        EXPECT_TRUE(r.ok()) << r.error().to_string();
    }
}

TEST_F(LoaderTest, MissingFile) {
    const auto r = load_topology(dir_ + "/absent.json");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find(dir_ + "/absent.json: at /: expected a readable topology file"), std::string::npos)
        << r.error().to_string();
}

TEST_F(LoaderTest, SyntaxErrorNamesLineAndColumn) {
    const std::string path = write("{\n  \"name\": \"x\",\n  \"segments\": [,]\n}\n");
    const auto r = load_topology(path);
    ASSERT_FALSE(r.ok());
    const std::string text = r.error().to_string();
    EXPECT_EQ(text.rfind(path + ": at /: expected valid JSON", 0), 0u) << text;
    EXPECT_NE(text.find("line 3, column 16"), std::string::npos) << text;
}

TEST_F(LoaderTest, SchemaRunsFirstMissingProperty) {
    json doc = basic_ha();
    doc["nodes"][2].erase("kind");
    expect_single(doc, "/nodes/2", "required property \"kind\"");
}

TEST_F(LoaderTest, SchemaBadAddressFormat) {
    json doc = basic_ha();
    doc["nodes"][2]["interfaces"][0]["address"] = "10.0.2.300/24";
    expect_single(doc, "/nodes/2/interfaces/0/address", "string matching ^", "\"10.0.2.300/24\"");
}

TEST_F(LoaderTest, SchemaUnknownProperty) {
    json doc = basic_ha();
    doc["nodes"][0]["colour"] = "blue";
    expect_single(doc, "/nodes/0/colour", "no property \"colour\"");
}

TEST_F(LoaderTest, SchemaBadKind) {
    json doc = basic_ha();
    doc["nodes"][1]["kind"] = "switch";
    expect_single(doc, "/nodes/1/kind", "one of \"host\", \"router\", \"agent\", \"tester\"", "\"switch\"");
}

TEST_F(LoaderTest, SchemaBadRouteDestination) {
    json doc = basic_ha();
    doc["nodes"][0]["routes"][0]["to"] = "everywhere";
    expect_single(doc, "/nodes/0/routes/0/to", "any of: string matching", "\"everywhere\"");
}

TEST_F(LoaderTest, SchemaErrorsAreAllReported) {
    json doc = basic_ha();
    doc["nodes"][0]["interfaces"][0]["name"] = "Eth0";
    doc["segments"][1]["subnet"] = 5;
    const auto errors = errors_for(doc);
    // nlohmann::json keeps object members sorted by key, so "nodes" comes before "segments".
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].json_path, "/nodes/0/interfaces/0/name");
    EXPECT_EQ(errors[1].json_path, "/segments/1/subnet");
}

TEST_F(LoaderTest, UnknownSegment) {
    json doc = basic_ha();
    doc["nodes"][2]["interfaces"][0]["segment"] = "visited";
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].json_path, "/nodes/2/interfaces/0/segment");
    EXPECT_EQ(errors[0].expected, "the name of a segment in /segments (home, foreign)");
    EXPECT_EQ(errors[0].found, "\"visited\"");
    // Its default route then has no attached subnet either; that is reported as well.
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[1].json_path, "/nodes/2/routes/0/via");
}

TEST_F(LoaderTest, DuplicateSegmentName) {
    json doc = basic_ha();
    doc["segments"][1]["name"] = "home";
    doc["segments"][1]["subnet"] = "10.0.3.0/24";
    doc["nodes"][1]["interfaces"][1]["segment"] = "home";  // keep the rest consistent... it now has two on home
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].json_path, "/segments/1/name");
    EXPECT_NE(errors[0].expected.find("a segment name not used before (/segments/0/name"), std::string::npos) << errors[0].to_string();
}

TEST_F(LoaderTest, DuplicateNodeName) {
    json doc = basic_ha();
    doc["nodes"][3]["name"] = "mn";
    expect_single(doc, "/nodes/3/name", "a node name not used before (/nodes/2/name is \"mn\")", "\"mn\"");
}

TEST_F(LoaderTest, ReservedNodeName) {
    json doc = basic_ha();
    doc["nodes"][3]["name"] = "sw";
    expect_single(doc, "/nodes/3/name", "other than \"sw\"");
}

TEST_F(LoaderTest, DuplicateInterfaceName) {
    json doc = basic_ha();
    doc["nodes"][1]["interfaces"][1]["name"] = "eth0";
    expect_single(doc, "/nodes/1/interfaces/1/name", "an interface name not used before on node \"router\"");
}

TEST_F(LoaderTest, TwoInterfacesOnOneSegment) {
    json doc = basic_ha();
    doc["nodes"][1]["interfaces"][1]["segment"] = "home";
    doc["nodes"][1]["interfaces"][1]["address"] = "10.0.1.253/24";
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].json_path, "/nodes/1/interfaces/1/segment");
    EXPECT_NE(errors[0].expected.find("one interface per segment"), std::string::npos);
}

TEST_F(LoaderTest, AddressNotInSegmentSubnet) {
    json doc = basic_ha();
    doc["nodes"][3]["interfaces"][0]["address"] = "10.0.9.50/24";
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(), path_ + ": at /nodes/3/interfaces/0/address: expected an address in the subnet of segment "
                                             "\"home\" (10.0.1.0/24), found \"10.0.9.50/24\"");
}

TEST_F(LoaderTest, PrefixLengthDiffersFromSegment) {
    json doc = basic_ha();
    doc["nodes"][3]["interfaces"][0]["address"] = "10.0.1.50/16";
    expect_single(doc, "/nodes/3/interfaces/0/address", "prefix length /24 like segment \"home\"");
}

TEST_F(LoaderTest, NetworkOrBroadcastAddressAsHost) {
    json doc = basic_ha();
    doc["nodes"][3]["interfaces"][0]["address"] = "10.0.1.255/24";
    expect_single(doc, "/nodes/3/interfaces/0/address", "not its network or broadcast address");
}

TEST_F(LoaderTest, DuplicateAddressOnSegment) {
    json doc = basic_ha();
    doc["nodes"][3]["interfaces"][0]["address"] = "10.0.1.1/24";
    expect_single(doc, "/nodes/3/interfaces/0/address", "an address no other interface uses (/nodes/0/interfaces/0/address");
}

TEST_F(LoaderTest, SubnetWithHostBits) {
    json doc = basic_ha();
    doc["segments"][0]["subnet"] = "10.0.1.7/24";
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].json_path, "/segments/0/subnet");
    EXPECT_EQ(errors[0].expected, "a network address (10.0.1.0/24)");
}

TEST_F(LoaderTest, OverlappingSubnets) {
    json doc = basic_ha();
    doc["segments"][1]["subnet"] = "10.0.0.0/16";
    const auto errors = errors_for(doc);
    ASSERT_GE(errors.size(), 1u);
    EXPECT_EQ(errors[0].json_path, "/segments/1/subnet");
    EXPECT_NE(errors[0].expected.find("does not overlap /segments/0/subnet (10.0.1.0/24)"), std::string::npos);
}

TEST_F(LoaderTest, RouteViaUnreachable) {
    json doc = basic_ha();
    doc["nodes"][0]["routes"][0]["via"] = "10.0.2.254";  // the router's foreign address: not on ha's link
    expect_single(doc, "/nodes/0/routes/0/via", "a gateway on a subnet node \"ha\" is attached to (10.0.1.0/24)", "\"10.0.2.254\"");
}

TEST_F(LoaderTest, RouteViaOwnAddress) {
    json doc = basic_ha();
    doc["nodes"][0]["routes"][0]["via"] = "10.0.1.1";
    expect_single(doc, "/nodes/0/routes/0/via", "a neighbour's address, not the node's own");
}

TEST_F(LoaderTest, RouteDestinationWithHostBits) {
    json doc = basic_ha();
    doc["nodes"][0]["routes"][0]["to"] = "10.0.2.1/24";
    expect_single(doc, "/nodes/0/routes/0/to", "a network address (10.0.2.0/24)");
}

TEST_F(LoaderTest, DuplicateRoute) {
    json doc = basic_ha();
    doc["nodes"][0]["routes"].push_back({{"to", "default"}, {"via", "10.0.1.50"}});
    expect_single(doc, "/nodes/0/routes/1/to", "one route per destination (/nodes/0/routes/0 already goes to default)");
}

TEST_F(LoaderTest, BrokenSchemaIsReported) {
    const std::string schema = write(R"({"type":"object","properties":{"x":{"$ref":"#/$defs/none"}}})", "schema.json");
    const auto r = load_topology(kBasicHa, schema);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find("expected a usable topology schema"), std::string::npos) << r.error().to_string();
}

TEST(Ipv4, ParseAndFormat) {
    EXPECT_EQ(parse_ipv4("10.0.1.254"), 0x0A0001FEu);
    EXPECT_FALSE(parse_ipv4("10.0.1"));
    EXPECT_FALSE(parse_ipv4("10.0.1.256"));
    EXPECT_FALSE(parse_ipv4("10.0.01.1"));
    EXPECT_FALSE(parse_ipv4("10.0.1.1 "));
    EXPECT_EQ(format_ipv4(0xC0A80001u), "192.168.0.1");
    const auto p = Ipv4Prefix::parse("10.0.1.77/24");
    ASSERT_TRUE(p);
    EXPECT_EQ(format_ipv4(p->network()), "10.0.1.0");
    EXPECT_EQ(format_ipv4(p->broadcast()), "10.0.1.255");
    EXPECT_TRUE(p->contains(*parse_ipv4("10.0.1.1")));
    EXPECT_FALSE(p->contains(*parse_ipv4("10.0.2.1")));
    EXPECT_TRUE(Ipv4Prefix::parse("0.0.0.0/0")->contains(0xFFFFFFFFu));
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0/33"));
    EXPECT_TRUE(Ipv4Prefix::parse("10.0.0.0/8")->overlaps(*Ipv4Prefix::parse("10.0.1.0/24")));
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.2.0/24")->overlaps(*Ipv4Prefix::parse("10.0.1.0/24")));
}

}  // namespace
