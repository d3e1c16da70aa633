#!/usr/bin/env bash
# Benchmarks the control pipe of the installed service: smtpwatch-svc.exe
# under Wine's real SCM with 100,000 rules checking bench/fast_responder (as
# service_bench.sh runs it), asked for its status over \\.\pipe\SmtpWatch
# by tests/tools/pipe_probe.exe while the checks run. Prints requests per
# second and latency (p50/p99/max) of:
#   SERVICE_INFO            the pipe and the loop alone (no database)
#   STATUS, one page        the first 100 rules with their last results
#   STATUS, last page       the last 100 rules (AFTER near the end)
#   RULE_LIST, first/last   a page of 100 rules at the start and the end
#   STATUS, every rule      pages of 1000, as `smtpwatch status` reads it
#   STATUS x N clients      the first page, N clients at once
# and what the checks did meanwhile (checks per second against the
# schedule, lateness), from the service's --stats-file.
# Never fails on a figure: only when something cannot be built or started.
#
# Settings (environment):
#   SW_BENCH_PIPE_RULES      rules (100000)
#   SW_BENCH_PIPE_INTERVAL   each rule's interval in seconds (300)
#   SW_BENCH_PIPE_WARMUP     seconds the service checks before the first
#                            request (15: every rule's first results land)
#   SW_BENCH_PIPE_REQUESTS   requests per case at most (300; the
#                            whole-status case makes a hundredth as many walks)
#   SW_BENCH_PIPE_CASE_S     seconds per case at most (20)
#   SW_BENCH_PIPE_CLIENTS    clients of the concurrent case (8)
#   SW_BENCH_MINGW_DIR       MinGW build dir (build/mingw; configured if new)
#   SW_BENCH_NATIVE_DIR      native build dir for the responder (build/bench-native)
#   SW_BENCH_PIPE_WINEPREFIX Wine prefix (build/pipe-bench-wineprefix)
#   SW_BENCH_PIPE_RESULTS    report file (build/pipe-bench-results.txt)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=${SW_BENCH_PIPE_RULES:-100000}
INTERVAL=${SW_BENCH_PIPE_INTERVAL:-300}
WARMUP=${SW_BENCH_PIPE_WARMUP:-15}
REQUESTS=${SW_BENCH_PIPE_REQUESTS:-300}
CASE_MS=$((${SW_BENCH_PIPE_CASE_S:-20} * 1000))
CLIENTS=${SW_BENCH_PIPE_CLIENTS:-8}
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
RESULTS=${SW_BENCH_PIPE_RESULTS:-$ROOT/build/pipe-bench-results.txt}
export WINEPREFIX=${SW_BENCH_PIPE_WINEPREFIX:-$ROOT/build/pipe-bench-wineprefix}
export WINEDEBUG=-all
BENCH_NAME=pipe-bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"

build_all smtpwatch-svc sw_store_tool pipe_probe
begin_run pipe-bench 1800

mkdir -p "$TMP/data"
add_rules "$TMP/data/smtpwatch.db" "$RULES" "$INTERVAL" 10000

# probe NAME ARGS...: pipe_probe's JSON into $TMP/NAME.json; dies if a
# request failed (a figure of failed requests would mean nothing).
probe() {
  local name=$1
  shift
  say "  $*"
  wine "$PROBE" --timeout-ms 60000 "$@" --duration-ms "$CASE_MS" >"$TMP/$name.json" \
    2>"$TMP/$name.err" || die "pipe_probe $* failed: $(cat "$TMP/$name.json" "$TMP/$name.err")"
}

say "starting the service; it checks for $WARMUP s before the first request"
run_service "$TMP/data"
wait_pipe
sleep "$WARMUP"

say "measuring: SERVICE_INFO, STATUS (one page, every rule, $CLIENTS clients)"
C0=$(proc_cpu "$SVC_PID") W0=$(proc_cpu "$WS_PID") T0=$(date +%s%N)
probe service_info latency SERVICE_INFO "$REQUESTS"
probe status_page latency STATUS "$REQUESTS"
probe status_last latency STATUS "$REQUESTS" --after $((RULES - 100))
probe list_page latency RULE_LIST "$REQUESTS" --limit 100
probe list_last latency RULE_LIST "$REQUESTS" --limit 100 --after $((RULES - 100))
probe status_all latency STATUS $(((REQUESTS + 99) / 100)) --limit 1000 --all-pages
probe status_concurrent concurrent "$CLIENTS" $(((REQUESTS + CLIENTS - 1) / CLIENTS)) \
  --messages STATUS
T1=$(date +%s%N) C1=$(proc_cpu "$SVC_PID") W1=$(proc_cpu "$WS_PID")
stop_service
STATS=$TMP/data/stats.json
[ -s "$STATS" ] || die "the service wrote no statistics"

# row NAME LABEL: one line of the table from $TMP/NAME.json.
row() {
  /usr/bin/python3 - "$TMP/$1.json" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
what = "%d requests" % d["ok"]
if d.get("all_pages"):
    what = "%d walks of %d pages, %d records each" % (
        d["ok"], d["pages"] // max(d["samples"], 1), d["records"] // max(d["samples"], 1))
elif d["mode"] == "concurrent":
    what = "%d requests from %d clients" % (d["ok"], d["clients"])
print("%-26s %9.1f %9.1f %9.1f %9.1f   %s" % (
    sys.argv[2], d["requests_per_s"], d["p50_us"] / 1000, d["p99_us"] / 1000,
    d["max_us"] / 1000, what))
EOF
}

{
  report_header "control pipe benchmark"
  echo "the service under the SCM with $RULES rules every $INTERVAL s ($(awk -v r="$RULES" -v i="$INTERVAL" 'BEGIN{printf "%.0f", r/i}') checks/s scheduled) against fast_responder;"
  echo "requests after $WARMUP s of checking, one connection per case, while the checks run"
  echo
  printf '%-26s %9s %9s %9s %9s\n' "request" "req/s" "p50 ms" "p99 ms" "max ms"
  row service_info "SERVICE_INFO"
  row status_page "STATUS, first 100 rules"
  row status_last "STATUS, last 100 rules"
  row list_page "RULE_LIST, first 100"
  row list_last "RULE_LIST, last 100"
  row status_all "STATUS, every rule"
  row status_concurrent "STATUS, $CLIENTS clients at once"
  echo
  awk -v c0="$C0" -v c1="$C1" -v w0="$W0" -v w1="$W1" -v t0="$T0" -v t1="$T1" -v hz="$HZ" '
    BEGIN {
      s = (t1 - t0) / 1e9
      printf "while measuring  %.1f s; service CPU %.0f %%, wineserver CPU %.0f %% of one core\n", s, (c1 - c0) * 100 / hz / s, (w1 - w0) * 100 / hz / s
    }'
  FIN=$(json "$STATS" checks_finished) IGN=$(json "$STATS" results_ignored)
  awk -v c=$((FIN - IGN)) -v up="$(json "$STATS" uptime_us)" -v r="$RULES" -v i="$INTERVAL" \
    -v p50="$(json "$STATS" lateness.p50_us)" -v p99="$(json "$STATS" lateness.p99_us)" \
    -v max="$(json "$STATS" lateness.max_us)" -v skipped="$(json "$STATS" skipped)" \
    -v ok="$(json "$STATS" outcomes.ok)" '
    BEGIN {
      printf "checks           %d (%d OK) in the service'"'"'s %.1f s, %.1f checks/s of %.1f scheduled, %d runs skipped\n", c, ok, up / 1e6, c / (up / 1e6), r / i, skipped
      printf "lateness         p50 %.1f ms, p99 %.1f ms, max %.1f ms (whole run: start-up, warm-up and requests)\n", p50 / 1000, p99 / 1000, max / 1000
    }'
  echo "outcomes         $(/usr/bin/python3 -c 'import json,sys; print(", ".join("%s %d" % kv for kv in json.load(open(sys.argv[1]))["outcomes"].items()))' "$STATS")"
  echo "load average     $(cut -d' ' -f1-3 /proc/loadavg) at the end (other people's work included)"
  echo
  echo "Figures, not pass/fail. Latency: from writing a request to having its whole reply, in"
  echo "pipe_probe (the real client code, common/win/pipe_client.c); a walk of every rule is one"
  echo "sample. req/s: answered requests (walks) over the case's wall time. The service answers"
  echo "on its loop thread, between checks: every request costs the checks that much time."
} | tee "$RESULTS"
