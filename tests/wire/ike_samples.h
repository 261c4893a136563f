// IKE messages written out byte by byte from the RFC figures (RFC 7296 Figures 4-21, RFC 2408 Figures 2-7), shared
// by the IKE unit tests and the tshark oracle. Long opaque parts (DH public values, nonces, hashes, ciphertext) are
// filled with a repeated byte; every header, length and type is spelled out.
#pragma once

#include <cstdint>
#include <vector>

namespace mipvpn::wire::ike_samples {

inline std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline std::vector<uint8_t> fill(size_t n, uint8_t b) { return std::vector<uint8_t>(n, b); }

inline constexpr uint64_t kSpiI = 0x8a3c110e5b279001ull;
inline constexpr uint64_t kSpiR = 0x4d2f9a7c01e65b33ull;

// IKE_SA_INIT request: HDR, SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) (RFC 7296 1.2,
// 2.23). 432 bytes.
inline const std::vector<uint8_t> kSaInitHeader = {
    0x8a, 0x3c, 0x11, 0x0e, 0x5b, 0x27, 0x90, 0x01,  // IKE SA Initiator's SPI
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // IKE SA Responder's SPI: zero in the first message
    0x21,                                            // Next Payload 33 (SA)
    0x20,                                            // MjVer 2, MnVer 0
    0x22,                                            // Exchange Type 34 (IKE_SA_INIT)
    0x08,                                            // Flags: I (original initiator)
    0x00, 0x00, 0x00, 0x00,                          // Message ID 0
    0x00, 0x00, 0x01, 0xb0,                          // Length 432
};
inline const std::vector<uint8_t> kSaInitSa = {
    0x22, 0x00, 0x00, 0x30,  // Next Payload 34 (KE), C=0, Payload Length 48
    0x00, 0x00, 0x00, 0x2c,  // Proposal: Last Substruc 0, RESERVED, Proposal Length 44
    0x01, 0x01, 0x00, 0x04,  // Proposal Num 1, Protocol ID 1 (IKE), SPI Size 0, Num Transforms 4
    0x03, 0x00, 0x00, 0x0c,  // Transform: Last Substruc 3 (more), RESERVED, Transform Length 12
    0x01, 0x00, 0x00, 0x0c,  //   Type 1 (ENCR), RESERVED, Transform ID 12 (ENCR_AES_CBC)
    0x80, 0x0e, 0x00, 0x80,  //   Attribute AF=1 Type 14 (Key Length) = 128
    0x03, 0x00, 0x00, 0x08,  // Transform: Last Substruc 3, Length 8
    0x02, 0x00, 0x00, 0x05,  //   Type 2 (PRF), ID 5 (PRF_HMAC_SHA2_256)
    0x03, 0x00, 0x00, 0x08,  // Transform: Last Substruc 3, Length 8
    0x03, 0x00, 0x00, 0x0c,  //   Type 3 (INTEG), ID 12 (AUTH_HMAC_SHA2_256_128)
    0x00, 0x00, 0x00, 0x08,  // Transform: Last Substruc 0 (last), Length 8
    0x04, 0x00, 0x00, 0x0e,  //   Type 4 (D-H), ID 14 (2048-bit MODP Group)
};
inline const std::vector<uint8_t> kSaInitKeHead = {
    0x28, 0x00, 0x01, 0x08,  // Next Payload 40 (Nonce), Payload Length 264
    0x00, 0x0e, 0x00, 0x00,  // Diffie-Hellman Group Num 14, RESERVED
};                           // then 256 bytes of Key Exchange Data (the 2048-bit prime's length, 3.4)
inline const std::vector<uint8_t> kSaInitNonceHead = {
    0x29, 0x00, 0x00, 0x24,  // Next Payload 41 (Notify), Payload Length 36
};                           // then 32 bytes of Nonce Data
inline const std::vector<uint8_t> kSaInitNatdSrcHead = {
    0x29, 0x00, 0x00, 0x1c,  // Next Payload 41 (Notify), Payload Length 28
    0x00, 0x00, 0x40, 0x04,  // Protocol ID 0, SPI Size 0, Notify Message Type 16388 (NAT_DETECTION_SOURCE_IP)
};                           // then the 20-byte SHA-1 hash (2.23)
inline const std::vector<uint8_t> kSaInitNatdDstHead = {
    0x00, 0x00, 0x00, 0x1c,  // Next Payload 0 (last), Payload Length 28
    0x00, 0x00, 0x40, 0x05,  // Protocol ID 0, SPI Size 0, Notify Message Type 16389 (NAT_DETECTION_DESTINATION_IP)
};

inline std::vector<uint8_t> sa_init_request() {
  return cat({kSaInitHeader, kSaInitSa, kSaInitKeHead, fill(256, 0xa5), kSaInitNonceHead, fill(32, 0x4e),
              kSaInitNatdSrcHead, fill(20, 0x51), kSaInitNatdDstHead, fill(20, 0xd5)});
}
// Message offsets of the payloads of sa_init_request().
inline constexpr size_t kSaInitPayloadOffsets[] = {28, 76, 340, 376, 404};

// IKE_AUTH request (sent on UDP 4500 after the non-ESP marker): HDR, SK {IDi, ...} (3.14). 128 bytes.
inline const std::vector<uint8_t> kAuthHeader = {
    0x8a, 0x3c, 0x11, 0x0e, 0x5b, 0x27, 0x90, 0x01,  // SPIi
    0x4d, 0x2f, 0x9a, 0x7c, 0x01, 0xe6, 0x5b, 0x33,  // SPIr
    0x2e,                                            // Next Payload 46 (SK)
    0x20,                                            // version 2.0
    0x23,                                            // Exchange Type 35 (IKE_AUTH)
    0x08,                                            // Flags: I
    0x00, 0x00, 0x00, 0x01,                          // Message ID 1
    0x00, 0x00, 0x00, 0x80,                          // Length 128
};
inline const std::vector<uint8_t> kAuthSkHead = {
    0x23, 0x00, 0x00, 0x64,  // Next Payload 35 (IDi, the first encrypted payload), Payload Length 100
};                           // then IV(16) | ciphertext(64) | ICV(16)
inline std::vector<uint8_t> ike_auth_request() {
  return cat({kAuthHeader, kAuthSkHead, fill(16, 0x11), fill(64, 0xc3), fill(16, 0x1c)});
}

// INFORMATIONAL response from the original responder: HDR (R set, I clear), SK {} (an empty INFORMATIONAL, 1.4).
// 80 bytes.
inline const std::vector<uint8_t> kInfoHeader = {
    0x8a, 0x3c, 0x11, 0x0e, 0x5b, 0x27, 0x90, 0x01,  // SPIi
    0x4d, 0x2f, 0x9a, 0x7c, 0x01, 0xe6, 0x5b, 0x33,  // SPIr
    0x2e,                                            // Next Payload 46 (SK)
    0x20,                                            // version 2.0
    0x25,                                            // Exchange Type 37 (INFORMATIONAL)
    0x20,                                            // Flags: R (response), I clear (sent by the original responder)
    0x00, 0x00, 0x00, 0x02,                          // Message ID 2
    0x00, 0x00, 0x00, 0x50,                          // Length 80
};
inline const std::vector<uint8_t> kInfoSkHead = {
    0x00, 0x00, 0x00, 0x34,  // Next Payload 0 (nothing inside), Payload Length 52
};                           // then IV(16) | ciphertext(16: padding + Pad Length) | ICV(16)
inline std::vector<uint8_t> informational_response() {
  return cat({kInfoHeader, kInfoSkHead, fill(16, 0x22), fill(16, 0x7e), fill(16, 0x2c)});
}

// IKEv1 Main Mode message 1: HDR, SA, VID (RFC 2409 5.1 / RFC 2408 4.5, IPsec DOI of RFC 2407). 108 bytes.
inline const std::vector<uint8_t> kMainModeHeader = {
    0x3b, 0x9f, 0x0c, 0x71, 0x22, 0xe4, 0x58, 0x06,  // Initiator Cookie
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // Responder Cookie (unknown yet)
    0x01,                                            // Next Payload 1 (SA)
    0x10,                                            // MjVer 1, MnVer 0
    0x02,                                            // Exchange Type 2 (Identity Protection = Main Mode)
    0x00,                                            // Flags: none
    0x00, 0x00, 0x00, 0x00,                          // Message ID 0 (phase 1)
    0x00, 0x00, 0x00, 0x6c,                          // Length 108
};
inline const std::vector<uint8_t> kMainModeSa = {
    0x0d, 0x00, 0x00, 0x3c,  // Next Payload 13 (VID), RESERVED, Payload Length 60
    0x00, 0x00, 0x00, 0x01,  // DOI 1 (IPsec)
    0x00, 0x00, 0x00, 0x01,  // Situation SIT_IDENTITY_ONLY
    0x00, 0x00, 0x00, 0x30,  // Proposal payload: Next Payload 0 (last), RESERVED, Payload Length 48
    0x01, 0x01, 0x00, 0x01,  //   Proposal # 1, Protocol-Id 1 (PROTO_ISAKMP), SPI Size 0, # of Transforms 1
    0x00, 0x00, 0x00, 0x28,  // Transform payload: Next Payload 0 (last), RESERVED, Payload Length 40
    0x01, 0x01, 0x00, 0x00,  //   Transform # 1, Transform-Id 1 (KEY_IKE), RESERVED2
    0x80, 0x01, 0x00, 0x07,  //   Encryption Algorithm = AES-CBC (7)
    0x80, 0x0e, 0x00, 0x80,  //   Key Length = 128
    0x80, 0x02, 0x00, 0x02,  //   Hash Algorithm = SHA (2)
    0x80, 0x03, 0x00, 0x01,  //   Authentication Method = pre-shared key (1)
    0x80, 0x04, 0x00, 0x0e,  //   Group Description = 14
    0x80, 0x0b, 0x00, 0x01,  //   Life Type = seconds
    0x00, 0x0c, 0x00, 0x04,  //   Life Duration, TLV form, Length 4
    0x00, 0x01, 0x51, 0x80,  //     86400 s
};
inline const std::vector<uint8_t> kMainModeVid = {
    0x00, 0x00, 0x00, 0x14,                          // Next Payload 0, RESERVED, Payload Length 20
    0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,  // MD5("RFC 3947"), the NAT-T vendor ID (RFC 3947 3.1)
    0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
};
inline std::vector<uint8_t> main_mode_1() { return cat({kMainModeHeader, kMainModeSa, kMainModeVid}); }

}  // namespace mipvpn::wire::ike_samples
