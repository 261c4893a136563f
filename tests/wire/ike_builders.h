// The sample messages of ike_samples.h built with the harness/wire API (IkeV2Message / IkeV1Message builders,
// IkeSecurityAssociation, IkeKeyExchange, IkeNotify), for tests comparing the encoder with the hand-written bytes.
#pragma once

#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ikev1.h"
#include "tests/wire/ike_samples.h"

namespace mipvpn::wire::ike_builders {

namespace s = ike_samples;

inline IkeV2Message build_sa_init() {
  IkeV2Message m(s::kSpiI, 0, IkeSaInit, IkeV2Message::kFlagI, 0);
  IkeProposal p;
  p.number = 1;
  p.protocol_id = 1;  // IKE
  IkeTransform encr;
  encr.type = 1;
  encr.id = 12;  // ENCR_AES_CBC
  encr.attributes.push_back(IkeAttribute{14, true, 128, {}});
  IkeTransform prf;
  prf.type = 2;
  prf.id = 5;
  IkeTransform integ;
  integ.type = 3;
  integ.id = 12;
  IkeTransform dh;
  dh.type = 4;
  dh.id = 14;
  p.transforms = {encr, prf, integ, dh};
  IkeSecurityAssociation sa;
  sa.proposals.push_back(p);
  m.add_payload(IkeSa, sa.body(IkeVersion::V2));
  m.add_payload(IkeKe, IkeKeyExchange{14, 0, s::fill(256, 0xa5)}.body(IkeVersion::V2));
  m.add_payload(IkeNonce, s::fill(32, 0x4e));
  m.add_payload(IkeNotifyPayload,
                IkeNotify{0, 0, NotifyNatDetectionSourceIp, {}, s::fill(20, 0x51)}.body(IkeVersion::V2));
  m.add_payload(IkeNotifyPayload,
                IkeNotify{0, 0, NotifyNatDetectionDestinationIp, {}, s::fill(20, 0xd5)}.body(IkeVersion::V2));
  return m;
}

inline IkeV2Message build_ike_auth() {
  IkeV2Message m(s::kSpiI, s::kSpiR, IkeAuth, IkeV2Message::kFlagI, 1);
  m.add_encrypted(IkeIdi, s::cat({s::fill(16, 0x11), s::fill(64, 0xc3), s::fill(16, 0x1c)}));
  return m;
}

inline IkeV2Message build_informational_response() {
  IkeV2Message m(s::kSpiI, s::kSpiR, IkeInformational, IkeV2Message::kFlagR, 2);
  m.add_encrypted(IkeNoNext, s::cat({s::fill(16, 0x22), s::fill(16, 0x7e), s::fill(16, 0x2c)}));
  return m;
}

inline IkeV1Message build_main_mode() {
  IkeV1Message m(0x3b9f0c7122e45806ull, 0, IsakmpIdentityProtection, 0, 0);
  IkeSecurityAssociation sa;
  sa.doi = 1;
  sa.situation = 1;
  IkeProposal p;
  p.number = 1;
  p.protocol_id = 1;  // PROTO_ISAKMP
  IkeTransform t;
  t.number = 1;
  t.id = 1;  // KEY_IKE
  t.attributes = {{1, true, 7, {}},
                  {14, true, 128, {}},
                  {2, true, 2, {}},
                  {3, true, 1, {}},
                  {4, true, 14, {}},
                  {11, true, 1, {}},
                  {12, false, 0, {0x00, 0x01, 0x51, 0x80}}};
  p.transforms.push_back(t);
  sa.proposals.push_back(p);
  m.add_payload(IsakmpSa, sa.body(IkeVersion::V1));
  m.add_payload(IsakmpVendorId,
                {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f});
  return m;
}

}  // namespace mipvpn::wire::ike_builders
