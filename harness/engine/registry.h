#pragma once
#include "harness/engine/testcase.h"

#include <string>
#include <vector>

namespace mipvpn::engine {

// The catalog of every test case, in registration order (which is the order they run in).
class Registry {
public:
    // Throws std::invalid_argument when the id is taken or a mandatory field is empty,
    // so a malformed test case fails at start-up instead of producing a meaningless verdict.
    void add(TestCase tc);
    const std::vector<TestCase>& all() const { return cases_; }
    const TestCase* find(const std::string& id) const;
    // Cases whose id or suite matches a shell glob ("rfc5944-ha*", "*", "rfc5944-ha-lifetime-*").
    std::vector<const TestCase*> select(const std::string& glob) const;

private:
    std::vector<TestCase> cases_;
};

bool glob_match(const std::string& pattern, const std::string& text);

} // namespace mipvpn::engine
