// decode_frame over the whole layered stack on any raw IPv4 packet (pcap LINKTYPE_RAW; fuzz/fuzz_frame.h says what
// is checked), with the fuzz SAs' keyring so ESP decrypts.
#include "fuzz/fuzz_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mipvpn::fuzz::fuzz_frame(data, size, mipvpn::wire::LinkType::RawIP);
  return 0;
}
