#pragma once
#include "harness/engine/registry.h"

namespace mipvpn::testcases {
void register_rfc5944_ha(engine::Registry& registry);
// Every suite of the catalog.
void register_all(engine::Registry& registry);
} // namespace mipvpn::testcases
