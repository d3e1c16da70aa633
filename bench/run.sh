#!/usr/bin/env bash
# Benchmarks the IOCP check engine against a bare IOCP loop and against
# check_smtp, all talking to bench/fast_responder on loopback. See
# bench/README.md for what the figures mean. Prints a table and ratios and
# writes them to build/bench-results.txt. Never fails on timings: it fails
# only when something could not be built or started.
#
# Settings (environment):
#   SW_BENCH_MINGW_DIR   MinGW build dir (default build/mingw; configured here
#                        with the toolchain file if it has no CMakeCache.txt)
#   SW_BENCH_NATIVE_DIR  native build dir for the responder (build/bench-native)
#   SW_BENCH_CHECKS      checks per engine/bare run (3000)
#   SW_BENCH_ROUNDS      rounds of every run; the least disturbed is shown (3)
#   SW_BENCH_IN_FLIGHT   in-flight levels ("1 100 1000")
#   SW_BENCH_TLS_CHECKS  checks per TLS run (1000)
#   SW_BENCH_TLS_IN_FLIGHT  in-flight levels of the TLS runs ("1 100"); each
#                        has a tls@N row (handshake, no validation) and a
#                        tlsv@N row (handshake and chain validation)
#   SW_BENCH_CHECK_SMTP_RUNS / _PARALLEL   check_smtp processes (300) and how
#                        many at once (4)
#   SW_BENCH_RESULTS     where the report goes (build/bench-results.txt)
#   SW_BENCH_WINEPREFIX  Wine prefix (build/bench-wineprefix, made from the
#                        template by scripts/wine-prefix.sh; its wineserver
#                        is stopped at the end if this script started it)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINGW_DIR=${SW_BENCH_MINGW_DIR:-$ROOT/build/mingw}
NATIVE_DIR=${SW_BENCH_NATIVE_DIR:-$ROOT/build/bench-native}
CHECKS=${SW_BENCH_CHECKS:-3000}
ROUNDS=${SW_BENCH_ROUNDS:-3}
IN_FLIGHT=${SW_BENCH_IN_FLIGHT:-"1 100 1000"}
TLS_CHECKS=${SW_BENCH_TLS_CHECKS:-1000}
TLS_IN_FLIGHT=${SW_BENCH_TLS_IN_FLIGHT:-"1 100"}
CS_RUNS=${SW_BENCH_CHECK_SMTP_RUNS:-300}
CS_PARALLEL=${SW_BENCH_CHECK_SMTP_PARALLEL:-4}
RESULTS=${SW_BENCH_RESULTS:-$ROOT/build/bench-results.txt}
CHECK_SMTP=${SW_BENCH_CHECK_SMTP:-/usr/lib/nagios/plugins/check_smtp}
# A prefix of its own: other people's tests in the shared prefix would load
# its wineserver, whose CPU time is part of what we measure.
export WINEPREFIX=${SW_BENCH_WINEPREFIX:-$ROOT/build/bench-wineprefix}
export WINEDEBUG=-all
BENCH_NAME=bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"

[ -x "$CHECK_SMTP" ] || die "$CHECK_SMTP is missing (apt-get install monitoring-plugins-standard)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

# --- build ------------------------------------------------------------------
build_responder
mkdir -p "$MINGW_DIR"
if [ ! -f "$MINGW_DIR/CMakeCache.txt" ]; then
  build "$MINGW_DIR/bench-configure.log" cmake -S "$ROOT" -B "$MINGW_DIR" \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" ||
    die "could not configure $MINGW_DIR; a bench-only build also works:
  cmake -S bench -B DIR -DCMAKE_TOOLCHAIN_FILE=$ROOT/cmake/mingw-w64-x86_64.cmake
  SW_BENCH_MINGW_DIR=DIR $0"
fi
build "$MINGW_DIR/bench-build.log" cmake --build "$MINGW_DIR" --target bare_loop ||
  die "bare_loop did not build"
# TLS rows: tls_responder (native, OpenSSL) and the test CA tool.
HAVE_TLS=1
if ! build "$NATIVE_DIR/bench-tls-build.log" cmake --build "$NATIVE_DIR" --target tls_responder; then
  HAVE_TLS=0
  say "tls_responder did not build (libssl-dev?): TLS rows skipped"
fi
TLS_RESPONDER=$NATIVE_DIR/tls_responder
[ -x "$TLS_RESPONDER" ] || TLS_RESPONDER=$NATIVE_DIR/bench/tls_responder
HAVE_ENGINE=1
if ! build "$MINGW_DIR/bench-engine-build.log" cmake --build "$MINGW_DIR" --target engine_bench; then
  HAVE_ENGINE=0
  say "engine_bench did not build (log: $MINGW_DIR/bench-engine-build.log): engine rows skipped"
fi
# The full tree puts the exes under bench/, a standalone bench build at the top.
exe() { if [ -f "$MINGW_DIR/bench/$1.exe" ]; then echo "$MINGW_DIR/bench/$1.exe"; else echo "$MINGW_DIR/$1.exe"; fi; }
if [ "$HAVE_TLS" = 1 ] && ! build "$MINGW_DIR/bench-tls-build.log" \
  cmake --build "$MINGW_DIR" --target install_root_cert; then
  HAVE_TLS=0
  say "install_root_cert did not build: TLS rows skipped"
fi
INSTALL_ROOT_CERT=$MINGW_DIR/tests/tools/install_root_cert.exe
BARE=$(exe bare_loop)
ENGINE=$(exe engine_bench)
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$MINGW_DIR/CMakeCache.txt")

# --- start ------------------------------------------------------------------
# 1000 sockets in flight on both ends.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

OWN_SERVER=0
TMP=$(mktemp -d)
RESP_PID=
TLS_RESP_PID=
CA_INSTALLED=0
cleanup() {
  for pid in $RESP_PID $TLS_RESP_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # The run's own test CA out of the prefix's Root store again.
  if [ "$CA_INSTALLED" = 1 ]; then
    wine "$INSTALL_ROOT_CERT" remove "Z:$TMP/certs/ca.der" >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  # Only the server this script booted, in the bench's own prefix.
  if [ "$OWN_SERVER" = 1 ]; then
    "$ROOT/scripts/wine-prefix.sh" stop "$WINEPREFIX"
  fi
}
trap cleanup EXIT
[ "$(wineserver_pid)" != 0 ] || OWN_SERVER=1
"$ROOT/scripts/wine-prefix.sh" start "$WINEPREFIX"

# The responder stops by itself even if this script is killed outright.
"$RESPONDER" 0 --seconds 600 >"$TMP/responder.out" 2>"$TMP/responder.err" &
RESP_PID=$!
PORT=
for _ in $(seq 50); do
  PORT=$(sed -n 's/^port //p' "$TMP/responder.out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || die "fast_responder did not start: $(cat "$TMP/responder.err")"

# The TLS responder, with certificates made for this run and their CA in
# the prefix's Root store (for the tlsv rows, which validate the chain).
TLS_PORT=
if [ "$HAVE_TLS" = 1 ]; then
  "$ROOT/tests/fixtures/tls_certs.sh" "$TMP/certs" >"$TMP/certs.log" 2>&1 ||
    die "tls_certs.sh failed: $(tail -5 "$TMP/certs.log")"
  wine "$INSTALL_ROOT_CERT" add "Z:$TMP/certs/ca.der" >/dev/null 2>&1 ||
    die "install_root_cert could not add the test CA to $WINEPREFIX"
  CA_INSTALLED=1
  "$TLS_RESPONDER" 0 "$TMP/certs/trusted.pem" "$TMP/certs/trusted.key" --seconds 600 \
    >"$TMP/tls_responder.out" 2>"$TMP/tls_responder.err" &
  TLS_RESP_PID=$!
  for _ in $(seq 50); do
    TLS_PORT=$(sed -n 's/^port //p' "$TMP/tls_responder.out")
    [ -n "$TLS_PORT" ] && break
    sleep 0.1
  done
  [ -n "$TLS_PORT" ] || die "tls_responder did not start: $(cat "$TMP/tls_responder.err")"
fi

WS_PID=$(wineserver_pid)

now_ns() { date +%s%N; }

# run_case NAME CMD... : runs one measured command; appends a row to
# $TMP/rows: name checks ok failures wall_s loop_s busy client ws resp (jiffies)
run_case() {
  local name=$1
  shift
  local b0 w0 r0 t0 t1 rc=0
  # The responder this case talks to: the TLS one for tls* rows.
  local rpid=$RESP_PID
  case $name in tls*) rpid=$TLS_RESP_PID ;; esac
  b0=$(machine_busy) w0=$(proc_cpu "$WS_PID") r0=$(proc_cpu "$rpid") t0=$(now_ns)
  /usr/bin/time -f '%U %S' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  t1=$(now_ns)
  local busy=$(($(machine_busy) - b0)) ws=$(($(proc_cpu "$WS_PID") - w0))
  local resp=$(($(proc_cpu "$rpid") - r0))
  local client
  client=$(awk -v hz="$HZ" 'END{printf "%d", ($1+$2)*hz + 0.5}' "$TMP/time")
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
  local checks ok fail loop
  if [ "$name" = check_smtp ]; then
    checks=$CS_RUNS
    ok=$(grep -c '^SMTP OK' "$TMP/out" || true)
    fail=$((checks - ok))
    loop=$wall
  else
    local line
    line=$(grep -E '^[a-z_]+: checks=' "$TMP/out" | tail -1)
    [ -n "$line" ] || {
      say "$name produced no result (exit $rc): $(head -c 600 "$TMP/err")"
      return 0
    }
    checks=$(sed 's/.*checks=\([0-9]*\).*/\1/' <<<"$line")
    ok=$(sed 's/.* ok=\([0-9]*\).*/\1/' <<<"$line")
    fail=$(sed 's/.*failures=\([0-9]*\).*/\1/' <<<"$line")
    loop=$(sed 's/.*seconds=\([0-9.]*\).*/\1/' <<<"$line")
  fi
  [ "$fail" = 0 ] || say "$name: $fail of $checks checks failed: $(head -c 600 "$TMP/err")"
  echo "$name $checks $ok $fail $wall $loop $busy $client $ws $resp" >>"$TMP/rows"
  say "$(printf '%-22s %6s checks in %6ss, %s failed' "$name" "$checks" "$wall" "$fail")"
}

# Background load: what the machine burns while we do nothing (other
# users' builds count in the whole-machine figures).
background_pct() {
  local b0
  b0=$(machine_busy)
  sleep 2
  awk -v d=$(($(machine_busy) - b0)) -v hz="$HZ" 'BEGIN{printf "%.0f", d/hz/2*100}'
}
BG_BEFORE=$(background_pct)

say "responder on 127.0.0.1:$PORT, wineserver pid $WS_PID, $CHECKS checks per run"
# A first Wine process pays for cold caches; it is not measured.
wine "$BARE" 127.0.0.1 "$PORT" 10 100 >/dev/null 2>&1 || true

: >"$TMP/rows"
for round in $(seq "$ROUNDS"); do
  say "round $round of $ROUNDS"
  for n in $IN_FLIGHT; do
    run_case "bare@$n" wine "$BARE" 127.0.0.1 "$PORT" "$n" "$CHECKS"
    if [ "$HAVE_ENGINE" = 1 ]; then
      run_case "engine@$n" wine "$ENGINE" 127.0.0.1 "$PORT" "$n" "$CHECKS"
    fi
  done
  # The same exchange over implicit TLS: tls@N does the handshake only
  # (--insecure, an address: no SNI, no validation), tlsv@N also validates
  # the chain and the name "localhost" as a real check does.
  if [ "$HAVE_TLS" = 1 ] && [ "$HAVE_ENGINE" = 1 ]; then
    for n in $TLS_IN_FLIGHT; do
      run_case "tls@$n" wine "$ENGINE" 127.0.0.1 "$TLS_PORT" "$n" "$TLS_CHECKS" \
        --tls implicit --insecure
      run_case "tlsv@$n" wine "$ENGINE" localhost "$TLS_PORT" "$n" "$TLS_CHECKS" \
        --tls implicit
    done
  fi
  # One check_smtp process per check, a few at a time, as a monitoring
  # system's scheduler would run it.
  run_case check_smtp sh -c 'seq "$1" | xargs -P "$2" -I{} "$3" -H 127.0.0.1 -p "$4" \
    -F bench.client -t 10' sh "$CS_RUNS" "$CS_PARALLEL" "$CHECK_SMTP" "$PORT"
done
# Other work on the machine only ever adds CPU time and slows runs down: of
# each case's rounds, report the one that cost the least CPU per check, with
# the failures of all rounds.
awk '{ c = $7 / ($2 > 0 ? $2 : 1); fails[$1] += $4 }
     !($1 in best) || c < best[$1] {
       if (!($1 in best)) order[++n] = $1
       best[$1] = c; row[$1] = $0
     }
     END {
       for (i = 1; i <= n; i++) {
         $0 = row[order[i]]; $4 = fails[order[i]]; print
       }
     }' "$TMP/rows" >"$TMP/best"

BG_AFTER=$(background_pct)

# --- report -----------------------------------------------------------------
{
  echo "SMTP Watch benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(wine --version 2>/dev/null), MinGW build type '${BUILD_TYPE:-none}'"
  echo "background load (idle 2 s): ${BG_BEFORE}% of one CPU before the runs, ${BG_AFTER}% after"
  echo "check_smtp: $CS_RUNS processes, $CS_PARALLEL at a time; each run: the best of $ROUNDS rounds"
  echo
  awk -v hz="$HZ" '
    BEGIN {
      printf "%-12s %6s %4s %6s %8s %8s | %7s %7s | %7s %7s %7s | %4s %4s\n", "run", "checks",
        "fail", "wall_s", "checks/s", "loop_c/s", "machine", "ours", "client", "winesrv",
        "respond", "ws%", "rs%"
    }
    {
      ms = 1000 / hz / ($2 > 0 ? $2 : 1)
      printf "%-12s %6d %4d %6.2f %8.0f %8.0f | %7.3f %7.3f | %7.3f %7.3f %7.3f | %4.0f %4.0f\n",
        $1, $2, $4, $5, $3 / $5, $3 / $6, $7 * ms, ($8 + $9 + $10) * ms, $8 * ms, $9 * ms,
        $10 * ms, 100 * $9 / hz / $5, 100 * $10 / hz / $5
    }' "$TMP/best"
  echo
  echo "CPU figures are milliseconds of CPU per check. machine: whole machine, all"
  echo "CPUs (/proc/stat busy jiffies); ours: client + winesrv + respond, i.e. the"
  echo "client process(es), this prefix's wineserver and fast_responder, without"
  echo "other users' load (and without unattributed softirq time)."
  echo "fail: failed checks over all rounds (a benchmark run counts only if 0)."
  echo "checks/s: OK checks / wall time of the process; loop_c/s: OK checks / the"
  echo "program's own timing of its loop (no process start-up)."
  echo "ws%, rs%: busy share of one CPU of the wineserver and the responder."
  echo
  awk '
    {
      rate[$1] = $3 / $5; n = ($2 > 0 ? $2 : 1)
      cpu[$1] = $7 / n; ours[$1] = ($8 + $9 + $10) / n; seen[$1] = 1
      if ($1 ~ /^bare@/) levels[++nl] = substr($1, 6)
    }
    function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    END {
      printf "%-9s | %-26s | %-8s | %-26s\n", "", "engine/bare CPU per check", "engine/",
        "check_smtp/bare CPU/check"
      printf "%-9s | %12s %13s | %-8s | %12s %13s\n", "in flight", "machine", "ours",
        "bare c/s", "machine", "ours"
      for (i = 1; i <= nl; i++) {
        b = "bare@" levels[i]; e = "engine@" levels[i]; c = "check_smtp"
        printf "%-9s | %12s %13s | %8s | %12s %13s\n", levels[i],
          (e in seen) ? ratio(cpu[e], cpu[b]) : "-", (e in seen) ? ratio(ours[e], ours[b]) : "-",
          (e in seen) ? ratio(rate[e], rate[b]) : "-",
          (c in seen) ? ratio(cpu[c], cpu[b]) : "-", (c in seen) ? ratio(ours[c], ours[b]) : "-"
      }
    }' "$TMP/best"
  if [ "$HAVE_TLS" = 1 ] && [ "$HAVE_ENGINE" = 1 ]; then
    echo
    awk '
      {
        rate[$1] = $3 / $5; n = ($2 > 0 ? $2 : 1)
        cpu[$1] = $7 / n; ours[$1] = ($8 + $9 + $10) / n; cli[$1] = ($8 + $9) / n
        seen[$1] = 1
        if ($1 ~ /^tls@/) levels[++nl] = substr($1, 5)
      }
      function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
      END {
        printf "%-9s | %-22s | %-22s | %-17s\n", "", "TLS/plain CPU per check",
          "validated/plain", "handshakes/s"
        printf "%-9s | %10s %11s | %10s %11s | %8s %8s\n", "in flight", "ours",
          "client+ws", "ours", "client+ws", "tls", "tlsv"
        for (i = 1; i <= nl; i++) {
          t = "tls@" levels[i]; v = "tlsv@" levels[i]; e = "engine@" levels[i]
          printf "%-9s | %10s %11s | %10s %11s | %8.0f %8.0f\n", levels[i],
            (e in seen) ? ratio(ours[t], ours[e]) : "-", (e in seen) ? ratio(cli[t], cli[e]) : "-",
            (e in seen && v in seen) ? ratio(ours[v], ours[e]) : "-",
            (e in seen && v in seen) ? ratio(cli[v], cli[e]) : "-", rate[t], (v in seen) ? rate[v] : 0
        }
      }' "$TMP/best"
    echo "tls@N: implicit TLS handshake (full: tls_responder resumes no session), no"
    echo "validation; tlsv@N: also the chain and host-name validation of \"localhost\""
    echo "(and its resolution), as a real check; plain: engine@N. client+ws: the client"
    echo "and the wineserver, without the responder (OpenSSL's side of the handshake)."
  fi
  echo
  echo "targets: engine/bare CPU per check <= 1.25; rate bound by the server (rs% near"
  echo "100), not by the client, up to 1000 in flight."
  if [ "$HAVE_ENGINE" != 1 ]; then
    echo "engine_bench did not build: engine rows are missing"
  fi
  if [ "$BG_BEFORE" -gt 10 ] || [ "$BG_AFTER" -gt 10 ]; then
    echo "note: other work was running: the machine column includes it; trust ours more"
  fi
} | tee "$RESULTS"
