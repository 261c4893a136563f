#include "agents/common/encapsulation.h"

#include "agents/common/gre.h"
#include "agents/common/ip_in_ip.h"
#include "agents/common/minimal_encapsulation.h"

namespace mipvpn::agents {

std::string_view encapsulation_name(EncapsulationType t) {
  switch (t) {
    case EncapsulationType::IpInIp: return "ip-in-ip";
    case EncapsulationType::Gre: return "gre";
    case EncapsulationType::Minimal: return "minimal";
  }
  return "?";
}

std::optional<EncapsulationType> encapsulation_by_name(std::string_view name) {
  for (EncapsulationType t : {EncapsulationType::IpInIp, EncapsulationType::Gre, EncapsulationType::Minimal}) {
    if (encapsulation_name(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<EncapsulationType> encapsulation_by_protocol(uint8_t protocol) {
  switch (protocol) {
    case kProtoIpInIp: return EncapsulationType::IpInIp;
    case kProtoGre: return EncapsulationType::Gre;
    case kProtoMinimal: return EncapsulationType::Minimal;
    default: return std::nullopt;
  }
}

std::unique_ptr<Encapsulation> make_encapsulation(EncapsulationType type) {
  switch (type) {
    case EncapsulationType::IpInIp: return std::make_unique<IpInIpEncapsulation>();
    case EncapsulationType::Gre: return std::make_unique<GreEncapsulation>();
    case EncapsulationType::Minimal: return std::make_unique<MinimalEncapsulation>();
  }
  return nullptr;
}

}  // namespace mipvpn::agents
