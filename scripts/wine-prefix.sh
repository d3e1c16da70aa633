#!/usr/bin/env bash
# Manages the private Wine prefix that tests and the demo run in.
#   wine-prefix.sh start [PREFIX]  create (from a cached template) and boot it,
#                                   with a persistent wineserver (PLATFORM.md)
#   wine-prefix.sh stop [PREFIX]   stop its wineserver and every process in it
# PREFIX defaults to $SW_WINEPREFIX, else build/wineprefix.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:-start}
PREFIX=${2:-${SW_WINEPREFIX:-$ROOT/build/wineprefix}}
TEMPLATE=${SW_WINE_TEMPLATE:-$ROOT/build/wine-template}
export WINEPREFIX=$PREFIX WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml="

server_running() {
  # wineserver -w returns at once only when no server runs for the prefix.
  [ -d "$PREFIX" ] && ! timeout 0.3 wineserver -w >/dev/null 2>&1
}

make_template() {
  [ -f "$TEMPLATE/system.reg" ] && return 0
  echo "wine-prefix: creating the template prefix (once, ~10 s)" >&2
  rm -rf "$TEMPLATE"
  WINEPREFIX=$TEMPLATE wine wineboot -i </dev/null >/dev/null 2>&1 9>&-
  WINEPREFIX=$TEMPLATE wineserver -w 9>&-
}

start() {
  mkdir -p "$(dirname "$PREFIX")"
  exec 9>"$PREFIX.lock"
  flock 9
  if [ ! -f "$PREFIX/system.reg" ]; then
    make_template
    rm -rf "$PREFIX"
    cp -a "$TEMPLATE" "$PREFIX"
  fi
  if ! server_running; then
    # Neither the server nor services.exe may inherit the lock (fd 9), and
    # services.exe inherits the first wine command's stdio: keep it detached.
    wineserver -p </dev/null >/dev/null 2>&1 9>&-
    WINEDEBUG=${SW_BOOT_WINEDEBUG:-$WINEDEBUG} wine wineboot </dev/null >/dev/null \
      2>"$PREFIX.services.log" 9>&-
  fi
}

stop() {
  [ -d "$PREFIX" ] || return 0
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop [PREFIX]" >&2; exit 2 ;;
esac
