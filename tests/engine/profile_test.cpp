// Profile files: the reference one loads; every broken one is refused with the file, the JSON path and the
// expectation in one message.
#include "harness/sut/profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace mipvpn;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("mipvpn-profile-test-" + name + ".json");
    std::ofstream(path) << text;
    return path.string();
}

std::string load_error(const std::string& name, const std::string& text) {
    const std::string path = write_temp(name, text);
    try {
        sut::load_profile(path);
    } catch (const sut::ProfileError& e) {
        std::filesystem::remove(path);
        return e.what();
    }
    std::filesystem::remove(path);
    return "";
}

const char* valid_role = R"({"node":"ha","command":["x"],"address":"10.0.1.1",
  "security_associations":[{"home_address":"10.0.1.100","spi":256,"key":"00112233"}]})";

} // namespace

TEST(Profile, ReferenceProfileLoads) {
    const auto p = sut::load_profile(std::string(MIPVPN_SOURCE_DIR) + "/topologies/profiles/reference.json");
    ASSERT_EQ(p.roles.count("ha"), 1u);
    const auto& ha = p.roles.at("ha");
    EXPECT_EQ(ha.address, Tins::IPv4Address("10.0.1.1"));
    EXPECT_EQ(ha.security_associations.at(0).spi, 256u);
    EXPECT_EQ(ha.security_associations.at(0).key.size(), 16u);
    EXPECT_TRUE(ha.has("binding-query"));
}

TEST(Profile, ErrorsNameFilePathAndExpectation) {
    std::string e = load_error("missing-roles", R"({"name":"x"})");
    EXPECT_NE(e.find("mipvpn-profile-test-missing-roles.json"), std::string::npos) << e;
    EXPECT_NE(e.find("roles"), std::string::npos) << e;

    e = load_error("bad-address", std::string(R"({"name":"x","roles":{"ha":)") + valid_role + "}}");
    EXPECT_EQ(e, "") << "a valid profile must load";

    std::string broken = valid_role;
    broken.replace(broken.find("10.0.1.1"), 8, "10.0.1.999");
    e = load_error("bad-address", std::string(R"({"name":"x","roles":{"ha":)") + broken + "}}");
    EXPECT_NE(e.find("/roles/ha/address"), std::string::npos) << e;

    broken = valid_role;
    broken.replace(broken.find("\"spi\":256"), 9, "\"spi\":255");
    e = load_error("reserved-spi", std::string(R"({"name":"x","roles":{"ha":)") + broken + "}}");
    EXPECT_NE(e.find("/roles/ha/security_associations/0/spi"), std::string::npos) << e;

    e = load_error("not-json", "{");
    EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST(Profile, PlaceholdersSpliceValuesAndStrings) {
    const nlohmann::json in = {{"a", "{list}"}, {"b", "dir={run_dir}/x"}, {"c", 5}};
    const auto out = sut::expand_placeholders(in, {{"list", nlohmann::json::array({1, 2})}, {"run_dir", "/r"}});
    EXPECT_EQ(out["a"], nlohmann::json::array({1, 2}));
    EXPECT_EQ(out["b"], "dir=/r/x");
    EXPECT_EQ(out["c"], 5);
}
