#!/usr/bin/env bash
# The demo: builds SMTP Watch for Windows, starts local SMTP servers on
# loopback (aiosmtpd, plus our fault-injecting server for a refusing and a
# silent one), runs real `smtpwatch check`s against them under Wine, then
# starts the service (console mode), gives it rules through the control
# pipe and shows what it found: status, history and events.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SW_BUILD_DIR:-$ROOT/build}
export SW_WINEPREFIX=${SW_WINEPREFIX:-$BUILD/demo-wineprefix}
PY=/usr/bin/python3
WORK=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$ROOT/scripts/wine-prefix.sh" stop "$SW_WINEPREFIX"
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/bootstrap.sh"
echo "== building (MinGW-w64)"
cmake -S "$ROOT" -B "$BUILD/mingw" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
  -DSW_DEPS_DIR="$BUILD/deps" >/dev/null
cmake --build "$BUILD/mingw" -j "$(nproc)" --target smtpwatch smtpwatch-svc
EXE=$BUILD/mingw/service/smtpwatch.exe
SVC=$BUILD/mingw/service/smtpwatch-svc.exe

echo "== starting the Wine prefix and local SMTP servers on 127.0.0.1"
"$ROOT/scripts/wine-prefix.sh" start "$SW_WINEPREFIX"
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
AIO_PORT=$(free_port)
$PY -m aiosmtpd -n -l "127.0.0.1:$AIO_PORT" >"$WORK/aiosmtpd.log" 2>&1 &
pids+=($!)
$PY "$ROOT/tests/fixtures/fault_smtp_server.py" --ports-file "$WORK/ports.json" \
  --lifetime 300 >"$WORK/fault.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  [ -s "$WORK/ports.json" ] && $PY -c "import socket; socket.create_connection(('127.0.0.1', $AIO_PORT), 0.2).close()" 2>/dev/null && break
  sleep 0.1
done
port_of() { $PY -c "import json,sys; print(json.load(open('$WORK/ports.json'))['$1'])"; }
REJECT_PORT=$(port_of reject_554)
SILENT_PORT=$(port_of silent)

run() {
  echo
  echo "\$ smtpwatch $(printf '%q ' "$@")"
  set +e
  SW_WINE_READY=1 "$ROOT/scripts/wine-run.sh" "$EXE" "$@"
  echo "(exit code $?)"
  set -e
}

echo "== checks"
run check 127.0.0.1 --port "$AIO_PORT"
run check 127.0.0.1 --port "$AIO_PORT" --send "NOOP" --expect "250" --verbose
run check 127.0.0.1 --port "$REJECT_PORT"
run check 127.0.0.1 --port "$SILENT_PORT" --timeout-ms 2000
run check 127.0.0.1 --port "$AIO_PORT" --json

echo
echo "== the service (console mode), configured through \\\\.\\pipe\\SmtpWatch"
mkdir -p "$WORK/data"
SW_WINE_READY=1 "$ROOT/scripts/wine-run.sh" "$SVC" --console --data-dir "Z:${WORK//\//\\}\\data" \
  >"$WORK/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  SW_WINE_READY=1 "$ROOT/scripts/wine-run.sh" "$EXE" service info >/dev/null 2>&1 && break
  sleep 0.2
done
run service info
run rules add 127.0.0.1 --name "Local relay (aiosmtpd)" --port "$AIO_PORT" --interval-s 10
run rules add 127.0.0.1 --name "Refusing relay" --port "$REJECT_PORT" --interval-s 10
run rules list
echo
echo "(letting the service check each rule twice: 22 s)"
sleep 22
run status
run history 1 --limit 3
run events --limit 6
echo
echo "== the service's own log (console mode prints its Event Log messages)"
cat "$WORK/service.log"
