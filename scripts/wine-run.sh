#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR: runs a Windows executable in the project's
# private Wine prefix, booting it first if needed.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WINEPREFIX=${SW_WINEPREFIX:-$ROOT/build/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
# scripts/test.sh boots the prefix once and sets SW_WINE_READY; a test run by
# hand boots it here.
[ -n "${SW_WINE_READY:-}" ] || "$ROOT/scripts/wine-prefix.sh" start "$WINEPREFIX" || exit 125
exec wine "$@"
