#!/bin/bash
# A SUT that is started once per run (hardware at a plugfest cannot be restarted per case) must get the same
# verdicts: each case clears the bindings earlier cases left before it judges the binding list.
source "$(dirname "$0")/lib.sh"

"$PY" - "$SRC/topologies/profiles/reference.json" "$WORK/per-run.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["roles"]["ha"]["restart"] = "per-run"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
set +e
"$MIPVPN" run --profile "$WORK/per-run.json" --out "$WORK" >"$WORK/out.txt" 2>&1
rc=$?
set -e
cat "$WORK/out.txt"
[ "$rc" = 0 ] || fail "per-run reference: exit $rc, expected 0"
"$PY" "$SRC/tests/integration/check_report.py" "$SRC/reports/schema/report.schema.json" \
    "$(report_path "$WORK/out.txt")" --all-pass --min-cases 12
echo "per-run SUT: all PASS"
