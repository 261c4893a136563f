#pragma once
#include "harness/engine/registry.h"

namespace mipvpn::testcases::ha {
// Each registers the cases of one section group of RFC 5944 3.8, in RFC order.
void register_authentication(engine::Registry& registry);
void register_identification(engine::Registry& registry);
void register_denials(engine::Registry& registry);
void register_lifetime(engine::Registry& registry);
void register_bindings(engine::Registry& registry);
void register_extensions(engine::Registry& registry);
void register_reply_format(engine::Registry& registry);
} // namespace mipvpn::testcases::ha
