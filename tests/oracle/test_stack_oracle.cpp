// Oracle for the layered decoder (harness/wire/stack.h): one pcap with a frame for every layer kind decode_frame
// produces, decoded by decode_frame (ESP with an EspKeyring) and by tshark (ESP with the same SAs as esp_sa records).
// For every frame:
//   - the layer sequence, mapped to tshark's protocol names, equals frame.protocols (tshark's "ethertype" and "data"
//     pseudo-protocols aside);
//   - layer by layer and in order, every field both sides have is equal (kFields maps our (protocol, field) to
//     tshark's field name and says how the two forms compare);
//   - neither side finds anything malformed: no layer error and only the RFC violations listed with the frame on
//     ours, no malformed mark and no warning/error expert info on tshark's.
// The frames: 802.1Q + ARP, ICMP echo, TCP SYN, RRQ, RRP, agent advertisement and solicitation, RFC 3519 tunnel data,
// IP in IP, GRE with checksum + key + sequence number, GRE carrying Ethernet, minimal encapsulation (tshark 4.0 has
// no dissector for it and shows data), ESP on protocol 50, ESP in UDP 4500, the RFC 5265 outside-mode frame, a NAT
// keepalive, IKEv2 after the non-ESP marker, IKEv2 and IKEv1 on UDP 500.
#include "harness/wire/esp_keys.h"
#include "harness/wire/gre.h"
#include "harness/wire/ip_in_ip.h"
#include "harness/wire/minimal_encap.h"
#include "harness/wire/stack.h"
#include "tests/oracle/layer_fields.h"
#include "tests/oracle/mip_oracle_frames.h"
#include "tests/oracle/oracle_frames.h"
#include "tests/oracle/tshark_run.h"
#include "tests/wire/ike_builders.h"
#include "tests/wire/rfc5265_frames.h"

#include <gtest/gtest.h>
#include <tins/arp.h>
#include <tins/dot1q.h>
#include <tins/ethernetII.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>

#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::wire::oracle {
namespace {

// --- the mapping between our layers and tshark's ----------------------------------------------------------------

// tshark's protocol (its JSON key and frame.protocols name) for each of our layer protocols. A layer kind missing
// here has no tshark dissector (minimal encapsulation: tshark 4.0 has none for IP protocol 55).
const std::map<std::string, std::string, std::less<>> kTsharkProtocol = {
    {"eth", "eth"},    {"vlan", "vlan"},    {"arp", "arp"},           {"ip", "ip"},
    {"udp", "udp"},    {"tcp", "tcp"},      {"icmp", "icmp"},         {"adv", "icmp"},
    {"sol", "icmp"},   {"rrq", "mip"},      {"rrp", "mip"},           {"tunnel-data", "mip"},
    {"gre", "gre"},    {"esp", "esp"},      {"udpencap", "udpencap"}, {"nat-keepalive", "udpencap"},
    {"ike", "isakmp"}, {"ikev1", "isakmp"},
};

// How one of our field values compares with tshark's text for it.
enum class Form {
  Text,      // the same text (addresses, MAC addresses)
  Number,    // the same number; either side may write it in decimal or "0x" hex
  Bool,      // our flag as tshark's "1" / "0"
  Status,    // our checksum / ICV verdict ("good", "bad", "none", "ok", or a bool) as tshark's status 1 / 0 / 2
  Colon,     // our "0x0a1b" as tshark's bytes "0a:1b"
  RawHex,    // our "0x0a1b" as the bytes under tshark's field ("_raw", for fields tshark shows as something else)
  TcpFlags,  // our flag letters "CEUAPRSF" as tshark's tcp.flags number
  Present,   // tshark has the (FT_NONE) field
};

struct FieldMap {
  std::string_view protocol;  // ours
  std::string_view field;     // ours; "{i}" stands for 0, 1, ... matched to tshark's i-th occurrence of the field
  std::string_view tshark;    // tshark's field, looked up inside tshark's object for the same layer
  Form form;
  bool top = false;  // only directly in tshark's protocol object (isakmp repeats header names in its payload trees)
};

// Field names from `tshark -G fields` (Wireshark 4.0).
const FieldMap kFields[] = {
    {"eth", "dst", "eth.dst", Form::Text},
    {"eth", "src", "eth.src", Form::Text},
    {"eth", "ethertype", "eth.type", Form::Number},
    {"vlan", "priority", "vlan.priority", Form::Number},
    {"vlan", "dei", "vlan.dei", Form::Bool},
    {"vlan", "id", "vlan.id", Form::Number},
    {"vlan", "ethertype", "vlan.etype", Form::Number},
    {"arp", "hardware_type", "arp.hw.type", Form::Number},
    {"arp", "protocol_type", "arp.proto.type", Form::Number},
    {"arp", "opcode", "arp.opcode", Form::Number},
    {"arp", "sender_mac", "arp.src.hw_mac", Form::Text},
    {"arp", "sender_ip", "arp.src.proto_ipv4", Form::Text},
    {"arp", "target_mac", "arp.dst.hw_mac", Form::Text},
    {"arp", "target_ip", "arp.dst.proto_ipv4", Form::Text},
    {"ip", "version", "ip.version", Form::Number},
    {"ip", "header_length", "ip.hdr_len", Form::Number},
    {"ip", "dscp", "ip.dsfield.dscp", Form::Number},
    {"ip", "ecn", "ip.dsfield.ecn", Form::Number},
    {"ip", "total_length", "ip.len", Form::Number},
    {"ip", "id", "ip.id", Form::Number},
    {"ip", "df", "ip.flags.df", Form::Bool},
    {"ip", "mf", "ip.flags.mf", Form::Bool},
    {"ip", "fragment_offset", "ip.frag_offset", Form::Number},
    {"ip", "ttl", "ip.ttl", Form::Number},
    {"ip", "protocol", "ip.proto", Form::Number},
    {"ip", "checksum", "ip.checksum", Form::Number},
    {"ip", "checksum_status", "ip.checksum.status", Form::Status},
    {"ip", "src", "ip.src", Form::Text},
    {"ip", "dst", "ip.dst", Form::Text},
    {"udp", "src_port", "udp.srcport", Form::Number},
    {"udp", "dst_port", "udp.dstport", Form::Number},
    {"udp", "length", "udp.length", Form::Number},
    {"udp", "checksum", "udp.checksum", Form::Number},
    {"udp", "checksum_status", "udp.checksum.status", Form::Status},
    {"tcp", "src_port", "tcp.srcport", Form::Number},
    {"tcp", "dst_port", "tcp.dstport", Form::Number},
    {"tcp", "seq", "tcp.seq_raw", Form::Number},
    {"tcp", "ack", "tcp.ack_raw", Form::Number},
    {"tcp", "flags", "tcp.flags", Form::TcpFlags},
    {"tcp", "payload_length", "tcp.len", Form::Number},
    {"icmp", "type", "icmp.type", Form::Number},
    {"icmp", "code", "icmp.code", Form::Number},
    {"icmp", "checksum", "icmp.checksum", Form::Number},
    {"icmp", "checksum_status", "icmp.checksum.status", Form::Status},
    {"icmp", "identifier", "icmp.ident", Form::Number},
    {"icmp", "sequence", "icmp.seq", Form::Number},
    {"adv", "type", "icmp.type", Form::Number},
    {"adv", "code", "icmp.code", Form::Number},
    {"adv", "checksum", "icmp.checksum", Form::Number},
    {"adv", "num_addrs", "icmp.num_addrs", Form::Number},
    {"adv", "addr_entry_size", "icmp.addr_entry_size", Form::Number},
    {"adv", "lifetime", "icmp.lifetime", Form::Number},
    {"adv", "router{i}_address", "icmp.router_address", Form::Text},
    {"adv", "router{i}_preference", "icmp.pref_level", Form::Number},
    {"adv", "mobility_length", "icmp.mip.length", Form::Number},
    {"adv", "sequence_number", "icmp.mip.seq", Form::Number},
    {"adv", "registration_lifetime", "icmp.mip.life", Form::Number},
    {"adv", "flags", "icmp.mip.flags", Form::Number},
    {"adv", "r", "icmp.mip.r", Form::Bool},
    {"adv", "b", "icmp.mip.b", Form::Bool},
    {"adv", "h", "icmp.mip.h", Form::Bool},
    {"adv", "f", "icmp.mip.f", Form::Bool},
    {"adv", "m", "icmp.mip.m", Form::Bool},
    {"adv", "g", "icmp.mip.g", Form::Bool},
    {"adv", "t", "icmp.mip.rt", Form::Bool},
    {"adv", "u", "icmp.mip.u", Form::Bool},
    {"adv", "x", "icmp.mip.x", Form::Bool},
    {"adv", "care_of_address{i}", "icmp.mip.coa", Form::Text},
    {"sol", "type", "icmp.type", Form::Number},
    {"sol", "code", "icmp.code", Form::Number},
    {"sol", "checksum", "icmp.checksum", Form::Number},
    {"rrq", "type", "mip.type", Form::Number},
    {"rrq", "flags", "mip.flags", Form::Number},
    {"rrq", "s", "mip.s", Form::Bool},
    {"rrq", "b", "mip.b", Form::Bool},
    {"rrq", "d", "mip.d", Form::Bool},
    {"rrq", "m", "mip.m", Form::Bool},
    {"rrq", "g", "mip.g", Form::Bool},
    {"rrq", "r", "mip.v", Form::Bool},  // tshark names RFC 5944's reserved 'r' bit by its RFC 2002 use
    {"rrq", "t", "mip.t", Form::Bool},
    {"rrq", "x", "mip.x", Form::Bool},
    {"rrq", "lifetime", "mip.life", Form::Number},
    {"rrq", "home_address", "mip.homeaddr", Form::Text},
    {"rrq", "home_agent", "mip.haaddr", Form::Text},
    {"rrq", "care_of_address", "mip.coa", Form::Text},
    {"rrq", "identification", "mip.ident", Form::RawHex},  // tshark shows it as an NTP timestamp
    {"rrq", "ext{i}_type", "mip.ext.type", Form::Number},
    {"rrq", "ext{i}_length", "mip.ext.len", Form::Number},
    {"rrp", "type", "mip.type", Form::Number},
    {"rrp", "code", "mip.code", Form::Number},
    {"rrp", "lifetime", "mip.life", Form::Number},
    {"rrp", "home_address", "mip.homeaddr", Form::Text},
    {"rrp", "home_agent", "mip.haaddr", Form::Text},
    {"rrp", "identification", "mip.ident", Form::RawHex},
    {"rrp", "ext{i}_type", "mip.ext.type", Form::Number},
    {"rrp", "ext{i}_length", "mip.ext.len", Form::Number},
    {"tunnel-data", "type", "mip.type", Form::Number},
    {"tunnel-data", "next_header", "mip.nattt.nexthdr", Form::Number},
    {"tunnel-data", "reserved", "mip.nattt.reserved", Form::Number},
    {"gre", "flags_version", "gre.flags_and_version", Form::Number},
    {"gre", "c", "gre.flags.checksum", Form::Bool},
    {"gre", "r", "gre.flags.routing", Form::Bool},
    {"gre", "k", "gre.flags.key", Form::Bool},
    {"gre", "s", "gre.flags.sequence_number", Form::Bool},
    {"gre", "strict_source_route", "gre.flags.strict_source_route", Form::Bool},
    {"gre", "recursion_control", "gre.flags.recursion_control", Form::Number},
    {"gre", "flags", "gre.flags.reserved", Form::Number},
    {"gre", "version", "gre.flags.version", Form::Number},
    {"gre", "protocol_type", "gre.proto", Form::Number},
    {"gre", "checksum", "gre.checksum", Form::Number},
    {"gre", "checksum_valid", "gre.checksum.status", Form::Status},
    {"gre", "key", "gre.key", Form::Number},
    {"gre", "sequence_number", "gre.sequence_number", Form::Number},
    {"esp", "spi", "esp.spi", Form::Number},
    {"esp", "seq", "esp.sequence", Form::Number},
    {"esp", "pad_length", "esp.pad_len", Form::Number},
    {"esp", "next_header", "esp.protocol", Form::Number},
    {"esp", "icv", "esp.icv_good", Form::Status},
    {"nat-keepalive", "value", "udpencap.nat_keepalive", Form::Present},
    {"udpencap", "marker", "udpencap.non_esp_marker", Form::Present},
    {"ike", "spi_i", "isakmp.ispi", Form::Colon, true},
    {"ike", "spi_r", "isakmp.rspi", Form::Colon, true},
    {"ike", "next_payload", "isakmp.nextpayload", Form::Number, true},
    {"ike", "version", "isakmp.version", Form::Number, true},
    {"ike", "major_version", "isakmp.mjver", Form::Number},
    {"ike", "minor_version", "isakmp.mnver", Form::Number},
    {"ike", "exchange_type", "isakmp.exchangetype", Form::Number, true},
    {"ike", "flags", "isakmp.flags", Form::Number, true},
    {"ike", "flag_i", "isakmp.flag_i", Form::Bool},
    {"ike", "flag_v", "isakmp.flag_v", Form::Bool},
    {"ike", "flag_r", "isakmp.flag_r", Form::Bool},
    {"ike", "message_id", "isakmp.messageid", Form::Number, true},
    {"ike", "length", "isakmp.length", Form::Number, true},
    {"ike", "ke.dh_group", "isakmp.key_exchange.dh_group", Form::Number},
    {"ikev1", "spi_i", "isakmp.ispi", Form::Colon, true},
    {"ikev1", "spi_r", "isakmp.rspi", Form::Colon, true},
    {"ikev1", "next_payload", "isakmp.nextpayload", Form::Number, true},
    {"ikev1", "version", "isakmp.version", Form::Number, true},
    {"ikev1", "major_version", "isakmp.mjver", Form::Number},
    {"ikev1", "minor_version", "isakmp.mnver", Form::Number},
    {"ikev1", "exchange_type", "isakmp.exchangetype", Form::Number, true},
    {"ikev1", "flags", "isakmp.flags", Form::Number, true},
    {"ikev1", "flag_e", "isakmp.flag_e", Form::Bool},
    {"ikev1", "flag_c", "isakmp.flag_c", Form::Bool},
    {"ikev1", "flag_a", "isakmp.flag_a", Form::Bool},
    {"ikev1", "message_id", "isakmp.messageid", Form::Number, true},
    {"ikev1", "length", "isakmp.length", Form::Number, true},
};

// Every field of kFields must be compared on some frame, or a mapping went dead (a renamed field on either side)
// and the test fails; except these, which our layers carry only when something is wrong.
const std::set<std::string, std::less<>> kOnlyWhenBroken = {"icmp.checksum.status"};

std::optional<unsigned long long> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t used = 0;
  try {
    const unsigned long long v = std::stoull(s, &used, 0);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Our value as text (numbers in decimal), for messages.
std::string ours_text(const FieldValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

std::optional<unsigned long long> ours_number(const FieldValue& v) {
  if (const auto* u = std::get_if<uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<unsigned long long>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return parse_number(*s);
  return std::nullopt;
}

// Whether our value `v` and tshark's text `t` say the same in form `form`; `raw` is the bytes under tshark's field.
bool same(const FieldValue& v, const std::string& t, const std::string& raw, Form form) {
  switch (form) {
    case Form::Text:
      return std::holds_alternative<std::string>(v) && std::get<std::string>(v) == t;
    case Form::Number: {
      const auto a = ours_number(v), b = parse_number(t);
      return a && b && *a == *b;
    }
    case Form::Bool:
      return std::holds_alternative<bool>(v) && (std::get<bool>(v) ? "1" : "0") == t;
    case Form::Status: {
      if (const auto* b = std::get_if<bool>(&v)) return (*b ? "1" : "0") == t;
      const std::string s = ours_text(v);
      // Wireshark's PROTO_CHECKSUM_E_*: 0 bad, 1 good, 2 unverified, 3 not present (a zero UDP checksum).
      const std::string want = s == "good" || s == "ok" ? "1" : s == "bad" ? "0" : s == "none" ? "3" : "?";
      return want == t;
    }
    case Form::Colon:
      return std::holds_alternative<std::string>(v) && colon_hex_text(std::get<std::string>(v)) == t;
    case Form::RawHex:
      return std::holds_alternative<std::string>(v) && std::get<std::string>(v) == "0x" + raw;
    case Form::TcpFlags: {
      if (!std::holds_alternative<std::string>(v)) return false;
      unsigned bits = 0;
      const std::string_view letters = "CEUAPRSF";
      for (char c : std::get<std::string>(v)) {
        const size_t at = letters.find(c);
        if (at != std::string_view::npos) bits |= 0x80u >> at;
      }
      const auto b = parse_number(t);
      return b && *b == bits;
    }
    case Form::Present:
      return true;  // looked up already
  }
  return false;
}

// tshark's objects for protocol `t`, in frame order: at the top of "layers" (where --no-duplicate-keys makes a
// repeated protocol an array) or nested in the object of the protocol that called its dissector (mip puts the packet
// of RFC 3519 tunnel data under its own tree), each without the protocols nested in it.
std::vector<Json> protocol_objects(const Json& layers, const std::string& t) {
  std::vector<Json> found;
  collect(layers, t, found);
  std::vector<Json> out;
  for (auto& o : found) {
    if (!o.is_object()) continue;
    for (const auto& [ours, theirs] : kTsharkProtocol) {
      o.erase(theirs);
      o.erase(theirs + "_raw");
    }
    o.erase("data");
    o.erase("data_raw");
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ":") + x;
  return s;
}

struct Comparison {
  std::vector<std::string> mismatches;  // one line each
  std::set<std::string> compared;       // tshark fields compared at least once
  size_t fields = 0;                    // field comparisons that held
  std::vector<std::string> ours;        // our layer sequence in tshark's names
  std::vector<std::string> theirs;      // tshark's frame.protocols without its pseudo-protocols
};

// Compares one frame: the protocol sequence, then every mapped field of every layer with tshark's object for the same
// layer. `tshark_stops_at`: the first of our layers that tshark has no dissector for (it shows the rest as data).
Comparison compare_frame(const Json& t, const DecodedFrame& ours, std::string_view tshark_stops_at = {}) {
  Comparison c;
  // Protocol sequences. tshark's "ethertype" is its dispatch step after an Ethernet type field and "data" is bytes no
  // dissector claimed; its "udpencap" before "esp" is the UDP-encapsulation dissector handing on ESP-in-UDP, which has
  // no header of its own (RFC 3948 2.1: the ESP header follows the UDP header directly).
  const auto protocols = split(value(t, "frame.protocols"), ':');
  for (size_t i = 0; i < protocols.size(); ++i) {
    const std::string& p = protocols[i];
    if (p == "frame" || p == "ethertype" || p == "data") continue;
    if (p == "udpencap" && i + 1 < protocols.size() && protocols[i + 1] == "esp") continue;
    c.theirs.push_back(p);
  }
  bool stopped = false;
  for (const Layer& l : ours.layers) {
    if (l.protocol == tshark_stops_at) stopped = true;
    if (stopped) continue;
    const auto it = kTsharkProtocol.find(l.protocol);
    c.ours.push_back(it == kTsharkProtocol.end() ? "<" + l.protocol + ": no tshark dissector>" : it->second);
  }
  if (c.ours != c.theirs)
    c.mismatches.push_back("layers: ours " + joined(c.ours) + ", tshark " + joined(c.theirs) + " (frame.protocols " +
                           value(t, "frame.protocols") + ")");
  if (!tshark_stops_at.empty() && (protocols.empty() || protocols.back() != "data"))
    c.mismatches.push_back("tshark was expected to show the bytes from our " + std::string(tshark_stops_at) +
                           " layer on as data: " + value(t, "frame.protocols"));

  // Fields, layer by layer: our k-th layer mapped to tshark protocol P against tshark's k-th P object.
  std::map<std::string, size_t> occurrence;
  for (size_t li = 0; li < ours.layers.size(); ++li) {
    const Layer& l = ours.layers[li];
    if (l.protocol == tshark_stops_at) break;
    const auto it = kTsharkProtocol.find(l.protocol);
    if (it == kTsharkProtocol.end()) continue;
    const size_t k = occurrence[it->second]++;
    const auto objects = protocol_objects(t, it->second);
    const std::string where = "layer " + std::to_string(li) + " (" + l.protocol + ")";
    if (k >= objects.size()) {
      c.mismatches.push_back(where + ": tshark has no " + it->second + " layer #" + std::to_string(k));
      continue;
    }
    const Json& obj = objects[k];
    size_t compared = 0;
    for (const FieldMap& m : kFields) {
      if (m.protocol != l.protocol) continue;
      const std::string tf(m.tshark);
      const size_t brace = m.field.find("{i}");
      const std::vector<std::string> theirs = m.top ? top(obj, tf) : values(obj, tf);
      const std::vector<std::string> raws = raw_hexes(obj, tf);
      for (size_t i = 0;; ++i) {
        std::string name(m.field);
        if (brace != std::string_view::npos) name.replace(brace, 3, std::to_string(i));
        const FieldValue* v = l.find(name);
        if (v == nullptr) break;
        const size_t index = brace == std::string_view::npos ? 0 : i;
        if (index >= theirs.size()) {
          c.mismatches.push_back(where + " " + name + " = " + ours_text(*v) + ": tshark has no " + tf +
                                 (index ? " #" + std::to_string(index) : ""));
        } else if (!same(*v, theirs[index], index < raws.size() ? raws[index] : "", m.form)) {
          c.mismatches.push_back(where + " " + name + " = " + ours_text(*v) + ", tshark " + tf + " = " + theirs[index] +
                                 (m.form == Form::RawHex && index < raws.size() ? " (bytes " + raws[index] + ")" : ""));
        } else {
          c.compared.insert(tf);
          ++compared;
          ++c.fields;
        }
        if (brace == std::string_view::npos) break;
      }
    }
    if (compared == 0) c.mismatches.push_back(where + ": no field compared");
  }
  return c;
}

// --- the frames -----------------------------------------------------------------------------------------------------

constexpr size_t kEthIp = 14 + 20;

// Ethernet II 02:00:00:00:00:01 > 02:00:00:00:00:02, type IPv4, around an IPv4 packet given as bytes.
std::vector<uint8_t> ethernet(const std::vector<uint8_t>& ip_packet) {
  std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
  f.insert(f.end(), ip_packet.begin(), ip_packet.end());
  return f;
}

// A correspondent node's UDP datagram to a mobile node's home address: what the tunnels carry.
Tins::IP tunnelled() {
  Tins::IP ip("10.0.1.100", "192.0.2.10");
  ip.id(0x1234);
  ip.ttl(63);
  ip /= Tins::UDP(9, 40000) / Tins::RawPDU(std::string("mobile ip tunnel payload"));
  return ip;
}

Tins::IP delivery(const char* src, const char* dst, uint8_t protocol) {
  Tins::IP ip(dst, src);
  ip.ttl(64);
  ip.protocol(protocol);
  return ip;
}

EspSa make_sa(uint32_t spi, EspAlgorithm alg, const char* src, const char* dst, size_t enc, size_t auth) {
  EspSa sa;
  sa.spi = spi;
  sa.alg = alg;
  sa.src = Tins::IPv4Address(src);
  sa.dst = Tins::IPv4Address(dst);
  for (size_t i = 0; i < enc; ++i) sa.enc_key.push_back(static_cast<uint8_t>(0x11 + 7 * i));
  for (size_t i = 0; i < auth; ++i) sa.auth_key.push_back(static_cast<uint8_t>(0x31 + 5 * i));
  return sa;
}

// Ethernet | IPv4 | UDP sport > dport | payload, with the UDP checksum zeroed (RFC 3948 2.1 / 2.3 for UDP 4500).
std::vector<uint8_t> udp_zero_checksum(const char* src, const char* dst, uint16_t sport, uint16_t dport,
                                       const std::vector<uint8_t>& payload) {
  auto f = oracle::udp_frame(src, dst, sport, dport, Tins::RawPDU(payload)).serialize();
  f[kEthIp + 6] = f[kEthIp + 7] = 0;
  return f;
}

// The inner packet of the ESP tunnels: the mobile node's Registration Request to its home agent.
std::vector<uint8_t> inner_registration() {
  Tins::IP ip("10.0.1.1", "10.0.1.100");
  ip.ttl(64);
  return (ip / Tins::UDP(434, 434) / oracle_rrq()).serialize();
}

struct Frame {
  std::string name;
  std::vector<uint8_t> bytes;
  std::string tshark_stops_at;          // our first layer tshark has no dissector for
  std::vector<std::string> violations;  // the RFC section of every violation we report, in order
};

struct Capture {
  std::vector<Frame> frames;
  std::vector<EspSa> sas;
};

Capture capture() {
  Capture c;
  auto add = [&](std::string name, std::vector<uint8_t> bytes, std::string stops = {},
                 std::vector<std::string> violations = {}) {
    c.frames.push_back({std::move(name), std::move(bytes), std::move(stops), std::move(violations)});
  };
  {  // Ethernet | 802.1Q | ARP request
    Tins::EthernetII eth("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:07");
    Tins::Dot1Q tag(42);
    tag.priority(5);
    auto arp = Tins::ARP::make_arp_request("10.0.1.1", "10.0.1.100", "02:00:00:00:00:07");
    add("vlan-arp", (eth / tag / Tins::ARP(arp.rfind_pdu<Tins::ARP>())).serialize());
  }
  {  // ICMP Echo Request
    Tins::ICMP echo(Tins::ICMP::ECHO_REQUEST);
    echo.id(7);
    echo.sequence(1);
    add("icmp-echo", (Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") /
                      delivery("10.0.1.100", "192.0.2.7", 1) / echo / Tins::RawPDU(std::string("ping")))
                         .serialize());
  }
  {  // TCP SYN
    Tins::TCP syn(80, 40000);
    syn.seq(0x11223344);
    syn.set_flag(Tins::TCP::SYN, 1);
    add("tcp-syn",
        (Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / delivery("10.0.1.100", "192.0.2.7", 6) / syn)
            .serialize());
  }
  add("rrq", oracle::udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, oracle_rrq()).serialize());
  add("rrp", oracle::udp_frame("10.0.1.1", "10.0.2.2", 434, 40000, oracle_rrp()).serialize());
  add("adv", oracle::icmp_frame("10.0.2.1", "224.0.0.1", oracle_advert()).serialize());
  add("sol", oracle::icmp_frame("10.0.2.2", "224.0.0.11", oracle_solicitation()).serialize());
  add("tunnel-data",
      oracle::udp_frame("10.0.2.2", "10.0.1.1", 40000, 434, mip_oracle::tunnelled_datagram()).serialize());
  add("ip-in-ip", ethernet(encapsulate_ip_in_ip(tunnelled(), "10.0.1.1", "10.0.2.2", 64, 0x0bad).serialize()));
  {
    Gre g(Gre::kProtoIPv4);
    g.c(true);
    g.key(0x0badcafe);
    g.sequence_number(42);
    Tins::IP p = delivery("10.0.1.1", "10.0.2.2", Gre::kIpProtocol) / g / tunnelled();
    // K and S are RFC 2890's extensions of RFC 2784: both sides take the packet as conforming.
    add("gre-key-seq", ethernet(p.serialize()));
  }
  {
    Tins::IP p = delivery("10.0.1.1", "10.0.2.2", Gre::kIpProtocol) / Gre(Gre::kProtoTransparentEthernet) /
                 Tins::EthernetII("02:00:00:00:00:0a", "02:00:00:00:00:0b") / tunnelled();
    add("gre-ethernet", ethernet(p.serialize()));
  }
  {
    const auto minenc = encapsulate_minimal(tunnelled().serialize(), "10.0.1.1", "10.0.2.2");
    add("minimal-encapsulation", ethernet(minenc.value()), "minenc");
  }
  // ESP tunnels of the Registration Request: plain (protocol 50), in UDP 4500, and nested as RFC 5265 sends it.
  const EspSa gcm = make_sa(0xc0020001, EspAlgorithm::AesGcm16, "198.51.100.2", "192.0.2.1", 20, 0);
  const EspSa cbc = make_sa(0xc0020002, EspAlgorithm::AesCbcHmacSha1_96, "198.51.100.2", "192.0.2.1", 16, 20);
  c.sas = {gcm, cbc, rfc5265::gcm_sa()};
  {
    const auto esp = esp_encrypt(gcm, 1, inner_registration(), 4);
    Tins::EthernetII eth("02:00:00:00:00:01", "02:00:00:00:00:02");
    add("esp", (eth / delivery("198.51.100.2", "192.0.2.1", 50) / Tins::RawPDU(esp)).serialize());
  }
  add("esp-in-udp-4500",
      udp_zero_checksum("198.51.100.2", "192.0.2.1", 4500, 4500, esp_encrypt(cbc, 1, inner_registration(), 4)));
  add("rfc5265-outside", rfc5265::outside_frame(rfc5265::gcm_sa(), 1));
  add("nat-keepalive", udp_zero_checksum("198.51.100.2", "192.0.2.1", 4500, 4500, {0xff}));
  {
    std::vector<uint8_t> marked(4, 0);  // the non-ESP marker (RFC 3948 2.2)
    const auto auth = ike_builders::build_ike_auth().bytes();
    marked.insert(marked.end(), auth.begin(), auth.end());
    add("ike-after-non-esp-marker",
        oracle::udp_frame("198.51.100.2", "192.0.2.1", 4500, 4500, Tins::RawPDU(marked)).serialize());
  }
  add("ikev2-500", oracle::udp_frame("198.51.100.2", "192.0.2.1", 500, 500, ike_builders::build_sa_init()).serialize());
  add("ikev1-500",
      oracle::udp_frame("198.51.100.2", "192.0.2.1", 500, 500, ike_builders::build_main_mode()).serialize());
  return c;
}

std::string describe(const DecodedFrame& f) {
  std::string s;
  for (const auto& l : f.layers) s += (s.empty() ? "" : " ") + l.protocol;
  s += "\n  " + f.summary();
  for (const auto& v : f.violations()) s += "\n  violation " + v.rfc + " " + v.section + ": " + v.text;
  if (const DecodeError* e = f.error()) s += "\n  error " + e->to_string();
  return s;
}

class StackOracle : public TsharkTest {
 protected:
  // tshark decrypts ESP with our SAs, given as esp_sa records, and checks the ICV.
  std::vector<Json> dissect_with(const Capture& c, const std::string& name) {
    std::vector<std::string> extra = {"-o", "esp.enable_encryption_decode:TRUE", "-o",
                                      "esp.enable_authentication_check:TRUE"};
    for (const auto& sa : c.sas) {
      extra.push_back("-o");
      extra.push_back("uat:esp_sa:" + wireshark_esp_sa_record(sa));
    }
    std::vector<std::vector<uint8_t>> bytes;
    for (const auto& f : c.frames) bytes.push_back(f.bytes);
    return dissect(bytes, name, extra);
  }
};

DecodedFrame decode_ours(const Frame& f, const EspKeyring& keys) {
  DecodeOptions opt;
  opt.esp_keys = &keys;
  return decode_frame(f.bytes, LinkType::Ethernet, opt);
}

TEST_F(StackOracle, EveryLayerKindAgreesWithTshark) {
  const Capture c = capture();
  EspKeyring keys;
  for (const auto& sa : c.sas) keys.add(sa);
  const auto t = dissect_with(c, "stack");
  ASSERT_EQ(t.size(), c.frames.size());

  std::set<std::string> compared, kinds;
  for (size_t i = 0; i < c.frames.size(); ++i) {
    const Frame& f = c.frames[i];
    SCOPED_TRACE("frame " + std::to_string(i + 1) + " " + f.name);
    const DecodedFrame ours = decode_ours(f, keys);
    for (const auto& l : ours.layers) kinds.insert(l.protocol);
    // Nothing malformed, on either side.
    expect_clean(t[i], static_cast<int>(i + 1));
    EXPECT_EQ(ours.error(), nullptr) << describe(ours);
    std::vector<std::string> sections;
    for (const auto& v : ours.violations()) sections.push_back(v.rfc + " " + v.section);
    EXPECT_EQ(sections, f.violations) << describe(ours);
    // The same layers with the same fields.
    const Comparison cmp = compare_frame(t[i], ours, f.tshark_stops_at);
    for (const auto& m : cmp.mismatches) ADD_FAILURE() << m << "\n  ours: " << describe(ours);
    compared.insert(cmp.compared.begin(), cmp.compared.end());
    std::cout << "frame " << i + 1 << " " << f.name << ": " << joined(cmp.ours) << ", " << cmp.fields
              << " fields equal\n";
  }
  for (const FieldMap& m : kFields) {
    const std::string tf(m.tshark);
    EXPECT_TRUE(compared.count(tf) != 0 || kOnlyWhenBroken.count(tf) != 0)
        << m.protocol << " " << m.field << " / " << tf << " was never compared";
  }
  // Every layer kind decode_frame produces for captures of Ethernet frames (sll/sll2 are link types of their own,
  // ipv6 and depth are what it stops at).
  EXPECT_EQ(kinds, (std::set<std::string>{"eth", "vlan", "arp", "ip", "udp", "icmp", "tcp", "adv", "sol", "rrq", "rrp",
                                          "tunnel-data", "gre", "minenc", "esp", "udpencap", "nat-keepalive", "ike",
                                          "ikev1"}));
}

// The oracle can fail: a frame whose layers we decode differently from tshark (here our IP TTL and our ESP sequence
// number altered after decoding) is reported, field by field.
TEST_F(StackOracle, AMismatchIsReported) {
  Capture c = capture();
  EspKeyring keys;
  for (const auto& sa : c.sas) keys.add(sa);
  const auto t = dissect_with(c, "mismatch");
  ASSERT_EQ(t.size(), c.frames.size());
  size_t esp_frame = 0;
  while (c.frames[esp_frame].name != "rfc5265-outside") ++esp_frame;
  DecodedFrame ours = decode_ours(c.frames[esp_frame], keys);
  ASSERT_TRUE(compare_frame(t[esp_frame], ours).mismatches.empty());
  for (auto& l : ours.layers) {
    for (auto& field : l.fields) {
      if (l.protocol == "ip" && field.name == "ttl") field.value = uint64_t{65};
      if (l.protocol == "esp" && field.name == "seq") field.value = uint64_t{2};
    }
  }
  EXPECT_EQ(compare_frame(t[esp_frame], ours).mismatches,
            (std::vector<std::string>{
                "layer 1 (ip) ttl = 65, tshark ip.ttl = 64", "layer 2 (ip) ttl = 65, tshark ip.ttl = 64",
                "layer 4 (esp) seq = 2, tshark esp.sequence = 1", "layer 5 (ip) ttl = 65, tshark ip.ttl = 64"}));
  // A layer tshark does not have, and one missing on our side.
  ours.layers.erase(ours.layers.begin() + 1);
  EXPECT_FALSE(compare_frame(t[esp_frame], ours).mismatches.empty());
}

}  // namespace
}  // namespace mipvpn::wire::oracle
