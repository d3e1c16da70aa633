# Shell shared by the benchmarks that run the service under Wine's SCM
# (service_bench.sh, pipe_bench.sh, subscribe_bench.sh, pipe_flood_bench.sh):
# building, the run's start and cleanup, the prefix, fast_responder, the
# rules, the service's install/start/stop, the report's header, and reading
# /proc. Sourced, not run.
#
# The caller sets, before sourcing:
#   ROOT        the repository
#   BENCH_NAME  prefix of messages ("service-bench")
#   MINGW_DIR, NATIVE_DIR   build directories (created and configured here)
#   WINEPREFIX  the bench's own prefix (exported)
# and gets, as it calls the functions below: RESPONDER, SVC, TOOL, PROBE,
# CLI, BUILD_TYPE, TMP, WS_PID, OWN_SERVER, RESP_PID, PORT, SVC_PID, STOP_S.

HZ=$(getconf CLK_TCK)
PAGE_KB=$(($(getconf PAGESIZE) / 1024))

say() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
die() { say "$*"; exit 1; }

# build LOG COMMAND...: runs it quietly; on failure shows the log's tail.
build() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 && return 0
  tail -n 20 "$log" >&2
  return 1
}

# build_responder: fast_responder, natively and optimised so that it is
# never the bottleneck, in NATIVE_DIR (made absolute; configured here as a
# bench-only tree if new: the responder needs nothing else from the tree);
# sets RESPONDER.
build_responder() {
  mkdir -p "$NATIVE_DIR"
  NATIVE_DIR=$(cd "$NATIVE_DIR" && pwd)
  if [ ! -f "$NATIVE_DIR/CMakeCache.txt" ]; then
    build "$NATIVE_DIR/bench-configure.log" \
      cmake -S "$ROOT/bench" -B "$NATIVE_DIR" -DCMAKE_BUILD_TYPE=Release ||
      die "could not configure $NATIVE_DIR"
  fi
  build "$NATIVE_DIR/bench-build.log" cmake --build "$NATIVE_DIR" --target fast_responder ||
    die "fast_responder did not build"
  # A full-tree build dir (SW_BENCH_NATIVE_DIR) has it under bench/.
  RESPONDER=$NATIVE_DIR/fast_responder
  [ -x "$RESPONDER" ] || RESPONDER=$NATIVE_DIR/bench/fast_responder
}

# build_all MINGW_TARGET...: fast_responder natively (Release, bench-only
# tree) and the given targets in the MinGW tree; sets RESPONDER, SVC, TOOL,
# BUILD_TYPE and makes MINGW_DIR/NATIVE_DIR absolute (the service's binPath
# is a Windows path made from them). With SW_BENCH_PREBUILT=1 the MinGW
# tree is not built: MINGW_DIR holds copies of the programs at the same
# relative paths (service/, tests/tools/) and of CMakeCache.txt, so a
# "before" build can be measured while the sources move on.
build_all() {
  build_responder
  mkdir -p "$MINGW_DIR"
  MINGW_DIR=$(cd "$MINGW_DIR" && pwd)
  if [ "${SW_BENCH_PREBUILT:-0}" = 1 ]; then
    :
  elif [ ! -f "$MINGW_DIR/CMakeCache.txt" ]; then
    build "$MINGW_DIR/svc-bench-configure.log" cmake -S "$ROOT" -B "$MINGW_DIR" \
      -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
      -DCMAKE_BUILD_TYPE=Release || die "could not configure $MINGW_DIR"
  fi
  if [ "${SW_BENCH_PREBUILT:-0}" != 1 ]; then
    build "$MINGW_DIR/svc-bench-build.log" cmake --build "$MINGW_DIR" --target "$@" ||
      die "$* did not build"
  fi
  SVC=$MINGW_DIR/service/smtpwatch-svc.exe
  TOOL=$MINGW_DIR/tests/tools/sw_store_tool.exe
  PROBE=$MINGW_DIR/tests/tools/pipe_probe.exe
  CLI=$MINGW_DIR/cli/smtpwatch.exe
  BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$MINGW_DIR/CMakeCache.txt")
}

winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

wineserver_pid() {
  local want pid
  [ -d "$WINEPREFIX" ] || {
    echo 0
    return
  }
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

# start_prefix: boots WINEPREFIX (persistent wineserver); sets WS_PID, and
# OWN_SERVER=1 if the server was started here (stop_prefix stops it then).
start_prefix() {
  OWN_SERVER=0
  [ -d "$WINEPREFIX" ] && [ "$(wineserver_pid)" != 0 ] || OWN_SERVER=1
  "$ROOT/scripts/wine-prefix.sh" start "$WINEPREFIX" </dev/null >/dev/null 2>&1
  WS_PID=$(wineserver_pid)
}
stop_prefix() {
  if [ "${OWN_SERVER:-0}" = 1 ]; then
    "$ROOT/scripts/wine-prefix.sh" stop "$WINEPREFIX"
  fi
}

# start_responder DIR SECONDS: fast_responder on an ephemeral port, its
# output in DIR; sets RESP_PID and PORT.
start_responder() {
  "$RESPONDER" 0 --seconds "$2" >"$1/responder.out" 2>"$1/responder.err" &
  RESP_PID=$!
  PORT=
  for _ in $(seq 50); do
    PORT=$(sed -n 's/^port //p' "$1/responder.out")
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "$PORT" ] || die "fast_responder did not start: $(cat "$1/responder.err")"
}
stop_responder() {
  if [ -n "${RESP_PID:-}" ]; then
    kill "$RESP_PID" 2>/dev/null || true
    wait "$RESP_PID" 2>/dev/null || true
    RESP_PID=
  fi
}

sc_state() { wine sc query SmtpWatch 2>/dev/null | sed -n 's/.*STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p'; }
wait_state() { # STATE TIMEOUT_S
  local i
  for i in $(seq $(($2 * 20))); do
    [ "$(sc_state)" = "$1" ] && return 0
    sleep 0.05
  done
  return 1
}
# run_service DATA_DIR: installs and starts the service on DATA_DIR, with
# its statistics in DATA_DIR/stats.json (written at the stop); sets SVC_PID
# once it runs.
run_service() {
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
  wine sc create SmtpWatch binPath= "$(winpath "$SVC") --data-dir $(winpath "$1") --stats-file $(winpath "$1/stats.json")" >/dev/null ||
    die "sc create failed"
  wine sc start SmtpWatch >"$1/sc-start.out" 2>&1 || die "sc start failed: $(cat "$1/sc-start.out")"
  wait_state RUNNING 60 || die "the service did not reach RUNNING"
  SVC_PID=$(service_pid)
  [ "$SVC_PID" != 0 ] || die "the service process was not found"
}
# stop_service: sc stop, waits for STOPPED (sets STOP_S, the seconds that
# took), sc delete.
stop_service() {
  local t0
  t0=$(date +%s%N)
  # wine sc sometimes fails to launch under load (exit 1, nothing said):
  # once more, a moment later.
  wine sc stop SmtpWatch >/dev/null 2>&1 || { sleep 2 && wine sc stop SmtpWatch >/dev/null; } ||
    die "sc stop failed"
  wait_state STOPPED 30 || die "the service did not stop"
  STOP_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.2f", (b-a)/1e9}')
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
}
# remove_service: whatever state it is in (for a cleanup trap).
remove_service() {
  wine sc stop SmtpWatch >/dev/null 2>&1 || true
  sleep 1
  wine sc delete SmtpWatch >/dev/null 2>&1 || true
}
# json FILE KEY.KEY...: a value from a JSON file, 0 if missing.
json() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d.get(k, 0) if isinstance(d, dict) else 0
print(d)' "$1" "$2"; }

# begin_run NAME RESPONDER_SECONDS: more open files, a scratch directory
# TMP (build/NAME.XXXXXX), the prefix and fast_responder for that long.
# At exit end_run removes the service, stops the responder, removes TMP
# and stops the prefix; a bench with more to stop first (its clients)
# names a function in BENCH_CLEANUP.
begin_run() {
  ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  TMP=$(mktemp -d "$ROOT/build/$1.XXXXXX")
  trap end_run EXIT
  start_prefix
  start_responder "$TMP" "$2"
}
end_run() {
  [ -z "${BENCH_CLEANUP:-}" ] || "$BENCH_CLEANUP"
  remove_service
  stop_responder
  rm -rf "$TMP"
  stop_prefix
}

# add_rules DB RULES INTERVAL_S TIMEOUT_MS: RULES rules "bench" checking
# fast_responder, put into the database DB through the store API.
add_rules() {
  say "adding $2 rules (interval $3 s) to the database"
  wine "$TOOL" "$(winpath "$1")" add-many "$2" --name bench \
    --host 127.0.0.1 --port "$PORT" --ehlo-name bench.client --interval-s "$3" \
    --timeout-ms "$4" >/dev/null || die "adding rules failed"
}

# wait_pipe: until the service answers SERVICE_INFO on its pipe (a minute
# at most; the first request of a case says if it never did).
wait_pipe() {
  for _ in $(seq 120); do
    wine "$PROBE" --timeout-ms 2000 latency SERVICE_INFO 1 >/dev/null 2>&1 && return 0
    sleep 0.5
  done
}

# report_header WHAT: a report's first lines: the benchmark, when, which
# commit, on what machine and Wine, which MinGW build type.
report_header() {
  echo "SMTP Watch $1, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(wine --version 2>/dev/null), MinGW build type '${BUILD_TYPE:-none}'"
}
