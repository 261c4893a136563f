#include "harness/engine/registry.h"
#include "harness/engine/runner.h"

#include <gtest/gtest.h>

using namespace mipvpn::engine;

namespace {
TestCase sample(const std::string& id) {
    TestCase tc;
    tc.id = id;
    tc.suite = "demo";
    tc.title = "t";
    tc.rfc = "RFC 5944";
    tc.section = "1.8";
    tc.quote = "q";
    tc.role = "ha";
    tc.body = [](TestContext&) {};
    return tc;
}
} // namespace

TEST(Registry, RejectsDuplicateIds) {
    Registry r;
    r.add(sample("a"));
    EXPECT_THROW(r.add(sample("a")), std::invalid_argument);
}

TEST(Registry, RejectsCasesWithoutTheirRfcSentence) {
    Registry r;
    auto tc = sample("a");
    tc.quote.clear();
    EXPECT_THROW(r.add(tc), std::invalid_argument);
    tc = sample("b");
    tc.body = nullptr;
    EXPECT_THROW(r.add(tc), std::invalid_argument);
}

TEST(Registry, SelectsByIdOrSuiteGlob) {
    Registry r;
    r.add(sample("demo-one"));
    r.add(sample("demo-two"));
    EXPECT_EQ(r.select("*").size(), 2u);
    EXPECT_EQ(r.select("demo").size(), 2u);
    EXPECT_EQ(r.select("*-two").size(), 1u);
    EXPECT_TRUE(r.select("nothing*").empty());
}

TEST(Verdict, NoCheckIsAnErrorNotAPass) {
    EXPECT_EQ(verdict_from_checks({}), Verdict::Error);
    EXPECT_EQ(verdict_from_checks({{"x", "1", "1", true}}), Verdict::Pass);
    EXPECT_EQ(verdict_from_checks({{"x", "1", "1", true}, {"y", "1", "2", false}}), Verdict::Fail);
}
