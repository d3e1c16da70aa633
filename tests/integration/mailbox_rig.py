"""The round trip's real servers: a private Postfix (postfix_instance.sh)
that delivers over LMTP to a private Dovecot (dovecot_auth.sh --mail),
which keeps the mail in Maildirs and serves it over IMAP and POP3, plain
with STARTTLS/STLS and with implicit TLS, certificates from a test CA of
the rig's own (tls_certs.sh). The same Dovecot is Postfix's SASL backend,
so a probe can be submitted with STARTTLS and AUTH as a rule would.

    rig = MailboxRig(directory)       # a directory Postfix and nobody may enter
    rig.start()                       # certificates, Dovecot, Postfix
    rig.smtp_port, rig.imap_port, rig.imaps_port, rig.pop3_port, rig.pop3s_port
    rig.user("probe"), rig.password   # probe@smtpwatch.test and its password
    rig.address("probe", "hold")      # probe+hold@smtpwatch.test: held
    rig.release(count=1)              # waits for it on hold, then delivers it
    rig.address("probe", "defer")     # probe+defer@smtpwatch.test: never arrives
    rig.deferred()                    # what Postfix keeps trying
    rig.plant("probe", raw, age_s)    # a message "from an earlier run"
    rig.ssl_context()                 # trusts the rig's CA
    rig.stop()

Every server runs on 127.0.0.1 on a free port, under the directory, and
stops by itself after lifetime_s if the test dies; stop() ends them through
their scripts, which stop only their own instance's processes. Needs root
and the Debian packages postfix, dovecot-core, dovecot-imapd, dovecot-pop3d
and dovecot-lmtpd (scripts/bootstrap.sh installs them): a missing one is an
error naming the package, never a skipped test."""

import json
import os
import secrets
import ssl
import subprocess
import time
from pathlib import Path

import postfix_fixture
from harness import free_port

DOMAIN = "smtpwatch.test"
USERS = ("probe", "other")
# Dovecot's mail processes run as nobody (dovecot_auth.sh's users file).
MAIL_UID = MAIL_GID = 65534
DOVECOT_PROGRAMS = (("imap", "dovecot-imapd"), ("pop3", "dovecot-pop3d"),
                    ("lmtp", "dovecot-lmtpd"))


def require_rig():
    """Raises RuntimeError naming the package to install unless the rig can
    run here."""
    postfix_fixture.require_mail_servers(dovecot=True)
    for program, package in DOVECOT_PROGRAMS:
        if not os.path.exists("/usr/lib/dovecot/" + program):
            raise RuntimeError("Dovecot's %s is not installed (Debian package %s; "
                               "scripts/bootstrap.sh installs it)" % (program, package))


class DovecotMailbox(postfix_fixture.DovecotAuth):
    """dovecot_auth.sh --mail: the users' Maildirs, served over IMAP, IMAPS,
    POP3 and POP3S on free loopback ports, and LMTP at self.lmtp."""

    PORT_TRIES = 3  # another test may take a free port before Dovecot binds it

    def __init__(self, directory, users, password, cert, key, lifetime_s):
        super().__init__(directory, ",".join(users), password, lifetime_s)
        self.cert, self.key = cert, key
        self.lmtp = os.path.join(self.dir, "lmtp")
        self.ports = None

    def start(self):
        for attempt in range(self.PORT_TRIES):
            self.ports = [free_port() for _ in range(4)]
            self.options = ["--mail", self.cert, self.key, ",".join(map(str, self.ports))]
            try:
                return super().start()
            except RuntimeError as e:
                if "Address already in use" not in str(e) or attempt + 1 == self.PORT_TRIES:
                    raise

    def home(self, user):
        return Path(self.dir) / "home" / user


class MailboxRig:
    """Postfix (submission with STARTTLS and AUTH, delivery over LMTP) and
    Dovecot (IMAP/POP3) for the users USERS@DOMAIN, one password for all."""

    def __init__(self, directory, lifetime_s=900):
        self.dir = Path(directory)
        self.lifetime_s = lifetime_s
        self.password = "sw-" + secrets.token_hex(8)
        self.certs = self.dir / "certs"
        self.dovecot = DovecotMailbox(self.dir / "dovecot", [self.user(u) for u in USERS],
                                      self.password, self.certs / "trusted.pem",
                                      self.certs / "trusted.key", lifetime_s)
        self.postfix = None

    # --- starting and stopping ----------------------------------------------

    def start(self):
        require_rig()
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)  # Postfix's and Dovecot's daemons enter it
        subprocess.run([str(postfix_fixture.FIXTURES / "tls_certs.sh"), str(self.certs)],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                       check=True)
        try:
            self.dovecot.start()
            self.postfix = postfix_fixture.PrivatePostfix(self.dir / "postfix", [
                "--tls", self.certs / "trusted.pem", self.certs / "trusted.key",
                "--sasl", self.dovecot.socket, "--accept-domain", DOMAIN,
                "--lmtp", self.dovecot.lmtp], lifetime_s=self.lifetime_s)
            self.postfix.start()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        """Stops both servers (whichever run); safe to call twice."""
        try:
            if self.postfix:
                self.postfix.stop()
        finally:
            self.dovecot.stop()

    # --- where things are ---------------------------------------------------

    @property
    def smtp_port(self):
        return self.postfix.port

    @property
    def imap_port(self):
        return self.dovecot.ports[0]

    @property
    def imaps_port(self):
        return self.dovecot.ports[1]

    @property
    def pop3_port(self):
        return self.dovecot.ports[2]

    @property
    def pop3s_port(self):
        return self.dovecot.ports[3]

    @property
    def ca_file(self):
        return str(self.certs / "ca.pem")

    def ssl_context(self):
        """A client context that trusts the rig's CA (and checks names:
        the certificate names localhost and 127.0.0.1)."""
        return ssl.create_default_context(cafile=self.ca_file)

    @staticmethod
    def user(name):
        """A mailbox's login name and address: probe -> probe@smtpwatch.test."""
        return "%s@%s" % (name, DOMAIN)

    @staticmethod
    def address(name, fate=None):
        """The address to send to: delivered at once (fate None), held until
        release() ("hold"), or never delivered ("defer"); the message lands
        in name's INBOX either way."""
        if fate not in (None, "hold", "defer"):
            raise ValueError("fate is None, 'hold' or 'defer', not %r" % fate)
        return "%s%s@%s" % (name, "+" + fate if fate else "", DOMAIN)

    # --- the queue ------------------------------------------------------------

    def queue(self):
        """Postfix's queue, one dict a message (postqueue -j)."""
        return [json.loads(line) for line in self.postfix.queued()]

    def held(self):
        return [m for m in self.queue() if m["queue_name"] == "hold"]

    def deferred(self):
        return [m for m in self.queue() if m["queue_name"] == "deferred"]

    def release(self, count=1, timeout_s=30):
        """Waits until `count` messages are on hold (a submission may still be
        on its way into the queue), then releases every held message and asks
        for delivery now. Returns the number released."""
        deadline = time.monotonic() + timeout_s
        while len(held := self.held()) < count:
            if time.monotonic() > deadline:
                raise AssertionError("%d message(s) on hold after %ss, expected %d"
                                     % (len(held), timeout_s, count))
            time.sleep(0.1)
        self.postfix.queue_tool("postsuper", "-H", "ALL")
        # Released mail waits in the deferred queue for the next queue run.
        self.postfix.queue_tool("postqueue", "-f")
        return len(held)

    # --- the mailboxes --------------------------------------------------------

    def maildir(self, name):
        return self.dovecot.home(self.user(name)) / "Maildir"

    def plant(self, name, message, age_s):
        """Leaves `message` (bytes, CRLF lines) in name's INBOX as if it had
        been delivered age_s seconds ago, by an earlier run: a Maildir file
        in cur/ whose modification time (Dovecot's INTERNALDATE for Maildir)
        is that long ago. Returns its path."""
        cur = self.maildir(name) / "cur"
        for sub in ("cur", "new", "tmp"):
            (cur.parent / sub).mkdir(parents=True, exist_ok=True)
            os.chown(cur.parent / sub, MAIL_UID, MAIL_GID)
        os.chown(cur.parent, MAIL_UID, MAIL_GID)
        when = time.time() - age_s
        path = cur / ("%d.P%dQ%s.planted,S=%d:2,S" % (when, os.getpid(), secrets.token_hex(4),
                                                      len(message)))
        path.write_bytes(message)
        os.chown(path, MAIL_UID, MAIL_GID)
        os.utime(path, (when, when))
        return path
