#include "harness/score/guidelines.h"

#include <gtest/gtest.h>

using namespace mipvpn;

namespace {
engine::TestResult result(const engine::TestCase& tc, engine::Verdict v) {
    engine::TestResult r;
    r.test = &tc;
    r.verdict = v;
    return r;
}
const score::GuidelineScore& find(const std::vector<score::GuidelineScore>& all, const std::string& id) {
    for (const auto& s : all)
        if (s.guideline.id == id) return s;
    throw std::runtime_error("no guideline " + id);
}
} // namespace

TEST(Score, AllTenSeedGuidelinesInOrder) {
    const auto& g = score::seed_guidelines();
    ASSERT_EQ(g.size(), 10u);
    EXPECT_EQ(g.front().id, "5.1");
    EXPECT_EQ(g.back().id, "5.10");
    EXPECT_EQ(g[9].level, "MUST NOT");
}

TEST(Score, MustFailureFailsShouldFailureWarnsUntestedSaysSo) {
    engine::TestCase must, should;
    must.id = "m";
    must.level = engine::Level::Must;
    must.guidelines = {"5.5"};
    should.id = "s";
    should.level = engine::Level::Should;
    should.guidelines = {"5.10"};

    auto scores = score::score_guidelines({result(must, engine::Verdict::Pass), result(should, engine::Verdict::Fail)});
    EXPECT_EQ(find(scores, "5.5").verdict, "PASS");
    EXPECT_EQ(find(scores, "5.10").verdict, "WARN");
    EXPECT_EQ(find(scores, "5.6").verdict, "NOT-TESTED");

    scores = score::score_guidelines({result(must, engine::Verdict::Fail)});
    EXPECT_EQ(find(scores, "5.5").verdict, "FAIL");
    EXPECT_EQ(find(scores, "5.5").failing, std::vector<std::string>{"m"});

    scores = score::score_guidelines({result(must, engine::Verdict::Inconclusive)});
    EXPECT_EQ(find(scores, "5.5").verdict, "INCONCLUSIVE");
}
