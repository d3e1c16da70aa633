#!/usr/bin/env bash
# Benchmarks the SMTP Watch service as installed: smtpwatch-svc.exe under
# Wine's real SCM, 100,000 rules in its database (put in through the store
# API by sw_store_tool.exe), checking bench/fast_responder on loopback.
# Prints checks per second, schedule lateness (p50/p99/max: how long after
# its due time each check started), CPU per check (the service, the
# wineserver, the responder) and memory per rule (RSS of the service
# process with the rules loaded, minus with none), beside check_smtp's CPU
# per check as a monitoring system runs it (a process per check).
# Never fails on a figure: only when something cannot be built or started.
#
# Settings (environment):
#   SW_BENCH_SVC_RULES      rules (100000)
#   SW_BENCH_SVC_INTERVAL   each rule's interval in seconds (300: 333
#                           checks/s; the validator allows 10 and more)
#   SW_BENCH_SVC_SECONDS    how long the service runs with the rules (120)
#   SW_BENCH_MINGW_DIR      MinGW build dir (build/mingw; configured if new)
#   SW_BENCH_NATIVE_DIR     native build dir for the responder (build/bench-native)
#   SW_BENCH_CHECK_SMTP_RUNS / _PARALLEL   check_smtp processes (300), at once (4)
#   SW_BENCH_SVC_WINEPREFIX Wine prefix (build/service-bench-wineprefix)
#   SW_BENCH_SVC_RESULTS    report file (build/service-bench-results.txt)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=${SW_BENCH_SVC_RULES:-100000}
INTERVAL=${SW_BENCH_SVC_INTERVAL:-300}
SECONDS_RUN=${SW_BENCH_SVC_SECONDS:-120}
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
CS_RUNS=${SW_BENCH_CHECK_SMTP_RUNS:-300}
CS_PARALLEL=${SW_BENCH_CHECK_SMTP_PARALLEL:-4}
CHECK_SMTP=${SW_BENCH_CHECK_SMTP:-/usr/lib/nagios/plugins/check_smtp}
RESULTS=${SW_BENCH_SVC_RESULTS:-$ROOT/build/service-bench-results.txt}
export WINEPREFIX=${SW_BENCH_SVC_WINEPREFIX:-$ROOT/build/service-bench-wineprefix}
export WINEDEBUG=-all
BENCH_NAME=service-bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"

[ -x "$CHECK_SMTP" ] || die "$CHECK_SMTP is missing (apt-get install monitoring-plugins-standard)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

# --- build ------------------------------------------------------------------
build_all smtpwatch-svc sw_store_tool

# --- start ------------------------------------------------------------------
begin_run service-bench $((SECONDS_RUN + 900))

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
t0=$(date +%s%N)
add_rules "$TMP/full/smtpwatch.db" "$RULES" "$INTERVAL" 10000
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
  report_header "service benchmark"
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
  m() { json "$STATS" "memory.$1"; }
  awk -v rules="$RULES" -v p0="$(json "$TMP/empty/stats.json" memory.private_bytes)" \
    -v p1="$(m private_bytes)" -v rec="$(m rule_record_bytes)" -v rule="$(m rule_bytes)" \
    -v st="$(m rule_state_bytes)" -v al="$(m rule_alert_bytes)" -v str="$(m rule_strings_bytes)" \
    -v sec="$(m rule_secrets_bytes)" -v oth="$(m rule_other_bytes)" -v tab="$(m rule_table_bytes)" \
    -v blk="$(m rule_heap_blocks)" -v sch="$(m scheduler_bytes)" '
    BEGIN {
      n = rules > 0 ? rules : 1
      printf "private bytes   %.1f MB with no rules, %.1f MB with %d: %.2f KB per rule (at the stop)\n", p0 / 1048576, p1 / 1048576, rules, (p1 - p0) / 1024 / n
      printf "per rule        record %d B (struct sw_rule %d, state %d, alerts %d, the rest %d), strings %.0f B, secrets %.0f B,\n", rec, rule, st, al, rec - rule - st - al, str / n, sec / n
      printf "                other %.0f B, table %.0f B, scheduler %.0f B; %.1f heap blocks; sum %.0f B\n", oth / n, tab / n, sch / n, blk / n, rec + (str + sec + oth + tab + sch) / n
    }'
  /usr/bin/python3 -c '
import json, sys
loop = json.load(open(sys.argv[1])).get("loop", {})
parts = ("store", "alerts", "outbox", "metrics", "start", "results", "engine", "pipe")
print("loop            %d turns, the longest %.1f ms; time by part, s (longest turn'"'"'s part, ms):"
      % (loop.get("turns", 0), loop.get("turn_max_us", 0) / 1000))
print("               " + ", ".join("%s %.1f (%.0f)" % (p, loop.get(p + "_us", 0) / 1e6,
                                                      loop.get(p + "_max_us", 0) / 1000)
                                     for p in parts))' "$STATS"
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
