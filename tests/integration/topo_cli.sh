#!/bin/bash
# `mipvpn topo up` holds a topology; `topo down` refuses a live owner's prefix; `topo gc` removes exactly what a
# killed owner left (namespaces, marker), and SIGTERM to a live owner tears its topology down.
source "$(dirname "$0")/lib.sh"

# Waits (bounded) until `topo up` writing to $1 as PID $2 reports its prefix; prints it.
wait_for_prefix() {
    local prefix=""
    for _ in $(seq 1 300); do
        prefix="$(sed -n 's/.* is up with prefix \(mv[0-9a-f]\{8\}\)$/\1/p' "$1")"
        [ -n "$prefix" ] && break
        kill -0 "$2" 2>/dev/null || { cat "$1" >&2; fail "topo up ended early"; }
        sleep 0.1
    done
    [ -n "$prefix" ] || fail "topo up never reported its prefix"
    echo "$prefix"
}

# A live owner: down is refused, SIGTERM tears down.
"$MIPVPN" topo up --out "$WORK" >"$WORK/up1.out" 2>&1 &
pid=$!
prefix="$(wait_for_prefix "$WORK/up1.out" "$pid")"
[ "$(leftover_namespaces "$prefix" | wc -l)" -ge 5 ] || fail "expected 4 node namespaces and a switch"
set +e
"$MIPVPN" topo down --prefix "$prefix" >"$WORK/down.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$WORK/down.out"; fail "topo down of a live owner's prefix: exit $rc, expected 2"; }
kill -TERM "$pid"
wait "$pid" || true
[ -z "$(leftover_namespaces "$prefix")" ] || fail "SIGTERM left namespaces of $prefix"

# A killed owner: gc removes its namespaces and marker, and leaves a live run alone.
"$MIPVPN" topo up --out "$WORK" >"$WORK/up2.out" 2>&1 &
victim=$!
dead_prefix="$(wait_for_prefix "$WORK/up2.out" "$victim")"
"$MIPVPN" topo up --out "$WORK" >"$WORK/up3.out" 2>&1 &
survivor=$!
live_prefix="$(wait_for_prefix "$WORK/up3.out" "$survivor")"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
[ -n "$(leftover_namespaces "$dead_prefix")" ] || fail "SIGKILL should leave namespaces for gc to find"
"$MIPVPN" topo gc >"$WORK/gc.out" 2>&1 || { cat "$WORK/gc.out"; fail "topo gc failed"; }
cat "$WORK/gc.out"
[ -z "$(leftover_namespaces "$dead_prefix")" ] || fail "gc left namespaces of the dead run $dead_prefix"
[ ! -e "/run/mipvpn/$dead_prefix.pid" ] || fail "gc left the marker of $dead_prefix"
[ "$(leftover_namespaces "$live_prefix" | wc -l)" -ge 5 ] || fail "gc touched the live run $live_prefix"
kill -TERM "$survivor"
wait "$survivor" || true
[ -z "$(leftover_namespaces "$live_prefix")" ] || fail "SIGTERM left namespaces of $live_prefix"
echo "topo up/down/gc behave"
