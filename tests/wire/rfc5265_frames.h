// The RFC 5265 outside-mode registration packet (App. A.1 with NAT traversal on the IPsec layer), built layer by layer
// with independent means (libtins for IP/UDP, the ESP codec's encrypt for ESP), for tests of the layered decoder:
//
//   Eth | IP co-CoA -> x-HA (IP-in-IP) | IP x-HoA -> VPN-GW | UDP 4500 -> 4500 (checksum 0) | ESP |
//        IP VPN-TIA -> i-HA | UDP 434 | Registration Request (HoA i-HoA, CoA VPN-TIA, D, T)
#pragma once

#include "harness/wire/esp_crypto.h"
#include "harness/wire/registration_request.h"

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <vector>

namespace mipvpn::wire::rfc5265 {

inline const char* kCoCoA = "198.51.100.10";
inline const char* kXHa = "203.0.113.1";
inline const char* kXHoA = "203.0.113.100";
inline const char* kVpnGw = "192.0.2.1";
inline const char* kVpnTia = "10.10.99.1";
inline const char* kIHa = "10.10.0.1";
inline const char* kIHoA = "10.10.0.100";

inline EspSa gcm_sa() {
  EspSa sa;
  sa.spi = 0xc1a0b2f3;
  sa.alg = EspAlgorithm::AesGcm16;
  for (uint8_t i = 0; i < 36; ++i) sa.enc_key.push_back(static_cast<uint8_t>(0x40 + i));  // AES-256 key || salt
  return sa;
}

inline std::vector<uint8_t> inner_registration() {
  RegistrationRequest rrq(600, kIHoA, kIHa, kVpnTia, 0xea5d1f2b80000007ull,
                          RegistrationRequest::kFlagD | RegistrationRequest::kFlagT);
  rrq.add_authentication(MnHaAuth, 300, std::vector<uint8_t>(16, 0x5a));
  Tins::IP ip(kIHa, kVpnTia);
  ip.ttl(64);
  return (ip / Tins::UDP(434, 434) / rrq).serialize();
}

// The whole frame; the ESP packet carries sequence number `seq`.
inline std::vector<uint8_t> outside_frame(const EspSa& sa, uint32_t seq) {
  const std::vector<uint8_t> iv(8, static_cast<uint8_t>(seq));  // deterministic: golden-friendly
  const std::vector<uint8_t> esp = esp_encrypt(sa, seq, inner_registration(), 4, iv);
  Tins::IP ipsec_ip(kVpnGw, kXHoA);
  ipsec_ip.ttl(64);
  std::vector<uint8_t> ipsec = (ipsec_ip / Tins::UDP(4500, 4500) / Tins::RawPDU(esp)).serialize();
  ipsec[26] = ipsec[27] = 0;  // RFC 3948 2.1: the UDP checksum of ESP-in-UDP SHOULD be zero
  Tins::IP xmip(kXHa, kCoCoA);
  xmip.protocol(4);
  xmip.ttl(64);
  return (Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / xmip / Tins::RawPDU(ipsec)).serialize();
}

}  // namespace mipvpn::wire::rfc5265
