// decode_frame over the whole layered stack on any Ethernet frame (fuzz/fuzz_frame.h says what is checked), with the
// fuzz SAs' keyring so ESP decrypts; the same bytes also as Linux cooked captures (SLL, SLL2), which share the
// Ethernet type dispatch.
#include "fuzz/fuzz_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mipvpn::fuzz::fuzz_frame(data, size, mipvpn::wire::LinkType::Ethernet);
  mipvpn::wire::DecodeOptions keyed;
  keyed.esp_keys = &mipvpn::fuzz::fuzz_keyring();
  const mipvpn::wire::Bytes frame(data, size);
  mipvpn::fuzz::check_decoded(mipvpn::wire::decode_frame(frame, mipvpn::wire::LinkType::LinuxSll, keyed), size);
  mipvpn::fuzz::check_decoded(mipvpn::wire::decode_frame(frame, mipvpn::wire::LinkType::LinuxSll2, keyed), size);
  return 0;
}
