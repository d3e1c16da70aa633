#!/usr/bin/python3
"""Integration tests of the smtpwatch management commands (rules, status,
history, events, service info) against the real service, under Wine.

Usage: test_cli_manage.py SMTPWATCH_EXE SVC_EXE PIPE_PROBE_EXE [unittest arguments]

Each test starts smtpwatch-svc.exe --console with a fresh data directory in
a Wine prefix of this module's own (two services in one prefix would share
the pipe name \\\\.\\pipe\\SmtpWatch), and drives it only through
smtpwatch.exe, as a user or a script would: the tables for people, --json
and --csv for scripts, exit codes, and the sentences on stderr. The checks
the service runs go to aiosmtpd on loopback. The service's test-only
--interval-unit-ms makes a 10 s interval last 0.1 s, so that history fills
up in seconds. Every process has a timeout and every server and service is
stopped by its PID.

The console service is not the SmtpWatch service the SCM runs, so the
commands talk to it only with the development opt-in that harness.wine_env
sets (SMTPWATCH_TRUST_CONSOLE_SERVICE=1). ImpostorTests serve the pipe's
name with pipe_probe.exe squat instead and check that smtpwatch.exe sends it
nothing without the opt-in.

SW_CLI_MANAGE_PREFIX names the prefix (default: cli-manage-wineprefix next
to the build's service/ directory).
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import harness
from harness import refused_port, stop_process, wait_for

EXE = None
SVC_EXE = None
PIPE_PROBE = None
PREFIX = None
WORKDIR = None
AIOSMTPD = None

# Exit codes of the management commands (README, `smtpwatch --help`).
DONE, REFUSED, UNREACHABLE, USAGE = 0, 1, 2, 3


def wine_env(trust_console_service=True):
    return harness.wine_env(PREFIX, trust_console_service=trust_console_service)


class Run:
    """One finished smtpwatch command."""

    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        # The C library's text mode ends lines in CRLF; CSV has its own CRLF.
        self.raw = proc.stdout.decode("utf-8", "replace")
        self.stdout = self.raw.replace("\r\n", "\n")
        self.stderr = proc.stderr.decode("utf-8", "replace").replace("\r\n", "\n")

    @property
    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError("stdout is not JSON (%s):\n%s" % (e, self))

    @property
    def csv(self):
        return list(csv.DictReader(io.StringIO(self.raw, newline="")))

    def __str__(self):
        return "smtpwatch %s\nexit %s\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.args), self.rc, self.stdout, self.stderr)


def smtpwatch(*args, timeout=60, trust_console_service=True):
    args = [str(a) for a in args]
    for attempt in range(5):
        try:
            # Bytes: text mode would hide CRLF, and CSV's line ends are checked.
            proc = subprocess.run(["wine", str(EXE)] + args, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout,
                                  env=wine_env(trust_console_service))
        except subprocess.TimeoutExpired as e:
            raise AssertionError("smtpwatch %s did not exit within %ss" % (
                " ".join(args), e.timeout))
        if not harness.wine_never_ran(EXE, proc.returncode, proc.stdout, proc.stderr):
            break
        print("wine could not launch smtpwatch %s (attempt %d), trying again" % (
            " ".join(args), attempt + 1), file=sys.stderr)
        time.sleep(0.5 * 2 ** attempt)
    return Run(args, proc)


def on_console(*args, timeout=60):
    """What smtpwatch shows in a console: run on a pseudo-terminal, where
    Wine gives it a real console; the terminal's cursor moves are turned
    back into spaces and its other escapes dropped."""
    import pty, select, fcntl, termios, struct
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
    env = dict(wine_env(), LANG="C.UTF-8")
    proc = subprocess.Popen(["wine", str(EXE)] + [str(a) for a in args], stdin=slave,
                            stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    try:
        while select.select([master], [], [], timeout)[0]:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal's other end closed
                break
            if not data:
                break
            out += data
        proc.wait(timeout=timeout)
    finally:
        os.close(master)
        stop_process(proc)
    text = out.decode("utf-8", "replace")
    text = re.sub(r"\x1b\[(\d*)C", lambda m: " " * int(m.group(1) or 1), text)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


def console_service(data_dir):
    """The service on `data_dir`, up once `smtpwatch service info` answers."""
    return harness.ConsoleService(
        SVC_EXE, data_dir, wine_env(),
        lambda: smtpwatch("service", "info", "--json", timeout=30).rc == DONE, unit_ms=100)


def setUpModule():
    global PREFIX, WORKDIR, AIOSMTPD
    for exe in (EXE, SVC_EXE, PIPE_PROBE):
        if not exe or not os.path.isfile(exe):
            raise RuntimeError("usage: test_cli_manage.py SMTPWATCH_EXE SVC_EXE "
                               "PIPE_PROBE_EXE (%r missing)" % exe)
    PREFIX = Path(os.environ.get("SW_CLI_MANAGE_PREFIX") or
                  Path(SVC_EXE).resolve().parent.parent / "cli-manage-wineprefix")
    harness.start_prefix(PREFIX)
    WORKDIR = tempfile.mkdtemp(prefix="sw-cli-manage-")
    AIOSMTPD = harness.start_aiosmtpd()


def tearDownModule():
    stop_process(AIOSMTPD)
    if PREFIX:
        harness.stop_prefix(PREFIX)
    if WORKDIR:
        shutil.rmtree(WORKDIR, ignore_errors=True)


class ManageTestCase(unittest.TestCase):
    """A fresh service and data directory for each test."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="data-", dir=WORKDIR))
        self.service = console_service(self.dir)
        self.addCleanup(self.service.stop)

    def ok(self, *args, timeout=60):
        """Runs a command that must succeed."""
        run = smtpwatch(*args, timeout=timeout)
        self.assertEqual(run.rc, DONE, run)
        return run

    def refused(self, *args, code=REFUSED):
        run = smtpwatch(*args)
        self.assertEqual(run.rc, code, run)
        self.assertEqual(run.stdout, "", run)
        return run

    def add(self, *args):
        """`rules add` for a script; returns the new rule as JSON."""
        return self.ok("rules", "add", *args, "--json").json

    def rules(self):
        return {r["id"]: r for r in self.ok("rules", "list", "--json").json}

    # What a rule's record (rules add|edit|show) adds to its row in `rules
    # list`: its alert settings (docs/notifications.md).
    ALERT_KEYS = ("notify", "notify_on", "notify_after_s", "renotify_s", "depends_on",
                  "depends_on_name")

    def rule_fields(self, record):
        """A rule's record without its alert settings: its row in `rules list`."""
        for key in self.ALERT_KEYS:
            self.assertIn(key, record)
        return {k: v for k, v in record.items() if k not in self.ALERT_KEYS}

    def aiosmtpd_rule(self, *extra):
        return self.add("127.0.0.1", "--port", AIOSMTPD.port, "--interval-s", "10",
                        *extra)


class RuleTests(ManageTestCase):

    def test_add_list_show_in_every_format(self):
        run = self.ok("rules", "add", "mail.example.com", "--name", "Relais été",
                      "--port", "587", "--send", "NOOP", "--tls", "require-starttls",
                      "--interval-s", "300", "--disabled")
        m = re.match(r"Added rule (\d+):\n", run.stdout)
        self.assertIsNotNone(m, run)
        rule_id = int(m.group(1))
        self.assertIn("Name:                        Relais été\n", run.stdout)
        self.assertIn("Port:                        587\n", run.stdout)
        self.assertIn("Enabled:                     no\n", run.stdout)

        rules = self.rules()
        self.assertEqual(list(rules), [rule_id])
        r = rules[rule_id]
        self.assertEqual((r["name"], r["host"], r["port"], r["command"], r["tls_mode"],
                          r["interval_s"], r["enabled"], r["timeout_ms"]),
                         ("Relais été", "mail.example.com", 587, "NOOP",
                          "require-starttls", 300, False, 7000))
        self.assertGreaterEqual(r["revision"], 1)

        shown = self.ok("rules", "show", rule_id, "--json").json
        self.assertEqual(self.rule_fields(shown), r)
        self.assertEqual((shown["notify"], shown["notify_on"], shown["depends_on"]),
                         ("", "critical,warning,recovered,flapping", None))
        rows = self.ok("rules", "list", "--csv").csv
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["id"], rows[0]["name"], rows[0]["enabled"]),
                         (str(rule_id), "Relais été", "false"))

        text = self.ok("rules", "list").stdout.splitlines()
        self.assertRegex(text[0], r"^ID\s+Name\s+Server\s+TLS\s+Every\s+Enabled\s+Command$")
        self.assertRegex(text[1], r"^%d\s+Relais été\s+mail\.example\.com:587\s+"
                         r"require-starttls\s+300 s\s+no\s+NOOP$" % rule_id)

    def test_non_ascii_text_redirected_and_on_a_console(self):
        # Redirected: the UTF-8 bytes exactly (text mode's CRLF).
        run = self.ok("rules", "add", "127.0.0.1", "--name", "Relais Zürich", "--disabled")
        # (raw: stdout decoded as UTF-8 with CRLF kept; other bytes would
        # decode as U+FFFD.)
        self.assertIn("Name:                        Relais Zürich\r\n", run.raw)
        bad = smtpwatch("Zürich-Straße")
        self.assertIn("smtpwatch: 'Zürich-Straße' is not a command.", bad.stderr)
        # On a console (Wine's, on a pseudo-terminal): WriteConsoleW's text,
        # which Wine's console writes to the terminal in UTF-8. Before, the
        # C library sent stderr a byte at a time and "ü" showed as "Ã¼".
        self.assertIn("'Zürich-Straße' is not a command.", on_console("Zürich-Straße"))
        self.assertIn("Relais Zürich", on_console("rules", "list"))

    def test_invalid_rule_names_every_field_and_changes_nothing(self):
        before = self.rules()
        run = self.refused("rules", "add", "bad..host", "--timeout-ms", "5",
                           "--interval-s", "1")
        self.assertIn("the service refused the rule; nothing was changed", run.stderr)
        fields = re.findall(r"^(\w+): ", run.stderr, re.M)
        self.assertEqual(fields, ["host", "timeout_ms", "interval_s"], run)
        self.assertEqual(self.rules(), before)

        # An edit that makes a rule invalid leaves it as it was.
        r = self.aiosmtpd_rule()
        self.refused("rules", "edit", r["id"], "--helo", "localhost")
        self.assertEqual(self.ok("rules", "show", r["id"], "--json").json, r)

    def test_edit_changes_only_the_fields_given(self):
        r = self.add("mail.example.com", "--send", "NOOP", "--expect", "250",
                     "--interval-s", "30", "--name", "Relay")
        run = self.ok("rules", "edit", r["id"], "--port", "2526")
        self.assertRegex(run.stdout, r"^Updated rule %d \(now revision \d+\):\n" % r["id"])
        after = self.ok("rules", "show", r["id"], "--json").json
        self.assertEqual(after["port"], 2526)
        self.assertGreater(after["revision"], r["revision"])
        for key in ("name", "host", "command", "expect", "interval_s", "timeout_ms",
                    "tls_mode", "enabled"):
            self.assertEqual(after[key], r[key], key)
        # An empty value clears a text field.
        self.assertEqual(self.ok("rules", "edit", r["id"], "--send=", "--json")
                         .json["command"], "")

    def test_stale_revision_is_refused_and_explained(self):
        r = self.add("mail.example.com", "--name", "Relay")
        read = r["revision"]
        # Someone else saves the rule after our script read it.
        self.ok("rules", "edit", r["id"], "--name", "Relay (theirs)")
        run = self.refused("rules", "edit", r["id"], "--revision", read, "--port", "2525")
        self.assertIn("changed by someone else since revision %d" % read, run.stderr)
        self.assertIn("nothing was overwritten", run.stderr)
        self.assertIn("smtpwatch rules show %d" % r["id"], run.stderr)
        now = self.ok("rules", "show", r["id"], "--json").json
        self.assertEqual((now["name"], now["port"]), ("Relay (theirs)", 25))
        # With the revision it has now, the same change goes through.
        self.ok("rules", "edit", r["id"], "--revision", now["revision"], "--port", "2525")

    def test_enable_disable_delete(self):
        r = self.aiosmtpd_rule("--name", "Loop")
        run = self.ok("rules", "disable", r["id"])
        self.assertEqual(run.stdout, 'Rule %d "Loop" is disabled: the service keeps it '
                         "but does not check it.\n" % r["id"])
        self.assertFalse(self.rules()[r["id"]]["enabled"])
        status = {s["id"]: s for s in self.ok("status", "--json").json}
        self.assertEqual(status[r["id"]]["state"], "disabled")
        run = self.ok("rules", "enable", r["id"], "--json")
        self.assertTrue(run.json["enabled"])

        run = self.ok("rules", "delete", r["id"])
        self.assertEqual(run.stdout, 'Deleted rule %d "Loop" (127.0.0.1:%d).\n' % (
            r["id"], AIOSMTPD.port))
        self.assertEqual(self.rules(), {})
        for again in (("rules", "delete", r["id"]), ("rules", "show", r["id"]),
                      ("rules", "edit", r["id"], "--port", "25"),
                      ("rules", "enable", r["id"]), ("history", r["id"])):
            run = self.refused(*again)
            self.assertIn("smtpwatch %s %d: There is no rule with that id." % (
                " ".join(again[:2]) if again[0] == "rules" else again[0], r["id"]),
                run.stderr)

    def test_test_saved_and_unsaved_rules_like_check(self):
        r = self.aiosmtpd_rule("--disabled")
        run = self.ok("rules", "test", r["id"], "--verbose")
        first, rest = run.stdout.split("\n", 1)
        self.assertRegex(first, r"^SMTP OK - 127\.0\.0\.1:%d answered in \d+ ms \| time="
                         % AIOSMTPD.port)
        self.assertRegex(rest, r"(?m)^\[\s*[\d.]+ ms\] S: 220 ")
        self.assertRegex(rest, r"(?m)^\[\s*[\d.]+ ms\] C: QUIT")

        res = self.ok("rules", "test", r["id"], "--json").json
        self.assertEqual((res["status"], res["outcome"], res["port"]), ("OK", "ok",
                                                                        AIOSMTPD.port))
        self.assertTrue(res["transcript"])
        # Testing stores nothing: a disabled rule still has no history.
        self.assertEqual(self.ok("history", r["id"], "--json").json, [])

        # A rule that is not saved, and a server that refuses: the result is
        # the output, the command itself succeeded.
        closed = refused_port()
        run = self.ok("rules", "test", "--host", "127.0.0.1", "--port", closed,
                      "--timeout-ms", "2000")
        self.assertRegex(run.stdout, r"^SMTP CRITICAL - 127\.0\.0\.1:%d: " % closed)
        self.assertIn("refused", run.stdout)
        self.assertEqual(self.rules(), {r["id"]: self.rule_fields(r)})
        # Unsaved rules are validated like saved ones.
        run = self.refused("rules", "test", "--host", "127.0.0.1", "--timeout-ms", "5")
        self.assertRegex(run.stderr, r"(?m)^timeout_ms: ")


class ObserveTests(ManageTestCase):

    def test_status_history_and_paging(self):
        r = self.aiosmtpd_rule("--name", "Loop")
        wait_for(lambda: len(self.ok("history", r["id"], "--json", "--limit", "5").json)
                 >= 5, 30, 0.5, "five results")

        status = self.ok("status", "--json").json
        self.assertEqual(len(status), 1)
        s = status[0]
        self.assertEqual((s["id"], s["name"], s["host"], s["port"], s["state"],
                          s["outcome"]), (r["id"], "Loop", "127.0.0.1", AIOSMTPD.port,
                                          "OK", "ok"))
        self.assertRegex(s["last_check"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIsInstance(s["response_ms"], int)
        text = self.ok("status").stdout.splitlines()
        self.assertRegex(text[0], r"^ID\s+Name\s+Server\s+State\s+Since\s+Last check\s+"
                         r"Time\s+Message$")
        self.assertRegex(text[1], r"^%d\s+Loop\s+127\.0\.0\.1:%d\s+OK\s+\d{4}-\d\d-\d\d "
                         r"\d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ ms\s+\S"
                         % (r["id"], AIOSMTPD.port))

        # Pages of two, newest first, until the service says there is no more.
        run = self.ok("history", r["id"], "--limit", "2")
        lines = run.stdout.splitlines()
        self.assertRegex(lines[0], r"^Started\s+Status\s+Outcome\s+Time\s+Message$")
        self.assertEqual(len(lines), 4, run)
        m = re.match(r"^Older results: (smtpwatch history %d --limit 2 --before (\S+))$"
                     % r["id"], lines[3])
        self.assertIsNotNone(m, run)
        page1 = self.ok("history", r["id"], "--limit", "2", "--json")
        rows1 = page1.json
        self.assertEqual(len(rows1), 2)
        self.assertIn("Older results:", page1.stderr)
        self.assertGreaterEqual(rows1[0]["started_at_ms"], rows1[1]["started_at_ms"])
        page2 = self.ok("history", r["id"], "--limit", "2", "--json", "--before",
                        rows1[1]["cursor"]).json
        self.assertEqual(len(page2), 2)
        self.assertLessEqual(page2[0]["started_at_ms"], rows1[1]["started_at_ms"])
        self.assertFalse({x["id"] for x in page2} & {x["id"] for x in rows1})
        for row in rows1 + page2:
            self.assertEqual((row["rule_id"], row["status"], row["outcome"]),
                             (r["id"], "OK", "ok"))
        rows = self.ok("history", r["id"], "--csv", "--limit", "3").csv
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0]["cursor"], "%s:%s" % (rows[0]["started_at_ms"],
                                                       rows[0]["id"]))

    def test_events_and_service_info(self):
        self.aiosmtpd_rule()
        self.aiosmtpd_rule("--disabled")
        info = self.ok("service", "info", "--json").json
        self.assertEqual((info["rules"], info["rules_enabled"]), (2, 1))
        self.assertEqual(info["version"], self.ok("version").stdout.split()[1])
        self.assertIsInstance(info["uptime_s"], int)
        self.assertTrue(info["data_dir"].endswith(self.dir.name), info)
        text = self.ok("service", "info").stdout
        self.assertRegex(text, r"(?m)^Version:\s+%s$" % re.escape(info["version"]))
        self.assertRegex(text, r"(?m)^Rules:\s+2$")

    def test_service_info_shows_the_pipe_security_and_the_server_process(self):
        info = self.ok("service", "info", "--json").json
        # The descriptor the service applied, as another reader of the live
        # pipe (pipe_probe dacl, READ_CONTROL only) reads it back.
        probe = subprocess.run(["wine", str(PIPE_PROBE), "dacl"], capture_output=True, text=True,
                               env=wine_env(), timeout=60)
        applied = json.loads(probe.stdout)["sddl"]
        self.assertTrue(applied.startswith("D:P("), probe.stdout)
        m = re.fullmatch(r"O:([^:]+)G:([^:]+)(D:.*)", info["pipe_security"])
        self.assertIsNotNone(m, info)
        self.assertEqual(m.group(3), applied)
        # The process serving the pipe is the service's exe, trusted here
        # only through the opt-in (it runs with --console).
        self.assertEqual(info["server_image"].lower(),
                         harness.win_path(Path(SVC_EXE).resolve()).lower(), info)
        self.assertIsInstance(info["server_pid"], int)
        self.assertRegex(info["server_account"], r"^[^\\]+\\[^\\]+$")
        self.assertEqual(info["server_trust"], "console_opt_in")
        text = self.ok("service", "info").stdout
        self.assertRegex(text, r"(?m)^Pipe security:\s+%s$" % re.escape(
            info["pipe_security"]))
        self.assertRegex(text, r"(?m)^Server process:\s+%s, process %d, running as %s$" % (
            re.escape(info["server_image"]), info["server_pid"],
            re.escape(info["server_account"])))
        self.assertRegex(text, r"(?m)^Server verified as:\s+not verified: trusted because "
                               r"SMTPWATCH_TRUST_CONSOLE_SERVICE=1 \(development only\)$")

        events = self.ok("events", "--json").json
        self.assertTrue(events, "the service logs at least its start")
        keys = [e["key"] for e in events]
        self.assertEqual(keys, sorted(keys, reverse=True))
        one = self.ok("events", "--limit", "1")
        if len(events) > 1:
            m = re.search(r"(?m)^Older events: smtpwatch events --limit 1 --before "
                          r"(\d+)$", one.stdout)
            self.assertIsNotNone(m, one)
            older = self.ok("events", "--json", "--before", m.group(1)).json
            self.assertEqual([e["key"] for e in older], keys[1:len(older) + 1])


class ImpostorTests(unittest.TestCase):
    """Another program serves \\\\.\\pipe\\SmtpWatch (pipe_probe squat), as
    an impostor would after creating the name first or while the service
    is stopped. No service is installed in this prefix."""

    def squat(self, clients):
        proc = subprocess.Popen(["wine", str(PIPE_PROBE), "--timeout-ms", "60000", "squat",
                                 str(clients)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, env=wine_env(False))
        self.addCleanup(stop_process, proc)
        first = json.loads(proc.stdout.readline())
        self.assertTrue(first["listening"], first)
        return proc

    def received(self, proc):
        """What each client wrote to the impostor, once it has served them."""
        out, _ = proc.communicate(timeout=60)
        return json.loads(out)["bytes"]

    def test_an_impostor_receives_nothing_and_the_user_is_told(self):
        proc = self.squat(2)
        for args in (("status",), ("rules", "add", "mail.example.com", "--name", "x")):
            run = smtpwatch(*args, trust_console_service=False)
            self.assertEqual(run.rc, UNREACHABLE, run)
            self.assertEqual(run.stdout, "", run)
            # What was found, why it is not trusted, what to do.
            self.assertIn("Nothing was sent to \\\\.\\pipe\\SmtpWatch: the process "
                          "serving it, ", run.stderr)
            self.assertIn("pipe_probe.exe", run.stderr)
            self.assertIn("is not the SmtpWatch service: the SmtpWatch service is not "
                          "installed, and it does not run as NT SERVICE\\SmtpWatch.",
                          run.stderr)
            self.assertIn("sc start SmtpWatch", run.stderr)
            self.assertIn("SMTPWATCH_TRUST_CONSOLE_SERVICE=1", run.stderr)
        self.assertEqual(self.received(proc), [0, 0])

    def test_the_opt_in_trusts_any_server(self):
        # Development only: a console service is just a process, so the
        # opt-in cannot tell it from an impostor, which then gets the HELLO.
        proc = self.squat(1)
        run = smtpwatch("status", trust_console_service=True)
        self.assertEqual(run.rc, UNREACHABLE, run)
        self.assertNotIn("Nothing was sent", run.stderr)
        got = self.received(proc)
        self.assertEqual(len(got), 1)
        self.assertGreater(got[0], 0)


class GreetingServer:
    """A loopback SMTP server whose greeting and EHLO reply are UTF-8 text
    (RFC 6531 servers send such text); EHLO, then 221 to QUIT. One thread,
    one client at a time, stopped by the test."""

    GREETING = "220 relais.example Grüß Gott, Zürich"

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(10)
                try:
                    conn.sendall((self.GREETING + "\r\n").encode("utf-8"))
                    for line in conn.makefile("rb"):
                        word = line[:4].upper()
                        if word in (b"EHLO", b"HELO"):
                            conn.sendall("250 relais.example grüßt dich\r\n".encode("utf-8"))
                        elif word == b"QUIT":
                            conn.sendall(b"221 bye\r\n")
                            break
                        else:
                            conn.sendall(b"250 ok\r\n")
                except OSError:
                    pass

    def stop(self):
        self.done.set()
        self.thread.join(5)
        self.sock.close()


class GreetingTextTests(unittest.TestCase):
    """A server's non-ASCII text as smtpwatch shows it, redirected and on a
    console."""

    def test_non_ascii_greeting_redirected_and_on_a_console(self):
        server = GreetingServer()
        self.addCleanup(server.stop)
        args = ("check", "127.0.0.1", "--port", server.port, "--verbose")
        run = smtpwatch(*args)
        self.assertEqual(run.rc, 0, run)
        # Redirected: the server's UTF-8 octets as they came, CRLF line ends.
        self.assertIn("S: " + GreetingServer.GREETING + "\r\n", run.raw)
        self.assertIn("S: 250 relais.example grüßt dich\r\n", run.raw)
        # On a console (Wine's, on a pseudo-terminal): every character as
        # sent. Before, the C library wrote UTF-8 to the console a byte at a
        # time and "ü" showed as "Ã¼".
        shown = on_console(*args)
        self.assertIn("S: " + GreetingServer.GREETING, shown)
        self.assertNotIn("Ã", shown)


class ErrorTests(unittest.TestCase):
    """Without a service, and with arguments that are wrong."""

    def test_service_not_running(self):
        for args in (("status",), ("rules", "list", "--json"), ("service", "info"),
                     ("rules", "add", "mail.example.com")):
            run = smtpwatch(*args)
            self.assertEqual(run.rc, UNREACHABLE, run)
            self.assertEqual(run.stdout, "", run)
            self.assertIn("The SmtpWatch service is not running", run.stderr)
            self.assertIn("sc start SmtpWatch", run.stderr)

    def test_bad_arguments_are_refused_before_anything_is_sent(self):
        for args, words in ((("rules", "frob"), "'rules frob' is not a command."),
                            (("rules", "show", "x"), "'x' is not a rule id"),
                            (("rules", "edit", "3"), "Nothing to change"),
                            (("history", "3", "--before", "yesterday"), "is not a cursor"),
                            (("status", "--json", "--csv"), "cannot be used together"),
                            (("rules", "add", "h.example", "--port", "70000"),
                             "--port: '70000' is not a port number")):
            run = smtpwatch(*args)
            self.assertEqual(run.rc, USAGE, run)
            self.assertIn(words, run.stderr)
            self.assertIn("Usage: smtpwatch", run.stderr)
            self.assertEqual(run.stdout, "")
        run = smtpwatch("--help")
        self.assertEqual(run.rc, DONE)
        self.assertIn("Exit codes of the other commands", run.stdout)
        self.assertIn("not the SmtpWatch service: nothing was sent", run.stdout)
        self.assertIn("SMTPWATCH_TRUST_CONSOLE_SERVICE=1", run.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    EXE, SVC_EXE, PIPE_PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
