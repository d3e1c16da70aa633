#!/usr/bin/python3
"""Integration tests of rules that authenticate (issue 15): the AUTH
password of a stored rule and of a one-shot check, against the real
service and a real AUTH server, under Wine.

Usage: test_cli_secrets.py SMTPWATCH_EXE SVC_EXE PIPE_PROBE_EXE [unittest arguments]

The harness is test_cli_manage.py's (imported): each test starts
smtpwatch-svc.exe --console with a fresh data directory and drives it only
through smtpwatch.exe. The checked server is tests/fixtures/auth_smtp_server.py
with AUTH offered before STARTTLS (--plaintext-auth), so that a rule with
--allow-plaintext-auth authenticates in plain text on loopback; it accepts
only USER with PASSWORD. What a user must be able to rely on: the password
is accepted from a file (or, for `check`, the environment), it reaches the
server (the check is OK only with the right one), and it is never printed,
shown back or written to the database in clear.

SW_CLI_MANAGE_PREFIX names the prefix (default: cli-secrets-wineprefix next
to the build's service/ directory).
"""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
import test_cli_manage as manage
from harness import stop_process, wait_for, win_path
from test_cli_manage import DONE, USAGE, smtpwatch

USER = "monitor@example.com"
PASSWORD = "pw-Kx42-never-shown"
SERVER = None  # the AUTH server
MAILDIR = None  # where it keeps what arrives


def setUpModule():
    global SERVER, MAILDIR
    os.environ.setdefault("SW_CLI_MANAGE_PREFIX", str(
        Path(manage.SVC_EXE).resolve().parent.parent / "cli-secrets-wineprefix"))
    manage.setUpModule()
    MAILDIR = Path(tempfile.mkdtemp(prefix="mail-", dir=manage.WORKDIR))
    SERVER = harness.start_auth_server(manage.WORKDIR, MAILDIR, USER, PASSWORD,
                                       "--plaintext-auth")


def tearDownModule():
    stop_process(SERVER)
    manage.tearDownModule()


class SecretTests(manage.ManageTestCase):

    def file(self, name, text):
        path = self.dir / name
        path.write_text(text + "\r\n")
        return win_path(path)

    def auth_rule(self, password_file, *extra):
        return self.add("127.0.0.1", "--port", SERVER.port, "--interval-s", "10",
                        "--auth-user", USER, "--auth-password-file", password_file,
                        "--allow-plaintext-auth", *extra)

    def last_outcome(self, rule_id, outcome):
        def seen():
            rows = self.ok("history", rule_id, "--json").json
            return rows and rows[0]["outcome"] == outcome and rows[0]
        return wait_for(seen, 30, 0.3, "rule %s: %s" % (rule_id, outcome))

    def assertNoPassword(self, run):
        self.assertNotIn(PASSWORD, run.stdout + run.stderr, run)

    def database_bytes(self):
        return b"".join(p.read_bytes() for p in self.dir.rglob("*")
                        if p.is_file() and "smtpwatch" in p.name)

    def test_stored_password_reaches_the_server_and_nowhere_else(self):
        r = self.auth_rule(self.file("pw.txt", PASSWORD), "--name", "Submission")
        self.assertTrue(r["auth_password"])
        self.assertEqual(r["auth_user"], USER)
        self.assertTrue(r["auth_plaintext"])
        res = self.last_outcome(r["id"], "ok")
        self.assertEqual(res["status"], "OK")

        show = self.ok("rules", "show", r["id"])
        self.assertIn("AUTH password:               set\n", show.stdout)
        for run in (show, self.ok("rules", "show", r["id"], "--json"),
                    self.ok("rules", "list", "--csv"),
                    self.ok("history", r["id"], "--json"),
                    self.ok("events", "--json")):
            self.assertNoPassword(run)
        # The service checked with it, yet the database holds a DPAPI blob.
        self.assertTrue(self.database_bytes())
        self.assertNotIn(PASSWORD.encode(), self.database_bytes())
        self.assertNotIn(PASSWORD.encode("utf-16-le"), self.database_bytes())

        # An edit that names no password keeps the stored one.
        edited = self.ok("rules", "edit", r["id"], "--timeout-ms", "6000", "--json").json
        self.assertTrue(edited["auth_password"])
        before = len(self.ok("history", r["id"], "--json").json)
        wait_for(lambda: len(self.ok("history", r["id"], "--json").json) > before + 1, 30,
                 0.3, "checks after the edit")
        self.assertEqual(self.ok("history", r["id"], "--json").json[0]["outcome"], "ok")

        # Without an AUTH user there is no password to keep.
        cleared = self.ok("rules", "edit", r["id"], "--auth-user", "",
                          "--no-plaintext-auth", "--json").json
        self.assertFalse(cleared["auth_password"])

    def test_wrong_password_is_auth_failed(self):
        r = self.auth_rule(self.file("wrong.txt", "not-" + PASSWORD))
        res = self.last_outcome(r["id"], "auth_failed")
        self.assertEqual(res["status"], "CRITICAL")
        # A new password from a file replaces it.
        self.ok("rules", "edit", r["id"], "--auth-password-file",
                self.file("pw.txt", PASSWORD))
        self.last_outcome(r["id"], "ok")

    def test_a_user_without_a_password_is_refused(self):
        run = self.refused("rules", "add", "127.0.0.1", "--auth-user", USER)
        self.assertIn("auth_password: AUTH password is required", run.stderr)
        run = self.refused("rules", "add", "127.0.0.1", "--auth-user", USER,
                           "--auth-password-file", win_path(self.dir / "missing.txt"),
                           code=USAGE)
        self.assertIn("--auth-password-file: could not open", run.stderr)
        self.assertEqual(self.rules(), {})

    def test_one_shot_check_takes_the_password_from_a_file_or_the_environment(self):
        base = ["check", "127.0.0.1", "--port", SERVER.port, "--auth-user", USER,
                "--allow-plaintext-auth", "--verbose"]
        run = smtpwatch(*base, "--auth-password-file", self.file("pw.txt", PASSWORD))
        self.assertEqual(run.rc, 0, run)
        self.assertIn("C: AUTH PLAIN ****", run.stdout)
        self.assertNoPassword(run)

        env = dict(manage.wine_env(), SMTPWATCH_AUTH_PASSWORD=PASSWORD)
        proc = subprocess.run(["wine", str(manage.EXE)] + [str(a) for a in base],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                              env=env)
        out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, out)
        self.assertNotIn(PASSWORD, out)

        run = smtpwatch(*base)  # neither
        self.assertEqual(run.rc, 3, run)
        self.assertIn("AUTH password is required", run.stderr)

        run = smtpwatch(*base[:-1], "--json", "--auth-password-file",
                        self.file("wrong.txt", "nope"))
        self.assertEqual(run.rc, 2, run)
        self.assertEqual(run.json["outcome"], "auth_failed")

    def test_envelope_rule_is_ok_and_sends_no_mail(self):
        r = self.add("127.0.0.1", "--port", SERVER.port, "--interval-s", "10",
                     "--mail-from", "monitor@example.com",
                     "--rcpt-to", "postmaster@example.com, abuse@example.com")
        self.assertEqual(r["rcpt_to"], "postmaster@example.com, abuse@example.com")
        self.last_outcome(r["id"], "ok")
        self.assertEqual(list(MAILDIR.rglob("*/new/*")), [])  # RSET: nothing sent
        run = self.refused("rules", "add", "127.0.0.1", "--rcpt-to", "a@example.com")
        self.assertIn("mail_from: MAIL FROM is required with RCPT TO", run.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    manage.EXE, manage.SVC_EXE, manage.PIPE_PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
