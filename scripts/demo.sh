#!/usr/bin/env bash
# The demo: builds SMTP Watch for Windows and its MSI, installs the MSI into
# a fresh Wine prefix as an administrator would (msiexec /i /qn), starts
# local SMTP servers on loopback (aiosmtpd, plus our fault-injecting server
# for a refusing and a silent one), runs real `smtpwatch check`s against
# them with the installed smtpwatch.exe, gives the installed service rules
# through the control pipe (one healthy server, one failing, the failing one
# with an e-mail notifier), shows what it found (status, history, events),
# the alert mail it sent, an availability report, the rules exported, the
# metrics served through http.sys, and takes a screenshot of the installed
# rule editor. Everything runs on an Xvfb display of its own; nothing is
# left running afterwards.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SW_BUILD_DIR:-$ROOT/build}
DEPS=${SW_DEPS_DIR:-$ROOT/build/deps} # where bootstrap.sh puts SQLite, cmocka and cJSON
export SW_WINEPREFIX=${SW_WINEPREFIX:-$BUILD/demo-wineprefix}
export WINEPREFIX=$SW_WINEPREFIX WINEDEBUG=-all
# No .desktop files in this machine's menus for the Start Menu shortcut.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
SHOT=$BUILD/demo-editor.png
PY=/usr/bin/python3
WORK=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$ROOT/scripts/wine-prefix.sh" stop "$SW_WINEPREFIX"
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/bootstrap.sh"
echo "== building (MinGW-w64) and the MSI (wixl)"
cmake -S "$ROOT" -B "$BUILD/mingw" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
  -DSW_DEPS_DIR="$DEPS" >/dev/null
cmake --build "$BUILD/mingw" -j "$(nproc)" --target msi window_text
VERSION=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/mingw/CMakeCache.txt")
MSI=$BUILD/mingw/smtpwatch-$VERSION-x64.msi
WINDOW_TEXT=$BUILD/mingw/tests/tools/window_text.exe
INSTALLED='C:\Program Files\SmtpWatch'

# Every Wine process sees the display: the first one that needs a desktop
# sets it up for the whole prefix (docs/installer.md, "Under Wine").
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$WORK/display" >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 100); do
  [ -s "$WORK/display" ] && break
  sleep 0.1
done
export DISPLAY=:$(cat "$WORK/display")

echo "== a fresh Wine prefix (copied from the template, services running)"
"$ROOT/scripts/wine-prefix.sh" stop "$SW_WINEPREFIX"
rm -rf "$SW_WINEPREFIX"
"$ROOT/scripts/wine-prefix.sh" start "$SW_WINEPREFIX"

winpath() { echo "Z:${1//\//\\}"; }
echo
echo "\$ msiexec /i $(basename "$MSI") /qn /l*v install.log"
set +e
wine msiexec /i "$(winpath "$MSI")" /qn /l*v "$(winpath "$WORK/install.log")"
rc=$?
set -e
echo "(exit code $rc)"
[ "$rc" -eq 0 ] || { echo "The installation failed; its log:"; cat "$WORK/install.log"; exit 1; }

echo
echo "\$ sc query SmtpWatch"
for _ in $(seq 60); do
  wine sc query SmtpWatch | grep -q RUNNING && break
  sleep 0.5
done
wine sc query SmtpWatch
echo "\$ smtpwatch-svc --show-config   (what the installer configured, as Wine reports it)"
wine "$INSTALLED\\smtpwatch-svc.exe" --show-config || true

echo
echo "== starting local SMTP servers on 127.0.0.1"
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
AIO_PORT=$(free_port)
# It also takes the service's alert mails, kept in a Maildir to show.
$PY -m aiosmtpd -n -l "127.0.0.1:$AIO_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/Maildir" \
  >"$WORK/aiosmtpd.log" 2>&1 &
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
  wine "$INSTALLED\\smtpwatch.exe" "$@"
  echo "(exit code $?)"
  set -e
}

echo "== checks, with the installed smtpwatch.exe"
run check 127.0.0.1 --port "$AIO_PORT"
run check 127.0.0.1 --port "$AIO_PORT" --send "NOOP" --expect "250" --verbose
run check 127.0.0.1 --port "$REJECT_PORT"
run check 127.0.0.1 --port "$SILENT_PORT" --timeout-ms 2000
run check 127.0.0.1 --port "$AIO_PORT" --json
run check 127.0.0.1 --port "$AIO_PORT" --mail-from demo@example.com \
  --rcpt-to postmaster@example.com

echo
echo "== the installed service, configured through \\\\.\\pipe\\SmtpWatch"
for _ in $(seq 100); do
  wine "$INSTALLED\\smtpwatch.exe" service info >/dev/null 2>&1 && break
  sleep 0.2
done
run service info
run notifiers add "Ops mail" --email ops@example.com --relay "127.0.0.1:$AIO_PORT" --tls none
run rules add 127.0.0.1 --name "Local relay (aiosmtpd)" --port "$AIO_PORT" --interval-s 10
run rules add 127.0.0.1 --name "Refusing relay" --port "$REJECT_PORT" --interval-s 10 \
  --notify "Ops mail"
run rules list
echo
echo "(letting the service check each rule twice: 22 s)"
sleep 22
run status
run history 1 --limit 3
run events --limit 6

echo
echo "== the alert the service sent when \"Refusing relay\" went CRITICAL"
for _ in $(seq 60); do
  [ -n "$(ls -A "$WORK/Maildir/new" 2>/dev/null)" ] && break
  sleep 0.5
done
run notifications --limit 3
echo
echo "What the relay received (aiosmtpd's Maildir):"
$PY - "$WORK/Maildir" <<'PYEOF' || echo "(no alert mail arrived within 30 s)"
import email, email.policy, mailbox, sys
box = mailbox.Maildir(sys.argv[1], create=False)
msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
if not msgs:
    sys.exit(1)
m = msgs[0]
for h in ("From", "To", "Subject", "X-SmtpWatch-Notification-Id"):
    print("%s: %s" % (h, m[h]))
print()
print("\n".join(m.get_content().splitlines()[:8]))
PYEOF

echo
echo "== availability, and the rules as a file for other nodes"
run report --period 24h
run rules export

echo
echo "== metrics for Prometheus: GET /metrics through http.sys"
METRICS_URL="http://127.0.0.1:$(free_port)/metrics"
wine reg add 'HKLM\SOFTWARE\SmtpWatch' /v MetricsUrl /t REG_SZ /d "$METRICS_URL" /f >/dev/null 2>&1
wine "$INSTALLED\smtpwatch-svc.exe" --install-config >/dev/null 2>&1 # reserves the URL
wine "$INSTALLED\smtpwatch-svc.exe" --stop-and-wait >/dev/null 2>&1
wine sc start SmtpWatch >/dev/null 2>&1
metrics=""
for _ in $(seq 60); do
  metrics=$($PY -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())" "$METRICS_URL" 2>/dev/null) &&
    grep -q '^smtpwatch_checks_total{outcome="ok"} [1-9]' <<<"$metrics" && break
  sleep 0.5
done
# The counters start with the service: shown once a check has been counted,
# the outcomes not seen yet (zero) left out.
echo "\$ curl $METRICS_URL  (rule_up, rule_state, and the checks_total seen)"
grep -E '^smtpwatch_(rule_up|rule_state|checks_total)' <<<"$metrics" |
  grep -v '^smtpwatch_checks_total.* 0$' ||
  echo "(GET /metrics did not answer within 30 s)"

echo
echo "== the installed editor (Start Menu > SMTP Watch > SMTP Watch Editor)"
wine "$INSTALLED\\smtpwatch-editor.exe" >/dev/null 2>&1 &
pids+=($!)
# Wait until it lists both rules (read from its window), then photograph it.
shown=""
for _ in $(seq 30); do
  shown=$(wine "$WINDOW_TEXT" "SMTP Watch" --timeout-ms 2000 2>/dev/null | tr -d '\r' || true)
  [ "$(grep -c '^row: ' <<<"$shown")" -ge 2 ] && break
  sleep 1
done
echo "What the editor shows (read from its window):"
grep -E '^(row|status): ' <<<"$shown" || echo "(the editor did not list the rules within 30 s)"
import -window root "$SHOT"
echo "Screenshot of the editor: $SHOT"
