// The IKE layer of the layered decoder (layer.h): one IKE message (UDP 500, or UDP 4500 after the non-ESP marker,
// which the dispatcher has already removed) becomes one Layer, protocol "ike" for IKEv2 (and for a header claiming
// an unknown major version, decoded with the IKEv2 layout and flagged) or "ikev1" for IKEv1/ISAKMP.
//
// Fields, in wire order: spi_i, spi_r (cookies in IKEv1) as "0x%016x" text, next_payload (+ _name), version,
// major_version, minor_version, exchange_type, exchange (name), flags, flag_r/flag_v/flag_i (IKEv2) or
// flag_e/flag_c/flag_a (IKEv1), message_id, length, then payloads (e.g. "SA KE Ni N(NAT_DETECTION_SOURCE_IP)"),
// payload_count, per payload payload[i].type/name/length/critical (critical: IKEv2 only) followed by what its body
// shows (sa[k].proposal[j], ke.dh_group, ke.data_length, nonce.length, notify[k].type/name/protocol_id/spi_size/
// spi/data_length, delete[k].*, vendor_id[k].length), and for the Encrypted
// payload encrypted_payload, encrypted_first_payload (+ _name), encrypted_length, encrypted_note. Violations come
// from validate() (ike_validate.h). IKE is a leaf: nothing follows it.
#pragma once

#include "harness/wire/layer.h"

namespace mipvpn::wire {

// `ike` is the IKE message (its Length is checked against ike.size()); `offset` is where ike[0] sits in the frame
// (or in the plaintext when ctx.in_plaintext). Appends exactly one Layer; never throws, never reads outside `ike`.
void decode_ike_layer(Bytes ike, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out);

}  // namespace mipvpn::wire
