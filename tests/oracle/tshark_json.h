// Reading tshark's -T json output for the oracle tests: field values by key, the bytes behind a field (-x "_raw"
// fields), and the malformed / expert-info checks every oracle applies to every frame.
//
// Run tshark with --no-duplicate-keys: a key that occurs more than once in a tree (two ip layers, repeated
// extension fields) then holds an array, and ordered_json keeps tshark's order, so values() comes back in wire order.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::wire::oracle {

using Json = nlohmann::ordered_json;

// Every value stored under `key` anywhere below `node`, in document order; arrays are flattened (except for "_raw"
// keys, whose value is one [hex, offset, length, bitmask, type] array).
void collect(const Json& node, const std::string& key, std::vector<Json>& out);

// Every value under `key` below `node` as text (strings as they are, anything else as its JSON dump).
std::vector<std::string> values(const Json& node, const std::string& key);

// The first of values(), or "<absent>".
std::string value(const Json& node, const std::string& key);

// The value of `key` in `node` itself, not below it (tshark repeats keys such as isakmp.nextpayload in nested trees).
std::vector<std::string> top(const Json& node, const std::string& key);

// Hex digits of the bytes behind every occurrence of `key` (its "<key>_raw" fields, so tshark must run with -x), in
// document order.
std::vector<std::string> raw_hexes(const Json& node, const std::string& key);

// The first of raw_hexes(), or "<absent>".
std::string raw_hex(const Json& node, const std::string& key);

// Malformed-packet marks and expert infos of severity warning or error below `layers`, one per line ("" when clean).
std::string expert_problems(const Json& layers);

// Fails the current test (non-fatally) unless expert_problems(layers) is empty.
void expect_clean(const Json& layers, int frame);

// --- text in the forms tshark shows ---------------------------------------------------------------------------------

// "0x" and `width` lower-case hex digits: hexw(0x1a, 4) == "0x001a".
std::string hexw(uint64_t v, int width);

// Lower-case hex digits of the bytes, no separator (as in "_raw" fields): "0a1b".
std::string hex(std::span<const uint8_t> bytes);

// Bytes as tshark shows FT_BYTES values: "0a:1b".
std::string colon_hex(std::span<const uint8_t> bytes);

// "0x0a1b" (a hex text field of our layers) as tshark shows bytes: "0a:1b".
std::string colon_hex_text(std::string_view hex_text);

// `s` without its ':' separators.
std::string no_colons(std::string s);

}  // namespace mipvpn::wire::oracle
