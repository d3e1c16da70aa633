"""What every integration test under Wine shares: Wine's view of a path,
the environment of a test's own prefix, polling for a condition, free
loopback ports, and stopping the processes a test started (only those, by
their handle). Imported by check_runner.py and the test_*.py modules."""

import os
import signal
import socket
import subprocess
import time


def win_path(path):
    """Wine's view of a Linux path (drive Z: is /)."""
    return "Z:" + str(path).replace("/", "\\")


def wine_env(prefix, display=None, shortcuts=True):
    """The environment for a Wine process in `prefix`: quiet, no Mono or
    Gecko prompts; `display` for programs with windows (every Wine process
    of a test that shows windows needs it: the first one that needs a
    desktop starts it for the whole prefix); shortcuts=False keeps an MSI's
    Start Menu entries out of the host's menus."""
    overrides = "mscoree,mshtml="
    if not shortcuts:
        overrides += ";winemenubuilder.exe=d"
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all",
               WINEDLLOVERRIDES=overrides)
    if display:
        env["DISPLAY"] = display
    return env


def wait_for(predicate, timeout_s, interval_s=0.1, what="condition"):
    """Polls predicate() until it returns something true; returns that.
    Fails the test after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s not met within %ss" % (what, timeout_s))
        time.sleep(interval_s)


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(host, port, timeout_s, proc=None):
    """Waits until host:port accepts; fails early if `proc` (the server
    being waited for) exits first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s before listening" % proc.returncode)
        try:
            socket.create_connection((host, port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on %s:%s after %ss" % (host, port, timeout_s))


def stop_process(proc, sig=signal.SIGTERM, grace_s=5):
    """Stops one process we started: `sig` (SIGINT is Ctrl+C for a console
    program under Wine), then SIGKILL after grace_s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
