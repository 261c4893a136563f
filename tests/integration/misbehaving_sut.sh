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

# Binds port 434 and never answers.
make_profile "$WORK/mute.json" '["/usr/bin/python3", "-c", "import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((\"0.0.0.0\", 434)); time.sleep(600)"]'
set +e
timeout 300 "$MIPVPN" run --profile "$WORK/mute.json" --timeout 10 --out "$WORK" \
    --suite 'rfc5944-ha-valid-request-accepted' >"$WORK/mute.out" 2>&1
rc=$?
set -e
cat "$WORK/mute.out"
[ "$rc" = 1 ] || fail "mute SUT: exit $rc, expected 1 (a MUST failed)"
report="$(report_path "$WORK/mute.out")"
verdict="$(json_get "$report" 'd["results"][0]["verdict"]')"
reason="$(json_get "$report" 'd["results"][0]["reason"]')"
[ "$verdict" = FAIL ] || fail "mute SUT: verdict $verdict"
echo "$reason" | grep -q "no reply" || fail "mute SUT: reason '$reason' does not say there was no reply"

# Silence from a SUT that answers nothing proves nothing: the silent-discard case is INCONCLUSIVE, not PASS.
set +e
"$MIPVPN" run --profile "$WORK/mute.json" --out "$WORK" --suite '*no-sa-silent-discard' >"$WORK/silent.out" 2>&1
rc=$?
set -e
cat "$WORK/silent.out"
[ "$rc" = 2 ] || fail "black-hole SUT on a silence case: exit $rc, expected 2"
report="$(report_path "$WORK/silent.out")"
verdict="$(json_get "$report" 'd["results"][0]["verdict"]')"
cause="$(json_get "$report" 'd["results"][0]["cause"]')"
[ "$verdict" = INCONCLUSIVE ] && [ "$cause" = sut-config ] || fail "black-hole SUT: $verdict ($cause), expected INCONCLUSIVE (sut-config)"

# A case needing a capability the profile does not declare is NOT-APPLICABLE, not skipped silently.
set +e
"$MIPVPN" run --profile "$WORK/mute.json" --out "$WORK" --suite '*binding-expires' >"$WORK/na.out" 2>&1
rc=$?
set -e
cat "$WORK/na.out"
[ "$rc" = 0 ] || fail "not-applicable case: exit $rc, expected 0"
report="$(report_path "$WORK/na.out")"
verdict="$(json_get "$report" 'd["results"][0]["verdict"]')"
[ "$verdict" = NOT-APPLICABLE ] || fail "undeclared capability: verdict $verdict, expected NOT-APPLICABLE"

# Dies at once.
make_profile "$WORK/dead.json" '["/bin/sh", "-c", "exit 3"]'
set +e
timeout 300 "$MIPVPN" run --profile "$WORK/dead.json" --out "$WORK" \
    --suite 'rfc5944-ha-valid-request-accepted' >"$WORK/dead.out" 2>&1
rc=$?
set -e
cat "$WORK/dead.out"
[ "$rc" = 2 ] || fail "dead SUT: exit $rc, expected 2 (a MUST undecided)"
report="$(report_path "$WORK/dead.out")"
verdict="$(json_get "$report" 'd["results"][0]["verdict"]')"
cause="$(json_get "$report" 'd["results"][0]["cause"]')"
[ "$verdict" = INCONCLUSIVE ] && [ "$cause" = adapter ] || fail "dead SUT: $verdict ($cause)"
echo "misbehaving SUTs judged, no hang"
