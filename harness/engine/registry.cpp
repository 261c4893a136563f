#include "harness/engine/registry.h"

#include <fnmatch.h>
#include <stdexcept>

namespace mipvpn::engine {

void Registry::add(TestCase tc) {
    auto need = [&](const std::string& value, const char* field) {
        if (value.empty())
            throw std::invalid_argument("test case '" + tc.id + "': field '" + field + "' is empty");
    };
    need(tc.id, "id");
    need(tc.suite, "suite");
    need(tc.title, "title");
    need(tc.rfc, "rfc");
    need(tc.section, "section");
    need(tc.quote, "quote");
    need(tc.role, "role");
    if (!tc.body) throw std::invalid_argument("test case '" + tc.id + "' has no body");
    if (find(tc.id)) throw std::invalid_argument("test case id '" + tc.id + "' registered twice");
    cases_.push_back(std::move(tc));
}

const TestCase* Registry::find(const std::string& id) const {
    for (const auto& tc : cases_)
        if (tc.id == id) return &tc;
    return nullptr;
}

bool glob_match(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::vector<const TestCase*> Registry::select(const std::string& glob) const {
    std::vector<const TestCase*> out;
    for (const auto& tc : cases_)
        if (glob_match(glob, tc.id) || glob_match(glob, tc.suite)) out.push_back(&tc);
    return out;
}

} // namespace mipvpn::engine
