#!/usr/bin/python3
"""A real Prometheus (Debian's prometheus package) scrapes the service
under Wine, and its HTTP API shows the rules' smtpwatch_rule_up.

Usage: test_prometheus.py SVC_EXE STORE_TOOL_EXE [unittest arguments]

The service checks aiosmtpd and a closed port, serves GET /metrics through
Wine's http.sys and writes its textfile; Prometheus, started privately on
127.0.0.1 (an ephemeral port, a temporary storage folder, a scrape
interval of 1 s), scrapes both: the http.sys endpoint, and the textfile
through a tiny static exporter (python3 -m http.server over the textfile
folder, as windows_exporter's textfile collector would pass it on). The
test asks /api/v1/query until smtpwatch_rule_up shows 1 for the rule
checking aiosmtpd and 0 for the closed port, from both jobs. Bounded in
time; it stops only the processes it started, by their PIDs.

SW_PROMETHEUS_TEST_PREFIX names the prefix (default
prometheus-test-wineprefix beside the build's service/).
"""

import json
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import harness
from harness import refused_port, stop_process, wait_for, win_path
from metrics_fixture import Prefix, Service

SVC_EXE = TOOL_EXE = None
PREFIX = None
PROMETHEUS = "/usr/bin/prometheus"

CONFIG = """\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: smtpwatch_http
    static_configs:
      - targets: ['127.0.0.1:{http_port}']
  - job_name: smtpwatch_textfile
    metrics_path: /smtpwatch.prom
    static_configs:
      - targets: ['127.0.0.1:{file_port}']
"""


def setUpModule():
    global PREFIX
    harness.require_files("test_prometheus.py SVC_EXE STORE_TOOL_EXE (and Debian's "
                          "prometheus: scripts/bootstrap.sh)", PROMETHEUS)
    PREFIX = Prefix(SVC_EXE, TOOL_EXE, "SW_PROMETHEUS_TEST_PREFIX",
                    "prometheus-test-wineprefix")


def tearDownModule():
    if PREFIX:
        PREFIX.close()


class PrometheusTests(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="prom-", dir=PREFIX.workdir))
        self.procs = []

    def tearDown(self):
        for proc in reversed(self.procs):
            proc.stop() if isinstance(proc, Service) else stop_process(proc)

    def start_prometheus(self, http_port, file_port):
        config = self.dir / "prometheus.yml"
        config.write_text(CONFIG.format(http_port=http_port, file_port=file_port))
        self.api_port = harness.free_port()
        with open(self.dir / "prometheus.log", "wb") as log:
            proc = subprocess.Popen(
                [PROMETHEUS, "--config.file", str(config),
                 "--storage.tsdb.path", str(self.dir / "tsdb"),
                 "--web.listen-address", "127.0.0.1:%d" % self.api_port],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        harness.wait_for_port("127.0.0.1", self.api_port, 60, proc)
        # It answers 503 until its storage is open: /-/ready says when.
        wait_for(lambda: self.ready(proc), 60, 0.5, "Prometheus ready")

    def ready(self, proc):
        if proc.poll() is not None:
            raise AssertionError("prometheus exited:\n" +
                                 (self.dir / "prometheus.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % self.api_port,
                                        timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def query(self, expr):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.api_port, urllib.parse.urlencode({"query": expr}))
        with urllib.request.urlopen(url, timeout=10) as r:
            reply = json.loads(r.read())
        self.assertEqual(reply["status"], "success", reply)
        return {(s["metric"].get("job"), s["metric"].get("rule_id")): s["value"][1]
                for s in reply["data"]["result"]}

    def test_prometheus_scrapes_the_rules_up_and_down(self):
        data = self.dir / "data"
        textfile = self.dir / "textfile"
        textfile.mkdir()
        data.mkdir()
        db = data / "smtpwatch.db"
        good = PREFIX.add_rule(db, "aiosmtpd", PREFIX.aiosmtpd.port)
        bad = PREFIX.add_rule(db, "closed port", refused_port())
        http_port = harness.free_port()
        service = Service(PREFIX, data, "--metrics-url",
                          "http://127.0.0.1:%d/metrics" % http_port,
                          "--metrics-textfile", win_path(textfile), "--metrics-interval-s", 1)
        self.procs.append(service)
        self.assertTrue(service.wait_console("4013"), service.console())
        file_port = harness.free_port()
        exporter = subprocess.Popen(
            [harness.DEBIAN_PYTHON, "-m", "http.server", "--bind", "127.0.0.1",
             "--directory", str(textfile), str(file_port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(exporter)
        harness.wait_for_port("127.0.0.1", file_port, 30, exporter)
        self.start_prometheus(http_port, file_port)

        want = {(job, str(rule)): v for job in ("smtpwatch_http", "smtpwatch_textfile")
                for rule, v in ((good, "1"), (bad, "0"))}

        def seen():
            got = self.query("smtpwatch_rule_up")
            return got if all(got.get(k) == v for k, v in want.items()) else None
        try:
            got = wait_for(seen, 180, 1, "smtpwatch_rule_up 1 and 0 in Prometheus")
        except AssertionError:
            raise AssertionError("Prometheus has %s; targets: %s\n%s" % (
                self.query("smtpwatch_rule_up"), self.query("up"),
                (self.dir / "prometheus.log").read_text(errors="replace")[-3000:]))
        self.assertEqual({k: got[k] for k in want}, want)
        # Both scrapes work, and the state and the counters came through.
        self.assertEqual(self.query("up"), {("smtpwatch_http", None): "1",
                                            ("smtpwatch_textfile", None): "1"})
        states = self.query('smtpwatch_rule_state{job="smtpwatch_http"}')
        self.assertEqual(states[("smtpwatch_http", str(good))], "0")
        self.assertEqual(set(states), {("smtpwatch_http", str(good)),
                                       ("smtpwatch_http", str(bad))})
        refused = self.query('smtpwatch_checks_total{outcome="connection_refused",'
                             'job="smtpwatch_http"}')
        self.assertGreaterEqual(float(refused[("smtpwatch_http", None)]), 1)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: test_prometheus.py SVC_EXE STORE_TOOL_EXE [unittest arguments]")
    SVC_EXE, TOOL_EXE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
