#!/usr/bin/env bash
# Proves fuzz/run.sh fails when it must: runs it on each deliberately broken target of fuzz/selfcheck/ and expects a
# non-zero exit (1, not the 2 of a usage or build error), the matching sanitizer or libFuzzer report, and the path of
# a saved input that exists and reproduces the failure.
#
#   fuzz/selfcheck/check.sh [--build-dir DIR]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$ROOT/build/fuzz
[ "${1:-}" = --build-dir ] && BUILD=$2

# target -> what its report must contain
declare -A expect=(
  [selfcheck_crash]='ERROR: AddressSanitizer: heap-buffer-overflow'
  [selfcheck_ubsan]='runtime error: shift exponent 40'
  [selfcheck_leak]='ERROR: LeakSanitizer: detected memory leaks'
  [selfcheck_timeout]='ERROR: libFuzzer: timeout'
  [selfcheck_property]='FUZZ_CHECK failed'
)

failures=0
for t in selfcheck_crash selfcheck_ubsan selfcheck_leak selfcheck_timeout selfcheck_property; do
  out=$(mktemp)
  rc=0
  "$ROOT/fuzz/run.sh" --selfcheck --build-dir "$BUILD" --budget 5 --input-timeout 2 "$t" >"$out" 2>&1 || rc=$?
  problem=""
  if [ $rc -ne 1 ]; then
    problem="run.sh exited $rc, expected 1"
  elif ! grep -qF "${expect[$t]}" "$out"; then
    problem="no '${expect[$t]}' in the report"
  else
    input=$(grep -Eo "fuzz_$t: failing input: [^ ]+" "$out" | head -n 1 | sed 's/.*failing input: //')
    if [ -z "$input" ] || [ ! -s "$input" ]; then
      problem="no saved input named in the output"
    elif "$BUILD/fuzz_$t" -timeout=2 "$input" >/dev/null 2>&1; then
      problem="the saved input $input does not reproduce the failure"
    fi
  fi
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    echo "FAIL $t: $problem; run.sh said:"
    cat "$out"
  else
    echo "ok   $t: run.sh failed with '${expect[$t]}' and saved $input"
  fi
  rm -f "$out"
done
[ $failures -eq 0 ] && echo "selfcheck: run.sh caught every deliberate failure"
[ $failures -eq 0 ]
