#include "harness/wire/validate.h"

#include "harness/wire/codes.h"
#include "harness/wire/validate_mip.h"

#include <cstdio>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr const char* kRfc5944 = "RFC 5944";
constexpr const char* kRfc1256 = "RFC 1256";

void add(std::vector<Violation>& out, const char* rfc, const char* section, const char* level, std::string text) {
  out.push_back(Violation{rfc, section, level, std::move(text)});
}

std::string hex(unsigned v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", width, v);
  return buf;
}

std::string at(const Extension& e) { return " at offset " + std::to_string(e.offset); }

// Where the authentication extensions sit, for the ordering rules shared by requests and replies.
struct AuthLayout {
  std::vector<size_t> mn_ha, mn_fa, fa_ha;  // indices into the extension list
};

AuthLayout layout_of(const std::vector<Extension>& exts) {
  AuthLayout l;
  for (size_t i = 0; i < exts.size(); ++i) {
    if (exts[i].type == MnHaAuth) l.mn_ha.push_back(i);
    if (exts[i].type == MnFaAuth) l.mn_fa.push_back(i);
    if (exts[i].type == FaHaAuth) l.fa_ha.push_back(i);
  }
  return l;
}

// Rules every authentication extension obeys wherever it appears: its Length holds the SPI (3.5.2-3.5.4) and the SPI
// is not reserved (1.6).
void check_auth_extensions(const std::vector<Extension>& exts, std::vector<Violation>& out) {
  for (const auto& e : exts) {
    if (!is_auth_extension(e.type)) continue;
    const std::string name = registration_extension_name(e.type);
    if (e.body.size() < 4) {
      add(out, kRfc5944,
          e.type == MnHaAuth   ? "3.5.2"
          : e.type == MnFaAuth ? "3.5.3"
                               : "3.5.4",
          "MUST",
          name + " extension" + at(e) + " has Length " + std::to_string(e.body.size()) +
              "; its Length is \"4 plus the number of bytes in the Authenticator\", so it cannot hold the 4-byte SPI");
      continue;
    }
    const uint32_t spi =
        (uint32_t{e.body[0]} << 24) | (uint32_t{e.body[1]} << 16) | (uint32_t{e.body[2]} << 8) | uint32_t{e.body[3]};
    if (spi <= 255) {
      add(out, kRfc5944, "1.6", "MUST",
          name + " extension" + at(e) + " uses SPI " + std::to_string(spi) +
              ": \"SPI values 0 through 255 are reserved and MUST NOT be used in any Mobility Security Association\"");
    }
  }
}

// The authentication extension types found before the first MN-HA, which must be the first one (3.2 / 3.8.3.3).
void check_mn_ha_first(const std::vector<Extension>& exts, const AuthLayout& l, const char* section,
                       const std::string& rule, std::vector<Violation>& out) {
  const size_t first = l.mn_ha.empty() ? exts.size() : l.mn_ha.front();
  for (size_t i = 0; i < first; ++i) {
    if (exts[i].type == MnFaAuth || exts[i].type == FaHaAuth) {
      add(out, kRfc5944, section, "MUST",
          registration_extension_name(exts[i].type) + " extension" + at(exts[i]) +
              " comes before the Mobile-Home Authentication Extension: " + rule);
    }
  }
}

}  // namespace

std::vector<Violation> validate(const RegistrationRequest& rrq) {
  std::vector<Violation> out;
  if (rrq.r() || rrq.x()) {
    add(out, kRfc5944, "3.3", "MUST",
        "flags byte is " + hex(rrq.flags(), 2) + " with the reserved " + std::string(rrq.r() ? "'r'" : "") +
            (rrq.r() && rrq.x() ? " and " : "") + (rrq.x() ? "'x'" : "") +
            " bit set; both are \"Sent as zero; ignored on reception\" (receivers enforcing 3.8.2.3 / 3.7.2.1 reject "
            "such a Request with Code 134 / 70)");
  }
  if (static_cast<uint32_t>(rrq.home_agent()) == 0) {
    add(out, kRfc5944, "3.6.1.2", "MUST",
        "Home Agent is 0.0.0.0; it \"MUST be set to the address of the mobile node's home agent\" or, for dynamic "
        "home agent resolution, to the subnet-directed broadcast address of the home network");
  }
  if (static_cast<uint32_t>(rrq.care_of_address()) == 0) {
    add(out, kRfc5944, "3.6.1.2", "MUST",
        "Care-of Address is 0.0.0.0; it \"MUST be set to the value of the particular care-of address that the mobile "
        "node wishes to (de)register\" (the home address to deregister all)");
  }

  const auto& exts = rrq.extensions();
  const AuthLayout l = layout_of(exts);
  if (l.mn_ha.empty()) {
    add(out, kRfc5944, "3.3", "MUST",
        "no Mobile-Home Authentication Extension (type 32): \"An authorization-enabling extension MUST be included in "
        "all Registration Requests\"");
  } else if (l.mn_ha.size() > 1) {
    add(out, kRfc5944, "3.2", "SHOULD",
        std::to_string(l.mn_ha.size()) +
            " Mobile-Home Authentication Extensions; 3.2 names one (\"This extension MUST be the first authentication "
            "extension\") and its location \"marks the end of the data to be authenticated\" (3.5.2)");
  }
  check_mn_ha_first(exts, l, "3.2",
                    "the Mobile-Home Authentication Extension \"MUST be the first authentication extension\"", out);
  if (l.mn_fa.size() > 1) {
    add(out, kRfc5944, "3.7.2.1", "MUST",
        std::to_string(l.mn_fa.size()) +
            " Mobile-Foreign Authentication Extensions: \"exactly one Mobile-Foreign Authentication Extension MUST be "
            "present\"");
  }
  if (!l.mn_fa.empty() && l.mn_fa.back() + 1 < exts.size()) {
    add(out, kRfc5944, "3.6.1.3", "MUST",
        registration_extension_name(exts[l.mn_fa.back() + 1].type) + " extension" + at(exts[l.mn_fa.back() + 1]) +
            " follows the Mobile-Foreign Authentication Extension, which the REQUIRED order of 3.6.1.3 puts last (e)");
  }
  if (l.fa_ha.size() > 1) {
    add(out, kRfc5944, "3.8.2.1", "MUST",
        std::to_string(l.fa_ha.size()) +
            " Foreign-Home Authentication Extensions: \"Exactly one Foreign-Home Authentication Extension MUST be "
            "present\"");
  }
  if (!l.fa_ha.empty()) {
    if (rrq.lifetime() == 0) {
      add(out, kRfc5944, "3.5.4", "MUST",
          "Foreign-Home Authentication Extension" + at(exts[l.fa_ha.front()]) +
              " in a deregistration (Lifetime 0): it \"MUST NOT be applied to deregistration messages\"");
    }
    if (l.fa_ha.back() + 1 < exts.size()) {
      add(out, kRfc5944, "3.7.2.2", "MUST",
          registration_extension_name(exts[l.fa_ha.back() + 1].type) + " extension" + at(exts[l.fa_ha.back() + 1]) +
              " follows the Foreign-Home Authentication Extension, which the relaying foreign agent \"MUST append\"");
    }
    if (!l.mn_fa.empty()) {
      add(out, kRfc5944, "3.7.2.2", "MUST",
          "Mobile-Foreign and Foreign-Home Authentication Extensions together: a relaying foreign agent \"MUST "
          "process and remove any extensions that do not precede any authorization-enabling extension\" before it "
          "appends the Foreign-Home one");
    }
  }
  check_auth_extensions(exts, out);
  detail::check_companion_extensions(rrq, out);
  return out;
}

std::vector<Violation> validate(const RegistrationReply& rrp) {
  std::vector<Violation> out;
  const ReplyCodeOrigin origin = reply_code_origin(rrp.code());
  if (origin == ReplyCodeOrigin::Unassigned) {
    add(out, kRfc5944, "3.4", "SHOULD",
        "Code " + std::to_string(rrp.code()) +
            " is not assigned by RFC 5944 3.4, RFC 3024 3.4, RFC 3519 or RFC 2794 5 (the mobile node cannot tell "
            "acceptance from denial or who denied)");
  }
  const auto& exts = rrp.extensions();
  const AuthLayout l = layout_of(exts);
  const bool from_ha = origin == ReplyCodeOrigin::Accepted || origin == ReplyCodeOrigin::HomeAgent;
  if (from_ha && l.mn_ha.empty()) {
    add(out, kRfc5944, "3.4", "MUST",
        "Code " + std::to_string(rrp.code()) + " (" + std::string(reply_code_name(rrp.code())) +
            ") comes from the home agent but there is no Mobile-Home Authentication Extension: \"An "
            "authorization-enabling extension MUST be included in all Registration Replies returned by the home "
            "agent\"");
  }
  if (l.mn_ha.size() > 1) {
    add(out, kRfc5944, "3.6.2.1", "MUST",
        std::to_string(l.mn_ha.size()) +
            " Mobile-Home Authentication Extensions: \"exactly one Mobile-Home Authentication Extension MUST be "
            "present in the Registration Reply\"");
  }
  check_mn_ha_first(exts, l, "3.8.3.3",
                    "the order \"MUST be followed\": fixed part, MN extensions, Mobile-Home Authentication, FA-only "
                    "extensions, Foreign-Home Authentication",
                    out);
  if (l.fa_ha.size() > 1) {
    add(out, kRfc5944, "3.7.3.1", "MUST",
        std::to_string(l.fa_ha.size()) +
            " Foreign-Home Authentication Extensions: \"exactly one Foreign-Home Authentication Extension MUST be "
            "present in the Registration Reply\"");
  }
  if (!l.fa_ha.empty() && l.fa_ha.back() + 1 < exts.size()) {
    add(out, kRfc5944, "3.8.3.3", "MUST",
        registration_extension_name(exts[l.fa_ha.back() + 1].type) + " extension" + at(exts[l.fa_ha.back() + 1]) +
            " follows the Foreign-Home Authentication Extension, the last item (e) of the order that \"MUST be "
            "followed\"");
  }
  if (l.mn_fa.size() > 1) {
    add(out, kRfc5944, "3.6.2.1", "MUST",
        std::to_string(l.mn_fa.size()) +
            " Mobile-Foreign Authentication Extensions: \"exactly one Mobile-Foreign Authentication Extension MUST be "
            "present in the Registration Reply\"");
  }
  if (!l.mn_fa.empty() && l.mn_fa.back() + 1 < exts.size()) {
    add(out, kRfc5944, "3.7.3.2", "MUST",
        registration_extension_name(exts[l.mn_fa.back() + 1].type) + " extension" + at(exts[l.mn_fa.back() + 1]) +
            " follows the Mobile-Foreign Authentication Extension, which the foreign agent \"MUST append\"");
  }
  if (!l.mn_fa.empty() && !l.fa_ha.empty()) {
    add(out, kRfc5944, "3.7.3.2", "MUST",
        "Mobile-Foreign and Foreign-Home Authentication Extensions together: a foreign agent relaying the Reply \"MUST "
        "process and remove any Extensions that are not covered by any authorization-enabling extension\"");
  }
  check_auth_extensions(exts, out);
  detail::check_companion_extensions(rrp, out);
  return out;
}

std::vector<Violation> validate(const AgentAdvertisement& adv) {
  std::vector<Violation> out;
  if (adv.code() != AgentAdvertisement::kCodeRoutesCommonTraffic &&
      adv.code() != AgentAdvertisement::kCodeNoCommonTraffic) {
    add(out, kRfc5944, "2.1", "SHOULD",
        "ICMP Code " + std::to_string(adv.code()) +
            "; an Agent Advertisement's Code is 0 (handles common traffic) or 16 (does not route common traffic)");
  }
  if (adv.addr_entry_size() != 2) {
    add(out, kRfc1256, "3", "MUST",
        "Addr Entry Size " + std::to_string(adv.addr_entry_size()) +
            "; it is \"The number of 32-bit words of information per each router address (2, in the version of the "
            "protocol described here)\"");
  }
  if (adv.f() && adv.care_of_addresses().empty()) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "'F' is set but no care-of address is listed: \"An Agent Advertisement MUST include at least one care-of "
        "address if the 'F' bit is set\"");
  }
  if (adv.b() && !adv.f()) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "'B' without 'F': \"An Agent Advertisement message MUST NOT have the 'B' bit set if the 'F' bit is not also "
        "set\"");
  }
  if (adv.r() && !adv.f()) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "'R' without 'F': \"an agent MUST NOT set the 'R' bit to one unless the 'F' bit is also set to one\"");
  }
  if (!adv.f() && !adv.h()) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "neither 'F' nor 'H': \"at least one of the 'F' bit and the 'H' bit MUST be set in any Agent Advertisement "
        "message sent\"");
  }
  if (!adv.mobility_trailing_bytes().empty()) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "Mobility Agent Advertisement Extension Length " + std::to_string(adv.mobility_extension_length()) +
            " is not (6 + 4*N) for N care-of addresses (" + std::to_string(adv.mobility_trailing_bytes().size()) +
            " byte(s) left over)");
  }
  const uint16_t reserved =
      adv.agent_flags() & (AgentAdvertisement::kFlagReservedR | AgentAdvertisement::kReservedBits);
  if (reserved != 0) {
    add(out, kRfc5944, "2.1.1", "MUST",
        "flags word " + hex(adv.agent_flags(), 4) + " has reserved bits " + hex(reserved, 4) +
            " set; 'r' and the reserved field are \"Sent as zero; ignored on reception\"");
  }
  size_t pads = 0;
  const auto& exts = adv.extensions();
  for (size_t i = 0; i < exts.size(); ++i) {
    const auto& e = exts[i];
    if (e.type == PrefixLengths && e.body.size() != adv.num_addrs()) {
      add(out, kRfc5944, "2.1.2", "MUST",
          "Prefix-Lengths Extension" + at(e) + " has Length " + std::to_string(e.body.size()) + " but Num Addrs is " +
              std::to_string(adv.num_addrs()) +
              ": \"Length N, where N is the value (possibly zero) of the Num Addrs field\"");
    }
    if (e.type == Pad) {
      ++pads;
      if (i + 1 < exts.size()) {
        add(out, kRfc5944, "2.1.3", "SHOULD",
            "One-byte Padding Extension" + at(e) +
                " is not last: \"if present, this Extension SHOULD be the last Extension in the Agent "
                "Advertisement\"");
      }
    }
  }
  if (pads > 1) {
    add(out, kRfc5944, "2.1.3", "SHOULD",
        std::to_string(pads) +
            " One-byte Padding Extensions: \"An Agent Advertisement SHOULD NOT include more than one One-byte Padding "
            "Extension\"");
  }
  return out;
}

std::vector<Violation> validate(const AgentSolicitation& sol) {
  std::vector<Violation> out;
  if (sol.code() != 0) {
    add(out, kRfc1256, "3", "MUST",
        "ICMP Code " + std::to_string(sol.code()) +
            "; a Router Solicitation (which an Agent Solicitation is identical to, RFC 5944 2.2) has Code 0");
  }
  if (sol.reserved() != 0) {
    add(out, kRfc1256, "3", "MUST",
        "Reserved is " + hex(sol.reserved(), 8) + "; it is \"Sent as zero; ignored on reception\"");
  }
  return out;
}

}  // namespace mipvpn::wire
