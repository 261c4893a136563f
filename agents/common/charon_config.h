// What one strongSwan charon (5.9.8, kernel-libipsec) runs with: its own directory, the interfaces it may use, log
// levels, and one connection (a roadwarrior client asking for a virtual IP, or a gateway handing them out of a pool).
// The two files charon and swanctl read are rendered from it by pure functions. Recipe and pitfalls:
// /work/shared/docs/strongswan-in-netns.md.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace mipvpn::agents {

// Errors of the charon supervisor: they name the file or step and what was expected.
class CharonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CharonLogLevels {
  int default_level = 1;
  int ike = 2;
  int knl = 2;
  int esp = 1;
  int cfg = 1;
  // `chd = 4`: charon logs the CHILD_SA encryption/integrity keys, enough to decrypt ESP in captures. Test-only.
  bool child_keys = false;
};

// A roadwarrior: asks for a virtual IP (`vips = 0.0.0.0`), which is the VPN tunnel inner address of RFC 5265.
struct CharonClientConnection {
  std::string name = "home";       // IKE connection name (swanctl --initiate --ike)
  std::string child = "intranet";  // CHILD_SA name (--child)
  std::vector<std::string> local_addrs;   // empty: any (for RFC 5265: the x-HoA)
  std::vector<std::string> remote_addrs;  // the VPN gateway
  std::vector<std::string> remote_ts;     // the intranet behind the gateway
  std::string local_id;
  std::string remote_id;
  std::string psk;
  bool mobike = true;
  std::string proposals = "aes256gcm16-prfsha256-x25519";
  std::string esp_proposals = "aes256gcm16";
};

// A gateway handing out virtual IPs from a pool.
struct CharonGatewayConnection {
  std::string name = "rw";
  std::string child = "intranet";
  std::vector<std::string> local_addrs;
  std::string pool_name = "rw-pool";
  std::string pool_addrs;               // "10.10.99.0/24" or a range
  std::vector<std::string> local_ts;    // the intranet it protects
  std::string local_id;
  std::string remote_id = "%any";       // the clients' identity (any by default)
  std::vector<std::string> client_ids;  // identities sharing the PSK (added to the secret; may be empty)
  std::string psk;
  bool mobike = true;
  std::string proposals = "aes256gcm16-prfsha256-x25519, aes256-sha256-x25519";
  std::string esp_proposals = "aes256gcm16, aes256-sha256";
};

struct CharonConfig {
  // Created by CharonProcess::start: strongswan.conf, swanctl/ (swanctl.conf and the empty credential folders),
  // run/ (bind-mounted over /run for charon), charon.log, charon.vici, charon.out (charon's stdout/stderr).
  // Must not be below /run (it is hidden by that mount) and short enough for a unix socket path.
  std::filesystem::path dir;
  std::vector<std::string> interfaces_use;     // charon.interfaces_use (e.g. the x-MIP TUN "xmip0")
  std::vector<std::string> interfaces_ignore;  // charon.interfaces_ignore (e.g. a gateway's intranet side)
  CharonLogLevels log;
  std::variant<CharonClientConnection, CharonGatewayConnection> connection;

  std::filesystem::path charon_path = "/usr/lib/ipsec/charon";
  std::filesystem::path swanctl_path = "/usr/sbin/swanctl";
  std::chrono::milliseconds ready_timeout{5000};  // charon start until its vici socket accepts
  std::chrono::milliseconds load_timeout{10000};  // swanctl --load-all
  std::chrono::milliseconds stop_grace{3000};     // SIGTERM until SIGKILL

  std::filesystem::path strongswan_conf() const { return dir / "strongswan.conf"; }
  std::filesystem::path swanctl_dir() const { return dir / "swanctl"; }
  std::filesystem::path swanctl_conf() const { return dir / "swanctl" / "swanctl.conf"; }
  std::filesystem::path run_dir() const { return dir / "run"; }
  std::filesystem::path log_file() const { return dir / "charon.log"; }
  std::filesystem::path output_file() const { return dir / "charon.out"; }
  std::filesystem::path vici_socket() const { return dir / "charon.vici"; }
  std::string vici_uri() const { return "unix://" + vici_socket().string(); }
};

// The plugins charon loads, in order: kernel-libipsec before kernel-netlink (libipsec does the SAs, netlink still
// does routes, addresses and address events).
extern const char* const kCharonPlugins;

// Throws CharonError naming the field when a value would break the files (braces, newlines, quotes, '#', empty
// required values) or the directory is unusable (empty, relative, below /run, socket path too long).
void validate_charon_config(const CharonConfig& config);

// The text of strongswan.conf / swanctl.conf for `config` (validated first).
std::string render_strongswan_conf(const CharonConfig& config);
std::string render_swanctl_conf(const CharonConfig& config);

// Creates the directory layout and writes both files; CharonError names the path that failed.
void write_charon_files(const CharonConfig& config);

}  // namespace mipvpn::agents
