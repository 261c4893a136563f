// The layered view of one captured frame: every protocol header from the link layer down to the Mobile IP message,
// each with its fields, the RFC rules it breaks, and the error that stopped decoding (if any).
//
// decode_frame (harness/wire/stack.h) walks the frame; each protocol area adds its layer through a function of the
// shape `Next decode_<proto>_layer(Bytes, size_t offset, ..., DecodedFrame&)` that appends exactly one Layer (two
// when a header carries a message of its own) and says what follows it. The dispatcher, not the protocol code, decides
// how to decode what follows, so e.g. ESP need not know about GRE.
#pragma once

#include "harness/wire/expected.h"
#include "harness/wire/violation.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace mipvpn::wire {

using Bytes = std::span<const uint8_t>;

// A field value keeps its type so JSON output shows numbers as numbers. Addresses, flag letters and hex strings are
// text, formatted the way tshark shows them (dotted quad, "0x0000abcd").
using FieldValue = std::variant<uint64_t, int64_t, bool, std::string>;

struct Field {
  std::string name;  // lower_snake_case, e.g. "home_address", "spi", "next_header"
  FieldValue value;
};

struct Layer {
  std::string protocol;  // short name: eth vlan arp ip udp icmp rrq rrp adv sol tunnel-data minenc gre esp udpencap
                         // nat-keepalive ike ikev1 payload
  std::string summary;   // this layer's part of the one-line description, e.g. "IP 10.0.2.2>10.0.1.1 ttl=64"
  size_t offset = 0;     // of the layer's first byte: in the frame, or in DecodedFrame::buffers[buffer]
  size_t length = 0;     // bytes of this layer's header (or of the whole message for leaf messages)
  bool decrypted = false;  // this layer sits inside ESP plaintext recovered with a key
  int buffer = -1;         // -1: offset is a frame offset; else the index of the DecodedFrame::buffers entry (ESP
                           // plaintext, a packet rebuilt from minimal encapsulation) the offset points into
  std::vector<Field> fields;
  std::vector<Violation> violations;
  std::optional<DecodeError> error;  // decoding stopped at this layer; offset is a frame (or plaintext) offset

  void add(std::string name, FieldValue value) { fields.push_back({std::move(name), std::move(value)}); }
  void add(std::string name, const char* value) { fields.push_back({std::move(name), std::string(value)}); }
  // The field's value, or nullptr; for tests and for cross-layer checks.
  const FieldValue* find(std::string_view name) const {
    for (const auto& f : fields)
      if (f.name == name) return &f.value;
    return nullptr;
  }
};

struct DecodedFrame {
  std::vector<Layer> layers;
  // Plaintexts recovered from ESP live here so later layers can point into them (deque: stable addresses).
  std::deque<std::vector<uint8_t>> buffers;

  // All layers' summaries joined by spaces, with " | " before each IP packet nested in another (docs/seams.md):
  // "02:..>02:.. IP a>b ttl=64 UDP 4500>4500 cksum=0 ESP spi=0x... seq=3 aes-gcm-16 next=IPv4 | IP c>d ttl=64 UDP ...".
  std::string summary() const;
  // Every violation of every layer, in layer order.
  std::vector<Violation> violations() const;
  // The first layer error, if any.
  const DecodeError* error() const;
  // The first layer whose protocol is `protocol`, or nullptr.
  const Layer* find(std::string_view protocol) const;
};

// How a capture's frames start (pcap link types EN10MB, RAW/IPV4, LINUX_SLL, LINUX_SLL2).
enum class LinkType { Ethernet, RawIP, LinuxSll, LinuxSll2 };

// What a layer decoder hands back to the dispatcher.
enum class NextKind {
  None,       // nothing follows (leaf message, undecodable remainder, or encrypted payload without a key)
  IPv4,       // an IPv4 packet (IP-in-IP, minimal encapsulation's rebuilt packet, GRE 0x0800, ESP tunnel mode, ...)
  Ethernet,   // an Ethernet frame (GRE 0x6558 transparent Ethernet bridging)
  IpPayload,  // the payload of IP protocol `protocol` (RFC 3519 Next Header 47/55, ESP Next Header 17/47/55...):
              // the dispatcher decodes it as if it followed the enclosing IP header (IpContext stays the same)
  Ike,        // an IKE message (UDP 500, or UDP 4500 after the RFC 3948 non-ESP marker)
};

struct Next {
  NextKind kind = NextKind::None;
  Bytes bytes;                // the next layer's bytes
  size_t offset = 0;          // where bytes[0] sits (frame offset, or plaintext offset when in_plaintext)
  bool in_plaintext = false;  // bytes point into DecodedFrame::buffers (ESP plaintext or a rebuilt packet)
  uint8_t protocol = 0;       // for IpPayload: the IP protocol number of `bytes`
  int buffer = -1;            // the DecodedFrame::buffers entry `bytes` point into, set by the decoder that added it
                              // (an empty entry cannot be found by address); -1: found by address when in_plaintext
};

// The innermost IP header around the layer being decoded: minimal encapsulation rebuilds the inner header from it,
// ESP looks up its SA by SPI and addresses, RFC 3519 checks the UDP ports against it.
struct IpContext {
  uint32_t src = 0;  // network byte order as stored by Tins::IPv4Address (use Tins::IPv4Address(src))
  uint32_t dst = 0;
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  Bytes header;      // the whole IPv4 header, options included
  size_t offset = 0;  // of header[0]
  bool in_plaintext = false;  // the header is in a DecodedFrame::buffers entry, not in the frame
  bool decrypted = false;     // ... and that entry is ESP plaintext
  uint16_t src_port = 0;  // of the enclosing UDP datagram when the layer rides UDP (RFC 3519, RFC 3948), else 0
  uint16_t dst_port = 0;
  uint16_t udp_checksum = 0;  // of that UDP datagram (RFC 3948 2.1 wants 0 for ESP-in-UDP)
  bool truncated = false;     // the capture holds less than Total Length announces (snap length): the payload is cut
};

class EspKeyring;  // harness/wire/esp_keys.h

struct DecodeOptions {
  const EspKeyring* esp_keys = nullptr;  // decrypt ESP whose SA is in here; otherwise ESP payload stays opaque
  bool verify_checksums = true;          // IP, UDP, ICMP, GRE checksums: a mismatch is a violation, not an error
  int max_depth = 12;                    // nested encapsulations followed before giving up (error "depth")
};

}  // namespace mipvpn::wire
