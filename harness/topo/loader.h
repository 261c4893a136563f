#pragma once
// Topology loader: JSON Schema first (topologies/topology.schema.json, with harness/schema), then the checks a
// schema cannot express (unknown segment, duplicate names, address outside its segment's subnet, gateway not
// on an attached subnet, ...). Every error names the file, the JSON path and what was expected.
#include "harness/topo/topology.h"

#include <nlohmann/json.hpp>

#include <string>

namespace mipvpn::topo {

// MIPVPN_SOURCE_DIR "/topologies/topology.schema.json".
std::string default_schema_path();
// Reads, validates and checks a topology file.
Expected<Topology> load_topology(const std::string& path);
Expected<Topology> load_topology(const std::string& path, const std::string& schema_path);
// Same checks on a parsed document; `file` only labels the errors.
Expected<Topology> parse_topology(const nlohmann::json& doc, const std::string& file, const nlohmann::json& schema);

}  // namespace mipvpn::topo
