#!/bin/bash
# SIGTERM in the middle of a run: exit 143, report.json marked aborted with the cases done so far, no namespace and
# no SUT process left.
source "$(dirname "$0")/lib.sh"

"$MIPVPN" run --out "$WORK" >"$WORK/out.txt" 2>&1 &
pid=$!
# Wait (polling the run's own files, bounded) until at least two cases have finished.
report=""
for _ in $(seq 1 600); do
    report="$(ls "$WORK"/*/report.json 2>/dev/null | head -1 || true)"
    if [ -n "$report" ] && [ -f "$(dirname "$report")/results.jsonl" ] &&
       [ "$(wc -l <"$(dirname "$report")/results.jsonl")" -ge 2 ]; then
        break
    fi
    kill -0 "$pid" 2>/dev/null || fail "mipvpn ended before it could be interrupted"
    sleep 0.1
done
[ -n "$report" ] || fail "no report appeared"
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
cat "$WORK/out.txt"
[ "$rc" = 143 ] || fail "exit $rc after SIGTERM, expected 143"
"$PY" "$SRC/tests/integration/check_report.py" "$SRC/reports/schema/report.schema.json" "$report" \
    --status aborted --min-cases 2
prefix="$(json_get "$report" 'd["run"]["namespace_prefix"]')"
left="$(leftover_namespaces "$prefix")"
[ -z "$left" ] || fail "namespaces left behind: $left"
run_dir="$(dirname "$report")"
for p in /proc/[0-9]*; do
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$run_dir/"; then
        fail "process $(basename "$p") of the run still alive: $(tr '\0' ' ' <"$p/cmdline")"
    fi
done
# A signal while the lab is still coming up must leave nothing behind either.
before="$(ip netns list | sort)"
markers_before="$(ls /run/mipvpn 2>/dev/null | sort || true)"
for delay in 0.02 0.06 0.12; do
    "$MIPVPN" run --out "$WORK/early" >"$WORK/early.txt" 2>&1 &
    pid=$!
    sleep "$delay"
    kill -INT "$pid"
    set +e
    wait "$pid"
    set -e
    after="$(ip netns list | sort)"
    [ "$before" = "$after" ] || fail "SIGINT after ${delay}s left namespaces: $(comm -13 <(echo "$before") <(echo "$after"))"
    [ "$markers_before" = "$(ls /run/mipvpn 2>/dev/null | sort || true)" ] || fail "SIGINT after ${delay}s left a marker"
done
echo "interrupted run: aborted report, nothing left behind"
