#include "harness/wire/ike_sa.h"

#include "harness/wire/bytes.h"

namespace mipvpn::wire {
namespace {

constexpr size_t kProposalFixed = 8;   // both versions: 4-byte header + number, protocol, SPI size, count
constexpr size_t kTransformFixed = 8;  // both versions: 4-byte header + type/number, reserved/id, id/reserved2

// Reads one structure of the SA body. `base` is the message offset of body[0].
class Reader {
 public:
  Reader(const std::vector<uint8_t>& body, size_t base) : b_(body), base_(base) {}

  // The first field of (name, offset, size) that does not fit in [from, end); nullopt when all fit.
  struct Field {
    const char* name;
    size_t offset, size;
  };
  template <size_t N>
  std::optional<DecodeError> need(size_t from, size_t end, const std::string& prefix, const Field (&fields)[N],
                                  const char* what) const {
    const size_t left = end - from;
    for (const auto& f : fields) {
      if (left < f.offset + f.size)
        return DecodeError{base_ + from + f.offset, prefix + f.name,
                           detail::need_text(f.size, left > f.offset ? left - f.offset : 0, what)};
    }
    return std::nullopt;
  }

  // Attributes in [from, end) (3.3.5 / RFC 2408 3.3).
  Expected<std::vector<IkeAttribute>> attributes(size_t from, size_t end, const std::string& prefix) const {
    std::vector<IkeAttribute> out;
    size_t pos = from;
    while (pos < end) {
      const std::string p = prefix + "attribute[" + std::to_string(out.size()) + "].";
      static constexpr Field kHead[] = {{"type", 0, 2}, {"value", 2, 2}};
      if (auto e = need(pos, end, p, kHead, "data attribute")) return *e;
      IkeAttribute a;
      const uint16_t t = detail::load16(b_.data() + pos);
      a.tv = (t & 0x8000) != 0;
      a.type = t & 0x7fff;
      if (a.tv) {
        a.value = detail::load16(b_.data() + pos + 2);
        pos += 4;
      } else {
        const uint16_t len = detail::load16(b_.data() + pos + 2);
        if (end - pos - 4 < len)
          return DecodeError{base_ + pos + 4, p + "data",
                             detail::need_text(len, end - pos - 4, "attribute value announced by Attribute Length")};
        a.data.assign(b_.begin() + static_cast<std::ptrdiff_t>(pos + 4),
                      b_.begin() + static_cast<std::ptrdiff_t>(pos + 4 + len));
        pos += 4 + len;
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  // One proposal at `pos` (its Proposal Length bounded by `end`), transforms included. Returns its end.
  Expected<size_t> proposal(size_t pos, size_t end, size_t index, IkeVersion version, IkeProposal& out) const {
    const std::string p = "sa.proposal[" + std::to_string(index) + "].";
    static constexpr Field kFixed[] = {{"last_substruc", 0, 1}, {"reserved", 1, 1},    {"length", 2, 2},
                                       {"number", 4, 1},        {"protocol_id", 5, 1}, {"spi_size", 6, 1},
                                       {"num_transforms", 7, 1}};
    if (auto e = need(pos, end, p, kFixed, "proposal fixed part (8 bytes)")) return *e;
    const uint16_t length = detail::load16(b_.data() + pos + 2);
    if (length < kProposalFixed || length > end - pos)
      return DecodeError{base_ + pos + 2, p + "length",
                         "a Proposal Length of 8.." + std::to_string(end - pos) + " (what is left of the SA), found " +
                             std::to_string(length)};
    const size_t pend = pos + length;
    out.offset = base_ + pos;
    out.last = b_[pos];
    out.reserved = b_[pos + 1];
    out.number = b_[pos + 4];
    out.protocol_id = b_[pos + 5];
    const uint8_t spi_size = b_[pos + 6];
    out.num_transforms = b_[pos + 7];
    if (pend - pos - kProposalFixed < spi_size)
      return DecodeError{base_ + pos + kProposalFixed, p + "spi",
                         detail::need_text(spi_size, pend - pos - kProposalFixed, "SPI announced by SPI Size")};
    out.spi.assign(b_.begin() + static_cast<std::ptrdiff_t>(pos + kProposalFixed),
                   b_.begin() + static_cast<std::ptrdiff_t>(pos + kProposalFixed + spi_size));
    size_t t = pos + kProposalFixed + spi_size;
    while (t < pend) {
      const std::string tp = p + "transform[" + std::to_string(out.transforms.size()) + "].";
      if (out.transforms.size() >= out.num_transforms)
        return DecodeError{base_ + pos + 7, p + "num_transforms",
                           std::to_string(out.num_transforms) + " transforms as counted, but the Proposal Length " +
                               std::to_string(length) + " leaves " + std::to_string(pend - t) + " more bytes"};
      static constexpr Field kT[] = {{"last_substruc", 0, 1}, {"reserved", 1, 1},  {"length", 2, 2},
                                     {"type", 4, 1},          {"reserved1", 5, 1}, {"id", 6, 2}};
      if (auto e = need(t, pend, tp, kT, "transform fixed part (8 bytes)")) return *e;
      const uint16_t tlen = detail::load16(b_.data() + t + 2);
      if (tlen < kTransformFixed || tlen > pend - t)
        return DecodeError{base_ + t + 2, tp + "length",
                           "a Transform Length of 8.." + std::to_string(pend - t) +
                               " (what is left of the proposal), found " + std::to_string(tlen)};
      IkeTransform tr;
      tr.offset = base_ + t;
      tr.last = b_[t];
      tr.reserved = b_[t + 1];
      if (version == IkeVersion::V1) {
        tr.number = b_[t + 4];
        tr.id = b_[t + 5];
        tr.reserved2 = detail::load16(b_.data() + t + 6);
      } else {
        tr.type = b_[t + 4];
        tr.reserved1 = b_[t + 5];
        tr.id = detail::load16(b_.data() + t + 6);
      }
      auto attrs = attributes(t + kTransformFixed, t + tlen, tp);
      if (!attrs) return attrs.error();
      tr.attributes = std::move(attrs).value();
      out.transforms.push_back(std::move(tr));
      t += tlen;
    }
    if (out.transforms.size() != out.num_transforms)
      return DecodeError{base_ + pos + 7, p + "num_transforms",
                         std::to_string(out.num_transforms) + " transforms as counted, found " +
                             std::to_string(out.transforms.size()) + " within the Proposal Length " +
                             std::to_string(length)};
    return pend;
  }

 private:
  const std::vector<uint8_t>& b_;
  size_t base_;
};

void put_attributes(const std::vector<IkeAttribute>& attrs, std::vector<uint8_t>& out) {
  for (const auto& a : attrs) {
    const size_t at = out.size();
    out.resize(at + 4);
    detail::store16(out.data() + at, static_cast<uint16_t>((a.tv ? 0x8000 : 0) | (a.type & 0x7fff)));
    if (a.tv) {
      detail::store16(out.data() + at + 2, a.value);
    } else {
      detail::store16(out.data() + at + 2, static_cast<uint16_t>(a.data.size()));
      out.insert(out.end(), a.data.begin(), a.data.end());
    }
  }
}

}  // namespace

Expected<IkeSecurityAssociation> IkeSecurityAssociation::decode(const IkePayload& payload,
                                                                IkeVersion version) noexcept {
  try {
    IkeSecurityAssociation sa;
    const auto& b = payload.body;
    const size_t base = payload.offset + IkePayload::kHeaderSize;
    Reader r(b, base);
    size_t pos = 0;
    if (version == IkeVersion::V1) {
      static constexpr Reader::Field kHead[] = {{"doi", 0, 4}, {"situation", 4, 4}};
      if (auto e = r.need(0, b.size(), "sa.", kHead, "DOI and Situation")) return *e;
      sa.doi = detail::load32(b.data());
      sa.situation = detail::load32(b.data() + 4);
      // RFC 2407 4.6.1: with only SIT_IDENTITY_ONLY (0x01) the Situation is these 4 bytes; SIT_SECRECY and
      // SIT_INTEGRITY add labeled-domain fields whose layout is not decoded here.
      if (sa.doi != 1 || (sa.situation & ~uint32_t{1}) != 0) {
        sa.proposals_decoded = false;
        return sa;
      }
      pos = 8;
    }
    while (pos < b.size()) {
      IkeProposal p;
      auto end = r.proposal(pos, b.size(), sa.proposals.size(), version, p);
      if (!end) return end.error();
      sa.proposals.push_back(std::move(p));
      pos = *end;
    }
    return sa;
  } catch (const std::exception& e) {
    return DecodeError{payload.offset, "sa", std::string("memory for the SA (") + e.what() + ")"};
  }
}

std::vector<uint8_t> IkeSecurityAssociation::body(IkeVersion version) const {
  std::vector<uint8_t> out;
  if (version == IkeVersion::V1) {
    out.resize(8);
    detail::store32(out.data(), doi);
    detail::store32(out.data() + 4, situation);
  }
  for (size_t i = 0; i < proposals.size(); ++i) {
    const auto& p = proposals[i];
    const size_t at = out.size();
    out.resize(at + kProposalFixed);
    out[at] = i + 1 < proposals.size() ? 2 : 0;
    out[at + 1] = p.reserved;
    out[at + 4] = p.number;
    out[at + 5] = p.protocol_id;
    out[at + 6] = static_cast<uint8_t>(p.spi.size());
    out[at + 7] = static_cast<uint8_t>(p.transforms.size());
    out.insert(out.end(), p.spi.begin(), p.spi.end());
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const auto& t = p.transforms[j];
      const size_t tat = out.size();
      out.resize(tat + kTransformFixed);
      out[tat] = j + 1 < p.transforms.size() ? 3 : 0;
      out[tat + 1] = t.reserved;
      if (version == IkeVersion::V1) {
        out[tat + 4] = t.number;
        out[tat + 5] = static_cast<uint8_t>(t.id);
        detail::store16(out.data() + tat + 6, t.reserved2);
      } else {
        out[tat + 4] = t.type;
        out[tat + 5] = t.reserved1;
        detail::store16(out.data() + tat + 6, t.id);
      }
      put_attributes(t.attributes, out);
      detail::store16(out.data() + tat + 2, static_cast<uint16_t>(out.size() - tat));
    }
    detail::store16(out.data() + at + 2, static_cast<uint16_t>(out.size() - at));
  }
  return out;
}

std::vector<uint16_t> IkeSecurityAssociation::dh_groups() const {
  std::vector<uint16_t> out;
  for (const auto& p : proposals)
    for (const auto& t : p.transforms)
      if (t.type == 4) out.push_back(t.id);
  return out;
}

std::string ikev2_transform_type_name(uint8_t type) {
  switch (type) {
    case 1:
      return "ENCR";
    case 2:
      return "PRF";
    case 3:
      return "INTEG";
    case 4:
      return "D-H";
    case 5:
      return "ESN";
    default:
      return "type " + std::to_string(type);
  }
}

}  // namespace mipvpn::wire
