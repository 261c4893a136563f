# Shared by the integration scripts. Root and network namespaces are needed; without them a script exits 77 (skip).
set -euo pipefail
MIPVPN="${MIPVPN:?set by ctest}"
SRC="${MIPVPN_SOURCE_DIR:?set by ctest}"
PY=/usr/bin/python3   # Debian's python with python3-jsonschema, not a pyenv one first on PATH

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no network namespace support"; exit 77; }

WORK="$(mktemp -d /tmp/mipvpn-it.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# The report path printed by `mipvpn run` on its last "report: " line.
report_path() { sed -n 's/^report: //p' "$1" | tail -1; }

# Namespaces whose names start with the run's prefix (the report records it).
leftover_namespaces() {
    local prefix="$1"
    [ -n "$prefix" ] || fail "empty namespace prefix"
    ip netns list | awk '{print $1}' | grep "^${prefix}-" || true
}

json_get() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"; }
