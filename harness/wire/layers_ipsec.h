// The IPsec layers of the layered decoder (layer.h): ESP (IP protocol 50, or UDP 4500 per RFC 3948) and the RFC 3948
// classification of UDP 4500 payloads.
//
// decode_esp_layer appends layer "esp": fields spi ("0x%08x"), seq, payload_length; with the SA in
// DecodeOptions::esp_keys it decrypts into a new DecodedFrame::buffers entry and adds decrypted=true, alg, pad_length,
// next_header, icv="ok" (and dummy=true for Next Header 59), then returns Next{IPv4} for Next Header 4 or
// Next{IpPayload, protocol = Next Header} otherwise, both in_plaintext at plaintext offset 0. An ICV that does not
// verify is the layer's error (field "icv"); without an SA the payload stays opaque (summary "encrypted", Next None).
//
// decode_udp_encap_layer appends "nat-keepalive" (Next None), or "udpencap" with field marker for the Non-ESP Marker
// (Next Ike over the bytes after it), or hands ESP to decode_esp_layer (so the layer is "esp") and returns its Next.
// The RFC 3948 UDP checksum and port rules land on that layer; the checksum is read from the field "checksum" of the
// enclosing "udp" layer (the last one in DecodedFrame::layers) and is not checked when that field is absent.
#pragma once

#include "harness/wire/layer.h"

namespace mipvpn::wire {

Next decode_esp_layer(Bytes esp, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out);

Next decode_udp_encap_layer(Bytes udp_payload, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                            DecodedFrame& out);

}  // namespace mipvpn::wire
