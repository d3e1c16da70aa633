"""What the integration tests of `smtpwatch check` share: running the exe
under Wine with a bounded wait, its result, and starting and stopping
loopback servers. Imported by test_check_cli.py and test_check_tls.py."""

import json
import subprocess
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


def run_check(exe, *args, budget_ms=7000):
    """Runs `exe check ARGS`; the timeout is the check's own budget plus
    Wine's start-up, so a hung exe fails the test instead of the run."""
    cmd = [str(WINE_RUN), str(exe), "check"] + list(args)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace",
                              timeout=budget_ms / 1000.0 + WINE_SLACK_S)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("smtpwatch check %s did not exit within %ss" % (
            " ".join(args), e.timeout))
    return CheckRun(list(args), proc, time.monotonic() - t0)


