#!/usr/bin/python3
"""Integration tests of `smtpwatch check --ip 4|6`, `--all-addresses` and
`--check-ptr` (the Windows exe, under Wine) against aiosmtpd on 127.0.0.1
and ::1, started in this process with the greeting each case needs.

Usage: test_check_addresses.py SMTPWATCH_EXE [unittest arguments]

What the machine's resolver says is read, not assumed: under Wine names
and reverse names are the Linux host's (glibc, /etc/hosts, never edited
here). On Debian's test machines "localhost" is 127.0.0.1 alone, whose
reverse name is "localhost", and ::1 has none; where "localhost" is ::1 as
well, the cases that name it expect that machine's answer instead, from
Python's own getaddrinfo and getnameinfo (the same glibc).
"""

import os
import socket
import sys
import unittest

from aiosmtpd.controller import Controller

import check_runner
from harness import refused_port

EXE = None
EXIT = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def run_check(*args, budget_ms=7000):
    return check_runner.run_check(EXE, *args, budget_ms=budget_ms)


def free_port(family):
    """A port free on this family's loopback (bound, then released)."""
    with socket.socket(family) as s:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def localhost_addresses():
    """What "localhost" resolves to here, in the resolver's order."""
    seen = []
    for family, _, _, _, addr in socket.getaddrinfo("localhost", 25, type=socket.SOCK_STREAM):
        if family in (socket.AF_INET, socket.AF_INET6) and addr[0] not in seen:
            seen.append(addr[0])
    return seen


def reverse_name(address):
    try:
        return socket.getnameinfo((address, 25), socket.NI_NAMEREQD)[0]
    except socket.gaierror:
        return None


class Handler:
    """Accepts every envelope; the checks never get that far."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Server:
    """aiosmtpd on `address`:`port`, greeting "220 <name> ..."."""

    def __init__(self, address, port, name):
        self.controller = Controller(Handler(), hostname=address, port=port,
                                     server_hostname=name, ready_timeout=10)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def peer(address, port):
    return "[%s]:%d" % (address, port) if ":" in address else "%s:%d" % (address, port)


class AddressTests(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()

    def serve(self, address, name="localhost", port=None):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        port = port or free_port(family)
        self.servers.append(Server(address, port, name))
        return port

    def assertStatus(self, run, status, outcome):
        j = run.json
        self.assertEqual((run.rc, j["status"], j["outcome"]), (EXIT[status], status, outcome),
                         "\n%s" % run)
        return j

    # ---- --ip ------------------------------------------------------------------

    def test_a_literal_of_the_other_family_is_resolve_failed(self):
        run = run_check("::1", "--port", "25", "--ip", "4", "--json")
        j = self.assertStatus(run, "CRITICAL", "resolve_failed")
        self.assertIn("::1 is an IPv6 address, but the check is limited to IPv4", j["message"])
        run = run_check("127.0.0.1", "--port", "25", "--ip", "6")
        self.assertEqual(run.rc, 2, run)
        self.assertIn("127.0.0.1 is an IPv4 address, but the check is limited to IPv6",
                      run.stdout)

    def test_each_family_reaches_its_server(self):
        port6 = self.serve("::1")
        run = run_check("::1", "--port", str(port6), "--ip", "6", "--json")
        j = self.assertStatus(run, "OK", "ok")
        self.assertEqual(j["peer"], peer("::1", port6))
        port4 = self.serve("127.0.0.1")
        run = run_check("localhost", "--port", str(port4), "--ip", "4")
        self.assertEqual(run.rc, 0, run)
        # The address that answered the name is in the status line.
        self.assertTrue(run.stdout.startswith("SMTP OK - localhost:%d (127.0.0.1:%d) answered in "
                                              % (port4, port4)), run)

    # ---- --all-addresses -------------------------------------------------------

    def test_every_address_of_localhost(self):
        """A server on 127.0.0.1 only: every other address of localhost
        refuses, and the worst decides."""
        port = self.serve("127.0.0.1")
        addresses = localhost_addresses()
        run = run_check("localhost", "--port", str(port), "--all-addresses", "--json")
        j = run.json
        self.assertEqual([a["peer"] for a in j["addresses"]],
                         [peer(a, port) for a in addresses], run)
        for a, got in zip(addresses, j["addresses"]):
            self.assertEqual(got["outcome"], "ok" if a == "127.0.0.1" else "connection_refused",
                             run)
            self.assertIsInstance(got["total_us"], int)
        refused = [a for a in addresses if a != "127.0.0.1"]
        ok = len(addresses) - len(refused)
        summary = "%d of %d address%s OK" % (ok, len(addresses), "" if len(addresses) == 1 else "es")
        if refused:
            self.assertStatus(run, "CRITICAL", "connection_refused")
            self.assertTrue(j["message"].startswith(
                "%s; %s connection refused. " % (summary, peer(refused[0], port))), run)
        else:
            self.assertStatus(run, "OK", "ok")
            self.assertTrue(j["message"].startswith(summary + ". OK in "), run)
        self.assertIn("the transcript of %s, the one that decided the outcome" % j["peer"],
                      j["transcript"][0])

    def test_every_address_refusing(self):
        port = refused_port()
        n = len(localhost_addresses())
        run = run_check("localhost", "--port", str(port), "--all-addresses")
        self.assertEqual(run.rc, 2, run)
        self.assertTrue(run.stdout.startswith(
            "SMTP CRITICAL - localhost:%d: 0 of %d address%s OK; %s connection refused"
            % (port, n, "" if n == 1 else "es", peer(localhost_addresses()[0], port))), run)

    # ---- --check-ptr -----------------------------------------------------------

    def test_a_greeting_that_is_the_reverse_name_passes(self):
        self.assertEqual(reverse_name("127.0.0.1"), "localhost",
                         "this machine's hosts file must name 127.0.0.1 localhost")
        port = self.serve("127.0.0.1", name="localhost")
        run = run_check("127.0.0.1", "--port", str(port), "--check-ptr", "--json")
        j = self.assertStatus(run, "OK", "ok")
        self.assertEqual(j["ptr_name"], "localhost")
        self.assertTrue(any("-- reverse DNS: the reverse name of 127.0.0.1 is localhost, which "
                            "resolves back to it" in line for line in j["transcript"]), run)

    def test_a_greeting_that_differs_is_banner_mismatch(self):
        port = self.serve("127.0.0.1", name="mx.example.com")
        run = run_check("127.0.0.1", "--port", str(port), "--check-ptr", "--json")
        j = self.assertStatus(run, "WARNING", "banner_mismatch")
        self.assertEqual(j["ptr_name"], "localhost")
        self.assertIn("the reverse name of 127.0.0.1 is localhost, but the greeting names "
                      "mx.example.com", j["message"])
        # Without --check-ptr the same server is fine.
        run = run_check("127.0.0.1", "--port", str(port), "--json")
        self.assertStatus(run, "OK", "ok")
        self.assertIsNone(run.json["ptr_name"])

    def test_an_address_without_reverse_name_is_banner_mismatch(self):
        port = self.serve("::1", name="localhost")
        run = run_check("::1", "--port", str(port), "--check-ptr", "--json")
        name = reverse_name("::1")
        if name is None:
            j = self.assertStatus(run, "WARNING", "banner_mismatch")
            self.assertIn("::1 has no reverse name (PTR); the greeting names localhost",
                          j["message"])
        else:  # a hosts file that names ::1
            self.assertEqual(run.json["ptr_name"], name, run)

    def test_every_address_with_its_reverse_name(self):
        port = self.serve("127.0.0.1", name="localhost")
        run = run_check("localhost", "--port", str(port), "--ip", "4", "--all-addresses",
                        "--check-ptr", "--json")
        j = self.assertStatus(run, "OK", "ok")
        self.assertEqual([(a["peer"], a["ptr_name"]) for a in j["addresses"]],
                         [(peer("127.0.0.1", port), "localhost")])


def main():
    global EXE
    EXE, argv = check_runner.smtpwatch_exe_and_args(sys.argv[1:])
    unittest.main(module=__name__, argv=[sys.argv[0], "-v"] + argv)


if __name__ == "__main__":
    main()
