// A mobility security association (RFC 5944 1.6, 3.5.1) as the agents' configurations give it: SPI, key and
// algorithm (HMAC-MD5 is the only one implemented). The MN, FA and HA configurations read it the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mipvpn::agents {

class JsonObject;

struct SecurityAssociation {
  uint32_t spi = 0;
  std::vector<uint8_t> key;
  std::string algorithm = "hmac-md5";
};

// Reads "spi" (>= 256: "SPI values 0 through 255 are reserved", RFC 5944 1.6), "key" (hex) and the optional
// "algorithm" of `o`. Throws ConfigException naming the file, the JSON pointer and what was expected.
SecurityAssociation parse_security_association(const JsonObject& o);

}  // namespace mipvpn::agents
