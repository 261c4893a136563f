// RFC rules one IKE message can be checked against on its own (no other message, no keys). Each Violation quotes
// the sentence it enforces. Rules about a conversation (Message ID sequencing, SPI reuse, rekey order) belong to
// SaClassifier (sa_classifier.h) and the engine.
//
// IKEv2 (RFC 7296): major version 2, minor 0 (3.1); Length = datagram size (3.1); payload lengths add up to Length
// (3.2); SPIi not zero except in an unprotected INVALID_SPI notification (3.1, 1.5); SPIr zero in an IKE_SA_INIT
// request (3.1); Message ID 0 in IKE_SA_INIT (2.2); X flag bits clear, V clear (3.1); RESERVED bits of every generic
// payload header clear (3.2); Critical clear on RFC 7296 payload types (3.2) and on every payload of a response (2.5);
// SK last (3.14); an Encrypted payload in every message after IKE_SA_INIT except the unprotected error
// notifications of 1.5 (1.2); Nonce 16..256 bytes (3.9); Notify fixed part present and Protocol ID 0 without SPI
// (3.10); KE fixed part, RESERVED 0 (2.5), MODP value size (3.4) and group offered in the same message's SA (3.4);
// SA lengths and counts consistent (3.3), proposals numbered from 1 in requests (3.3.1), Last Substruc 0/2 and 0/3
// (3.3.1, 3.3.2), SPI Size 0 in IKE_SA_INIT IKE proposals (3.3.1); Delete SPI Size 0 for IKE / 4 for AH and ESP and
// SPI count consistent (3.11).
//
// IKEv1/ISAKMP (RFC 2408, RFC 2409): major version 1, minor 0 (3.1); Length = datagram size (3.1); payload lengths
// add up to Length (3.2); reserved flag bits clear (3.1); Message ID 0 in phase 1 exchanges (3.1); Exchange Type
// valid (3.1, 5.2); Next Payload types valid and never Proposal/Transform in the main chain (3.4, 5.2, 5.3); generic
// RESERVED zero (5.3); SA structure consistent with Next Payload 2/0 and 3/0 (3.4-3.6); phase 1: SA first, one SA,
// one proposal (RFC 2409 5); Notify fixed part present (3.14).
#pragma once

#include "harness/wire/ike.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/violation.h"

#include <vector>

namespace mipvpn::wire {

std::vector<Violation> validate(const IkeV2Message& message);
std::vector<Violation> validate(const IkeV1Message& message);

}  // namespace mipvpn::wire
