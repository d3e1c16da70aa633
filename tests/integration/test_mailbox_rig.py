#!/usr/bin/python3
"""The round trip's real servers (mailbox_rig.py) do what the round-trip
tests will rely on, seen from Python's standard library only (smtplib,
imaplib, poplib), so that a later failure of the product against them is
the product's own:

  - a message submitted to Postfix (STARTTLS, AUTH) arrives in the
    mailbox and is read over IMAP (plain, STARTTLS, IMAPS) and POP3 (plain,
    STLS, POP3S), the rig's test CA trusted and the names checked;
  - a held message arrives only after release(), a later one overtakes it;
  - a deferred one never arrives: a message sent after it does, while it
    stays in Postfix's deferred queue with the reason;
  - a wrong password is refused over IMAP, POP3 and SMTP AUTH;
  - a message planted "by an earlier run" is there, with its old date;
  - the probe built by the portable builder (PROBE_TOOL build) arrives
    with its X-SmtpWatch-Probe header and its Received: hops parse
    (PROBE_TOOL hops): Postfix's then Dovecot's, each with its time.

Usage: test_mailbox_rig.py PROBE_TOOL [unittest args]
Needs root and the Debian packages mailbox_rig.require_rig() names. Every
wait is bounded; the servers stop at the end, or by themselves.
"""

import imaplib
import os
import poplib
import re
import secrets
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import unittest
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta

from harness import wait_for
from mailbox_rig import MailboxRig

PROBE_TOOL = None
RIG = None
WORKDIR = None
DELIVERY_BOUND_S = 30  # how long a delivered message may take to show up
TIMEOUT_S = 20  # every client socket


def setUpModule():
    global RIG, WORKDIR
    if not PROBE_TOOL or not os.path.isfile(PROBE_TOOL):
        raise RuntimeError("probe tool not found (%r): pass PROBE_TOOL" % PROBE_TOOL)
    WORKDIR = tempfile.mkdtemp(prefix="sw-mailbox-rig-")
    RIG = MailboxRig(WORKDIR, lifetime_s=600)
    RIG.start()


def tearDownModule():
    if RIG:
        RIG.stop()
    if WORKDIR and not os.environ.get("SW_KEEP_TEST_FILES"):
        shutil.rmtree(WORKDIR, ignore_errors=True)


def message(to, tag, subject="rig test"):
    """A small message with a header X-Rig-Test: tag that IMAP can search."""
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\nX-Rig-Test: %s\r\n"
            "Date: %s\r\n\r\nbody of %s\r\n"
            % (RIG.user("probe"), to, subject, tag,
               format_datetime(datetime.now(timezone.utc)), tag)).encode()


def submit(to, raw):
    """Submits raw to `to` through Postfix, as a rule would: STARTTLS, AUTH."""
    with smtplib.SMTP("127.0.0.1", RIG.smtp_port, timeout=TIMEOUT_S) as s:
        s.starttls(context=RIG.ssl_context())
        s.login(RIG.user("probe"), RIG.password)
        s.sendmail(RIG.user("probe"), [to], raw)


def session(protocol, kind, user="probe", password=None):
    """A logged-in session: protocol "imap" (kind "plain", "starttls" or
    "imaps") or "pop3" ("plain", "stls" or "pop3s")."""
    imap, ctx = protocol == "imap", RIG.ssl_context()
    if kind in ("imaps", "pop3s"):
        c = (imaplib.IMAP4_SSL("127.0.0.1", RIG.imaps_port, ssl_context=ctx, timeout=TIMEOUT_S)
             if imap else
             poplib.POP3_SSL("127.0.0.1", RIG.pop3s_port, context=ctx, timeout=TIMEOUT_S))
    else:
        c = (imaplib.IMAP4("127.0.0.1", RIG.imap_port, timeout=TIMEOUT_S) if imap else
             poplib.POP3("127.0.0.1", RIG.pop3_port, timeout=TIMEOUT_S))
        if kind in ("starttls", "stls"):
            c.starttls(ctx) if imap else c.stls(ctx)
    try:
        if imap:
            c.login(RIG.user(user), password or RIG.password)
        else:
            c.user(RIG.user(user))
            c.pass_(password or RIG.password)
    except BaseException:
        c.shutdown() if imap else c.close()
        raise
    return c


def imap_session(kind, user="probe", password=None):
    return session("imap", kind, user, password)


def pop3_session(kind, user="probe", password=None):
    return session("pop3", kind, user, password)


def count_tagged(c, protocol, tag):
    """How many messages in a session's INBOX carry X-Rig-Test: tag (IMAP
    searches; POP3 reads every header with TOP n 0)."""
    if protocol == "imap":
        c.select("INBOX", readonly=True)
        return len(c.search(None, "HEADER", "X-Rig-Test", tag)[1][0].split())
    count = len(c.list()[1])
    return sum(tag.encode() in b"\r\n".join(c.top(i, 0)[1]) for i in range(1, count + 1))


def imap_find(tag, user="probe"):
    """The raw messages in user's INBOX whose X-Rig-Test header is tag."""
    m = imap_session("plain", user)
    try:
        m.select("INBOX", readonly=True)
        typ, data = m.search(None, "HEADER", "X-Rig-Test", tag)
        found = []
        for num in data[0].split():
            typ, parts = m.fetch(num, "(BODY.PEEK[])")
            found.append(parts[0][1])
        return found
    finally:
        m.logout()


def wait_arrived(tag, user="probe"):
    return wait_for(lambda: imap_find(tag, user), DELIVERY_BOUND_S,
                    interval_s=0.2, what="message %s in %s's INBOX" % (tag, user))[0]


def probe_tool(*args, stdin=None):
    proc = subprocess.run([PROBE_TOOL] + [str(a) for a in args], input=stdin,
                          capture_output=True, timeout=30)
    if proc.returncode != 0:
        raise AssertionError("probe tool %s failed (%d): %s"
                             % (args[0], proc.returncode, proc.stderr.decode()))
    return proc.stdout


class DeliveryTests(unittest.TestCase):

    def test_delivered_message_is_read_over_imap_and_pop3_three_ways(self):
        tag = secrets.token_hex(6)
        submit(RIG.address("probe"), message(RIG.address("probe"), tag))
        raw = wait_arrived(tag)
        self.assertIn(b"X-Rig-Test: " + tag.encode(), raw)
        for protocol, kind in (("imap", "plain"), ("imap", "starttls"), ("imap", "imaps"),
                               ("pop3", "plain"), ("pop3", "stls"), ("pop3", "pop3s")):
            with self.subTest(protocol=protocol, kind=kind):
                c = session(protocol, kind)
                try:
                    self.assertEqual(count_tagged(c, protocol, tag), 1)
                    if kind != "plain":
                        self.assertIsNotNone(c.sock.cipher())  # really TLS
                finally:
                    c.logout() if protocol == "imap" else c.quit()

    def test_other_mailbox_gets_nothing_of_probe_mail(self):
        tag = secrets.token_hex(6)
        submit(RIG.address("probe"), message(RIG.address("probe"), tag))
        wait_arrived(tag)
        self.assertEqual(imap_find(tag, "other"), [])

    def test_held_message_arrives_only_after_release(self):
        held, later = secrets.token_hex(6), secrets.token_hex(6)
        submit(RIG.address("probe", "hold"), message(RIG.address("probe", "hold"), held))
        submit(RIG.address("probe"), message(RIG.address("probe"), later))
        wait_arrived(later)  # sent after the held one, delivered before it
        self.assertEqual(imap_find(held), [])
        self.assertEqual(len(RIG.held()), 1)
        self.assertEqual(RIG.release(), 1)
        raw = wait_arrived(held)
        self.assertIn(b"Delivered-To: probe+hold@smtpwatch.test", raw)
        self.assertEqual(RIG.held(), [])

    def test_deferred_message_never_arrives(self):
        never, later = secrets.token_hex(6), secrets.token_hex(6)
        submit(RIG.address("probe", "defer"), message(RIG.address("probe", "defer"), never))
        submit(RIG.address("probe"), message(RIG.address("probe"), later))
        wait_arrived(later)
        # Postfix has tried and deferred it (its reason names the socket
        # nobody listens on), and it is not in the mailbox.
        deferred = wait_for(lambda: [m for m in RIG.deferred()
                                     if m["recipients"][0].get("delay_reason")],
                            DELIVERY_BOUND_S, what="a deferred message with a reason")
        self.assertIn("nobody-listens", deferred[0]["recipients"][0]["delay_reason"])
        self.assertEqual(imap_find(never), [])


class RefusalTests(unittest.TestCase):

    def test_wrong_password_is_refused_over_imap(self):
        for kind in ("plain", "imaps"):
            with self.subTest(kind=kind):
                with self.assertRaisesRegex(imaplib.IMAP4.error, "AUTHENTICATIONFAILED"):
                    imap_session(kind, password="wrong-" + secrets.token_hex(4))

    def test_wrong_password_is_refused_over_pop3(self):
        with self.assertRaisesRegex(poplib.error_proto, "-ERR"):
            pop3_session("stls", password="wrong-" + secrets.token_hex(4))

    def test_wrong_password_is_refused_by_smtp_auth(self):
        with smtplib.SMTP("127.0.0.1", RIG.smtp_port, timeout=TIMEOUT_S) as s:
            s.starttls(context=RIG.ssl_context())
            with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                s.login(RIG.user("probe"), "wrong-" + secrets.token_hex(4))
            self.assertEqual(cm.exception.smtp_code, 535)


class EarlierRunTests(unittest.TestCase):

    def test_planted_message_is_there_with_its_old_date(self):
        tag = secrets.token_hex(6)
        two_days = 2 * 86400
        RIG.plant("probe", message(RIG.address("probe"), tag, "from an earlier run"),
                  two_days)
        m = imap_session("plain")
        try:
            m.select("INBOX", readonly=True)
            typ, data = m.search(None, "HEADER", "X-Rig-Test", tag)
            nums = data[0].split()
            self.assertEqual(len(nums), 1)
            typ, parts = m.fetch(nums[0], "(INTERNALDATE)")
            when = imaplib.Internaldate2tuple(parts[0])
            age = time.time() - time.mktime(when)
            self.assertGreater(age, two_days - 3600)
            # The same message is one of the "stale" ones before yesterday:
            # a SEARCH BEFORE finds it, as the round trip's clean-up will.
            day = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%d-%b-%Y")
            typ, data = m.search(None, "BEFORE", day, "HEADER", "X-Rig-Test", tag)
            self.assertEqual(data[0].split(), nums)
        finally:
            m.logout()


class ProbeTests(unittest.TestCase):
    """The probe as the portable builder makes it, through the rig."""

    def test_built_probe_arrives_and_its_hops_parse(self):
        nonce = secrets.token_hex(8)
        now = int(time.time())
        raw = probe_tool("build", "mx-check", nonce, RIG.user("probe"), RIG.address("probe"),
                         "probe.smtpwatch.test", now, "+0100")
        self.assertIn(b"\r\nX-SmtpWatch-Probe: mx-check/" + nonce.encode() + b"\r\n", raw)
        submit(RIG.address("probe"), raw)

        def find():
            m = imap_session("starttls")
            try:
                m.select("INBOX", readonly=True)
                typ, data = m.search(None, "HEADER", "X-SmtpWatch-Probe", "mx-check/" + nonce)
                nums = data[0].split()
                if not nums:
                    return None
                return m.fetch(nums[0], "(BODY.PEEK[HEADER])")[1][0][1]
            finally:
                m.logout()

        header = wait_for(find, DELIVERY_BOUND_S, interval_s=0.2, what="the probe")
        self.assertIn(b"Message-ID: <" + nonce.encode(), header)
        hops = probe_tool("hops", stdin=header).decode().splitlines()
        # Oldest first: Postfix's smtpd took it (ESMTPSA: TLS and AUTH), then
        # Dovecot's LMTP filed it.
        self.assertEqual(len(hops), 2, hops)
        self.assertRegex(hops[0], r"by=postfix\.smtpwatch\.test with=ESMTPSA time=\d+")
        self.assertRegex(hops[1], r"by=dovecot\.smtpwatch\.test with=LMTP time=\d+")
        times = [int(re.search(r"time=(\d+)", h).group(1)) for h in hops]
        for t in times:
            self.assertLessEqual(abs(t - now), 300)
        self.assertRegex(hops[1], r" delay=\d+_s$")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    PROBE_TOOL = sys.argv.pop(1)
    unittest.main(verbosity=2)
