#!/usr/bin/python3
"""Integration tests of the alert senders of common/win under Wine, with
real parts, through tests/tools/sender_probe.exe (one call, its result
printed):

  - webhooks (webhook_post.c): an HTTPS receiver on loopback (Python's
    http.server with TLS) whose certificate a test CA signed, the CA put
    into the prefix's Root store by install_root_cert.exe (as
    test_check_tls.py does, certificates from tests/fixtures/tls_certs.sh);
    what arrives (path, body, headers) is read back; a 500, a redirect, an
    untrusted certificate, a refused connection and a receiver too slow
    for the budget each give their sentence, and no sentence or printed
    line ever holds the URL's path or query (the receiver's token);
  - service restarts (service_restart.c): tests/tools/idle_service.exe
    installed with `wine sc` (harness.ScService) and restarted; its process
    is another one afterwards, as Windows and Linux both see it; a missing
    service and one too slow to stop give their sentences.

Usage: test_alert_senders.py SENDER_PROBE_EXE INSTALL_ROOT_CERT_EXE
       IDLE_SERVICE_EXE [unittest args]
SW_ALERT_SENDERS_PREFIX names the Wine prefix (this test's own: it changes
the Root store and installs services). Every server and process started
here stops by itself or is stopped by its PID.
"""

import json
import os
import re
import sys
import unittest
from pathlib import Path

import harness
from webhook_receiver import Receiver
from harness import refused_port, wait_for, win_path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "SECRET-TOKEN-4711"  # in every URL's path or query; never shown

PROBE = INSTALL_ROOT_CERT = IDLE_SERVICE = None
PREFIX = WORKDIR = CERTS = None
TEST_CA = None
RECEIVERS = {}


def wine(*args, check=False, timeout=120):
    env = harness.wine_env(PREFIX)
    env["WINEDEBUG"] = "-all,err+sc"  # sc.exe says why only there
    return harness.run_wine(env, *args, timeout=timeout, check=check)


def probe(*args):
    """sender_probe.exe ARGS: its printed result as a dict, with the whole
    output under "_out" (checked for the secret by every test)."""
    proc = wine(PROBE, *args)
    if proc.returncode not in (0, 1):
        raise AssertionError("sender_probe %s exited with %s:\n%s%s" % (
            args[0], proc.returncode, proc.stdout, proc.stderr))
    result = {"_out": proc.stdout + proc.stderr, "_rc": proc.returncode}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(": ")
        result[key] = value
    return result


def setUpModule():
    global PREFIX, WORKDIR, CERTS, TEST_CA
    harness.require_files("test_alert_senders.py SENDER_PROBE_EXE INSTALL_ROOT_CERT_EXE "
                          "IDLE_SERVICE_EXE", PROBE, INSTALL_ROOT_CERT, IDLE_SERVICE)
    PREFIX = Path(os.environ.get("SW_ALERT_SENDERS_PREFIX") or
                  Path(PROBE).resolve().parents[2] / "alert-senders-wineprefix")
    TEST_CA = harness.TrustedCaPrefix(PREFIX, INSTALL_ROOT_CERT, "alert-senders")
    WORKDIR = TEST_CA.workdir
    CERTS = TEST_CA.start().certs
    RECEIVERS["trusted"] = Receiver(CERTS, "trusted")
    RECEIVERS["selfsigned"] = Receiver(CERTS, "selfsigned")


def tearDownModule():
    for r in RECEIVERS.values():
        r.stop()
    if TEST_CA:
        TEST_CA.close()


class WebhookTests(unittest.TestCase):
    maxDiff = None

    def post(self, url, body=b'{"text":"x"}', ident="n-1", budget_ms=20000):
        body_file = WORKDIR / ("body-%s.json" % ident)
        body_file.write_bytes(body)
        r = probe("webhook", url, win_path(body_file), ident, str(budget_ms))
        self.assertNotIn(SECRET, r["_out"])  # the URL's token is never shown
        self.assertNotIn("sig=", r["_out"])
        return r

    def url(self, receiver, path, port=None):
        return "https://localhost:%d/%s/%s?sig=%s" % (
            port or RECEIVERS[receiver].port, path, SECRET, SECRET)

    def shown(self, receiver, port=None):
        return "https://localhost:%d/..." % (port or RECEIVERS[receiver].port)

    def test_delivered_with_its_body_and_id_header(self):
        body = json.dumps({"id": "n-42", "rule": "Relais M\u00fcnchen",
                           "state": "CRITICAL"}, ensure_ascii=False).encode()
        seen = len(RECEIVERS["trusted"].requests)
        r = self.post(self.url("trusted", "ok"), body, "n-42")
        self.assertEqual((r["delivered"], r["status"], r["error"]), ("yes", "200", ""))
        self.assertEqual(r["response"], '{"ok":true}\\x0A')
        got = RECEIVERS["trusted"].requests[seen:]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["path"], "/ok/%s?sig=%s" % (SECRET, SECRET))
        self.assertEqual(got[0]["body"], body)
        self.assertEqual(got[0]["headers"]["X-SmtpWatch-Notification-Id"], "n-42")
        self.assertEqual(got[0]["headers"]["Content-Type"], "application/json")

    def test_500_is_a_failure_that_names_the_status(self):
        r = self.post(self.url("trusted", "fail"))
        self.assertEqual((r["delivered"], r["status"]), ("no", "500"))
        self.assertEqual(r["error"], "%s answered 500" % self.shown("trusted"))
        # Kept for the log, with the control sequence made harmless.
        self.assertEqual(r["response"], "down for maintenance \\x1B[31mred\\x0A")

    def test_redirect_is_not_followed(self):
        seen = len(RECEIVERS["trusted"].requests)
        r = self.post(self.url("trusted", "redirect"))
        self.assertEqual((r["delivered"], r["status"]), ("no", "302"))
        self.assertEqual(r["error"], "%s answered 302 (a redirect, which is not followed: "
                         "give the URL it points to)" % self.shown("trusted"))
        self.assertEqual(len(RECEIVERS["trusted"].requests), seen + 1)

    def test_untrusted_certificate_is_refused(self):
        r = self.post(self.url("selfsigned", "ok"))
        self.assertEqual((r["delivered"], r["status"]), ("no", "0"))
        self.assertTrue(r["error"].startswith("could not deliver to %s: " %
                                              self.shown("selfsigned")), r["error"])
        self.assertRegex(r["error"], r"certificate|TLS")
        self.assertEqual(RECEIVERS["selfsigned"].requests, [])

    def test_refused_connection_is_a_sentence(self):
        port = refused_port()
        r = self.post(self.url(None, "ok", port))
        self.assertEqual((r["delivered"], r["status"]), ("no", "0"))
        self.assertEqual(r["error"], "could not deliver to %s: could not connect (refused, "
                         "or nothing answers there) (error 12029)" % self.shown(None, port))

    def test_receiver_slower_than_the_budget_times_out(self):
        r = self.post(self.url("trusted", "slow"), budget_ms=2000)
        self.assertEqual((r["delivered"], r["status"]), ("no", "0"))
        # Windows documents ERROR_WINHTTP_TIMEOUT (12002); Wine 8's WinHTTP
        # passes on the socket's WSAETIMEDOUT (10060): the same sentence.
        self.assertRegex(r["error"], r"^could not deliver to %s: no answer within the time "
                         r"allowed \(error (12002|10060)\)$" % re.escape(self.shown("trusted")))

    def test_plain_http_is_not_sent(self):
        r = self.post("http://localhost:%d/ok/%s" % (RECEIVERS["trusted"].port, SECRET))
        self.assertEqual(r["delivered"], "no")
        self.assertEqual(r["error"], "not sent: A webhook URL must begin with https://.")

    def test_id_that_could_add_a_header_is_not_sent(self):
        seen = len(RECEIVERS["trusted"].requests)
        r = self.post(self.url("trusted", "ok"), ident="n-1 Evil:yes")
        self.assertEqual(r["delivered"], "no")
        self.assertEqual(r["error"], 'not sent to %s: the notification id is not 1 to 64 '
                         'letters, digits or "-._:"' % self.shown("trusted"))
        self.assertEqual(len(RECEIVERS["trusted"].requests), seen)


class IdleService(harness.ScService):
    def __init__(self, name, stop_ms):
        super().__init__(name, "%s --stop-ms %d" % (win_path(IDLE_SERVICE), stop_ms), wine)

    @staticmethod
    def pid():
        return harness.wine_process(PREFIX, "idle_service.exe")


class RestartTests(unittest.TestCase):
    def install(self, name, stop_ms=300):
        service = IdleService(name, stop_ms)
        wine("sc", "stop", name)  # left over from an interrupted run
        wine("sc", "delete", name)
        service.create()
        self.addCleanup(service.delete)
        return service

    def test_restart_runs_the_service_in_a_new_process(self):
        service = self.install("SwIdleRestart")
        service.start()
        linux_before = service.pid()
        self.assertIsNotNone(linux_before)
        r = probe("restart", "SwIdleRestart", "30000")
        self.assertEqual((r["restarted"], r["error"]), ("yes", ""))
        self.assertNotEqual(r["old_pid"], "0")
        self.assertNotEqual(r["new_pid"], "0")
        self.assertNotEqual(r["old_pid"], r["new_pid"])
        self.assertEqual(service.query(), "RUNNING")
        linux_after = wait_for(service.pid, 10, what="the new service process")
        self.assertNotEqual(linux_after, linux_before)

    def test_stopped_service_is_started(self):
        service = self.install("SwIdleStopped")
        r = probe("restart", "SwIdleStopped", "30000")
        self.assertEqual((r["restarted"], r["old_pid"], r["error"]), ("yes", "0", ""))
        self.assertNotEqual(r["new_pid"], "0")
        self.assertEqual(service.query(), "RUNNING")

    def test_missing_service_is_a_sentence(self):
        r = probe("restart", "SwNoSuchService", "30000")
        self.assertEqual(r["restarted"], "no")
        self.assertEqual(r["error"], 'there is no service named "SwNoSuchService" on this '
                         'computer (give its key name, as `sc query` shows it)')

    def test_service_slower_than_the_budget_is_a_sentence(self):
        service = self.install("SwIdleSlow", stop_ms=20000)
        service.start()
        r = probe("restart", "SwIdleSlow", "2000")
        self.assertEqual(r["restarted"], "no")
        self.assertEqual(r["error"], '"SwIdleSlow" did not stop in time (it is stopping)')
        # It goes on stopping; the cleanup waits for it.
        wait_for(lambda: service.query() == "STOPPED", 60, 0.5, "the slow stop's end")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: test_alert_senders.py SENDER_PROBE_EXE INSTALL_ROOT_CERT_EXE "
                 "IDLE_SERVICE_EXE [unittest args]")
    # Absolute: the SCM starts the service from its own folder.
    PROBE, INSTALL_ROOT_CERT, IDLE_SERVICE = (str(Path(p).resolve()) for p in sys.argv[1:4])
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
