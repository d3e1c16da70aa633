#!/usr/bin/python3
"""An alert mail sent by the check engine (the Windows exe send_mail.exe,
under Wine) to a real SMTP server on loopback, and read back from what the
server received: subject, X-SmtpWatch-Notification-Id, body, recipients.

Usage: test_send_mail.py SEND_MAIL_EXE [unittest args]

The servers, both aiosmtpd keeping what arrives in a Maildir of the run:
  - aiosmtpd's own command line (harness.start_aiosmtpd), plain SMTP;
  - tests/fixtures/auth_smtp_server.py: STARTTLS with a certificate made
    for the run, AUTH PLAIN and LOGIN offered only over TLS, one user; or
    with CRAM-MD5 too, offered before STARTTLS as well.
The engine skips certificate validation here (--insecure): the TLS tests
of `smtpwatch check` cover validation; these cover the mail.
"""

import email
import email.policy
import json
import mailbox
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
from harness import (DEBIAN_PYTHON, ROOT, WINE_PREFIX_SH, start_aiosmtpd, stop_process,
                     wait_for, win_path)

WINE_RUN = ROOT / "scripts" / "wine-run.sh"
FIXTURES = ROOT / "tests" / "fixtures"
EXE = None
WORKDIR = None

SUBJECT = "[SMTP Watch] CRITICAL: Main relay (mail.example.com:25) \u2013 Gr\u00fc\u00dfe"
BODY = ("Rule \"Main relay\" is CRITICAL (it was OK).\n"
        "Outcome: timeout\n"
        ".a line that starts with a dot\n"
        ".\n"
        "..two dots\n"
        "Caf\u00e9 and a long line: " + "x" * 120 + "\n")
USER = "alerts@example.com"
PASSWORD = "correct horse battery staple"


def send(port, *options, to="ops@example.com,oncall@example.com", body=BODY,
         ident="n-0042", password=None, timeout_s=90):
    """send_mail.exe to 127.0.0.1:`port`; (exit code, result JSON, output)."""
    body_file = Path(WORKDIR) / ("body-%s.txt" % ident)
    body_file.write_text(body, encoding="utf-8")
    env = dict(os.environ)
    env.pop("SEND_MAIL_PASSWORD", None)
    if password is not None:
        env["SEND_MAIL_PASSWORD"] = password
    proc = subprocess.run([str(WINE_RUN), str(EXE), "127.0.0.1", str(port),
                           "smtpwatch@monitor.example.com", to, SUBJECT, ident,
                           win_path(body_file)] + list(options),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout_s, env=env)
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[0]) if lines and lines[0].startswith("{") else {}
    return proc.returncode, result, proc.stdout + proc.stderr


def received(maildir, count=1):
    """The messages in `maildir` once there are `count` (parsed)."""
    box = mailbox.Maildir(maildir, create=False)
    wait_for(lambda: len(box.keys()) >= count, 10, what="%d message(s) in %s" % (count, maildir))
    return [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
            for k in sorted(box.keys())]


def new_maildir(prefix):
    """An empty Maildir (new/, cur/, tmp/) under the run's folder."""
    path = os.path.join(tempfile.mkdtemp(prefix=prefix, dir=WORKDIR), "Maildir")
    mailbox.Maildir(path, create=True)
    return path


def setUpModule():
    global WORKDIR
    if not EXE or not os.path.isfile(EXE):
        raise RuntimeError("send_mail.exe not found (%r)" % EXE)
    WORKDIR = tempfile.mkdtemp(prefix="sw-send-mail-")
    if not os.environ.get("SW_WINE_READY"):
        subprocess.run([str(WINE_PREFIX_SH), "start"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=180, check=True)
        os.environ["SW_WINE_READY"] = "1"


def tearDownModule():
    if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
        shutil.rmtree(WORKDIR, ignore_errors=True)


class SendMailTestCase(unittest.TestCase):
    maxDiff = None

    def assertDelivered(self, msg, ident="n-0042", body=BODY):
        self.assertEqual(msg["Subject"], SUBJECT)
        self.assertEqual(msg["X-SmtpWatch-Notification-Id"], ident)
        self.assertEqual(msg.get_content().replace("\r\n", "\n"), body)


class PlainRelayTests(SendMailTestCase):
    """aiosmtpd from its own command line, keeping mail in a Maildir."""

    def setUp(self):
        self.maildir = new_maildir("plain-")
        self.server = start_aiosmtpd(args=["-c", "aiosmtpd.handlers.Mailbox", self.maildir])

    def tearDown(self):
        stop_process(self.server)

    def test_mail_arrives_with_subject_id_body_and_both_recipients(self):
        rc, result, out = send(self.server.port)
        self.assertEqual(rc, 0, out)
        self.assertEqual(result["outcome"], "ok", out)
        self.assertEqual(result["reply_code"], 250, out)
        self.assertIn("accepted=yes", out)
        for step in ("mail", "rcpt", "data"):
            self.assertIsNotNone(result["timings_us"].get(step), "no %s timing\n%s" % (step, out))
        transcript = "\n".join(result["transcript"])
        self.assertIn("C: MAIL FROM:<smtpwatch@monitor.example.com>", transcript)
        self.assertIn("C: RCPT TO:<oncall@example.com>", transcript)
        self.assertIn("-- sent the message", transcript)
        [msg] = received(self.maildir)
        self.assertDelivered(msg)
        # aiosmtpd's Mailbox notes the envelope it was given.
        self.assertEqual(msg["X-MailFrom"], "smtpwatch@monitor.example.com")
        self.assertEqual(msg["X-RcptTo"], "ops@example.com, oncall@example.com")

    def test_one_megabyte_body_arrives_whole(self):
        line = "0123456789abcdefghijklmnopqrstuvwxyz " * 2 + "\n"
        body = line * (1024 * 1024 // len(line) + 1)
        rc, result, out = send(self.server.port, to="ops@example.com", body=body,
                               ident="n-big")
        self.assertEqual(rc, 0, out[-2000:])
        self.assertEqual(result["outcome"], "ok")
        [msg] = received(self.maildir)
        self.assertDelivered(msg, ident="n-big", body=body)

    def test_auth_without_tls_is_not_sent(self):
        rc, result, out = send(self.server.port, "--auth-user", USER, password=PASSWORD)
        self.assertEqual(rc, 1, out)
        # aiosmtpd's command line offers no AUTH at all.
        self.assertEqual(result["outcome"], "auth_not_offered", out)
        self.assertNotIn(PASSWORD, out)
        box = mailbox.Maildir(self.maildir, create=False)
        self.assertEqual(len(box.keys()), 0)


def start_auth_server(maildir, *options):
    return harness.start_auth_server(WORKDIR, maildir, USER, PASSWORD, *options)


class AuthRelayTests(SendMailTestCase):
    """tests/fixtures/auth_smtp_server.py: STARTTLS, then AUTH."""

    @classmethod
    def setUpClass(cls):
        cls.maildir = new_maildir("auth-")
        cls.server = start_auth_server(cls.maildir)

    @classmethod
    def tearDownClass(cls):
        stop_process(cls.server)

    def count(self):
        return len(mailbox.Maildir(self.maildir, create=False).keys())

    def test_auth_plain_after_starttls_delivers(self):
        before = self.count()
        rc, result, out = send(self.server.port, "--tls", "require-starttls", "--insecure",
                               "--auth-user", USER, password=PASSWORD, ident="n-auth")
        self.assertEqual(rc, 0, out)
        self.assertEqual(result["outcome"], "ok", out)
        self.assertTrue(result["tls"], out)
        transcript = "\n".join(result["transcript"])
        self.assertIn("C: AUTH PLAIN ****", transcript)
        self.assertIn("S: 235", transcript)
        self.assertNotIn(PASSWORD, out)
        msgs = received(self.maildir, before + 1)
        self.assertDelivered(msgs[-1], ident="n-auth")

    def test_auth_login_forced(self):
        before = self.count()
        rc, result, out = send(self.server.port, "--tls", "require-starttls", "--insecure",
                               "--auth-user", USER, "--auth-mech", "login",
                               password=PASSWORD, ident="n-login")
        self.assertEqual(rc, 0, out)
        self.assertIn("C: AUTH LOGIN", "\n".join(result["transcript"]))
        self.assertEqual(received(self.maildir, before + 1)[-1]["X-SmtpWatch-Notification-Id"],
                         "n-login")

    def test_wrong_password_is_auth_failed_and_nothing_arrives(self):
        before = self.count()
        rc, result, out = send(self.server.port, "--tls", "require-starttls", "--insecure",
                               "--auth-user", USER, password="wrong " + PASSWORD,
                               ident="n-wrong")
        self.assertEqual(rc, 1, out)
        self.assertEqual((result["outcome"], result["step"], result["reply_code"]),
                         ("auth_failed", "auth", 535), out)
        self.assertEqual(result["status"], "CRITICAL")
        self.assertNotIn(PASSWORD, out)
        self.assertEqual(self.count(), before)

    def test_auth_only_over_tls_is_a_finding_in_plain_text(self):
        # The server offers AUTH only after STARTTLS; a relay asked for in
        # plain text (allowed or not) sees no AUTH to use.
        rc, result, out = send(self.server.port, "--auth-user", USER,
                               "--allow-plaintext-auth", password=PASSWORD, ident="n-plain")
        self.assertEqual(rc, 1, out)
        self.assertEqual(result["outcome"], "auth_not_offered", out)
        self.assertNotIn(PASSWORD, out)


class PlaintextAuthRelayTests(SendMailTestCase):
    """A relay that offers AUTH before STARTTLS too."""

    @classmethod
    def setUpClass(cls):
        cls.maildir = new_maildir("plain-auth-")
        cls.server = start_auth_server(cls.maildir, "--plaintext-auth")

    @classmethod
    def tearDownClass(cls):
        stop_process(cls.server)

    def test_password_is_not_sent_in_plain_text(self):
        before = len(mailbox.Maildir(self.maildir, create=False).keys())
        rc, result, out = send(self.server.port, "--auth-user", USER, password=PASSWORD,
                               ident="n-clear")
        self.assertEqual(rc, 1, out)
        self.assertEqual((result["outcome"], result["step"], result["status"]),
                         ("auth_not_encrypted", "ehlo", "CRITICAL"), out)
        self.assertNotIn("C: AUTH", "\n".join(result["transcript"]))
        self.assertEqual(len(mailbox.Maildir(self.maildir, create=False).keys()), before)

    def test_allowed_plain_text_auth_delivers(self):
        rc, result, out = send(self.server.port, "--auth-user", USER,
                               "--allow-plaintext-auth", password=PASSWORD, ident="n-allowed")
        self.assertEqual(rc, 0, out)
        self.assertIsNone(result["tls"])
        self.assertIn("C: AUTH PLAIN ****", "\n".join(result["transcript"]))
        self.assertNotIn(PASSWORD, out)
        self.assertDelivered(received(self.maildir)[-1], ident="n-allowed")

    def test_starttls_first_when_offered(self):
        # Opportunistic STARTTLS: AUTH goes after it, over TLS.
        rc, result, out = send(self.server.port, "--tls", "starttls", "--insecure",
                               "--auth-user", USER, password=PASSWORD, ident="n-tls")
        self.assertEqual(rc, 0, out)
        self.assertTrue(result["tls"], out)
        transcript = "\n".join(result["transcript"])
        self.assertLess(transcript.index("C: STARTTLS"), transcript.index("C: AUTH PLAIN ****"))


class CramMd5RelayTests(SendMailTestCase):
    """A relay that offers CRAM-MD5 (RFC 2195, checked with Python's hmac)
    besides PLAIN and LOGIN, before STARTTLS and after it."""

    @classmethod
    def setUpClass(cls):
        cls.maildir = new_maildir("cram-")
        cls.server = start_auth_server(cls.maildir, "--plaintext-auth", "--cram-md5")

    @classmethod
    def tearDownClass(cls):
        stop_process(cls.server)

    def count(self):
        return len(mailbox.Maildir(self.maildir, create=False).keys())

    def test_cram_md5_first_without_tls_delivers(self):
        # Plain text allowed: CRAM-MD5 is the choice, the password never
        # crosses the wire, and only "****" stands for the answer.
        before = self.count()
        rc, result, out = send(self.server.port, "--auth-user", USER,
                               "--allow-plaintext-auth", password=PASSWORD, ident="n-cram")
        self.assertEqual(rc, 0, out)
        self.assertIsNone(result["tls"])
        transcript = "\n".join(result["transcript"])
        self.assertIn("C: AUTH CRAM-MD5", transcript)
        self.assertRegex(transcript, r"S: 334 [A-Za-z0-9+/=]+\n.*C: \*\*\*\*\n.*S: 235")
        self.assertNotIn(PASSWORD, out)
        self.assertDelivered(received(self.maildir, before + 1)[-1], ident="n-cram")

    def test_cram_md5_wrong_password_is_auth_failed(self):
        before = self.count()
        rc, result, out = send(self.server.port, "--auth-user", USER,
                               "--allow-plaintext-auth", password="wrong " + PASSWORD,
                               ident="n-cram-wrong")
        self.assertEqual(rc, 1, out)
        self.assertEqual((result["outcome"], result["step"], result["reply_code"],
                          result["status"]), ("auth_failed", "auth", 535, "CRITICAL"), out)
        self.assertIn("C: AUTH CRAM-MD5", "\n".join(result["transcript"]))
        self.assertEqual(self.count(), before)

    def test_plain_over_tls_cram_md5_when_forced(self):
        # Over TLS the automatic choice is PLAIN; --auth-mech CRAM-MD5 wins.
        before = self.count()
        rc, result, out = send(self.server.port, "--tls", "require-starttls", "--insecure",
                               "--auth-user", USER, password=PASSWORD, ident="n-tls-plain")
        self.assertEqual(rc, 0, out)
        self.assertIn("C: AUTH PLAIN ****", "\n".join(result["transcript"]))
        rc, result, out = send(self.server.port, "--tls", "require-starttls", "--insecure",
                               "--auth-user", USER, "--auth-mech", "cram-md5",
                               password=PASSWORD, ident="n-tls-cram")
        self.assertEqual(rc, 0, out)
        self.assertTrue(result["tls"], out)
        self.assertIn("C: AUTH CRAM-MD5", "\n".join(result["transcript"]))
        ids = [m["X-SmtpWatch-Notification-Id"] for m in received(self.maildir, before + 2)]
        self.assertIn("n-tls-cram", ids)


if __name__ == "__main__":
    EXE = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SW_SEND_MAIL_EXE")
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
