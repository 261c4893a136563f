// How an inner IPv4 packet becomes the payload of an outer IPv4 header (or of an RFC 3519 tunnel data message) and
// back. One class per method; callers hold an `Encapsulation&` and never switch on the method, so adding minimal
// encapsulation (RFC 2004) or GRE (RFC 2784) is a new class plus a line in make_encapsulation(). The bytes of every
// method are harness/wire's codecs; these classes only adapt them to a kernel-built outer header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tins/ip_address.h>

#include "agents/common/ipv4_packet.h"

namespace mipvpn::agents {

// Values are the outer IP Protocol numbers, which RFC 3519 3.1.4/3.3 also uses for Encapsulation and Next Header.
enum class EncapsulationType : uint8_t { IpInIp = 4, Gre = 47, Minimal = 55 };

std::string_view encapsulation_name(EncapsulationType);  // "ip-in-ip", "gre", "minimal"
std::optional<EncapsulationType> encapsulation_by_name(std::string_view name);
std::optional<EncapsulationType> encapsulation_by_protocol(uint8_t protocol);

// The outer header's addresses as the encapsulator will send them (the kernel writes the header itself), or as
// they arrived; `ttl` is the received outer TTL. `header` is the outer IPv4 header as received (options included)
// when the transport shows it (raw sockets); minimal encapsulation rebuilds the original header from it (RFC 2004 3),
// or from the addresses and TTL when it is empty (RFC 3519 tunnel data on a UDP socket).
struct OuterAddresses {
  Tins::IPv4Address source;
  Tins::IPv4Address destination;
  uint8_t ttl = 64;
  std::span<const uint8_t> header = {};
};

class Encapsulation {
 public:
  virtual ~Encapsulation() = default;
  virtual EncapsulationType type() const = 0;
  uint8_t ip_protocol() const { return static_cast<uint8_t>(type()); }

  // What follows the outer header for tunnelling `inner` (a whole IPv4 packet). nullopt (why filled) if `inner`
  // cannot be carried this way.
  virtual std::optional<std::vector<uint8_t>> encapsulate(std::span<const uint8_t> inner, const OuterAddresses& outer,
                                                          std::string* why = nullptr) const = 0;
  // The TTL the outer header must carry, when the method dictates one (minimal encapsulation keeps the original
  // datagram's TTL, RFC 2004 3); nullopt: the sending socket's default.
  virtual std::optional<uint8_t> outer_ttl(std::span<const uint8_t> /*inner*/) const { return std::nullopt; }
  // The inner IPv4 packet from what followed the outer header. nullopt (why filled) if malformed.
  virtual std::optional<std::vector<uint8_t>> decapsulate(std::span<const uint8_t> outer_payload,
                                                          const OuterAddresses& outer,
                                                          std::string* why = nullptr) const = 0;
};

// The implementation of `type`, or nullptr when this build has none (the caller must then not offer it).
std::unique_ptr<Encapsulation> make_encapsulation(EncapsulationType type);

}  // namespace mipvpn::agents
