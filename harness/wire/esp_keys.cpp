#include "harness/wire/esp_keys.h"

#include "harness/wire/format.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mipvpn::wire {
namespace {

// Column order of Wireshark's esp_uat_flds (epan/dissectors/packet-ipsec.c).
constexpr const char* kFields[] = {"protocol",   "src_ip",         "dst_ip",         "spi",
                                   "encryption", "encryption_key", "authentication", "authentication_key"};
constexpr size_t kFieldCount = std::size(kFields);

// Value strings of esp_encryption_type_vals / esp_authentication_type_vals that mipvpn implements.
constexpr const char* kEncNull = "NULL";
constexpr const char* kEncAesCbc = "AES-CBC [RFC3602]";
constexpr const char* kEncAesGcm16 = "AES-GCM with 16 octet ICV [RFC4106]";
constexpr const char* kAuthNull = "NULL";
constexpr const char* kAuthSha1 = "HMAC-SHA-1-96 [RFC2404]";
constexpr const char* kAuthSha256 = "HMAC-SHA-256-128 [RFC4868]";

// The other names Wireshark 4.0 offers, recognised so the error can say "not supported" rather than "unknown".
constexpr const char* kOtherEncryption[] = {
    "TripleDES-CBC [RFC2451]", "AES-CTR [RFC3686]", "DES-CBC [RFC2405]", "CAST5-CBC [RFC2144]",
    "BLOWFISH-CBC [RFC2451]", "TWOFISH-CBC", "AES-GCM [RFC4106]", "AES-GCM with 8 octet ICV [RFC4106]",
    "AES-GCM with 12 octet ICV [RFC4106]"};
constexpr const char* kOtherAuthentication[] = {
    "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]", "HMAC-SHA-384-192 [RFC4868]",
    "HMAC-SHA-512-256 [RFC4868]", "HMAC-MD5-96 [RFC2403]", "MAC-RIPEMD-160-96 [RFC2857]",
    "ANY 64 bit authentication [no checking]", "ANY 96 bit authentication [no checking]",
    "ANY 128 bit authentication [no checking]", "ANY 192 bit authentication [no checking]",
    "ANY 256 bit authentication [no checking]"};

template <size_t N>
bool one_of(const std::string& s, const char* const (&names)[N]) {
  for (const char* n : names)
    if (s == n) return true;
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// One record line split into raw field values, or the reason it could not be.
struct SplitLine {
  std::vector<std::string> fields;
  std::string error_field;  // empty when the line split cleanly
  std::string error;
};

// A quoted string's content with Wireshark's escapes (uat_undquote): \a \b \f \n \r \t \v \\ \" \' \? \xNN \NNN.
// `pos` is at the opening quote and ends after the closing one.
bool read_quoted(const std::string& line, size_t& pos, std::string& out, std::string& error) {
  ++pos;
  while (pos < line.size()) {
    const char c = line[pos++];
    if (c == '"') return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos >= line.size()) break;
    const char e = line[pos++];
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && pos < line.size() && hex_value(line[pos]) >= 0) {
          v = v * 16 + hex_value(line[pos++]);
          ++digits;
        }
        if (digits == 0) {
          error = "hex digits after \\x";
          return false;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', digits = 1;
          while (digits < 3 && pos < line.size() && line[pos] >= '0' && line[pos] <= '7') {
            v = v * 8 + (line[pos++] - '0');
            ++digits;
          }
          out += static_cast<char>(v & 0xff);
        } else {
          out += e;  // \\ \" \' \? and anything else stand for themselves
        }
    }
  }
  error = "a closing '\"' before the end of the line";
  return false;
}

SplitLine split_record(const std::string& line) {
  SplitLine r;
  size_t pos = 0;
  auto skip_ws = [&] {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  };
  auto field_name = [&](size_t i) { return std::string(i < kFieldCount ? kFields[i] : "line"); };
  while (true) {
    skip_ws();
    const size_t index = r.fields.size();
    std::string value;
    if (pos >= line.size() || line[pos] == ',') {
      // An empty field (",," or a trailing ",") reads as the empty string, as in uat_load.l.
    } else if (line[pos] == '"') {
      std::string error;
      if (!read_quoted(line, pos, value, error)) {
        r.error_field = field_name(index);
        r.error = error;
        return r;
      }
    } else if (std::isalnum(static_cast<unsigned char>(line[pos]))) {
      // Wireshark's "binstring": an unquoted run of hex digit pairs, read as the bytes they spell.
      const size_t start = pos;
      while (pos < line.size() && std::isalnum(static_cast<unsigned char>(line[pos]))) ++pos;
      const std::string run = line.substr(start, pos - start);
      for (size_t i = 0; i + 1 < run.size() && run.size() % 2 == 0; i += 2) {
        const int hi = hex_value(run[i]), lo = hex_value(run[i + 1]);
        if (hi < 0 || lo < 0) break;
        value += static_cast<char>(hi * 16 + lo);
      }
      if (run.size() % 2 != 0 || value.size() * 2 != run.size()) {
        r.error_field = field_name(index);
        r.error = "a quoted string (\"...\") or an even run of hex digits, found " + run;
        return r;
      }
    } else {
      r.error_field = field_name(index);
      r.error = std::string("a quoted string, found '") + line[pos] + "'";
      return r;
    }
    r.fields.push_back(std::move(value));
    skip_ws();
    if (pos >= line.size()) return r;
    if (line[pos] != ',') {
      r.error_field = field_name(index);
      r.error = std::string("',' or the end of the line after the field, found '") + line[pos] + "'";
      return r;
    }
    ++pos;
  }
}

// Wireshark's compute_ascii_key: "0x" + hex digits (an odd count gets a leading 0), "0x" alone = empty key, anything
// else is the key's bytes as written.
bool parse_key(const std::string& text, std::vector<uint8_t>& key, std::string& error) {
  key.clear();
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::string digits = text.substr(2);
    if (digits.size() % 2 != 0) digits.insert(digits.begin(), '0');
    for (size_t i = 0; i < digits.size(); i += 2) {
      const int hi = hex_value(digits[i]), lo = hex_value(digits[i + 1]);
      if (hi < 0 || lo < 0) {
        error = "hex digits after 0x, found " + quoted(text);
        return false;
      }
      key.push_back(static_cast<uint8_t>(hi * 16 + lo));
    }
    return true;
  }
  key.assign(text.begin(), text.end());
  return true;
}

// A dotted quad in the form Wireshark compares against (filter_address_match works on the address text, so "010.0.0.1"
// would never match 10.0.0.1 there): four decimal octets 0-255 without leading zeros. The address is built from the
// octets themselves, never by Tins::IPv4Address(string), whose inet_pton throws on forms it does not take.
bool parse_address(const std::string& text, std::optional<Tins::IPv4Address>& out, std::string& error) {
  if (text == "*") {
    out.reset();
    return true;
  }
  uint8_t octets[4] = {};
  size_t pos = 0;
  bool ok = true;
  for (int i = 0; i < 4 && ok; ++i) {
    if (i > 0) ok = pos < text.size() && text[pos++] == '.';
    const size_t start = pos;
    unsigned v = 0;
    while (ok && pos < text.size() && pos - start < 3 && text[pos] >= '0' && text[pos] <= '9')
      v = v * 10 + static_cast<unsigned>(text[pos++] - '0');
    ok = ok && pos > start && v < 256 && !(text[start] == '0' && pos - start > 1);
    octets[i] = static_cast<uint8_t>(v);
  }
  if (ok && pos == text.size()) {
    uint32_t raw = 0;  // Tins::IPv4Address keeps the network byte order in memory
    std::memcpy(&raw, octets, 4);
    out = Tins::IPv4Address(raw);
    return true;
  }
  error = "a dotted-quad IPv4 address (decimal octets 0-255, no leading zeros) or \"*\"";
  if (text.find('*') != std::string::npos || text.find('/') != std::string::npos)
    error += " (Wireshark's per-octet wildcards and /prefix lengths are not supported by mipvpn)";
  error += ", found " + quoted(text);
  return false;
}

// As strtoul(text, NULL, 0) in Wireshark's filter_spi_match, but the whole text must be the number.
bool parse_spi(const std::string& text, uint32_t& spi, std::string& error) {
  if (text.find('*') != std::string::npos) {
    error = "an SPI number (Wireshark's \"*\" wildcards are not supported by mipvpn), found " + quoted(text);
    return false;
  }
  size_t i = 0;
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    i = 1;
  }
  uint64_t v = 0;
  bool any = false;
  for (; i < text.size(); ++i) {
    const int d = hex_value(text[i]);
    if (d < 0 || static_cast<unsigned>(d) >= base) {
      any = false;
      break;
    }
    v = v * base + static_cast<unsigned>(d);
    any = true;
    if (v > 0xffffffffull) break;
  }
  if (!any || i != text.size() || v > 0xffffffffull) {
    error = "a 32-bit SPI (\"0x00000100\", \"256\"), found " + quoted(text);
    return false;
  }
  spi = static_cast<uint32_t>(v);
  return true;
}

using detail::hex_bytes;

std::string uat_quote(const std::string& s) {
  std::string out = "\"";
  char buf[5];
  for (unsigned char c : s) {
    if (c == '"' || c == '\\' || !std::isprint(c)) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

const char* encryption_name(EspAlgorithm alg) {
  switch (alg) {
    case EspAlgorithm::AesGcm16: return kEncAesGcm16;
    case EspAlgorithm::AesCbcHmacSha1_96:
    case EspAlgorithm::AesCbcHmacSha256_128: return kEncAesCbc;
    case EspAlgorithm::NullHmacSha1_96: return kEncNull;
  }
  return kEncNull;
}

const char* authentication_name(EspAlgorithm alg) {
  switch (alg) {
    case EspAlgorithm::AesGcm16: return kAuthNull;
    case EspAlgorithm::AesCbcHmacSha1_96:
    case EspAlgorithm::NullHmacSha1_96: return kAuthSha1;
    case EspAlgorithm::AesCbcHmacSha256_128: return kAuthSha256;
  }
  return kAuthNull;
}

// A record's fields to an SA; every bad field becomes an error.
void convert(const std::vector<std::string>& f, const std::string& file, size_t line, EspKeyringLoad& out) {
  std::vector<EspKeyError> errors;
  auto fail = [&](const char* field, std::string expected) {
    errors.push_back({file, line, field, std::move(expected)});
  };
  EspSa sa;
  std::string error;
  if (f[0] == "IPv6")
    fail("protocol", "\"IPv4\" (mipvpn decodes IPv4 only), found \"IPv6\"");
  else if (f[0] != "IPv4")
    fail("protocol", "\"IPv4\", found " + quoted(f[0]));
  if (!parse_address(f[1], sa.src, error)) fail("src_ip", error);
  if (!parse_address(f[2], sa.dst, error)) fail("dst_ip", error);
  if (!parse_spi(f[3], sa.spi, error)) fail("spi", error);

  const std::string& enc = f[4];
  const std::string& auth = f[6];
  const std::string supported_enc = std::string("\"") + kEncAesGcm16 + "\", \"" + kEncAesCbc + "\" or \"" + kEncNull +
                                    "\"";
  const std::string supported_auth = std::string("\"") + kAuthSha1 + "\", \"" + kAuthSha256 + "\" or \"" + kAuthNull +
                                     "\"";
  bool enc_ok = enc == kEncAesGcm16 || enc == kEncAesCbc || enc == kEncNull;
  bool auth_ok = auth == kAuthSha1 || auth == kAuthSha256 || auth == kAuthNull;
  if (!enc_ok)
    fail("encryption", supported_enc + ", found " + quoted(enc) +
                           (one_of(enc, kOtherEncryption) ? " (a Wireshark algorithm mipvpn does not implement)" : ""));
  if (!auth_ok)
    fail("authentication",
         supported_auth + ", found " + quoted(auth) +
             (one_of(auth, kOtherAuthentication) ? " (a Wireshark algorithm mipvpn does not implement)" : ""));
  if (enc_ok && auth_ok) {
    if (enc == kEncAesGcm16 && auth == kAuthNull) {
      sa.alg = EspAlgorithm::AesGcm16;
    } else if (enc == kEncAesGcm16) {
      fail("authentication", std::string("\"NULL\" with AES-GCM (Wireshark: \"AES-GCM encryption can only be used "
                                         "with NULL authentication\"), found ") + quoted(auth));
    } else if (enc == kEncAesCbc && auth == kAuthSha1) {
      sa.alg = EspAlgorithm::AesCbcHmacSha1_96;
    } else if (enc == kEncAesCbc && auth == kAuthSha256) {
      sa.alg = EspAlgorithm::AesCbcHmacSha256_128;
    } else if (enc == kEncNull && auth == kAuthSha1) {
      sa.alg = EspAlgorithm::NullHmacSha1_96;
    } else {
      fail("authentication", std::string("an integrity algorithm with ") + quoted(enc) + " (\"" + kAuthSha1 + "\"" +
                                 (enc == kEncAesCbc ? std::string(" or \"") + kAuthSha256 + "\"" : "") +
                                 "), found " + quoted(auth));
    }
  }
  if (!parse_key(f[5], sa.enc_key, error)) fail("encryption_key", error);
  if (!parse_key(f[7], sa.auth_key, error)) fail("authentication_key", error);
  if (errors.empty()) {
    if (auto p = check_esp_sa(sa)) fail(p->field == "enc_key" ? "encryption_key" : "authentication_key", p->expected);
  }
  if (errors.empty()) {
    out.sas.push_back(std::move(sa));
  } else {
    for (auto& e : errors) out.errors.push_back(std::move(e));
  }
}

// Ranks how specifically an SA names the packet's addresses (RFC 4303 2.1 search order); -1 if it does not match.
int match_rank(const EspSa& sa, uint32_t src, uint32_t dst) {
  if (sa.dst && static_cast<uint32_t>(*sa.dst) != dst) return -1;
  if (sa.src && static_cast<uint32_t>(*sa.src) != src) return -1;
  return (sa.dst ? 2 : 0) + (sa.src ? 1 : 0);
}

}  // namespace

std::string EspKeyError::to_string() const {
  return file + ":" + std::to_string(line) + ": field " + field + ": expected " + expected;
}

EspKeyring EspKeyringLoad::keyring() const {
  EspKeyring k;
  for (const auto& sa : sas) k.add(sa);
  return k;
}

void EspKeyring::add(EspSa sa) {
  if (auto p = check_esp_sa(sa)) throw std::invalid_argument("ESP SA " + p->field + ": expected " + p->expected);
  sas_.push_back(std::move(sa));
}

const EspSa* EspKeyring::find(uint32_t spi, uint32_t src, uint32_t dst) const {
  const EspSa* best = nullptr;
  int best_rank = -1;
  for (const auto& sa : sas_) {
    if (sa.spi != spi) continue;
    const int rank = match_rank(sa, src, dst);
    if (rank > best_rank) {
      best = &sa;
      best_rank = rank;
    }
  }
  return best;
}

EspKeyringLoad EspKeyring::parse(std::string_view text, const std::string& file) {
  EspKeyringLoad out;
  size_t line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    SplitLine split = split_record(line);
    if (!split.error_field.empty()) {
      out.errors.push_back({file, line_no, split.error_field, split.error});
      continue;
    }
    if (split.fields.size() < kFieldCount) {
      out.errors.push_back({file, line_no, kFields[split.fields.size()],
                            "a value; the record has only " + std::to_string(split.fields.size()) + " of the " +
                                std::to_string(kFieldCount) +
                                " fields (Protocol, Src IP, Dest IP, SPI, Encryption, Encryption Key, "
                                "Authentication, Authentication Key)"});
      continue;
    }
    if (split.fields.size() > kFieldCount) {
      out.errors.push_back({file, line_no, "line",
                            std::to_string(kFieldCount) + " fields, found " + std::to_string(split.fields.size())});
      continue;
    }
    convert(split.fields, file, line_no, out);
  }
  return out;
}

EspKeyringLoad EspKeyring::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    EspKeyringLoad out;
    out.errors.push_back({path, 0, "file", std::string("a readable file (") + std::strerror(errno) + ")"});
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::string wireshark_esp_sa_record(const EspSa& sa) {
  char spi[16];
  std::snprintf(spi, sizeof spi, "0x%08x", sa.spi);
  const auto key = [](const std::vector<uint8_t>& k) { return k.empty() ? std::string() : "0x" + hex_bytes(k); };
  const std::string fields[] = {"IPv4",
                                sa.src ? sa.src->to_string() : "*",
                                sa.dst ? sa.dst->to_string() : "*",
                                spi,
                                encryption_name(sa.alg),
                                key(sa.enc_key),
                                authentication_name(sa.alg),
                                key(sa.auth_key)};
  std::string out;
  for (size_t i = 0; i < std::size(fields); ++i) out += (i ? "," : "") + uat_quote(fields[i]);
  return out;
}

std::string wireshark_esp_sa_file(const std::vector<EspSa>& sas) {
  std::string out = "# This file is automatically generated, DO NOT MODIFY.\n";
  for (const auto& sa : sas) out += wireshark_esp_sa_record(sa) + "\n";
  return out;
}

}  // namespace mipvpn::wire
