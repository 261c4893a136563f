#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/CMakeLists.txt, clang + libFuzzer + ASan + UBSan) and runs each for a share of a
# fixed budget, on a throw-away copy of its seed corpus (the committed corpus is never written). Fails, printing the
# sanitizer or libFuzzer report and the path of the saved input, on any crash, leak, timeout, out-of-memory or
# sanitizer report.
#
#   fuzz/run.sh [--build-dir DIR] [--budget SECONDS] [--input-timeout SECONDS] [--selfcheck] [TARGET...]
#
# TARGET is a name as in fuzz/fuzz_<name>.cpp (default: all of them). --budget is the fuzzing time of all targets
# together (default 50 s, split evenly). The least libFuzzer can be given is -max_total_time=1, which it runs for about
# 2.2 s (it stops once MORE than 1 whole second has passed, then checks for leaks); a budget too small for that many
# targets is refused, one that leaves them just that is overrun by at most 10%: 20 targets need about 44 s of a 50 s
# budget (the rest goes to the last ones), 25 would be the most the default fits (55 s). --selfcheck builds and runs the deliberately failing
# targets of fuzz/selfcheck/ instead (fuzz/selfcheck/check.sh uses it to prove this script fails when it must).
# Environment: FUZZ_CXX (default clang++-14), FUZZ_RSS_LIMIT_MB (default 2048), FUZZ_JOBS (build jobs, default nproc).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build/fuzz
BUDGET=50
INPUT_TIMEOUT=10
SELFCHECK=0
CXX=${FUZZ_CXX:-clang++-14}
RSS_LIMIT_MB=${FUZZ_RSS_LIMIT_MB:-2048}
JOBS=${FUZZ_JOBS:-$(nproc)}
wanted=()

die() { echo "fuzz: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) BUILD=$2; shift 2 ;;
    --budget) BUDGET=$2; shift 2 ;;
    --input-timeout) INPUT_TIMEOUT=$2; shift 2 ;;
    --selfcheck) SELFCHECK=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) wanted+=("$1"); shift ;;
  esac
done
[[ $BUDGET =~ ^[0-9]+$ && $INPUT_TIMEOUT =~ ^[0-9]+$ ]] || die "--budget and --input-timeout take whole seconds"

if [ $SELFCHECK = 1 ]; then
  SRC=$ROOT/fuzz/selfcheck
  CORPUS=$ROOT/fuzz/selfcheck/corpus
  CONFIG=(-DMIPVPN_FUZZ_SELFCHECK=ON)
else
  SRC=$ROOT/fuzz
  CORPUS=$ROOT/fuzz/corpus
  CONFIG=()
fi

# The targets are the sources, not whatever the build directory happens to hold.
targets=()
for src in "$SRC"/fuzz_*.cpp; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .cpp)
  targets+=("${name#fuzz_}")
done
if [ ${#wanted[@]} -gt 0 ]; then
  for w in "${wanted[@]}"; do
    [ -e "$SRC/fuzz_$w.cpp" ] || die "no target $w ($SRC/fuzz_$w.cpp)"
  done
  targets=("${wanted[@]}")
fi
[ ${#targets[@]} -gt 0 ] || die "no fuzz targets in $SRC"
for t in "${targets[@]}"; do
  [ -n "$(ls -A "$CORPUS/$t" 2>/dev/null)" ] || die "target $t has no seed corpus in $CORPUS/$t"
done
# What one target costs at the least (-max_total_time=1, see above), and the overrun of the budget that allows.
MIN_TARGET_MS=2200
[ $((BUDGET * 1100)) -ge $((${#targets[@]} * MIN_TARGET_MS)) ] ||
  die "a budget of ${BUDGET}s cannot give ${#targets[@]} targets their least ${MIN_TARGET_MS} ms each (give at least $(((${#targets[@]} * MIN_TARGET_MS + 1099) / 1100))s)"

command -v "$CXX" >/dev/null || die "$CXX not found (scripts/install-deps.sh installs clang-14 and libclang-rt-14-dev)"
mkdir -p "$BUILD"
echo "fuzz: building ${#targets[@]} target(s) in $BUILD with $CXX"
build_log=$BUILD/build.log
if ! { cmake -S "$ROOT/fuzz" -B "$BUILD" -DCMAKE_CXX_COMPILER="$CXX" "${CONFIG[@]}" &&
       cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]/#/fuzz_}"; } >"$build_log" 2>&1; then
  tail -n 60 "$build_log" >&2
  die "build failed (whole log: $build_log)"
fi

# A digest of the committed seeds, compared at the end: the fuzzers must only ever write to their copies.
corpus_digest() { (cd "$CORPUS" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
digest_before=$(corpus_digest)

work=$(mktemp -d "${TMPDIR:-/tmp}/mipvpn-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Inputs that failed are kept after the run, one folder per run.
artifacts=$BUILD/artifacts/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$artifacts"

# Every sanitizer finding is fatal: UBSan aborts (the build has -fno-sanitize-recover=undefined and halt_on_error),
# ASan reports leaks at exit, an allocation ASan cannot satisfy is an error rather than a null pointer.
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0:detect_stack_use_after_return=1:strict_string_checks=1
export ASAN_OPTIONS=$ASAN_OPTIONS:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:symbolize=1
export LSAN_OPTIONS=report_objects=1
# A report can be printed even when the exit code says nothing (e.g. a recovered error); catch those too.
report_re='ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:'
report_re+='|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer|FUZZ_CHECK failed|==[0-9]+==WARNING: AddressSanitizer'

echo "fuzz: ${BUDGET}s for ${#targets[@]} target(s), input timeout ${INPUT_TIMEOUT}s, rss limit ${RSS_LIMIT_MB} MB"
passed=0
failed=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }
fuzz_start_ms=$(now_ms)
left=${#targets[@]}
for t in "${targets[@]}"; do
  # Each target gets an even share of what is left of the budget, so time lost by earlier ones comes out of the later
  # shares. libFuzzer stops only once MORE than -max_total_time whole seconds have passed since it started, and then
  # still checks for leaks and prints its stats: a target given N runs up to about N + 1.5 s, so ask for that less.
  share_ms=$(((BUDGET * 1000 - ($(now_ms) - fuzz_start_ms)) / left))
  max_total=$(((share_ms - 1500) / 1000))
  [ $max_total -ge 1 ] || max_total=1
  left=$((left - 1))
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  cp -R "$CORPUS/$t/." "$corpus/"
  seeds=$(find "$corpus" -type f | wc -l)
  log=$work/$t.log
  start_ms=$(now_ms)
  rc=0
  # The outer timeout only guards against libFuzzer itself hanging; -max_total_time and -timeout do the real work.
  timeout --kill-after=10 $((max_total + INPUT_TIMEOUT + 60)) \
    "$BUILD/fuzz_$t" -max_total_time="$max_total" -timeout="$INPUT_TIMEOUT" -rss_limit_mb="$RSS_LIMIT_MB" \
    -malloc_limit_mb="$RSS_LIMIT_MB" -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
    "$corpus" >"$log" 2>&1 || rc=$?
  took_ms=$(($(now_ms) - start_ms))
  took=$((took_ms / 1000)).$((took_ms % 1000 / 100))
  saved=$(find "$artifacts" -maxdepth 1 -name "$t-*" -type f | sort)
  if [ $rc -ne 0 ] || [ -n "$saved" ] || grep -Eq "$report_re" "$log"; then
    failed=$((failed + 1))
    echo "FAIL fuzz_$t (exit $rc after ${took}s)"
    # The report: from the first sanitizer/libFuzzer error line to the end of the log.
    first=$(grep -En "$report_re|^==[0-9]+== ?ERROR|deadly signal|ALARM:" "$log" | head -n 1 | cut -d: -f1 || true)
    if [ -n "$first" ]; then
      tail -n +"$first" "$log" | head -n 200
    else
      tail -n 60 "$log"
    fi
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      echo "fuzz_$t: libFuzzer did not stop by itself (killed by the outer timeout)"
    fi
    if [ -n "$saved" ]; then
      for f in $saved; do echo "fuzz_$t: failing input: $f (reproduce: $BUILD/fuzz_$t $f)"; done
    else
      echo "fuzz_$t: no input was saved; whole log above"
    fi
    cp "$log" "$artifacts/$t.log"
    echo "fuzz_$t: log kept in $artifacts/$t.log"
  else
    passed=$((passed + 1))
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
    cov=$(grep -Eo '^#[0-9]+[[:space:]]+DONE +cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | sed 's/.*DONE *//' || true)
    echo "ok   fuzz_$t: $runs runs in ${took}s (-max_total_time=$max_total) from $seeds seeds, ${cov:-no final stats}"
  fi
done
fuzz_ms=$(($(now_ms) - fuzz_start_ms))
echo "fuzz: $((fuzz_ms / 1000)).$(printf %03d $((fuzz_ms % 1000)))s of fuzzing in all (budget ${BUDGET}s)"
rmdir "$artifacts" 2>/dev/null || true
if [ "$(corpus_digest)" != "$digest_before" ]; then
  echo "FAIL the committed corpus $CORPUS changed during the run"
  failed=$((failed + 1))
fi
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
