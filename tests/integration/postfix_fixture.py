"""The private Postfix of the integration tests (tests/fixtures/
postfix_instance.sh) and its SASL backend, a private Dovecot
(tests/fixtures/dovecot_auth.sh), as Python objects: started and stopped
through those scripts, and read back from what Postfix itself logged and
queued. Imported by test_check_cli.py and test_check_auth.py.

Both need root (Postfix's master and Dovecot's drop privileges to their own
users) and both binaries; a missing one is an error that names its Debian
package, never a skipped test."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from harness import free_port

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POSTFIX_SH = FIXTURES / "postfix_instance.sh"
DOVECOT_SH = FIXTURES / "dovecot_auth.sh"


def require_mail_servers(dovecot=False):
    """Raises RuntimeError, naming what to install, unless Postfix (and
    Dovecot if asked) can be run privately here."""
    wanted = [("postfix", "postfix")] + ([("dovecot", "dovecot-core")] if dovecot else [])
    for binary, package in wanted:
        if not shutil.which(binary) and not os.path.exists("/usr/sbin/" + binary):
            raise RuntimeError("%s is not installed (Debian package %s; "
                               "scripts/bootstrap.sh installs it)" % (binary, package))
    if os.geteuid() != 0:
        raise RuntimeError("a private Postfix or Dovecot instance needs root")


def _run(cmd, timeout, env=None):
    return subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, env=env)


class DovecotAuth:
    """dovecot_auth.sh: one user (or several, comma-separated), the password
    given through the environment; the socket for Postfix is self.socket.
    `options` go after the lifetime (--mail ...: mailbox_rig.py)."""

    def __init__(self, directory, user, password, lifetime_s=1800, options=()):
        self.dir = str(directory)
        self.user = user
        self.password = password
        self.lifetime_s = lifetime_s
        self.options = [str(o) for o in options]
        self.socket = os.path.join(self.dir, "auth")
        self.log = os.path.join(self.dir, "log")

    def start(self):
        env = dict(os.environ, DOVECOT_TEST_PASSWORD=self.password)
        proc = _run([DOVECOT_SH, "start", self.dir, self.user, self.lifetime_s] + self.options,
                    60, env)
        if proc.returncode != 0:
            self.stop()
            raise RuntimeError("private Dovecot did not start:\n%s%s"
                               % (proc.stdout, proc.stderr))

    def stop(self):
        """Stops the instance if it runs; an error if it would not stop."""
        if not os.path.exists(os.path.join(self.dir, "dovecot.conf")):
            return
        proc = _run([DOVECOT_SH, "stop", self.dir], 60)
        if proc.returncode != 0:
            raise RuntimeError("private Dovecot did not stop:\n%s%s"
                               % (proc.stdout, proc.stderr))


class PrivatePostfix:
    """postfix_instance.sh with the given options (see the script's header:
    --tls, --sasl, --open-relay, ...), listening on 127.0.0.1:self.port, a
    free port it picks when it starts."""

    # Tries at a port: another test running beside this one may take the
    # free port picked here before Postfix binds it.
    PORT_TRIES = 3

    def __init__(self, directory, options=(), lifetime_s=None):
        self.dir = str(directory)
        self.port = None
        self.options = [str(o) for o in options]
        self.maillog = os.path.join(self.dir, "maillog")
        self.env = None  # the script's own default lifetime (1800 s)
        if lifetime_s is not None:
            self.env = dict(os.environ, SW_POSTFIX_LIFETIME_S=str(lifetime_s))

    def start(self):
        for _ in range(self.PORT_TRIES):
            self.port = free_port()
            proc = _run([POSTFIX_SH, "start", self.dir, self.port] + self.options, 90,
                        self.env)
            if proc.returncode == 0:
                return
            self.stop()
            if "is already in use" not in proc.stderr:
                break
        raise RuntimeError("private Postfix did not start:\n%s%s"
                           % (proc.stdout, proc.stderr))

    def stop(self):
        if os.path.exists(os.path.join(self.dir, "etc", "main.cf")):
            _run([POSTFIX_SH, "stop", self.dir], 60)

    def log_offset(self):
        """Where the log ends now: sessions after it belong to what runs next."""
        return os.path.getsize(self.maillog)

    def sessions_after(self, offset, timeout_s=5.0):
        """The smtpd sessions that Postfix logged after offset and finished
        ("disconnect from"), each as its list of log lines. postlogd writes
        asynchronously, so this waits up to timeout_s for one that said EHLO;
        the start script's port probe is a session of its own."""
        deadline = time.monotonic() + timeout_s
        while True:
            with open(self.maillog, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                lines = f.read().splitlines()
            open_sessions, done = {}, []
            for line in lines:
                m = re.search(r"/smtpd\[(\d+)\]: (.*)", line)
                if not m:
                    continue
                pid, text = m.groups()
                if text.startswith("connect from "):
                    open_sessions[pid] = [text]
                elif pid in open_sessions:
                    open_sessions[pid].append(text)
                    if text.startswith("disconnect from "):
                        done.append(open_sessions.pop(pid))
            if any(" ehlo=" in s[-1] for s in done) or time.monotonic() > deadline:
                return done
            time.sleep(0.1)

    def one_session_after(self, offset):
        """The one session with EHLO logged after offset: its lines, and the
        command counts of its "disconnect from" line ({"ehlo": "2", "auth":
        "0/1", ...}; a command the client never sent is absent)."""
        sessions = [s for s in self.sessions_after(offset) if " ehlo=" in s[-1]]
        if len(sessions) != 1:
            raise AssertionError("expected one SMTP session in Postfix's log, got %r"
                                 % sessions)
        counts = dict(re.findall(r" (\w+)=(\d+(?:/\d+)?)", sessions[0][-1]))
        return sessions[0], counts

    def queue_tool(self, tool, *args):
        """Runs postqueue or postsuper on this instance's queue; its output.
        An error if it fails."""
        proc = _run([tool, "-c", os.path.join(self.dir, "etc")] + list(args), 30)
        if proc.returncode != 0:
            raise RuntimeError("%s %s failed: %s" % (tool, " ".join(args), proc.stderr))
        return proc.stdout

    def queued(self):
        """The messages in the instance's queue (postqueue -j, one JSON
        object per message): empty unless someone sent DATA."""
        return [line for line in self.queue_tool("postqueue", "-j").splitlines()
                if line.strip()]
