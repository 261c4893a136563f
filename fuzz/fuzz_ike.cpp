// IKE on any UDP 500 payload (or UDP 4500 payload after the Non-ESP Marker):
// - IkeV2Message::decode and IkeV1Message::decode (and their libtins-style constructors, which must agree): never
//   throw, errors inside the datagram, a decoded message re-encodes to the datagram byte for byte, its payloads tile
//   the chain; validate() of each;
// - the payload walk on its own, from any start and first type, for both versions;
// - the body decoders (IkeNotify, IkeKeyExchange, IkeDeletePayload, IkeSecurityAssociation) on every payload walked,
//   as both versions: errors inside the message, Notify and KE bodies re-encode exactly, an SA body re-encodes to a
//   fixed point of decode/body;
// - the IKE layer (decode_ike_layer) and IkeObservation::from on the message and on that layer, which must agree;
// - a stateful SaClassifier fed a sequence of IKE and ESP observations derived from the input (8 bytes each, drawn
//   from small pools of addresses, ports and SPIs so that SAs are found again, move and repeat), whose counts must add
//   up to the events it recorded.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_payload.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ike_validate.h"
#include "harness/wire/ikev1.h"
#include "harness/wire/layers_ike.h"
#include "harness/wire/sa_classifier.h"

using namespace mipvpn::wire;

namespace {

using ByteVec = std::vector<uint8_t>;

void check_payloads(const std::vector<IkePayload>& ps, size_t start, size_t size, const char* what) {
  size_t at = start;
  for (const auto& p : ps) {
    FUZZ_CHECK(p.offset == at, "%s: payload at %zu, expected %zu", what, p.offset, at);
    FUZZ_CHECK(p.length() >= IkePayload::kHeaderSize && p.offset + p.length() <= size,
               "%s: payload [%zu, +%zu) outside the %zu-byte message", what, p.offset, p.length(), size);
    at += p.length();
  }
}

void bodies(const IkePayload& p, size_t size) {
  for (const IkeVersion v : {IkeVersion::V1, IkeVersion::V2}) {
    auto n = IkeNotify::decode(p, v);
    mipvpn::fuzz::check_error(n, size, "IkeNotify::decode");
    if (n) FUZZ_CHECK(n->body(v) == p.body, "Notify body does not re-encode");
    auto ke = IkeKeyExchange::decode(p, v);
    mipvpn::fuzz::check_error(ke, size, "IkeKeyExchange::decode");
    if (ke) {
      FUZZ_CHECK(ke->body(v) == p.body, "KE body does not re-encode");
      (void)modp_public_value_size(ke->group);
    }
    auto d = IkeDeletePayload::decode(p, v);
    mipvpn::fuzz::check_error(d, size, "IkeDeletePayload::decode");
    auto sa = IkeSecurityAssociation::decode(p, v);
    mipvpn::fuzz::check_error(sa, size, "IkeSecurityAssociation::decode");
    if (sa) {
      for (const auto& prop : sa->proposals) {
        FUZZ_CHECK(prop.transforms.size() == prop.num_transforms, "proposal count disagrees after decode");
        for (const auto& t : prop.transforms) (void)ikev2_transform_type_name(t.type);
      }
      (void)sa->dh_groups();
      // The recomputed body is a fixed point: it decodes, and re-encodes to itself.
      IkePayload again = p;
      again.body = sa->body(v);
      auto sa2 = IkeSecurityAssociation::decode(again, v);
      FUZZ_CHECK(sa2.ok(), "re-encoded SA does not decode: %s", sa2.error().to_string().c_str());
      FUZZ_CHECK(sa2->body(v) == again.body, "SA body is not a fixed point of decode/body");
      FUZZ_CHECK(sa2->proposals.size() == sa->proposals.size(), "SA re-encoding lost proposals");
    }
    (void)(v == IkeVersion::V1 ? ikev1_payload_name(p.type) : ikev2_payload_name(p.type, p.critical));
  }
}

SaTime at_ms(uint64_t ms) { return SaTime{} + std::chrono::milliseconds(ms); }

// One observation per 8 input bytes, over small pools so SAs recur.
void classify_sequence(std::span<const uint8_t> in, SaClassifier& c, uint64_t& clock_ms) {
  static const Tins::IPv4Address kAddrs[] = {Tins::IPv4Address("10.0.2.2"), Tins::IPv4Address("10.0.1.1"),
                                             Tins::IPv4Address("10.0.3.2"), Tins::IPv4Address("192.168.1.7")};
  static const uint16_t kPorts[] = {500, 4500, 0, 40123};
  static const uint64_t kSpis[] = {0, 0x8a3c110e5b279001ull, 0x4d2f9a7c01e65b33ull, 0x1111111111111111ull};
  static const uint8_t kExchanges[] = {
      IkeSaInit,        IkeAuth,        CreateChildSa,      IkeInformational, IsakmpIdentityProtection,
      IsakmpAggressive, IkeV1QuickMode, IsakmpInformational};
  for (size_t i = 0; i + 8 <= in.size(); i += 8) {
    const uint8_t* r = in.data() + i;
    clock_ms += r[7] % 16 == 0 ? 0 : r[7] * 10u;  // sometimes the same instant, never backwards
    const Tins::IPv4Address src = kAddrs[r[0] & 3], dst = kAddrs[(r[0] >> 2) & 3];
    const uint16_t sport = kPorts[(r[0] >> 4) & 3], dport = kPorts[(r[1] >> 6) & 3];
    if (r[0] & 0x80) {
      EspObservation o;
      o.time = at_ms(clock_ms);
      o.src = src;
      o.dst = dst;
      o.src_port = r[0] & 0x40 ? sport : 0;
      o.dst_port = r[0] & 0x40 ? dport : 0;
      o.spi = 0x1000u + (r[1] & 7u);
      o.seq = r[2] & 0x80 ? uint32_t{r[3]} << 24 | uint32_t{r[4]} << 16 | uint32_t{r[5]} << 8 | r[6] : r[3] % 80u;
      const auto v = c.observe_esp(o);
      FUZZ_CHECK(!v.reason.empty(), "ESP verdict without a reason");
    } else {
      IkeObservation o;
      o.time = at_ms(clock_ms);
      o.src = src;
      o.dst = dst;
      o.src_port = sport;
      o.dst_port = dport;
      o.version = r[0] & 0x40 ? IkeVersion::V1 : IkeVersion::V2;
      o.spi_i = kSpis[r[1] & 3];
      o.spi_r = kSpis[(r[1] >> 2) & 3];
      o.exchange = r[2] & 0x80 ? r[2] : kExchanges[r[2] & 7];
      o.flags = r[3];
      o.message_id = r[4] & 0x80 ? uint32_t{r[4]} << 24 | r[5] : r[4] % 4u;
      const auto v = c.observe_ike(o);
      FUZZ_CHECK(!v.reason.empty(), "IKE verdict without a reason");
    }
  }
}

void check_counts(const SaClassifier& c, uint64_t clock_ms) {
  const auto all = c.counts();
  const size_t events = c.events().size();
  FUZZ_CHECK(all.ike_messages + all.esp_packets == events, "%zu IKE + %zu ESP counted for %zu events", all.ike_messages,
             all.esp_packets, events);
  FUZZ_CHECK(all.by_kind[0] + all.by_kind[1] + all.by_kind[2] + all.by_kind[3] == events,
             "event kinds do not add up to %zu", events);
  FUZZ_CHECK(all.ike_exchanges <= all.ike_messages && all.new_ike_sas <= all.ike_messages &&
                 all.new_esp_spis <= all.esp_packets,
             "more new things than messages");
  FUZZ_CHECK(all.ike_sa_init + all.ike_auth + all.create_child_sa + all.informational + all.ikev1_phase1 +
                     all.ikev1_quick_mode + all.other_exchanges ==
                 all.ike_exchanges,
             "exchange types do not add up");
  const auto sas = c.sas();
  FUZZ_CHECK(sas.size() == all.new_ike_sas + all.new_esp_spis, "%zu SAs for %zu new IKE SAs and %zu new SPIs",
             sas.size(), all.new_ike_sas, all.new_esp_spis);
  uint64_t packets = 0;
  for (const auto& s : sas) {
    FUZZ_CHECK(s.packets >= 1 && s.first_seen <= s.last_seen, "SA record without packets or with time reversed");
    packets += s.packets;
  }
  FUZZ_CHECK(packets == events, "SA records count %llu packets for %zu events",
             static_cast<unsigned long long>(packets), events);
  const SaTime mid = at_ms(clock_ms / 2);
  const auto first = c.between(SaTime::min(), mid),
             second = c.between(mid + std::chrono::milliseconds(1), SaTime::max());
  FUZZ_CHECK(first.ike_messages + second.ike_messages == all.ike_messages &&
                 first.esp_packets + second.esp_packets == all.esp_packets,
             "windows do not partition the events");
  FUZZ_CHECK(c.events_between(SaTime::min(), mid).size() == first.ike_messages + first.esp_packets,
             "events_between disagrees with between");
}

bool same(const IkeObservation& a, const IkeObservation& b) {
  return a.version == b.version && a.spi_i == b.spi_i && a.spi_r == b.spi_r && a.exchange == b.exchange &&
         a.flags == b.flags && a.message_id == b.message_id && a.src == b.src && a.dst == b.dst &&
         a.src_port == b.src_port && a.dst_port == b.dst_port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const ByteVec bytes(data, data + size);
  (void)ike_version(in);

  auto v2 = IkeV2Message::decode(data, size);
  mipvpn::fuzz::check_error(v2, size, "IkeV2Message::decode");
  mipvpn::fuzz::check_constructor_agrees(data, size, v2);
  if (v2) {
    FUZZ_CHECK(v2->bytes() == bytes, "IKEv2: bytes() differs from the decoded datagram");
    FUZZ_CHECK(v2->header_size() == size, "IKEv2: header_size() %u for %zu bytes", v2->header_size(), size);
    check_payloads(v2->payloads(), IkeV2Message::kHeaderSize, size, "IKEv2");
    FUZZ_CHECK(v2->chain_end() + v2->trailing().size() == size, "IKEv2: chain and trailing bytes != datagram");
    if (const IkePayload* sk = v2->encrypted())
      FUZZ_CHECK(sk == &v2->payloads().back(), "IKEv2: the walk went on past SK/SKF");
    (void)validate(*v2);
    for (const auto& p : v2->payloads()) bodies(p, size);
  }

  auto v1 = IkeV1Message::decode(data, size);
  mipvpn::fuzz::check_error(v1, size, "IkeV1Message::decode");
  mipvpn::fuzz::check_constructor_agrees(data, size, v1);
  if (v1) {
    FUZZ_CHECK(v1->bytes() == bytes, "IKEv1: bytes() differs from the decoded datagram");
    FUZZ_CHECK(v1->header_size() == size, "IKEv1: header_size() %u for %zu bytes", v1->header_size(), size);
    check_payloads(v1->payloads(), IkeV1Message::kHeaderSize, size, "IKEv1");
    FUZZ_CHECK(!v1->e() || v1->payloads().empty(), "IKEv1: payloads walked inside an encrypted message");
    (void)validate(*v1);
    // The same chain as IKEv2's (up to SK) unless the E flag hid it; don't decode the same bodies twice.
    if (!v2 || v1->payloads().size() != v2->payloads().size())
      for (const auto& p : v1->payloads()) bodies(p, size);
  }

  // The walk on its own, from where the input's first bytes say.
  if (size >= 2) {
    const size_t start = data[0] % (size < 32 ? size + 1 : 32);  // within the datagram
    const std::vector<uint8_t> stops = {IkeEncrypted, IkeEncryptedFragment};
    for (const IkeVersion v : {IkeVersion::V1, IkeVersion::V2}) {
      auto w = walk_ike_payloads(data, size, start, data[1], v, v == IkeVersion::V2 ? stops : std::vector<uint8_t>{});
      mipvpn::fuzz::check_error(w, size, "walk_ike_payloads");
      if (w) {
        FUZZ_CHECK(w->payloads.size() <= kMaxIkePayloads, "walk beyond the payload limit");
        check_payloads(w->payloads, start, size, "walk");
        FUZZ_CHECK(w->end >= start && (w->payloads.empty() || w->end <= size), "walk ends at %zu", w->end);
      }
    }
  }

  // The layer, and observations from it and from the message.
  const Tins::IPv4Address src("10.0.2.2"), dst("10.0.1.1");
  IpContext ctx;
  DecodedFrame frame;
  decode_ike_layer(in, 0, ctx, DecodeOptions{}, frame);
  FUZZ_CHECK(frame.layers.size() == 1, "%zu layers for one IKE message", frame.layers.size());
  const Layer& layer = frame.layers.front();
  FUZZ_CHECK(!layer.summary.empty() || layer.error, "IKE layer without summary or error");
  if (layer.error) FUZZ_CHECK(layer.error->offset <= size, "layer error past the message");
  SaClassifier classifier;
  uint64_t clock_ms = 0;
  auto from_layer = IkeObservation::from(layer, at_ms(0), src, 500, dst, 500);
  if (ike_version(in) == IkeVersion::V1 && v1) {
    const auto o = IkeObservation::from(*v1, at_ms(0), src, 500, dst, 500);
    FUZZ_CHECK(from_layer && same(*from_layer, o), "IKEv1: observation from the layer differs from the message's");
  } else if (ike_version(in) != IkeVersion::V1 && v2) {
    const auto o = IkeObservation::from(*v2, at_ms(0), src, 500, dst, 500);
    FUZZ_CHECK(from_layer && same(*from_layer, o), "IKEv2: observation from the layer differs from the message's");
  }
  if (from_layer) (void)classifier.observe_ike(*from_layer);
  // A layer whose SPI text is not what the decoder writes (any Layer can be handed to from()).
  if (size >= 18 && !layer.error && (layer.protocol == "ike" || layer.protocol == "ikev1")) {
    Layer odd = layer;
    for (auto& f : odd.fields)
      if (f.name == "spi_r") f.value = std::string(reinterpret_cast<const char*>(data), 18);
    (void)IkeObservation::from(odd, at_ms(0), src, 4500, dst, 4500);
  }

  classify_sequence(in, classifier, clock_ms);
  check_counts(classifier, clock_ms);
  return 0;
}
