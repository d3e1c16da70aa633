#!/usr/bin/python3
"""The service's Prometheus metrics under Wine (docs/metrics.md).

Usage: test_metrics.py SVC_EXE STORE_TOOL_EXE [unittest arguments]

- --metrics-textfile DIR writes DIR\\smtpwatch.prom, replaced whole every
  --metrics-interval-s (atomically: no temporary file is left behind),
  with a rule checking aiosmtpd up and a rule against a closed port down,
  and promtool (Debian's prometheus package) finds nothing wrong with it;
- the installed service's way: the same options from its key in the
  registry (HKLM\SOFTWARE\SmtpWatch), the command line winning over it, also for the service
  started by Wine's SCM (sc create/start/stop/delete);
- a folder that cannot be written is event 4010 and the service goes on;
  once it can be, event 4011;
- GET /metrics through http.sys answers the same text, other methods 405
  and other paths 404; a URL another program holds is event 4012 and the
  service goes on;
- bad options are refused with a sentence.

SW_METRICS_TEST_PREFIX names the prefix (default metrics-test-wineprefix
beside the build's service/). Every process started here is stopped by
its PID; every wait is bounded.
"""

import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import harness
from harness import refused_port, wait_for, win_path
from metrics_fixture import Prefix, Service, samples, value

SVC_EXE = TOOL_EXE = None
PREFIX = None
PARAMS_KEY = r"HKLM\SOFTWARE\SmtpWatch"


def setUpModule():
    global PREFIX
    PREFIX = Prefix(SVC_EXE, TOOL_EXE, "SW_METRICS_TEST_PREFIX", "metrics-test-wineprefix")


def tearDownModule():
    if PREFIX:
        PREFIX.close()


class MetricsTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="case-", dir=PREFIX.workdir))
        self.data = self.dir / "data"
        self.prom_dir = self.dir / "textfile"
        self.prom_dir.mkdir()
        self.data.mkdir()
        self.db = self.data / "smtpwatch.db"
        self.service = None

    def tearDown(self):
        if self.service:
            self.service.stop()

    def start(self, *args):
        self.service = Service(PREFIX, self.data, *args)
        return self.service

    def prom_text(self):
        try:
            return (self.prom_dir / "smtpwatch.prom").read_text()
        except FileNotFoundError:
            return ""

    def wait_prom(self, predicate, what, timeout_s=60):
        """The file's text once predicate(text) holds."""
        def ready():
            if self.service and self.service.exited():
                raise AssertionError("the service exited:\n" + self.service.console())
            text = self.prom_text()
            return text if text and predicate(text) else None
        return wait_for(ready, timeout_s, 0.2, what)


class TextfileTests(MetricsTestCase):
    def test_rules_up_and_down_in_the_textfile(self):
        good = PREFIX.add_rule(self.db, 'aiosmtpd "local" \\ one', PREFIX.aiosmtpd.port)
        closed_port = refused_port()
        bad = PREFIX.add_rule(self.db, "closed port", closed_port)
        self.start("--metrics-textfile", win_path(self.prom_dir), "--metrics-interval-s", 1)
        text = self.wait_prom(
            lambda t: value(t, "smtpwatch_rule_up", rule_id=good) == 1 and
            value(t, "smtpwatch_rule_state", rule_id=bad) == 2,
            "the good rule up and the closed port CRITICAL")
        labels = {"rule_id": good, "rule": 'aiosmtpd "local" \\ one', "host": "127.0.0.1",
                  "port": PREFIX.aiosmtpd.port}
        self.assertEqual(value(text, "smtpwatch_rule_up", **labels), 1)
        self.assertEqual(value(text, "smtpwatch_rule_up", rule_id=bad, port=closed_port), 0)
        self.assertEqual(value(text, "smtpwatch_rule_state", rule_id=good), 0)
        for step in ("connect", "greeting", "ehlo", "quit"):
            self.assertGreaterEqual(value(text, "smtpwatch_rule_step_duration_seconds",
                                          rule_id=good, step=step), 0)
        self.assertIsNone(value(text, "smtpwatch_rule_step_duration_seconds",
                                rule_id=bad, step="greeting"))
        now = time.time()
        last = value(text, "smtpwatch_rule_last_check_timestamp_seconds", rule_id=good)
        self.assertLess(abs(now - last), 120)
        self.assertGreaterEqual(value(text, "smtpwatch_checks_total", outcome="ok"), 1)
        self.assertGreaterEqual(value(text, "smtpwatch_checks_total",
                                      outcome="connection_refused"), 2)
        self.assertGreaterEqual(value(text, "smtpwatch_schedule_lateness_seconds_count"), 3)
        self.assertEqual(value(text, "smtpwatch_schedule_lateness_seconds_count"),
                         value(text, "smtpwatch_schedule_lateness_seconds_bucket", le="+Inf"))
        self.assertEqual(value(text, "smtpwatch_database_up"), 1)
        self.assertGreater(value(text, "smtpwatch_database_size_bytes"), 0)
        self.assertEqual(value(text, "smtpwatch_rules", checked="true"), 2)
        # The file is replaced whole: it grows no temporary files, and a
        # later version has more checks.
        later = self.wait_prom(
            lambda t: value(t, "smtpwatch_checks_total", outcome="ok") >
            value(text, "smtpwatch_checks_total", outcome="ok"), "a newer file")
        self.assertTrue(later.endswith("\n"))
        self.assertEqual(sorted(p.name for p in self.prom_dir.iterdir()), ["smtpwatch.prom"])
        # Prometheus' own linter agrees with the format and the names.
        lint = subprocess.run(["promtool", "check", "metrics"], input=later, text=True,
                              capture_output=True, timeout=60)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        self.assertEqual(lint.stdout + lint.stderr, "")

    def test_a_folder_that_cannot_be_written_is_event_4010_then_4011(self):
        missing = self.dir / "not-yet"
        PREFIX.add_rule(self.db, "local", PREFIX.aiosmtpd.port)
        service = self.start("--metrics-textfile", win_path(missing),
                             "--metrics-interval-s", 1)
        self.assertTrue(service.wait_console("4010"), service.console())
        line = [l for l in service.console().splitlines() if "4010" in l][0]
        self.assertIn(win_path(missing), line)
        self.assertIn("path", line.lower())  # the Win32 text: "The system cannot find the path"
        time.sleep(2.5)  # more tries, still failing: said once
        self.assertEqual(service.console().count("4010"), 1, service.console())
        missing.mkdir()
        self.assertTrue(service.wait_console("4011"), service.console())
        self.assertTrue((missing / "smtpwatch.prom").is_file())
        self.assertFalse(service.exited())


class ParametersKeyCase(MetricsTestCase):
    """A test that writes the service's settings key, and removes it."""

    def tearDown(self):
        super().tearDown()
        for name in ("MetricsTextfileDir", "MetricsIntervalSeconds", "MetricsUrl"):
            PREFIX.wine("reg", "delete", PARAMS_KEY, "/v", name, "/f", check=False)

    def reg_add(self, name, kind, data):
        PREFIX.wine("reg", "add", PARAMS_KEY, "/v", name, "/t", kind, "/d", data, "/f")


class ParametersTests(ParametersKeyCase):
    """The installed service is started by the SCM without options: it
    reads them from HKLM\SOFTWARE\SmtpWatch, which an administrator's reg add
    or a Group Policy registry item writes (docs/metrics.md)."""

    def test_options_come_from_the_parameters_key(self):
        self.reg_add("MetricsTextfileDir", "REG_SZ", win_path(self.prom_dir))
        self.reg_add("MetricsIntervalSeconds", "REG_DWORD", "1")
        rule = PREFIX.add_rule(self.db, "local", PREFIX.aiosmtpd.port)
        self.start()
        self.wait_prom(lambda t: value(t, "smtpwatch_rule_up", rule_id=rule) == 1,
                       "the rule in the file the key names")

    def test_the_command_line_wins_over_the_key(self):
        elsewhere = self.dir / "elsewhere"
        elsewhere.mkdir()
        self.reg_add("MetricsTextfileDir", "REG_SZ", win_path(elsewhere))
        self.reg_add("MetricsIntervalSeconds", "REG_DWORD", "1")
        self.start("--metrics-textfile", win_path(self.prom_dir))
        self.wait_prom(lambda t: "smtpwatch_rules" in t, "the file in the command line's folder")
        self.assertEqual(list(elsewhere.iterdir()), [])

    def test_a_bad_value_in_the_key_turns_the_metrics_off_not_the_service(self):
        """The SCM starts the service with no option to fix, and an MSI
        upgrade runs --install-config with whatever the key holds: a bad
        value costs the metrics (event 4014), never the checks or the
        installation."""
        bad = "MetricsIntervalSeconds wants a whole number of seconds from 1 to 3600"
        self.reg_add("MetricsTextfileDir", "REG_SZ", win_path(self.prom_dir))
        self.reg_add("MetricsIntervalSeconds", "REG_DWORD", "0")
        shown = PREFIX.wine(SVC_EXE, "--show-config", "--data-dir", win_path(self.data),
                            check=False)
        self.assertIn("warning: " + bad, shown.stderr)
        self.assertIn("The metrics are off.", shown.stderr)
        service = self.start()
        self.assertTrue(service.wait_console("4014"), service.console())
        self.assertIn(bad, service.console())
        time.sleep(3)  # several metrics intervals, had the key been taken
        self.assertFalse(service.exited(), service.console())
        self.assertFalse((self.prom_dir / "smtpwatch.prom").exists())


def http(method, url, timeout=10):
    """(status, headers, body) of one request; an HTTP error status is an
    answer too."""
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


class HttpTests(MetricsTestCase):
    """GET /metrics through Wine's http.sys (httpapi.dll and its driver
    serve requests under Wine 8; the URL reservation is not stored there:
    see test_metrics_urlacl.c)."""

    def test_get_metrics_and_nothing_else(self):
        rule = PREFIX.add_rule(self.db, "local", PREFIX.aiosmtpd.port)
        port = harness.free_port()
        url = "http://127.0.0.1:%d/metrics" % port
        service = self.start("--metrics-url", url, "--metrics-interval-s", 1)
        self.assertTrue(service.wait_console("4013"), service.console())
        self.assertIn("answers GET %s" % url, service.console())

        def up():
            status, _, body = http("GET", url)
            return status == 200 and value(body, "smtpwatch_rule_up", rule_id=rule) == 1
        wait_for(up, 60, 0.3, "the rule up at GET %s" % url)
        status, headers, body = http("GET", url)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        self.assertTrue(body.startswith("# HELP smtpwatch_rule_up "))
        status, headers, body = http("HEAD", url)
        self.assertEqual((status, body), (200, ""))
        for method in ("POST", "PUT", "DELETE"):
            status, headers, _ = http(method, url)
            self.assertEqual(status, 405, method)
            self.assertEqual(headers["Allow"], "GET, HEAD")
        self.assertEqual(http("GET", url + "?x=1")[0], 200)  # a query is ignored
        for path in ("/", "/metrics/", "/metricsx", "/other", "/metrics/x"):
            self.assertEqual(http("GET", "http://127.0.0.1:%d%s" % (port, path))[0], 404, path)
        self.assertFalse(service.exited())

    def test_a_url_taken_by_another_program_is_event_4012(self):
        port = harness.free_port()
        url = "http://127.0.0.1:%d/metrics" % port
        first = self.start("--metrics-url", url)
        self.assertTrue(first.wait_console("4013"), first.console())
        other = Service(PREFIX, self.dir / "second", "--metrics-url", url,
                        "--metrics-textfile", win_path(self.prom_dir), "--metrics-interval-s", 1)
        try:
            self.assertTrue(other.wait_console("4012"), other.console())
            line = [l for l in other.console().splitlines() if "4012" in l][0]
            self.assertIn("HttpAddUrlToUrlGroup(http://127.0.0.1:%d/) failed" % port, line)
            self.assertIn("(183)", line)  # ERROR_ALREADY_EXISTS, with its text
            # The service goes on: its file is written. (That the first one
            # still answers is Windows' behaviour; Wine 8's http.sys stops
            # listening on the port when the second registration fails:
            # docs/windows-verification.md.)
            wait_for(lambda: (self.prom_dir / "smtpwatch.prom").is_file(), 30, 0.2,
                     "the second service's file")
            self.assertFalse(other.exited())
        finally:
            other.stop()


class InstalledService(harness.ScService):
    def pid(self):
        return harness.wine_process(PREFIX.path, "smtpwatch-svc.exe")


class ScmTests(ParametersKeyCase):
    """The service as installed: the SCM starts it without a metrics
    option, and it finds them in HKLM\SOFTWARE\SmtpWatch."""

    def setUp(self):
        super().setUp()
        self.sc = None

    def tearDown(self):
        if self.sc:
            self.sc.delete()
        super().tearDown()

    def test_the_installed_service_takes_its_parameters(self):
        rule = PREFIX.add_rule(self.db, "local", PREFIX.aiosmtpd.port)
        port = harness.free_port()
        self.sc = InstalledService("SmtpWatch", "%s --data-dir %s --interval-unit-ms 100" % (
            win_path(Path(SVC_EXE).resolve()), win_path(self.data)), PREFIX.wine)
        self.sc.create()
        self.reg_add("MetricsTextfileDir", "REG_EXPAND_SZ", win_path(self.prom_dir))
        self.reg_add("MetricsIntervalSeconds", "REG_DWORD", "1")
        self.reg_add("MetricsUrl", "REG_SZ", "http://127.0.0.1:%d/metrics" % port)
        self.sc.start()

        def both_up():
            text = self.prom_text()
            status, _, body = http("GET", "http://127.0.0.1:%d/metrics" % port)
            return (value(text, "smtpwatch_rule_up", rule_id=rule) == 1 and status == 200
                    and value(body, "smtpwatch_rule_up", rule_id=rule) == 1)
        wait_for(lambda: self.sc.query() != "RUNNING" or both_up(), 60, 0.3,
                 "the rule up in the file and at GET")
        self.assertEqual(self.sc.query(), "RUNNING")
        self.sc.stop()


class OptionTests(unittest.TestCase):
    def refused(self, *args):
        out = PREFIX.wine(SVC_EXE, "--console", *args, check=False)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        return out.stderr

    def test_bad_options_are_refused_with_a_sentence(self):
        self.assertIn("--metrics-interval-s wants a whole number of seconds from 1 to 3600",
                      self.refused("--metrics-interval-s", "0"))
        self.assertIn("--metrics-interval-s wants", self.refused("--metrics-interval-s", "x"))
        self.assertIn("certificate binding",
                      self.refused("--metrics-url", "https://127.0.0.1:9465/metrics"))
        self.assertIn("has no port", self.refused("--metrics-url", "http://127.0.0.1/metrics"))
        self.assertIn("--metrics-textfile wants a folder",
                      self.refused("--metrics-textfile", ""))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: test_metrics.py SVC_EXE STORE_TOOL_EXE [unittest arguments]")
    SVC_EXE, TOOL_EXE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
