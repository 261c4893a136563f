// The typed registration-extension views of RFC 3024, 3519, 5265 and 2794 (mip_extensions.h) on every extension
// decoded from the input (an extension list as it follows a fixed part): every view's from() on every extension,
// whatever its type, errors at message offsets inside the input, a view that decodes gives its extension back through
// to_extension() (so the view kept every bit), printable() stays printable ASCII, describe_extension() says
// something. The same list behind the fixed part of a Registration Request and of a Reply goes through validate(),
// which applies the companion RFCs' rules.
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/extension.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/validate.h"

using namespace mipvpn::wire;

namespace {

template <class View>
void view(const Extension& ext, size_t size, const char* what) {
  auto v = View::from(ext);
  mipvpn::fuzz::check_error(v, size, what);
  if (!v) return;
  const Extension back = v->to_extension();
  FUZZ_CHECK(back.type == ext.type && back.body == ext.body, "%s: to_extension() differs from the extension", what);
  auto again = View::from(back);
  FUZZ_CHECK(again.ok(), "%s: own extension does not decode", what);
}

template <class Message>
void in_message(const std::vector<uint8_t>& fixed, std::span<const uint8_t> exts) {
  std::vector<uint8_t> msg = fixed;
  msg.insert(msg.end(), exts.begin(), exts.end());
  auto m = Message::decode(msg.data(), msg.size());
  if (m) (void)validate(*m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  auto exts = decode_extensions(in, 0);
  mipvpn::fuzz::check_error(exts, size, "decode_extensions");
  if (exts) {
    for (const Extension& e : *exts) {
      FUZZ_CHECK(e.offset + e.wire_size() <= size, "extension at %zu runs past the input", e.offset);
      view<EncapsulatingDeliveryStyleExtension>(e, size, "EncapsulatingDeliveryStyleExtension");
      view<UdpTunnelRequestExtension>(e, size, "UdpTunnelRequestExtension");
      view<UdpTunnelReplyExtension>(e, size, "UdpTunnelReplyExtension");
      view<TrustedNetworksConfiguredExtension>(e, size, "TrustedNetworksConfiguredExtension");
      view<NaiExtension>(e, size, "NaiExtension");
      if (auto nai = NaiExtension::from(e)) {
        for (const char c : nai->printable())
          FUZZ_CHECK(c >= 0x20 && c < 0x7f, "printable() let byte 0x%02x through", static_cast<unsigned char>(c));
      }
      if (auto r = UdpTunnelRequestExtension::from(e)) (void)r->flags();
      if (auto r = UdpTunnelReplyExtension::from(e)) {
        (void)r->flags();
        (void)r->accepted();
      }
      FUZZ_CHECK(!describe_extension(e).empty(), "describe_extension says nothing about type %u", e.type);
      (void)is_defined_registration_extension(e.type);
    }
  }

  static const std::vector<uint8_t> kRrq =
      RegistrationRequest(600, "10.0.1.100", "10.0.1.1", "10.0.2.1", 0xea5d1f2b80000002ull, RegistrationRequest::kFlagT)
          .bytes();
  static const std::vector<uint8_t> kRrp =
      RegistrationReply(0, 600, "10.0.1.100", "10.0.1.1", 0xea5d1f2b80000002ull).bytes();
  in_message<RegistrationRequest>(kRrq, in);
  in_message<RegistrationReply>(kRrp, in);
  return 0;
}
