#!/usr/bin/env bash
# Benchmarks what live clients cost the checks: smtpwatch-svc.exe under
# Wine's real SCM with 10,000 rules checking bench/fast_responder (as
# pipe_bench.sh runs it), three runs of the same length:
#   none        no client
#   subscribed  8 `smtpwatch watch --json` clients (protocol version 4:
#               the service pushes changed states, events, rule changes)
#   polling     8 clients that read every rule's STATUS (all pages of
#               1000) every 5 s, as the editor did before subscriptions
# For each, from the service's --stats-file: the loop's time on clients
# (requests, the pipe's tick and the pushes: pipe_us over the run's
# uptime), pushes and their bytes, and the checks' schedule lateness
# (p50/p99/max), with the CPU of the service. Figures, not pass/fail: it
# fails only when something cannot be built or started.
#
# Settings (environment):
#   SW_BENCH_SUB_RULES      rules (10000)
#   SW_BENCH_SUB_INTERVAL   each rule's interval in seconds (60)
#   SW_BENCH_SUB_SECONDS    seconds each run measures, after the warm-up (60)
#   SW_BENCH_SUB_WARMUP     seconds the service checks before the clients (15)
#   SW_BENCH_SUB_CLIENTS    clients of the two client runs (8)
#   SW_BENCH_MINGW_DIR      MinGW build dir (build/mingw; configured if new)
#   SW_BENCH_NATIVE_DIR     native build dir for the responder (build/bench-native)
#   SW_BENCH_SUB_WINEPREFIX Wine prefix (build/subscribe-bench-wineprefix)
#   SW_BENCH_SUB_RESULTS    report file (build/subscribe-bench-results.txt)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=${SW_BENCH_SUB_RULES:-10000}
INTERVAL=${SW_BENCH_SUB_INTERVAL:-60}
SECONDS_RUN=${SW_BENCH_SUB_SECONDS:-60}
WARMUP=${SW_BENCH_SUB_WARMUP:-15}
CLIENTS=${SW_BENCH_SUB_CLIENTS:-8}
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
RESULTS=${SW_BENCH_SUB_RESULTS:-$ROOT/build/subscribe-bench-results.txt}
export WINEPREFIX=${SW_BENCH_SUB_WINEPREFIX:-$ROOT/build/subscribe-bench-wineprefix}
export WINEDEBUG=-all
BENCH_NAME=subscribe-bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"

build_all smtpwatch-svc smtpwatch sw_store_tool pipe_probe
CLIENT_PIDS=()
stop_clients() {
  local pid
  for pid in "${CLIENT_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  CLIENT_PIDS=()
}
BENCH_CLEANUP=stop_clients
begin_run subscribe-bench 1800

mkdir -p "$TMP/rules"
add_rules "$TMP/rules/smtpwatch.db" "$RULES" "$INTERVAL" 10000

# A client that reads every rule's status every 5 s, until killed.
poller() {
  while :; do
    wine "$PROBE" --timeout-ms 60000 latency STATUS 1 --limit 1000 --all-pages \
      >/dev/null 2>&1 || true
    sleep 5
  done
}

# run_case NAME: the service on a copy of the database, warmed up, then
# SECONDS_RUN s with the case's clients; its stats in $TMP/NAME/stats.json
# and its CPU over the measured part in $TMP/NAME/cpu.
run_case() {
  local name=$1 i c0 c1 t0 t1
  mkdir -p "$TMP/$name"
  cp "$TMP/rules/smtpwatch.db" "$TMP/$name/"
  say "$name: starting the service, $WARMUP s of warm-up"
  run_service "$TMP/$name"
  wait_pipe
  sleep "$WARMUP"
  for i in $(seq "$CLIENTS"); do
    case $name in
    subscribed)
      wine "$CLI" watch --json >"$TMP/$name/watch-$i.out" 2>&1 &
      CLIENT_PIDS+=($!)
      ;;
    polling)
      poller &
      CLIENT_PIDS+=($!)
      ;;
    esac
  done
  say "$name: measuring $SECONDS_RUN s"
  c0=$(proc_cpu "$SVC_PID") t0=$(date +%s%N)
  sleep "$SECONDS_RUN"
  c1=$(proc_cpu "$SVC_PID") t1=$(date +%s%N)
  [ "$name" != subscribed ] ||
    wine "$CLI" service info --json >"$TMP/$name/info.json" 2>/dev/null || true
  stop_clients
  sleep 2 # eight clients exiting at once: let Wine settle before sc
  stop_service
  [ -s "$TMP/$name/stats.json" ] || die "$name: the service wrote no statistics"
  awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
    'BEGIN { printf "%.0f", (c1 - c0) * 100 / hz / ((t1 - t0) / 1e9) }' >"$TMP/$name/cpu"
}

run_case none
run_case subscribed
run_case polling

# row NAME LABEL: one line of the table.
row() {
  local s=$TMP/$1/stats.json
  awk -v label="$2" -v up="$(json "$s" uptime_us)" -v pipe="$(json "$s" pipe_us)" \
    -v ppm="$(json "$s" pipe_loop_ppm)" -v req="$(json "$s" pipe_requests)" \
    -v pushes="$(json "$s" pushes)" -v bytes="$(json "$s" push_bytes)" \
    -v p50="$(json "$s" lateness.p50_us)" -v p99="$(json "$s" lateness.p99_us)" \
    -v max="$(json "$s" lateness.max_us)" -v fin="$(json "$s" checks_finished)" \
    -v cpu="$(cat "$TMP/$1/cpu")" '
    BEGIN {
      printf "%-12s %8.3f %9.1f %8d %8d %9.1f %7.1f %7.1f %8.1f %7.1f %5d\n", label,
        ppm / 1e4, pipe / 1000, req, pushes, bytes / 1024, p50 / 1000, p99 / 1000,
        max / 1000, fin / (up / 1e6), cpu
    }'
}

{
  report_header "live clients benchmark"
  echo "the service under the SCM with $RULES rules every $INTERVAL s ($(awk -v r="$RULES" -v i="$INTERVAL" 'BEGIN{printf "%.0f", r/i}') checks/s scheduled) against fast_responder;"
  echo "each run: $WARMUP s of warm-up, then $SECONDS_RUN s with its clients ($CLIENTS of them)"
  echo
  printf '%-12s %8s %9s %8s %8s %9s %7s %7s %8s %7s %5s\n' "clients" "loop %" "pipe ms" \
    "requests" "pushes" "push KB" "p50 ms" "p99 ms" "max ms" "chk/s" "CPU%"
  row none "none"
  row subscribed "$CLIENTS watch"
  row polling "$CLIENTS polling"
  echo
  if [ -s "$TMP/subscribed/info.json" ]; then
    echo "subscribed run: SERVICE_INFO said $(json "$TMP/subscribed/info.json" subscribers) subscribers, $(json "$TMP/subscribed/info.json" status_requests) STATUS requests"
  fi
  echo "each watch client printed $(cat "$TMP"/subscribed/watch-*.out | wc -l) lines in all ($(cat "$TMP"/subscribed/watch-1.out | grep -c '"type":"state"') states for client 1)"
  echo "load average     $(cut -d' ' -f1-3 /proc/loadavg) at the end (other people's work included)"
  echo
  echo "loop %: the loop's time on clients (requests, the pipe's tick, pushes) over the"
  echo "service's whole run (pipe_loop_ppm of --stats-file); lateness: every check of the"
  echo "run, start-up and warm-up included; CPU%: the service's, during the measured part."
} | tee "$RESULTS"
