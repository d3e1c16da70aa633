#!/usr/bin/python3
"""The engine's pieces for the domain checks (issue 18), under Wine, with
real servers on loopback:

- the MTA-STS policy fetch (sw_engine_https_get, through
  tests/tools/engine_fetch.exe): the policy host's name resolved by the
  private validating Unbound of tests/fixtures/dns_servers.py (never the
  machine's resolver or hosts file), the policy served by
  tests/fixtures/mta_sts_server.py on a free port of 127.0.0.1 with
  certificates from the test CA, which this test's own Wine prefix trusts
  (install_root_cert.exe). Cases: a policy read (200, text/plain); a 301
  not followed; a 404; another media type; a certificate for another name
  refused before anything is asked; a body over 64 KiB refused and one of
  exactly 64 KiB read; a name that does not exist; a refused port; a
  server that accepts and never answers, ended by the budget;
- the chain a STARTTLS check presents with want_chain (aiosmtpd with the
  test CA's certificates), compared with the certificate files' DER, and
  tls_trust_advisory letting a check through an untrusted chain while it
  says so.

Usage: test_engine_fetch.py ENGINE_FETCH_EXE INSTALL_ROOT_CERT_EXE
       [unittest args]
SW_ENGINE_FETCH_PREFIX names the Wine prefix (its own: it changes the Root
store)."""

import os
import socket
import ssl
import sys
import threading
import unittest
from pathlib import Path

import harness
from harness import refused_port, start_aiosmtpd, stop_process

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from dns_servers import DnsServers  # noqa: E402
from domain_fixture import PolicyServer, policy_text  # noqa: E402

EXE = INSTALL_ROOT_CERT = None
PREFIX = WORKDIR = CERTS = None
TEST_CA = DNS = POLICIES = None
RESOLVER = None  # "127.0.0.1:PORT" of the validating Unbound

# The policy hosts of the cases: each mta-sts.NAME resolves to 127.0.0.1
# in the test zone; all but "nocert" have a certificate for their name.
DOMAINS = ["redirect", "gone", "html", "big", "edge", "nocert", "silent"]
POLICY = policy_text("enforce", ["mx1.example.test", "*.example.test"], max_age=604800)
LIMIT = 64 * 1024


def domain(name):
    return "%s.example.test" % name


def setUpModule():
    global PREFIX, WORKDIR, CERTS, TEST_CA, DNS, POLICIES, RESOLVER
    harness.require_files("test_engine_fetch.py ENGINE_FETCH_EXE INSTALL_ROOT_CERT_EXE",
                          EXE, INSTALL_ROOT_CERT)
    PREFIX = Path(os.environ.get("SW_ENGINE_FETCH_PREFIX") or
                  Path(EXE).resolve().parents[2] / "engine-fetch-wineprefix")
    hosts = ["mta-sts.example.test", "mx1.example.test"] + [
        "mta-sts." + domain(d) for d in DOMAINS if d != "nocert"]
    TEST_CA = harness.TrustedCaPrefix(PREFIX, INSTALL_ROOT_CERT, "engine-fetch", hosts)
    WORKDIR = TEST_CA.workdir
    CERTS = TEST_CA.start().certs
    DNS = DnsServers(WORKDIR / "dns", ["mta-sts.%s A 127.0.0.1" % d for d in DOMAINS],
                     lifetime_s=900)
    DNS.start()
    RESOLVER = "127.0.0.1:%d" % DNS.resolver_port
    POLICIES = PolicyServer(WORKDIR / "policies", CERTS, lifetime_s=900)
    POLICIES.set_policy("example.test", POLICY)
    POLICIES.set_policy(domain("redirect"), POLICY)
    POLICIES.set_status(domain("redirect"), 301)
    POLICIES.set_policy(domain("html"), POLICY)
    (POLICIES.root / (domain("html") + ".type")).write_text("text/html; charset=utf-8\n")
    POLICIES.set_policy(domain("big"), POLICY + "#" * (LIMIT + 1 - len(POLICY)))
    POLICIES.set_policy(domain("edge"), POLICY + "#" * (LIMIT - len(POLICY)))
    POLICIES.set_policy(domain("nocert"), POLICY)
    POLICIES.start()


def tearDownModule():
    for part in (POLICIES, DNS):
        if part:
            part.stop()
    if TEST_CA:
        TEST_CA.close()


def run_tool(*args, timeout=90):
    """engine_fetch.exe ARGS: ({key: value}, body text, whole stdout)."""
    proc = harness.run_wine(harness.wine_env(PREFIX), EXE, *args, timeout=timeout,
                            check=False)
    if proc.returncode != 0:
        raise AssertionError("engine_fetch %s exited with %d:\n%s%s"
                             % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
    head, _, body = proc.stdout.replace("\r\n", "\n").partition("body:\n")
    fields, certs = {}, []
    for line in head.splitlines():
        if line.startswith("cert "):
            certs.append(bytes.fromhex(line.split()[2]))
        else:
            key, _, value = line.partition("=")
            fields[key] = value
    fields["certs"] = certs
    return fields, body, proc.stdout


def fetch(name, *options):
    return run_tool("policy", name, "--dns-server", RESOLVER, "--port", str(POLICIES.port),
                    "--timeout-ms", "8000", *options)


def served(host):
    return [r for r in POLICIES.requests() if (r["host"] or "").startswith(host + ":")]


class PolicyFetch(unittest.TestCase):
    maxDiff = None

    def test_policy_is_read(self):
        r, body, out = fetch("example.test")
        self.assertEqual(r["outcome"], "ok", out)
        self.assertEqual(r["http_status"], "200")
        self.assertEqual(r["content_type"], "text/plain")
        self.assertEqual((r["verified"], r["cert_outcome"]), ("1", "ok"))
        self.assertEqual(r["peer"], "127.0.0.1:%d" % POLICIES.port)
        self.assertEqual(r["url"], "https://mta-sts.example.test:%d/.well-known/mta-sts.txt"
                         % POLICIES.port)
        self.assertEqual(body, POLICY)
        self.assertEqual(r["detail"], "")
        asked = served("mta-sts.example.test")[-1]
        self.assertEqual((asked["sni"], asked["path"], asked["status"]),
                         ("mta-sts.example.test", "/.well-known/mta-sts.txt", 200))

    def test_redirect_is_not_followed(self):
        r, body, out = fetch(domain("redirect"))
        self.assertEqual(r["outcome"], "redirect", out)
        self.assertEqual(r["http_status"], "301")
        self.assertEqual(r["location"], "https://mta-sts.%s/elsewhere" % domain("redirect"))
        self.assertIn("redirects are not followed", r["detail"])
        self.assertEqual(body, "")
        paths = [q["path"] for q in served("mta-sts." + domain("redirect"))]
        self.assertEqual(paths, ["/.well-known/mta-sts.txt"])  # never /elsewhere

    def test_not_found(self):
        r, body, out = fetch(domain("gone"))
        self.assertEqual(r["outcome"], "http_status", out)
        self.assertEqual(r["http_status"], "404")
        self.assertIn("answered 404, not 200", r["detail"])
        self.assertEqual(body, "")

    def test_other_media_type_is_refused(self):
        r, body, out = fetch(domain("html"))
        self.assertEqual(r["outcome"], "wrong_content_type", out)
        self.assertEqual(r["content_type"], "text/html; charset=utf-8")
        self.assertIn("not text/plain", r["detail"])
        self.assertEqual(body, "")

    def test_certificate_for_another_name_is_refused(self):
        r, body, out = fetch(domain("nocert"))
        self.assertEqual(r["outcome"], "certificate_refused", out)
        self.assertEqual((r["verified"], r["cert_outcome"]),
                         ("0", "certificate_name_mismatch"))
        self.assertIn("mta-sts.%s" % domain("nocert"), r["detail"])
        # The request was never sent to a host that is not who it should be.
        self.assertEqual(served("mta-sts." + domain("nocert")), [])

    def test_body_over_the_limit_is_refused(self):
        r, body, out = fetch(domain("big"))
        self.assertEqual(r["outcome"], "too_big", out)
        self.assertIn("%d octets, more than the %d allowed" % (LIMIT + 1, LIMIT), r["detail"])
        self.assertEqual(body, "")
        r, body, out = fetch(domain("edge"))
        self.assertEqual(r["outcome"], "ok", out)
        self.assertEqual((r["body_len"], len(body)), (str(LIMIT), LIMIT))

    def test_name_that_does_not_exist(self):
        r, _, out = fetch(domain("nothere"))
        self.assertEqual(r["outcome"], "resolve_failed", out)
        self.assertIn("does not exist", r["detail"])

    def test_refused_port(self):
        r, _, out = run_tool("policy", "example.test", "--dns-server", RESOLVER, "--port",
                             str(refused_port()), "--timeout-ms", "8000")
        self.assertEqual(r["outcome"], "connect_failed", out)
        self.assertIn("127.0.0.1", r["detail"])

    def test_server_that_never_answers_ends_with_the_budget(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        self.addCleanup(silent.close)
        held = []
        stop = threading.Event()

        def accept():  # takes connections and says nothing, until the test ends
            silent.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(silent.accept()[0])
                except OSError:
                    pass
        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        self.addCleanup(lambda: [c.close() for c in held])
        self.addCleanup(thread.join, 5)
        self.addCleanup(stop.set)
        r, _, out = run_tool("policy", domain("silent"), "--dns-server", RESOLVER, "--port",
                             str(silent.getsockname()[1]), "--timeout-ms", "2000",
                             timeout=60)
        self.assertEqual(r["outcome"], "timeout", out)
        self.assertIn("within 2000 ms (in the TLS handshake with 127.0.0.1:", r["detail"])
        self.assertEqual(len(held), 1)


def der(pem_path, index=0):
    """The DER of the index-th certificate of a PEM file."""
    blocks = Path(pem_path).read_text().split("-----END CERTIFICATE-----")
    return ssl.PEM_cert_to_DER_cert(blocks[index].strip() + "\n-----END CERTIFICATE-----\n")


class PresentedChain(unittest.TestCase):
    def smtp(self, stem):
        server = start_aiosmtpd(args=["--tlscert", str(CERTS / (stem + ".pem")),
                                      "--tlskey", str(CERTS / (stem + ".key"))])
        self.addCleanup(stop_process, server)
        return server.port

    def test_starttls_check_keeps_the_chain_it_was_sent(self):
        port = self.smtp("host-mx1.example.test")
        r, _, out = run_tool("chain", "localhost", str(port), "--insecure")
        self.assertEqual(r["outcome"], "ok", out)
        self.assertEqual((r["chain"], r["chain_truncated"]), ("2", "0"))
        self.assertEqual(r["certs"], [(CERTS / "host-mx1.example.test.der").read_bytes(),
                                      (CERTS / "ca.der").read_bytes()])

    def test_chain_is_ordered_by_issuer(self):
        # The leaf and the intermediate that issued it (which no store
        # knows; the CA above it is trusted): leaf first, then its issuer.
        port = self.smtp("with_intermediate")
        pem = CERTS / "with_intermediate.pem"
        r, _, out = run_tool("chain", "localhost", str(port))
        self.assertEqual(r["outcome"], "ok", out)
        self.assertEqual(r["certs"], [der(pem, 0), der(pem, 1)])
        self.assertEqual(der(pem, 1), (CERTS / "ica_unknown.der").read_bytes())
        self.assertEqual((r["cert_judged"], r["cert_outcome"]), ("1", "ok"))

    def test_chain_is_kept_when_the_check_fails(self):
        port = self.smtp("selfsigned")
        r, _, out = run_tool("chain", "localhost", str(port))
        self.assertEqual(r["outcome"], "certificate_untrusted", out)
        self.assertEqual(r["certs"], [der(CERTS / "selfsigned.pem")])
        self.assertEqual((r["cert_judged"], r["cert_outcome"]), ("1", "certificate_untrusted"))

    def test_advisory_trust_goes_on_and_says_why(self):
        # Self-signed (as a DANE-EE host may be), and for another name.
        for stem, verdict in (("selfsigned", "certificate_untrusted"),
                              ("wrongname", "certificate_name_mismatch")):
            port = self.smtp(stem)
            r, _, out = run_tool("chain", "localhost", str(port), "--advisory")
            self.assertEqual(r["outcome"], "ok", out)
            self.assertEqual(r["verified"], "0")
            self.assertEqual((r["cert_judged"], r["cert_outcome"]), ("1", verdict))
            self.assertNotEqual(r["cert_detail"], "")
            self.assertEqual(r["certs"][0], der(CERTS / (stem + ".pem")))
        # Without the flag the same certificate ends the check.
        r, _, out = run_tool("chain", "localhost", str(port))
        self.assertEqual(r["outcome"], "certificate_name_mismatch", out)
        # A trusted chain: judged OK; a chain not asked for is not kept.
        port = self.smtp("trusted")
        r, _, out = run_tool("chain", "localhost", str(port), "--advisory", "--no-chain")
        self.assertEqual(r["outcome"], "ok", out)
        self.assertEqual((r["verified"], r["cert_judged"], r["cert_outcome"]),
                         ("1", "1", "ok"))
        self.assertEqual(r["chain"], "none")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        sys.exit(2)
    EXE, INSTALL_ROOT_CERT = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
