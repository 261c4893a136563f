#include "testcases/rfc5944-ha/suite.h"

namespace mipvpn::testcases {

// The Home Agent suite, in the order of RFC 5944's sections.
void register_rfc5944_ha(engine::Registry& registry) {
    ha::register_extensions(registry);
    ha::register_authentication(registry);
    ha::register_identification(registry);
    ha::register_denials(registry);
    ha::register_bindings(registry);
    ha::register_lifetime(registry);
    ha::register_reply_format(registry);
}

} // namespace mipvpn::testcases
