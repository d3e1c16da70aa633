#!/usr/bin/python3
"""Runs a Windows unit test that needs the private DNS servers
(tests/unit/dns/): starts them (tests/fixtures/dns_servers.py) in a folder
of their own next to EXE's directory, names their ports to the test in
SW_DNS_AUTH_PORT (NSD, authoritative for example.test) and
SW_DNS_RESOLVER_PORT (Unbound, validating), runs EXE under Wine through
scripts/wine-run.sh (the unit tests' prefix), and stops the servers by
their PID whatever happens.

Usage: dns_unit.py EXE [ARGS...]
The exit status is the test's (cmocka: the number of failed tests), its
output passed through; a server that does not start is an error that
says why, never a skipped test."""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import harness  # noqa: E402
from dns_servers import DnsServers  # noqa: E402

TIMEOUT_S = 240


def main():
    exe, args = harness.unit_runner_args("dns_unit.py")
    folder = exe.parent / ("%s-dns-servers" % exe.stem)
    shutil.rmtree(folder, ignore_errors=True)
    servers = DnsServers(folder, lifetime_s=TIMEOUT_S + 60)
    servers.start()
    try:
        env = dict(os.environ, SW_DNS_AUTH_PORT=str(servers.auth_port),
                   SW_DNS_RESOLVER_PORT=str(servers.resolver_port))
        return harness.run_unit_exe("dns_unit", [ROOT / "scripts" / "wine-run.sh", exe] + args,
                                    env, TIMEOUT_S)
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
