#!/usr/bin/python3
"""AUTH XOAUTH2 with a token fetched by the OAuth 2.0 client credentials
flow, end to end under Wine: tests/tools/oauth_check.exe runs checks
through one check engine (engine_oauth.c: the token fetched with WinHTTP on
the thread pool, kept in the process's cache), against the loopback servers
of tests/fixtures/oauth_servers.py, which run in this process and share
what was issued:

  - an HTTPS token endpoint whose certificate the test CA signed, the CA
    put into this test's Wine prefix's Root store by install_root_cert.exe
    (as test_check_tls.py does); it counts requests, issues tokens with a
    set lifetime, and refuses (401 invalid_client) when told to or when
    the secret is wrong;
  - an SMTP server with STARTTLS that offers AUTH XOAUTH2 only and takes
    only a token the endpoint issued, not expired nor revoked.

Cases: a fresh token; a second check of the engine using the cached token
(one request); a token expiring between two checks (fetched again); a
token the SMTP server refuses (auth_failed, and the next check fetches a
new one); the endpoint refusing (oauth_token_failed with invalid_client);
a wrong secret, never printed; an endpoint too slow for the check's budget;
an endpoint nobody answers at.

Usage: test_oauth.py OAUTH_CHECK_EXE INSTALL_ROOT_CERT_EXE [unittest args]
SW_OAUTH_TEST_PREFIX names the Wine prefix (its own: it changes the Root
store)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
from harness import free_port, refused_port, win_path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(FIXTURES))
from oauth_servers import TokenEndpoint, XOAuth2Server  # noqa: E402

USER = "monitor@contoso.example"
CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
SECRET = "Qx8~R2.client_SECRET-value_4711"
WRONG_SECRET = "Wr0ng~secret.VALUE_0815"
SCOPE = "https://outlook.office365.com/.default"

EXE = INSTALL_ROOT_CERT = None
PREFIX = WORKDIR = CERTS = None
TEST_CA = None


def secret_file(text):
    path = Path(WORKDIR) / ("secret-%d.txt" % abs(hash(text)))
    path.write_text(text + "\n")
    return win_path(path)


def run_checks(smtp, endpoint, *options, secret=SECRET, url=None, after_each=None):
    """oauth_check.exe: (exit code, [result JSON per check], whole output).
    after_each(i) runs as soon as check i has printed its result, while the
    tool pauses before the next (--pause-ms)."""
    args = [EXE, "127.0.0.1", str(smtp.port), USER, url or endpoint.url, CLIENT_ID,
            secret_file(secret), SCOPE] + list(options)
    results, lines = [], []
    with subprocess.Popen(["wine"] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", env=harness.wine_env(PREFIX)) as proc:
        try:
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("{"):
                    result = json.loads(line)
                    result["transcript"] = "\n".join(result["transcript"])
                    results.append(result)
                elif line.startswith("outcome=") and after_each:
                    after_each(len(results) - 1)
            err = proc.stderr.read()
            proc.wait(120)
        finally:
            harness.stop_process(proc)
    return proc.returncode, results, "".join(lines) + err


def setUpModule():
    global PREFIX, WORKDIR, CERTS, TEST_CA
    harness.require_files("test_oauth.py OAUTH_CHECK_EXE INSTALL_ROOT_CERT_EXE", EXE,
                          INSTALL_ROOT_CERT)
    PREFIX = Path(os.environ.get("SW_OAUTH_TEST_PREFIX") or
                  Path(EXE).resolve().parents[2] / "oauth-wineprefix")
    TEST_CA = harness.TrustedCaPrefix(PREFIX, INSTALL_ROOT_CERT, "oauth")
    WORKDIR = TEST_CA.workdir
    CERTS = TEST_CA.start().certs


def tearDownModule():
    if TEST_CA:
        TEST_CA.close()


class XOAuth2Tests(unittest.TestCase):
    """Each test has its own endpoint and server (the process's cache lives
    only as long as one oauth_check.exe)."""
    maxDiff = None

    def servers(self, expires_in=3600):
        endpoint = TokenEndpoint(CERTS, CLIENT_ID, SECRET, SCOPE, expires_in=expires_in)
        self.addCleanup(endpoint.stop)
        smtp = XOAuth2Server(CERTS, endpoint, USER, free_port())
        self.addCleanup(smtp.stop)
        return endpoint, smtp

    def assertNoSecret(self, out, endpoint):
        for secret in (SECRET, WRONG_SECRET):
            self.assertNotIn(secret, out)
        for token in list(endpoint.issued):
            self.assertNotIn(token, out)  # the transcript shows "AUTH XOAUTH2 ****"

    def test_fresh_token_then_the_cached_one(self):
        endpoint, smtp = self.servers()
        rc, results, out = run_checks(smtp, endpoint, "--checks", "2")
        self.assertEqual(rc, 0, out)
        self.assertEqual([r["outcome"] for r in results], ["ok", "ok"])
        self.assertEqual(results[0]["reply_code"], 235)
        self.assertIn("AUTH XOAUTH2 ****", results[0]["transcript"])
        # One token for both checks of the engine.
        self.assertEqual(endpoint.request_count(), 1)
        self.assertEqual(smtp.handler.attempts, [(USER, True), (USER, True)])
        form = endpoint.requests[0]
        self.assertEqual((form["grant_type"], form["client_id"], form["client_secret"],
                          form["scope"], form["content_type"], form["path"]),
                         ("client_credentials", CLIENT_ID, "right", SCOPE,
                          "application/x-www-form-urlencoded",
                          "/contoso.example/oauth2/v2.0/token"))
        self.assertNoSecret(out, endpoint)

    def test_token_expiring_between_checks_is_fetched_again(self):
        # A 2 s token is used for 1 s (half its life); the server refuses it
        # once it has expired, so a stale cache would be auth_failed.
        endpoint, smtp = self.servers(expires_in=2)
        rc, results, out = run_checks(smtp, endpoint, "--checks", "2", "--pause-ms", "2500")
        self.assertEqual(rc, 0, out)
        self.assertEqual([r["outcome"] for r in results], ["ok", "ok"])
        self.assertEqual(endpoint.request_count(), 2)
        self.assertNoSecret(out, endpoint)

    def test_token_refused_by_the_server_leaves_the_cache(self):
        # Every token issued so far is revoked at the server once the first
        # check is done: the second check's cached token gets the error
        # challenge and 535 (auth_failed), and the third fetches a new one
        # instead of failing until the old one expires.
        endpoint, smtp = self.servers()
        rc, results, out = run_checks(
            smtp, endpoint, "--checks", "3", "--pause-ms", "1500",
            after_each=lambda i: i == 0 and endpoint.revoke_all())
        self.assertEqual([r["outcome"] for r in results], ["ok", "auth_failed", "ok"], out)
        self.assertEqual(results[1]["reply_code"], 535)
        self.assertIn("the server refused the OAuth access token (its error challenge "
                      "gave status 401)", results[1]["message"])
        self.assertEqual(endpoint.request_count(), 2)
        self.assertNoSecret(out, endpoint)

    def test_endpoint_refusing_is_oauth_token_failed(self):
        endpoint, smtp = self.servers()
        endpoint.refuse = True
        rc, results, out = run_checks(smtp, endpoint)
        self.assertEqual(rc, 1, out)
        self.assertEqual(results[0]["outcome"], "oauth_token_failed")
        self.assertEqual(results[0]["status"], "CRITICAL")
        self.assertEqual(results[0]["step"], "auth")
        self.assertIn("the token endpoint refused the client (HTTP 401): invalid_client "
                      "(AADSTS7000215: Invalid client secret provided.",
                      results[0]["message"])
        self.assertNotIn("C: AUTH", results[0]["transcript"])  # nothing was tried
        self.assertEqual(smtp.handler.attempts, [])

    def test_wrong_secret_is_never_printed(self):
        endpoint, smtp = self.servers()
        rc, results, out = run_checks(smtp, endpoint, "--checks", "2", secret=WRONG_SECRET)
        self.assertEqual(rc, 1, out)
        self.assertEqual([r["outcome"] for r in results], ["oauth_token_failed"] * 2)
        # Refusals are not cached: each check asked.
        self.assertEqual(endpoint.request_count(), 2)
        self.assertEqual(endpoint.requests[0]["client_secret"], "wrong")
        self.assertNoSecret(out, endpoint)
        self.assertNotIn("Wr0ng", out)

    def test_endpoint_too_slow_for_the_budget(self):
        # The check's one budget covers the token request: it times out in
        # the AUTH step, and the request (abandoned by the check, bounded by
        # what was left of the budget) does not keep the tool from ending.
        endpoint, smtp = self.servers()
        endpoint.stall_s = 8
        rc, results, out = run_checks(smtp, endpoint, "--timeout-ms", "3000")
        self.assertEqual(rc, 1, out)
        self.assertEqual((results[0]["outcome"], results[0]["step"]), ("timeout", "auth"))
        self.assertIn("the OAuth access token was not fetched in time", results[0]["message"])
        self.assertEqual(smtp.handler.attempts, [])

    def smtpwatch_check(self, smtp, endpoint, secret=SECRET):
        """`smtpwatch check` with the XOAUTH2 options a user types: (exit
        code, the JSON result, whole output)."""
        exe = os.environ.get("SW_SMTPWATCH_EXE")
        if not exe or not os.path.isfile(exe):
            self.fail("SW_SMTPWATCH_EXE does not name smtpwatch.exe (%r)" % exe)
        args = [exe, "check", "127.0.0.1", "--port", str(smtp.port), "--tls",
                "require-starttls", "--timeout-ms", "20000", "--auth-user", USER,
                "--auth-mech", "XOAUTH2", "--oauth-token-url", endpoint.url,
                "--oauth-client-id", CLIENT_ID, "--oauth-client-secret-file",
                secret_file(secret), "--oauth-scope", SCOPE, "--json"]
        proc = subprocess.run(["wine"] + args, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace",
                              timeout=120, env=harness.wine_env(PREFIX))
        out = proc.stdout + proc.stderr
        try:
            result = json.loads(proc.stdout)
        except ValueError:
            self.fail("not JSON:\n" + out)
        return proc.returncode, result, out

    def test_smtpwatch_check_with_the_oauth_options(self):
        endpoint, smtp = self.servers()
        rc, result, out = self.smtpwatch_check(smtp, endpoint)
        self.assertEqual((rc, result["outcome"], result["reply_code"]), (0, "ok", 235), out)
        self.assertIn("AUTH XOAUTH2 ****", "\n".join(result["transcript"]))
        self.assertEqual(endpoint.request_count(), 1)
        self.assertNoSecret(out, endpoint)
        rc, result, out = self.smtpwatch_check(smtp, endpoint, secret=WRONG_SECRET)
        self.assertEqual((rc, result["outcome"]), (2, "oauth_token_failed"), out)
        self.assertIn("invalid_client", result["message"])
        self.assertNoSecret(out, endpoint)

    def test_a_stored_rule_keeps_its_token_in_the_service(self):
        """The service: the client secret given once (kept with DPAPI), one
        token for every check of the rule until it nears its expiry."""
        exe, svc = os.environ.get("SW_SMTPWATCH_EXE"), os.environ.get("SW_SVC_EXE")
        if not (exe and svc and os.path.isfile(exe) and os.path.isfile(svc)):
            self.fail("SW_SMTPWATCH_EXE / SW_SVC_EXE do not name the programs")
        endpoint, smtp = self.servers()
        env = harness.wine_env(PREFIX)

        def cli(*args):
            return subprocess.run(["wine", exe] + [str(a) for a in args],
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, errors="replace", timeout=60, env=env)

        data = Path(tempfile.mkdtemp(prefix="svc-", dir=WORKDIR))
        service = harness.ConsoleService(
            svc, data, env, lambda: cli("service", "info", "--json").returncode == 0,
            unit_ms=100)
        self.addCleanup(service.stop)
        add = cli("rules", "add", "127.0.0.1", "--port", smtp.port, "--tls",
                  "require-starttls", "--timeout-ms", "20000", "--interval-s", "10",
                  "--auth-user", USER, "--auth-mech", "XOAUTH2", "--oauth-token-url",
                  endpoint.url, "--oauth-client-id", CLIENT_ID,
                  "--oauth-client-secret-file", secret_file(SECRET), "--oauth-scope",
                  SCOPE, "--json")
        self.assertEqual(add.returncode, 0, add.stdout + add.stderr)
        rule = json.loads(add.stdout)
        self.assertTrue(rule["oauth_client_secret"])

        def three_ok():
            rows = json.loads(cli("history", rule["id"], "--json").stdout or "[]")
            return len(rows) >= 3 and all(r["outcome"] == "ok" for r in rows[:3])
        harness.wait_for(three_ok, 60, 0.5, "three good checks of the stored rule")
        self.assertEqual(endpoint.request_count(), 1)  # the service's cache
        shown = cli("rules", "show", rule["id"]).stdout
        self.assertIn("OAuth client secret:         set", shown)
        self.assertNoSecret(shown + service.console(), endpoint)
        stored = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
        self.assertNotIn(SECRET.encode(), stored)

    def test_unreachable_endpoint(self):
        endpoint, smtp = self.servers()
        url = "https://localhost:%d/contoso.example/oauth2/v2.0/token" % refused_port()
        rc, results, out = run_checks(smtp, endpoint, url=url)
        self.assertEqual(rc, 1, out)
        self.assertEqual(results[0]["outcome"], "oauth_token_failed")
        self.assertIn("could not get an OAuth token from https://localhost:",
                      results[0]["message"])
        self.assertNoSecret(out, endpoint)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: test_oauth.py OAUTH_CHECK_EXE INSTALL_ROOT_CERT_EXE [unittest args]")
    EXE, INSTALL_ROOT_CERT = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main()
