// The ESP security associations mipvpn can decrypt with, read from (and written as) Wireshark's ESP SA table: the
// `esp_sa` file that Wireshark 3.6/4.0 keeps in its configuration directory (Preferences > Protocols > ESP > ESP SAs)
// and tshark reads from there, so a user hands mipvpn the very file they use in Wireshark.
//
// File format (Wireshark's UAT text format, epan/uat.c uat_save and epan/uat_load.l): one SA per line, eight
// comma-separated fields, each a double-quoted string in which '"', '\' and non-printable bytes are written \xNN:
//
//   "IPv4","10.0.2.2","10.0.1.1","0x00000100","AES-GCM with 16 octet ICV [RFC4106]","0x<key||salt>","NULL",""
//
//   Protocol         "IPv4" (IPv6 SAs are refused: the harness is IPv4 only)
//   Src IP, Dest IP  dotted quad, or "*" for any address
//   SPI              "0x00000100", "256" (C-style base prefixes, as Wireshark's strtoul(..., 0)), not wildcarded
//   Encryption       "AES-GCM with 16 octet ICV [RFC4106]", "AES-CBC [RFC3602]" or "NULL"
//   Encryption Key   "0x" followed by hex digits, or the key's bytes as text (Wireshark's compute_ascii_key)
//   Authentication   "NULL" (with AES-GCM), "HMAC-SHA-1-96 [RFC2404]" or "HMAC-SHA-256-128 [RFC4868]"
//   Authentication Key  as Encryption Key
//
// Lines starting with '#' and blank lines are skipped, as Wireshark does.
#pragma once

#include "harness/wire/esp_crypto.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::wire {

struct EspKeyError {
  std::string file;
  size_t line = 0;        // 1-based
  std::string field;      // "protocol", "src_ip", "dst_ip", "spi", "encryption", "encryption_key", "authentication",
                          // "authentication_key", or "line" for the record's syntax, "file" when it cannot be read
  std::string expected;   // what was needed there, with what was found

  // "esp_sa:3: field spi: expected ..."
  std::string to_string() const;
};

class EspKeyring;

// A loaded table: the SAs of every good line, and one error per bad line (loading goes on after an error).
struct EspKeyringLoad {
  std::vector<EspSa> sas;
  std::vector<EspKeyError> errors;
  bool ok() const { return errors.empty(); }
  EspKeyring keyring() const;
};

class EspKeyring {
 public:
  // Throws std::invalid_argument when the SA's keys do not fit its algorithm (check_esp_sa).
  void add(EspSa sa);
  const std::vector<EspSa>& sas() const { return sas_; }
  bool empty() const { return sas_.empty(); }

  // The SA for an inbound packet, searched as RFC 4303 2.1 orders it: {SPI, destination, source}, then {SPI,
  // destination}, then {SPI} alone; an SA whose address is "*" matches any address but ranks below one naming it.
  // Among equally specific SAs the first added wins. Addresses are in network byte order (Tins::IPv4Address's raw
  // value, IpContext::src/dst). nullptr if none matches.
  const EspSa* find(uint32_t spi, uint32_t src_net_order, uint32_t dst_net_order) const;

  static EspKeyringLoad load(const std::string& path);
  // Parses the text of an esp_sa file; `file` only names it in errors.
  static EspKeyringLoad parse(std::string_view text, const std::string& file = "esp_sa");

 private:
  std::vector<EspSa> sas_;
};

// One esp_sa record line (no newline), as Wireshark writes it; also the value for tshark's
// `-o "uat:esp_sa:<record>"`.
std::string wireshark_esp_sa_record(const EspSa& sa);
// A whole esp_sa file: Wireshark's header comment and one record per SA.
std::string wireshark_esp_sa_file(const std::vector<EspSa>& sas);

}  // namespace mipvpn::wire
