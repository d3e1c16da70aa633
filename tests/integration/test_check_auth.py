#!/usr/bin/python3
"""`smtpwatch check` past the handshake (AUTH, the envelope, the open-relay
test) against a real MTA: the Windows exe under Wine and a private Postfix
whose SASL backend is a private Dovecot, both on loopback and started here.

Usage: test_check_auth.py SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE [unittest args]

The servers (tests/fixtures/postfix_instance.sh and dovecot_auth.sh, driven
through postfix_fixture.py), one pair per test class, each its own port and
directory:
  - SubmissionTests: STARTTLS with a certificate for localhost from a test
    CA made for the run (tests/fixtures/tls_certs.sh; the CA goes into the
    prefix's Root store, and out again at the end), AUTH PLAIN, LOGIN and
    CRAM-MD5
    only after STARTTLS (smtpd_tls_auth_only), recipients accepted in
    smtpwatch.test, one greylisted (450), one unknown (550), two senders
    refused (553, 451), relaying refused;
  - PlaintextAuthTests: the same, but AUTH offered before STARTTLS too;
  - OpenRelayTests: relays for loopback, any domain;
  - AuthUnavailableTests: Dovecot stopped under a running Postfix, which then
    answers AUTH with 454.
Each class first checks with Python's smtplib that its server behaves as
described (test_server_*), so that a failing check of the exe is the exe's
fault. What the exe did is read back from Postfix's own log (the commands
of each session: no AUTH sent, no DATA) and queue (empty: no mail sent).
Every subprocess has a timeout; the servers are stopped by the scripts,
which end only the processes of their own instance.
"""

import base64
import os
import secrets
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import check_runner
import postfix_fixture
from harness import boot_shared_prefix, install_root_cert, win_path
from test_check_cli import CheckTestCase

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DOMAIN = "smtpwatch.test"  # the domain the submission server accepts
USER = "monitor@" + DOMAIN
# A password no output could contain by chance.
PASSWORD = "sw-" + secrets.token_hex(8)
WRONG_PASSWORD = "sw-wrong-" + secrets.token_hex(4)
RECIPIENT_ACCESS = ("greylisted@%s 450 4.2.0 greylisted, try again later\n"
                    "nobody@%s 550 5.1.1 no such user here\n" % (DOMAIN, DOMAIN))
SENDER_ACCESS = ("spammer@example.net 553 5.7.1 this sender is refused\n"
                 "busy@example.net 451 4.3.0 sender check unavailable, try later\n")

EXE = None
INSTALL_ROOT_CERT = None
WORKDIR = None
CERTS = None
CA_INSTALLED = False


def root_cert(action):
    """install_root_cert.exe add|remove the run's test CA (prefix's Root)."""
    install_root_cert(INSTALL_ROOT_CERT, CERTS / "ca.der", action)


def password_file(password):
    """A file holding the password as `echo PASSWORD >FILE` writes it (the
    check reads its first line); Wine's path to it."""
    path = Path(WORKDIR) / ("password-%s" % secrets.token_hex(3))
    path.write_text(password + "\n", encoding="utf-8")
    return win_path(path)


def setUpModule():
    global WORKDIR, CERTS, CA_INSTALLED
    for path, what in ((EXE, "smtpwatch.exe"), (INSTALL_ROOT_CERT, "install_root_cert.exe")):
        if not path or not os.path.isfile(path):
            raise RuntimeError("%s not found (%r): pass SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE"
                               % (what, path))
    postfix_fixture.require_mail_servers(dovecot=True)
    WORKDIR = tempfile.mkdtemp(prefix="sw-check-auth-")
    os.chmod(WORKDIR, 0o755)  # Postfix's and Dovecot's daemons enter it
    CERTS = Path(WORKDIR) / "certs"
    subprocess.run([str(FIXTURES / "tls_certs.sh"), str(CERTS)], stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=120, check=True)
    boot_shared_prefix()
    root_cert("add")
    CA_INSTALLED = True


def tearDownModule():
    if CA_INSTALLED:
        root_cert("remove")  # the next run's CA is another one
    if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
        shutil.rmtree(WORKDIR, ignore_errors=True)


class RealServerTestCase(CheckTestCase):
    """One Postfix (and its Dovecot) per class; the helpers its cases share
    (assertCheck: exit code, JSON status, outcome, reply code; the JSON read
    with json.loads)."""
    HOST = "localhost"  # what the test certificate names
    POSTFIX_OPTIONS = ()  # postfix_instance.sh options, besides --sasl
    SASL = True

    @classmethod
    def setUpClass(cls):
        base = Path(WORKDIR) / cls.__name__
        cls.dovecot = None
        options = [o.format(certs=CERTS, base=base) for o in cls.POSTFIX_OPTIONS]
        if cls.SASL:
            cls.dovecot = postfix_fixture.DovecotAuth(base / "dovecot", USER, PASSWORD)
            options += ["--sasl", cls.dovecot.socket]
        cls.postfix = postfix_fixture.PrivatePostfix(base / "postfix", options)
        base.mkdir()
        (base / "recipient-access").write_text(RECIPIENT_ACCESS, encoding="utf-8")
        (base / "sender-access").write_text(SENDER_ACCESS, encoding="utf-8")
        try:
            if cls.dovecot:
                cls.dovecot.start()
            cls.postfix.start()
        except BaseException:
            cls.tearDownClass()  # unittest does not when setUpClass fails
            raise

    @classmethod
    def tearDownClass(cls):
        cls.postfix.stop()
        if cls.dovecot:
            cls.dovecot.stop()

    # --- the server, through Python's smtplib --------------------------------

    def smtp(self, starttls):
        """An smtplib session after EHLO (and STARTTLS, trusting the test CA)."""
        s = smtplib.SMTP("127.0.0.1", self.postfix.port, local_hostname="probe.example.net",
                         timeout=20)
        self.addCleanup(s.close)
        s.ehlo()
        if starttls:
            s.starttls(context=ssl.create_default_context(cafile=str(CERTS / "ca.pem")))
            s.ehlo()
        return s

    def auth_plain(self, s, password):
        """(code, text) of AUTH PLAIN for USER (smtplib's login() raises)."""
        token = base64.b64encode(("\0%s\0%s" % (USER, password)).encode()).decode()
        return s.docmd("AUTH", "PLAIN " + token)

    # --- the exe -------------------------------------------------------------

    def check(self, *args, password_env=None):
        """`smtpwatch check HOST --port P ARGS`; SMTPWATCH_AUTH_PASSWORD is
        set only when password_env is given."""
        env = dict(os.environ)
        env.pop("SMTPWATCH_AUTH_PASSWORD", None)
        if password_env is not None:
            env["SMTPWATCH_AUTH_PASSWORD"] = password_env
        return check_runner.run_check(EXE, self.HOST, "--port", str(self.postfix.port),
                                      *args, env=env)

    def auth_args(self, password=PASSWORD):
        return ["--auth-user", USER, "--auth-password-file", password_file(password)]

    def assertNoSecret(self, run, password=PASSWORD):
        """Neither the password nor any encoding of it that AUTH PLAIN or
        LOGIN would send appears in anything the exe printed."""
        plain = base64.b64encode(("\0%s\0%s" % (USER, password)).encode()).decode()
        login = base64.b64encode(password.encode()).decode()
        for name, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            for secret in (password, plain, login):
                self.assertNotIn(secret, text, "%s shows the password\n%s" % (name, run))

    def session_of(self, offset, run):
        """Postfix's command counts for the one session since offset."""
        try:
            return self.postfix.one_session_after(offset)[1]
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (e, run))

    def assertNothingQueued(self, run):
        self.assertEqual(self.postfix.queued(), [], "a message reached the queue\n%s" % run)


class SubmissionTests(RealServerTestCase):
    """AUTH only after STARTTLS; recipients in smtpwatch.test (one greylisted,
    one unknown); two senders refused; a closed relay."""
    POSTFIX_OPTIONS = ("--tls", "{certs}/trusted.pem", "{certs}/trusted.key",
                       "--accept-domain", DOMAIN, "--recipient-access",
                       "{base}/recipient-access", "--sender-access", "{base}/sender-access")

    def test_server_offers_auth_only_after_starttls(self):
        s = self.smtp(starttls=False)
        self.assertTrue(s.has_extn("starttls"))
        self.assertFalse(s.has_extn("auth"), s.esmtp_features)
        s = self.smtp(starttls=True)
        self.assertEqual(set(s.esmtp_features["auth"].split()), {"PLAIN", "LOGIN", "CRAM-MD5"})

    def test_server_accepts_the_password_and_refuses_another(self):
        self.assertEqual(self.auth_plain(self.smtp(starttls=True), PASSWORD)[0], 235)
        self.assertEqual(self.auth_plain(self.smtp(starttls=True), WRONG_PASSWORD)[0], 535)
        s = self.smtp(starttls=True)
        s.user, s.password = USER, PASSWORD
        self.assertEqual(s.auth("CRAM-MD5", s.auth_cram_md5)[0], 235)

    def test_server_answers_recipients_as_configured(self):
        s = self.smtp(starttls=False)
        self.assertEqual(s.mail("probe@example.net")[0], 250)
        got = {r: s.rcpt(r)[0] for r in ("postmaster@" + DOMAIN, "greylisted@" + DOMAIN,
                                          "nobody@" + DOMAIN, "relay-test@smtpwatch.invalid")}
        self.assertEqual(list(got.values()), [250, 450, 550, 554], got)
        s.rset()
        self.assertEqual(s.mail("spammer@example.net")[0], 553)
        self.assertEqual(s.mail("busy@example.net")[0], 451)

    def test_right_password_is_ok_and_never_shown(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "starttls", "--json", *self.auth_args())
        j = self.assertCheck(run, "OK", "ok")
        self.assertIn("AUTH PLAIN ****", "\n".join(j.get("transcript") or []), run)
        self.assertNoSecret(run)
        counts = self.session_of(offset, run)
        self.assertEqual((counts.get("starttls"), counts.get("auth")), ("1", "1"), counts)

    def test_verbose_transcript_masks_the_password(self):
        run = self.check("--tls", "starttls", "--verbose", *self.auth_args())
        self.assertEqual(run.rc, 0, run)
        self.assertTrue(run.stdout.startswith("SMTP OK - "), run)
        self.assertIn("AUTH PLAIN ****", run.stdout, run)
        self.assertNoSecret(run)

    def test_login_mechanism_when_forced(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "starttls", "--json", "--auth-mech", "LOGIN",
                         *self.auth_args())
        j = self.assertCheck(run, "OK", "ok")
        self.assertIn("AUTH LOGIN", "\n".join(j.get("transcript") or []), run)
        self.assertNoSecret(run)
        self.assertEqual(self.session_of(offset, run).get("auth"), "1")

    def test_cram_md5_when_forced(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "starttls", "--json", "--auth-mech", "CRAM-MD5",
                         *self.auth_args())
        j = self.assertCheck(run, "OK", "ok")
        self.assertIn("AUTH CRAM-MD5", "\n".join(j.get("transcript") or []), run)
        self.assertNoSecret(run)
        self.assertEqual(self.session_of(offset, run).get("auth"), "1")

    def test_cram_md5_with_a_wrong_password_is_auth_failed(self):
        run = self.check("--tls", "starttls", "--json", "--auth-mech", "CRAM-MD5",
                         *self.auth_args(WRONG_PASSWORD))
        self.assertCheck(run, "CRITICAL", "auth_failed", reply_code=535)
        self.assertNoSecret(run, WRONG_PASSWORD)

    def test_wrong_password_is_auth_failed(self):
        run = self.check("--tls", "starttls", "--json", *self.auth_args(WRONG_PASSWORD))
        self.assertCheck(run, "CRITICAL", "auth_failed", reply_code=535)
        self.assertNoSecret(run, WRONG_PASSWORD)

    def test_password_from_the_environment(self):
        run = self.check("--tls", "starttls", "--json", "--auth-user", USER,
                         password_env=PASSWORD)
        self.assertCheck(run, "OK", "ok")
        self.assertNoSecret(run)

    def test_auth_after_starttls_without_tls_sends_no_password(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "none", "--json", *self.auth_args())
        # Over plain text this server lists STARTTLS but no AUTH: for the
        # check, AUTH is not offered, and the password stays unsent.
        self.assertCheck(run, "CRITICAL", "auth_not_offered", step="ehlo")
        self.assertNoSecret(run)
        counts = self.session_of(offset, run)
        self.assertNotIn("auth", counts, "AUTH was sent in plain text: %r" % counts)
        self.assertNotIn("starttls", counts, counts)

    def test_envelope_accepted_without_sending_mail(self):
        offset = self.postfix.log_offset()
        run = self.check("--json", "--mail-from", "probe@example.net", "--rcpt-to",
                         "postmaster@%s,abuse@%s" % (DOMAIN, DOMAIN))
        self.assertCheck(run, "OK", "ok")
        counts = self.session_of(offset, run)
        self.assertEqual((counts.get("mail"), counts.get("rcpt")), ("1", "2"), counts)
        self.assertNotIn("data", counts, "DATA was sent: %r" % counts)
        self.assertNotIn("bdat", counts, "BDAT was sent: %r" % counts)
        self.assertNothingQueued(run)

    def test_envelope_after_auth(self):
        run = self.check("--tls", "starttls", "--json", *self.auth_args(), "--mail-from",
                         USER, "--rcpt-to", "postmaster@" + DOMAIN)
        self.assertCheck(run, "OK", "ok")
        self.assertNoSecret(run)
        self.assertNothingQueued(run)

    def test_unknown_recipient_is_critical(self):
        run = self.check("--json", "--mail-from", "probe@example.net", "--rcpt-to",
                         "postmaster@%s,nobody@%s" % (DOMAIN, DOMAIN))
        j = self.assertCheck(run, "CRITICAL", "recipient_rejected", reply_code=550)
        self.assertIn("nobody@" + DOMAIN, j["message"])
        self.assertNothingQueued(run)

    def test_refused_sender_is_critical(self):
        run = self.check("--json", "--mail-from", "spammer@example.net", "--rcpt-to",
                         "postmaster@" + DOMAIN)
        self.assertCheck(run, "CRITICAL", "sender_rejected", reply_code=553)

    def test_sender_refused_for_now_is_a_warning(self):
        run = self.check("--json", "--mail-from", "busy@example.net", "--rcpt-to",
                         "postmaster@" + DOMAIN)
        self.assertCheck(run, "WARNING", "sender_rejected", reply_code=451)

    def test_greylisted_recipient_is_a_warning(self):
        run = self.check("--json", "--mail-from", "probe@example.net", "--rcpt-to",
                         "greylisted@" + DOMAIN)
        self.assertCheck(run, "WARNING", "recipient_rejected", reply_code=450)

    def test_relay_test_on_a_closed_relay_is_ok(self):
        offset = self.postfix.log_offset()
        run = self.check("--json", "--relay-test")
        self.assertCheck(run, "OK", "ok")
        counts = self.session_of(offset, run)
        self.assertEqual(counts.get("rcpt"), "0/1", "the relay recipient was not tried: %r"
                         % counts)
        self.assertNotIn("data", counts, counts)
        self.assertNothingQueued(run)


class PlaintextAuthTests(RealServerTestCase):
    """AUTH offered before STARTTLS too (smtpd_tls_auth_only = no)."""
    POSTFIX_OPTIONS = ("--tls", "{certs}/trusted.pem", "{certs}/trusted.key",
                       "--sasl-before-tls")

    def test_server_offers_auth_before_starttls(self):
        s = self.smtp(starttls=False)
        self.assertTrue(s.has_extn("starttls"))
        self.assertEqual(set(s.esmtp_features["auth"].split()), {"PLAIN", "LOGIN", "CRAM-MD5"})
        self.assertEqual(self.auth_plain(s, PASSWORD)[0], 235)

    def test_plaintext_auth_is_refused_by_default(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "none", "--json", *self.auth_args())
        self.assertCheck(run, "CRITICAL", "auth_not_encrypted")
        self.assertNoSecret(run)
        self.assertNotIn("auth", self.session_of(offset, run), "AUTH was sent in plain text")

    def test_plaintext_auth_when_allowed(self):
        """Without TLS the check prefers CRAM-MD5: the password itself never
        crosses the wire."""
        offset = self.postfix.log_offset()
        run = self.check("--tls", "none", "--allow-plaintext-auth", "--json",
                         *self.auth_args())
        j = self.assertCheck(run, "OK", "ok")
        self.assertIn("AUTH CRAM-MD5", "\n".join(j.get("transcript") or []), run)
        self.assertNoSecret(run)
        counts = self.session_of(offset, run)
        self.assertEqual((counts.get("auth"), counts.get("starttls")), ("1", None), counts)

    def test_starttls_first_when_asked(self):
        offset = self.postfix.log_offset()
        run = self.check("--tls", "starttls", "--json", *self.auth_args())
        self.assertCheck(run, "OK", "ok")
        counts = self.session_of(offset, run)
        self.assertEqual((counts.get("starttls"), counts.get("auth")), ("1", "1"), counts)


class OpenRelayTests(RealServerTestCase):
    """Relays anywhere for loopback clients (permit_mynetworks)."""
    HOST = "127.0.0.1"
    POSTFIX_OPTIONS = ("--open-relay",)
    SASL = False

    def test_server_relays_for_loopback(self):
        s = self.smtp(starttls=False)
        self.assertEqual(s.mail("probe@example.net")[0], 250)
        self.assertEqual(s.rcpt("relay-test@smtpwatch.invalid")[0], 250)
        s.rset()

    def test_relay_test_finds_the_open_relay(self):
        offset = self.postfix.log_offset()
        run = self.check("--json", "--relay-test")
        j = self.assertCheck(run, "CRITICAL", "open_relay")
        self.assertIn("relay-test@smtpwatch.invalid", j["message"])
        counts = self.session_of(offset, run)
        self.assertEqual(counts.get("rcpt"), "1", counts)
        self.assertNotIn("data", counts, "DATA was sent: %r" % counts)
        self.assertNothingQueued(run)

    def test_relay_test_with_its_own_recipient(self):
        run = self.check("--json", "--relay-test", "--relay-test-rcpt",
                         "someone@relay-check.example")
        j = self.assertCheck(run, "CRITICAL", "open_relay")
        self.assertIn("someone@relay-check.example", j["message"])
        self.assertNothingQueued(run)


class AuthUnavailableTests(RealServerTestCase):
    """454: Postfix's SASL backend (Dovecot) stopped while Postfix runs.

    Postfix (xsasl_dovecot_server.c) answers 454 4.7.0 only when it lost
    its Dovecot connection after learning the mechanisms; an smtpd process
    started while Dovecot is down finds no mechanisms and exits (fatal),
    and the master then throttles the service. So the instance has one
    smtpd (--one-smtpd), and each case first has it authenticate once with
    Dovecot up, then stops Dovecot: the next session, and only it, gets the
    454 (that smtpd process forgets the mechanisms after the failure)."""
    POSTFIX_OPTIONS = ("--tls", "{certs}/trusted.pem", "{certs}/trusted.key", "--one-smtpd")

    def take_auth_service_down(self):
        self.dovecot.stop()  # if an earlier case left it down
        self.dovecot.start()
        s = self.smtp(starttls=True)
        self.assertEqual(self.auth_plain(s, PASSWORD)[0], 235)
        s.quit()  # the one smtpd serves nobody else until this session ends
        self.dovecot.stop()

    def test_server_answers_454(self):
        self.take_auth_service_down()
        code, text = self.auth_plain(self.smtp(starttls=True), PASSWORD)
        self.assertEqual(code, 454, text)

    def test_auth_unavailable_is_a_warning(self):
        self.take_auth_service_down()
        run = self.check("--tls", "starttls", "--json", *self.auth_args())
        self.assertCheck(run, "WARNING", "auth_unavailable", reply_code=454)
        self.assertNoSecret(run)


def main():
    global EXE, INSTALL_ROOT_CERT
    argv = sys.argv[1:]
    if len(argv) < 2:
        sys.exit("usage: test_check_auth.py SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE "
                 "[unittest args]")
    EXE, INSTALL_ROOT_CERT = (str(Path(p).resolve()) for p in argv[:2])
    unittest.main(module=__name__, argv=[sys.argv[0], "-v"] + argv[2:])


if __name__ == "__main__":
    main()
