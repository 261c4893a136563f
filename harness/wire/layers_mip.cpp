#include "harness/wire/layers_mip.h"

#include "harness/wire/agent_advertisement.h"
#include "harness/wire/agent_solicitation.h"
#include "harness/wire/bytes.h"
#include "harness/wire/checksum.h"
#include "harness/wire/describe.h"
#include "harness/wire/format.h"
#include "harness/wire/mip_extensions.h"
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/tunnel_data.h"
#include "harness/wire/validate.h"

#include <exception>
#include <string>

namespace mipvpn::wire {
namespace {

constexpr uint32_t kAllMobilityAgents = 0xe000000b;  // 224.0.0.11, host order
constexpr uint32_t kAllSystems = 0xe0000001;         // 224.0.0.1
constexpr uint32_t kLimitedBroadcast = 0xffffffff;

uint64_t u64(uint64_t v) { return v; }

// IpContext and Tins::IPv4Address keep addresses with the network byte order in memory; compare in host order.
uint32_t host_order(uint32_t stored) {
  const auto* p = reinterpret_cast<const uint8_t*>(&stored);
  return detail::load32(p);
}
uint32_t host_order(Tins::IPv4Address a) { return host_order(static_cast<uint32_t>(a)); }

Layer start(const char* protocol, size_t offset, size_t length, const IpContext& ctx) {
  Layer l;
  l.protocol = protocol;
  l.offset = offset;
  l.length = length;
  l.decrypted = ctx.in_plaintext;
  return l;
}

// A message-relative DecodeError moved to frame (or plaintext) offsets.
DecodeError in_frame(DecodeError e, size_t offset) {
  e.offset += offset;
  return e;
}

bool has_ip(const IpContext& ctx) { return !ctx.header.empty(); }

void add_extension_fields(Layer& l, const std::vector<Extension>& exts) {
  l.add("extensions", describe_extensions(exts));
  for (size_t i = 0; i < exts.size(); ++i) {
    const Extension& e = exts[i];
    const std::string p = "ext" + std::to_string(i) + "_";
    l.add(p + "type", u64(e.type));
    if (e.type == Pad) continue;
    l.add(p + "length", u64(e.body.size()));
    switch (e.type) {
      case MnHaAuth:
      case MnFaAuth:
      case FaHaAuth: {
        auto v = AuthExtension::from(e);
        if (!v) {
          l.add(p + "error", v.error().to_string());
          break;
        }
        l.add(p + "spi", u64(v->spi));
        l.add(p + "authenticator", detail::hex_bytes(v->authenticator));
        break;
      }
      case UdpTunnelRequest: {
        auto v = UdpTunnelRequestExtension::from(e);
        if (!v) {
          l.add(p + "error", v.error().to_string());
          break;
        }
        l.add(p + "sub_type", u64(v->sub_type));
        l.add(p + "reserved1", u64(v->reserved1));
        l.add(p + "flags", u64(v->flags()));
        l.add(p + "f", v->f);
        l.add(p + "r", v->r);
        l.add(p + "reserved2", u64(v->reserved2));
        l.add(p + "encapsulation", u64(v->encapsulation));
        l.add(p + "reserved3", u64(v->reserved3));
        break;
      }
      case UdpTunnelReply: {
        auto v = UdpTunnelReplyExtension::from(e);
        if (!v) {
          l.add(p + "error", v.error().to_string());
          break;
        }
        l.add(p + "sub_type", u64(v->sub_type));
        l.add(p + "reply_code", u64(v->reply_code));
        l.add(p + "flags", u64(v->flags()));
        l.add(p + "f", v->f);
        l.add(p + "reserved", u64(v->reserved));
        l.add(p + "keepalive_interval", u64(v->keepalive_interval));
        break;
      }
      case TrustedNetworksConfigured: {
        auto v = TrustedNetworksConfiguredExtension::from(e);
        if (!v) {
          l.add(p + "error", v.error().to_string());
          break;
        }
        l.add(p + "sub_type", u64(v->sub_type));
        l.add(p + "reserved", u64(v->reserved));
        break;
      }
      case EncapsulatingDeliveryStyle:
        if (!e.body.empty()) l.add(p + "data", detail::hex_bytes(e.body));
        break;
      case MobileNodeNai: {
        auto v = NaiExtension::from(e);
        if (v) l.add(p + "nai", v->printable());
        break;
      }
      default:
        l.add(p + "data", detail::hex_bytes(e.body));
    }
  }
}

void add(std::vector<Violation>& out, const char* rfc, const char* section, const char* level, std::string text) {
  out.push_back(Violation{rfc, section, level, std::move(text)});
}

// The TTL rules of RFC 5944 3.6.1.1 and RFC 3024 3.2 / 4.1.1 that one packet shows unambiguously.
void check_request_ip(const RegistrationRequest& rrq, const IpContext& ctx, std::vector<Violation>& out) {
  if (!has_ip(ctx)) return;
  const uint32_t dst = host_order(ctx.dst);
  const uint32_t src = host_order(ctx.src);
  const std::string ttl = std::to_string(ctx.ttl);
  if (dst == kAllMobilityAgents && ctx.ttl != 1)
    add(out, "RFC 5944", "3.6.1.1", "MUST",
        "Registration Request to 224.0.0.11 with IP TTL " + ttl +
            ": \"The IP TTL field MUST be set to 1 if the IP Destination Address is set to the 'All Mobility Agents' "
            "multicast address\"");
  // A mobile node registering through a foreign agent sends from its home address to the agent's address; a relaying
  // foreign agent sends from the care-of address to the Home Agent field (RFC 5944 3.6.1.1, 3.7.2.2).
  const bool mn_to_fa = rrq.t() && !rrq.d() && host_order(rrq.home_address()) != 0 &&
                        src == host_order(rrq.home_address()) && dst != host_order(rrq.home_agent()) &&
                        dst != kAllMobilityAgents && dst != kLimitedBroadcast;
  if (mn_to_fa && ctx.ttl != 255)
    add(out, "RFC 3024", "4.1.1", "MUST",
        "reverse-tunnelling Registration Request ('T' set) from the mobile node's home address to its foreign agent "
        "with IP TTL " + ttl +
            ": \"The mobile node MUST set the TTL field of the IP header to 255\" (3.2: \"In Registration Requests "
            "sent by a mobile node, the Time to Live field in the IP header MUST be set to 255\")");
}

// RFC 3519 4.2: the binding's own registration messages do not ride its UDP tunnel.
void check_tunnelled_registration(Bytes inner, const IpContext& ctx, std::vector<Violation>& out) {
  if (!has_ip(ctx) || inner.size() < 20 || (inner[0] >> 4) != 4) return;
  const size_t ihl = size_t{inner[0] & 0x0fu} * 4;
  if (ihl < 20 || inner.size() < ihl + 8 + 12 || inner[9] != 17) return;
  if ((detail::load16(inner.data() + 6) & 0x1fffu) != 0) return;  // not the first fragment: no UDP header here
  const uint8_t* udp = inner.data() + ihl;
  if (detail::load16(udp) != 434 && detail::load16(udp + 2) != 434) return;
  const uint8_t* msg = udp + 8;
  const uint32_t ha_field = detail::load32(msg + 8);  // Home Agent sits at 8 in both Request and Reply
  const bool own_request = msg[0] == RegistrationRequest::kType && ha_field == host_order(ctx.dst);
  const bool own_reply = msg[0] == RegistrationReply::kType && ha_field == host_order(ctx.src);
  if (own_request || own_reply)
    add(out, "RFC 3519", "4.2", "MUST",
        std::string("Tunnel Data message carries a Registration ") + (own_request ? "Request" : "Reply") +
            " for the home agent that is this tunnel's endpoint (" + detail::load_ip(msg + 8).to_string() +
            "): \"Mobile IP Registration Requests and Registration Replies are already in the form of UDP messages, "
            "and SHALL NOT be tunnelled even when MIP IP-in-UDP tunnelling is in force\"");
}

Next decode_request(Bytes p, size_t offset, const IpContext& ctx, DecodedFrame& out) {
  Layer l = start("rrq", offset, p.size(), ctx);
  auto r = RegistrationRequest::decode(p);
  if (!r) {
    l.error = in_frame(r.error(), offset);
    l.summary = "RRQ decode error: " + l.error->to_string();
    out.layers.push_back(std::move(l));
    return {};
  }
  l.summary = describe(*r);
  l.add("type", u64(RegistrationRequest::kType));
  l.add("flags", u64(r->flags()));
  l.add("s", r->s());
  l.add("b", r->b());
  l.add("d", r->d());
  l.add("m", r->m());
  l.add("g", r->g());
  l.add("r", r->r());
  l.add("t", r->t());
  l.add("x", r->x());
  l.add("lifetime", u64(r->lifetime()));
  l.add("home_address", r->home_address().to_string());
  l.add("home_agent", r->home_agent().to_string());
  l.add("care_of_address", r->care_of_address().to_string());
  l.add("identification", detail::hex(r->identification(), 16));
  add_extension_fields(l, r->extensions());
  l.violations = validate(*r);
  check_request_ip(*r, ctx, l.violations);
  out.layers.push_back(std::move(l));
  return {};
}

Next decode_reply(Bytes p, size_t offset, const IpContext& ctx, DecodedFrame& out) {
  Layer l = start("rrp", offset, p.size(), ctx);
  auto r = RegistrationReply::decode(p);
  if (!r) {
    l.error = in_frame(r.error(), offset);
    l.summary = "RRP decode error: " + l.error->to_string();
    out.layers.push_back(std::move(l));
    return {};
  }
  l.summary = describe(*r);
  l.add("type", u64(RegistrationReply::kType));
  l.add("code", u64(r->code()));
  l.add("lifetime", u64(r->lifetime()));
  l.add("home_address", r->home_address().to_string());
  l.add("home_agent", r->home_agent().to_string());
  l.add("identification", detail::hex(r->identification(), 16));
  add_extension_fields(l, r->extensions());
  l.violations = validate(*r);
  out.layers.push_back(std::move(l));
  return {};
}

Next decode_tunnel_data(Bytes p, size_t offset, const IpContext& ctx, DecodedFrame& out) {
  Layer l = start("tunnel-data", offset, TunnelData::kHeaderSize, ctx);
  auto t = TunnelData::decode(p);
  if (!t) {
    l.length = p.size();
    l.error = in_frame(t.error(), offset);
    l.summary = "MIP-Tunnel-Data decode error: " + l.error->to_string();
    out.layers.push_back(std::move(l));
    return {};
  }
  const Bytes inner = p.subspan(TunnelData::kHeaderSize);
  l.summary = "MIP-Tunnel-Data next=" + std::to_string(t->next_header());
  l.add("type", u64(TunnelData::kType));
  l.add("next_header", u64(t->next_header()));
  l.add("reserved", u64(t->reserved()));
  l.add("payload_length", u64(inner.size()));
  if (auto k = recognize_keepalive(p)) {
    l.summary += k->reply ? " keepalive-reply" : " keepalive";
    l.add("keepalive", k->reply ? "echo-reply" : "echo-request");
  }
  l.violations = validate(*t);
  if (t->next_header() == TunnelData::kNextIpInIp) check_tunnelled_registration(inner, ctx, l.violations);
  out.layers.push_back(std::move(l));
  Next next;
  next.bytes = inner;
  next.offset = offset + TunnelData::kHeaderSize;
  next.in_plaintext = ctx.in_plaintext;
  if (t->next_header() == TunnelData::kNextIpInIp) {
    next.kind = NextKind::IPv4;
  } else {
    next.kind = NextKind::IpPayload;
    next.protocol = t->next_header();
  }
  return next;
}

// The checksum rule shared by advertisements and solicitations; returns whether it holds.
bool check_icmp_checksum(Bytes icmp, const DecodeOptions& opt, std::vector<Violation>& out) {
  if (!opt.verify_checksums || icmp.size() < 4 || internet_checksum(icmp) == 0) return true;
  std::vector<uint8_t> copy(icmp.begin(), icmp.end());
  copy[2] = copy[3] = 0;
  add(out, "RFC 1256", "3", "MUST",
      "ICMP Checksum is " + detail::hex(detail::load16(icmp.data() + 2), 4) + " but the message needs " +
          detail::hex(internet_checksum(copy), 4) +
          " (the ICMP checksum of RFC 792: \"the 16-bit ones's complement of the one's complement sum of the ICMP "
          "message starting with the ICMP Type\")");
  return false;
}

// RFC 5944 2.1 / 2.2: agent discovery messages never leave the link.
void check_discovery_ttl(const std::string& what, const char* section, const char* rule, const IpContext& ctx,
                         std::vector<Violation>& out) {
  if (!has_ip(ctx) || ctx.ttl == 1) return;
  add(out, "RFC 5944", section, "MUST", what + " with IP TTL " + std::to_string(ctx.ttl) + ": " + rule);
}

// RFC 1256 3: Type 9, Num Addrs >= 1, Addr Entry Size >= 2, exactly the router entries (anything after them would be
// extensions, RFC 5944 2.1).
bool is_plain_router_advertisement(Bytes icmp) {
  if (icmp.size() < 8 || icmp[0] != AgentAdvertisement::kIcmpType || icmp[4] == 0 || icmp[5] < 2) return false;
  return icmp.size() == 8 + size_t{icmp[4]} * icmp[5] * 4;
}

void decode_advertisement(Bytes icmp, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                          DecodedFrame& out) {
  Layer l = start("adv", offset, icmp.size(), ctx);
  auto a = AgentAdvertisement::decode(icmp, false);
  if (!a && is_plain_router_advertisement(icmp)) {
    // A valid RFC 1256 Router Advertisement that ends after its router entries: not an error, just not an agent.
    const bool checksum_ok = check_icmp_checksum(icmp, opt, l.violations);
    const size_t count = icmp[4];
    const size_t entry = size_t{icmp[5]} * 4;
    l.summary = "ICMP Router Advertisement (RFC 1256), no Mobility Agent Advertisement Extension: " +
                std::to_string(count) + " router address(es), lifetime " +
                std::to_string((icmp[6] << 8) | icmp[7]) + (checksum_ok ? "" : " cksum=bad");
    l.add("type", u64(icmp[0]));
    l.add("code", u64(icmp[1]));
    l.add("num_addrs", u64(count));
    l.add("addr_entry_size", u64(icmp[5]));
    l.add("lifetime", u64(static_cast<uint64_t>((icmp[6] << 8) | icmp[7])));
    for (size_t i = 0; i < count; ++i) {
      const size_t at = 8 + i * entry;
      l.add("router" + std::to_string(i) + "_address",
            Tins::IPv4Address(static_cast<uint32_t>(icmp[at] | icmp[at + 1] << 8 | icmp[at + 2] << 16 |
                                                    static_cast<uint32_t>(icmp[at + 3]) << 24))
                .to_string());
    }
    out.layers.push_back(std::move(l));
    return;
  }
  if (!a) {
    l.error = in_frame(a.error(), offset);
    l.summary = (!icmp.empty() && icmp[0] == AgentAdvertisement::kIcmpType
                     ? "ICMP Router Advertisement, not an Agent Advertisement: "
                     : "AgentAdv decode error: ") +
                l.error->to_string();
    out.layers.push_back(std::move(l));
    return;
  }
  const bool checksum_ok = check_icmp_checksum(icmp, opt, l.violations);
  l.summary = describe(*a) + (checksum_ok ? "" : " cksum=bad");
  l.add("type", u64(AgentAdvertisement::kIcmpType));
  l.add("code", u64(a->code()));
  l.add("checksum", detail::hex(a->checksum(), 4));
  l.add("num_addrs", u64(a->num_addrs()));
  l.add("addr_entry_size", u64(a->addr_entry_size()));
  l.add("lifetime", u64(a->lifetime()));
  for (size_t i = 0; i < a->router_addresses().size(); ++i) {
    const auto& ra = a->router_addresses()[i];
    l.add("router" + std::to_string(i) + "_address", ra.address.to_string());
    l.add("router" + std::to_string(i) + "_preference", int64_t{ra.preference});
  }
  l.add("mobility_length", u64(a->mobility_extension_length()));
  l.add("sequence_number", u64(a->sequence_number()));
  l.add("registration_lifetime", u64(a->registration_lifetime()));
  l.add("flags", u64(a->agent_flags()));
  l.add("r", a->r());
  l.add("b", a->b());
  l.add("h", a->h());
  l.add("f", a->f());
  l.add("m", a->m());
  l.add("g", a->g());
  l.add("reserved_r", a->reserved_r());
  l.add("t", a->t());
  l.add("u", a->u());
  l.add("x", a->x());
  l.add("i", a->i());
  for (size_t i = 0; i < a->care_of_addresses().size(); ++i)
    l.add("care_of_address" + std::to_string(i), a->care_of_addresses()[i].to_string());
  if (!a->mobility_trailing_bytes().empty())
    l.add("mobility_trailing", detail::hex_bytes(a->mobility_trailing_bytes()));
  if (auto prefixes = a->prefix_lengths()) {
    std::string s;
    for (size_t k = 0; k < prefixes->size(); ++k) s += (k ? "," : "") + std::to_string((*prefixes)[k]);
    l.add("prefix_lengths", s);
  }
  std::string names;
  for (const auto& e : a->extensions()) names += (names.empty() ? "" : ", ") + advertisement_extension_name(e.type);
  l.add("extensions", "[" + names + "]");
  auto rules = validate(*a);
  l.violations.insert(l.violations.end(), rules.begin(), rules.end());
  check_discovery_ttl("Agent Advertisement", "2.1", "\"The TTL for all Agent Advertisements MUST be set to 1\"", ctx,
                      l.violations);
  const uint32_t dst = host_order(ctx.dst);
  if (has_ip(ctx) && (dst >> 28) == 0xe && dst != kAllSystems)
    add(l.violations, "RFC 5944", "2.1", "MUST",
        "multicast Agent Advertisement to " + Tins::IPv4Address(ctx.dst).to_string() +
            ": \"the IP Destination Address of a multicast Agent Advertisement MUST be either the 'all systems on "
            "this link' multicast address (224.0.0.1) or the 'limited broadcast' address (255.255.255.255)\"");
  out.layers.push_back(std::move(l));
}

void decode_solicitation(Bytes icmp, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                         DecodedFrame& out) {
  Layer l = start("sol", offset, icmp.size(), ctx);
  auto s = AgentSolicitation::decode(icmp, false);
  if (!s) {
    l.error = in_frame(s.error(), offset);
    l.summary = "AgentSol decode error: " + l.error->to_string();
    out.layers.push_back(std::move(l));
    return;
  }
  const bool checksum_ok = check_icmp_checksum(icmp, opt, l.violations);
  l.summary = describe(*s) + (checksum_ok ? "" : " cksum=bad");
  l.add("type", u64(AgentSolicitation::kIcmpType));
  l.add("code", u64(s->code()));
  l.add("checksum", detail::hex(s->checksum(), 4));
  l.add("reserved", u64(s->reserved()));
  if (!s->trailing_bytes().empty()) l.add("trailing_length", u64(s->trailing_bytes().size()));
  auto rules = validate(*s);
  l.violations.insert(l.violations.end(), rules.begin(), rules.end());
  check_discovery_ttl("Agent Solicitation", "2.2",
                      "an Agent Solicitation \"is identical to an ICMP Router Solicitation with the further "
                      "restriction that the IP TTL Field MUST be set to 1\"",
                      ctx, l.violations);
  out.layers.push_back(std::move(l));
}

// The last resort of the no-throw promise (only allocation can fail): one layer saying so.
void push_failure(const char* protocol, size_t offset, size_t length, const IpContext& ctx, const std::exception& e,
                  DecodedFrame& out) {
  try {
    Layer l = start(protocol, offset, length, ctx);
    l.error = DecodeError{offset, "type", std::string("memory to decode the message (") + e.what() + ")"};
    l.summary = "decode failed";
    out.layers.push_back(std::move(l));
  } catch (...) {
  }
}

}  // namespace

Next decode_mobile_ip_layer(Bytes udp_payload, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                            DecodedFrame& out) {
  (void)opt;  // no checksum of its own: the UDP checksum belongs to the UDP layer
  try {
    const uint8_t type = udp_payload.empty() ? 0 : udp_payload[0];
    if (!udp_payload.empty()) {
      if (type == RegistrationRequest::kType) return decode_request(udp_payload, offset, ctx, out);
      if (type == RegistrationReply::kType) return decode_reply(udp_payload, offset, ctx, out);
      if (type == TunnelData::kType) return decode_tunnel_data(udp_payload, offset, ctx, out);
    }
    Layer l = start("mip", offset, udp_payload.size(), ctx);
    l.summary = "MIP type=" + (udp_payload.empty() ? std::string("none") : std::to_string(type)) +
                " len=" + std::to_string(udp_payload.size());
    l.error = udp_payload.empty()
                  ? DecodeError{offset, "type", "1 byte of Type of a Mobile IP message (only 0 left)"}
                  : DecodeError{offset, "type",
                                "1 (Registration Request), 3 (Registration Reply) or 4 (MIP Tunnel Data, RFC 3519 "
                                "3.3), found " +
                                    std::to_string(type)};
    out.layers.push_back(std::move(l));
    return {};
  } catch (const std::exception& e) {
    push_failure("mip", offset, udp_payload.size(), ctx, e, out);
    return {};
  }
}

void decode_agent_discovery_layer(Bytes icmp, size_t offset, const IpContext& ctx, const DecodeOptions& opt,
                                  DecodedFrame& out) {
  const bool solicitation = !icmp.empty() && icmp[0] == AgentSolicitation::kIcmpType;
  try {
    if (solicitation) {
      decode_solicitation(icmp, offset, ctx, opt, out);
    } else {
      decode_advertisement(icmp, offset, ctx, opt, out);
    }
  } catch (const std::exception& e) {
    push_failure(solicitation ? "sol" : "adv", offset, icmp.size(), ctx, e, out);
  }
}

}  // namespace mipvpn::wire
