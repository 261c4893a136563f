#!/bin/bash
# A broken topology or profile is refused with one message naming the file, the JSON path and what was expected,
# exit code 2, and nothing left behind.
source "$(dirname "$0")/lib.sh"

before="$(ip netns list | sort)"

expect_refusal() { # name, expected-substring..., then -- command...
    local name="$1"; shift
    local needles=()
    while [ "$1" != "--" ]; do needles+=("$1"); shift; done
    shift
    set +e
    "$@" >"$WORK/$name.out" 2>&1
    local rc=$?
    set -e
    [ "$rc" = 2 ] || { cat "$WORK/$name.out"; fail "$name: exit $rc, expected 2"; }
    for n in "${needles[@]}"; do
        grep -qF -- "$n" "$WORK/$name.out" || { cat "$WORK/$name.out"; fail "$name: message lacks '$n'"; }
    done
    echo "ok: $name: $(head -1 "$WORK/$name.out")"
}

# A node interface whose address is not an IPv4 prefix.
"$PY" - "$SRC/topologies/basic-ha.json" "$WORK/bad-topology.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["nodes"][0]["interfaces"][0]["address"] = "10.0.1.300/24"
json.dump(t, open(sys.argv[2], "w"), indent=1)
PY
expect_refusal bad-topology "bad-topology.json" "/nodes/0/interfaces/0/address" -- \
    "$MIPVPN" run --topology "$WORK/bad-topology.json" --out "$WORK/runs"

# A profile whose role runs on a node the topology lacks.
"$PY" - "$SRC/topologies/profiles/reference.json" "$WORK/bad-profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["roles"]["ha"]["node"] = "no-such-node"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
expect_refusal bad-profile "bad-profile.json" "/roles/ha/node" "no-such-node" -- \
    "$MIPVPN" run --profile "$WORK/bad-profile.json" --out "$WORK/runs"

# A profile key that does not exist.
"$PY" - "$SRC/topologies/profiles/reference.json" "$WORK/bad-key.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["roles"]["ha"]["max_lifetme"] = 10
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
expect_refusal bad-key "bad-key.json" "/roles/ha" "max_lifetme" -- \
    "$MIPVPN" run --profile "$WORK/bad-key.json" --out "$WORK/runs"

expect_refusal missing-file "nope.json" -- "$MIPVPN" run --topology "$WORK/nope.json" --out "$WORK/runs"
expect_refusal unknown-suite "no-such-suite" -- "$MIPVPN" run --suite "no-such-suite*" --out "$WORK/runs"

after="$(ip netns list | sort)"
[ "$before" = "$after" ] || fail "namespaces changed: before [$before] after [$after]"
echo "bad input refused cleanly"
