#!/usr/bin/python3
"""Subscriptions (protocol version 4, docs/pipe-protocol.md
"Subscriptions"): the service pushes changed rule states, new events and
rule changes to the clients that subscribed.

Usage: test_subscriptions.py SVC_EXE SMTPWATCH_EXE PIPE_PROBE_EXE
       STORE_TOOL_EXE [unittest arguments]

The service runs with --console (--interval-unit-ms 100: a rule's 10 s
interval lasts 1 s) in a Wine prefix of this module's own. The subscribed
client is `smtpwatch watch --json`, read line by line as a script reads
it; a real aiosmtpd on loopback is the rule's server, stopped to make it
fail. pipe_probe.exe (pipe_wire.py) speaks the protocol frame by frame: a
subscription beside ordinary requests on one connection, and a client
that subscribes and never reads. Every wait is bounded and fails with what
was seen; every process started here is stopped by its PID.
"""

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import json
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import pipe_wire as wire  # noqa: E402
from harness import stop_process, wait_for, win_path  # noqa: E402

SVC_EXE = SMTPWATCH_EXE = PROBE_EXE = STORE_TOOL_EXE = None
PREFIX = WORKDIR = None

HELLO, HELLO_OK, ERROR = 1, 2, 3
SERVICE_INFO, SERVICE_INFO_OK, STATUS, STATUS_OK = 10, 11, 40, 41
SUBSCRIBE, SUBSCRIBE_OK, PUSH = 116, 117, 119
T_VERSION_MIN, T_VERSION_MAX, T_CLIENT_NAME, T_ERROR_CODE = 1, 2, 4, 6
T_RULE_ID, T_STATE = 21, 81
T_SUB_STATES, T_SUB_EVENTS, T_SUB_RULES, T_RESYNC = 230, 231, 232, 237
T_RULE_STATE, T_SUBSCRIBERS = 240, 239
FLAG_PUSH = 1
PUSH_WAIT_S = 30  # the bound on "a push arrives": generous for a loaded CI


def hello(vmax=4):
    return wire.frame(HELLO, 1, wire.f_int(T_VERSION_MIN, 1), wire.f_int(T_VERSION_MAX, vmax),
                      wire.f_str(T_CLIENT_NAME, "test_subscriptions"))


def subscribe(request_id=2):
    return wire.frame(SUBSCRIBE, request_id, wire.f_bool(T_SUB_STATES, True),
                      wire.f_bool(T_SUB_EVENTS, True), wire.f_bool(T_SUB_RULES, True))


def wine_env():
    return harness.wine_env(PREFIX)


def smtpwatch(*args, check=True):
    proc = harness.run_wine(wine_env(), SMTPWATCH_EXE, *args, check=check)
    return proc.stdout.replace("\r\n", "\n")


def service_info():
    return json.loads(smtpwatch("service", "info", "--json"))


def pipe_answers():
    proc = subprocess.run(wire.probe_cmd(PROBE_EXE, "latency", "SERVICE_INFO", 1,
                                         timeout_ms=2000),
                          stdin=subprocess.DEVNULL, capture_output=True, env=wine_env(),
                          timeout=60)
    return proc.returncode == 0


def console_service(data_dir=None):
    data_dir = data_dir or tempfile.mkdtemp(prefix="data-", dir=WORKDIR)
    return harness.ConsoleService(SVC_EXE, data_dir, wine_env(), pipe_answers,
                                  unit_ms=100, stop_grace_s=20)


def service_pid():
    return harness.wine_process(PREFIX, "smtpwatch-svc.exe")


def private_kb(pid):
    """The service's private memory (anonymous resident pages), in KB: what
    Windows calls its private bytes, as Linux sees the Wine process."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise AssertionError("no RssAnon for %d" % pid)


class Watch:
    """`smtpwatch watch --json`: its lines, parsed, as they come."""

    def __init__(self):
        self.proc = subprocess.Popen(["wine", str(SMTPWATCH_EXE), "watch", "--json"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=wine_env())
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()
        self.next(lambda m: m["type"] == "subscribed", "the subscription")

    def _read(self):
        for raw in self.proc.stdout:
            text = raw.decode("utf-8", "replace").strip()
            if text:
                self.lines.put(text)
        self.lines.put(None)

    def next(self, match, what, timeout_s=PUSH_WAIT_S):
        """The first line from now on that `match` accepts."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            try:
                text = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                text = ""
            if text is None or (not text and time.monotonic() >= deadline):
                raise AssertionError("%s did not come within %s s; the watch printed:\n%s"
                                     % (what, timeout_s, "\n".join(self.seen[-20:])))
            if not text:
                continue
            self.seen.append(text)
            try:
                message = json.loads(text)
            except ValueError:
                raise AssertionError("watch printed a line that is not JSON: %r" % text)
            if match(message):
                return message

    def stop(self):
        stop_process(self.proc)


def setUpModule():
    global PREFIX, WORKDIR
    for exe in (SVC_EXE, SMTPWATCH_EXE, PROBE_EXE, STORE_TOOL_EXE):
        if not exe or not os.path.isfile(exe):
            raise RuntimeError("usage: test_subscriptions.py SVC_EXE SMTPWATCH_EXE "
                               "PIPE_PROBE_EXE STORE_TOOL_EXE (%r missing)" % exe)
    PREFIX = Path(os.environ.get("SW_SUBSCRIPTIONS_PREFIX") or
                  Path(SVC_EXE).resolve().parent.parent / "subscriptions-wineprefix")
    harness.start_prefix(PREFIX)
    WORKDIR = tempfile.mkdtemp(prefix="sw-subscriptions-")


def tearDownModule():
    if PREFIX:
        harness.stop_prefix(PREFIX)
    if WORKDIR:
        shutil.rmtree(WORKDIR, ignore_errors=True)


class PushTests(unittest.TestCase):
    """One service; each test adds rules of its own."""

    @classmethod
    def setUpClass(cls):
        cls.service = console_service()

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()

    def setUp(self):
        self.watch = Watch()
        self.addCleanup(self.watch.stop)

    def add(self, name, port, *more):
        out = smtpwatch("rules", "add", "127.0.0.1", "--port", port, "--name", name,
                        "--interval-s", "10", *more, "--json")
        return json.loads(out)

    def test_a_server_going_down_is_pushed_with_its_event(self):
        port = harness.free_port()
        server = harness.start_aiosmtpd(port)
        self.addCleanup(stop_process, server)
        rule = self.add("goes down", port)
        rid = rule["id"]
        self.watch.next(lambda m: m["type"] == "state" and m["rule_id"] == rid and
                        m["state"] == "OK" and m["outcome"] == "ok", "the rule's first OK")
        stop_process(server)  # the real server stops: connections are refused
        down = self.watch.next(lambda m: m["type"] == "state" and m["rule_id"] == rid and
                               m["state"] == "CRITICAL", "the rule's CRITICAL state")
        self.assertEqual(down["outcome"], "connection_refused")
        self.assertIn("Connection refused", down["message"])
        event = self.watch.next(lambda m: m["type"] == "event" and m.get("rule_id") == rid,
                                "the rule's event")
        self.assertEqual(event["severity"], "error")
        self.assertIn('"goes down"', event["message"])

    def test_rule_changes_by_another_client_arrive_with_their_revision(self):
        port = harness.refused_port()
        rule = self.add("changed elsewhere", port, "--disabled")
        rid = rule["id"]
        added = self.watch.next(lambda m: m["type"] == "rule" and m["rule_id"] == rid,
                                "the rule added")
        self.assertEqual((added["change"], added["revision"], added["name"]),
                         ("added", rule["revision"], "changed elsewhere"))
        self.assertFalse(added["enabled"])
        smtpwatch("rules", "edit", rid, "--name", "renamed elsewhere")
        updated = self.watch.next(lambda m: m["type"] == "rule" and m["rule_id"] == rid,
                                  "the rule updated")
        self.assertEqual((updated["change"], updated["name"]),
                         ("updated", "renamed elsewhere"))
        self.assertGreater(updated["revision"], added["revision"])
        self.assertEqual(updated["server"], "127.0.0.1:%d" % port)
        smtpwatch("rules", "delete", rid)
        deleted = self.watch.next(lambda m: m["type"] == "rule" and m["rule_id"] == rid,
                                  "the rule deleted")
        self.assertEqual(deleted, {"type": "rule", "change": "deleted", "rule_id": rid})

    def test_subscription_beside_requests_on_one_connection(self):
        port = harness.refused_port()
        rid = self.add("checked meanwhile", port)["id"]
        # SUBSCRIBE, then STATUS, a pause while the rule is checked (about
        # once a second), then SERVICE_INFO: replies in order, with pushes
        # between them and never inside one.
        ex = wire.raw(PROBE_EXE, wine_env(), hello(), subscribe(2), wire.frame(STATUS, 3),
                      "~2500", wire.frame(SERVICE_INFO, 4), hold_ms=3000)
        replies = [f for f in ex.frames if not f.flags & FLAG_PUSH]
        pushes = [f for f in ex.frames if f.flags & FLAG_PUSH]
        self.assertEqual([(f.message, f.request_id) for f in replies],
                         [(HELLO_OK, 1), (SUBSCRIBE_OK, 2), (STATUS_OK, 3),
                          (SERVICE_INFO_OK, 4)], ex)
        self.assertEqual(ex.leftover, 0, ex)
        self.assertTrue(pushes, "no push came in 2.5 s of checks: %r" % ex)
        self.assertTrue(all(p.message == PUSH and p.request_id == 0 for p in pushes), ex)
        states = [s for p in pushes for s in p.records(T_RULE_STATE)
                  if s.get(T_RULE_ID) == rid]
        self.assertTrue(states, ex)
        self.assertEqual(states[-1][T_STATE], "CRITICAL")
        # ... and the first push comes after SUBSCRIBE_OK
        order = [f.message for f in ex.frames]
        self.assertLess(order.index(SUBSCRIBE_OK), order.index(PUSH))

    def test_a_version_3_client_cannot_subscribe(self):
        replies = wire.call(PROBE_EXE, wine_env(), hello(vmax=3), subscribe(2))
        self.assertEqual(replies[0].message, ERROR)
        self.assertEqual(replies[0].get(T_ERROR_CODE), "unknown_message")


class SlowReaderTests(unittest.TestCase):
    """A client that subscribes and never reads, while 200 rules fail
    every second (about 50 KB of pushes a second, past the pipe's buffer
    in two): the client is disconnected (its push unread past the 10 s
    stall limit), the service's memory does not grow with what it could
    not send, and a client that reads goes on being served."""

    RULES = 200

    def test_a_client_that_never_reads_is_dropped_and_memory_stays_bounded(self):
        data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=WORKDIR))
        harness.run_wine(wine_env(), STORE_TOOL_EXE, win_path(data_dir / "smtpwatch.db"),
                         "add-many", self.RULES, "--name", "slow", "--host", "127.0.0.1",
                         "--port", harness.refused_port(), "--interval-s", "10",
                         timeout=300)
        service = console_service(data_dir)
        self.addCleanup(service.stop)
        watch = Watch()
        self.addCleanup(watch.stop)
        watch.next(lambda m: m["type"] == "state", "a state from the reading client")
        time.sleep(10)  # every rule checked several times: the memory settles
        pid = service_pid()
        before = private_kb(pid)
        # Subscribes, then writes nothing and reads nothing for 25 s.
        ex = wire.raw(PROBE_EXE, wine_env(), hello(), subscribe(2), "~25000",
                      hold_ms=5000)
        after = private_kb(pid)
        self.assertTrue(ex.closed, "the service kept a client that read nothing: %r" %
                        ex.out)
        info = service_info()
        self.assertEqual(info["subscribers"], 1, info)  # the watch only
        # The fixed cap: the change log (256 KB), the event ring (1,024
        # events), one push (256 KB) and its copy in the pipe's output.
        growth_kb = after - before
        print("slow reader: private memory %d KB before, %d KB after (%+d KB); it "
              "received %d bytes before it was dropped" % (before, after, growth_kb,
                                                           len(ex.bytes)))
        self.assertLess(growth_kb, 4096)
        watch.next(lambda m: m["type"] == "state", "a state after the slow client went")


def main():
    global SVC_EXE, SMTPWATCH_EXE, PROBE_EXE, STORE_TOOL_EXE
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    SVC_EXE, SMTPWATCH_EXE, PROBE_EXE, STORE_TOOL_EXE = sys.argv[1:5]
    unittest.main(argv=[sys.argv[0]] + sys.argv[5:], verbosity=2)


if __name__ == "__main__":
    main()
