#include "agents/common/security_association.h"

#include "agents/common/config_reader.h"

namespace mipvpn::agents {

SecurityAssociation parse_security_association(const JsonObject& o) {
  SecurityAssociation sa;
  sa.spi = static_cast<uint32_t>(o.unsigned_integer("spi", 256, 0xffffffffu));
  sa.key = o.hex("key");
  if (o.has("algorithm")) sa.algorithm = o.string("algorithm");
  if (sa.algorithm != "hmac-md5") {
    o.fail("algorithm", "expected \"hmac-md5\" (the only algorithm implemented), got \"" + sa.algorithm + "\"");
  }
  return sa;
}

}  // namespace mipvpn::agents
