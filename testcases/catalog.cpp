#include "testcases/catalog.h"

namespace mipvpn::testcases {

void register_all(engine::Registry& registry) { register_rfc5944_ha(registry); }

} // namespace mipvpn::testcases
