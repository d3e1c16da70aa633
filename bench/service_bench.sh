#!/usr/bin/env bash
# Benchmarks the SMTP Watch service as installed: smtpwatch-svc.exe under
# Wine's real SCM, 10,000 rules in its database (put in through the store
# API by sw_store_tool.exe), checking bench/fast_responder on loopback.
# Prints checks per second, schedule lateness (p50/p99/max: how long after
# its due time each check started), CPU per check (the service, the
# wineserver, the responder) and memory per rule (RSS of the service
# process with the rules loaded, minus with none), beside check_smtp's CPU
# per check as a monitoring system runs it (a process per check).
# Never fails on a figure: only when something cannot be built or started.
#
# Settings (environment):
#   SW_BENCH_SVC_RULES      rules (10000)
#   SW_BENCH_SVC_INTERVAL   each rule's interval in seconds (30; the
#                           validator allows 10 and more)
#   SW_BENCH_SVC_SECONDS    how long the service runs with the rules (60)
#   SW_BENCH_MINGW_DIR      MinGW build dir (build/mingw; configured if new)
#   SW_BENCH_NATIVE_DIR     native build dir for the responder (build/bench-native)
#   SW_BENCH_CHECK_SMTP_RUNS / _PARALLEL   check_smtp processes (300), at once (4)
#   SW_BENCH_SVC_WINEPREFIX Wine prefix (build/service-bench-wineprefix)
#   SW_BENCH_SVC_RESULTS    report file (build/service-bench-results.txt)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=${SW_BENCH_SVC_RULES:-10000}
INTERVAL=${SW_BENCH_SVC_INTERVAL:-30}
SECONDS_RUN=${SW_BENCH_SVC_SECONDS:-60}
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
CS_RUNS=${SW_BENCH_CHECK_SMTP_RUNS:-300}
CS_PARALLEL=${SW_BENCH_CHECK_SMTP_PARALLEL:-4}
CHECK_SMTP=${SW_BENCH_CHECK_SMTP:-/usr/lib/nagios/plugins/check_smtp}
RESULTS=${SW_BENCH_SVC_RESULTS:-$ROOT/build/service-bench-results.txt}
export WINEPREFIX=${SW_BENCH_SVC_WINEPREFIX:-$ROOT/build/service-bench-wineprefix}
export WINEDEBUG=-all
HZ=$(getconf CLK_TCK)
PAGE_KB=$(($(getconf PAGESIZE) / 1024))

say() { printf 'service-bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -x "$CHECK_SMTP" ] || die "$CHECK_SMTP is missing (apt-get install monitoring-plugins-standard)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

# --- build ------------------------------------------------------------------
build() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 && return 0
  tail -n 20 "$log" >&2
  return 1
}
mkdir -p "$NATIVE_DIR" "$MINGW_DIR"
# Absolute: the service's binPath is a Windows path (Z:\...) made from it.
NATIVE_DIR=$(cd "$NATIVE_DIR" && pwd) MINGW_DIR=$(cd "$MINGW_DIR" && pwd)
if [ ! -f "$NATIVE_DIR/CMakeCache.txt" ]; then
  build "$NATIVE_DIR/bench-configure.log" \
    cmake -S "$ROOT/bench" -B "$NATIVE_DIR" -DCMAKE_BUILD_TYPE=Release ||
    die "could not configure $NATIVE_DIR"
fi
build "$NATIVE_DIR/bench-build.log" cmake --build "$NATIVE_DIR" --target fast_responder ||
  die "fast_responder did not build"
RESPONDER=$NATIVE_DIR/fast_responder
[ -x "$RESPONDER" ] || RESPONDER=$NATIVE_DIR/bench/fast_responder
if [ ! -f "$MINGW_DIR/CMakeCache.txt" ]; then
  build "$MINGW_DIR/svc-bench-configure.log" cmake -S "$ROOT" -B "$MINGW_DIR" \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release || die "could not configure $MINGW_DIR"
fi
build "$MINGW_DIR/svc-bench-build.log" cmake --build "$MINGW_DIR" \
  --target smtpwatch-svc sw_store_tool || die "the service or sw_store_tool did not build"
SVC=$MINGW_DIR/service/smtpwatch-svc.exe
TOOL=$MINGW_DIR/tests/tools/sw_store_tool.exe
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$MINGW_DIR/CMakeCache.txt")

winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

# --- start ------------------------------------------------------------------
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

wineserver_pid() {
  local want pid
  want=$(printf 'server-%s-%x' "$(stat -c %D "$WINEPREFIX")" "$(stat -c %i "$WINEPREFIX")")
  for pid in $(pgrep -x wineserver64; pgrep -x wineserver); do
    [ "$(basename "$(readlink "/proc/$pid/cwd" 2>/dev/null)")" = "$want" ] && {
      echo "$pid"
      return
    }
  done
  echo 0
}
# The service's Wine process in our prefix (found by its command line and
# its WINEPREFIX), or 0.
service_pid() {
  local pid
  for pid in $(pgrep -f 'smtpwatch-svc\.exe' || true); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "WINEPREFIX=$WINEPREFIX"; then
      echo "$pid"
      return
    fi
  done
  echo 0
}
proc_cpu() { # utime+stime in jiffies, 0 if gone
  [ "$1" != 0 ] && [ -r "/proc/$1/stat" ] || { echo 0; return; }
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}'
}
proc_rss_kb() {
  [ "$1" != 0 ] && [ -r "/proc/$1/statm" ] || { echo 0; return; }
  awk -v p="$PAGE_KB" '{print $2*p}' "/proc/$1/statm"
}
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }

TMP=$(mktemp -d "$ROOT/build/service-bench.XXXXXX")
RESP_PID=
OWN_SERVER=0
cleanup() {
  wine sc stop SmtpWatch >/dev/null 2>&1 || true
  sleep 1
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
  if [ -n "$RESP_PID" ]; then
    kill "$RESP_PID" 2>/dev/null || true
    wait "$RESP_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  if [ "$OWN_SERVER" = 1 ]; then
    "$ROOT/scripts/wine-prefix.sh" stop "$WINEPREFIX"
  fi
}
trap cleanup EXIT
[ -d "$WINEPREFIX" ] && [ "$(wineserver_pid)" != 0 ] || OWN_SERVER=1
"$ROOT/scripts/wine-prefix.sh" start "$WINEPREFIX" </dev/null >/dev/null 2>&1
WS_PID=$(wineserver_pid)

"$RESPONDER" 0 --seconds $((SECONDS_RUN + 900)) >"$TMP/responder.out" 2>"$TMP/responder.err" &
RESP_PID=$!
PORT=
for _ in $(seq 50); do
  PORT=$(sed -n 's/^port //p' "$TMP/responder.out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || die "fast_responder did not start: $(cat "$TMP/responder.err")"

sc_state() { wine sc query SmtpWatch 2>/dev/null | sed -n 's/.*STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p'; }
wait_state() { # STATE TIMEOUT_S
  local i
  for i in $(seq $(($2 * 20))); do
    [ "$(sc_state)" = "$1" ] && return 0
    sleep 0.05
  done
  return 1
}
# run_service DATA_DIR: installs and starts the service on DATA_DIR; sets
# SVC_PID once it runs.
run_service() {
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
  wine sc create SmtpWatch binPath= "$(winpath "$SVC") --data-dir $(winpath "$1") --stats-file $(winpath "$1/stats.json")" >/dev/null ||
    die "sc create failed"
  wine sc start SmtpWatch >"$TMP/sc-start.out" 2>&1 || die "sc start failed: $(cat "$TMP/sc-start.out")"
  wait_state RUNNING 60 || die "the service did not reach RUNNING"
  SVC_PID=$(service_pid)
  [ "$SVC_PID" != 0 ] || die "the service process was not found"
}
stop_service() {
  local t0
  t0=$(date +%s%N)
  wine sc stop SmtpWatch >/dev/null || die "sc stop failed"
  wait_state STOPPED 30 || die "the service did not stop"
  STOP_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.2f", (b-a)/1e9}')
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
}
json() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d.get(k, 0) if isinstance(d, dict) else 0
print(d)' "$1" "$2"; }

# --- the service with no rules: the memory baseline -------------------------
say "baseline: the service with no rules"
mkdir -p "$TMP/empty"
wine "$TOOL" "$(winpath "$TMP/empty/smtpwatch.db")" rules >/dev/null || die "sw_store_tool failed"
run_service "$TMP/empty"
sleep 5
RSS0=$(proc_rss_kb "$SVC_PID")
stop_service

# --- the service with the rules ----------------------------------------------
mkdir -p "$TMP/full"
say "adding $RULES rules (interval $INTERVAL s) to the database"
t0=$(date +%s%N)
wine "$TOOL" "$(winpath "$TMP/full/smtpwatch.db")" add-many "$RULES" --name bench \
  --host 127.0.0.1 --port "$PORT" --ehlo-name bench.client --interval-s "$INTERVAL" \
  --timeout-ms 10000 >/dev/null || die "adding rules failed"
ADD_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')

say "running the service with $RULES rules for $SECONDS_RUN s"
B0=$(machine_busy) W0=$(proc_cpu "$WS_PID") R0=$(proc_cpu "$RESP_PID")
run_service "$TMP/full"
RSS_MAX=0
end=$(($(date +%s) + SECONDS_RUN))
while [ "$(date +%s)" -lt "$end" ]; do
  rss=$(proc_rss_kb "$SVC_PID")
  [ "$rss" -gt "$RSS_MAX" ] && RSS_MAX=$rss
  sleep 2
done
SVC_CPU=$(proc_cpu "$SVC_PID") # the whole life of the process, start-up included
B1=$(machine_busy) W1=$(proc_cpu "$WS_PID") R1=$(proc_cpu "$RESP_PID")
stop_service
STATS=$TMP/full/stats.json
[ -s "$STATS" ] || die "the service wrote no statistics"
DB_BYTES=$(du -cb "$TMP/full"/smtpwatch.db* | tail -1 | cut -f1)

# --- check_smtp, a process per check ------------------------------------------
say "check_smtp: $CS_RUNS runs, $CS_PARALLEL at a time"
CR0=$(proc_cpu "$RESP_PID") CB0=$(machine_busy)
ct0=$(date +%s%N)
/usr/bin/time -f '%U %S' -o "$TMP/cs.time" sh -c 'seq "$1" | xargs -P "$2" -I{} "$3" -H 127.0.0.1 -p "$4" -F bench.client -t 10' \
  sh "$CS_RUNS" "$CS_PARALLEL" "$CHECK_SMTP" "$PORT" >"$TMP/cs.out" 2>&1 || true
CS_WALL=$(awk -v a="$ct0" -v b="$(date +%s%N)" 'BEGIN{printf "%.3f", (b-a)/1e9}')
CS_OK=$(grep -c '^SMTP OK' "$TMP/cs.out" || true)
CS_CLIENT=$(awk -v hz="$HZ" '{printf "%d", ($1+$2)*hz + 0.5}' "$TMP/cs.time")
CS_RESP=$(($(proc_cpu "$RESP_PID") - CR0))
CS_BUSY=$(($(machine_busy) - CB0))

# --- report -----------------------------------------------------------------
FIN=$(json "$STATS" checks_finished)
IGN=$(json "$STATS" results_ignored)
OK=$(json "$STATS" outcomes.ok)
UP_US=$(json "$STATS" uptime_us)
CHECKS=$((FIN - IGN))
{
  echo "SMTP Watch service benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(wine --version 2>/dev/null), MinGW build type '${BUILD_TYPE:-none}'"
  echo "$RULES rules every $INTERVAL s (scheduled: $(awk -v r="$RULES" -v i="$INTERVAL" 'BEGIN{printf "%.0f", r/i}') checks/s) against fast_responder; the service ran $(awk -v u="$UP_US" 'BEGIN{printf "%.1f", u/1e6}') s under the SCM"
  echo "(adding the rules through the store API took $ADD_S s; sc stop to STOPPED took $STOP_S s)"
  echo
  awk -v c="$CHECKS" -v ok="$OK" -v up="$UP_US" -v hz="$HZ" -v svc="$SVC_CPU" \
    -v ws=$((W1 - W0)) -v rs=$((R1 - R0)) -v busy=$((B1 - B0)) \
    -v p50="$(json "$STATS" lateness.p50_us)" -v p99="$(json "$STATS" lateness.p99_us)" \
    -v max="$(json "$STATS" lateness.max_us)" -v skipped="$(json "$STATS" skipped)" \
    -v written="$(json "$STATS" results_written)" -v dropped="$(json "$STATS" results_dropped)" \
    -v rss0="$RSS0" -v rss="$RSS_MAX" -v rules="$RULES" -v dbb="$DB_BYTES" \
    -v reload="$(json "$STATS" rule_apply_max_us)" -v nw="$(json "$STATS" batch_writes)" \
    -v wavg="$(json "$STATS" batch_write_avg_us)" -v wmax="$(json "$STATS" batch_write_max_us)" '
    BEGIN {
      ms = 1000 / hz / (c > 0 ? c : 1)
      printf "checks          %8d (%d OK), %.1f checks/s, %d runs skipped (rule still running)\n", c, ok, c / (up / 1e6), skipped
      printf "lateness        p50 %.1f ms, p99 %.1f ms, max %.1f ms (start of a check after its due time)\n", p50 / 1000, p99 / 1000, max / 1000
      printf "results         %d written, %d dropped; database %.1f MB (%.0f bytes per result)\n", written, dropped, dbb / 1048576, (written > 0 ? dbb / written : 0)
      printf "batch writes    %d on the loop thread, %.1f ms on average, %.1f ms at most\n", nw, wavg / 1000, wmax / 1000
      printf "rule lists      the slowest apply of %d rules on the loop thread took %.1f ms (first load; then only changes)\n", rules, reload / 1000
      printf "CPU per check   service %.3f ms + wineserver %.3f ms + responder %.3f ms = %.3f ms; machine %.3f ms\n", svc * ms, ws * ms, rs * ms, (svc + ws + rs) * ms, busy * ms
      printf "memory          RSS %.1f MB with no rules, %.1f MB with %d: %.2f KB per rule\n", rss0 / 1024, rss / 1024, rules, (rss - rss0) / rules
    }'
  echo "outcomes        $(/usr/bin/python3 -c 'import json,sys; print(", ".join("%s %d" % kv for kv in json.load(open(sys.argv[1]))["outcomes"].items()))' "$STATS")"
  echo
  awk -v n="$CS_RUNS" -v ok="$CS_OK" -v wall="$CS_WALL" -v hz="$HZ" -v cl="$CS_CLIENT" \
    -v rs="$CS_RESP" -v busy="$CS_BUSY" -v par="$CS_PARALLEL" -v svc="$SVC_CPU" \
    -v ws=$((W1 - W0)) -v srs=$((R1 - R0)) -v c="$CHECKS" '
    BEGIN {
      ms = 1000 / hz / n
      cs = (cl + rs) * ms
      ours = (svc + ws + srs) * 1000 / hz / (c > 0 ? c : 1)
      printf "check_smtp      %d runs (%d OK), %d at a time, %.0f checks/s: client %.3f ms + responder %.3f ms = %.3f ms per check; machine %.3f ms\n", n, ok, par, ok / wall, cl * ms, rs * ms, cs, busy * ms
      printf "check_smtp / service CPU per check: %.1fx\n", (ours > 0 ? cs / ours : 0)
    }'
  echo
  echo "Figures, not pass/fail. CPU: jiffies from /proc (the service's own process over its"
  echo "whole life, start-up included; this prefix's wineserver and the responder over the"
  echo "run); machine: busy jiffies of all CPUs, other people's work included. RSS: the"
  echo "largest resident set of the service's Wine process sampled every 2 s."
} | tee "$RESULTS"
