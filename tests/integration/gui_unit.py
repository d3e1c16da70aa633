#!/usr/bin/python3
"""Runs a Windows unit test that opens windows (tests/unit/gui/) under
Wine, on an Xvfb display of its own, in a prefix of its own booted with
that display: a prefix booted without a display can never show windows,
and the unit tests' shared prefix is booted without one.

Usage: gui_unit.py EXE [ARGS...]
The exit status is the test's (cmocka: the number of failed tests), its
output passed through. SW_GUI_UNIT_PREFIX names the prefix (default:
gui-unit-wineprefix next to EXE's directory). Xvfb and the prefix are
stopped, by their PID and with scripts/wine-prefix.sh stop, whatever
happens."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

TIMEOUT_S = 120


def main():
    exe, args = harness.unit_runner_args("gui_unit.py")
    prefix = Path(os.environ.get("SW_GUI_UNIT_PREFIX") or
                  exe.parent.parent / "gui-unit-wineprefix")
    xvfb, display = harness.start_xvfb()
    try:
        harness.start_prefix(prefix, env=dict(os.environ, DISPLAY=display))
        try:
            return harness.run_unit_exe("gui_unit", ["wine", exe] + args,
                                        harness.wine_env(prefix, display), TIMEOUT_S)
        finally:
            harness.stop_prefix(prefix)
    finally:
        harness.stop_process(xvfb)


if __name__ == "__main__":
    sys.exit(main())
