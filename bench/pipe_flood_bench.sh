#!/usr/bin/env bash
# Benchmarks the control pipe's fairness: does a hostile local client stop
# the monitoring? The service runs under Wine's real SCM with 1,000 rules
# checking bench/fast_responder, twice for the same time:
#   quiet  nobody talks to the pipe;
#   flood  one client (tests/tools/pipe_flood.exe) pipelines 2,000 HISTORY
#          requests for a rule with 1,000 stored failed results (2 KB
#          transcripts each), reading the replies as they come, while 8
#          more drip a HELLO one byte a second; meanwhile another client
#          asks SERVICE_INFO, one request after another.
# Prints, flood against quiet (the peer measured in the same run):
#   checks started in the window (goal: at least 90 % of quiet),
#   timeouts (goal: no more than quiet),
#   p99 schedule lateness (goal: within 2x of quiet),
#   SERVICE_INFO latency of the other client (goal: p99 under 100 ms),
#   the service's peak memory (goal: bounded; the figure),
# and what the flood and the drips got. Never fails on a figure: only
# when something cannot be built or started.
#
# Settings (environment):
#   SW_BENCH_FLOOD_RULES      rules (1000)
#   SW_BENCH_FLOOD_INTERVAL   each rule's interval in seconds (10)
#   SW_BENCH_FLOOD_WARMUP     seconds of checking before the window (10)
#   SW_BENCH_FLOOD_WINDOW     seconds of the measured window (30)
#   SW_BENCH_FLOOD_REQUESTS   pipelined HISTORY requests (2000)
#   SW_BENCH_FLOOD_DRIPS      dripping clients (8)
#   SW_BENCH_MINGW_DIR        MinGW build dir (build/mingw; configured if new)
#   SW_BENCH_NATIVE_DIR       native build dir for the responder (build/bench-native)
#   SW_BENCH_FLOOD_WINEPREFIX Wine prefix (build/flood-bench-wineprefix)
#   SW_BENCH_FLOOD_RESULTS    report file (build/pipe-flood-bench-results.txt)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=${SW_BENCH_FLOOD_RULES:-1000}
INTERVAL=${SW_BENCH_FLOOD_INTERVAL:-10}
WARMUP=${SW_BENCH_FLOOD_WARMUP:-10}
WINDOW=${SW_BENCH_FLOOD_WINDOW:-30}
REQUESTS=${SW_BENCH_FLOOD_REQUESTS:-2000}
DRIPS=${SW_BENCH_FLOOD_DRIPS:-8}
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
RESULTS=${SW_BENCH_FLOOD_RESULTS:-$ROOT/build/pipe-flood-bench-results.txt}
export WINEPREFIX=${SW_BENCH_FLOOD_WINEPREFIX:-$ROOT/build/flood-bench-wineprefix}
export WINEDEBUG=-all
# The service runs under the SCM, so the clients' check of the server
# passes without the development opt-in (docs/security.md, "Clients verify
# the server"); the hostile clients (pipe_flood) speak raw bytes anyway.
BENCH_NAME=pipe-flood-bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"

build_all smtpwatch-svc smtpwatch sw_store_tool pipe_probe pipe_flood
FLOOD=$MINGW_DIR/tests/tools/pipe_flood.exe

BG_PIDS=()
stop_background() {
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
BENCH_CLEANUP=stop_background
begin_run pipe-flood-bench $((4 * (WARMUP + WINDOW) + 300))

# checks_total: the service's finished checks so far (SERVICE_INFO).
checks_total() {
  wine "$CLI" service info --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["checks_total"])'
}

# run_case NAME: a fresh copy of the database, the service for
# WARMUP + WINDOW s (with the flood during the window for "flood"), its
# statistics in $TMP/NAME/.
run_case() {
  local name=$1 dir=$TMP/$1
  mkdir -p "$dir"
  cp "$TMP/seed/smtpwatch.db" "$dir/"
  say "$name: starting the service; $WARMUP s of checking, then $WINDOW s measured"
  run_service "$dir"
  wait_pipe
  sleep "$WARMUP"
  local c0 t0 c1 t1
  c0=$(checks_total) t0=$(date +%s%N)
  if [ "$name" = flood ]; then
    wine "$FLOOD" flood "$REQUESTS" 1 --limit 1000 --read >"$dir/flood.json" 2>&1 &
    BG_PIDS+=($!)
    wine "$FLOOD" drip "$DRIPS" --hold-ms $((WINDOW * 1000)) >"$dir/drip.json" 2>&1 &
    BG_PIDS+=($!)
    sleep 1
    wine "$PROBE" --timeout-ms 30000 latency SERVICE_INFO 100000 \
      --duration-ms $(((WINDOW - 2) * 1000)) >"$dir/info.json" 2>"$dir/info.err" ||
      say "SERVICE_INFO latency: $(cat "$dir/info.json" "$dir/info.err")"
    local left=$((t0 / 1000000000 + WINDOW - $(date +%s)))
    [ "$left" -gt 0 ] && sleep "$left"
  else
    wine "$PROBE" --timeout-ms 30000 latency SERVICE_INFO 100000 \
      --duration-ms $((WINDOW * 1000)) >"$dir/info.json" 2>"$dir/info.err" || true
  fi
  c1=$(checks_total) t1=$(date +%s%N)
  awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" \
    'BEGIN{printf "%d %.2f\n", b - a, (t1 - t0) / 1e9}' >"$dir/window"
  grep -E '^VmHWM' "/proc/$SVC_PID/status" | awk '{print $2}' >"$dir/hwm_kb"
  stop_service
  [ -s "$dir/stats.json" ] || die "$name: the service wrote no statistics"
  if [ "$name" = flood ]; then
    # The flood, if still reading, and the drips have done their part.
    for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    BG_PIDS=()
  fi
}

mkdir -p "$TMP/seed"
add_rules "$TMP/seed/smtpwatch.db" "$RULES" "$INTERVAL" 5000
say "adding 1000 stored results of rule 1"
wine "$TOOL" "$(winpath "$TMP/seed/smtpwatch.db")" fill-results 1 1000 >/dev/null ||
  die "adding results failed"

run_case quiet
run_case flood

/usr/bin/python3 - "$TMP" "$RULES" "$INTERVAL" "$WINDOW" "$REQUESTS" "$DRIPS" <<'EOF' | tee "$RESULTS"
import json, sys, os, subprocess, time
tmp, rules, interval, window, requests, drips = sys.argv[1:7]
def load(case, name):
    p = os.path.join(tmp, case, name)
    try:
        return json.load(open(p))
    except Exception:
        return {}
def window_of(case):
    n, s = open(os.path.join(tmp, case, "window")).read().split()
    return int(n), float(s)
q_n, q_s = window_of("quiet")
f_n, f_s = window_of("flood")
qs, fs = load("quiet", "stats.json"), load("flood", "stats.json")
def outcome(st, k):
    return st.get("outcomes", {}).get(k, 0)
def lat(st, k):
    return st.get("lateness", {}).get(k, 0) / 1000
q_rate, f_rate = q_n / q_s, f_n / f_s
qi, fi = load("quiet", "info.json"), load("flood", "info.json")
fl, dr = load("flood", "flood.json"), load("flood", "drip.json")
hwm = {c: int(open(os.path.join(tmp, c, "hwm_kb")).read().strip() or 0) for c in ("quiet", "flood")}
commit = subprocess.run(["git", "-C", os.path.dirname(tmp), "rev-parse", "--short", "HEAD"],
                        capture_output=True, text=True).stdout.strip() or "?"
print("SMTP Watch pipe fairness benchmark, %s, commit %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit))
print("the service under the SCM with %s rules every %s s against fast_responder; %s s windows;" % (rules, interval, window))
print("flood: %s pipelined HISTORY (limit 1000, rule with 1000 failed results) + %s dripping clients" % (requests, drips))
print()
print("%-34s %12s %12s %10s  %s" % ("", "quiet", "flood", "ratio", "goal"))
print("%-34s %12.1f %12.1f %9.0f%%  >= 90%%" % ("checks finished per second", q_rate, f_rate, 100 * f_rate / max(q_rate, 1e-9)))
print("%-34s %12d %12d %10s  no more" % ("timeouts (whole run)", outcome(qs, "timeout"), outcome(fs, "timeout"), "+%d" % (outcome(fs, "timeout") - outcome(qs, "timeout"))))
print("%-34s %12.1f %12.1f %9.2fx  within 2x" % ("lateness p99 ms (whole run)", lat(qs, "p99_us"), lat(fs, "p99_us"), lat(fs, "p99_us") / max(lat(qs, "p99_us"), 1e-9)))
print("%-34s %12.1f %12.1f %10s" % ("lateness p50 ms (whole run)", lat(qs, "p50_us"), lat(fs, "p50_us"), ""))
print("%-34s %12.1f %12.1f %10s  p99 < 100 ms" % ("SERVICE_INFO p50 ms (other client)", qi.get("p50_us", 0) / 1000, fi.get("p50_us", 0) / 1000, ""))
print("%-34s %12.1f %12.1f %10s" % ("SERVICE_INFO p99 ms", qi.get("p99_us", 0) / 1000, fi.get("p99_us", 0) / 1000, ""))
print("%-34s %12.1f %12.1f %10s" % ("SERVICE_INFO max ms", qi.get("max_us", 0) / 1000, fi.get("max_us", 0) / 1000, ""))
print("%-34s %12.1f %12.1f %9.2fx  bounded" % ("service peak memory MB (VmHWM)", hwm["quiet"] / 1024, hwm["flood"] / 1024, hwm["flood"] / max(hwm["quiet"], 1)))
print()
print("flood: %s of %s HISTORY replies read in %.1f s (%.1f MB)" % (
    fl.get("replies", "?"), fl.get("sent", "?"), fl.get("elapsed_ms", 0) / 1000, fl.get("bytes_received", 0) / 1e6))
print("drips: %s of %s connections closed by the service, the longest held %.1f s" % (
    dr.get("closed_by_server", "?"), dr.get("connections", "?"), dr.get("longest_held_s", 0)))
print()
print("Figures, not pass/fail. Checks per second: SERVICE_INFO's checks_total over each window.")
print("Timeouts and lateness: the service's --stats-file for its whole run (start-up and")
print("warm-up alike in both cases). Peak memory: VmHWM of the service's Wine process (Wine's")
print("own mappings included). The peer is the same service in the same run, unflooded.")
EOF
