"""The real parts of the domain checks (issue 18) as Python objects: the
HTTPS policy server (tests/fixtures/mta_sts_server.py) and Postfix as
several MX hosts on loopback (tests/fixtures/postfix_instance.sh --mx),
with certificates from tests/fixtures/tls_certs.sh's test CA
(harness.make_certs, or harness.TrustedCaPrefix(..., host_names=...) for
a prefix that trusts it). Imported by
test_domain_rig.py, and by the --domain tests once the check exists.

    certs = make_certs(tmp / "certs", ["mx1.example.test", "mta-sts.example.test"])
    policies = PolicyServer(tmp / "policies", certs)
    policies.set_policy("example.test", policy_text("enforce", ["*.example.test"]))
    policies.start()                      # policies.port
    mx = MxHosts(tmp / "postfix", certs, [MxHost("127.0.0.2", "mx1.example.test"),
                                          MxHost("::1", "mx6.example.test", tls=False)])
    mx.start()                            # mx.port, the same on every address
    ...
    mx.stop(); policies.stop()

Postfix needs root, as for postfix_fixture.PrivatePostfix."""

import json
import os
import subprocess
import time
from collections import namedtuple
from pathlib import Path

from harness import DEBIAN_PYTHON, stop_process
from postfix_fixture import PrivatePostfix

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POLICY_SERVER = FIXTURES / "mta_sts_server.py"


def policy_text(mode, mx, max_age=86400, line_end="\n", version="STSv1"):
    """A policy file body (RFC 8461 3.2) with these values."""
    lines = ["version: " + version, "mode: " + mode]
    lines += ["mx: " + m for m in mx]
    lines.append("max_age: %d" % max_age)
    return line_end.join(lines) + line_end


class PolicyServer:
    """mta_sts_server.py on 127.0.0.1:self.port, serving the policies of
    self.root (DOMAIN.txt), which a test may change at any time."""

    def __init__(self, root, certs, lifetime_s=900):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.certs = Path(certs)
        self.lifetime_s = lifetime_s
        self.proc = None
        self.port = None

    def start(self, timeout_s=15):
        port_file = self.root / "port"
        if port_file.exists():
            port_file.unlink()
        self.proc = subprocess.Popen(
            [DEBIAN_PYTHON, str(POLICY_SERVER), "--root", str(self.root), "--certs",
             str(self.certs), "--port-file", str(port_file), "--lifetime",
             str(self.lifetime_s)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while not port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError("mta_sts_server.py exited: %s"
                                   % self.proc.stderr.read().decode(errors="replace"))
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("mta_sts_server.py did not listen within %ss" % timeout_s)
            time.sleep(0.05)
        self.port = int(port_file.read_text())

    def stop(self):
        """Stops it by its process (SIGTERM, then SIGKILL after a grace)."""
        stop_process(self.proc)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()

    def _write(self, name, text):
        tmp = self.root / (name + ".tmp")
        tmp.write_bytes(text.encode() if isinstance(text, str) else text)
        os.replace(tmp, self.root / name)  # a request never sees half a file

    def set_policy(self, domain, text):
        """Serves `text` (str or bytes) as DOMAIN's policy from now on."""
        self._write(domain + ".txt", text)

    def remove_policy(self, domain):
        """DOMAIN's policy answers 404 from now on."""
        (self.root / (domain + ".txt")).unlink(missing_ok=True)

    def set_status(self, domain, status):
        """DOMAIN's policy answers this HTTP status (None: the policy again)."""
        if status is None:
            (self.root / (domain + ".status")).unlink(missing_ok=True)
        else:
            self._write(domain + ".status", "%d\n" % status)

    def requests(self):
        """The requests served so far, oldest first (dicts: sni, host, path,
        status)."""
        log = self.root / "requests.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines() if line]


MxHost = namedtuple("MxHost", "address name tls", defaults=(True,))


class MxHosts(PrivatePostfix):
    """One private Postfix answering as several MX hosts: each MxHost's
    address (127.x.y.z or ::1) at the same port, its greeting naming it, with
    STARTTLS and a certificate for its name from `certs` (host-NAME.pem)
    when tls is true, without STARTTLS otherwise. 127.0.0.1 answers too (as
    postfix.smtpwatch.test, without TLS): the start script's probe."""

    def __init__(self, directory, certs, hosts, options=()):
        self.hosts = list(hosts)
        mx_options = []
        for h in self.hosts:
            if h.tls:
                mx_options += ["--mx", h.address, h.name,
                               Path(certs) / ("host-%s.pem" % h.name),
                               Path(certs) / ("host-%s.key" % h.name)]
            else:
                mx_options += ["--mx", h.address, h.name, "-", "-"]
        super().__init__(directory, list(options) + mx_options)

