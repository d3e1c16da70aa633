"""What the integration tests of `smtpwatch check` share: running the exe
under Wine with a bounded wait, its result, and starting and stopping
loopback servers. Imported by test_check_cli.py and test_check_tls.py."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from harness import free_port, stop_process, wait_for_port  # noqa: F401 (re-exported)

ROOT = Path(__file__).resolve().parents[2]
WINE_RUN = ROOT / "scripts" / "wine-run.sh"
# Seconds a Wine process may take on top of the check's own budget.
WINE_SLACK_S = 25


class CheckRun:
    """One finished `smtpwatch check`: exit code, output, wall time."""

    def __init__(self, args, proc, elapsed):
        self.args = args
        self.rc = proc.returncode
        self.stdout = proc.stdout.replace("\r\n", "\n")
        self.stderr = proc.stderr.replace("\r\n", "\n")
        self.elapsed = elapsed
        self._json = None

    @property
    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.stdout)
            except ValueError as e:
                raise AssertionError("stdout is not one JSON object (%s):\n%s" % (e, self))
        return self._json

    def __str__(self):
        return "smtpwatch check %s\nexit %s after %.2fs\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.args), self.rc, self.elapsed, self.stdout, self.stderr)


# Nagios status words and their exit codes (what the check prints first).
STATUS_CODES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def printed_status(stdout):
    """The exit code the check's own output stands for: the JSON "status"
    or the status line's "SMTP <STATUS> - ", or None if it printed neither
    whole (then nothing is made up)."""
    text = stdout.strip()
    try:
        word = json.loads(text).get("status") if text.startswith("{") else None
    except ValueError:
        word = None
    if word is None and text.startswith("SMTP "):
        word = text.split(" ", 2)[1]
    return STATUS_CODES.get(word)


def run_check(exe, *args, budget_ms=7000, env=None):
    """Runs `exe check ARGS` (in `env` if given, else this process's
    environment); the timeout is the check's own budget plus Wine's
    start-up, so a hung exe fails the test instead of the run.

    Once the last Windows thread of a process has ended, wineserver gives
    its Unix process about half a second to exit and then sends it SIGKILL
    (Wine 8, server/process.c, process_sigkill). On a loaded machine that
    happens to a check that has finished and printed everything, and the
    exit code it chose is lost: the Unix status is -9. Nothing here kills a
    check, so a -9 is that. The check is not run again (a server would see
    a second session); its exit code is taken from the status it printed,
    which the check derives the exit code from, and the test's output says
    so. A check that printed no whole status keeps -9 and fails its test."""
    cmd = [str(WINE_RUN), str(exe), "check"] + list(args)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", env=env,
                              timeout=budget_ms / 1000.0 + WINE_SLACK_S)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("smtpwatch check %s did not exit within %ss" % (
            " ".join(args), e.timeout))
    run = CheckRun(list(args), proc, time.monotonic() - t0)
    if run.rc == -signal.SIGKILL:
        status = printed_status(run.stdout)
        print("wineserver killed a finished check's Unix process (exit code lost); "
              "taking %s from the status it printed:\n%s" % (status, run), file=sys.stderr)
        if status is not None:
            run.rc = status
    return run


def smtpwatch_exe_and_args(argv):
    """The smtpwatch.exe a check test runs (its first argument, else
    SW_SMTPWATCH_EXE) and the unittest arguments that follow."""
    argv = list(argv)
    if argv and not argv[0].startswith("-") and argv[0].lower().endswith(".exe"):
        return argv.pop(0), argv
    return os.environ.get("SW_SMTPWATCH_EXE"), argv
