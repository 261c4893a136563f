#!/bin/bash
# `mipvpn run` with the built-in defaults: the Home Agent suite against the reference mipd must all PASS, the report
# must validate against its schema, the JUnit file must list every case, and nothing of the run may remain.
source "$(dirname "$0")/lib.sh"

set +e
"$MIPVPN" run --out "$WORK" >"$WORK/out.txt" 2>&1
rc=$?
set -e
cat "$WORK/out.txt"
[ "$rc" = 0 ] || fail "mipvpn run exited $rc, expected 0"
report="$(report_path "$WORK/out.txt")"
[ -f "$report" ] || fail "no report at '$report'"

"$PY" "$SRC/tests/integration/check_report.py" "$SRC/reports/schema/report.schema.json" "$report" --all-pass --min-cases 12
prefix="$(json_get "$report" 'd["run"]["namespace_prefix"]')"
left="$(leftover_namespaces "$prefix")"
[ -z "$left" ] || fail "namespaces left behind: $left"
echo "reference run: all PASS, report valid, no namespaces left"
