#!/usr/bin/python3
"""Integration tests of the alert commands of smtpwatch (notifiers,
maintenance, notifications, rules ack|unack and the alert options of rules
add|edit) against the real service, under Wine.

Usage: test_cli_alerts.py SMTPWATCH_EXE SVC_EXE PIPE_PROBE_EXE [unittest arguments]

The harness is test_cli_manage.py's (imported): each test starts
smtpwatch-svc.exe --console with a fresh data directory and drives it only
through smtpwatch.exe, as a user or a script would. Alert mails go to
aiosmtpd on loopback, which keeps them in a mailbox the test reads; a
program notifier writes what it received to a file. No secret given to a
command (the relay password from its file, a webhook URL's path and query)
may appear in anything smtpwatch prints, in any format.

OlderServiceTests serve the pipe with tests/tools/old_service.exe (found
next to PIPE_PROBE_EXE), which answers as a protocol version 1 service: the
alert commands must say the service is older and send it nothing.

SW_CLI_MANAGE_PREFIX names the prefix (default: cli-alerts-wineprefix next
to the build's service/ directory, so that it can run beside
test_cli_manage.py).
"""

import json
import mailbox
import os
import re
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timezone
from pathlib import Path

import harness
import test_cli_manage as manage
from harness import refused_port, stop_process, wait_for, win_path
from test_cli_manage import DONE, REFUSED, UNREACHABLE, USAGE, smtpwatch

PASSWORD = "pw-Zq81-never-shown"
TOKEN = "tok-9f8e7d-never-shown"
HOOK = "https://hooks.example.com/workflows/%s?sig=%s" % (TOKEN, TOKEN)
MAILDIR = None
MAIL = None  # aiosmtpd keeping what arrives in MAILDIR


def setUpModule():
    global MAILDIR, MAIL
    os.environ.setdefault("SW_CLI_MANAGE_PREFIX", str(
        Path(manage.SVC_EXE).resolve().parent.parent / "cli-alerts-wineprefix"))
    manage.setUpModule()
    MAILDIR = Path(tempfile.mkdtemp(prefix="mail-", dir=manage.WORKDIR))
    MAIL = harness.start_aiosmtpd(args=("-c", "aiosmtpd.handlers.Mailbox",
                                        str(MAILDIR / "box")))


def tearDownModule():
    stop_process(MAIL)
    manage.tearDownModule()


def mails():
    """The messages aiosmtpd received so far."""
    box = MAILDIR / "box"
    return list(mailbox.Maildir(str(box), create=False)) if box.exists() else []


class AlertTestCase(manage.ManageTestCase):

    def file(self, name, data):
        path = self.dir / name
        path.write_bytes(data)
        return win_path(path)

    def mail_notifier(self, name, *extra):
        return self.ok("notifiers", "add", name, "--email", "ops@example.com",
                       "--relay", "127.0.0.1:%d" % MAIL.port, "--tls", "none", *extra)

    def program_notifier(self, name, out):
        """A program that appends the rule's state to `out` (a Linux path)."""
        line = ('cmd.exe /c echo %SMTPWATCH_RULE_ID% %SMTPWATCH_STATE%>>"'
                + win_path(out) + '"')
        return self.ok("notifiers", "add", name, "--program", line, "--timeout-s", "30")

    def assert_no_secret(self, run):
        for text in (run.stdout, run.stderr):
            self.assertNotIn(PASSWORD, text, run)
            self.assertNotIn(TOKEN, text, run)

    def bad_rule(self, *extra):
        """A rule that fails at once: nothing listens on its port."""
        return self.add("127.0.0.1", "--port", refused_port(), "--interval-s", "10",
                        "--timeout-ms", "1000", *extra)

    def wait_state(self, rule_id, states):
        def state():
            rows = [s for s in self.ok("status", "--json").json if s["id"] == rule_id]
            return rows and rows[0]["state"] in states
        wait_for(state, 60, 0.5, "rule %d in state %s" % (rule_id, "/".join(states)))


class NotifierTests(AlertTestCase):

    def test_every_kind_listed_shown_and_no_secret_printed(self):
        pwfile = self.file("pw.txt", (PASSWORD + "\r\nsecond line\r\n").encode())
        run = self.mail_notifier("ops", "--auth-user", "alerts",
                                 "--auth-password-file", pwfile)
        self.assertTrue(run.stdout.startswith('Added notifier "ops":\n'), run)
        self.assertRegex(run.stdout, r"\nPassword:\s+set\n")
        self.assert_no_secret(run)
        self.assert_no_secret(self.ok("notifiers", "add", "teams", "--webhook", HOOK,
                                      "--format", "teams"))
        self.ok("notifiers", "add", "pager", "--program", "C:\\Tools\\page.exe --urgent")
        self.ok("notifiers", "add", "smtp-restart", "--restart-service", "SMTPSVC")

        text = self.ok("notifiers", "list")
        self.assert_no_secret(text)
        lines = text.stdout.splitlines()
        self.assertRegex(lines[0], r"^Name\s+Kind\s+Target\s+Default\s+Secret$")
        rows = {line.split()[0]: line for line in lines[1:]}
        self.assertEqual(set(rows), {"ops", "teams", "pager", "smtp-restart"})
        self.assertRegex(rows["ops"], r"email\s+ops@example\.com via 127\.0\.0\.1:%d\s+"
                         r"password set$" % MAIL.port)
        self.assertRegex(rows["teams"], r"webhook\s+https://hooks\.example\.com/\.\.\. "
                         r"\(teams\)\s+URL set$")
        self.assertRegex(rows["pager"], r"program\s+C:\\Tools\\page\.exe --urgent")
        self.assertRegex(rows["smtp-restart"], r"restart_service\s+restart SMTPSVC")

        for fmt in ("--json", "--csv"):
            run = self.ok("notifiers", "list", fmt)
            self.assert_no_secret(run)
        by_name = {n["name"]: n for n in self.ok("notifiers", "list", "--json").json}
        self.assertEqual(by_name["ops"]["password_set"], True)
        self.assertEqual(by_name["ops"]["auth_user"], "alerts")
        self.assertEqual(by_name["teams"]["url_shown"], "https://hooks.example.com/...")
        self.assertEqual(by_name["teams"]["format"], "teams")
        self.assertEqual(by_name["pager"]["timeout_s"], 60)
        self.assertEqual(by_name["smtp-restart"]["service_name"], "SMTPSVC")
        self.assertEqual({n["default"] for n in by_name.values()}, {False})
        csv_rows = {r["name"]: r for r in self.ok("notifiers", "list", "--csv").csv}
        self.assertEqual(csv_rows["ops"]["password_set"], "true")

        shown = self.ok("notifiers", "show", "teams", "--json")
        self.assert_no_secret(shown)
        self.assertEqual(shown.json["kind"], "webhook")

    def test_mistakes_are_refused_with_a_sentence(self):
        self.mail_notifier("ops")
        run = self.refused("notifiers", "add", "ops", "--program", "x.exe")
        self.assertIn("A notifier of that name exists already", run.stderr)
        run = self.refused("notifiers", "show", "nosuch")
        self.assertIn("There is no notifier of that name", run.stderr)

        empty = self.file("empty.txt", b"\r\n")
        run = self.refused("notifiers", "add", "x", "--email", "a@example.com", "--relay",
                           "mx.example.com", "--auth-user", "u", "--auth-password-file",
                           empty, code=USAGE)
        self.assertIn("The password file is empty", run.stderr)
        run = self.refused("notifiers", "add", "x", "--email", "a@example.com", "--relay",
                           "mx.example.com", "--auth-user", "u", "--auth-password-file",
                           win_path(self.dir / "missing.txt"), code=USAGE)
        self.assertIn("--auth-password-file: could not open", run.stderr)
        huge = self.file("huge.txt", b"x" * 5000)
        run = self.refused("notifiers", "add", "x", "--email", "a@example.com", "--relay",
                           "mx.example.com", "--auth-user", "u", "--auth-password-file",
                           huge, code=USAGE)
        self.assertIn("the first line is longer than 4096 bytes", run.stderr)
        self.assertEqual([n["name"] for n in self.ok("notifiers", "list", "--json").json],
                         ["ops"])

        run = self.ok("notifiers", "delete", "ops")
        self.assertEqual(run.stdout, 'Deleted notifier "ops".\n')
        self.refused("notifiers", "delete", "ops")

    def test_a_notifier_rules_send_to_is_not_deleted(self):
        """docs/pipe-protocol.md: NOTIFIER_DELETE of a notifier that rules
        still name is refused (notifier_in_use); once free, it goes."""
        self.mail_notifier("ops")
        rule = self.add("mail.example.com", "--disabled", "--notify", "ops")
        self.refused("notifiers", "delete", "ops")
        self.assertEqual([n["name"] for n in self.ok("notifiers", "list", "--json").json],
                         ["ops"])
        self.assertEqual(self.ok("rules", "show", rule["id"], "--json").json["notify"],
                         "ops")
        self.ok("rules", "edit", rule["id"], "--notify", "")
        self.ok("notifiers", "delete", "ops")

    def test_test_delivers_or_says_why_not(self):
        before = len(mails())
        self.mail_notifier("ops")
        run = self.ok("notifiers", "test", "ops", timeout=150)
        self.assertRegex(run.stdout, r'^The test notification through "ops" was '
                         r'delivered \(id \S+\)\.\n$')
        wait_for(lambda: len(mails()) > before, 30, 0.2, "the test mail")

        out = self.dir / "program.txt"
        self.program_notifier("writer", out)
        self.ok("notifiers", "test", "writer", timeout=150)
        self.assertTrue(out.exists())

        self.ok("notifiers", "add", "fails", "--program", "cmd.exe /c exit 3")
        run = smtpwatch("notifiers", "test", "fails", timeout=150)
        self.assertEqual(run.rc, REFUSED, run)
        self.assertIn('The test notification through "fails" failed: ', run.stdout)
        run = smtpwatch("notifiers", "test", "fails", "--json", timeout=150)
        self.assertEqual(run.rc, REFUSED, run)
        self.assertEqual(run.json["status"], "failed")
        self.assertTrue(run.json["last_error"])

        nowhere = self.ok("notifiers", "add", "nowhere", "--email", "ops@example.com",
                          "--relay", "127.0.0.1:%d" % refused_port(), "--tls", "none")
        run = smtpwatch("notifiers", "test", "nowhere", timeout=150)
        self.assertEqual(run.rc, REFUSED, run)
        self.assertIn("failed: ", run.stdout)


class MaintenanceTests(AlertTestCase):

    def test_one_off_and_weekly_windows(self):
        rule = self.add("mail.example.com", "--disabled", "--name", "Relay")
        run = self.ok("maintenance", "add", "--rule", rule["id"], "--from",
                      "2030-06-01 22:00", "--until", "2030-06-02 01:30", "--comment",
                      "upgrade")
        m = re.match(r"Added maintenance window (\d+):\n", run.stdout)
        self.assertIsNotNone(m, run)
        self.assertRegex(run.stdout, r"Scope:\s+rule %d \(Relay\)\n" % rule["id"])
        once_id = int(m.group(1))
        self.ok("maintenance", "add", "--all", "--weekly", "sat,sun 22:00-02:00")
        now = datetime.now(timezone.utc)
        self.ok("maintenance", "add", "--all", "--from",
                now.strftime("%Y-%m-%dT%H:%MZ"), "--until", "2099-01-01T00:00Z")

        windows = {w["id"]: w for w in self.ok("maintenance", "list", "--json").json}
        self.assertEqual(len(windows), 3)
        once = windows[once_id]
        # Typed in local time: the UTC the test's own zone makes of it (the
        # test and Wine read the same zone).
        local = datetime(2030, 6, 1, 22, 0).astimezone(timezone.utc)
        self.assertEqual(once["from"], local.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual((once["rule_id"], once["rule_name"], once["all"],
                          once["comment"], once["active"]),
                         (rule["id"], "Relay", False, "upgrade", False))
        weekly = [w for w in windows.values() if w["weekly"]]
        self.assertEqual([w["weekly"] for w in weekly], ["Sat,Sun 22:00-02:00"])
        self.assertTrue([w for w in windows.values() if w["active"]])

        lines = self.ok("maintenance", "list").stdout.splitlines()
        self.assertRegex(lines[0], r"^ID\s+Scope\s+When\s+Active now\s+Next change\s+"
                         r"Comment$")
        self.assertTrue(any(re.search(r"all rules\s+weekly Sat,Sun 22:00-02:00\s+no", l)
                            for l in lines), lines)
        self.assertEqual(len(self.ok("maintenance", "list", "--csv").csv), 3)

        run = self.ok("maintenance", "delete", once_id)
        self.assertEqual(run.stdout, "Deleted maintenance window %d.\n" % once_id)
        run = self.refused("maintenance", "delete", once_id)
        self.assertIn("There is no maintenance window with that id", run.stderr)
        self.refused("maintenance", "add", "--rule", "999", "--weekly", "Sun 02:00-04:00")


class RuleAlertTests(AlertTestCase):

    def test_alert_settings_added_shown_and_edited_alone(self):
        self.mail_notifier("ops")
        self.program_notifier("writer", self.dir / "unused.txt")
        parent = self.add("fw.example.com", "--disabled", "--name", "Firewall")
        rule = self.add("mail.example.com", "--disabled", "--notify", "ops,writer",
                        "--notify-on", "critical,recovered", "--notify-after-s", "300",
                        "--depends-on", parent["id"])
        self.assertEqual((rule["notify"], rule["notify_on"], rule["notify_after_s"],
                          rule["renotify_s"], rule["depends_on"], rule["depends_on_name"]),
                         ("ops,writer", "critical,recovered", 300, 0, parent["id"],
                          "Firewall"))
        text = self.ok("rules", "show", rule["id"]).stdout
        self.assertRegex(text, r"\nNotifiers:\s+ops,writer\n")
        self.assertRegex(text, r"\nDepends on \(name\):\s+Firewall\n")

        # Only an alert option: the rule's fields and revision stay.
        run = self.ok("rules", "edit", rule["id"], "--renotify-s", "600")
        self.assertTrue(run.stdout.startswith(
            "Updated the notification settings of rule %d:\n" % rule["id"]), run)
        shown = self.ok("rules", "show", rule["id"], "--json").json
        self.assertEqual((shown["revision"], shown["renotify_s"], shown["notify"],
                          shown["notify_after_s"]), (rule["revision"], 600, "ops,writer", 300))

        run = self.refused("rules", "edit", rule["id"], "--notify", "nosuch")
        self.assertIn("nosuch", run.stderr)
        # A cycle: the service names it (its sentence says "depend").
        run = self.refused("rules", "edit", parent["id"], "--depends-on", rule["id"])
        self.assertIn("depend", run.stderr)
        self.assertEqual(self.ok("rules", "show", rule["id"], "--json").json["notify"],
                         "ops,writer")
        # The default set: "" takes the rule back to it.
        self.ok("rules", "edit", rule["id"], "--notify", "", "--depends-on", "")
        shown = self.ok("rules", "show", rule["id"], "--json").json
        self.assertEqual((shown["notify"], shown["depends_on"]), ("", None))
        self.assertRegex(self.ok("rules", "show", rule["id"]).stdout,
                         r"\nNotifiers:\s+\(the default notifiers\)\n")

    def test_acknowledge_a_bad_rule(self):
        ok_rule = self.aiosmtpd_rule()
        self.wait_state(ok_rule["id"], ("OK",))
        run = self.refused("rules", "ack", ok_rule["id"])
        self.assertIn("Only a rule in a bad state", run.stderr)

        bad = self.bad_rule()
        self.wait_state(bad["id"], ("CRITICAL", "WARNING", "UNKNOWN"))
        run = self.ok("rules", "ack", bad["id"], "--comment", "on it")
        self.assertEqual(run.stdout, "Acknowledged rule %d: no notifications for it "
                         "until its state changes.\n" % bad["id"])
        run = self.ok("rules", "unack", bad["id"])
        self.assertEqual(run.stdout, "Rule %d is no longer acknowledged: it notifies "
                         "again.\n" % bad["id"])


class NotificationTests(AlertTestCase):

    def test_a_bad_rule_fills_the_outbox_newest_first(self):
        out = self.dir / "notified.txt"
        self.mail_notifier("ops")
        self.program_notifier("writer", out)
        bad = self.bad_rule("--name", "Down", "--notify", "ops,writer")

        def sent():
            rows = self.ok("notifications", "--json").json
            return len([r for r in rows if r["status"] == "sent"]) >= 2
        wait_for(sent, 90, 1, "two notifications sent")
        rows = self.ok("notifications", "--json").json
        self.assertEqual({(r["rule_id"], r["rule_name"], r["kind"]) for r in rows[:2]},
                         {(bad["id"], "Down", "problem")})
        self.assertEqual({r["notifier"] for r in rows[:2]}, {"ops", "writer"})
        self.assertGreaterEqual(rows[0]["key"], rows[1]["key"])
        self.assertIn(str(bad["id"]), out.read_text(errors="replace"))
        self.assertTrue(any("[SMTP Watch]" in (m["Subject"] or "") for m in mails()))

        # A page of one, and the command that gets the next.
        run = self.ok("notifications", "--limit", "1")
        lines = run.stdout.splitlines()
        self.assertRegex(lines[0], r"^Key\s+Created\s+Rule\s+Notifier\s+Kind\s+State\s+"
                         r"Status\s+Attempts\s+Last error$")
        self.assertRegex(lines[1], r"Down \(%d\)" % bad["id"])
        m = re.match(r"^Older notifications: smtpwatch notifications --limit 1 "
                     r"--before (\d+)$", lines[-1])
        self.assertIsNotNone(m, run)
        older = self.ok("notifications", "--limit", "1", "--json", "--before",
                        m.group(1)).json
        self.assertEqual(len(older), 1)
        self.assertLess(older[0]["key"], int(m.group(1)))
        self.assertEqual(len(self.ok("notifications", "--csv").csv), len(rows))

    def test_a_rule_that_names_none_tells_the_default_notifiers(self):
        out = self.dir / "defaults.txt"
        self.mail_notifier("ops")
        self.program_notifier("writer", out)
        self.assertIn("No default notifiers", self.ok("notifiers", "defaults").stdout)
        run = self.ok("notifiers", "defaults", "--notify", "writer", "--json")
        self.assertEqual(run.json, {"default_notifiers": ["writer"]})
        self.assertEqual(self.ok("notifiers", "defaults", "--json").json,
                         {"default_notifiers": ["writer"]})
        bad = self.bad_rule("--name", "Names none")
        wait_for(lambda: out.exists() and str(bad["id"]) in out.read_text(errors="replace"),
                 90, 1, "the default notifier told")
        rows = self.ok("notifications", "--json").json
        self.assertEqual({r["notifier"] for r in rows if r["rule_id"] == bad["id"]},
                         {"writer"})
        # A default notifier is in use: not deleted while it is one.
        self.assertIn("default notifier",
                      self.refused("notifiers", "delete", "writer").stderr)
        self.ok("notifiers", "defaults", "--notify", "")
        self.ok("notifiers", "delete", "writer")

    def test_empty_outbox(self):
        self.assertEqual(self.ok("notifications").stdout,
                         "There are no notifications yet.\n")
        self.assertEqual(self.ok("notifications", "--json").json, [])


class OlderServiceTests(unittest.TestCase):
    """An SMTP Watch service of protocol version 1 (old_service.exe)."""

    def serve(self, clients):
        exe = Path(manage.PIPE_PROBE).resolve().parent / "old_service.exe"
        proc = subprocess.Popen(["wine", str(exe), "--timeout-ms", "60000", str(clients)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True,
                                env=manage.wine_env())
        self.addCleanup(stop_process, proc)
        first = json.loads(proc.stdout.readline())
        self.assertTrue(first["listening"], first)
        return proc

    def test_alert_requests_are_not_sent_to_an_older_service(self):
        commands = (("notifiers", "list"), ("maintenance", "list", "--json"),
                    ("notifications",), ("rules", "ack", "1"),
                    ("notifiers", "add", "x", "--program", "x.exe"),
                    ("rules", "add", "mail.example.com", "--notify", "ops"),
                    ("rules", "edit", "1", "--renotify-s", "60"))
        proc = self.serve(len(commands) + 1)
        for args in commands:
            run = smtpwatch(*args)
            self.assertEqual(run.rc, UNREACHABLE, run)
            self.assertEqual(run.stdout, "", run)
            self.assertIn("The SMTP Watch service is older than this tool: ", run.stderr)
            self.assertIn(" and it speaks version 1; update the service.", run.stderr)
        # A version 1 request is sent (this stand-in does not know it either).
        smtpwatch("status")
        out, _ = proc.communicate(timeout=60)
        sent = {}
        for line in out.splitlines():
            m = json.loads(line)
            sent.setdefault(m["client"], []).append(m["message"])
        hello, status = 1, 40
        expected = {i + 1: [hello] for i in range(len(commands))}
        expected[len(commands) + 1] = [hello, status]
        self.assertEqual(sent, expected)


class ErrorTests(unittest.TestCase):
    """Without a service, and with arguments that are wrong."""

    def test_service_not_running(self):
        for args in (("notifiers", "list"), ("maintenance", "list", "--json"),
                     ("notifications",), ("rules", "ack", "3")):
            run = smtpwatch(*args)
            self.assertEqual(run.rc, UNREACHABLE, run)
            self.assertIn("The SmtpWatch service is not running", run.stderr)

    def test_bad_arguments_are_refused_before_anything_is_sent(self):
        for args, words in (
                (("notifiers", "add", "x"), "Say what the notifier does"),
                (("notifiers", "add", "x", "--webhook", "http://h.example/x"), "https"),
                (("notifiers", "add", "x", "--email", "a@example.com"),
                 "--relay is missing"),
                (("maintenance", "add", "--all"), "Give the window's time"),
                (("maintenance", "add", "--all", "--from", "tomorrow", "--until",
                  "2030-01-01 00:00"), "is not a time"),
                (("maintenance", "delete", "x"), "is not a window id"),
                (("notifications", "--limit", "0"), "--limit"),
                (("rules", "ack", "3", "--json"), "prints one sentence"),
                (("rules", "edit", "3", "--notify-on", "down"), "--notify-on")):
            run = smtpwatch(*args)
            self.assertEqual(run.rc, USAGE, run)
            self.assertIn(words, run.stderr)
            self.assertEqual(run.stdout, "")
        run = smtpwatch("--help")
        self.assertIn("notifiers list|show|add|delete|test", run.stdout)
        run = smtpwatch("notifiers", "--help")
        self.assertEqual(run.rc, DONE)
        self.assertIn("--auth-password-file F", run.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    manage.EXE, manage.SVC_EXE, manage.PIPE_PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
