#!/usr/bin/python3
"""Integration tests of `smtpwatch check` with TLS (the Windows exe, under Wine).

Usage: test_check_tls.py SMTPWATCH_EXE INSTALL_ROOT_CERT_EXE [ENGINE_BENCH_EXE]
       [unittest args]

Certificates come from tests/fixtures/tls_certs.sh, made afresh for the run:
a test CA (installed into the Wine prefix's Root store with
install_root_cert.exe, and removed at the end), a localhost certificate it
signed, a self-signed one, one for another name, an expired one and one
that expires in 3 days; and two intermediate CAs it signed: one put into the
prefix's CA (intermediate) store, as Windows keeps the intermediates it has
seen or fetched, one in no store, with localhost certificates that each
issued (sent by the server alone, or with the intermediate); and a third
intermediate only an HTTP server on loopback has, named by its leaves' AIA
URL (one that is served, one that is not). The servers, all on loopback:
  - tests/fixtures/fault_smtp_server.py --tls-dir: STARTTLS (real, with 454,
    with plaintext injected after "220 Ready", stalled), implicit TLS with
    each certificate; its event log shows what the checker sent, and when;
  - aiosmtpd with STARTTLS and with implicit TLS (SMTPS);
  - openssl s_server with implicit TLS (OpenSSL's TLS rather than Python's).
Every subprocess has a timeout and every server is stopped by its PID.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import check_runner
from check_runner import free_port, stop_process, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
WINE_RUN = ROOT / "scripts" / "wine-run.sh"
WINE_PREFIX_SH = ROOT / "scripts" / "wine-prefix.sh"
PY = "/usr/bin/python3"  # Debian's: it has aiosmtpd

EXIT = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
HOST = "localhost"  # what the test certificates name

EXE = None
INSTALL_ROOT_CERT = None
ENGINE_BENCH = None  # bench/engine_bench.exe: many checks in one engine
WORKDIR = None
CERTS = None
FAULT = None
CA_INSTALLED = False
ICA_INSTALLED = False
AIA = None  # the HTTP server that serves CERTS/aia (AIA caIssuers)


def wine_path(path):
    return "Z:" + str(path)


def run_check(*args, budget_ms=7000):
    """`smtpwatch check ARGS` with this run's exe (check_runner.run_check)."""
    return check_runner.run_check(EXE, *args, budget_ms=budget_ms)


def root_cert(action, name="ca", *flags):
    """install_root_cert.exe add|remove the run's CA (in the prefix's Root), or
    with "--intermediate" another certificate in its CA store."""
    proc = subprocess.run([str(WINE_RUN), str(INSTALL_ROOT_CERT), action,
                           wine_path(CERTS / (name + ".der"))] + list(flags),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        raise RuntimeError("install_root_cert %s failed (%s): %s"
                           % (action, proc.returncode, proc.stderr))


class Session:
    """One client connection as the fault server logged it."""

    def __init__(self, events):
        self.events = events
        self.lines = [e["bytes"] for e in events if e["event"] == "line"]
        self.commands = [line.rstrip("\r\n") for line in self.lines]
        self.verbs = [c.split()[0].upper() for c in self.commands if c.split()]
        self.early = [e["bytes"] for e in events if e["event"] == "early_talk"]
        self.pipelined = [e["bytes"] for e in events if e["event"] == "pipelined"]
        tls = [e for e in events if e["event"] == "tls"]
        self.tls = tls[0] if tls else None
        # The commands that came after the TLS session began.
        self.verbs_in_tls = []
        if self.tls:
            after = [e for e in events if e["seq"] > self.tls["seq"] and e["event"] == "line"]
            self.verbs_in_tls = [e["bytes"].split()[0].upper() for e in after
                                 if e["bytes"].split()]

    def __repr__(self):
        return "Session(commands=%r, tls=%r)" % (self.commands, self.tls)


class FaultServer:
    """tests/fixtures/fault_smtp_server.py --tls-dir, in its own process."""

    def __init__(self, workdir, certs):
        self.ports_file = os.path.join(workdir, "fault-ports.json")
        self.log_file = os.path.join(workdir, "fault-events.jsonl")
        self.stderr = open(os.path.join(workdir, "fault-stderr.log"), "w")
        self.proc = subprocess.Popen(
            [PY, str(FIXTURES / "fault_smtp_server.py"), "--ports-file", self.ports_file,
             "--log", self.log_file, "--lifetime", "1800", "--tls-dir", str(certs)],
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
        return os.path.getsize(self.log_file)

    def sessions_since(self, mark, scenario, settle_s=5.0):
        """The connections to `scenario` after `mark`, each once closed."""
        deadline = time.monotonic() + settle_s
        while True:
            with open(self.log_file, "rb") as f:
                f.seek(mark)
                data = f.read().decode("utf-8")
            events = [json.loads(line) for line in data.split("\n")[:-1] if line]
            events = [e for e in events if e["scenario"] == scenario]
            conns = sorted({e["conn"] for e in events if e["event"] == "accept"})
            closed = {e["conn"] for e in events if e["event"] == "close"}
            if all(c in closed for c in conns) or time.monotonic() > deadline:
                return [Session([e for e in events if e["conn"] == c]) for c in conns]
            time.sleep(0.05)

    def stop(self):
        stop_process(self.proc)
        self.stderr.close()


class AiaServer:
    """python3 -m http.server on CERTS/aia: what a CA's caIssuers URL
    serves. Its log shows what Windows fetched."""

    def __init__(self, port, directory):
        self.port = port
        self.log = open(os.path.join(WORKDIR, "aia-http.log"), "w")
        self.proc = subprocess.Popen(
            [PY, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
             str(directory)], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        wait_for_port("127.0.0.1", port, 15, self.proc)

    def requests(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return [line for line in f if '"GET ' in line]

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def setUpModule():
    global WORKDIR, CERTS, FAULT, CA_INSTALLED, ICA_INSTALLED, AIA
    for path, what in ((EXE, "smtpwatch.exe"), (INSTALL_ROOT_CERT, "install_root_cert.exe")):
        if not path or not os.path.isfile(path):
            raise RuntimeError("%s not found (%r)" % (what, path))
    WORKDIR = tempfile.mkdtemp(prefix="sw-check-tls-")
    CERTS = Path(WORKDIR) / "certs"
    aia_port = free_port()
    subprocess.run([str(FIXTURES / "tls_certs.sh"), str(CERTS),
                    "http://127.0.0.1:%d" % aia_port], stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=60, check=True)
    AIA = AiaServer(aia_port, CERTS / "aia")
    if not os.environ.get("SW_WINE_READY"):
        # Booted with detached stdio (PLATFORM.md), once.
        subprocess.run([str(WINE_PREFIX_SH), "start"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=180, check=True)
        os.environ["SW_WINE_READY"] = "1"
    root_cert("add")
    CA_INSTALLED = True
    root_cert("add", "ica_stored", "--intermediate")
    ICA_INSTALLED = True
    FAULT = FaultServer(WORKDIR, CERTS)


def tearDownModule():
    if FAULT is not None:
        FAULT.stop()
    if AIA is not None:
        AIA.stop()
    if ICA_INSTALLED:
        root_cert("remove", "ica_stored", "--intermediate")
    if CA_INSTALLED:
        root_cert("remove")  # the next run's CA is another one
    if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
        shutil.rmtree(WORKDIR, ignore_errors=True)


class TlsTestCase(unittest.TestCase):
    maxDiff = None

    def assertCheck(self, run, status, outcome, step=None):
        j = run.json
        got = (run.rc, j.get("status"), j.get("outcome"))
        self.assertEqual(got, (EXIT[status], status, outcome), "\n%s" % run)
        if step is not None:
            self.assertEqual(j.get("step"), step, "\n%s" % run)
        self.assertTrue(j.get("message"), "a check must say what happened\n%s" % run)
        return j

    def assertTls(self, j, run, verified=True, days=(88, 90), issuer="SMTP Watch Test CA"):
        """The tls object of a session with the test certificate for localhost."""
        t = j.get("tls")
        self.assertIsNotNone(t, "no tls object\n%s" % run)
        self.assertRegex(t["version"], r"^TLS 1\.[23]$")
        self.assertRegex(t["cipher"] or "", r"^TLS_[A-Z0-9_]+$|, ")
        self.assertEqual(t["verified"], verified, run)
        self.assertIn("CN=localhost", t["subject"])
        self.assertIn(issuer, t["issuer"])
        self.assertEqual(t["sans"], ["localhost", "127.0.0.1", "::1"])
        self.assertTrue(days[0] <= t["days_left"] <= days[1], t)
        self.assertRegex(t["not_after_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertAlmostEqual(t["not_after"], time.time() + t["days_left"] * 86400,
                               delta=86400 + 600)
        self.assertIsNotNone(j["timings_us"]["tls"], "the TLS step has no timing")
        self.assertGreater(j["timings_us"]["tls"], 0)
        return t

    def one_session(self, mark, scenario, run):
        sessions = FAULT.sessions_since(mark, scenario)
        self.assertEqual(len(sessions), 1, "expected one connection to %s, got %r\n%s"
                         % (scenario, sessions, run))
        s = sessions[0]
        self.assertEqual(s.early, [], "client spoke before the final 220 line\n%s" % run)
        for line in s.lines:
            self.assertTrue(line.endswith("\r\n"), "line %r does not end in CRLF" % line)
        return s

    def check(self, scenario, *args, budget_ms=7000, host=HOST):
        port = FAULT.port(scenario)
        mark = FAULT.mark()
        run = run_check(host, "--port", str(port), "--json", *args, budget_ms=budget_ms)
        return run, mark

    @staticmethod
    def perfdata(line):
        text, _, perf = line.partition(" | ")
        return text, dict(tok.split("=", 1) for tok in perf.split())


class StartTlsTests(TlsTestCase):
    """STARTTLS (RFC 3207) against the fault server."""

    def test_starttls_upgrades_and_says_ehlo_again(self):
        run, mark = self.check("starttls", "--tls", "starttls", "--send", "NOOP")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        self.assertEqual(j["reply"], "250 2.0.0 Ok over TLS", "NOOP went over TLS")
        # What EHLO said in plain text is forgotten: these are the TLS ones.
        self.assertIn("XTLS-SESSION", j["ehlo_keywords"])
        self.assertNotIn("STARTTLS", j["ehlo_keywords"])
        self.assertNotIn("STARTTLS", j["capabilities"])
        text = "\n".join(j["transcript"])
        for frag in ("C: STARTTLS", "S: 220 2.0.0 Ready to start TLS",
                     "-- TLS handshake complete", "C: NOOP"):
            self.assertIn(frag, text)
        s = self.one_session(mark, "starttls", run)
        self.assertEqual(s.verbs, ["EHLO", "STARTTLS", "EHLO", "NOOP", "QUIT"], run)
        self.assertIsNotNone(s.tls, "no TLS session on the server\n%s" % run)
        self.assertEqual(s.verbs_in_tls, ["EHLO", "NOOP", "QUIT"])
        self.assertEqual(s.tls["sni"], HOST, "SNI names the host checked (RFC 6066)")
        self.assertEqual(s.pipelined, [], "nothing in plain text after STARTTLS\n%s" % run)

    def test_status_line_has_tls_and_cert_days(self):
        port = FAULT.port("starttls")
        run = run_check(HOST, "--port", str(port), "--tls", "require-starttls")
        self.assertEqual(run.rc, 0, run)
        line = run.stdout.rstrip("\n")
        self.assertEqual(line.count("\n"), 0, line)
        # The address that answered follows the name.
        self.assertRegex(line, r"^SMTP OK - localhost:%d \(127\.0\.0\.1:%d\) answered in \d+ "
                               r"ms, over TLS 1\.[23], certificate valid for (88|89|90) more "
                               r"days \| " % (port, port))
        _, perf = self.perfdata(line)
        self.assertRegex(perf["tls"], r"^\d+\.\d{6}s;;;0;$")
        self.assertRegex(perf["cert_days"], r"^(88|89|90);21:;7:;;$")

    def test_plaintext_injected_after_220_is_never_read(self):
        # The server sends "220 Ready" and "554 ... INJECTED" in one write. A
        # client that kept those bytes would read the 554 as the answer to its
        # EHLO over TLS and fail; ours throws them away before the handshake.
        run, mark = self.check("starttls_inject", "--tls", "require-starttls")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        self.assertIn("XTLS-SESSION", j["ehlo_keywords"], "EHLO was answered over TLS")
        self.assertNotIn("INJECTED", j["reply"] or "")
        self.assertNotIn("INJECTED", " ".join(j["ehlo_keywords"]))
        text = "\n".join(j["transcript"])
        self.assertRegex(text, r'-- discarded 36 octets the server sent after its 220 to '
                               r'STARTTLS, before TLS: "554 5\.7\.1 INJECTED')
        self.assertNotIn("S: 554", text, "the injected reply was read as a reply")
        s = self.one_session(mark, "starttls_inject", run)
        self.assertIsNotNone(s.tls, run)
        # The injected 554 got no reaction: over TLS came EHLO and QUIT only.
        self.assertEqual(s.verbs, ["EHLO", "STARTTLS", "EHLO", "QUIT"], run)
        self.assertEqual(s.verbs_in_tls, ["EHLO", "QUIT"])

    def test_454_is_warning_and_quit_goes_in_plain_text(self):
        run, mark = self.check("starttls_454", "--tls", "starttls")
        j = self.assertCheck(run, "WARNING", "starttls_refused", step="tls")
        self.assertEqual(j["reply_code"], 454)
        self.assertEqual(j["enhanced_code"], "4.7.0")
        self.assertIsNone(j["tls"])
        s = self.one_session(mark, "starttls_454", run)
        self.assertEqual(s.verbs, ["EHLO", "STARTTLS", "QUIT"])
        self.assertIsNone(s.tls)

    def test_required_but_not_offered_is_critical(self):
        run, mark = self.check("no_starttls", "--tls", "require-starttls")
        j = self.assertCheck(run, "CRITICAL", "starttls_not_offered", step="ehlo")
        self.assertIn("does not list STARTTLS", j["message"])
        s = self.one_session(mark, "no_starttls", run)
        self.assertEqual(s.verbs, ["EHLO", "QUIT"], "no STARTTLS that was not offered")

    def test_optional_and_not_offered_goes_on_in_plain_text(self):
        run, mark = self.check("no_starttls", "--tls", "starttls", "--send", "NOOP")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertIsNone(j["tls"])
        self.assertIsNone(j["timings_us"]["tls"])
        self.assertIn("STARTTLS is not offered: going on without TLS",
                      "\n".join(j["transcript"]))
        s = self.one_session(mark, "no_starttls", run)
        self.assertEqual(s.verbs, ["EHLO", "NOOP", "QUIT"])

    def test_plain_check_does_not_use_offered_starttls(self):
        run, mark = self.check("starttls")
        j = self.assertCheck(run, "OK", "ok")
        self.assertIsNone(j["tls"])
        self.assertIn("STARTTLS", j["capabilities"])
        s = self.one_session(mark, "starttls", run)
        self.assertEqual(s.verbs, ["EHLO", "QUIT"])

    def test_stalled_handshake_times_out_in_tls_step(self):
        run, _ = self.check("starttls_stall", "--tls", "starttls", "--timeout-ms", "1500",
                            budget_ms=1500)
        j = self.assertCheck(run, "CRITICAL", "timeout", step="tls")
        self.assertIn("the TLS handshake did not complete", j["message"])
        self.assertGreaterEqual(j["timings_us"]["total"], 1400000)
        self.assertLess(j["timings_us"]["total"], 2500000, "one budget for the check")

    def test_address_literal_sends_no_sni_and_matches_ip_san(self):
        run, mark = self.check("starttls", "--tls", "starttls", host="127.0.0.1")
        j = self.assertCheck(run, "OK", "ok")
        self.assertTrue(j["tls"]["verified"], "the certificate names 127.0.0.1\n%s" % run)
        s = self.one_session(mark, "starttls", run)
        self.assertIsNotNone(s.tls)
        self.assertIsNone(s.tls["sni"], "RFC 6066: no address literal in SNI")


class ImplicitTlsTests(TlsTestCase):
    """Implicit TLS (RFC 8314) against the fault server, one certificate each."""

    def test_trusted_certificate(self):
        run, mark = self.check("implicit_trusted", "--tls", "implicit", "--send", "NOOP")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        self.assertEqual(j["reply"], "250 2.0.0 Ok over TLS")
        # The greeting came inside TLS: after the session was reported.
        text = "\n".join(j["transcript"])
        self.assertLess(text.index("-- TLS 1."), text.index("S: 220 implicit-trusted"))
        s = self.one_session(mark, "implicit_trusted", run)
        self.assertEqual(s.verbs_in_tls, ["EHLO", "NOOP", "QUIT"])
        self.assertEqual(s.tls["sni"], HOST)

    def test_self_signed_is_untrusted_and_nothing_is_said(self):
        run, mark = self.check("implicit_selfsigned", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_untrusted", step="tls")
        self.assertIn("self-signed", j["message"])
        self.assertTls(j, run, verified=False, issuer="CN=localhost")
        s = self.one_session(mark, "implicit_selfsigned", run)
        self.assertEqual(s.verbs, [], "not a word through an untrusted channel")

    def test_insecure_skips_chain_and_name_validation(self):
        run, _ = self.check("implicit_selfsigned", "--tls", "implicit", "--insecure")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertFalse(j["tls"]["verified"])
        self.assertIn("chain and host name not validated", "\n".join(j["transcript"]))
        port = FAULT.port("implicit_wrongname")
        run = run_check(HOST, "--port", str(port), "--tls", "implicit", "--insecure")
        self.assertEqual(run.rc, 0, run)
        self.assertIn("(not validated) | ", run.stdout)

    def test_wrong_name(self):
        run, mark = self.check("implicit_wrongname", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_name_mismatch", step="tls")
        self.assertIn("mail.wrong-name.example", j["message"])
        self.assertIn("not localhost", j["message"])
        self.assertEqual(j["tls"]["sans"], ["mail.wrong-name.example"])
        s = self.one_session(mark, "implicit_wrongname", run)
        self.assertEqual(s.verbs, [])

    def test_expired(self):
        run, _ = self.check("implicit_expired", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_expired", step="tls")
        # Expired 2 days (and a few seconds) ago.
        self.assertEqual(j["tls"]["days_left"], -3, j["tls"])
        self.assertRegex(j["message"], r"expired on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, "
                                       r"2 days ago")
        # Its dates are checked even when the chain is not.
        run, _ = self.check("implicit_expired", "--tls", "implicit", "--insecure")
        self.assertCheck(run, "CRITICAL", "certificate_expired", step="tls")

    def test_expiring_in_3_days_against_thresholds(self):
        # 2 whole days and some hours left: below the default critical 7.
        run, _ = self.check("implicit_expiring", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_expiring", step="tls")
        self.assertEqual(j["tls"]["days_left"], 2)
        self.assertEqual((j["tls"]["warn_days"], j["tls"]["crit_days"]), (21, 7))
        self.assertIn("in 2 days (warning below 21 days, critical below 7)", j["message"])
        self.assertEqual(j["reply_code"], 220, "the server itself answered")
        # Critical only below 2 days: a warning.
        run, _ = self.check("implicit_expiring", "--tls", "implicit", "--cert-crit-days", "2")
        self.assertCheck(run, "WARNING", "certificate_expiring", step="tls")
        # Warning only below 2 days: fine.
        run, _ = self.check("implicit_expiring", "--tls", "implicit", "--cert-warn-days", "2",
                            "--cert-crit-days", "1")
        self.assertCheck(run, "OK", "ok", step="quit")
        port = FAULT.port("implicit_expiring")
        run = run_check(HOST, "--port", str(port), "--tls", "implicit", "--cert-crit-days", "2")
        self.assertEqual(run.rc, 1, run)
        line = run.stdout.rstrip("\n")
        self.assertTrue(line.startswith("SMTP WARNING - localhost:%d (127.0.0.1:%d): Certificate "
                                        "expiring soon" % (port, port)), line)
        _, perf = self.perfdata(line)
        self.assertEqual(perf["cert_days"], "2;21:;2:;;")

    def test_plaintext_server_fails_the_handshake_with_advice(self):
        run, _ = self.check("normal", "--tls", "implicit", "--timeout-ms", "3000",
                            budget_ms=3000)
        j = self.assertCheck(run, "CRITICAL", "tls_handshake_failed", step="tls")
        self.assertIn('it sent "220 normal.smtpwatch.test', j["message"])
        self.assertIn("try --tls starttls", j["message"])
        self.assertLess(j["timings_us"]["total"], 2000000, "not a timeout")

    def test_silent_server_times_out_in_tls_step(self):
        run, mark = self.check("silent", "--tls", "implicit", "--timeout-ms", "1500",
                               budget_ms=1500)
        j = self.assertCheck(run, "CRITICAL", "timeout", step="tls")
        self.assertIsNone(j["timings_us"]["greeting"])
        s = FAULT.sessions_since(mark, "silent")[0]
        # What it did send is a TLS ClientHello: a handshake record (22).
        hello = "".join(e["bytes"] for e in s.events if e["event"] == "recv")
        self.assertTrue(hello.startswith("\x16\x03"), repr(hello[:8]))
        self.assertIn(HOST, hello, "the ClientHello carries SNI")


class IntermediateTests(TlsTestCase):
    """Servers that do or do not send their intermediate certificate. The
    CA trusts both intermediates; Windows has ica_stored in its CA store (as
    it keeps those it fetched through AIA) and ica_unknown nowhere."""

    def test_unsent_intermediate_that_windows_has_is_a_warning(self):
        run, mark = self.check("implicit_unsent_intermediate", "--tls", "implicit",
                               "--send", "NOOP")
        j = self.assertCheck(run, "WARNING", "certificate_chain_incomplete", step="tls")
        # (Names read as the certificate has them; Wine keeps their order.)
        self.assertRegex(j["message"], r'the server does not send its intermediate '
                                       r'certificate\(s\) "[^"]*CN=SMTP Watch Test '
                                       r'Intermediate [0-9a-f]+[^"]*"; other '
                                       r'MTAs that do not fetch them will fail\.$')
        t = self.assertTls(j, run, issuer="SMTP Watch Test Intermediate")
        self.assertTrue(t["verified"], "the chain Windows completed is a good one")
        # The channel is trusted: the dialogue went on to its end.
        self.assertEqual(j["reply"], "250 2.0.0 Ok over TLS")
        s = self.one_session(mark, "implicit_unsent_intermediate", run)
        self.assertEqual(s.verbs_in_tls, ["EHLO", "NOOP", "QUIT"])
        port = FAULT.port("implicit_unsent_intermediate")
        run = run_check(HOST, "--port", str(port), "--tls", "implicit")
        self.assertEqual(run.rc, 1, run)
        self.assertTrue(run.stdout.startswith(
            "SMTP WARNING - localhost:%d (127.0.0.1:%d): Certificate chain incomplete: the "
            "server does not send its intermediate" % (port, port)), run)

    def test_unsent_intermediate_that_nobody_has_is_untrusted(self):
        # Wine's SSL policy accepts this chain; its TrustStatus says partial.
        run, mark = self.check("implicit_unknown_intermediate", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_untrusted", step="tls")
        self.assertRegex(j["message"], r'no chain up to a trusted root: the certificate '
                                       r'"[^"]*CN=localhost[^"]*" was issued by '
                                       r'"[^"]*CN=SMTP Watch Test Unknown Intermediate '
                                       r'[0-9a-f]+[^"]*", which the server does not send '
                                       r'and this machine does not have')
        self.assertFalse(j["tls"]["verified"])
        s = self.one_session(mark, "implicit_unknown_intermediate", run)
        self.assertEqual(s.verbs, [], "not a word through an untrusted channel")

    def test_server_that_sends_its_intermediate_is_ok(self):
        run, mark = self.check("implicit_with_intermediate", "--tls", "implicit")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run, issuer="SMTP Watch Test Unknown Intermediate")

    def test_intermediate_fetched_through_aia_is_a_warning(self):
        # Wine's chain engine fetches the caIssuers URL, as Windows does.
        before = len(AIA.requests())
        run, mark = self.check("implicit_aia_fetched", "--tls", "implicit")
        j = self.assertCheck(run, "WARNING", "certificate_chain_incomplete", step="tls")
        self.assertRegex(j["message"], r'does not send its intermediate certificate\(s\) '
                                       r'"[^"]*CN=SMTP Watch Test Fetched Intermediate')
        self.assertTrue(j["tls"]["verified"], run)
        fetched = AIA.requests()[before:]
        self.assertTrue(any("GET /ica_fetched.der " in r and '" 200 ' in r for r in fetched),
                        "the intermediate was not fetched: %r" % fetched)
        s = self.one_session(mark, "implicit_aia_fetched", run)
        self.assertEqual(s.verbs_in_tls, ["EHLO", "QUIT"])

    def test_aia_that_serves_nothing_is_untrusted(self):
        before = len(AIA.requests())
        run, mark = self.check("implicit_aia_unreachable", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_untrusted", step="tls")
        self.assertIn("which the server does not send and this machine does not have",
                      j["message"])
        self.assertTrue(any("GET /missing.der " in r for r in AIA.requests()[before:]),
                        "Windows did not even try the AIA URL")
        s = self.one_session(mark, "implicit_aia_unreachable", run)
        self.assertEqual(s.verbs, [])

    def test_intermediate_sent_and_also_stored_is_ok(self):
        run, _ = self.check("implicit_stored_and_sent", "--tls", "implicit")
        self.assertCheck(run, "OK", "ok", step="quit")

    def test_expiring_and_incomplete_says_both(self):
        # 2 days left: critical, and the missing intermediate is said too.
        run, _ = self.check("implicit_unsent_expiring", "--tls", "implicit")
        j = self.assertCheck(run, "CRITICAL", "certificate_expiring", step="tls")
        self.assertRegex(j["message"], r"expires on .*, in 2 days \(warning below 21 days, "
                                       r"critical below 7\); and the server does not send "
                                       r"its intermediate certificate")
        # Both warnings: the expiry is the outcome (it will turn critical),
        # the missing intermediate is still said.
        run, _ = self.check("implicit_unsent_expiring", "--tls", "implicit",
                            "--cert-crit-days", "2")
        j = self.assertCheck(run, "WARNING", "certificate_expiring", step="tls")
        self.assertIn("does not send its intermediate", j["message"])
        # Not expiring by these thresholds: the chain alone.
        run, _ = self.check("implicit_unsent_expiring", "--tls", "implicit",
                            "--cert-warn-days", "2", "--cert-crit-days", "1")
        self.assertCheck(run, "WARNING", "certificate_chain_incomplete", step="tls")


class AiosmtpdTlsTests(TlsTestCase):
    """aiosmtpd: STARTTLS (--tlscert) and implicit TLS (--smtpscert)."""

    @classmethod
    def setUpClass(cls):
        cls.procs, cls.logs = [], []
        cls.starttls_port, cls.smtps_port = free_port(), free_port()
        crt, key = str(CERTS / "trusted.pem"), str(CERTS / "trusted.key")
        for port, opts in ((cls.starttls_port, ["--tlscert", crt, "--tlskey", key]),
                           (cls.smtps_port, ["--smtpscert", crt, "--smtpskey", key])):
            log = open(os.path.join(WORKDIR, "aiosmtpd-%d.log" % port), "w")
            proc = subprocess.Popen([PY, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % port]
                                    + opts, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            cls.procs.append(proc)
            cls.logs.append(log)
            try:
                wait_for_port("127.0.0.1", port, 15, proc)
            except RuntimeError:
                cls.tearDownClass()
                raise

    @classmethod
    def tearDownClass(cls):
        for proc in cls.procs:
            stop_process(proc)
        for log in cls.logs:
            log.close()

    def test_starttls(self):
        run = run_check(HOST, "--port", str(self.starttls_port), "--json", "--tls",
                        "require-starttls", "--send", "NOOP")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        # aiosmtpd offers AUTH only over TLS: the capabilities are the new ones.
        self.assertIn("AUTH", j["capabilities"])
        self.assertNotIn("STARTTLS", j["capabilities"])

    def test_implicit_tls(self):
        run = run_check(HOST, "--port", str(self.smtps_port), "--json", "--tls", "implicit")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        self.assertIn("220 localhost Python SMTP", j["reply"])


class OpensslServerTests(TlsTestCase):
    """openssl s_server, implicit TLS: OpenSSL's TLS stack, not Python's.
    It speaks no SMTP; the lines it sends come from its stdin, all at once
    after the handshake: greeting, the answer to EHLO, the answer to QUIT
    (the checker reads a reply only after sending its command)."""

    def serve(self, cert, chain=None):
        """s_server with CERTS/cert.pem's first certificate; with `chain`
        (a file in CERTS) it sends that too. It builds no chain of its own
        from OpenSSL's default CA paths."""
        port = free_port()
        log = open(os.path.join(WORKDIR, "s_server-%s.log" % cert), "w")
        self.addCleanup(log.close)
        extra = ["-cert_chain", str(CERTS / chain)] if chain else []
        proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1",
             "-cert", str(CERTS / (cert + ".pem")), "-key", str(CERTS / (cert + ".key")),
             "-no-CAfile", "-no-CApath", "-no-CAstore", "-crlf", "-quiet"] + extra,
            stdin=subprocess.PIPE, stdout=log, stderr=log)
        self.addCleanup(stop_process, proc)
        self.addCleanup(proc.stdin.close)
        proc.stdin.write(b"220 s-server.smtpwatch.test ESMTP OpenSSL\n"
                         b"250 s-server.smtpwatch.test\n221 2.0.0 Bye\n")
        proc.stdin.flush()  # and kept open: EOF on stdin would end the session
        wait_for_port_quietly(port, 15, proc)
        return port

    def test_trusted_chain(self):
        port = self.serve("trusted")
        run = run_check(HOST, "--port", str(port), "--json", "--tls", "implicit")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run)
        self.assertEqual(j["reply"], "220 s-server.smtpwatch.test ESMTP OpenSSL")

    def test_self_signed(self):
        port = self.serve("selfsigned")
        run = run_check(HOST, "--port", str(port), "--json", "--tls", "implicit")
        self.assertCheck(run, "CRITICAL", "certificate_untrusted", step="tls")

    def test_leaf_without_its_intermediate(self):
        port = self.serve("unknown_intermediate")
        run = run_check(HOST, "--port", str(port), "--json", "--tls", "implicit")
        self.assertCheck(run, "CRITICAL", "certificate_untrusted", step="tls")
        port = self.serve("unsent_intermediate")
        run = run_check(HOST, "--port", str(port), "--json", "--tls", "implicit")
        self.assertCheck(run, "WARNING", "certificate_chain_incomplete", step="tls")

    def test_leaf_with_its_intermediate(self):
        port = self.serve("unknown_intermediate", chain="ica_unknown.pem")
        run = run_check(HOST, "--port", str(port), "--json", "--tls", "implicit")
        j = self.assertCheck(run, "OK", "ok", step="quit")
        self.assertTls(j, run, issuer="SMTP Watch Test Unknown Intermediate")


class EngineConcurrencyTests(TlsTestCase):
    """Many TLS checks of one server in one engine (bench/engine_bench.exe):
    they share one credential, one chain validation at a time per server and
    chain (the others wait for it), and its remembered verdict. Each check
    must still get the verdict a check of its own would get."""

    def bench(self, scenario, in_flight, total, *extra):
        if not ENGINE_BENCH or not os.path.isfile(ENGINE_BENCH):
            self.skipTest("engine_bench.exe not given")
        cmd = [str(WINE_RUN), str(ENGINE_BENCH), HOST, str(FAULT.port(scenario)),
               str(in_flight), str(total), "--tls", "implicit"] + list(extra)
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=120)
        return proc.returncode, proc.stdout + proc.stderr

    def test_concurrent_checks_of_a_trusted_server(self):
        rc, out = self.bench("implicit_trusted", 20, 60)
        self.assertEqual(rc, 0, out)
        self.assertIn("checks=60 ok=60 failures=0", out)

    def test_concurrent_checks_share_a_negative_verdict(self):
        rc, out = self.bench("implicit_wrongname", 20, 60)
        self.assertEqual(rc, 1, out)
        self.assertIn("checks=60 ok=0 failures=60", out)
        self.assertIn("60 x certificate_name_mismatch", out)
        # ... and --insecure checks of it are not served that verdict.
        rc, out = self.bench("implicit_wrongname", 20, 40, "--insecure")
        self.assertEqual(rc, 0, out)

    def test_cached_incomplete_chain_and_expiry_judged_each_time(self):
        # The chain's verdict is shared; the expiry is judged by every check.
        rc, out = self.bench("implicit_unsent_intermediate", 10, 30)
        self.assertEqual(rc, 1, out)
        self.assertIn("30 x certificate_chain_incomplete", out)
        rc, out = self.bench("implicit_unsent_expiring", 10, 30)
        self.assertEqual(rc, 1, out)
        self.assertIn("30 x certificate_expiring", out)
        rc, out = self.bench("implicit_unknown_intermediate", 10, 20)
        self.assertIn("20 x certificate_untrusted", out)

    def test_cached_verdict_is_per_chain(self):
        # Same host name, other certificates: a verdict of its own each.
        for scenario, outcome in (("implicit_selfsigned", "certificate_untrusted"),
                                  ("implicit_expired", "certificate_expired")):
            rc, out = self.bench(scenario, 10, 20)
            self.assertEqual(rc, 1, out)
            self.assertIn("20 x %s" % outcome, out)


def wait_for_port_quietly(port, timeout_s, proc):
    """s_server -naccept 1 serves one connection only: a probe would use it
    up. Wait for its listening socket in /proc/net/tcp instead."""
    want = ":%04X" % port
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("openssl s_server exited with %s" % proc.returncode)
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1].endswith(want) and fields[3] == "0A":  # LISTEN
                    return
        time.sleep(0.05)
    raise RuntimeError("openssl s_server is not listening on %d" % port)


def main():
    global EXE, INSTALL_ROOT_CERT, ENGINE_BENCH
    argv = sys.argv[1:]
    if len(argv) >= 2 and argv[0].lower().endswith(".exe") and argv[1].lower().endswith(".exe"):
        EXE, INSTALL_ROOT_CERT = argv[0], argv[1]
        argv = argv[2:]
        if argv and argv[0].lower().endswith(".exe"):
            ENGINE_BENCH = argv.pop(0)
    else:
        EXE = os.environ.get("SW_SMTPWATCH_EXE")
        INSTALL_ROOT_CERT = os.environ.get("SW_INSTALL_ROOT_CERT_EXE")
    unittest.main(argv=[sys.argv[0]] + argv, verbosity=2)


if __name__ == "__main__":
    main()
