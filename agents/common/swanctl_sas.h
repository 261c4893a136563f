// The IKE and CHILD SAs charon reports, parsed from `swanctl --list-sas --pretty` (the vici message tree printed one
// `key = value` per line, so values with spaces, such as distinguished names, survive). Unknown keys and sections
// are ignored, so newer strongSwan versions that add fields still parse.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mipvpn::agents {

struct ChildSaState {
  std::string name;      // child config name ("intranet"); the section name is name-uniqueid
  std::string state;     // INSTALLED, REKEYING, ...
  std::string mode;      // TUNNEL
  std::string protocol;  // ESP
  bool encap = false;    // UDP-encapsulated (always with kernel-libipsec)
  uint32_t spi_in = 0;   // inbound ESP SPI (ours), 0 if absent
  uint32_t spi_out = 0;  // outbound ESP SPI (the peer's)
  uint64_t bytes_in = 0, packets_in = 0, bytes_out = 0, packets_out = 0;
  std::vector<std::string> local_ts, remote_ts;

  // "intranet INSTALLED ESP in UDP SPIs in d33aa18e out 4f53a4d1 10.10.99.1/32 === 10.10.0.0/24"
  std::string summary() const;
};

struct IkeSaState {
  std::string name;   // connection name
  std::string state;  // ESTABLISHED, CONNECTING, ...
  int version = 0;
  std::string local_host, remote_host;
  uint16_t local_port = 0, remote_port = 0;
  std::string local_id, remote_id;
  bool initiator = false;
  uint64_t initiator_spi = 0, responder_spi = 0;
  bool nat_remote = false;
  std::vector<std::string> local_vips;   // virtual IPs we were given (client)
  std::vector<std::string> remote_vips;  // virtual IPs we handed out (gateway)
  std::vector<ChildSaState> children;

  // One line for logs: "home ESTABLISHED 203.0.113.2[mn.example] ... 203.0.113.1[gw.example] vip 10.10.99.1 IKE SPIs
  // 81f8c0a96fb8ec77/87db9a30c184bf24; intranet INSTALLED ..." (the child summaries follow, separated by "; ").
  std::string summary() const;
};

class ListSasParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the whole output (several "list-sa event" blocks and the final "list-sas reply"). Throws ListSasParseError
// with the line number for unbalanced braces or brackets, a line that is neither, or a malformed SPI or number.
std::vector<IkeSaState> parse_list_sas(std::string_view pretty_output);

// The first CHILD SA named `child` in state INSTALLED of an ESTABLISHED IKE SA named `ike`, if any.
std::optional<ChildSaState> find_installed_child(const std::vector<IkeSaState>& sas, const std::string& ike,
                                                 const std::string& child);

}  // namespace mipvpn::agents
