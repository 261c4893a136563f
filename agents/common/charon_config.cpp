#include "agents/common/charon_config.h"

#include <sys/un.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace mipvpn::agents {

const char* const kCharonPlugins =
    "random nonce openssl pem pkcs1 x509 pubkey curve25519 sha1 sha2 hmac kdf gmp aes gcm kernel-libipsec "
    "kernel-netlink socket-default vici";

namespace {

// The empty credential folders swanctl --load-all opens (missing ones cost a warning each).
const char* const kSwanctlFolders[] = {"conf.d", "x509",  "x509ca", "x509aa", "x509ocsp", "x509crl", "x509ac",
                                       "pubkey", "private", "rsa",   "ecdsa",  "bliss",    "pkcs8",   "pkcs12"};

void check_value(const std::string& field, const std::string& value, bool required) {
  if (required && value.empty()) throw CharonError("charon config: " + field + ": expected a value, found none");
  for (const char c : value) {
    if (c == '{' || c == '}' || c == '\n' || c == '\r' || c == '"' || c == '#' || c == '\\') {
      throw CharonError("charon config: " + field + ": expected no braces, quotes, '#', '\\' or line breaks, "
                        "found \"" + value + "\"");
    }
  }
}

void check_list(const std::string& field, const std::vector<std::string>& values, bool required) {
  if (required && values.empty()) throw CharonError("charon config: " + field + ": expected at least one entry");
  for (size_t i = 0; i < values.size(); ++i) {
    check_value(field + "/" + std::to_string(i), values[i], true);
    if (values[i].find(',') != std::string::npos || values[i].find(' ') != std::string::npos) {
      throw CharonError("charon config: " + field + "/" + std::to_string(i) + ": expected one entry without ',' or "
                        "spaces, found \"" + values[i] + "\"");
    }
  }
}

std::string join(const std::vector<std::string>& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : ", ") + v;
  return s;
}

void validate_client(const CharonClientConnection& c) {
  check_value("connection/name", c.name, true);
  check_value("connection/child", c.child, true);
  check_list("connection/local_addrs", c.local_addrs, false);
  check_list("connection/remote_addrs", c.remote_addrs, true);
  check_list("connection/remote_ts", c.remote_ts, true);
  check_value("connection/local_id", c.local_id, true);
  check_value("connection/remote_id", c.remote_id, true);
  check_value("connection/psk", c.psk, true);
  check_value("connection/proposals", c.proposals, true);
  check_value("connection/esp_proposals", c.esp_proposals, true);
}

void validate_gateway(const CharonGatewayConnection& g) {
  check_value("connection/name", g.name, true);
  check_value("connection/child", g.child, true);
  check_list("connection/local_addrs", g.local_addrs, false);
  check_value("connection/pool_name", g.pool_name, true);
  check_value("connection/pool_addrs", g.pool_addrs, true);
  check_list("connection/local_ts", g.local_ts, true);
  check_value("connection/local_id", g.local_id, true);
  check_value("connection/remote_id", g.remote_id, true);
  check_list("connection/client_ids", g.client_ids, false);
  check_value("connection/psk", g.psk, true);
  check_value("connection/proposals", g.proposals, true);
  check_value("connection/esp_proposals", g.esp_proposals, true);
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

void write_file(const std::filesystem::path& path, const std::string& text, std::filesystem::perms perms) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw CharonError("cannot write " + path.string());
  std::error_code ec;
  std::filesystem::permissions(path, perms, ec);
  if (ec) throw CharonError("cannot set permissions of " + path.string() + ": " + ec.message());
}

}  // namespace

void validate_charon_config(const CharonConfig& config) {
  const std::string dir = config.dir.string();
  if (dir.empty() || !config.dir.is_absolute()) {
    throw CharonError("charon config: dir: expected an absolute directory, found \"" + dir + "\"");
  }
  const std::string normal = config.dir.lexically_normal().string();
  for (const char* hidden : {"/run", "/var/run"}) {
    const std::string h(hidden);
    if (normal == h || normal.rfind(h + "/", 0) == 0) {
      throw CharonError("charon config: dir: expected a directory outside " + h + " (charon gets a private /run "
                        "bind-mounted over it), found " + dir);
    }
  }
  check_value("dir", dir, true);
  if (config.vici_socket().string().size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw CharonError("charon config: dir: expected a path short enough for the unix socket " +
                      config.vici_socket().string() + " (at most " + std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                      " characters)");
  }
  check_list("interfaces_use", config.interfaces_use, false);
  check_list("interfaces_ignore", config.interfaces_ignore, false);
  if (const auto* client = std::get_if<CharonClientConnection>(&config.connection)) validate_client(*client);
  if (const auto* gateway = std::get_if<CharonGatewayConnection>(&config.connection)) validate_gateway(*gateway);
}

std::string render_strongswan_conf(const CharonConfig& config) {
  validate_charon_config(config);
  const CharonLogLevels& log = config.log;
  std::ostringstream s;
  s << "# Written by mipvpn's CharonProcess for the charon of " << config.dir.string() << "\n"
    << "charon {\n"
    << "  load_modular = no\n";
  if (!config.interfaces_use.empty()) s << "  interfaces_use = " << join(config.interfaces_use) << "\n";
  if (!config.interfaces_ignore.empty()) s << "  interfaces_ignore = " << join(config.interfaces_ignore) << "\n";
  s << "  load = " << kCharonPlugins << "\n"
    << "  filelog {\n"
    << "    main {\n"
    << "      path = " << config.log_file().string() << "\n"
    << "      time_format = %H:%M:%S\n"
    << "      time_add_ms = yes\n"
    << "      append = no\n"
    << "      flush_line = yes\n"
    << "      default = " << log.default_level << "\n"
    << "      ike = " << log.ike << "\n"
    << "      knl = " << log.knl << "\n"
    << "      esp = " << log.esp << "\n"
    << "      cfg = " << log.cfg << "\n";
  if (log.child_keys) s << "      chd = 4\n";
  s << "    }\n"
    << "  }\n"
    << "  plugins {\n"
    << "    vici {\n"
    << "      socket = " << config.vici_uri() << "\n"
    << "    }\n"
    << "  }\n"
    << "}\n"
    << "swanctl {\n"
    << "  socket = " << config.vici_uri() << "\n"
    << "}\n";
  return s.str();
}

std::string render_swanctl_conf(const CharonConfig& config) {
  validate_charon_config(config);
  std::ostringstream s;
  s << "# Written by mipvpn's CharonProcess for the charon of " << config.dir.string() << "\n"
    << "connections {\n";
  if (const auto* c = std::get_if<CharonClientConnection>(&config.connection)) {
    s << "  " << c->name << " {\n"
      << "    version = 2\n";
    if (!c->local_addrs.empty()) s << "    local_addrs = " << join(c->local_addrs) << "\n";
    s << "    remote_addrs = " << join(c->remote_addrs) << "\n"
      << "    vips = 0.0.0.0\n"
      << "    mobike = " << yes_no(c->mobike) << "\n"
      << "    proposals = " << c->proposals << "\n"
      << "    local {\n      auth = psk\n      id = " << c->local_id << "\n    }\n"
      << "    remote {\n      auth = psk\n      id = " << c->remote_id << "\n    }\n"
      << "    children {\n"
      << "      " << c->child << " {\n"
      << "        remote_ts = " << join(c->remote_ts) << "\n"
      << "        esp_proposals = " << c->esp_proposals << "\n"
      << "      }\n"
      << "    }\n"
      << "  }\n"
      << "}\n"
      << "secrets {\n"
      << "  ike-" << c->name << " {\n"
      << "    id-local = " << c->local_id << "\n"
      << "    id-remote = " << c->remote_id << "\n"
      << "    secret = \"" << c->psk << "\"\n"
      << "  }\n"
      << "}\n";
  } else {
    const auto& g = std::get<CharonGatewayConnection>(config.connection);
    s << "  " << g.name << " {\n"
      << "    version = 2\n";
    if (!g.local_addrs.empty()) s << "    local_addrs = " << join(g.local_addrs) << "\n";
    s << "    pools = " << g.pool_name << "\n"
      << "    mobike = " << yes_no(g.mobike) << "\n"
      << "    proposals = " << g.proposals << "\n"
      << "    local {\n      auth = psk\n      id = " << g.local_id << "\n    }\n"
      << "    remote {\n      auth = psk\n      id = " << g.remote_id << "\n    }\n"
      << "    children {\n"
      << "      " << g.child << " {\n"
      << "        local_ts = " << join(g.local_ts) << "\n"
      << "        esp_proposals = " << g.esp_proposals << "\n"
      << "      }\n"
      << "    }\n"
      << "  }\n"
      << "}\n"
      << "pools {\n"
      << "  " << g.pool_name << " {\n"
      << "    addrs = " << g.pool_addrs << "\n"
      << "  }\n"
      << "}\n"
      << "secrets {\n"
      << "  ike-" << g.name << " {\n"
      << "    id-local = " << g.local_id << "\n";
    for (size_t i = 0; i < g.client_ids.size(); ++i) s << "    id-client" << i << " = " << g.client_ids[i] << "\n";
    s << "    secret = \"" << g.psk << "\"\n"
      << "  }\n"
      << "}\n";
  }
  return s.str();
}

void write_charon_files(const CharonConfig& config) {
  const std::string strongswan = render_strongswan_conf(config);
  const std::string swanctl = render_swanctl_conf(config);
  std::vector<std::filesystem::path> dirs = {config.dir, config.run_dir(), config.swanctl_dir()};
  for (const char* folder : kSwanctlFolders) dirs.push_back(config.swanctl_dir() / folder);
  for (const auto& d : dirs) {
    std::error_code ec;
    std::filesystem::create_directories(d, ec);
    if (ec) throw CharonError("cannot create directory " + d.string() + ": " + ec.message());
  }
  using std::filesystem::perms;
  write_file(config.strongswan_conf(), strongswan, perms::owner_read | perms::owner_write | perms::group_read |
                                                       perms::others_read);
  // Holds the PSK: owner only.
  write_file(config.swanctl_conf(), swanctl, perms::owner_read | perms::owner_write);
}

}  // namespace mipvpn::agents
