#!/bin/bash
# Every Home Agent case is proven able to fail: PASS against mipd, FAIL against mipd with the case's fault switch.
source "$(dirname "$0")/lib.sh"

set +e
"$MIPVPN" selftest --out "$WORK" >"$WORK/out.txt" 2>&1
rc=$?
set -e
cat "$WORK/out.txt"
[ "$rc" = 0 ] || fail "mipvpn selftest exited $rc, expected 0"
summary="$(sed -n 's/^selftest: //p' "$WORK/out.txt" | tail -1)"
[ -f "$summary" ] || fail "no selftest.json"
proven="$(json_get "$summary" 'd["proven"]')"
total="$(json_get "$summary" 'd["total"]')"
[ "$proven" = "$total" ] && [ "$total" -ge 12 ] || fail "$proven of $total proven"
run_dir="$(dirname "$summary")"
"$PY" "$SRC/tests/integration/check_report.py" "$SRC/reports/schema/report.schema.json" \
    "$run_dir/faulted/report.json" --min-cases 12
echo "selftest: $proven of $total cases proven able to fail"
