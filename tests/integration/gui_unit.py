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
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

TIMEOUT_S = 120


def main():
    if len(sys.argv) < 2 or not os.path.isfile(sys.argv[1]):
        print("usage: gui_unit.py EXE [ARGS...] (the test executable must exist)",
              file=sys.stderr)
        return 2
    exe = Path(sys.argv[1]).resolve()
    prefix = Path(os.environ.get("SW_GUI_UNIT_PREFIX") or
                  exe.parent.parent / "gui-unit-wineprefix")
    xvfb, display = harness.start_xvfb()
    try:
        harness.start_prefix(prefix, env=dict(os.environ, DISPLAY=display))
        try:
            proc = subprocess.run(["wine", str(exe)] + sys.argv[2:],
                                  stdin=subprocess.DEVNULL,
                                  env=harness.wine_env(prefix, display),
                                  timeout=TIMEOUT_S)
            return proc.returncode
        except subprocess.TimeoutExpired:
            print("gui_unit: %s did not finish within %d s" % (exe.name, TIMEOUT_S),
                  file=sys.stderr)
            return 1
        finally:
            harness.stop_prefix(prefix)
    finally:
        harness.stop_process(xvfb)


if __name__ == "__main__":
    sys.exit(main())
