#pragma once
// A small JSON Schema (draft 2020-12 subset) validator over nlohmann::json.
//
// Supported keywords: type (incl. "integer", or an array of types), properties, required,
// additionalProperties (false or a schema), items (a schema), minItems, maxItems, enum, const, pattern
// (std::regex ECMAScript, unanchored search as the spec says), minimum, maximum, minLength, maxLength,
// $ref to a JSON pointer inside the same document ("#", "#/$defs/name", ...), oneOf, anyOf, allOf.
// Annotation keywords ($schema, $id, $comment, title, description, default, examples, $defs) are accepted
// and ignored, as are unknown keywords (the spec says so).
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace mipvpn::schema {

// One violation: where in the instance (a JSON pointer, "" is the document itself), what the schema wanted,
// what was there.
struct ValidationError {
    std::string json_path;  // "/nodes/2/address"
    std::string expected;   // "string matching ^[0-9.]+/[0-9]+$"
    std::string found;      // "\"10.0.1\""
    // "at /nodes/2/address: expected ..., found ..."
    std::string to_string() const;
    bool operator==(const ValidationError&) const = default;
};

// The schema itself is unusable (bad regex, $ref that does not resolve, keyword with a wrong type).
class SchemaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Validator {
public:
    // Walks the whole schema once: compiles every pattern and resolves every $ref. Throws SchemaError.
    explicit Validator(nlohmann::json schema);

    // Every violation found, depth first (object members in nlohmann::json's order, i.e. sorted by key; array
    // elements in order); empty when the instance is valid.
    std::vector<ValidationError> validate(const nlohmann::json& instance) const;

    const nlohmann::json& schema() const { return schema_; }

private:
    void check_schema(const nlohmann::json& s, const std::string& at, int depth);
    void validate_node(const nlohmann::json& s, const nlohmann::json& v, const std::string& path,
                       std::vector<ValidationError>& out, int depth) const;
    const nlohmann::json& resolve(const std::string& ref) const;

    nlohmann::json schema_;
    std::map<std::string, std::regex> patterns_;
};

// One-shot helper (builds a Validator; throws SchemaError for a broken schema).
std::vector<ValidationError> validate(const nlohmann::json& schema, const nlohmann::json& instance);

// "FILE: at /nodes/2/address: expected ..., found ..."
std::string format(const std::string& file, const ValidationError& error);

// A short rendering of a value for "found": strings JSON-quoted, objects and arrays summarised, truncated.
std::string describe_value(const nlohmann::json& value);

// JSON pointer escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(const std::string& token);

}  // namespace mipvpn::schema
