#include "agents/common/swanctl_sas.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <utility>

namespace mipvpn::agents {

namespace {

// The vici message tree as swanctl --pretty prints it.
struct Node {
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> sections;

  const std::string* value(std::string_view key) const {
    for (const auto& [k, v] : values)
      if (k == key) return &v;
    return nullptr;
  }
  std::vector<std::string> list(std::string_view key) const {
    for (const auto& [k, v] : lists)
      if (k == key) return v;
    return {};
  }
  const Node* section(std::string_view key) const {
    for (const auto& [k, v] : sections)
      if (k == key) return v.get();
    return nullptr;
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

class TreeParser {
 public:
  explicit TreeParser(std::string_view text) : text_(text) {}

  Node parse_document() {
    Node root;
    parse_body(root, 0);
    return root;
  }

 private:
  bool next_line(std::string_view& line) {
    while (pos_ < text_.size()) {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      line = trim(text_.substr(pos_, end - pos_));
      pos_ = end + 1;
      ++line_no_;
      if (!line.empty()) return true;
    }
    return false;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw ListSasParseError("swanctl --list-sas output line " + std::to_string(line_no_) + ": " + what);
  }

  // Reads entries into `node` until its closing brace (depth > 0) or the end of the text (depth 0).
  void parse_body(Node& node, int depth) {
    std::string_view line;
    while (next_line(line)) {
      if (line == "}") {
        if (depth == 0) fail("expected a section or key, found an unmatched '}'");
        return;
      }
      if (line.back() == '{') {
        auto child = std::make_unique<Node>();
        const std::string name(trim(line.substr(0, line.size() - 1)));
        parse_body(*child, depth + 1);
        node.sections.emplace_back(name, std::move(child));
        continue;
      }
      const size_t eq = line.find(" = ");
      if (eq == std::string_view::npos) fail("expected `key = value`, `name {` or `}`, found \"" + std::string(line) + "\"");
      const std::string key(trim(line.substr(0, eq)));
      const std::string_view value = trim(line.substr(eq + 3));
      if (value == "[") {
        node.lists.emplace_back(key, read_list());
      } else if (value == "[]") {
        node.lists.emplace_back(key, std::vector<std::string>{});
      } else {
        node.values.emplace_back(key, std::string(value));
      }
    }
    if (depth > 0) fail("expected '}' before the end of the output");
  }

  std::vector<std::string> read_list() {
    std::vector<std::string> items;
    std::string_view line;
    while (next_line(line)) {
      if (line == "]") return items;
      items.emplace_back(line);
    }
    fail("expected ']' before the end of the output");
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
};

template <class T>
T number(const Node& n, std::string_view key, int base, const std::string& where) {
  const std::string* v = n.value(key);
  if (!v) return T{};
  T out{};
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out, base);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    throw ListSasParseError("swanctl --list-sas output: " + where + "/" + std::string(key) + ": expected a " +
                            (base == 16 ? "hexadecimal" : "decimal") + " number, found \"" + *v + "\"");
  }
  return out;
}

std::string text(const Node& n, std::string_view key) {
  const std::string* v = n.value(key);
  return v ? *v : std::string();
}

bool yes(const Node& n, std::string_view key) { return text(n, key) == "yes"; }

ChildSaState child_from(const Node& n, const std::string& where) {
  ChildSaState c;
  c.name = text(n, "name");
  c.state = text(n, "state");
  c.mode = text(n, "mode");
  c.protocol = text(n, "protocol");
  c.encap = yes(n, "encap");
  c.spi_in = number<uint32_t>(n, "spi-in", 16, where);
  c.spi_out = number<uint32_t>(n, "spi-out", 16, where);
  c.bytes_in = number<uint64_t>(n, "bytes-in", 10, where);
  c.packets_in = number<uint64_t>(n, "packets-in", 10, where);
  c.bytes_out = number<uint64_t>(n, "bytes-out", 10, where);
  c.packets_out = number<uint64_t>(n, "packets-out", 10, where);
  c.local_ts = n.list("local-ts");
  c.remote_ts = n.list("remote-ts");
  return c;
}

IkeSaState ike_from(const std::string& name, const Node& n) {
  IkeSaState s;
  s.name = name;
  s.state = text(n, "state");
  s.version = number<int>(n, "version", 10, name);
  s.local_host = text(n, "local-host");
  s.remote_host = text(n, "remote-host");
  s.local_port = number<uint16_t>(n, "local-port", 10, name);
  s.remote_port = number<uint16_t>(n, "remote-port", 10, name);
  s.local_id = text(n, "local-id");
  s.remote_id = text(n, "remote-id");
  s.initiator = yes(n, "initiator");
  s.initiator_spi = number<uint64_t>(n, "initiator-spi", 16, name);
  s.responder_spi = number<uint64_t>(n, "responder-spi", 16, name);
  s.nat_remote = yes(n, "nat-remote");
  s.local_vips = n.list("local-vips");
  s.remote_vips = n.list("remote-vips");
  if (const Node* children = n.section("child-sas")) {
    for (const auto& [child_name, child] : children->sections) {
      s.children.push_back(child_from(*child, name + "/child-sas/" + child_name));
    }
  }
  return s;
}

}  // namespace

std::vector<IkeSaState> parse_list_sas(std::string_view pretty_output) {
  const Node root = TreeParser(pretty_output).parse_document();
  std::vector<IkeSaState> sas;
  for (const auto& [name, event] : root.sections) {
    if (name != "list-sa event") continue;  // "list-sas reply" closes the stream
    for (const auto& [ike_name, ike] : event->sections) sas.push_back(ike_from(ike_name, *ike));
  }
  return sas;
}

namespace {

std::string hex(uint64_t v, int width) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s.empty() ? std::string("-") : s;
}

}  // namespace

std::string ChildSaState::summary() const {
  return name + " " + state + " " + protocol + (encap ? " in UDP" : "") + " SPIs in " + hex(spi_in, 8) + " out " +
         hex(spi_out, 8) + " " + joined(local_ts) + " === " + joined(remote_ts);
}

std::string IkeSaState::summary() const {
  std::string s = name + " " + state + " " + local_host + "[" + local_id + "] ... " + remote_host + "[" + remote_id +
                  "]";
  if (!local_vips.empty()) s += " vip " + joined(local_vips);
  if (!remote_vips.empty()) s += " handed out " + joined(remote_vips);
  s += " IKE SPIs " + hex(initiator_spi, 16) + "/" + hex(responder_spi, 16);
  for (const auto& c : children) s += "; " + c.summary();
  return s;
}

std::optional<ChildSaState> find_installed_child(const std::vector<IkeSaState>& sas, const std::string& ike,
                                                 const std::string& child) {
  for (const auto& s : sas) {
    if (s.name != ike || s.state != "ESTABLISHED") continue;
    for (const auto& c : s.children)
      if (c.name == child && c.state == "INSTALLED") return c;
  }
  return std::nullopt;
}

}  // namespace mipvpn::agents
