#include "harness/schema/validator.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace mipvpn::schema {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 256;

const std::set<std::string>& type_names() {
    static const std::set<std::string> names{"null", "boolean", "object", "array", "number", "integer", "string"};
    return names;
}

bool is_integral(const json& v) {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

bool has_type(const json& v, const std::string& type) {
    if (type == "null") return v.is_null();
    if (type == "boolean") return v.is_boolean();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "number") return v.is_number();
    if (type == "integer") return is_integral(v);
    if (type == "string") return v.is_string();
    return false;
}

std::string type_of(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    return "value";
}

std::string truncate(std::string s, size_t max) {
    if (s.size() > max) {
        s.resize(max);
        s += "...";
    }
    return s;
}

// Scalars are self-describing; objects and arrays say their type anyway.
std::string describe_typed(const json& v) {
    if (v.is_object() || v.is_array() || v.is_null()) return describe_value(v);
    return type_of(v) + " " + describe_value(v);
}

size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0u) != 0x80u) ++n;
    return n;
}

// JSON numbers compared as doubles unless both are integers (exactness for large integers).
bool less_than(const json& a, const json& b) {
    if (a.is_number_integer() && b.is_number_integer()) {
        if (a.is_number_unsigned() && b.is_number_unsigned()) return a.get<uint64_t>() < b.get<uint64_t>();
        if (!a.is_number_unsigned() && !b.is_number_unsigned()) return a.get<int64_t>() < b.get<int64_t>();
        if (a.is_number_unsigned()) return false;  // a >= 0 > b or b unsigned
        return true;
    }
    return a.get<double>() < b.get<double>();
}

// JSON equality as the spec defines it: 1 == 1.0.
bool json_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return !less_than(a, b) && !less_than(b, a);
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!json_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto other = b.find(it.key());
            if (other == b.end() || !json_equal(it.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::string number_text(const json& n) { return n.dump(); }

}  // namespace

std::string escape_pointer_token(const std::string& token) {
    std::string out;
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string describe_value(const json& v) {
    if (v.is_object()) {
        std::vector<std::string> keys;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (keys.size() == 6) {
                keys.push_back("...");
                break;
            }
            keys.push_back(it.key());
        }
        return keys.empty() ? "empty object" : "object {" + join(keys, ", ") + "}";
    }
    if (v.is_array()) return "array of " + std::to_string(v.size()) + (v.size() == 1 ? " item" : " items");
    return truncate(v.dump(), 80);
}

std::string ValidationError::to_string() const {
    return "at " + (json_path.empty() ? std::string("/") : json_path) + ": expected " + expected + ", found " + found;
}

std::string format(const std::string& file, const ValidationError& error) { return file + ": " + error.to_string(); }

Validator::Validator(json schema) : schema_(std::move(schema)) { check_schema(schema_, "", 0); }

const json& Validator::resolve(const std::string& ref) const {
    if (ref.empty() || ref[0] != '#') throw SchemaError("$ref \"" + ref + "\": only references inside the document (#...) are supported");
    if (ref == "#") return schema_;
    try {
        const json::json_pointer ptr(ref.substr(1));
        return schema_.at(ptr);
    } catch (const json::exception& e) {
        throw SchemaError("$ref \"" + ref + "\" does not resolve: " + e.what());
    }
}

void Validator::check_schema(const json& s, const std::string& at, int depth) {
    if (depth > kMaxDepth) throw SchemaError("schema at " + at + ": nested too deeply");
    if (s.is_boolean()) return;
    if (!s.is_object()) throw SchemaError("schema at " + (at.empty() ? "/" : at) + ": expected an object or a boolean, found " + describe_value(s));
    auto where = [&](const std::string& kw) { return "schema at " + at + "/" + escape_pointer_token(kw) + ": "; };
    auto sub = [&](const std::string& kw) { return at + "/" + escape_pointer_token(kw); };

    if (auto t = s.find("type"); t != s.end()) {
        std::vector<json> list = t->is_array() ? t->get<std::vector<json>>() : std::vector<json>{*t};
        if (list.empty()) throw SchemaError(where("type") + "expected a type name or a non-empty array of them");
        for (const auto& name : list)
            if (!name.is_string() || !type_names().count(name.get<std::string>()))
                throw SchemaError(where("type") + "expected one of null, boolean, object, array, number, integer, string, found " + describe_value(name));
    }
    if (auto p = s.find("properties"); p != s.end()) {
        if (!p->is_object()) throw SchemaError(where("properties") + "expected an object");
        for (auto it = p->begin(); it != p->end(); ++it) check_schema(it.value(), sub("properties") + "/" + escape_pointer_token(it.key()), depth + 1);
    }
    if (auto r = s.find("required"); r != s.end()) {
        if (!r->is_array()) throw SchemaError(where("required") + "expected an array of strings");
        for (const auto& name : *r)
            if (!name.is_string()) throw SchemaError(where("required") + "expected an array of strings");
    }
    if (auto a = s.find("additionalProperties"); a != s.end()) check_schema(*a, sub("additionalProperties"), depth + 1);
    if (auto i = s.find("items"); i != s.end()) check_schema(*i, sub("items"), depth + 1);
    if (auto d = s.find("$defs"); d != s.end()) {
        if (!d->is_object()) throw SchemaError(where("$defs") + "expected an object");
        for (auto it = d->begin(); it != d->end(); ++it) check_schema(it.value(), sub("$defs") + "/" + escape_pointer_token(it.key()), depth + 1);
    }
    for (const char* kw : {"oneOf", "anyOf", "allOf"}) {
        if (auto list = s.find(kw); list != s.end()) {
            if (!list->is_array() || list->empty()) throw SchemaError(where(kw) + "expected a non-empty array of schemas");
            for (size_t k = 0; k < list->size(); ++k) check_schema((*list)[k], sub(kw) + "/" + std::to_string(k), depth + 1);
        }
    }
    for (const char* kw : {"minItems", "maxItems", "minLength", "maxLength"}) {
        if (auto n = s.find(kw); n != s.end())
            if (!is_integral(*n) || n->get<double>() < 0) throw SchemaError(where(kw) + "expected a non-negative integer, found " + describe_value(*n));
    }
    for (const char* kw : {"minimum", "maximum"}) {
        if (auto n = s.find(kw); n != s.end())
            if (!n->is_number()) throw SchemaError(where(kw) + "expected a number, found " + describe_value(*n));
    }
    if (auto e = s.find("enum"); e != s.end())
        if (!e->is_array()) throw SchemaError(where("enum") + "expected an array");
    if (auto p = s.find("pattern"); p != s.end()) {
        if (!p->is_string()) throw SchemaError(where("pattern") + "expected a string");
        const std::string text = p->get<std::string>();
        if (!patterns_.count(text)) {
            try {
                patterns_.emplace(text, std::regex(text, std::regex::ECMAScript));
            } catch (const std::regex_error& e) {
                throw SchemaError(where("pattern") + "invalid regular expression " + text + ": " + e.what());
            }
        }
    }
    if (auto r = s.find("$ref"); r != s.end()) {
        if (!r->is_string()) throw SchemaError(where("$ref") + "expected a string");
        try {
            resolve(r->get<std::string>());
        } catch (const SchemaError& e) {
            throw SchemaError(where("$ref") + e.what());
        }
    }
}

std::vector<ValidationError> Validator::validate(const json& instance) const {
    std::vector<ValidationError> out;
    validate_node(schema_, instance, "", out, 0);
    return out;
}

void Validator::validate_node(const json& s, const json& v, const std::string& path, std::vector<ValidationError>& out,
                              int depth) const {
    if (depth > kMaxDepth) throw SchemaError("schema recursion deeper than " + std::to_string(kMaxDepth) + " at " + path + " (a $ref cycle?)");
    if (s.is_boolean()) {
        if (!s.get<bool>()) out.push_back({path, "nothing (the schema is false)", describe_typed(v)});
        return;
    }
    const std::string description = s.value("description", std::string());

    if (auto r = s.find("$ref"); r != s.end()) validate_node(resolve(r->get<std::string>()), v, path, out, depth + 1);

    if (auto t = s.find("type"); t != s.end()) {
        std::vector<std::string> wanted = t->is_array() ? t->get<std::vector<std::string>>() : std::vector<std::string>{t->get<std::string>()};
        const bool ok = std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return has_type(v, w); });
        if (!ok) {
            std::string expected = wanted.size() == 1 ? wanted[0] : "one of the types " + join(wanted, ", ");
            if (!description.empty()) expected += " (" + description + ")";
            out.push_back({path, expected, describe_typed(v)});
            return;  // the other keywords would only repeat the type mismatch
        }
    }

    if (auto e = s.find("enum"); e != s.end()) {
        const bool ok = std::any_of(e->begin(), e->end(), [&](const json& candidate) { return json_equal(candidate, v); });
        if (!ok) {
            std::vector<std::string> options;
            for (const auto& candidate : *e) options.push_back(describe_value(candidate));
            out.push_back({path, "one of " + join(options, ", "), describe_typed(v)});
        }
    }
    if (auto c = s.find("const"); c != s.end()) {
        if (!json_equal(*c, v)) out.push_back({path, "the constant " + describe_value(*c), describe_typed(v)});
    }

    if (v.is_string()) {
        const std::string text = v.get<std::string>();
        const size_t length = utf8_length(text);
        if (auto n = s.find("minLength"); n != s.end() && length < n->get<size_t>())
            out.push_back({path, "string of at least " + number_text(*n) + " characters", describe_value(v) + " (" + std::to_string(length) + " characters)"});
        if (auto n = s.find("maxLength"); n != s.end() && length > n->get<size_t>())
            out.push_back({path, "string of at most " + number_text(*n) + " characters", describe_value(v) + " (" + std::to_string(length) + " characters)"});
        if (auto p = s.find("pattern"); p != s.end()) {
            const std::string& pattern = p->get_ref<const std::string&>();
            if (!std::regex_search(text, patterns_.at(pattern))) {
                std::string expected = "string matching " + pattern;
                if (!description.empty()) expected += " (" + description + ")";
                out.push_back({path, expected, describe_value(v)});
            }
        }
    }

    if (v.is_number()) {
        if (auto m = s.find("minimum"); m != s.end() && less_than(v, *m))
            out.push_back({path, "number >= " + number_text(*m), describe_value(v)});
        if (auto m = s.find("maximum"); m != s.end() && less_than(*m, v))
            out.push_back({path, "number <= " + number_text(*m), describe_value(v)});
    }

    if (v.is_object()) {
        if (auto r = s.find("required"); r != s.end()) {
            for (const auto& name : *r) {
                const std::string key = name.get<std::string>();
                if (!v.contains(key)) out.push_back({path, "required property \"" + key + "\"", describe_value(v)});
            }
        }
        const auto props = s.find("properties");
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string child = path + "/" + escape_pointer_token(it.key());
            if (props != s.end() && props->contains(it.key())) {
                validate_node((*props)[it.key()], it.value(), child, out, depth + 1);
                continue;
            }
            auto additional = s.find("additionalProperties");
            if (additional == s.end()) continue;
            if (additional->is_boolean() && !additional->get<bool>()) {
                std::vector<std::string> allowed;
                if (props != s.end())
                    for (auto p = props->begin(); p != props->end(); ++p) allowed.push_back(p.key());
                out.push_back({child,
                               "no property \"" + it.key() + "\"" + (allowed.empty() ? std::string(" (no properties allowed)") : " (allowed: " + join(allowed, ", ") + ")"),
                               describe_typed(it.value())});
            } else {
                validate_node(*additional, it.value(), child, out, depth + 1);
            }
        }
    }

    if (v.is_array()) {
        if (auto n = s.find("minItems"); n != s.end() && v.size() < n->get<size_t>())
            out.push_back({path, "array of at least " + number_text(*n) + " items", describe_value(v)});
        if (auto n = s.find("maxItems"); n != s.end() && v.size() > n->get<size_t>())
            out.push_back({path, "array of at most " + number_text(*n) + " items", describe_value(v)});
        if (auto items = s.find("items"); items != s.end())
            for (size_t i = 0; i < v.size(); ++i) validate_node(*items, v[i], path + "/" + std::to_string(i), out, depth + 1);
    }

    if (auto all = s.find("allOf"); all != s.end())
        for (const auto& branch : *all) validate_node(branch, v, path, out, depth + 1);

    for (const char* kw : {"anyOf", "oneOf"}) {
        auto list = s.find(kw);
        if (list == s.end()) continue;
        std::vector<std::vector<ValidationError>> branch_errors(list->size());
        std::vector<size_t> matched;
        for (size_t k = 0; k < list->size(); ++k) {
            validate_node((*list)[k], v, path, branch_errors[k], depth + 1);
            if (branch_errors[k].empty()) matched.push_back(k);
        }
        const bool one = std::string(kw) == "oneOf";
        if (one && matched.size() > 1) {
            std::vector<std::string> which;
            for (size_t k : matched) which.push_back(std::to_string(k));
            out.push_back({path, "exactly one of " + std::to_string(list->size()) + " alternatives to match",
                           describe_typed(v) + " matching alternatives " + join(which, ", ")});
            continue;
        }
        if (!matched.empty()) continue;
        // No alternative matched. An alternative whose errors all lie deeper than this value "fits" its shape:
        // report its errors, which are more precise. Otherwise list what every alternative wanted here.
        std::optional<size_t> best;
        for (size_t k = 0; k < list->size(); ++k) {
            const bool deeper = std::none_of(branch_errors[k].begin(), branch_errors[k].end(),
                                             [&](const ValidationError& e) { return e.json_path == path; });
            if (deeper && (!best || branch_errors[k].size() < branch_errors[*best].size())) best = k;
        }
        if (best) {
            out.insert(out.end(), branch_errors[*best].begin(), branch_errors[*best].end());
            continue;
        }
        std::vector<std::string> wanted;
        for (const auto& errors : branch_errors) {
            std::vector<std::string> parts;
            for (const auto& e : errors)
                if (e.json_path == path) parts.push_back(e.expected);
            wanted.push_back(join(parts, " and "));
        }
        out.push_back({path, (one ? "exactly one of: " : "any of: ") + join(wanted, " | "), describe_typed(v)});
    }
}

std::vector<ValidationError> validate(const json& schema, const json& instance) {
    return Validator(schema).validate(instance);
}

}  // namespace mipvpn::schema
