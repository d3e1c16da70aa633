#!/usr/bin/python3
"""Integration tests of `smtpwatch check` (the Windows exe, under Wine).

Usage: test_check_cli.py [SMTPWATCH_EXE] [unittest arguments, e.g. -v or a
class name]; without an argument the exe comes from $SW_SMTPWATCH_EXE.

The exe is run through scripts/wine-run.sh against servers on loopback:
  - tests/fixtures/fault_smtp_server.py (started once for the module): every
    misbehaviour the checker must survive. Its event log shows what the
    checker sent, so the tests also assert manners a server would notice:
    nothing before the final 220 line, CRLF line ends, QUIT at the end.
  - aiosmtpd and a private Postfix (tests/fixtures/postfix_instance.sh): real
    servers.
Every subprocess has a timeout and every server is stopped by its PID.
"""

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

import check_runner
import postfix_fixture
from check_runner import free_port, stop_process, wait_for_port
from harness import boot_shared_prefix

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
WINE_RUN = ROOT / "scripts" / "wine-run.sh"
PY = "/usr/bin/python3"  # Debian's: it has aiosmtpd

EXIT = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}

EXE = None
FAULT = None
WORKDIR = None


def run_check(*args, budget_ms=7000):
    """`smtpwatch check ARGS` with this run's exe (check_runner.run_check)."""
    return check_runner.run_check(EXE, *args, budget_ms=budget_ms)


class Session:
    """What one client connection did, from the fault server's log."""

    def __init__(self, events):
        self.events = events
        self.lines = [e["bytes"] for e in events if e["event"] == "line"]
        self.commands = [line.rstrip("\r\n") for line in self.lines]
        self.early = [e["bytes"] for e in events if e["event"] == "early_talk"]
        self.pipelined = [e["bytes"] for e in events if e["event"] == "pipelined"]
        self.received = "".join(e["bytes"] for e in events if e["event"] == "recv")

    def __repr__(self):
        return "Session(commands=%r, early=%r)" % (self.commands, self.early)


class FaultServer:
    """tests/fixtures/fault_smtp_server.py in its own process."""

    def __init__(self, workdir):
        self.ports_file = os.path.join(workdir, "fault-ports.json")
        self.log_file = os.path.join(workdir, "fault-events.jsonl")
        self.stderr = open(os.path.join(workdir, "fault-stderr.log"), "w")
        self.proc = subprocess.Popen(
            [PY, str(FIXTURES / "fault_smtp_server.py"), "--ports-file", self.ports_file,
             "--log", self.log_file, "--lifetime", "1800", "--slow-greeting-s", "5"],
            stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr)
        deadline = time.monotonic() + 15
        while not os.path.exists(self.ports_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("fault_smtp_server.py did not start; see %s"
                                   % self.stderr.name)
            time.sleep(0.05)
        with open(self.ports_file, encoding="utf-8") as f:
            self.ports = json.load(f)

    def port(self, scenario):
        return self.ports[scenario]

    def mark(self):
        """A position in the log: events after it belong to what runs next."""
        return os.path.getsize(self.log_file)

    def events_since(self, mark):
        with open(self.log_file, "rb") as f:
            f.seek(mark)
            data = f.read().decode("utf-8")
        # A line still being written has no newline yet: leave it for later.
        return [json.loads(line) for line in data.split("\n")[:-1] if line]

    def sessions_since(self, mark, scenario, settle_s=5.0):
        """The connections to `scenario` accepted after `mark`, each once the
        server has logged its close (the exe may exit a moment before the
        server notices), waiting at most settle_s."""
        deadline = time.monotonic() + settle_s
        while True:
            events = [e for e in self.events_since(mark) if e["scenario"] == scenario]
            conns = sorted({e["conn"] for e in events if e["event"] == "accept"})
            closed = {e["conn"] for e in events if e["event"] == "close"}
            if all(c in closed for c in conns) or time.monotonic() > deadline:
                return [Session([e for e in events if e["conn"] == c]) for c in conns]
            time.sleep(0.05)

    def stop(self):
        stop_process(self.proc)
        self.stderr.close()


def setUpModule():
    global EXE, FAULT, WORKDIR
    if not EXE or not os.path.isfile(EXE):
        raise RuntimeError("smtpwatch.exe not found (%r): pass its path as the first "
                           "argument or set SW_SMTPWATCH_EXE" % EXE)
    WORKDIR = tempfile.mkdtemp(prefix="sw-check-cli-")
    os.chmod(WORKDIR, 0o755)  # the Postfix daemons must be able to enter it
    boot_shared_prefix()
    FAULT = FaultServer(WORKDIR)


def tearDownModule():
    if FAULT is not None:
        FAULT.stop()
    if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
        shutil.rmtree(WORKDIR, ignore_errors=True)


# Helpers shared by the test classes.
class CheckTestCase(unittest.TestCase):
    maxDiff = None

    def assertCheck(self, run, status, outcome, step=None, reply_code=None):
        """Exit code, JSON status/outcome/step/reply code, all at once, with
        the whole run in the failure message."""
        j = run.json
        got = (run.rc, j.get("status"), j.get("exit_code"), j.get("outcome"))
        want = (EXIT[status], status, EXIT[status], outcome)
        self.assertEqual(got, want, "\n%s" % run)
        if step is not None:
            self.assertEqual(j.get("step"), step, "\n%s" % run)
        if reply_code is not None:
            self.assertEqual(j.get("reply_code"), reply_code, "\n%s" % run)
        self.assertTrue(j.get("message"), "a check must say what happened\n%s" % run)
        return j

    def assertCaps(self, j, *caps):
        got = {c.upper() for c in j.get("capabilities") or []}
        self.assertTrue(set(caps) <= got, "capabilities %r lack some of %r" % (got, caps))

    def assertTimings(self, j, run):
        t = j["timings_us"]
        reached = {k: v for k, v in t.items() if v is not None}
        for k, v in reached.items():
            self.assertGreaterEqual(v, 0, "timing %s" % k)
        self.assertLessEqual(t["total"], run.elapsed * 1e6, "total beyond wall time")
        steps = sum(v for k, v in reached.items() if k != "total")
        # Steps are parts of the total (allow rounding of each).
        self.assertLessEqual(steps, t["total"] + 1000 * len(reached), "%r" % t)

    def assertTranscript(self, j, *fragments):
        lines = j.get("transcript") or []
        for line in lines:
            # "C: " client, "S: " server, "-- " an event (resolved, closed...)
            self.assertRegex(line, r"^\[\s*\d+\.\d{3} ms\] (C: |S: |-- )")
        text = "\n".join(lines)
        for frag in fragments:
            self.assertIn(frag, text)

    def assertPolite(self, session, run):
        """What any SMTP server would notice about the client."""
        self.assertEqual(session.early, [],
                         "client spoke before the final 220 line\n%s" % run)
        for line in session.lines:
            self.assertTrue(line.endswith("\r\n"), "line %r does not end in CRLF" % line)
        self.assertEqual(session.pipelined, [],
                         "client sent a command before the previous reply\n%s" % run)

    def assertPerfdata(self, line):
        """Monitoring Plugins guidelines: 'text | label=value[UOM];warn;crit;min;max'."""
        self.assertEqual(line.count("\n"), 0, "status must be one line: %r" % line)
        text, sep, perf = line.partition(" | ")
        self.assertTrue(sep, "no performance data in %r" % line)
        self.assertNotIn("|", perf)
        values = {}
        for token in perf.split():
            m = re.fullmatch(r"([A-Za-z_]+)=(\d+(?:\.\d+)?)s((?:;[0-9.]*){0,4})", token)
            self.assertIsNotNone(m, "bad perfdata token %r in %r" % (token, line))
            values[m.group(1)] = (float(m.group(2)), m.group(3).split(";")[1:])
        return text, values


def one_session(test, mark, scenario, run):
    sessions = FAULT.sessions_since(mark, scenario)
    test.assertEqual(len(sessions), 1, "expected one connection to %s, got %r\n%s"
                     % (scenario, sessions, run))
    return sessions[0]


class FaultScenarioTests(CheckTestCase):
    """The checker against each misbehaviour of the fault server."""

    def check(self, scenario, *args, budget_ms=7000):
        port = FAULT.port(scenario)
        mark = FAULT.mark()
        run = run_check("127.0.0.1", "--port", str(port), "--json", *args, budget_ms=budget_ms)
        return run, mark, port

    def test_normal_server_is_ok_with_capabilities_and_manners(self):
        run, mark, port = self.check("normal")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertEqual(j["host"], "127.0.0.1")
        self.assertEqual(j["port"], port)
        self.assertEqual(j["peer"], "127.0.0.1:%d" % port)
        self.assertFalse(j["used_helo"])
        self.assertCaps(j, "PIPELINING", "SIZE", "8BITMIME", "STARTTLS")
        self.assertIn("SIZE 10240000", j["ehlo_keywords"])
        self.assertTimings(j, run)
        for step in ("connect", "greeting", "ehlo", "quit"):
            self.assertIsNotNone(j["timings_us"][step], "step %s has no timing" % step)
        self.assertTranscript(j, "S: 220 normal.smtpwatch.test", "C: EHLO ", "S: 250 STARTTLS",
                              "C: QUIT", "S: 221")
        s = one_session(self, mark, "normal", run)
        self.assertPolite(s, run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "QUIT"])
        # SMTP.md 4: an FQDN or an address literal, and never "localhost".
        name = s.commands[0].split(" ", 1)[1]
        self.assertRegex(name, r"^(\[[0-9A-Fa-f:.IPv]+\]|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$",
                         "default EHLO name %r is neither an FQDN nor a literal" % name)
        self.assertNotEqual(name.lower(), "localhost")

    def test_helo_option_names_the_client(self):
        run, mark, _ = self.check("normal", "--helo", "probe.example.net")
        self.assertCheck(run, "OK", "ok")
        s = one_session(self, mark, "normal", run)
        self.assertEqual(s.commands[0], "EHLO probe.example.net")

    def test_status_line_and_perfdata(self):
        port = FAULT.port("normal")
        run = run_check("127.0.0.1", "--port", str(port))
        self.assertEqual(run.rc, 0, run)
        line = run.stdout.rstrip("\n")
        self.assertRegex(line, r"^SMTP OK - 127\.0\.0\.1:%d answered in \d+ ms \| " % port)
        _, perf = self.assertPerfdata(line)
        for label in ("time", "connect", "greeting", "ehlo", "quit"):
            self.assertIn(label, perf, line)
        self.assertEqual(perf["time"][1][2:3], ["0"], "time's minimum is 0: %s" % line)
        self.assertLess(perf["time"][0], run.elapsed)

    def test_multiline_greeting_waits_for_final_line(self):
        run, mark, _ = self.check("multiline_greeting")
        j = self.assertCheck(run, "OK", "ok")
        s = one_session(self, mark, "multiline_greeting", run)
        self.assertPolite(s, run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "QUIT"])
        # The greeting lasts two 0.3 s pauses; its timing must cover them.
        self.assertGreaterEqual(j["timings_us"]["greeting"], 500000, j["timings_us"])

    def test_thresholds_turn_slow_answer_into_warning_or_critical(self):
        # multiline_greeting takes ~0.6 s.
        run, _, _ = self.check("multiline_greeting", "--warn-ms", "200", "--crit-ms", "60000")
        self.assertCheck(run, "WARNING", "ok")
        port = FAULT.port("multiline_greeting")
        run = run_check("127.0.0.1", "--port", str(port), "--warn-ms", "200", "--crit-ms",
                        "400")
        self.assertEqual(run.rc, 2, run)
        line = run.stdout.rstrip("\n")
        self.assertTrue(line.startswith("SMTP CRITICAL - "), line)
        self.assertIn("400", line.partition(" | ")[0], "the line names the threshold")
        _, perf = self.assertPerfdata(line)
        warn, crit = perf["time"][1][0:2]
        self.assertEqual((float(warn), float(crit)), (0.2, 0.4), line)

    def test_slow_greeting_times_out_in_greeting_within_budget(self):
        run, mark, _ = self.check("slow_greeting", "--timeout-ms", "1000", budget_ms=1000)
        j = self.assertCheck(run, "CRITICAL", "timeout", step="greeting")
        self.assertGreaterEqual(j["timings_us"]["total"], 900000)
        self.assertLess(j["timings_us"]["total"], 2000000, "budget overrun")
        self.assertLess(run.elapsed, 1.0 + 10, "exe did not stop at its budget")
        s = one_session(self, mark, "slow_greeting", run)
        self.assertEqual(s.received, "", "nothing may be sent before the greeting")

    def test_silent_server_times_out_in_greeting(self):
        run, mark, _ = self.check("silent", "--timeout-ms", "1000", budget_ms=1000)
        self.assertCheck(run, "CRITICAL", "timeout", step="greeting")
        s = one_session(self, mark, "silent", run)
        self.assertEqual(s.received, "")

    def test_421_at_connect_is_warning_and_nothing_is_sent(self):
        run, mark, _ = self.check("reject_421")
        j = self.assertCheck(run, "WARNING", "temporary_rejection", step="greeting",
                             reply_code=421)
        self.assertEqual(j["enhanced_code"], "4.3.2")
        self.assertIn("Service shutting down", j["reply"])
        s = one_session(self, mark, "reject_421", run)
        self.assertEqual(s.received, "", "no QUIT (or anything) after a 421")

    def test_554_at_connect_is_critical_and_quit_is_sent(self):
        run, mark, _ = self.check("reject_554")
        j = self.assertCheck(run, "CRITICAL", "permanent_rejection", step="greeting",
                             reply_code=554)
        self.assertEqual(j["enhanced_code"], "5.7.1")
        self.assertIn("Access denied", j["reply"])
        s = one_session(self, mark, "reject_554", run)
        self.assertPolite(s, run)
        self.assertEqual(s.commands, ["QUIT"], "after 554: QUIT and nothing else")

    def test_554_status_line(self):
        run = run_check("127.0.0.1", "--port", str(FAULT.port("reject_554")))
        self.assertEqual(run.rc, 2, run)
        line = run.stdout.rstrip("\n")
        self.assertTrue(line.startswith("SMTP CRITICAL - "), line)
        text, perf = self.assertPerfdata(line)
        self.assertIn("554", text)
        self.assertIn("Access denied", text)
        self.assertIn("greeting", perf)

    def test_ehlo_rejected_falls_back_to_helo(self):
        run, mark, _ = self.check("ehlo_rejected", "--helo", "probe.example.net")
        j = self.assertCheck(run, "OK", "ok")
        self.assertTrue(j["used_helo"], run)
        s = one_session(self, mark, "ehlo_rejected", run)
        self.assertPolite(s, run)
        self.assertEqual(s.commands,
                         ["EHLO probe.example.net", "HELO probe.example.net", "QUIT"])

    def test_421_to_ehlo_is_warning_in_ehlo_without_quit(self):
        run, mark, _ = self.check("ehlo_421")
        j = self.assertCheck(run, "WARNING", "temporary_rejection", step="ehlo",
                             reply_code=421)
        self.assertEqual(j["enhanced_code"], "4.7.0")
        s = one_session(self, mark, "ehlo_421", run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO"])

    def test_http_server_is_not_smtp(self):
        run, _, _ = self.check("http")
        j = self.assertCheck(run, "CRITICAL", "not_smtp", step="greeting")
        self.assertIsNone(j["reply_code"], "an HTTP status is no SMTP reply code")

    def test_close_on_accept_is_connection_closed(self):
        run, _, _ = self.check("close_on_accept")
        self.assertCheck(run, "CRITICAL", "connection_closed", step="greeting")

    def test_reset_mid_reply_is_connection_closed(self):
        run, mark, _ = self.check("reset_mid_reply")
        self.assertCheck(run, "CRITICAL", "connection_closed", step="greeting")
        s = one_session(self, mark, "reset_mid_reply", run)
        self.assertEqual(s.early, [], "spoke after a 220- continuation line")

    def test_one_byte_segments_are_reassembled(self):
        run, mark, _ = self.check("one_byte_segments", "--helo", "probe.example.net")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertCaps(j, "PIPELINING", "SIZE", "8BITMIME", "STARTTLS")
        s = one_session(self, mark, "one_byte_segments", run)
        self.assertPolite(s, run)
        self.assertEqual(s.commands, ["EHLO probe.example.net", "QUIT"])

    def test_overlong_greeting_line_is_protocol_error(self):
        run, _, _ = self.check("overlong_line")
        self.assertCheck(run, "CRITICAL", "protocol_error", step="greeting")

    def test_bare_lf_replies_are_accepted_and_keywords_case_insensitive(self):
        run, mark, _ = self.check("bare_lf")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertCaps(j, "PIPELINING", "SIZE", "8BITMIME")
        s = one_session(self, mark, "bare_lf", run)
        self.assertPolite(s, run)  # we still send CRLF
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "QUIT"])

    def test_no_221_after_quit_is_still_ok(self):
        run, mark, _ = self.check("no_221")
        self.assertCheck(run, "OK", "ok")
        s = one_session(self, mark, "no_221", run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "QUIT"])

    def test_quit_unanswered_times_out_in_quit_within_one_budget(self):
        run, mark, _ = self.check("quit_silent", "--timeout-ms", "1500", budget_ms=1500)
        j = self.assertCheck(run, "CRITICAL", "timeout", step="quit")
        # One budget for the whole check, not 1.5 s for the QUIT alone.
        self.assertLess(j["timings_us"]["total"], 2000000, j["timings_us"])
        self.assertGreaterEqual(j["timings_us"]["total"], 1400000, j["timings_us"])
        s = one_session(self, mark, "quit_silent", run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "QUIT"])

    def test_451_to_command_is_warning_in_command_then_quit(self):
        run, mark, _ = self.check("temp_fail_command", "--send", "NOOP")
        j = self.assertCheck(run, "WARNING", "temporary_rejection", step="command",
                             reply_code=451)
        self.assertEqual(j["enhanced_code"], "4.3.0")
        s = one_session(self, mark, "temp_fail_command", run)
        self.assertPolite(s, run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "NOOP", "QUIT"])

    # --send / --expect against command_reply
    def test_command_reply_matches_expect(self):
        run, mark, _ = self.check("command_reply", "--send", "NOOP", "--expect",
                                  "watch-token-noop")
        j = self.assertCheck(run, "OK", "ok", reply_code=250)
        self.assertIn("watch-token-noop", j["reply"])
        self.assertTranscript(j, "C: NOOP", "S: 250 2.0.0 Ok: watch-token-noop")
        s = one_session(self, mark, "command_reply", run)
        self.assertPolite(s, run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "NOOP", "QUIT"])

    def test_command_reply_mismatch_is_critical_and_still_quits(self):
        run, mark, _ = self.check("command_reply", "--send", "NOOP", "--expect",
                                  "something-else")
        self.assertCheck(run, "CRITICAL", "response_mismatch", step="command", reply_code=250)
        s = one_session(self, mark, "command_reply", run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "NOOP", "QUIT"])

    def test_expect_is_case_sensitive(self):
        run, _, _ = self.check("command_reply", "--send", "NOOP", "--expect",
                               "WATCH-TOKEN-NOOP")
        self.assertCheck(run, "CRITICAL", "response_mismatch", step="command")

    def test_expect_matches_any_line_of_multiline_reply(self):
        run, _, _ = self.check("command_reply", "--send", "HELP", "--expect",
                               "Commands supported")
        self.assertCheck(run, "OK", "ok", reply_code=214)

    def test_command_without_expect_accepts_2xx(self):
        run, mark, _ = self.check("command_reply", "--send", "VRFY postmaster")
        self.assertCheck(run, "OK", "ok", reply_code=252)
        s = one_session(self, mark, "command_reply", run)
        self.assertIn("VRFY postmaster", s.commands)

    def test_command_550_is_permanent_rejection_then_quit(self):
        run, mark, _ = self.check("command_reply", "--send", "EXPN staff")
        j = self.assertCheck(run, "CRITICAL", "permanent_rejection", step="command",
                             reply_code=550)
        self.assertEqual(j["enhanced_code"], "5.7.1")
        s = one_session(self, mark, "command_reply", run)
        self.assertEqual([c.split()[0] for c in s.commands], ["EHLO", "EXPN", "QUIT"])

    def test_expect_without_send_checks_greeting(self):
        run, _, _ = self.check("normal", "--expect", "ESMTP fault fixture")
        self.assertCheck(run, "OK", "ok")
        run, mark, _ = self.check("normal", "--expect", "Postfix")
        self.assertCheck(run, "CRITICAL", "response_mismatch", step="greeting",
                         reply_code=220)
        s = one_session(self, mark, "normal", run)
        self.assertEqual(s.commands[-1:], ["QUIT"], "a mismatch still ends with QUIT")

    def test_ipv6_loopback(self):
        if "normal_ipv6" not in FAULT.ports:
            self.skipTest("no IPv6 on this machine: %s" % FAULT.ports.get("ipv6_unavailable"))
        port = FAULT.port("normal_ipv6")
        mark = FAULT.mark()
        run = run_check("::1", "--port", str(port), "--json")
        j = self.assertCheck(run, "OK", "ok")
        self.assertIn("::1", j["peer"])
        self.assertTrue(j["peer"].endswith(":%d" % port), j["peer"])
        s = one_session(self, mark, "normal_ipv6", run)
        self.assertPolite(s, run)


class ErrorTests(CheckTestCase):
    """Failures before any SMTP, and the command line itself."""

    def test_connection_refused(self):
        port = free_port()
        run = run_check("127.0.0.1", "--port", str(port), "--json")
        j = self.assertCheck(run, "CRITICAL", "connection_refused", step="connect")
        self.assertIsNone(j["reply_code"])

    def test_resolve_failure(self):
        run = run_check("no-such-host.smtpwatch.invalid", "--json")
        self.assertCheck(run, "CRITICAL", "resolve_failed", step="resolve")

    def test_bad_arguments_exit_3_with_usage(self):
        port = str(FAULT.port("normal"))
        # (arguments, what the error must name so the user can fix it)
        cases = [
            ([], "HOST"),
            (["127.0.0.1", "--port"], "--port"),
            (["127.0.0.1", "--port", "smtp"], "smtp"),
            (["127.0.0.1", "--port", "70000"], "70000"),
            (["127.0.0.1", "--timeout-ms", "soon"], "soon"),
            (["127.0.0.1", "--no-such-option"], "--no-such-option"),
            # SMTP.md 12: one command, no smuggled second line.
            (["127.0.0.1", "--port", port, "--send", "NOOP\r\nMAIL FROM:<>"], "--send"),
            (["127.0.0.1", "--port", port, "--send", "NOOP\nRSET"], "--send"),
        ]
        for args, named in cases:
            with self.subTest(args=args):
                mark = FAULT.mark()
                run = run_check(*args)
                self.assertEqual(run.rc, 3, run)
                self.assertRegex(run.stderr, r"(?i)usage", run)
                first = run.stderr.strip().split("\n")[0]
                self.assertIn(named, first, "the first line says what is wrong\n%s" % run)
                time.sleep(0.2)
                self.assertEqual(FAULT.sessions_since(mark, "normal", settle_s=0), [],
                                 "bad arguments must not connect\n%s" % run)


class AiosmtpdTests(CheckTestCase):
    """aiosmtpd, a real (if small) SMTP server."""

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.log = open(os.path.join(WORKDIR, "aiosmtpd.log"), "w")
        cls.proc = subprocess.Popen([PY, "-m", "aiosmtpd", "-n", "-u", "-s", "10000000", "-l",
                                     "127.0.0.1:%d" % cls.port],
                                    stdin=subprocess.DEVNULL, stdout=cls.log, stderr=cls.log)
        try:
            wait_for_port("127.0.0.1", cls.port, 15, cls.proc)
        except RuntimeError:
            stop_process(cls.proc)
            cls.log.close()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_process(cls.proc)
        cls.log.close()

    def test_plain_check(self):
        run = run_check("127.0.0.1", "--port", str(self.port), "--json")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertCaps(j, "SIZE", "8BITMIME", "SMTPUTF8")
        self.assertIn("SIZE 10000000", j["ehlo_keywords"])
        self.assertFalse(j["used_helo"])
        self.assertTranscript(j, "C: EHLO ", "C: QUIT", "S: 221")

    def test_vrfy_with_expect(self):
        run = run_check("127.0.0.1", "--port", str(self.port), "--json", "--send",
                        "VRFY postmaster", "--expect", "Cannot VRFY")
        self.assertCheck(run, "OK", "ok", step="quit", reply_code=252)

    def test_unknown_command_is_permanent_rejection(self):
        run = run_check("127.0.0.1", "--port", str(self.port), "--json", "--send",
                        "XNOSUCHCOMMAND")
        self.assertCheck(run, "CRITICAL", "permanent_rejection", step="command",
                         reply_code=500)


class PostfixTests(CheckTestCase):
    """A private Postfix instance (tests/fixtures/postfix_instance.sh)."""

    @classmethod
    def setUpClass(cls):
        postfix_fixture.require_mail_servers()
        cls.postfix = postfix_fixture.PrivatePostfix(os.path.join(WORKDIR, "postfix"))
        cls.postfix.start()
        cls.port = cls.postfix.port

    @classmethod
    def tearDownClass(cls):
        cls.postfix.stop()

    def test_check_is_ok_and_ends_with_quit(self):
        offset = self.postfix.log_offset()
        run = run_check("127.0.0.1", "--port", str(self.port), "--json", "--helo",
                        "probe.example.net")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertCaps(j, "PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES",
                        "SMTPUTF8", "CHUNKING", "DSN")
        self.assertTranscript(j, "S: 220 postfix.smtpwatch.test ESMTP", "C: QUIT")
        # Postfix's own account of the session: EHLO and QUIT, nothing lost
        # (monitoring-plugins#1130: "lost connection after EHLO").
        sessions = [s for s in self.postfix.sessions_after(offset) if " ehlo=" in s[-1]]
        self.assertEqual(len(sessions), 1, "Postfix logged %r" % sessions)
        self.assertIn("ehlo=1 quit=1 commands=2", sessions[0][-1])
        self.assertFalse([t for t in sessions[0] if t.startswith("lost connection")],
                         sessions[0])

    def test_noop_with_expect(self):
        run = run_check("127.0.0.1", "--port", str(self.port), "--json", "--send", "NOOP",
                        "--expect", "2.0.0 Ok")
        j = self.assertCheck(run, "OK", "ok", step="quit", reply_code=250)
        self.assertEqual(j["enhanced_code"], "2.0.0")


def main():
    global EXE
    EXE, argv = check_runner.smtpwatch_exe_and_args(sys.argv[1:])
    unittest.main(module=__name__, argv=[sys.argv[0], "-v"] + argv)


if __name__ == "__main__":
    main()
