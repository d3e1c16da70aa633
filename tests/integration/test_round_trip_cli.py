#!/usr/bin/python3
"""The round trip (issue 17) through `smtpwatch check --round-trip` under
Wine, against the real servers of mailbox_rig.py: a private Postfix
(STARTTLS, AUTH) delivering over LMTP to a private Dovecot (IMAP and POP3,
plain with STARTTLS/STLS and with implicit TLS), certificates from the
rig's test CA, which goes into the prefix's Root store for the run (and out
again), so that the mailbox's certificate is validated as the SMTP side's.

  - delivered, over IMAPS, IMAP with STARTTLS and POP3S: OK, the hops
    (Postfix's, then Dovecot's LMTP), the probe deleted from the mailbox,
    the mailbox's other messages untouched;
  - delivered slowly (held by Postfix, released while the check waits):
    WARNING past --warn-ms of delivery time;
  - never delivered (a transport that defers): CRITICAL not_delivered at
    --deliver-within-s;
  - a wrong mailbox password: CRITICAL mailbox_login_failed, the password
    nowhere in the output;
  - a probe of the same rule left by an earlier run (older than a day) is
    deleted; a younger one, and another rule's, are not.

Usage: test_round_trip_cli.py SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE [unittest args]
Needs root and the packages mailbox_rig.require_rig() names. Every wait is
bounded; the servers stop at the end (by their scripts, their own
processes only), or by themselves after the rig's lifetime.
"""

import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import check_runner
from harness import boot_shared_prefix, install_root_cert, wait_for, win_path
from mailbox_rig import MailboxRig

HOST = "localhost"  # what the rig's certificates name
HOLD_S = 3  # how long the slow delivery's probe is held

EXE = None
INSTALL_ROOT_CERT = None
RIG = None
WORKDIR = None
CA_INSTALLED = False


def root_cert(action):
    """install_root_cert.exe add|remove the rig's CA (the prefix's Root)."""
    install_root_cert(INSTALL_ROOT_CERT, RIG.certs / "ca.der", action)


def setUpModule():
    global RIG, WORKDIR, CA_INSTALLED
    for path, what in ((EXE, "smtpwatch.exe"), (INSTALL_ROOT_CERT, "install_root_cert.exe")):
        if not path or not os.path.isfile(path):
            raise RuntimeError("%s not found (%r): pass SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE"
                               % (what, path))
    WORKDIR = tempfile.mkdtemp(prefix="sw-round-trip-")
    os.chmod(WORKDIR, 0o755)  # Postfix's and Dovecot's daemons enter it
    RIG = MailboxRig(Path(WORKDIR) / "rig", lifetime_s=900)
    RIG.start()
    boot_shared_prefix()
    root_cert("add")
    CA_INSTALLED = True


def tearDownModule():
    try:
        if CA_INSTALLED:
            root_cert("remove")
    finally:
        if RIG:
            RIG.stop()
        if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
            shutil.rmtree(WORKDIR, ignore_errors=True)


def password_file(password):
    path = Path(WORKDIR) / ("password-%s" % secrets.token_hex(3))
    path.write_text(password + "\n", encoding="utf-8")
    return win_path(path)


def probe_message(rule, nonce, subject="SMTP Watch round-trip probe"):
    """A probe as an earlier run left it (the builder's headers that count)."""
    return ("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
            "Message-ID: <%s@earlier.example>\r\nX-SmtpWatch-Probe: %s/%s\r\n"
            "\r\nleft behind\r\n" % (RIG.user("probe"), RIG.user("probe"), subject,
                                     nonce, rule, nonce)).encode()


def mailbox_files(name="probe"):
    maildir = RIG.maildir(name)
    return sorted(p.name for sub in ("new", "cur") if (maildir / sub).is_dir()
                  for p in (maildir / sub).iterdir())


class RoundTripTests(unittest.TestCase):

    def round_trip(self, protocol="imap", port=None, tls="implicit", to=None,
                   password=None, within_s=60, extra=(), background=None):
        """`smtpwatch check` with a round trip through the rig, --json."""
        port = port or (RIG.imaps_port if protocol == "imap" else RIG.pop3s_port)
        args = [HOST, "--port", str(RIG.smtp_port), "--tls", "require-starttls",
                "--auth-user", RIG.user("probe"),
                "--auth-password-file", password_file(RIG.password),
                "--round-trip", protocol, "--mailbox-host", HOST,
                "--mailbox-port", str(port), "--mailbox-tls", tls,
                "--mailbox-user", RIG.user("probe"),
                "--mailbox-password-file", password_file(password or RIG.password),
                "--probe-to", to or RIG.address("probe"),
                "--deliver-within-s", str(within_s), "--json"] + list(extra)
        if background:
            background()
        return check_runner.run_check(EXE, *args, budget_ms=(within_s + 60) * 1000)

    def assertOutcome(self, run, rc, outcome):
        self.assertEqual(run.rc, rc, str(run))
        doc = run.json
        self.assertEqual(doc["outcome"], outcome, str(run))
        self.assertIsNotNone(doc["round_trip"], str(run))
        return doc

    def assertDelivered(self, run, protocol):
        doc = self.assertOutcome(run, 0, "delivered")
        rt = doc["round_trip"]
        self.assertEqual(rt["protocol"], protocol)
        self.assertTrue(rt["found"])
        self.assertTrue(rt["probe_deleted"], str(run))
        self.assertGreaterEqual(rt["timings_us"]["delivery"], 0)
        self.assertGreater(rt["timings_us"]["submit"], 0)
        self.assertGreaterEqual(rt["timings_us"]["total"], rt["timings_us"]["delivery"])
        # Postfix's hop, then Dovecot's over LMTP, oldest first.
        withs = [h["with"] for h in rt["hops"]]
        self.assertGreaterEqual(len(withs), 2, str(run))
        self.assertIn("LMTP", withs[-1])
        self.assertTrue(rt["probe"].startswith("check/"))
        return doc

    def test_delivered_over_imaps_others_untouched(self):
        other = RIG.plant("probe", b"Subject: a person's mail\r\n\r\nkeep me\r\n", 60)
        before = mailbox_files()
        run = self.round_trip("imap")
        self.assertDelivered(run, "imap")
        self.assertTrue(other.exists(), "a message without a probe header was deleted")
        self.assertEqual(mailbox_files(), before, "the probe was left in the mailbox")

    def test_delivered_over_imap_starttls(self):
        run = self.round_trip("imap", port=RIG.imap_port, tls="starttls")
        doc = self.assertDelivered(run, "imap")
        self.assertEqual(doc["status"], "OK")

    def test_delivered_over_pop3s(self):
        before = mailbox_files()
        run = self.round_trip("pop3")
        self.assertDelivered(run, "pop3")
        self.assertEqual(mailbox_files(), before, "the probe was left in the mailbox")

    def test_nagios_line_has_the_delivery_time(self):
        args = [HOST, "--port", str(RIG.smtp_port), "--tls", "require-starttls",
                "--auth-user", RIG.user("probe"),
                "--auth-password-file", password_file(RIG.password),
                "--round-trip", "pop3", "--mailbox-host", HOST,
                "--mailbox-port", str(RIG.pop3_port), "--mailbox-tls", "starttls",
                "--mailbox-user", RIG.user("probe"),
                "--mailbox-password-file", password_file(RIG.password),
                "--probe-to", RIG.address("probe"), "--deliver-within-s", "60",
                "--warn-ms", "50000", "--crit-ms", "55000"]
        run = check_runner.run_check(EXE, *args, budget_ms=120000)
        self.assertEqual(run.rc, 0, str(run))
        line = run.stdout.splitlines()[0]
        self.assertTrue(line.startswith("SMTP OK - "), line)
        self.assertIn("Delivered in ", line)
        self.assertRegex(line, r"\| delivery=\d+\.\d{6}s;50\.000000;55\.000000;0; "
                               r"submit=\d+\.\d{6}s;;;0; round_trip=")

    def test_slow_delivery_is_a_warning(self):
        released = []

        def release_later():
            # Released a few seconds after it was held: the delivery takes
            # at least that long.
            def run():
                wait_for(lambda: RIG.held(), 60, what="the probe on hold")
                time.sleep(HOLD_S)
                released.append(RIG.release(count=1, timeout_s=60))
            t = threading.Thread(target=run, daemon=True)
            t.start()
            self.addCleanup(t.join, 90)

        run = self.round_trip("imap", to=RIG.address("probe", "hold"), within_s=90,
                              extra=["--warn-ms", str(HOLD_S * 1000 - 500), "--crit-ms", "85000"],
                              background=release_later)
        doc = self.assertOutcome(run, 1, "delivered")
        self.assertEqual(doc["status"], "WARNING")
        self.assertEqual(released, [1])
        self.assertGreaterEqual(doc["round_trip"]["timings_us"]["delivery"], HOLD_S * 1000000)

    def test_never_delivered_is_critical_at_the_deadline(self):
        run = self.round_trip("pop3", to=RIG.address("probe", "defer"), within_s=12)
        doc = self.assertOutcome(run, 2, "not_delivered")
        rt = doc["round_trip"]
        self.assertFalse(rt["found"])
        self.assertGreaterEqual(rt["looks"], 2)  # POP3 looks again every few seconds
        self.assertGreaterEqual(rt["timings_us"]["total"], 12000000)
        self.assertTrue(RIG.deferred(), "Postfix does not keep the probe deferred")

    def test_wrong_mailbox_password(self):
        wrong = "sw-wrong-" + secrets.token_hex(4)
        run = self.round_trip("imap", password=wrong)
        doc = self.assertOutcome(run, 2, "mailbox_login_failed")
        self.assertIsNone(doc["round_trip"]["timings_us"]["delivery"])
        for text in (run.stdout, run.stderr):
            self.assertNotIn(wrong, text)
            self.assertNotIn(RIG.password, text)

    def test_stale_probe_is_cleaned_up(self):
        day = 86400
        stale = RIG.plant("probe", probe_message("check", secrets.token_hex(8)), 2 * day)
        young = RIG.plant("probe", probe_message("check", secrets.token_hex(8)), 3600)
        other_rule = RIG.plant("probe", probe_message("117", secrets.token_hex(8)), 2 * day)
        run = self.round_trip("imap")
        doc = self.assertDelivered(run, "imap")
        self.assertFalse(stale.exists(), "the stale probe is still there\n%s" % run)
        self.assertGreaterEqual(doc["round_trip"]["stale_deleted"], 1)
        self.assertTrue(young.exists(), "a probe younger than a day was deleted")
        self.assertTrue(other_rule.exists(), "another rule's probe was deleted")


if __name__ == "__main__":
    EXE, rest = check_runner.smtpwatch_exe_and_args(sys.argv[1:])
    if rest and not rest[0].startswith("-") and rest[0].lower().endswith(".exe"):
        INSTALL_ROOT_CERT = rest.pop(0)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
