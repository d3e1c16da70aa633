#!/usr/bin/python3
"""Integration test of availability reports (smtpwatch report) against the
real service, under Wine, with a real SMTP server that goes away.

Usage: test_report.py SMTPWATCH_EXE SVC_EXE PIPE_PROBE_EXE [unittest arguments]

The harness is test_cli_manage.py's (imported): smtpwatch-svc.exe --console
with a fresh data directory, driven only through smtpwatch.exe. A rule
checks aiosmtpd on loopback every 10 s (real seconds: the report's time is
what the results vouch for, so the test-only shortened interval is not
used). aiosmtpd is stopped for about 25 s and started again on the same
port; the report must then show an uptime under 100 % and that one outage,
begun by connection_refused, starting and ending where the server really
stopped and started (within one interval), in JSON, CSV and HTML read back.
Bounded: about 90 s; every process has a timeout and is stopped by its PID.

UpgradeTests: a database taken back to schema 5 with 200,000 results is
upgraded by the service at once; the rollups are built in the background
(events 2030, 2031), a report meanwhile says so on stderr, and afterwards
the report counts every result once, those written during the pass too.

SW_CLI_MANAGE_PREFIX names the prefix (default: report-wineprefix next to
the build's service/ directory).
"""

import csv
import html.parser
import os
import sqlite3
import sys
import tempfile
import time
import unittest
from datetime import datetime, timezone
from pathlib import Path

import harness
import test_cli_manage as manage
from harness import stop_process, wait_for, win_path
from test_cli_manage import DONE, smtpwatch

INTERVAL_S = 10


def setUpModule():
    os.environ.setdefault("SW_CLI_MANAGE_PREFIX", str(
        Path(manage.SVC_EXE).resolve().parent.parent / "report-wineprefix"))
    manage.setUpModule()


def tearDownModule():
    manage.tearDownModule()


def iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc).timestamp()


class Tables(html.parser.HTMLParser):
    """The text of every cell of every table, by the table's id."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "src" in attrs or "href" in attrs:
            self.external.append((tag, attrs))
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


class ReportTests(unittest.TestCase):

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="data-", dir=manage.WORKDIR))
        self.server = harness.start_aiosmtpd()
        self.addCleanup(lambda: stop_process(self.server))
        self.service = console_service_real(self.dir)
        self.addCleanup(self.service.stop)

    def state(self, rule_id):
        run = smtpwatch("status", "--json")
        self.assertEqual(run.rc, DONE, run)
        return next(r for r in run.json if r["id"] == rule_id)["state"]

    def test_an_outage_shows_with_its_cause_in_every_format(self):
        run = smtpwatch("rules", "add", "127.0.0.1", "--port", self.server.port,
                        "--name", "mx <report>", "--interval-s", INTERVAL_S, "--json")
        self.assertEqual(run.rc, DONE, run)
        rule = run.json["id"]
        wait_for(lambda: self.state(rule) == "OK", 30, 1, "the rule OK")
        time.sleep(2 * INTERVAL_S)  # a few good checks first

        port = self.server.port
        stop_process(self.server)
        stopped = time.time()
        wait_for(lambda: self.state(rule) == "CRITICAL", 3 * INTERVAL_S, 1,
                 "the rule CRITICAL once the server is gone")
        time.sleep(1.5 * INTERVAL_S)
        self.server = harness.start_aiosmtpd(port)
        started = time.time()
        wait_for(lambda: self.state(rule) == "OK", 3 * INTERVAL_S, 1, "the rule OK again")

        run = smtpwatch("report", rule, "--period", "24h", "--json")
        self.assertEqual(run.rc, DONE, run)
        report = run.json["rules"]
        self.assertEqual(len(report), 1, run)
        r = report[0]
        self.assertEqual(r["name"], "mx <report>")
        self.assertLess(r["uptime_percent"], 100.0, run)
        self.assertGreater(r["uptime_percent"], 0.0, run)
        self.assertEqual(len(r["outages"]), 1, run)
        o = r["outages"][0]
        self.assertEqual(o["outcome"], "connection_refused", run)
        self.assertFalse(o["open"], run)
        # The first refused check came within an interval of the stop, the
        # first good one within an interval of the start (and a second's
        # rounding of the ISO times).
        self.assertTrue(stopped - 1 <= iso(o["start"]) <= stopped + INTERVAL_S + 2, run)
        self.assertTrue(started - 1 <= iso(o["end"]) <= started + INTERVAL_S + 2, run)
        self.assertGreater(r["critical_s"], 0, run)
        steps = {s["step"]: s for s in r["response_times"]}
        self.assertGreater(steps["connect"]["samples"], 2, run)
        self.assertGreater(steps["connect"]["p99_ms"], 0, run)

        # By name too, as a CSV file and an HTML file, read back.
        out_csv = self.dir / "report.csv"
        run = smtpwatch("report", "mx <report>", "--period", "24h", "--csv",
                        win_path(out_csv))
        self.assertEqual(run.rc, DONE, run)
        with open(out_csv, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["name"], "mx <report>")
        self.assertAlmostEqual(float(rows[0]["uptime_percent"]), r["uptime_percent"],
                               delta=0.5)
        self.assertEqual(rows[0]["outages"], "1")
        self.assertIn("connection_refused", rows[0]["outage_list"])

        out_html = self.dir / "report.html"
        run = smtpwatch("report", "--period", "24h", "--html", win_path(out_html))
        self.assertEqual(run.rc, DONE, run)
        page = out_html.read_text(encoding="utf-8")
        self.assertNotIn("<report>", page)  # escaped
        tables = Tables()
        tables.feed(page)
        self.assertEqual(tables.external, [])
        summary = tables.tables["summary"]
        self.assertEqual(summary[1][0], "mx <report>")
        outages = tables.tables["outages"]
        self.assertEqual(len(outages), 2, outages)  # the header and one outage
        self.assertEqual(outages[1][4], "connection_refused")

        # A rule that does not exist is refused with a sentence.
        run = smtpwatch("report", "no such rule", "--period", "7d")
        self.assertEqual(run.rc, manage.REFUSED, run)
        self.assertIn("there is no rule 'no such rule'", run.stderr)


# Schema 7's columns (the round trip, issue 17), dropped to go back to an
# older schema (tests/unit/store_fixture.h's FX_UNDO_SCHEMA_7 likewise).
UNDO_SCHEMA_7 = "".join(
    ["ALTER TABLE rules DROP COLUMN %s; " % c for c in (
        "round_trip",
        "mailbox_host",
        "mailbox_port",
        "mailbox_tls",
        "mailbox_user",
        "folder",
        "probe_to",
        "probe_from",
        "deliver_within_s",
        "delivery_warn_ms",
        "delivery_crit_ms",
        "mailbox_secret")] +
    ["ALTER TABLE results DROP COLUMN %s; " % c for c in (
        "rt_protocol",
        "rt_found",
        "rt_submit_us",
        "rt_delivery_us",
        "rt_total_us",
        "rt_looks",
        "rt_hops",
        "rt_authserv_id",
        "rt_spf",
        "rt_dkim",
        "rt_dmarc",
        "rt_mailbox_peer",
        "rt_mailbox_detail",
        "rt_probe_deleted",
        "rt_stale_deleted",
        "rt_probe",
        "rt_skipped_runs")])


class UpgradeTests(unittest.TestCase):
    """A database of schema 5 with many results: the service upgrades it at
    once and builds the rollups in the background; reports meanwhile say so;
    at the end every result counts once, those written meanwhile too."""

    # One every 10 s: about 23 days (within the 30 days' retention). About
    # 15 s of rolling up under Wine, so the first report comes during it.
    RESULTS = 200000

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="data-", dir=manage.WORKDIR))
        self.db = self.dir / "smtpwatch.db"

    def count(self, since_ms):
        with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
            return db.execute("SELECT count(*) FROM results WHERE started_at >= ?",
                              (since_ms,)).fetchone()[0]

    def make_schema_5(self):
        """A rule checked every 10 s against a closed port (its real
        results are written during the pass too), then RESULTS good results
        before them, and the file taken back to schema 5."""
        service = console_service_real(self.dir)
        run = smtpwatch("rules", "add", "127.0.0.1", "--port", harness.free_port(),
                        "--name", "mx-old", "--interval-s", INTERVAL_S, "--json")
        self.assertEqual(run.rc, DONE, run)
        wait_for(lambda: self.db.exists() and self.count(0) > 0, 30, 1, "a result")
        service.stop()
        now_ms = int(time.time() * 1000)
        first = now_ms - self.RESULTS * INTERVAL_S * 1000 - 60000
        with sqlite3.connect(self.db) as db:
            db.executemany(
                "INSERT INTO results(rule_id, started_at, status, outcome, step) "
                "SELECT rule_id, ?, 'OK', 'ok', step FROM results LIMIT 1",
                [(first + i * INTERVAL_S * 1000,) for i in range(self.RESULTS)])
            db.executescript(
                UNDO_SCHEMA_7 +
                "DROP TABLE rollups; DROP TABLE rollup_cursor; DROP TABLE "
                "status_changes; DROP TABLE rollup_backfill; DROP TABLE "
                "rollup_backfill_progress; ALTER TABLE results DROP COLUMN "
                "maintenance; ALTER TABLE results DROP COLUMN domain_report; "
                "ALTER TABLE rules DROP COLUMN domain; ALTER TABLE rules DROP COLUMN "
                "min_ok; ALTER TABLE rules DROP COLUMN mta_sts; ALTER TABLE rules DROP "
                "COLUMN dane; ALTER TABLE rules DROP COLUMN dns_server; "
                "PRAGMA user_version = 5;")
        db.close()
        return first

    def report(self):
        run = smtpwatch("report", "mx-old", "--period", "30d", "--json")
        self.assertEqual(run.rc, DONE, run)
        return run

    def test_upgrade_builds_the_rollups_in_the_background(self):
        first = self.make_schema_5()
        service = console_service_real(self.dir)
        self.addCleanup(service.stop)
        with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 8)
        # While the pass runs, the report says so (unless it ended between).
        built = "Reports now cover the whole history"
        if built not in service.console():
            run = self.report()
            if built not in service.console():
                self.assertIn("note: rollups being built (", run.stderr, run)
                print("\nduring the pass: " + run.stderr.strip(), file=sys.stderr)
        self.assertIn("are being built in the background", service.console())
        wait_for(lambda: built in service.console(), 300, 1, "event 2031")
        line = next(x for x in service.console().splitlines() if built in x)
        print("\n" + line, file=sys.stderr)  # how long the pass took, for the record
        before = self.count(first)
        run = self.report()
        after = self.count(first)
        self.assertNotIn("rollups being built", run.stderr, run)
        r = run.json["rules"][0]
        # Every result once: none lost at the boundary, none twice.
        self.assertGreaterEqual(r["checks"], before, run)
        self.assertLessEqual(r["checks"], after, run)
        self.assertGreater(r["ok_s"], (self.RESULTS - 1) * INTERVAL_S, run)
        self.assertGreater(r["critical_s"], 0, run)  # the closed port's checks


def console_service_real(data_dir):
    """The service on `data_dir` at real time (no shortened interval)."""
    return harness.ConsoleService(
        manage.SVC_EXE, data_dir, manage.wine_env(),
        lambda: smtpwatch("service", "info", "--json", timeout=30).rc == DONE)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    manage.EXE, manage.SVC_EXE, manage.PIPE_PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
