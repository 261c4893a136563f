// Feeds every IKE message and ESP packet of a decoded frame to an SaClassifier, with the outer addresses and ports
// each one travelled with, so a capture can be read SA by SA (new SA, rekey, address update, continuing).
#pragma once

#include "harness/wire/layer.h"
#include "harness/wire/sa_classifier.h"

#include <vector>

namespace mipvpn::wire {

struct FrameSaVerdict {
  size_t layer = 0;  // index of the "ike", "ikev1" or "esp" layer in DecodedFrame::layers
  SaProtocol protocol = SaProtocol::Ike;
  SaVerdict verdict;
};

// In layer order; an ESP layer nested in decrypted ESP is classified with its own (inner) addresses.
std::vector<FrameSaVerdict> classify_frame(const DecodedFrame& frame, SaTime time, SaClassifier& classifier);

}  // namespace mipvpn::wire
