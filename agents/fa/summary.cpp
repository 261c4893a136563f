#include "agents/fa/summary.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

#include "harness/wire/codes.h"
#include "harness/wire/extension.h"
#include "harness/wire/mip_extensions.h"

namespace mipvpn::agents::fa {
namespace {

std::string extensions_text(const std::vector<wire::Extension>& exts) {
  std::string s = "[";
  for (size_t i = 0; i < exts.size(); ++i) s += (i ? ", " : "") + wire::describe_extension(exts[i]);
  return s + "]";
}

}  // namespace

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
  return buf;
}

std::string request_flags_text(uint8_t f) {
  static constexpr const char* names[8] = {"S", "B", "D", "M", "G", "r", "T", "x"};
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (f & (0x80 >> i)) out += (out.empty() ? "" : ",") + std::string(names[i]);
  }
  return out.empty() ? "-" : out;
}

std::string summarize(const wire::RegistrationRequest& req) {
  return "RRQ flags=" + request_flags_text(req.flags()) + " lifetime=" + std::to_string(req.lifetime()) +
         " HoA=" + req.home_address().to_string() + " HA=" + req.home_agent().to_string() +
         " CoA=" + req.care_of_address().to_string() + " id=" + hex64(req.identification()) +
         " exts=" + extensions_text(req.extensions());
}

std::string summarize(const wire::RegistrationReply& rep) {
  return "RRP code=" + std::to_string(rep.code()) + " (" + std::string(wire::reply_code_name(rep.code())) +
         ") lifetime=" + std::to_string(rep.lifetime()) + " HoA=" + rep.home_address().to_string() +
         " HA=" + rep.home_agent().to_string() + " id=" + hex64(rep.identification()) +
         " exts=" + extensions_text(rep.extensions());
}

}  // namespace mipvpn::agents::fa
