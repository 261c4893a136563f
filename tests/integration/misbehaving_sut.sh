#!/bin/bash
# A SUT that never answers gets FAIL/INCONCLUSIVE with a reason, within the per-test timeout; one that dies at
# start-up gets INCONCLUSIVE (adapter). Neither hangs the run.
source "$(dirname "$0")/lib.sh"

make_profile() { # output, command (JSON array)
    "$PY" - "$SRC/topologies/profiles/reference.json" "$1" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
ha = p["roles"]["ha"]
ha["command"] = json.loads(sys.argv[3])
ha["capabilities"] = ["timestamps"]
ha.pop("binding_query", None)
ha["ready"] = {"udp_port": 434, "timeout_ms": 2000}
ha.pop("fault_argument", None)
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
}

# Runs one case against a profile and checks exit code, verdict and cause (- for none).
expect_case() { # name profile suite exit verdict cause
    local name="$1" profile="$2" suite="$3" want_rc="$4" want_verdict="$5" want_cause="$6"
    set +e
    timeout 300 "$MIPVPN" run --profile "$profile" --timeout 10 --out "$WORK" --suite "$suite" >"$WORK/$name.out" 2>&1
    local rc=$?
    set -e
    cat "$WORK/$name.out"
    [ "$rc" = "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
    report="$(report_path "$WORK/$name.out")"
    local verdict cause
    verdict="$(json_get "$report" 'd["results"][0]["verdict"]')"
    cause="$(json_get "$report" 'd["results"][0]["cause"] or "-"')"
    [ "$verdict" = "$want_verdict" ] && [ "$cause" = "$want_cause" ] ||
        fail "$name: $verdict ($cause), expected $want_verdict ($want_cause)"
}

# Binds port 434 and never answers: a MUST that needs a reply FAILs, saying there was none.
make_profile "$WORK/mute.json" '["/usr/bin/python3", "-c", "import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((\"0.0.0.0\", 434)); time.sleep(600)"]'
expect_case mute "$WORK/mute.json" 'rfc5944-ha-valid-request-accepted' 1 FAIL -
reason="$(json_get "$report" 'd["results"][0]["reason"]')"
echo "$reason" | grep -q "no reply" || fail "mute SUT: reason '$reason' does not say there was no reply"

# Silence from a SUT that answers nothing proves nothing: the silent-discard case is INCONCLUSIVE, not PASS.
expect_case silent "$WORK/mute.json" '*no-sa-silent-discard' 2 INCONCLUSIVE sut-config

# A case needing a capability the profile does not declare is NOT-APPLICABLE, not skipped silently.
expect_case na "$WORK/mute.json" '*binding-expires' 0 NOT-APPLICABLE -

# Dies at once: INCONCLUSIVE (adapter), a MUST undecided.
make_profile "$WORK/dead.json" '["/bin/sh", "-c", "exit 3"]'
expect_case dead "$WORK/dead.json" 'rfc5944-ha-valid-request-accepted' 2 INCONCLUSIVE adapter
echo "misbehaving SUTs judged, no hang"
