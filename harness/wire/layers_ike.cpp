#include "harness/wire/layers_ike.h"

#include "harness/wire/format.h"
#include "harness/wire/ike.h"
#include "harness/wire/ike_names.h"
#include "harness/wire/ike_sa.h"
#include "harness/wire/ike_validate.h"
#include "harness/wire/ikev1.h"


namespace mipvpn::wire {
namespace {

using detail::hex;

std::string hex_bytes(const std::vector<uint8_t>& b) { return "0x" + detail::hex_bytes(b); }

// The header fields both versions share, in wire order.
void add_header(Layer& l, const IkeHeaderFields& h, bool v1) {
  l.add("spi_i", hex(h.spi_i, 16));
  l.add("spi_r", hex(h.spi_r, 16));
  l.add("next_payload", uint64_t{h.next_payload});
  l.add("next_payload_name", v1 ? ikev1_payload_name(h.next_payload) : ikev2_payload_name(h.next_payload));
  l.add("version", uint64_t{h.version});
  l.add("major_version", uint64_t{static_cast<uint8_t>(h.version >> 4)});
  l.add("minor_version", uint64_t{static_cast<uint8_t>(h.version & 0x0f)});
  l.add("exchange_type", uint64_t{h.exchange});
  l.add("exchange", v1 ? ikev1_exchange_name(h.exchange) : ikev2_exchange_name(h.exchange));
  l.add("flags", uint64_t{h.flags});
  if (v1) {
    l.add("flag_e", (h.flags & IkeV1Message::kFlagE) != 0);
    l.add("flag_c", (h.flags & IkeV1Message::kFlagC) != 0);
    l.add("flag_a", (h.flags & IkeV1Message::kFlagA) != 0);
  } else {
    l.add("flag_r", (h.flags & IkeV2Message::kFlagR) != 0);
    l.add("flag_v", (h.flags & IkeV2Message::kFlagV) != 0);
    l.add("flag_i", (h.flags & IkeV2Message::kFlagI) != 0);
  }
  l.add("message_id", uint64_t{h.message_id});
  l.add("length", uint64_t{h.length});
}

// "#1 IKE ENCR:12(128) PRF:5 INTEG:12 D-H:14" (IKEv2) or "#1 proto 1 T1:id 1 T2:id 1" (IKEv1).
std::string describe_proposal(const IkeProposal& p, bool v1) {
  static const char* kProto[] = {"0", "IKE", "AH", "ESP"};
  std::string s = "#" + std::to_string(p.number) + " " +
                  (p.protocol_id < 4 ? std::string(kProto[p.protocol_id]) : "proto " + std::to_string(p.protocol_id));
  if (!p.spi.empty()) s += " spi=" + hex_bytes(p.spi);
  for (const auto& t : p.transforms) {
    if (v1) {
      s += " T" + std::to_string(t.number) + ":id" + std::to_string(t.id) + "/" + std::to_string(t.attributes.size()) +
           "attrs";
      continue;
    }
    s += " " + ikev2_transform_type_name(t.type) + ":" + std::to_string(t.id);
    for (const auto& a : t.attributes)
      if (a.tv && a.type == 14) s += "(" + std::to_string(a.value) + ")";  // Key Length (3.3.5)
  }
  return s;
}

void add_sa(Layer& l, const IkePayload& p, size_t index, bool v1) {
  auto sa = IkeSecurityAssociation::decode(p, v1 ? IkeVersion::V1 : IkeVersion::V2);
  const std::string at = "sa[" + std::to_string(index) + "]";
  if (!sa) {
    l.add(at + ".error", sa.error().to_string());
    return;
  }
  if (v1) {
    l.add(at + ".doi", uint64_t{sa->doi});
    l.add(at + ".situation", uint64_t{sa->situation});
  }
  l.add(at + ".proposal_count", uint64_t{sa->proposals.size()});
  for (size_t i = 0; i < sa->proposals.size(); ++i)
    l.add(at + ".proposal[" + std::to_string(i) + "]", describe_proposal(sa->proposals[i], v1));
}

void add_notify(Layer& l, const IkePayload& p, size_t index, bool v1) {
  const std::string at = "notify[" + std::to_string(index) + "]";
  auto notify = IkeNotify::decode(p, v1 ? IkeVersion::V1 : IkeVersion::V2);
  if (!notify) {
    l.add(at + ".error", notify.error().to_string());
    return;
  }
  if (v1) l.add(at + ".doi", uint64_t{notify->doi});
  l.add(at + ".protocol_id", uint64_t{notify->protocol_id});
  l.add(at + ".spi_size", uint64_t{notify->spi.size()});
  l.add(at + ".type", uint64_t{notify->type});
  l.add(at + ".name", v1 ? ikev1_notify_name(notify->type) : ikev2_notify_name(notify->type));
  if (!notify->spi.empty()) l.add(at + ".spi", hex_bytes(notify->spi));
  l.add(at + ".data_length", uint64_t{notify->data.size()});
}

void add_delete(Layer& l, const IkePayload& p, size_t index, bool v1) {
  const std::string at = "delete[" + std::to_string(index) + "]";
  auto d = IkeDeletePayload::decode(p, v1 ? IkeVersion::V1 : IkeVersion::V2);
  if (!d) {
    l.add(at + ".error", d.error().to_string());
    return;
  }
  l.add(at + ".protocol_id", uint64_t{d->protocol_id});
  l.add(at + ".spi_size", uint64_t{d->spi_size});
  l.add(at + ".num_spis", uint64_t{d->num_spis});
}

// Payload names for the "payloads" field (full notify names) and for the summary (short ones).
struct PayloadList {
  std::string full, brief;
};

PayloadList payload_names(const std::vector<IkePayload>& ps, bool v1, bool response) {
  PayloadList out;
  for (const auto& p : ps) {
    std::string name = v1 ? ikev1_payload_name(p.type) : ikev2_payload_name(p.type, response);
    std::string full = name, brief = name;
    if (p.type == (v1 ? uint8_t{IsakmpNotify} : uint8_t{IkeNotifyPayload})) {
      auto n = IkeNotify::decode(p, v1 ? IkeVersion::V1 : IkeVersion::V2);
      if (n) {
        full = "N(" + (v1 ? ikev1_notify_name(n->type) : ikev2_notify_name(n->type)) + ")";
        brief = "N(" + (v1 ? ikev1_notify_name(n->type) : ikev2_notify_short_name(n->type)) + ")";
      }
    } else if (!v1 && (p.type == IkeEncrypted || p.type == IkeEncryptedFragment)) {
      brief = name + "(first=" + ikev2_payload_name(p.next, response) + " len=" + std::to_string(p.length()) + ")";
    }
    if (p.critical) {  // the Critical bit, visible where it matters (3.2)
      full += "!";
      brief += "!";
    }
    out.full += (out.full.empty() ? "" : " ") + full;
    out.brief += (out.brief.empty() ? "" : " ") + brief;
  }
  return out;
}

// Per payload: its generic header (type, name, Payload Length, Critical), then what its body shows without keys.
void add_payload_details(Layer& l, const std::vector<IkePayload>& ps, bool v1, bool response) {
  size_t sa = 0, notify = 0, del = 0, vid = 0;
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    const std::string at = "payload[" + std::to_string(i) + "]";
    l.add(at + ".type", uint64_t{p.type});
    l.add(at + ".name", v1 ? ikev1_payload_name(p.type) : ikev2_payload_name(p.type, response));
    l.add(at + ".length", uint64_t{p.length()});
    if (!v1) l.add(at + ".critical", p.critical);
    if (p.type == (v1 ? uint8_t{IsakmpNotify} : uint8_t{IkeNotifyPayload})) {
      add_notify(l, p, notify++, v1);
    } else if (p.type == (v1 ? uint8_t{IsakmpSa} : uint8_t{IkeSa})) {
      add_sa(l, p, sa++, v1);
    } else if (p.type == (v1 ? uint8_t{IsakmpDelete} : uint8_t{IkeDelete})) {
      add_delete(l, p, del++, v1);
    } else if (p.type == (v1 ? uint8_t{IsakmpVendorId} : uint8_t{IkeVendorId})) {
      l.add("vendor_id[" + std::to_string(vid++) + "].length", uint64_t{p.body.size()});
    } else if (!v1 && p.type == IkeKe) {
      auto ke = IkeKeyExchange::decode(p, IkeVersion::V2);
      if (ke) {
        l.add("ke.dh_group", uint64_t{ke->group});
        l.add("ke.data_length", uint64_t{ke->data.size()});
      }
    } else if (v1 && p.type == IsakmpKe) {
      l.add("ke.data_length", uint64_t{p.body.size()});
    } else if (p.type == (v1 ? uint8_t{IsakmpNonce} : uint8_t{IkeNonce})) {
      l.add("nonce.length", uint64_t{p.body.size()});
    }
  }
}

std::string short_hex(uint64_t v) { return hex(v, 1); }

// The layer stops at `error` (an offset in the IKE message, made a frame offset); the summary says what was read.
void fail(Layer& l, std::string summary, const DecodeError& error, size_t offset) {
  l.summary = std::move(summary);
  l.error = error;
  l.error->offset += offset;
}

// The "payloads" list, the count and each payload's details; returns the brief list the summary shows.
std::string add_payloads(Layer& l, const std::vector<IkePayload>& ps, bool v1, bool response) {
  const auto list = payload_names(ps, v1, response);
  l.add("payloads", list.full);
  l.add("payload_count", uint64_t{ps.size()});
  add_payload_details(l, ps, v1, response);
  return list.brief;
}

void decode_v2(Bytes ike, size_t offset, Layer& l) {
  l.protocol = "ike";
  auto h = decode_ike_header(ike.data(), ike.size(), "the IKE header (RFC 7296 3.1, 28 bytes)");
  if (!h) {
    fail(l, "IKE truncated (" + std::to_string(ike.size()) + " of 28 header bytes)", h.error(), offset);
    return;
  }
  add_header(l, *h, false);
  auto m = IkeV2Message::decode(ike);
  const bool response = (h->flags & IkeV2Message::kFlagR) != 0;
  std::string head = "IKEv" + std::to_string(h->version >> 4) + " " + ikev2_exchange_name(h->exchange) + " " +
                     (response ? "response" : "request");
  std::string letters;
  if (h->flags & IkeV2Message::kFlagI) letters += "I";
  if (h->flags & IkeV2Message::kFlagV) letters += "V";
  head += " " + (letters.empty() ? std::string("-") : letters) + " spi_i=" + short_hex(h->spi_i) +
          " spi_r=" + short_hex(h->spi_r) + " msgid=" + std::to_string(h->message_id);
  if (!m) {
    fail(l, head + " decode error: " + m.error().to_string(), m.error(), offset);
    return;
  }
  const std::string brief = add_payloads(l, m->payloads(), false, response);
  if (const IkePayload* sk = m->encrypted()) {
    l.add("encrypted_payload", ikev2_payload_name(sk->type));
    l.add("encrypted_first_payload", uint64_t{sk->next});
    l.add("encrypted_first_payload_name", ikev2_payload_name(sk->next, response));
    l.add("encrypted_length", uint64_t{sk->length()});
    l.add("encrypted_note",
          "payloads inside " + ikev2_payload_name(sk->type) +
              " are unreadable without the IKE SA keys (RFC 7296 3.14); only their first type is visible");
  }
  if (!m->trailing().empty()) l.add("trailing_bytes", uint64_t{m->trailing().size()});
  l.summary = head + " [" + brief + "]";
  l.violations = validate(*m);
}

void decode_v1(Bytes ike, size_t offset, Layer& l) {
  l.protocol = "ikev1";
  auto h = decode_ike_header(ike.data(), ike.size(), "the ISAKMP header (RFC 2408 3.1, 28 bytes)");
  if (!h) {  // unreachable (ike_version needs 18 bytes, the header 28) unless truncated between them
    fail(l, "IKEv1 truncated (" + std::to_string(ike.size()) + " of 28 header bytes)", h.error(), offset);
    return;
  }
  add_header(l, *h, true);
  auto m = IkeV1Message::decode(ike);
  std::string letters;
  if (h->flags & IkeV1Message::kFlagE) letters += "E";
  if (h->flags & IkeV1Message::kFlagC) letters += "C";
  if (h->flags & IkeV1Message::kFlagA) letters += "A";
  std::string head = "IKEv1 " + ikev1_exchange_name(h->exchange) + " " + (letters.empty() ? "-" : letters) +
                     " cookie_i=" + short_hex(h->spi_i) + " cookie_r=" + short_hex(h->spi_r) +
                     " msgid=" + hex(h->message_id, 1);
  if (!m) {
    fail(l, head + " decode error: " + m.error().to_string(), m.error(), offset);
    return;
  }
  const std::string brief = add_payloads(l, m->payloads(), true, false);
  if (m->e()) {
    l.add("encrypted_length", uint64_t{m->encrypted_body().size()});
    l.add("encrypted_note",
          "all payloads after the header are encrypted (E flag, RFC 2408 3.1) and unreadable without the ISAKMP SA "
          "keys; the first is " +
              ikev1_payload_name(h->next_payload));
    l.summary = head + " [encrypted " + std::to_string(m->encrypted_body().size()) +
                " bytes, first=" + ikev1_payload_name(h->next_payload) + "]";
  } else {
    l.summary = head + " [" + brief + "]";
  }
  if (!m->trailing().empty()) l.add("trailing_bytes", uint64_t{m->trailing().size()});
  l.violations = validate(*m);
}

}  // namespace

void decode_ike_layer(Bytes ike, size_t offset, const IpContext& ctx, const DecodeOptions& opt, DecodedFrame& out) {
  (void)opt;  // no IKE decryption: SK contents stay opaque whatever the options
  Layer l;
  l.offset = offset;
  l.length = ike.size();
  l.decrypted = ctx.in_plaintext;
  try {
    if (ike_version(ike) == IkeVersion::V1) {
      decode_v1(ike, offset, l);
    } else {
      decode_v2(ike, offset, l);
    }
  } catch (const std::exception& e) {  // only std::bad_alloc is possible; keep the no-throw promise anyway
    l.error = DecodeError{offset, "ike", std::string("memory to decode the message (") + e.what() + ")"};
  }
  out.layers.push_back(std::move(l));
}

}  // namespace mipvpn::wire
