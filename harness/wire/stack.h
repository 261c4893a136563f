// The layered decoder: one captured frame in, every protocol layer out (harness/wire/layer.h), e.g. the RFC 5265
// outside-mode packet Eth | IP | IP-in-IP | UDP 4500 | ESP (decrypted when the SA is known) | IP | UDP 434 | RRQ.
//
// Never throws, never reads outside the frame. A layer that does not decode carries a DecodeError (offset = frame
// offset, or plaintext offset for layers inside decrypted ESP) and ends the walk; rules a decoded layer breaks are
// that layer's violations.
#pragma once

#include "harness/wire/layer.h"

namespace mipvpn::wire {

DecodedFrame decode_frame(Bytes frame, LinkType link, const DecodeOptions& options = {});

// Continues the walk from a layer's Next (for layer decoders that want their own sub-dispatch, and for tests).
void decode_next(const Next& next, const IpContext& ctx, const DecodeOptions& options, int depth, DecodedFrame& out);

}  // namespace mipvpn::wire
