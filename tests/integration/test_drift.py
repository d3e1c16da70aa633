#!/usr/bin/python3
"""The drift alarm end to end (docs/drift.md): the service (--console) in a
prefix of this module's own checks a private Postfix with STARTTLS every
second (--interval-unit-ms), driven only through smtpwatch.exe as an
administrator would:

- the first good check accepts the server's fingerprint: the rule is OK;
- Postfix is given another certificate of the test CA, with a key of its
  own, and reloaded: the checks end in capabilities_changed, STATUS says
  "the certificate's key changed", the state turns WARNING, and event 2010
  says so once however many checks follow;
- `smtpwatch rules accept` takes the new fingerprint (event 2011 names
  who), and the next check is OK again;
- Postfix stops offering STARTTLS: "STARTTLS is no longer offered", and
  CRITICAL, since the rule relies on STARTTLS; accepted, OK again (in
  plain text); a second accept has nothing to accept;
- with `rules edit --no-drift`, STARTTLS and the first key coming back is
  no news: the checks stay OK and no event 2010 follows.

The rule is --insecure: what drift compares (the key, the issuer) does not
depend on the chain being trusted, and the test needs no Root store.

Usage: test_drift.py SMTPWATCH_EXE SVC_EXE. SW_DRIFT_PREFIX names the prefix
(default: drift-wineprefix next to the build's service/ folder).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
from harness import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXE = SVC_EXE = PREFIX = WORKDIR = None

# Exit codes of the management commands (README).
DONE, REFUSED = 0, 1
# Event Log ids (docs/events.md).
EV_DRIFTED, EV_ACCEPTED = 2010, 2011


def smtpwatch(*args, timeout=60):
    proc = subprocess.run(["wine", str(EXE)] + [str(a) for a in args],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          env=harness.wine_env(PREFIX))
    proc.out = proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    proc.err = proc.stderr.decode("utf-8", "replace").replace("\r\n", "\n")
    return proc


def ok_json(*args):
    import json
    run = smtpwatch(*args, "--json")
    assert run.returncode == DONE, "smtpwatch %s: %s %s" % (args, run.out, run.err)
    return json.loads(run.out)


def postfix(*args):
    proc = subprocess.run(list(args), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=90)
    if proc.returncode != 0:
        raise AssertionError("%s failed:\n%s%s" % (" ".join(args), proc.stdout, proc.stderr))


class Drift(unittest.TestCase):
    """One Postfix, one service, one rule; the tests run in order, each
    starting from where the one before left the server."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("a private Postfix instance needs root")
        cls.dir = Path(tempfile.mkdtemp(prefix="drift-", dir=WORKDIR))
        cls.dir.chmod(0o755)  # Postfix's daemons must reach its queue
        cls.certs = cls.dir / "certs"
        subprocess.run([str(FIXTURES / "tls_certs.sh"), str(cls.certs)], check=True,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        cls.postfix_dir = cls.dir / "postfix"
        cls.port = free_port()
        postfix(str(FIXTURES / "postfix_instance.sh"), "start", str(cls.postfix_dir),
                str(cls.port))
        cls.service = None
        try:
            cls.tls("trusted", "may")
            data = cls.dir / "data"
            data.mkdir()
            cls.service = harness.ConsoleService(
                SVC_EXE, data, harness.wine_env(PREFIX),
                lambda: smtpwatch("service", "info", "--json", timeout=30).returncode == DONE,
                unit_ms=100)
            rule = ok_json("rules", "add", "127.0.0.1", "--port", cls.port, "--name",
                           "Postfix drift", "--tls", "starttls", "--insecure",
                           "--interval-s", "10")
            cls.rule_id = rule["id"]
        except Exception:
            cls.tearDownClass()  # not run by unittest after a failed setUpClass
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.service:
            cls.service.stop()
        subprocess.run([str(FIXTURES / "postfix_instance.sh"), "stop", str(cls.postfix_dir)],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)

    @classmethod
    def tls(cls, cert, level):
        """Postfix with certificate `cert` (of tls_certs.sh) and
        smtpd_tls_security_level `level` ("may": STARTTLS offered; "none":
        not), reloaded: new sessions see it."""
        etc = str(cls.postfix_dir / "etc")
        # smtpd's TLS needs the TLS manager (its session cache and entropy),
        # which the fixture's master.cf leaves out.
        postfix("postconf", "-c", etc, "-M", "tlsmgr/unix=tlsmgr unix - - n 1000? 1 tlsmgr")
        postfix("postconf", "-c", etc, "-e",
                "smtpd_tls_cert_file=%s" % (cls.certs / (cert + ".pem")),
                "smtpd_tls_key_file=%s" % (cls.certs / (cert + ".key")),
                "smtpd_tls_security_level=%s" % level)
        postfix("postfix", "-c", etc, "reload")

    def status(self):
        rows = [r for r in ok_json("status") if r["id"] == self.rule_id]
        self.assertEqual(len(rows), 1)
        return rows[0]

    def wait_status(self, what, predicate, timeout_s=60):
        seen = []

        def check():
            seen[:] = [self.status()]
            return predicate(seen[0])
        try:
            wait_for(check, timeout_s, 0.5, what)
        except Exception:
            raise AssertionError("%s; last status: %s\nservice console:\n%s" % (
                what, seen[0] if seen else None, self.service.console()[-4000:]))
        return seen[0]

    def events(self, event_id):
        return [e for e in ok_json("events", "--limit", "1000")
                if e["event_id"] == event_id and e["rule_id"] == self.rule_id]

    def accept_and_see_ok(self):
        run = smtpwatch("rules", "accept", self.rule_id)
        self.assertEqual(run.returncode, DONE, run.out + run.err)
        self.assertIn("Accepted the changes of the server of rule %d" % self.rule_id,
                      run.out)
        accepted = self.events(EV_ACCEPTED)
        self.assertTrue(accepted, "no event %d" % EV_ACCEPTED)
        self.assertIn(" were accepted by ", accepted[0]["message"])
        return self.wait_status("an OK check after the accept",
                                lambda s: s["state"] == "OK" and s["outcome"] == "ok"
                                and s["drift"] == "")

    def test_1_first_check_accepts_the_fingerprint(self):
        s = self.wait_status("the first checks OK",
                             lambda s: s["outcome"] == "ok" and s["last_check"] != "")
        self.assertEqual(s["drift"], "")
        # Nothing to accept while the server is as accepted.
        run = smtpwatch("rules", "accept", self.rule_id)
        self.assertEqual(run.returncode, REFUSED, run.out + run.err)
        self.assertIn("nothing to accept", run.err)

    def test_2_a_new_key_is_drift_until_accepted(self):
        self.tls("wrongname", "may")  # the same CA, another key
        s = self.wait_status("capabilities_changed, then WARNING",
                             lambda s: s["outcome"] == "capabilities_changed"
                             and s["state"] == "WARNING")
        self.assertEqual(s["drift"], "the certificate's key changed")
        self.assertIn("the certificate's key changed", s["message"])
        # More checks, one event: said when the drift started.
        self.wait_status("two more checks", lambda t: t["last_check"] > s["last_check"])
        drifted = self.events(EV_DRIFTED)
        self.assertEqual(len(drifted), 1, drifted)
        self.assertIn("has changed since its fingerprint was accepted: the certificate's "
                      "key changed.", drifted[0]["message"])
        self.assertIn("(WARNING)", drifted[0]["message"])
        self.accept_and_see_ok()

    def test_3_losing_starttls_is_critical_until_accepted(self):
        self.tls("wrongname", "none")
        s = self.wait_status("CRITICAL: STARTTLS lost on a starttls rule",
                             lambda s: s["outcome"] == "capabilities_changed"
                             and s["state"] == "CRITICAL")
        self.assertEqual(s["drift"], "STARTTLS is no longer offered")
        drifted = [e for e in self.events(EV_DRIFTED)
                   if "STARTTLS is no longer offered" in e["message"]]
        self.assertEqual(len(drifted), 1, drifted)
        self.assertIn("(CRITICAL)", drifted[0]["message"])
        self.accept_and_see_ok()
        run = smtpwatch("rules", "accept", self.rule_id)
        self.assertEqual(run.returncode, REFUSED, run.out + run.err)

    def test_4_no_drift_turns_the_alarm_off(self):
        edited = ok_json("rules", "edit", self.rule_id, "--no-drift")
        self.assertFalse(edited["drift"], edited)
        before = len(self.events(EV_DRIFTED))
        self.tls("trusted", "may")  # STARTTLS again, and the first key
        # Three checks later (one a second), all of them after the reload.
        s = self.status()
        for _ in range(3):
            s = self.wait_status("one more check",
                                 lambda t, at=s["last_check"]: t["last_check"] > at)
            self.assertEqual((s["outcome"], s["drift"]), ("ok", ""), s)
        self.assertEqual(len(self.events(EV_DRIFTED)), before)


def setUpModule():
    global PREFIX, WORKDIR
    PREFIX = Path(os.environ.get("SW_DRIFT_PREFIX") or
                  Path(SVC_EXE).resolve().parent.parent / "drift-wineprefix")
    harness.start_prefix(PREFIX)
    # In the system's temporary folder, not the build tree: Postfix's
    # daemons must reach its queue below it, and a checkout may sit under a
    # folder they cannot enter (a CI clone under a private mktemp -d).
    WORKDIR = tempfile.mkdtemp(prefix="sw-drift-")
    os.chmod(WORKDIR, 0o755)


def tearDownModule():
    if PREFIX:
        harness.stop_prefix(PREFIX)
    if WORKDIR:
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: test_drift.py SMTPWATCH_EXE SVC_EXE [unittest arguments]")
    EXE, SVC_EXE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
