"""What every integration test under Wine shares: Wine's view of a path,
a prefix of the test's own and the environment of its processes, running
a Windows program there, polling for a condition, free loopback ports,
aiosmtpd and Xvfb, a service installed through `wine sc`, the service in
console mode, and stopping the processes a test started (only those, by
their handle). Imported by check_runner.py and the test_*.py modules."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINE_PREFIX_SH = ROOT / "scripts" / "wine-prefix.sh"
DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's: it has aiosmtpd


def win_path(path):
    """Wine's view of a Linux path (drive Z: is /)."""
    return "Z:" + str(path).replace("/", "\\")


def install_root_cert(installer, der, action, command=None, env=None):
    """install_root_cert.exe add|remove the CA in `der` (the prefix's Root
    store), run through `command` (scripts/wine-run.sh by default); raises
    if it fails."""
    wine = command or [str(Path(__file__).resolve().parents[2] / "scripts" / "wine-run.sh")]
    proc = subprocess.run(wine + [str(installer), action, win_path(der)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, env=env)
    if proc.returncode != 0:
        raise RuntimeError("install_root_cert %s failed (%s): %s"
                           % (action, proc.returncode, proc.stderr))


def wine_env(prefix, display=None, shortcuts=True, trust_console_service=True):
    """The environment for a Wine process in `prefix`: quiet, no Mono or
    Gecko prompts; `display` for programs with windows (every Wine process
    of a test that shows windows needs it: the first one that needs a
    desktop starts it for the whole prefix); shortcuts=False keeps an MSI's
    Start Menu entries out of the host's menus. trust_console_service lets
    the clients (smtpwatch.exe, the editor, pipe_probe's real client) talk
    to a service run with --console, which they otherwise refuse as not
    the SmtpWatch service (SMTPWATCH_TRUST_CONSOLE_SERVICE=1, development
    only: docs/security.md); tests of the service installed through the
    SCM pass False, so the clients verify it as they do for users."""
    overrides = "mscoree,mshtml="
    if not shortcuts:
        overrides += ";winemenubuilder.exe=d"
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all",
               WINEDLLOVERRIDES=overrides)
    env.pop("SMTPWATCH_TRUST_CONSOLE_SERVICE", None)
    if trust_console_service:
        env["SMTPWATCH_TRUST_CONSOLE_SERVICE"] = "1"
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


_REFUSING = []


def refused_port():
    """A loopback port that refuses connections for as long as this test
    process runs: a socket bound there (without SO_REUSEADDR) and never
    listening, so that no other program (another test running beside this
    one) can take the port and answer, or hang, in its place."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    _REFUSING.append(s)
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


def start_prefix(prefix, env=None, remove=False):
    """Boots `prefix` for a test module (scripts/wine-prefix.sh: a copy of
    the template, detached stdio, a persistent wineserver), stopped first
    so that it boots with `env` (e.g. SW_BOOT_WINEDEBUG, or DISPLAY: the
    desktop process keeps the display it found at boot); remove=True
    starts from a new copy, so nothing of an earlier run remains."""
    stop_prefix(prefix, env)
    if remove:
        shutil.rmtree(prefix, ignore_errors=True)
    subprocess.run([str(WINE_PREFIX_SH), "start", str(prefix)], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                   check=True, env=env)


def boot_shared_prefix():
    """Boots the prefix that scripts/wine-run.sh uses (SW_WINEPREFIX, or
    build/wineprefix), once per test process, unless scripts/test.sh did
    (SW_WINE_READY). Its stdio is detached (PLATFORM.md: the first wine
    command's stdio is inherited by services.exe and wineserver; were it a
    test's capture pipe, a run would never see EOF)."""
    if os.environ.get("SW_WINE_READY"):
        return
    subprocess.run([str(WINE_PREFIX_SH), "start"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=180, check=True)
    os.environ["SW_WINE_READY"] = "1"


def stop_prefix(prefix, env=None):
    """Stops every process of `prefix` (wineserver -k through the script)."""
    subprocess.run([str(WINE_PREFIX_SH), "stop", str(prefix)], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
                   env=env)


def require_files(usage, *paths):
    """Fails a test module's setup with its usage line when a program it
    was given does not exist."""
    for path in paths:
        if not path or not os.path.isfile(path):
            raise RuntimeError("usage: %s (%r missing)" % (usage, path))


def make_certs(directory, host_names=()):
    """tests/fixtures/tls_certs.sh into `directory` (a Path is returned),
    with a leaf host-NAME.pem/.key/.der for each of host_names (the MX hosts
    and mta-sts.DOMAIN names of the domain checks)."""
    directory = Path(directory)
    argv = [str(ROOT / "tests" / "fixtures" / "tls_certs.sh"), str(directory)]
    if host_names:
        argv += ["-"] + list(host_names)
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60 + 10 * len(host_names))
    if proc.returncode != 0:
        raise RuntimeError("tls_certs.sh failed:\n%s%s" % (proc.stdout, proc.stderr))
    return directory


def unit_runner_args(runner):
    """The test executable a unit-test runner (gui_unit.py, dns_unit.py)
    was given, resolved, with the arguments for it; exits with status 2
    and the runner's usage if there is none."""
    if len(sys.argv) < 2 or not os.path.isfile(sys.argv[1]):
        print("usage: %s EXE [ARGS...] (the test executable must exist)" % runner,
              file=sys.stderr)
        sys.exit(2)
    return Path(sys.argv[1]).resolve(), sys.argv[2:]


def run_unit_exe(runner, cmd, env, timeout_s):
    """Runs a Windows unit test, its output passed through, and returns its
    exit status (cmocka: the number of failed tests); one that does not
    finish within timeout_s fails, saying so."""
    try:
        return subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, env=env,
                              timeout=timeout_s).returncode
    except subprocess.TimeoutExpired:
        print("%s: %s did not finish within %d s" % (runner, Path(cmd[-1]).name, timeout_s),
              file=sys.stderr)
        return 1


class TrustedCaPrefix:
    """A test module's own Wine prefix that trusts a CA made for the run:
    the certificates of tests/fixtures/tls_certs.sh in a folder of the run
    (.workdir/certs, as .certs; with a leaf for each of host_names), the CA put into the prefix's Root store by
    install_root_cert.exe, so that Windows trusts the loopback servers that
    use them. start() in setUpModule; close() in tearDownModule undoes
    what start() got to (the CA, the prefix, the folder unless
    SW_KEEP_TEST_FILES)."""

    def __init__(self, prefix, install_root_cert, name, host_names=()):
        self.prefix, self.tool = Path(prefix), install_root_cert
        self.workdir = Path(tempfile.mkdtemp(prefix="sw-%s-" % name))
        self.host_names = list(host_names)
        self.certs = None
        self.started = False

    def start(self):
        self.started = True
        start_prefix(self.prefix)
        certs = make_certs(self.workdir / "certs", self.host_names)
        run_wine(wine_env(self.prefix), self.tool, "add", win_path(certs / "ca.der"),
                 timeout=120)
        self.certs = certs
        return self

    def close(self):
        if self.certs:
            run_wine(wine_env(self.prefix), self.tool, "remove",
                     win_path(self.certs / "ca.der"), timeout=120, check=False)
        if self.started:
            stop_prefix(self.prefix)
        if not os.environ.get("SW_KEEP_TEST_FILES"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_aiosmtpd(port=None, args=(), command=None):
    """aiosmtpd on 127.0.0.1:`port` (a free one if None), once it accepts;
    the process, with the port as its .port. `args` go on aiosmtpd's command
    line (e.g. "-c", "aiosmtpd.handlers.Mailbox", DIR: keep what arrives);
    `command` replaces it (a fixture built on aiosmtpd, given the port as
    "--port N" after its own arguments)."""
    port = port or free_port()
    argv = ([DEBIAN_PYTHON, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % port]
            + list(args)) if command is None else list(command) + ["--port", str(port)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.port = port
    try:
        wait_for_port("127.0.0.1", port, 30, proc)
    except RuntimeError:
        stop_process(proc)
        raise
    return proc


def make_cert(directory):
    """A self-signed certificate for localhost (RSA: PLATFORM.md), made now."""
    cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=True)
    return cert, key


def start_auth_server(workdir, maildir, user, password, *options):
    """tests/fixtures/auth_smtp_server.py (PLAIN and LOGIN for `user` with
    `password`, STARTTLS with a certificate made now) through
    start_aiosmtpd; the password goes in its environment, never its command
    line."""
    cert, key = make_cert(tempfile.mkdtemp(prefix="cert-", dir=workdir))
    os.environ["AUTH_SERVER_PASSWORD"] = password
    try:
        return start_aiosmtpd(command=[DEBIAN_PYTHON,
                                       str(ROOT / "tests" / "fixtures" / "auth_smtp_server.py"),
                                       str(cert), str(key), str(maildir), user] + list(options))
    finally:
        del os.environ["AUTH_SERVER_PASSWORD"]


def start_xvfb():
    """Xvfb (1024x768x24, no TCP) on a display it picks itself; (process,
    ":N")."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                             "1024x768x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        stop_process(proc)
        raise RuntimeError("Xvfb did not start")
    return proc, ":" + number


class ConsoleService:
    """smtpwatch-svc.exe --console in a test prefix (`env`), with its own
    data directory and its output in data_dir/console.log. start() returns
    once answering() says its pipe answers; if the service exits first, it
    fails with what the service printed."""

    def __init__(self, svc_exe, data_dir, env, answering, unit_ms=None,
                 stop_signal=signal.SIGTERM, stop_grace_s=5):
        self.svc_exe, self.data_dir, self.env = svc_exe, Path(data_dir), env
        self.answering, self.unit_ms = answering, unit_ms
        self.stop_signal, self.stop_grace_s = stop_signal, stop_grace_s
        self.start()

    def start(self):
        self.log = open(self.data_dir / "console.log", "ab")
        args = ["wine", str(self.svc_exe), "--console", "--data-dir", win_path(self.data_dir)]
        if self.unit_ms:
            args += ["--interval-unit-ms", str(self.unit_ms)]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=self.env)
        wait_for(lambda: self.proc.poll() is not None or self.answering(), 30, 0.2,
                 "the service answering on its pipe")
        if self.proc.poll() is not None:
            raise AssertionError("the service exited with %s:\n%s" % (
                self.proc.returncode, self.console()))

    def console(self):
        self.log.flush()
        return (self.data_dir / "console.log").read_text(errors="replace")

    def stop(self):
        stop_process(self.proc, self.stop_signal, self.stop_grace_s)
        self.log.close()


def wine_never_ran(exe, returncode, stdout, stderr):
    """Whether Wine's launcher failed to start `exe` at all (then running it
    again hides nothing of ours). Seen on a loaded machine: "ShellExecuteEx
    failed", or exit 1 with nothing on stdout or stderr, which none of our
    programs does (each prints a sentence on every failure; seen once in ~60
    CI runs with the store tool, once with smtpwatch.exe)."""
    silent = returncode == 1 and not stdout and not stderr and str(exe).endswith(".exe")
    return silent or "ShellExecuteEx failed" in (
        stderr if isinstance(stderr, str) else stderr.decode("utf-8", "replace"))


def run_wine(env, *args, timeout=60, check=True):
    """Runs a Windows program with `env` (wine_env: its prefix); returns the
    CompletedProcess."""
    for attempt in range(5):
        proc = subprocess.run(["wine"] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace",
                              env=env, timeout=timeout)
        # Wine's launcher sometimes fails to start a program at all on a
        # loaded machine (seen once in ~50 runs, and three times in a row
        # with two CI runs and a benchmark on two cores). Each retry is
        # said on the test's output.
        if not wine_never_ran(args[0], proc.returncode, proc.stdout, proc.stderr):
            break
        print("wine could not launch %s (attempt %d), trying again" % (
            args[0], attempt + 1), file=sys.stderr)
        time.sleep(0.5 * 2 ** attempt)
    if check and proc.returncode != 0:
        raise AssertionError("wine %s exited with %s:\n%s%s" % (
            " ".join(map(str, args)), proc.returncode, proc.stdout, proc.stderr))
    return proc


def transient_start_failure(stderr):
    """Whether a failed `sc start` never reached the service: sc.exe did not
    run or said nothing, or the SCM timed out launching the process
    (ERROR_SERVICE_REQUEST_TIMEOUT, 1053) on a loaded machine. Anything else
    (the service refused to start) is a failure of the service. (sc.exe
    says why only on its error channel: run it with WINEDEBUG err+sc.)"""
    said = [line for line in stderr.splitlines() if "err:sc:" in line]
    return not said or any(line.rstrip().endswith(" 1053") for line in said)


def wine_process(prefix, exe_name):
    """The Linux PID of a Wine process of `prefix` running `exe_name`, or None."""
    want = ("WINEPREFIX=%s" % prefix).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                cmd = f.read()
            if exe_name.encode() not in cmd:
                continue
            with open("/proc/%s/environ" % entry, "rb") as f:
                if want in f.read().split(b"\0"):
                    return int(entry)
        except OSError:
            continue
    return None


class ScService:
    """A service `name` in a test prefix, through `wine sc`: `run` runs a
    Windows program there (run_wine with the prefix's environment, and
    WINEDEBUG err+sc so that sc.exe says why it failed). Subclasses give
    pid(): the Linux PID of its process."""

    def __init__(self, name, bin_path, run):
        self.name, self.bin_path, self.run = name, bin_path, run
        self.created = False

    def create(self):
        self.run("sc", "create", self.name, "binPath=", self.bin_path)
        self.created = True

    def query(self):
        """The state word ("RUNNING", ...), or None if the service is unknown."""
        proc = self.run("sc", "query", self.name, check=False)
        m = re.search(r"STATE\s*:\s*\d+\s+(\w+)", proc.stdout)
        return m.group(1) if m else None

    def start(self, timeout_s=20):
        """Starts the service; returns once the SCM says RUNNING."""
        proc = self.run("sc", "start", self.name, check=False)
        if proc.returncode != 0 and transient_start_failure(proc.stderr):
            # Seen once under CI load, on the first start in a new prefix:
            # said on the test's output, then tried once more.
            print("sc start failed (%s), trying once more: %s" % (
                proc.returncode, proc.stderr.strip() or "(sc said nothing)"), file=sys.stderr)
            time.sleep(1)
            proc = self.run("sc", "start", self.name, check=False)
        if proc.returncode != 0:
            raise AssertionError("sc start %s exited with %s:\n%s%s" % (
                self.name, proc.returncode, proc.stdout, proc.stderr))
        return wait_for(lambda: self.query() == "RUNNING", timeout_s, 0.05, "RUNNING")

    def stop(self, timeout_s=20):
        """Asks the SCM to stop it; returns the seconds until STOPPED."""
        t0 = time.monotonic()
        self.run("sc", "stop", self.name)
        wait_for(lambda: self.query() == "STOPPED", timeout_s, 0.02, "STOPPED")
        return time.monotonic() - t0

    def delete(self):
        if not self.created:
            return
        if self.query() not in (None, "STOPPED"):
            try:
                self.stop()
            except AssertionError:
                pid = self.pid()
                if pid:
                    os.kill(pid, signal.SIGKILL)
        self.run("sc", "delete", self.name, check=False)
        self.created = False
