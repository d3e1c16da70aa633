"""The real parts the domain checks (issue 18) will run against, proven
with Python's own clients before smtpwatch uses them (so that a failure of
a --domain test later is the check's, not the rig's):

- the HTTPS policy server (tests/fixtures/mta_sts_server.py) serves each
  domain's policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a
  certificate for that name from the test CA, as text/plain; a client that
  does not trust the CA, or asks for a name it has no certificate for, is
  refused; a policy changed during the test is served changed at once; the
  statuses a test sets (404, 301) are served;
- Postfix as five MX hosts (tests/fixtures/postfix_instance.sh --mx) on
  127.0.0.2-5 and ::1, one port: each answers 220 with its own name, offers
  STARTTLS where configured and not elsewhere, and its certificate is
  valid for its name under the test CA.

Linux answers all of 127.0.0.0/8 on loopback without any configuration;
::1 is the only IPv6 address used. Needs root (Postfix)."""

import http.client
import smtplib
import socket
import ssl
import sys
import tempfile
import unittest
from pathlib import Path

from domain_fixture import MxHost, MxHosts, PolicyServer, policy_text
from harness import make_certs
from postfix_fixture import require_mail_servers

HOSTS = [
    MxHost("127.0.0.2", "mx1.example.test"),
    MxHost("127.0.0.3", "mx2.example.test"),
    MxHost("127.0.0.4", "mx3.example.test", tls=False),
    MxHost("127.0.0.5", "mx4.other.test"),
    MxHost("::1", "mx6.example.test", tls=False),
]
DOMAINS = ["example.test", "other.test"]


def read_policy(text):
    """Python's own reading of a policy body: {key: [values]}."""
    fields = {}
    for line in text.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), []).append(value.strip())
    return fields


class Rig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_mail_servers()
        # Under /tmp, which the postfix user may enter (a build tree may not).
        cls.tmp = tempfile.TemporaryDirectory(prefix="sw-domain-rig-")
        cls.addClassCleanup(cls.tmp.cleanup)
        tmp = Path(cls.tmp.name)
        tmp.chmod(0o755)
        names = [h.name for h in HOSTS] + ["mta-sts." + d for d in DOMAINS]
        cls.certs = make_certs(tmp / "certs", names)
        cls.ca = str(cls.certs / "ca.pem")
        cls.policies = PolicyServer(tmp / "policies", cls.certs, lifetime_s=600)
        cls.policies.set_policy("example.test", policy_text(
            "enforce", ["mx1.example.test", "*.example.test"], max_age=604800))
        cls.policies.set_policy("other.test", policy_text(
            "testing", ["mx4.other.test"], line_end="\r\n"))
        cls.policies.start()
        cls.addClassCleanup(cls.policies.stop)
        cls.mx = MxHosts(tmp / "postfix", cls.certs, HOSTS)
        cls.mx.start()
        cls.addClassCleanup(cls.mx.stop)

    # ---- the policy server ----

    def fetch(self, domain, cafile=None, path="/.well-known/mta-sts.txt"):
        ctx = ssl.create_default_context(cafile=cafile or self.ca)
        conn = http.client.HTTPSConnection("mta-sts." + domain, self.policies.port,
                                           context=ctx, timeout=10)
        # Connect to the server on loopback while TLS and Host use the name.
        conn.sock = ctx.wrap_socket(
            socket.create_connection(("127.0.0.1", self.policies.port), timeout=10),
            server_hostname="mta-sts." + domain)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type"), resp.read().decode()
        finally:
            conn.close()

    def test_policy_served_over_https(self):
        status, ctype, body = self.fetch("example.test")
        self.assertEqual(status, 200)
        self.assertEqual(ctype, "text/plain")
        self.assertEqual(read_policy(body), {
            "version": ["STSv1"], "mode": ["enforce"],
            "mx": ["mx1.example.test", "*.example.test"], "max_age": ["604800"]})
        status, _, body = self.fetch("other.test")
        self.assertEqual(status, 200)
        self.assertIn("\r\n", body)
        self.assertEqual(read_policy(body)["mode"], ["testing"])
        last = self.policies.requests()[-1]
        self.assertEqual((last["sni"], last["host"], last["status"]),
                         ("mta-sts.other.test", "mta-sts.other.test:%d" % self.policies.port,
                          200))

    def test_certificate_is_checked(self):
        # Trusting another CA (the system's): the test CA's certificate is refused.
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.fetch("example.test", cafile="/etc/ssl/certs/ca-certificates.crt")
        # A name with no certificate of its own gets localhost's: a mismatch.
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            self.fetch("nopolicy.test")
        self.assertIn("Hostname mismatch", str(caught.exception))

    def test_policy_changes_and_statuses(self):
        self.policies.set_policy("changing.test", policy_text("testing", ["a.changing.test"]))
        self.assertEqual(read_policy(self.fetch("example.test")[2])["mode"], ["enforce"])
        self.policies.set_policy("example.test", policy_text("none", [], max_age=1))
        try:
            self.assertEqual(read_policy(self.fetch("example.test")[2]),
                             {"version": ["STSv1"], "mode": ["none"], "max_age": ["1"]})
            self.policies.set_status("example.test", 404)
            self.assertEqual(self.fetch("example.test")[0], 404)
            self.policies.set_status("example.test", 301)
            self.assertEqual(self.fetch("example.test")[0], 301)
        finally:
            self.policies.set_status("example.test", None)
            self.policies.set_policy("example.test", policy_text(
                "enforce", ["mx1.example.test", "*.example.test"], max_age=604800))
        self.assertEqual(self.fetch("example.test")[0], 200)
        self.assertEqual(self.fetch("example.test", path="/other")[0], 404)
        self.policies.remove_policy("changing.test")

    # ---- the MX hosts ----

    def test_every_mx_answers_as_configured(self):
        for host in HOSTS:
            with self.subTest(host=host.name):
                family = socket.AF_INET6 if ":" in host.address else socket.AF_INET
                smtp = smtplib.SMTP(timeout=10)
                try:
                    code, banner = smtp.connect(host.address, self.mx.port)
                    self.assertEqual(code, 220)
                    self.assertTrue(banner.decode().startswith(host.name + " "), banner)
                    self.assertEqual(smtp.sock.family, family)
                    self.assertEqual(smtp.sock.getpeername()[0], host.address)
                    code, _ = smtp.ehlo("rig.smtpwatch.test")
                    self.assertEqual(code, 250)
                    self.assertEqual(smtp.has_extn("starttls"), host.tls)
                    if host.tls:
                        self.check_certificate(smtp, host.name)
                finally:
                    smtp.close()

    def check_certificate(self, smtp, name):
        """STARTTLS with only the test CA trusted and `name` checked."""
        ctx = ssl.create_default_context(cafile=self.ca)
        smtp._host = name  # smtplib checks the certificate against this name
        code, _ = smtp.starttls(context=ctx)
        self.assertEqual(code, 220)
        cert = smtp.sock.getpeercert()
        self.assertIn(("DNS", name), cert["subjectAltName"])
        self.assertEqual(smtp.ehlo()[0], 250)
        self.assertFalse(smtp.has_extn("starttls"))
        smtp.quit()

    def test_certificate_names_differ(self):
        # mx1's certificate is not valid for mx2's name: the names are real.
        smtp = smtplib.SMTP("127.0.0.2", self.mx.port, timeout=10)
        try:
            smtp.ehlo("rig.smtpwatch.test")
            smtp._host = "mx2.example.test"
            with self.assertRaises(ssl.SSLCertVerificationError):
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca))
        finally:
            smtp.close()


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:], verbosity=2)
