// Unit tests of the JSON Schema subset: each keyword accepting and rejecting, and the paths errors name.
#include "harness/schema/validator.h"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
using mipvpn::schema::format;
using mipvpn::schema::SchemaError;
using mipvpn::schema::validate;
using mipvpn::schema::ValidationError;
using mipvpn::schema::Validator;

std::vector<ValidationError> check(const char* schema, const char* instance) {
    return validate(json::parse(schema), json::parse(instance));
}

bool accepts(const char* schema, const char* instance) { return check(schema, instance).empty(); }

ValidationError only_error(const char* schema, const char* instance) {
    auto errors = check(schema, instance);
    EXPECT_EQ(errors.size(), 1u) << "instance " << instance;
    return errors.empty() ? ValidationError{} : errors.front();
}

TEST(Type, EachNamedType) {
    EXPECT_TRUE(accepts(R"({"type":"string"})", R"("x")"));
    EXPECT_TRUE(accepts(R"({"type":"number"})", "1.5"));
    EXPECT_TRUE(accepts(R"({"type":"number"})", "3"));
    EXPECT_TRUE(accepts(R"({"type":"boolean"})", "false"));
    EXPECT_TRUE(accepts(R"({"type":"null"})", "null"));
    EXPECT_TRUE(accepts(R"({"type":"object"})", "{}"));
    EXPECT_TRUE(accepts(R"({"type":"array"})", "[]"));
    EXPECT_FALSE(accepts(R"({"type":"string"})", "1"));
    EXPECT_FALSE(accepts(R"({"type":"object"})", "[]"));
    EXPECT_FALSE(accepts(R"({"type":"null"})", "0"));
}

TEST(Type, IntegerAcceptsIntegralNumbersOnly) {
    EXPECT_TRUE(accepts(R"({"type":"integer"})", "7"));
    EXPECT_TRUE(accepts(R"({"type":"integer"})", "-7"));
    EXPECT_TRUE(accepts(R"({"type":"integer"})", "7.0"));
    const auto e = only_error(R"({"type":"integer"})", "7.5");
    EXPECT_EQ(e.json_path, "");
    EXPECT_EQ(e.expected, "integer");
    EXPECT_EQ(e.found, "number 7.5");
}

TEST(Type, ListOfTypes) {
    EXPECT_TRUE(accepts(R"({"type":["string","null"]})", "null"));
    const auto e = only_error(R"({"type":["string","null"]})", "1");
    EXPECT_EQ(e.expected, "one of the types string, null");
}

TEST(Properties, ValidatesNamedMembersAndNamesThePath) {
    const char* schema = R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}})";
    EXPECT_TRUE(accepts(schema, R"({"a":"x","b":1,"c":true})"));
    const auto e = only_error(schema, R"({"a":"x","b":"one"})");
    EXPECT_EQ(e.json_path, "/b");
    EXPECT_EQ(e.expected, "integer");
    EXPECT_EQ(e.found, "string \"one\"");
}

TEST(Properties, PathTokensAreEscaped) {
    const auto e = only_error(R"({"properties":{"a/b":{"type":"string"},"c~d":{"type":"string"}}})", R"({"a/b":1})");
    EXPECT_EQ(e.json_path, "/a~1b");
}

TEST(Required, MissingPropertyIsNamed) {
    const char* schema = R"({"type":"object","required":["name","kind"]})";
    EXPECT_TRUE(accepts(schema, R"({"name":"x","kind":"y"})"));
    const auto e = only_error(schema, R"({"name":"x"})");
    EXPECT_EQ(e.json_path, "");
    EXPECT_EQ(e.expected, "required property \"kind\"");
    EXPECT_EQ(e.found, "object {name}");
}

TEST(AdditionalProperties, FalseRejectsUnknownMembers) {
    const char* schema = R"({"type":"object","properties":{"a":{}},"additionalProperties":false})";
    EXPECT_TRUE(accepts(schema, R"({"a":1})"));
    const auto e = only_error(schema, R"({"a":1,"zz":2})");
    EXPECT_EQ(e.json_path, "/zz");
    EXPECT_EQ(e.expected, "no property \"zz\" (allowed: a)");
    EXPECT_EQ(e.found, "integer 2");
}

TEST(AdditionalProperties, SchemaAppliesToUnknownMembers) {
    const char* schema = R"({"properties":{"a":{}},"additionalProperties":{"type":"integer"}})";
    EXPECT_TRUE(accepts(schema, R"({"a":"s","x":1,"y":2})"));
    const auto e = only_error(schema, R"({"a":"s","x":"no"})");
    EXPECT_EQ(e.json_path, "/x");
}

TEST(Items, EveryElementAndItsIndex) {
    const char* schema = R"({"type":"array","items":{"type":"string"}})";
    EXPECT_TRUE(accepts(schema, R"(["a","b"])"));
    const auto e = only_error(schema, R"(["a",2,"c"])");
    EXPECT_EQ(e.json_path, "/1");
}

TEST(MinMaxItems, Bounds) {
    const char* schema = R"({"type":"array","minItems":1,"maxItems":2})";
    EXPECT_TRUE(accepts(schema, "[1]"));
    EXPECT_TRUE(accepts(schema, "[1,2]"));
    auto e = only_error(schema, "[]");
    EXPECT_EQ(e.expected, "array of at least 1 items");
    EXPECT_EQ(e.found, "array of 0 items");
    e = only_error(schema, "[1,2,3]");
    EXPECT_EQ(e.expected, "array of at most 2 items");
}

TEST(Enum, MembershipWithJsonEquality) {
    const char* schema = R"({"enum":["host","router",1]})";
    EXPECT_TRUE(accepts(schema, R"("router")"));
    EXPECT_TRUE(accepts(schema, "1.0"));
    const auto e = only_error(schema, R"("switch")");
    EXPECT_EQ(e.expected, "one of \"host\", \"router\", 1");
    EXPECT_EQ(e.found, "string \"switch\"");
}

TEST(Const, ExactValue) {
    EXPECT_TRUE(accepts(R"({"const":"default"})", R"("default")"));
    EXPECT_TRUE(accepts(R"({"const":{"a":[1,2]}})", R"({"a":[1,2]})"));
    const auto e = only_error(R"({"const":"default"})", R"("Default")");
    EXPECT_EQ(e.expected, "the constant \"default\"");
}

TEST(Pattern, UnanchoredSearchAsTheSpecSays) {
    EXPECT_TRUE(accepts(R"({"pattern":"b+"})", R"("abbc")"));
    EXPECT_TRUE(accepts(R"({"pattern":"^[0-9]+$"})", R"("123")"));
    EXPECT_TRUE(accepts(R"({"pattern":"^[0-9]+$"})", "5"));  // applies to strings only
    const auto e = only_error(R"({"pattern":"^[0-9]+$"})", R"("12a")");
    EXPECT_EQ(e.expected, "string matching ^[0-9]+$");
    EXPECT_EQ(e.found, "\"12a\"");
}

TEST(Pattern, DescriptionIsAddedToTheExpectation) {
    const auto e = only_error(R"({"type":"string","pattern":"^a$","description":"the letter a"})", R"("b")");
    EXPECT_EQ(e.expected, "string matching ^a$ (the letter a)");
}

TEST(MinimumMaximum, InclusiveBounds) {
    const char* schema = R"({"type":"integer","minimum":1,"maximum":65535})";
    EXPECT_TRUE(accepts(schema, "1"));
    EXPECT_TRUE(accepts(schema, "65535"));
    auto e = only_error(schema, "0");
    EXPECT_EQ(e.expected, "number >= 1");
    EXPECT_EQ(e.found, "0");
    e = only_error(schema, "65536");
    EXPECT_EQ(e.expected, "number <= 65535");
    EXPECT_TRUE(accepts(R"({"minimum":-1.5})", "-1.5"));
    EXPECT_FALSE(accepts(R"({"minimum":-1.5})", "-2"));
    EXPECT_FALSE(accepts(R"({"maximum":0})", "18446744073709551615"));
}

TEST(MinMaxLength, CountsCharactersNotBytes) {
    EXPECT_TRUE(accepts(R"({"minLength":2,"maxLength":2})", "\"\u00e9\u00e9\""));
    auto e = only_error(R"({"minLength":1})", R"("")");
    EXPECT_EQ(e.expected, "string of at least 1 characters");
    e = only_error(R"({"maxLength":3})", R"("abcd")");
    EXPECT_EQ(e.expected, "string of at most 3 characters");
}

TEST(Ref, ResolvesDefsAndReportsTheInstancePath) {
    const char* schema = R"({
        "$defs": {"port": {"type":"integer","minimum":1}},
        "type":"object",
        "properties": {"ports": {"type":"array","items":{"$ref":"#/$defs/port"}}}})";
    EXPECT_TRUE(accepts(schema, R"({"ports":[1,2]})"));
    const auto e = only_error(schema, R"({"ports":[1,0]})");
    EXPECT_EQ(e.json_path, "/ports/1");
    EXPECT_EQ(e.expected, "number >= 1");
}

TEST(Ref, RecursiveSchema) {
    const char* schema = R"({"type":"object","properties":{"child":{"$ref":"#"}},"additionalProperties":false})";
    EXPECT_TRUE(accepts(schema, R"({"child":{"child":{}}})"));
    const auto e = only_error(schema, R"({"child":{"child":{"x":1}}})");
    EXPECT_EQ(e.json_path, "/child/child/x");
}

TEST(Ref, UnresolvableRefIsASchemaError) {
    EXPECT_THROW(Validator(json::parse(R"({"$ref":"#/$defs/missing"})")), SchemaError);
    EXPECT_THROW(Validator(json::parse(R"({"$ref":"other.json#/x"})")), SchemaError);
}

TEST(SchemaErrors, BadKeywordsAreRejectedUpFront) {
    EXPECT_THROW(Validator(json::parse(R"({"pattern":"(unclosed"})")), SchemaError);
    EXPECT_THROW(Validator(json::parse(R"({"type":"text"})")), SchemaError);
    EXPECT_THROW(Validator(json::parse(R"({"minItems":-1})")), SchemaError);
    EXPECT_THROW(Validator(json::parse(R"({"properties":{"a":5}})")), SchemaError);
    EXPECT_THROW(Validator(json::parse(R"({"anyOf":[]})")), SchemaError);
    EXPECT_NO_THROW(Validator(json::parse(R"({"title":"t","description":"d","$comment":"c","x-unknown":1})")));
}

TEST(AnyOf, OneAlternativeSuffices) {
    const char* schema = R"({"anyOf":[{"type":"string","pattern":"^[0-9]+/[0-9]+$"},{"const":"default"}]})";
    EXPECT_TRUE(accepts(schema, R"("10/24")"));
    EXPECT_TRUE(accepts(schema, R"("default")"));
    const auto e = only_error(schema, R"("elsewhere")");
    EXPECT_EQ(e.json_path, "");
    EXPECT_EQ(e.expected, "any of: string matching ^[0-9]+/[0-9]+$ | the constant \"default\"");
    EXPECT_EQ(e.found, "string \"elsewhere\"");
}

TEST(AnyOf, ReportsTheAlternativeWhoseShapeFits) {
    // Object alternatives: the instance is an object, so the deeper errors of the object branch are more useful.
    const char* schema = R"({"anyOf":[{"type":"string"},{"type":"object","properties":{"n":{"type":"integer"}}}]})";
    const auto e = only_error(schema, R"({"n":"x"})");
    EXPECT_EQ(e.json_path, "/n");
    EXPECT_EQ(e.expected, "integer");
}

TEST(OneOf, ExactlyOne) {
    const char* schema = R"({"oneOf":[{"type":"integer"},{"minimum":10}]})";
    EXPECT_TRUE(accepts(schema, "3"));      // integer, not >= 10
    EXPECT_TRUE(accepts(schema, "10.5"));   // >= 10, not integer
    auto e = only_error(schema, "12");      // both
    EXPECT_EQ(e.expected, "exactly one of 2 alternatives to match");
    EXPECT_EQ(e.found, "integer 12 matching alternatives 0, 1");
    e = only_error(schema, "2.5");          // neither
    EXPECT_EQ(e.expected, "exactly one of: integer | number >= 10");
}

TEST(AllOf, EveryBranch) {
    const char* schema = R"({"allOf":[{"type":"integer"},{"minimum":1}]})";
    EXPECT_TRUE(accepts(schema, "1"));
    EXPECT_EQ(check(schema, "0").size(), 1u);
}

TEST(BooleanSchemas, TrueAndFalse) {
    EXPECT_TRUE(accepts("true", "1"));
    EXPECT_FALSE(accepts("false", "1"));
    const auto e = only_error(R"({"properties":{"a":false}})", R"({"a":1})");
    EXPECT_EQ(e.json_path, "/a");
}

TEST(Errors, AllViolationsAreReportedDepthFirst) {
    const char* schema = R"({"type":"object","properties":{"list":{"type":"array","items":{"type":"object",
        "required":["name"],"properties":{"name":{"type":"string"},"address":{"type":"string","pattern":"^10\\."}},
        "additionalProperties":false}}}})";
    const auto errors = check(schema, R"({"list":[{"name":"a","address":"10.0.0.1"},{"address":"192.168.0.1","x":1},{"name":3}]})");
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].json_path, "/list/1");
    EXPECT_EQ(errors[0].expected, "required property \"name\"");
    EXPECT_EQ(errors[1].json_path, "/list/1/address");
    EXPECT_EQ(errors[2].json_path, "/list/1/x");
    EXPECT_EQ(errors[3].json_path, "/list/2/name");
}

TEST(Format, NamesFilePathExpectationAndFinding) {
    const ValidationError e{"/nodes/2/address", "string matching ^x$", "\"y\""};
    EXPECT_EQ(format("topologies/t.json", e), "topologies/t.json: at /nodes/2/address: expected string matching ^x$, found \"y\"");
    EXPECT_EQ(format("f.json", ValidationError{"", "object", "array of 0 items"}), "f.json: at /: expected object, found array of 0 items");
}

TEST(Format, LongValuesAreTruncated) {
    const std::string long_string(300, 'a');
    const auto errors = validate(json::parse(R"({"type":"integer"})"), json(long_string));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_LT(errors[0].found.size(), 100u);
    EXPECT_NE(errors[0].found.find("..."), std::string::npos);
}

TEST(Validator, ReusableAcrossInstances) {
    const Validator v(json::parse(R"({"type":"object","required":["a"]})"));
    EXPECT_TRUE(v.validate(json::parse(R"({"a":1})")).empty());
    EXPECT_EQ(v.validate(json::parse("{}")).size(), 1u);
}

}  // namespace
