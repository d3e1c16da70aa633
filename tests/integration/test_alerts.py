#!/usr/bin/env python3
"""Alerts end to end, with the service run by hand (--console) in a test
prefix and everything set up through its control pipe, as the command
line and the editor do:

- a rule that goes CRITICAL sends an alert mail through the e-mail
  notifier's relays (aiosmtpd keeping what arrives in a Maildir), the
  first relay refusing connections: the second one takes it; and a
  program notifier writes what it was given (SMTPWATCH_*) to a file;
- the mail says what a user reads: the subject, the notification id
  header, the body; the outbox lists both as sent;
- a recovery is told the same way;
- an acknowledged rule tells no reminder; a rule held by a maintenance
  window tells nothing, and the state says why;
- a notifier's test goes out and its outcome comes back;
- the service killed with notifications pending delivers each after the
  restart (at least once, never lost).

Usage: test_alerts.py SVC_EXE PIPE_PROBE_EXE. SW_ALERTS_PREFIX names the
prefix (default: alerts-wineprefix next to the build's service/ folder).
"""

import email
import json
import email.policy
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import harness
import pipe_wire
from harness import refused_port, stop_process, wait_for, win_path
from pipe_wire import f_int, f_record, f_str, frame
from webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
SVC_EXE = PROBE_EXE = INSTALL_ROOT_CERT = PREFIX = WORKDIR = CERTS = None

# Messages and tags (docs/pipe-protocol.md).
HELLO, ERROR, RULE_ADD, RULE_OK, DONE_OK, STATUS, STATUS_OK = 1, 3, 24, 23, 29, 40, 41
EVENTS, EVENTS_OK, T_EVENT, T_EVENT_ID = 60, 61, 90, 93
NOTIFIER_OK, NOTIFIER_ADD = 73, 74
MAINTENANCE_ADD, MAINTENANCE_OK = 82, 83
NOTIFICATIONS, NOTIFICATIONS_OK, NOTIFIER_TEST, NOTIFIER_TEST_OK = 90, 91, 92, 93
RULE_ACK, RULE_ALERTS_SET, RULE_ALERTS_OK = 100, 106, 105
T_VERSION_MIN, T_VERSION_MAX, T_CLIENT_NAME = 1, 2, 4
T_ERROR_CODE, T_ERROR_MESSAGE = 6, 7
T_RULE, T_RULE_ID, T_RULE_NAME, T_RULE_HOST, T_RULE_PORT, T_RULE_INTERVAL_S = \
    20, 21, 23, 24, 25, 30
T_LIMIT, T_STATUS, T_STATE = 45, 80, 81
T_NOTIFIER, T_N_NAME, T_N_KIND, T_N_TO, T_N_RELAYS, T_N_TLS = 110, 111, 112, 114, 115, 117
T_N_URL, T_N_URL_SHOWN, T_N_FORMAT = 121, 122, 123
T_N_COMMAND_LINE, T_N_TIMEOUT_S = 124, 125
T_MAINTENANCE, T_MAINT_ALL, T_MAINT_FROM, T_MAINT_UNTIL = 130, 132, 133, 134
T_MAINT_ACTIVE = 137
T_NOTIFICATION, T_NOTIFICATION_ID, T_ALERT_KIND, T_DELIVERY, T_ATTEMPTS, T_LAST_ERROR = \
    140, 142, 143, 144, 145, 149
T_ACK_BY, T_ACK_COMMENT, T_HELD = 150, 152, 153
T_RULE_ALERTS, T_NOTIFY, T_ALERT_ON, T_DEPENDS_ON = 160, 161, 162, 165
T_HELD_PARENT_NAME = 155


def wine_env():
    return harness.wine_env(PREFIX)


def call(*requests):
    hello = frame(HELLO, 1, f_int(T_VERSION_MIN, 1), f_int(T_VERSION_MAX, 2),
                  f_str(T_CLIENT_NAME, "test_alerts"))
    return pipe_wire.call(PROBE_EXE, wine_env(), hello, *requests)


def ok(reply, message):
    assert reply.message == message, reply
    return reply


def add_rule(name, port, interval_s=10):
    (reply,) = call(frame(RULE_ADD, 2, f_record(
        T_RULE, f_str(T_RULE_NAME, name), f_str(T_RULE_HOST, "127.0.0.1"),
        f_int(T_RULE_PORT, port), f_int(T_RULE_INTERVAL_S, interval_s))))
    return ok(reply, RULE_OK).records(T_RULE)[0][T_RULE_ID]


def add_notifier(name, kind, *fields):
    (reply,) = call(frame(NOTIFIER_ADD, 3, f_record(
        T_NOTIFIER, f_str(T_N_NAME, name), f_str(T_N_KIND, kind), *fields)))
    return ok(reply, NOTIFIER_OK)


def notify(rule_id, *names, on="critical,warning,recovered,flapping", depends_on=0):
    (reply,) = call(frame(RULE_ALERTS_SET, 4, f_record(
        T_RULE_ALERTS, f_int(T_RULE_ID, rule_id), f_str(T_ALERT_ON, on),
        f_int(T_DEPENDS_ON, depends_on), *[f_str(T_NOTIFY, n) for n in names])))
    return ok(reply, RULE_ALERTS_OK)


def notifications():
    (reply,) = call(frame(NOTIFICATIONS, 5, f_int(T_LIMIT, 1000)))
    return ok(reply, NOTIFICATIONS_OK).records(T_NOTIFICATION)


def status():
    (reply,) = call(frame(STATUS, 6, f_int(T_LIMIT, 1000)))
    return {s[T_RULE_ID]: s for s in ok(reply, STATUS_OK).records(T_STATUS)}


def mails(maildir):
    box = mailbox.Maildir(maildir, create=False)
    return [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
            for k in box.keys()]


class Alerts(unittest.TestCase):
    """One service (rule intervals of 10 s run every second: unit 100 ms),
    one relay keeping mail, one dead relay before it."""

    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="alerts-", dir=WORKDIR))
        cls.maildir = str(cls.dir / "Maildir")
        mailbox.Maildir(cls.maildir, create=True)
        cls.relay = harness.start_aiosmtpd(
            args=("-c", "aiosmtpd.handlers.Mailbox", cls.maildir))
        cls.data = cls.dir / "data"
        cls.data.mkdir()
        cls.service = None
        try:
            cls.service = harness.ConsoleService(SVC_EXE, cls.data, wine_env(), cls.answers,
                                                 unit_ms=100, stop_signal=signal.SIGINT,
                                                 stop_grace_s=20)
            cls.out = cls.dir / "program-out.txt"
            cls.dead = refused_port()
            add_notifier("Ops mail", "email", f_str(T_N_TO, "ops@example.com"),
                         f_str(T_N_RELAYS, "127.0.0.1:%d,127.0.0.1:%d" % (cls.dead,
                                                                         cls.relay.port)),
                         f_str(T_N_TLS, "none"))
            add_notifier("Log it", "program",
                         f_str(T_N_COMMAND_LINE,
                               'cmd.exe /c "echo STATE=%SMTPWATCH_STATE% '
                               'RULE=%SMTPWATCH_RULE_ID% OUTCOME=%SMTPWATCH_OUTCOME% '
                               'HOST=%SMTPWATCH_HOST% >> ' + win_path(cls.out) + '"'),
                         f_int(T_N_TIMEOUT_S, 30))
        except Exception:
            # tearDownClass does not run after a failed setUpClass.
            if cls.service:
                cls.service.stop()
            stop_process(cls.relay)
            raise

    @classmethod
    def answers(cls):
        try:
            call(frame(STATUS, 9, f_int(T_LIMIT, 1)))
            return True
        except AssertionError:
            return False

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()
        stop_process(cls.relay)

    def wait_mail(self, subject):
        """The mails with this subject, once there is one."""
        return wait_for(lambda: [m for m in mails(self.maildir) if m["Subject"] == subject],
                        60, 0.5, "a mail '%s'" % subject)

    def test_1_critical_then_recovered_reach_every_notifier(self):
        # Refused until the server comes back on it (bound, never listening).
        hold = socket.socket()
        hold.bind(("127.0.0.1", 0))
        port = hold.getsockname()[1]
        rule = add_rule("Main relay", port)
        notify(rule, "Ops mail", "Log it")
        (mail,) = self.wait_mail("[SMTP Watch] CRITICAL: Main relay (127.0.0.1:%d)" % port)
        uid = mail["X-SmtpWatch-Notification-Id"]
        self.assertTrue(uid and uid.startswith("%d-" % rule), uid)
        self.assertEqual(mail["Auto-Submitted"], "auto-generated")
        body = mail.get_content()
        self.assertIn("Main relay is CRITICAL (it was OK).", body)
        self.assertIn("connection_refused", body)
        self.assertIn("Notification id: %s" % uid, body)
        try:
            program = wait_for(lambda: self.out.exists() and
                               self.out.read_text(errors="replace"), 30, 0.5,
                               "the program's file")
        except AssertionError:
            raise AssertionError("no file from the program; the outbox: %r" % notifications())
        self.assertIn("STATE=CRITICAL RULE=%d OUTCOME=connection_refused HOST=127.0.0.1"
                      % rule, program)
        sent = wait_for(lambda: [n for n in notifications()
                                 if n.get(T_NOTIFICATION_ID, "").startswith("%d-" % rule)
                                 and n.get(T_DELIVERY) == "sent"], 30, 0.5, "both sent")
        self.assertEqual(len(sent), 2, sent)
        # The dead relay was tried first and the mail still went: nothing failed.
        self.assertTrue(all(T_LAST_ERROR not in n for n in sent), sent)

        # The server comes back: a recovery, once.
        hold.close()
        server = harness.start_aiosmtpd(port=port)
        try:
            self.wait_mail("[SMTP Watch] RECOVERED: Main relay (127.0.0.1:%d)" % port)
            time.sleep(2)  # two more checks: still one mail of each
            for kind in ("CRITICAL", "RECOVERED"):
                self.assertEqual(len(self.wait_mail("[SMTP Watch] %s: Main relay "
                                                    "(127.0.0.1:%d)" % (kind, port))), 1)
        finally:
            stop_process(server)

    def test_2_acknowledged_and_maintenance_hold_alerts(self):
        rule = add_rule("Held relay", refused_port())
        (reply,) = call(frame(MAINTENANCE_ADD, 7, f_record(
            T_MAINTENANCE, f_int(T_RULE_ID, rule),
            f_int(T_MAINT_FROM, int((time.time() - 3600) * 1000)),
            f_int(T_MAINT_UNTIL, int((time.time() + 3600) * 1000)))))
        window = ok(reply, MAINTENANCE_OK).records(T_MAINTENANCE)[0]
        self.assertTrue(window[T_MAINT_ACTIVE])
        notify(rule, "Ops mail")
        wait_for(lambda: status()[rule].get(T_STATE) == "CRITICAL", 30, 0.5, "CRITICAL")
        wait_for(lambda: status()[rule].get(T_HELD) == "maintenance", 10, 0.5,
                 "held by maintenance")
        (reply,) = call(frame(RULE_ACK, 8, f_int(T_RULE_ID, rule),
                              f_str(T_ACK_COMMENT, "looking into it")))
        ok(reply, DONE_OK)
        s = status()[rule]
        self.assertEqual(s.get(T_ACK_COMMENT), "looking into it")
        self.assertTrue(s.get(T_ACK_BY))
        time.sleep(3)  # three checks, and sweeps, of a CRITICAL rule
        told = [n for n in notifications()
                if n.get(T_NOTIFICATION_ID, "").startswith("%d-" % rule)]
        self.assertEqual(told, [])

    def test_4_a_rule_behind_a_parent_that_is_down_is_held(self):
        parent = add_rule("Firewall proxy", refused_port())
        child = add_rule("Relay behind it", refused_port())
        # CRITICAL with no notifier to tell: nobody was told, so naming one
        # afterwards tells it.
        wait_for(lambda: status()[parent].get(T_STATE) == "CRITICAL", 30, 0.5, "CRITICAL")
        notify(parent, "Ops mail")
        notify(child, "Ops mail", depends_on=parent)
        wait_for(lambda: status()[child].get(T_HELD) == "unreachable", 30, 0.5,
                 "the child held as unreachable")
        self.assertEqual(status()[child].get(T_HELD_PARENT_NAME), "Firewall proxy")
        try:
            wait_for(lambda: [m for m in mails(self.maildir) if
                              m["Subject"].startswith("[SMTP Watch] CRITICAL: Firewall proxy")],
                     60, 0.5, "the parent's mail")
        except AssertionError:
            raise AssertionError("no mail for the parent; status %r, outbox %r" % (
                status()[parent], notifications()))
        time.sleep(2)
        told = [n for n in notifications()
                if n.get(T_NOTIFICATION_ID, "").startswith("%d-" % child)]
        self.assertEqual(told, [])

    def test_3_a_notifiers_test_comes_back(self):
        (reply,) = call(frame(NOTIFIER_TEST, 10, f_str(T_N_NAME, "Ops mail")))
        n = ok(reply, NOTIFIER_TEST_OK).records(T_NOTIFICATION)[0]
        self.assertEqual(n.get(T_DELIVERY), "sent", n)
        self.assertEqual(n.get(T_ALERT_KIND), "test")
        got = wait_for(lambda: [m for m in mails(self.maildir)
                                if m["Subject"].startswith("[SMTP Watch] TEST")],
                       30, 0.5, "the test mail")
        self.assertIn("nothing is wrong", got[0].get_content())


class Webhooks(unittest.TestCase):
    """A webhook receiver that answers 500 for a while gets the notification
    once it recovers, with the same id each time (the notifier reported as
    failing after three attempts, and as working again); and a service killed with
    a notification pending delivers it after the restart."""

    def start_service(self, data):
        return harness.ConsoleService(SVC_EXE, data, wine_env(), Alerts.answers,
                                      unit_ms=100, stop_signal=signal.SIGINT,
                                      stop_grace_s=20)

    def test_a_webhook_answering_500_gets_it_once_it_recovers(self):
        data = Path(tempfile.mkdtemp(prefix="data-", dir=WORKDIR))
        receiver = Receiver(CERTS, "trusted", flaky=3)
        service = self.start_service(data)
        try:
            url = "https://localhost:%d/flaky/hook?sig=SECRET-4711" % receiver.port
            shown = add_notifier("Teams", "webhook", f_str(T_N_URL, url),
                                 f_str(T_N_FORMAT, "teams")).records(T_NOTIFIER)[0]
            self.assertEqual(shown.get(T_N_URL_SHOWN), "https://localhost:%d/..." % receiver.port)
            self.assertNotIn(T_N_URL, shown)
            for name, fmt in (("Generic", "generic"), ("Slack", "slack")):
                add_notifier(name, "webhook", f_str(T_N_FORMAT, fmt), f_str(
                    T_N_URL, "https://localhost:%d/ok/%s?sig=SECRET-4711" % (receiver.port, fmt)))
            rule = add_rule("Flaky receiver", refused_port())
            notify(rule, "Teams", "Generic", "Slack", on="critical")
            sent = wait_for(lambda: [n for n in notifications()
                                     if n.get(T_DELIVERY) == "sent" and
                                     n.get(111) == "Teams"], 90, 0.5,
                            "the webhook delivered after three 500s")
            self.assertEqual(sent[0][T_ATTEMPTS], 4)
            flaky = [r for r in receiver.requests if r["path"].startswith("/flaky/")]
            self.assertEqual(len(flaky), 4)
            # Three failures in a row are reported once, and the recovery.
            (reply,) = call(frame(EVENTS, 11, f_int(T_LIMIT, 1000)))
            ids = [e[T_EVENT_ID] for e in ok(reply, EVENTS_OK).records(T_EVENT)]
            self.assertEqual((ids.count(5000), ids.count(5001)), (1, 1), ids)
            ids = {r["headers"].get("X-SmtpWatch-Notification-Id") for r in flaky}
            self.assertEqual(ids, {sent[0][T_NOTIFICATION_ID]})
            # The same problem in each format, as its receiver reads it.
            by_path = {r["path"].split("?")[0]: json.loads(r["body"])
                       for r in receiver.requests}
            generic = by_path["/ok/generic"]
            self.assertEqual((generic["kind"], generic["state"], generic["rule"]["name"]),
                             ("problem", "CRITICAL", "Flaky receiver"))
            self.assertEqual(generic["outcome"], "connection_refused")
            self.assertTrue(generic["id"].startswith("%d-" % rule))
            slack = by_path["/ok/slack"]
            self.assertIn("CRITICAL: Flaky receiver", slack["text"])
            self.assertEqual(slack["blocks"][0]["text"]["type"], "plain_text")
            card = json.loads(flaky[-1]["body"])
            self.assertEqual(card["type"], "message")
            self.assertIn("CRITICAL: Flaky receiver",
                          json.dumps(card["attachments"][0]["content"]))
            self.assertNotIn("SECRET-4711", service.console())
        finally:
            service.stop()
            receiver.stop()

    def test_killed_with_a_notification_pending_it_is_delivered_after_restart(self):
        data = Path(tempfile.mkdtemp(prefix="data-", dir=WORKDIR))
        maildir = str(data.parent / (data.name + "-Maildir"))
        mailbox.Maildir(maildir, create=True)
        hold = socket.socket()  # the relay is down: bound, never listening
        hold.bind(("127.0.0.1", 0))
        relay_port = hold.getsockname()[1]
        service = self.start_service(data)
        relay = None
        try:
            add_notifier("Mail", "email", f_str(T_N_TO, "ops@example.com"),
                         f_str(T_N_RELAYS, "127.0.0.1:%d" % relay_port),
                         f_str(T_N_TLS, "none"))
            rule = add_rule("Killed", refused_port())
            notify(rule, "Mail", on="critical")
            pending = wait_for(lambda: [n for n in notifications()
                                        if n.get(T_ATTEMPTS, 0) >= 1], 60, 0.5,
                               "a failed attempt")
            uid = pending[0][T_NOTIFICATION_ID]
            os.kill(service.proc.pid, signal.SIGKILL)  # kill -9: no goodbye
            service.proc.wait(30)
            service.log.close()
            hold.close()
            relay = harness.start_aiosmtpd(
                port=relay_port, args=("-c", "aiosmtpd.handlers.Mailbox", maildir))
            service = self.start_service(data)
            wait_for(lambda: uid in [m["X-SmtpWatch-Notification-Id"] for m in mails(maildir)],
                     60, 0.5, "the pending mail after the restart")
            time.sleep(2)
            # Once, and nothing else: the restart told nothing new (the rule
            # is still CRITICAL), whatever state the kill left in the store.
            self.assertEqual([m["X-SmtpWatch-Notification-Id"] for m in mails(maildir)],
                             [uid])
        finally:
            service.stop()
            if relay:
                stop_process(relay)


def main():
    global SVC_EXE, PROBE_EXE, PREFIX, WORKDIR
    global INSTALL_ROOT_CERT, CERTS
    if len(sys.argv) < 4:
        sys.exit("usage: test_alerts.py SVC_EXE PIPE_PROBE_EXE INSTALL_ROOT_CERT_EXE")
    SVC_EXE, PROBE_EXE, INSTALL_ROOT_CERT = sys.argv[1:4]
    del sys.argv[1:4]
    PREFIX = Path(os.environ.get("SW_ALERTS_PREFIX") or
                  Path(SVC_EXE).resolve().parent.parent / "alerts-wineprefix")
    harness.start_prefix(PREFIX)
    WORKDIR = tempfile.mkdtemp(prefix="sw-alerts-")
    CERTS = Path(WORKDIR) / "certs"
    subprocess.run([str(ROOT / "tests" / "fixtures" / "tls_certs.sh"), str(CERTS)],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=True)
    harness.run_wine(wine_env(), INSTALL_ROOT_CERT, "add", win_path(CERTS / "ca.der"))
    try:
        unittest.main(verbosity=2)
    finally:
        harness.stop_prefix(PREFIX)
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
