#include "harness/wire/describe.h"

#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/codes.h"
#include "harness/wire/format.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/stack.h"

#include <cstdio>
#include <span>

namespace mipvpn::wire {

using detail::flag_letters;
using detail::hex;

std::string describe_frame(const uint8_t* data, size_t len, LinkType link) {
  try {
    if (data == nullptr) return len == 0 ? "empty frame" : "null frame";
    return decode_frame(Bytes(data, len), link).summary();
  } catch (const std::exception& e) {  // only allocation can fail; a log line must never take the caller down
    return std::string("describe failed: ") + e.what();
  }
}

std::string describe_extensions(const std::vector<Extension>& exts) {
  std::string s = "[";
  for (size_t i = 0; i < exts.size(); ++i) {
    if (i) s += ", ";
    s += describe_extension(exts[i]);
  }
  return s + "]";
}

std::string describe(const RegistrationRequest& rrq) {
  return "RRQ lifetime=" + std::to_string(rrq.lifetime()) + " HoA=" + rrq.home_address().to_string() +
         " HA=" + rrq.home_agent().to_string() + " CoA=" + rrq.care_of_address().to_string() +
         " id=" + hex(rrq.identification(), 16) + " flags=" + flag_letters(rrq.flags(), "SBDMGrTx", 0x80, 8) +
         " exts=" + describe_extensions(rrq.extensions());
}

std::string describe(const RegistrationReply& rrp) {
  return "RRP code=" + std::to_string(rrp.code()) + " (" + std::string(reply_code_name(rrp.code())) +
         ") lifetime=" + std::to_string(rrp.lifetime()) + " HoA=" + rrp.home_address().to_string() +
         " HA=" + rrp.home_agent().to_string() + " id=" + hex(rrp.identification(), 16) +
         " exts=" + describe_extensions(rrp.extensions());
}

std::string describe(const AgentAdvertisement& adv) {
  std::string s =
      "AgentAdv code=" + std::to_string(adv.code()) + " lifetime=" + std::to_string(adv.lifetime()) + " routers=[";
  for (size_t i = 0; i < adv.router_addresses().size(); ++i) {
    if (i) s += ", ";
    s +=
        adv.router_addresses()[i].address.to_string() + " pref=" + std::to_string(adv.router_addresses()[i].preference);
  }
  s += "] seq=" + std::to_string(adv.sequence_number()) +
       " reglifetime=" + std::to_string(adv.registration_lifetime()) +
       " flags=" + flag_letters(adv.agent_flags(), "RBHFMGrTUXI", 0x8000, 11) + " coa=[";
  for (size_t i = 0; i < adv.care_of_addresses().size(); ++i) {
    if (i) s += ", ";
    s += adv.care_of_addresses()[i].to_string();
  }
  s += "]";
  if (adv.addr_entry_size() != 2) s += " entry-size=" + std::to_string(adv.addr_entry_size());
  if (!adv.mobility_trailing_bytes().empty()) s += " ext16-len=" + std::to_string(adv.mobility_extension_length());
  if (!adv.extensions().empty()) {
    s += " exts=[";
    for (size_t i = 0; i < adv.extensions().size(); ++i) {
      const auto& e = adv.extensions()[i];
      if (i) s += ", ";
      s += advertisement_extension_name(e.type);
      if (e.type == PrefixLengths) {
        s += " ";
        for (size_t k = 0; k < e.body.size(); ++k) s += (k ? "," : "") + std::to_string(e.body[k]);
      } else if (e.type != Pad) {
        s += " len=" + std::to_string(e.body.size());
      }
    }
    s += "]";
  }
  return s;
}

std::string describe(const AgentSolicitation& sol) {
  std::string s = "AgentSol";
  if (sol.code() != 0) s += " code=" + std::to_string(sol.code());
  if (sol.reserved() != 0) s += " reserved=" + hex(sol.reserved(), 8);
  if (!sol.trailing_bytes().empty()) s += " extra=" + std::to_string(sol.trailing_bytes().size());
  return s;
}

}  // namespace mipvpn::wire
