#!/usr/bin/python3
"""The round trip (issue 17) of stored rules: the real service
(smtpwatch-svc.exe --console, test_cli_manage.py's harness) driven only
through smtpwatch.exe over its pipe, against the real servers of
mailbox_rig.py (private Postfix delivering over LMTP to a private Dovecot;
the rig's test CA in the prefix's Root store for the run).

  - a rule added with --round-trip imap and its mailbox password from a
    file: the password is "set", never shown back nor in the database in
    clear; the scheduled runs are delivered, their delivery time and hops
    in `history --json`, and the rule's state OK;
  - one probe per rule in flight: while a rule's probe is held by Postfix
    its runs that fall due are skipped (one probe on hold, not one a run),
    and the run that waited is delivered once the probe is released;
  - a POP3 rule with a wrong mailbox password turns CRITICAL
    mailbox_login_failed;
  - `rules test` of a round-trip rule answers once the probe arrived.

Usage: test_round_trip_service.py SMTPWATCH_EXE SVC_EXE PIPE_PROBE_EXE
       INSTALL_ROOT_CERT_EXE [unittest arguments]
SW_CLI_MANAGE_PREFIX names the prefix (default: round-trip-wineprefix next
to the build's service/ directory). Needs root and the packages
mailbox_rig.require_rig() names; every wait is bounded.
"""

import os
import re
import secrets
import sys
import tempfile
import time
import unittest
from pathlib import Path

import test_cli_manage as manage
from harness import install_root_cert, wait_for, win_path
from mailbox_rig import MailboxRig

HOST = "localhost"  # what the rig's certificates name
INSTALL_ROOT_CERT = None
RIG = None


def root_cert(action):
    install_root_cert(INSTALL_ROOT_CERT, RIG.certs / "ca.der", action, ["wine"],
                      manage.wine_env())


def setUpModule():
    global RIG
    if not INSTALL_ROOT_CERT or not os.path.isfile(INSTALL_ROOT_CERT):
        raise RuntimeError("install_root_cert.exe not found (%r)" % INSTALL_ROOT_CERT)
    os.environ.setdefault("SW_CLI_MANAGE_PREFIX", str(
        Path(manage.SVC_EXE).resolve().parent.parent / "round-trip-wineprefix"))
    manage.setUpModule()
    rig_dir = Path(tempfile.mkdtemp(prefix="rig-", dir=manage.WORKDIR))
    os.chmod(manage.WORKDIR, 0o755)  # Postfix's and Dovecot's daemons enter it
    os.chmod(rig_dir, 0o755)
    RIG = MailboxRig(rig_dir, lifetime_s=900)
    RIG.start()
    root_cert("add")


def tearDownModule():
    try:
        if RIG:
            try:
                root_cert("remove")
            finally:
                RIG.stop()
    finally:
        manage.tearDownModule()


class RoundTripServiceTests(manage.ManageTestCase):

    def file(self, text):
        path = self.dir / ("secret-%s.txt" % secrets.token_hex(3))
        path.write_text(text + "\r\n")
        return win_path(path)

    def round_trip_rule(self, protocol="imap", to=None, password=None, *extra):
        port = RIG.imaps_port if protocol == "imap" else RIG.pop3s_port
        return self.add(HOST, "--port", RIG.smtp_port, "--tls", "require-starttls",
                        "--auth-user", RIG.user("probe"),
                        "--auth-password-file", self.file(RIG.password),
                        "--round-trip", protocol, "--mailbox-host", HOST,
                        "--mailbox-port", port, "--mailbox-user", RIG.user("probe"),
                        "--mailbox-password-file", self.file(password or RIG.password),
                        "--probe-to", to or RIG.address("probe"), *extra)

    def history(self, rule_id):
        return self.ok("history", rule_id, "--json").json

    def wait_outcome(self, rule_id, outcome, timeout_s=60):
        def seen():
            rows = self.history(rule_id)
            return rows and rows[0]["outcome"] == outcome and rows[0]
        return wait_for(seen, timeout_s, 0.5, "rule %s: %s" % (rule_id, outcome))

    def database_bytes(self):
        return b"".join(p.read_bytes() for p in self.dir.rglob("*")
                        if p.is_file() and "smtpwatch" in p.name)

    def test_stored_rule_is_delivered_on_its_schedule(self):
        r = self.round_trip_rule("imap", None, None, "--interval-s", "100",
                                 "--deliver-within-s", "60", "--warn-ms", "30000",
                                 "--name", "Round trip")
        self.assertEqual(r["round_trip"], "imap")
        self.assertTrue(r["mailbox_password"])
        self.assertEqual(r["delivery_warn_ms"], 30000)
        row = self.wait_outcome(r["id"], "delivered")
        self.assertEqual(row["status"], "OK")
        self.assertIsNotNone(row["delivery_ms"])
        self.assertGreaterEqual(row["hops"], 2)
        show = self.ok("rules", "show", r["id"])
        self.assertIn("Mailbox password:            set\n", show.stdout)
        for run in (show, self.ok("rules", "show", r["id"], "--json"),
                    self.ok("history", r["id"], "--json")):
            self.assertNotIn(RIG.password, run.stdout + run.stderr)
        self.assertNotIn(RIG.password.encode(), self.database_bytes())
        self.assertNotIn(RIG.password.encode("utf-16-le"), self.database_bytes())

    def test_one_probe_in_flight_runs_are_skipped(self):
        # Every 10 units (1 s here) the rule falls due; its first probe is
        # held, so the runs due meanwhile are skipped, not piled up.
        r = self.round_trip_rule("imap", RIG.address("probe", "hold"), None,
                                 "--interval-s", "10", "--deliver-within-s", "120")
        wait_for(lambda: RIG.held(), 60, 0.2, "the first probe on hold")
        time.sleep(4)  # four runs fall due meanwhile
        self.assertEqual(len(RIG.held()), 1, "more than one probe of the rule in flight")
        self.assertEqual(self.history(r["id"]), [], "a skipped run left a result")
        # A test now is a probe too: refused while this one is in flight.
        busy = self.refused("rules", "test", r["id"])
        self.assertIn("A probe of this rule is in flight", busy.stderr)
        self.assertEqual(len(RIG.held()), 1, "the test sent a second probe")
        RIG.release(count=1)
        row = self.wait_outcome(r["id"], "delivered")
        self.assertGreaterEqual(row["delivery_ms"], 3000)
        # The result says so: "...; N runs skipped while it was in flight".
        skipped = re.search(r"; (\d+) runs? skipped while it was in flight", row["message"])
        self.assertTrue(skipped, row["message"])
        self.assertGreaterEqual(int(skipped.group(1)), 2, row["message"])
        self.ok("rules", "disable", r["id"])

    def test_wrong_mailbox_password_is_critical(self):
        r = self.round_trip_rule("pop3", None, "sw-wrong-" + secrets.token_hex(4),
                                 "--interval-s", "100")
        row = self.wait_outcome(r["id"], "mailbox_login_failed")
        self.assertEqual(row["status"], "CRITICAL")
        self.assertIsNone(row["delivery_ms"])

    def test_rules_test_waits_for_delivery(self):
        r = self.round_trip_rule("pop3", None, None, "--interval-s", "100", "--disabled")
        run = self.ok("rules", "test", r["id"], "--json", timeout=120)
        self.assertEqual(run.json["outcome"], "delivered", run.stdout)
        self.assertTrue(run.json["round_trip"]["found"])


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    manage.EXE, manage.SVC_EXE, manage.PIPE_PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
    INSTALL_ROOT_CERT = sys.argv[4]
    unittest.main(argv=[sys.argv[0]] + sys.argv[5:], verbosity=2)
