#!/usr/bin/python3
"""The rule editor (smtpwatch-editor.exe) driven as a user drives it,
under Wine on a virtual X display.

Usage: test_editor.py EDITOR_EXE SMTPWATCH_EXE SVC_EXE WINDOW_TEXT_EXE
       PIPE_PROBE_EXE [unittest arguments]

Each test starts smtpwatch-svc.exe --console with a fresh data directory
and the editor, in a Wine prefix of this module's own, on an Xvfb display
of its own (the first free one from :90). The editor is driven with
xdotool through the keyboard only (its child controls are not X windows):
accelerators, mnemonics, Tab, type-ahead in the rule list, and the mouse
on the list's column headers. What it did is checked through `smtpwatch
rules list --json`, as a script would see it; what it shows through
tests/tools/window_text.exe (the rows, the status bar, the banner and the
dialogs' texts, read from the editor's process) and screenshots (the
banner's colour when the service is gone). Checks go to aiosmtpd on
loopback. What the command line cannot do yet (acknowledge, maintenance
windows, notifiers) is done through the control pipe itself with
tests/tools/pipe_probe.exe and pipe_wire.py.

Screenshots are saved as PNG in SW_EDITOR_ARTIFACTS (default:
editor-artifacts next to the build's gui/ directory) and their paths
printed: the main window, the rule dialog showing a validation error, the
history chart, the banner of an unreachable service, the read-only editor
of a standard user, the rule dialog with an AUTH user and password typed,
then opened again ("Stored: set"), and its test result.

Under Wine every process has a full administrator token, so the
read-only mode of a standard user is reached through the editor's seam
SMTPWATCH_EDITOR_ASSUME_STANDARD_USER=1 (gui/editor_rights.h), which
makes it believe its token is not an administrator's.

SW_EDITOR_TEST_PREFIX names the Wine prefix (default: editor-wineprefix
next to gui/). Every process has a timeout; every process started here is
stopped by its PID, and the prefix with scripts/wine-prefix.sh stop.
"""

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import pipe_wire as wire  # noqa: E402  (the protocol's frames, in Python)
from harness import free_port, stop_process, wait_for, win_path  # noqa: E402

EDITOR_EXE = SMTPWATCH_EXE = SVC_EXE = WINDOW_TEXT_EXE = PIPE_PROBE_EXE = None
PREFIX = WORKDIR = ARTIFACTS = None
AIOSMTPD = XVFB = None
DISPLAY = None

# Window titles, as regular expressions (xdotool: case-insensitive).
MAIN_TITLE = "SMTP Watch"  # the main window's and its message boxes' title
RULE_TITLE = ".*Rule.* - SMTP Watch"  # "New rule - ...", the rule's name...
HISTORY_TITLE = "History.*"  # "History - <rule>", " (loading...)" while it loads
TEST_RESULT_TITLE = ".*Test result - SMTP Watch"  # "<rule> - Test result - ..."
ACK_TITLE = "Acknowledge - SMTP Watch"
NOTIFICATIONS_TITLE = "Notifications - SMTP Watch"
NOTIFIER_TITLE = "Notifier.* - SMTP Watch"  # "Notifier (change) - ..." for an edit
REPORT_TITLE = "Availability report - SMTP Watch"
SAVE_AS_TITLE = "Save As"  # GetSaveFileNameW's dialog
MENU_BAR_H = 19  # the main window's menu bar at 96 DPI (SM_CYMENU under Wine)
FILTER_ROW_H = 25  # the filter box's row over the list's label (12 + 3.5 DLU)
BANNER_RGB_GAP = 25  # the banner is pale yellow: red well above blue
MODE_BANNER_RGB_GAP = 15  # the read-only banner is pale blue: blue above red
STANDARD_USER = {"SMTPWATCH_EDITOR_ASSUME_STANDARD_USER": "1"}
READ_ONLY_BANNER = ("Read-only: you are not an administrator. To change rules, start the "
                    "editor as an administrator (right-click, Run as administrator).")


def wine_env():
    """Every Wine process here gets the test's display: the first one that
    needs a desktop starts it for the whole prefix."""
    return harness.wine_env(PREFIX, DISPLAY)


def smtpwatch(*args, timeout=60):
    proc = subprocess.run(["wine", str(SMTPWATCH_EXE)] + [str(a) for a in args],
                          stdin=subprocess.DEVNULL, capture_output=True, env=wine_env(),
                          timeout=timeout)
    out = proc.stdout if proc.returncode == 0 else proc.stdout + proc.stderr
    return proc.returncode, out.decode("utf-8", "replace").replace("\r\n", "\n")


def rules():
    """The service's rules by name, as `smtpwatch rules list --json` says."""
    rc, out = smtpwatch("rules", "list", "--json")
    if rc != 0:
        raise AssertionError("rules list failed (%s):\n%s" % (rc, out))
    return {r["name"]: r for r in json.loads(out)}


def status():
    rc, out = smtpwatch("status", "--json")
    if rc != 0:
        raise AssertionError("status failed (%s):\n%s" % (rc, out))
    return json.loads(out)


def add_rule(*args):
    rc, out = smtpwatch("rules", "add", *args, "--json")
    if rc != 0:
        raise AssertionError("rules add failed (%s):\n%s" % (rc, out))
    return json.loads(out)


# Protocol version 2 (docs/pipe-protocol.md): messages and tags this file uses.
HELLO, T_VERSION_MIN, T_VERSION_MAX, T_CLIENT_NAME = 1, 1, 2, 4
DONE_OK, STATUS, STATUS_OK = 29, 40, 41
MAINTENANCE_ADD, MAINTENANCE_OK, RULE_ACK = 82, 83, 100
T_RULE_ID, T_STATUS, T_ACK_BY, T_ACK_COMMENT = 21, 80, 150, 152
T_MAINTENANCE, T_MAINT_ALL, T_MAINT_FROM, T_MAINT_UNTIL = 130, 132, 133, 134
NOTIFIER_OK, NOTIFIER_ADD = 73, 74
RULE_ALERTS_GET, RULE_ALERTS_OK, RULE_ALERTS_SET = 104, 105, 106
T_NOTIFIER, T_NOTIFIER_NAME, T_NOTIFIER_KIND = 110, 111, 112
T_NOTIFIER_COMMAND_LINE, T_NOTIFIER_TIMEOUT_S, T_NOTIFIER_SERVICE_NAME = 124, 125, 126
T_RULE_ALERTS, T_NOTIFY, T_ALERT_ON, T_ALERT_AFTER_S, T_RENOTIFY_S, T_DEPENDS_ON = (
    160, 161, 162, 163, 164, 165)


def pipe_call(*requests):
    """HELLO for version 2, then `requests` (frames of wire.frame) on one
    connection; their replies."""
    hello = wire.frame(HELLO, 1, wire.f_int(T_VERSION_MIN, 2), wire.f_int(T_VERSION_MAX, 2),
                       wire.f_str(T_CLIENT_NAME, "test_editor"))
    return wire.call(PIPE_PROBE_EXE, wine_env(), hello, *requests)


def add_notifier(name, kind, *fields):
    """NOTIFIER_ADD of notifier `name` of `kind` with the kind's `fields`."""
    reply, = pipe_call(wire.frame(NOTIFIER_ADD, 2, wire.f_record(
        T_NOTIFIER, wire.f_str(T_NOTIFIER_NAME, name), wire.f_str(T_NOTIFIER_KIND, kind),
        *fields)))
    assert reply.message == NOTIFIER_OK, reply


def rule_alerts(rule_id):
    """RULE_ALERTS_GET of a rule: (notifier names, the record by tag)."""
    reply, = pipe_call(wire.frame(RULE_ALERTS_GET, 2, wire.f_int(T_RULE_ID, rule_id)))
    assert reply.message == RULE_ALERTS_OK, reply
    fields = next(v for t, v in reply.fields if t == T_RULE_ALERTS)
    return [v for t, v in fields if t == T_NOTIFY], wire.dict_of(fields)


def pipe_status():
    """Each rule's STATUS record (tag -> value) by rule id, from the pipe."""
    reply, = pipe_call(wire.frame(STATUS, 2))
    assert reply.message == STATUS_OK, reply
    return {r[T_RULE_ID]: r for r in reply.records(T_STATUS)}


class Shown:
    """What a window shows, as window_text.exe reads it: its child texts,
    its status bar parts, its list's rows (cells in ListView column
    order: for the main window State, Name, Server, Response, Last check,
    Last message, 24 h, 7 d) and its buttons ({text: enabled})."""

    def __init__(self, out):
        self.texts, self.status, self.rows, self.buttons = [], [], [], {}
        in_text = False  # a multi-line text (the check result's report) goes on
        for line in out.replace("\r\n", "\n").split("\n"):
            if in_text and line and not re.match(r"(text|button|status|row|window): ", line):
                self.texts[-1] += "\n" + line.rstrip("\r")
                continue
            in_text = line.startswith("text: ")
            if in_text:
                self.texts.append(line[6:])
            elif line.startswith("button: "):
                text, _, state = line[8:].rpartition(" | ")
                self.buttons[text] = state == "enabled"
            elif line.startswith("status: "):
                self.status = line[8:].split(" | ")
            elif line.startswith("row: "):
                self.rows.append(line[5:].split(" | "))

    def names(self):
        """The main list's rule names, top to bottom."""
        return [row[1] for row in self.rows]

    def row(self, name):
        return next((r for r in self.rows if r[1] == name), None)


def shown(title):
    """What the visible window whose title contains `title` shows."""
    proc = subprocess.run(["wine", str(WINDOW_TEXT_EXE), title, "--timeout-ms", "10000"],
                          stdin=subprocess.DEVNULL, capture_output=True, env=wine_env(),
                          timeout=60)
    if proc.returncode != 0:
        raise AssertionError("window_text %r failed (%s): %s" % (
            title, proc.returncode, proc.stderr.decode("utf-8", "replace")))
    return Shown(proc.stdout.decode("utf-8", "replace"))


def xdo(*args, timeout=20):
    """xdotool on the test display; its stdout."""
    proc = subprocess.run(["xdotool"] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, DISPLAY=DISPLAY))
    return proc.stdout


def windows(title):
    """Ids of the visible windows whose whole title is `title`."""
    out = xdo("search", "--onlyvisible", "--name", "^%s$" % title)
    return [int(w) for w in out.split()]


def wait_window(title, timeout_s=30, other_than=()):
    """The id of a visible window titled `title` (and not one of
    `other_than`), once there is one."""
    def found():
        ids = [w for w in windows(title) if w not in other_than]
        return ids[0] if ids else None
    return wait_for(found, timeout_s, 0.2, "a window titled %r" % title)


def wait_gone(window, title, timeout_s=30):
    wait_for(lambda: window not in windows(title), timeout_s, 0.2,
             "the window %s (%r) closing" % (window, title))


def keys(window, *names, pause_s=0.15):
    """Focuses `window` and presses each key (xdotool key names)."""
    xdo("windowfocus", "--sync", window)
    for name in names:
        xdo("key", "--clearmodifiers", name)
        time.sleep(pause_s)


def type_text(window, text):
    xdo("windowfocus", "--sync", window)
    xdo("type", "--delay", "30", text)
    time.sleep(0.2)


def screenshot(window, name, keep=True):
    """Saves the window as ARTIFACTS/name.png and returns the path; prints
    it if it is to be kept (an artefact, not a probe)."""
    path = ARTIFACTS / (name + ".png")
    subprocess.run(["import", "-window", str(window), str(path)], check=True, timeout=30,
                   env=dict(os.environ, DISPLAY=DISPLAY), stdin=subprocess.DEVNULL,
                   capture_output=True)
    if keep:
        print("editor test artefact: %s" % path, flush=True)
    return path


def mean_rgb(png, x, y, w, h):
    """The mean colour (0-255 each) of a region of a PNG, by ImageMagick."""
    out = subprocess.run(
        ["convert", str(png), "-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage",
         "-resize", "1x1!", "-format", "%[fx:int(255*r)],%[fx:int(255*g)],%[fx:int(255*b)]",
         "info:"], capture_output=True, text=True, check=True, timeout=30).stdout
    return tuple(int(v) for v in out.split(","))


def console_service(data_dir):
    """The service on `data_dir`, up once `smtpwatch service info` answers;
    stop() and start() again keep the same data."""
    return harness.ConsoleService(
        SVC_EXE, data_dir, wine_env(),
        lambda: smtpwatch("service", "info", "--json", timeout=30)[0] == 0, unit_ms=100)


class Editor:
    """smtpwatch-editor.exe on the test display; `main` is its window."""

    def __init__(self, log_path, args=(), env=None):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(["wine", str(EDITOR_EXE)] + list(args),
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     env=dict(wine_env(), **(env or {})))
        self.main = wait_window(MAIN_TITLE, 60)

    def close(self):
        """Closes it as a user does (Alt+F4) and waits for it to exit."""
        if self.proc.poll() is None:
            try:
                keys(self.main, "alt+F4")
                self.proc.wait(15)
            except (subprocess.TimeoutExpired, subprocess.SubprocessError):
                pass
        code = self.proc.poll()
        stop_process(self.proc)
        self.log.close()
        return code


def setUpModule():
    global PREFIX, WORKDIR, ARTIFACTS, AIOSMTPD, XVFB, DISPLAY
    for exe in (EDITOR_EXE, SMTPWATCH_EXE, SVC_EXE, WINDOW_TEXT_EXE, PIPE_PROBE_EXE):
        if not exe or not os.path.isfile(exe):
            raise RuntimeError("usage: test_editor.py EDITOR_EXE SMTPWATCH_EXE SVC_EXE "
                               "WINDOW_TEXT_EXE PIPE_PROBE_EXE (%r missing)" % exe)
    gui_dir = Path(EDITOR_EXE).resolve().parent
    PREFIX = Path(os.environ.get("SW_EDITOR_TEST_PREFIX") or
                  gui_dir.parent / "editor-wineprefix")
    ARTIFACTS = Path(os.environ.get("SW_EDITOR_ARTIFACTS") or
                     gui_dir.parent / "editor-artifacts")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    XVFB, DISPLAY = harness.start_xvfb()
    # The prefix boots with the display set: the desktop process that the
    # boot starts keeps the display driver it found then, and every window
    # of the prefix goes through it.
    harness.start_prefix(PREFIX, env=dict(os.environ, DISPLAY=DISPLAY))
    WORKDIR = Path(tempfile.mkdtemp(prefix="sw-editor-"))
    AIOSMTPD = harness.start_aiosmtpd()


def tearDownModule():
    stop_process(AIOSMTPD)
    if PREFIX:
        harness.stop_prefix(PREFIX)
    stop_process(XVFB)
    if WORKDIR:
        shutil.rmtree(WORKDIR, ignore_errors=True)


class EditorTestCase(unittest.TestCase):
    """A fresh service, data directory and editor for each test."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="data-", dir=WORKDIR))
        self.service = console_service(self.dir)
        self.addCleanup(lambda: self.service.stop())
        self.editor = None

    def open_editor(self, *args, env=None):
        """The editor, with command line `args` and `env` added to its
        environment; its main window (or the first window it shows)."""
        self.editor = Editor(self.dir / "editor.log", args, env)
        self.addCleanup(self.close_editor)
        return self.editor.main

    def close_editor(self):
        if self.editor:
            code = self.editor.close()
            self.editor = None
            return code
        return None

    def start_aiosmtpd(self, port):
        """aiosmtpd on `port` for this test; stopped at its end."""
        server = harness.start_aiosmtpd(port)
        self.addCleanup(stop_process, server)
        return server

    def wait_shown(self, predicate, what, timeout_s=20):
        """The main window's Shown once `predicate` holds for it (the list
        refreshes every 5 s)."""
        return wait_for(lambda: (lambda v: v if predicate(v) else None)(shown(MAIN_TITLE)),
                        timeout_s, 0.5, what)

    def select(self, prefix):
        """Selects the first rule whose name begins with `prefix` by typing
        it into the list (type-ahead), as a user would."""
        keys(self.editor.main, "alt+l")  # the list's label: focus on the list
        time.sleep(1.2)  # the ListView's type-ahead forgets after ~1 s
        type_text(self.editor.main, prefix)

    def confirm(self, key):
        """Answers the message box over the main window with `key`."""
        box = wait_window(MAIN_TITLE, 20, other_than=(self.editor.main,))
        keys(box, key)
        wait_gone(box, MAIN_TITLE)

    def banner_shown(self, name=None):
        shot = screenshot(self.editor.main, name or "main-window-probe", name is not None)
        r, g, b = mean_rgb(shot, 20, 34 + MENU_BAR_H + FILTER_ROW_H, 240, 20)  # under the list's label
        if name is None:
            shot.unlink()
        return r - b > BANNER_RGB_GAP


class MainWindowTests(EditorTestCase):

    def three_rules(self):
        """An OK rule, a CRITICAL one and a disabled one, each checked (a
        10 s interval lasts 0.1 s here) as the service's status says."""
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        add_rule("127.0.0.1", "--port", "1", "--name", "bravo-refused", "--interval-s", "10")
        add_rule("mail.example.com", "--name", "charlie-disabled", "--disabled")
        wait_for(lambda: {s["name"]: s["state"] for s in status()} ==
                 {"alpha-ok": "OK", "bravo-refused": "CRITICAL",
                  "charlie-disabled": "disabled"}, 30, 0.5, "alpha OK and bravo CRITICAL")

    def test_the_list_shows_each_rule_and_sorts(self):
        self.three_rules()
        main = self.open_editor()
        port = AIOSMTPD.port
        view = self.wait_shown(lambda v: len(v.rows) == 3 and v.rows[1][0] == "CRITICAL",
                               "three rows with their states")
        screenshot(main, "main-window")
        # By name; State, Name, Server, Response, Last check, Last message,
        # 24 h, 7 d.
        self.assertEqual([r[:3] for r in view.rows],
                         [["OK", "alpha-ok", "127.0.0.1:%d" % port],
                          ["CRITICAL", "bravo-refused", "127.0.0.1:1"],
                          ["Disabled", "charlie-disabled", "mail.example.com:25"]])
        alpha, bravo, charlie = view.rows
        self.assertRegex(alpha[3], r"^\d+ ms$")
        self.assertRegex(alpha[4], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        self.assertIn("220", alpha[5])
        self.assertIn("refused", bravo[5].lower())
        self.assertEqual(charlie[3:], ["", "", "", "\u2014", "\u2014"])  # never checked
        self.assertTrue(view.status[0].startswith("Connected to the SMTP Watch service"),
                        view.status)
        self.assertEqual(view.status[1], "3 rules: 1 CRITICAL, 1 OK, 1 disabled")
        self.assertRegex(view.status[2], r"^Updated \d\d:\d\d:\d\d$")
        self.assertFalse([t for t in view.texts if "Trying again" in t], view.texts)

        # A click on the State header sorts by severity; a second, worst first.
        name_w, server_w = 150, 160  # lv_widths in gui/main_window.c (96 DPI)
        # Below the menu, the filter box and the list's label.
        list_x, header_y = 12, 40 + MENU_BAR_H + FILTER_ROW_H
        state_x = list_x + name_w + server_w + 40
        def click(x):
            time.sleep(1)  # two clicks in a row would be a double click
            xdo("mousemove", "--window", main, x, header_y, "click", "1")
        click(state_x)
        self.wait_shown(lambda v: v.names() == ["charlie-disabled", "alpha-ok",
                                                "bravo-refused"], "sorted by state")
        click(state_x)
        self.wait_shown(lambda v: v.names() == ["bravo-refused", "alpha-ok",
                                                "charlie-disabled"], "worst first")
        # The Name header: by name again.
        click(list_x + 40)
        self.wait_shown(lambda v: v.names() == ["alpha-ok", "bravo-refused",
                                                "charlie-disabled"], "sorted by name")
        self.assertEqual(self.close_editor(), 0)

    def test_the_filter_box_shows_only_matching_rows(self):
        self.three_rules()
        timings = self.dir / "editor-timings.txt"
        # Each action's time, as the diagnostic option writes it (docs/scale.md).
        wine_path = "Z:" + str(timings).replace("/", "\\")
        main = self.open_editor(env={"SW_EDITOR_TIMINGS": wine_path})
        self.wait_shown(lambda v: len(v.rows) == 3, "three rows")
        keys(main, "alt+f")  # the filter's label: focus on the box
        type_text(main, "BRAVO")  # any case, in the name
        view = self.wait_shown(lambda v: v.names() == ["bravo-refused"], "only bravo")
        self.assertEqual(view.status[1], "3 rules: 1 CRITICAL, 1 OK, 1 disabled; 1 shown")
        # Del edits the box's text ("RAVO"); it does not delete the rule.
        keys(main, "Home", "Delete")
        time.sleep(1)
        self.assertEqual(windows(MAIN_TITLE), [main], "Del in the filter box asked something")
        self.assertEqual(len(rules()), 3)
        screenshot(main, "main-window-filtered")
        keys(main, "Escape")  # empties the box: every rule again
        self.wait_shown(lambda v: len(v.rows) == 3, "every rule after Esc")
        type_text(main, "state:problem")
        self.wait_shown(lambda v: v.names() == ["bravo-refused"], "the rules in trouble")
        keys(main, "Escape")
        type_text(main, "example.com state:disabled")  # the host, and a state
        self.wait_shown(lambda v: v.names() == ["charlie-disabled"], "the disabled one")
        # An unknown state is said; the last good filter stays meanwhile.
        keys(main, "Escape")
        type_text(main, "alpha state:broken")
        view = self.wait_shown(lambda v: v.status[1].startswith("Unknown state"),
                               "the unknown state said")
        self.assertEqual(view.status[1], 'Unknown state "broken": use ok, warning, '
                         'critical, unknown, pending, disabled or problem.')
        self.assertEqual(view.names(), ["alpha-ok"])
        log = timings.read_text()
        self.assertRegex(log, r"(?m)^filter \d+\.\d+ rows=1 of=3 model=\d+\.\d+$")
        self.assertRegex(log, r"(?m)^refresh \d+\.\d+ rows=\d+ of=3 model=\d+\.\d+$")
        self.assertRegex(log, r"(?m)^filter \d+\.\d+ rows=1 of=3 refused$")
        self.assertEqual(self.close_editor(), 0)

    def test_enable_disable_and_delete_the_selected_rule(self):
        self.three_rules()
        main = self.open_editor()
        self.wait_shown(lambda v: len(v.rows) == 3, "three rows")

        # Ctrl+E toggles the selected rule.
        self.select("bravo")
        keys(main, "ctrl+e")
        wait_for(lambda: not rules()["bravo-refused"]["enabled"], 20, 0.5,
                 "bravo-refused disabled")
        self.wait_shown(lambda v: v.row("bravo-refused")[0] == "Disabled",
                        "bravo-refused shown disabled")
        keys(main, "alt+n")  # the button's mnemonic does the same
        wait_for(lambda: rules()["bravo-refused"]["enabled"], 20, 0.5,
                 "bravo-refused enabled again")
        self.assertTrue(rules()["alpha-ok"]["enabled"])
        self.assertFalse(rules()["charlie-disabled"]["enabled"])

        # Del asks first; the default answer (Enter) is No.
        self.select("alpha")
        keys(main, "Delete")
        self.confirm("Return")
        time.sleep(2)
        self.assertIn("alpha-ok", rules())
        keys(main, "Delete")
        self.confirm("y")
        wait_for(lambda: "alpha-ok" not in rules(), 20, 0.5, "alpha-ok deleted")
        self.assertEqual(sorted(rules()), ["bravo-refused", "charlie-disabled"])
        view = self.wait_shown(lambda v: len(v.rows) == 2, "two rows left")
        self.assertEqual(view.names(), ["bravo-refused", "charlie-disabled"])
        self.assertTrue(view.status[1].startswith("2 rules: "), view.status)
        # The next rule takes the deleted one's place in the selection.
        keys(main, "ctrl+e")
        wait_for(lambda: not rules()["bravo-refused"]["enabled"], 20, 0.5,
                 "the rule after the deleted one disabled")
        self.assertEqual(self.close_editor(), 0)

    def test_test_now_shows_the_result(self):
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        main = self.open_editor()
        time.sleep(2)
        self.select("alpha")
        keys(main, "ctrl+t")
        result = wait_window(TEST_RESULT_TITLE)
        time.sleep(0.5)
        screenshot(result, "test-now-result")
        keys(result, "Escape")
        wait_gone(result, TEST_RESULT_TITLE)
        # Testing stores nothing and changes nothing.
        self.assertTrue(rules()["alpha-ok"]["enabled"])
        self.assertEqual(self.close_editor(), 0)

    def test_a_stopped_service_is_said_and_reconnected(self):
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        main = self.open_editor()
        time.sleep(2)
        self.assertFalse(self.banner_shown(), "banner shown while the service runs")
        self.service.stop()
        wait_for(self.banner_shown, 20, 1.0, "the banner of an unreachable service")
        self.assertTrue(self.banner_shown("main-window-service-stopped"))
        view = shown(MAIN_TITLE)
        banner = [t for t in view.texts if "Trying again every 5 seconds." in t]
        self.assertEqual(len(banner), 1, view.texts)
        self.assertIn("not running", banner[0])
        self.assertIn("The list shows the rules as they were at", banner[0])
        self.assertIn("not running", view.status[0])
        self.assertEqual(view.names(), ["alpha-ok"])  # the last rows stay
        # An action meanwhile says why it failed, naming the rule.
        self.select("alpha")
        keys(main, "ctrl+e")
        self.confirm("Return")
        # The editor retries by itself: the banner goes once the service is back.
        self.service.start()
        wait_for(lambda: not self.banner_shown(), 20, 1.0, "the banner going")
        view = shown(MAIN_TITLE)
        self.assertFalse([t for t in view.texts if "Trying again" in t], view.texts)
        self.assertTrue(view.status[0].startswith("Connected"), view.status)
        keys(main, "ctrl+e")
        wait_for(lambda: not rules()["alpha-ok"]["enabled"], 20, 0.5,
                 "the rule disabled after the service came back")
        self.assertEqual(self.close_editor(), 0)


class ReadOnlyTests(EditorTestCase):
    """The editor of a user the service would not let change rules: it says
    so up front and offers only what the service allows anyone."""

    BUTTONS_READ_ONLY = {"&Add...": False, "&View...": True, "&Delete": False,
                         "E&nable/Disable": False, "&Test now": True, "&History...": True,
                         "Ac&knowledge...": False, "Accept &changes": False,
                         "&Refresh": True}

    def assert_nothing_opened(self, main):
        self.assertEqual(windows(RULE_TITLE), [], "a rule dialog opened")
        self.assertEqual([w for w in windows(MAIN_TITLE) if w != main], [],
                         "a message box opened")

    def test_a_standard_user_gets_a_read_only_editor(self):
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        before = rules()
        main = self.open_editor(env=STANDARD_USER)
        view = self.wait_shown(lambda v: len(v.rows) == 1, "the rule listed")
        # Up front: the banner, and the status bar's last part.
        self.assertEqual([t for t in view.texts if t.startswith("Read-only")],
                         [READ_ONLY_BANNER])
        self.assertEqual(view.status[3:], ["Read-only"], view.status)
        self.assertTrue(view.status[0].startswith("Connected"), view.status)
        self.select("alpha")
        view = self.wait_shown(lambda v: v.buttons.get("&View..."), "View on the rule")
        self.assertEqual(view.buttons, self.BUTTONS_READ_ONLY)
        shot = screenshot(main, "main-window-read-only")
        r, g, b = mean_rgb(shot, 20, 34 + MENU_BAR_H + FILTER_ROW_H, 240, 20)  # under the list's label
        self.assertGreater(b - r, MODE_BANNER_RGB_GAP, "the banner is not pale blue")

        # The keys that change a rule do nothing.
        for key in ("Insert", "F2", "Delete", "ctrl+e"):
            keys(main, key)
            time.sleep(1)
            self.assert_nothing_opened(main)
        self.assertEqual(rules(), before)

        # Enter opens the rule to look at it: nothing can be typed, Save
        # is off, Test tests the stored rule, Enter closes.
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        title = "Rule (read-only) - SMTP Watch"
        wait_for(lambda: "alpha-ok" in shown(title).texts, 20, 0.5, "the rule loaded")
        rule_view = shown(title)
        self.assertIn(READ_ONLY_BANNER, rule_view.texts)
        self.assertEqual((rule_view.buttons["&Save"], rule_view.buttons["&Test"],
                          rule_view.buttons["Close"]), (False, True, True))
        screenshot(dialog, "rule-dialog-read-only")
        keys(dialog, "alt+t")
        result = wait_window(TEST_RESULT_TITLE)
        keys(result, "Escape")
        wait_gone(result, TEST_RESULT_TITLE)
        keys(dialog, "alt+n")
        type_text(dialog, "renamed")
        self.assertIn("alpha-ok", shown(title).texts)
        self.assertNotIn("renamed", " ".join(shown(title).texts))
        keys(dialog, "Return")  # in the Name field
        wait_gone(dialog, RULE_TITLE)
        self.assertEqual(rules(), before)

        # Test now, History and Refresh stay.
        keys(main, "ctrl+t")
        result = wait_window(TEST_RESULT_TITLE)
        keys(result, "Escape")
        wait_gone(result, TEST_RESULT_TITLE)
        self.assertEqual(rules(), before)
        self.assertEqual(self.close_editor(), 0)

    def test_readonly_switch_and_a_wrong_option(self):
        main = self.open_editor("/readonly")
        view = self.wait_shown(lambda v: v.status[3:] == ["Read-only"], "read-only")
        self.assertIn("Read-only: the editor was started with /readonly. To change rules, "
                      "start it without /readonly.", view.texts)
        self.assertFalse(view.buttons["&Add..."])
        keys(main, "Insert")
        time.sleep(1)
        self.assert_nothing_opened(main)
        self.assertEqual(self.close_editor(), 0)
        # An option it does not know: a sentence, and no window but that.
        box = self.open_editor("/read-only")
        view = shown(MAIN_TITLE)
        self.assertIn("The editor does not know the option \"/read-only\". Its one option "
                      "is /readonly: look at the rules without being able to change "
                      "them.", view.texts)
        keys(box, "Return")
        self.assertEqual(self.editor.proc.wait(20), 2)


class RuleDialogTests(EditorTestCase):

    def test_add_edit_and_delete_a_rule_through_the_dialog(self):
        main = self.open_editor()
        # Ins: a new rule. A port out of range is refused beside its field.
        keys(main, "Insert")
        dialog = wait_window(RULE_TITLE)
        keys(dialog, "alt+n")
        type_text(dialog, "editor-added")
        keys(dialog, "alt+h")
        type_text(dialog, "127.0.0.1")
        keys(dialog, "alt+p")
        type_text(dialog, "99999")
        keys(dialog, "alt+s")
        time.sleep(1.5)
        self.assertIn(dialog, windows(RULE_TITLE), "the dialog closed with a bad port")
        screenshot(dialog, "rule-dialog-validation-error")
        self.assertIn("Port must be between 1 and 65535.", shown("Rule - SMTP Watch").texts)
        self.assertNotIn("editor-added", rules())
        keys(dialog, "alt+p")
        type_text(dialog, str(AIOSMTPD.port))
        keys(dialog, "alt+s")
        wait_gone(dialog, RULE_TITLE)
        r = wait_for(lambda: rules().get("editor-added"), 20, 0.5, "the added rule")
        self.assertEqual((r["host"], r["port"], r["enabled"]),
                         ("127.0.0.1", AIOSMTPD.port, True))
        self.wait_shown(lambda v: v.names() == ["editor-added"], "the added rule listed")

        # Enter on the selected rule: edit it (F2 does the same).
        time.sleep(1)
        self.select("editor-a")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        time.sleep(1)  # the stored rule is fetched into the form
        keys(dialog, "alt+n")
        type_text(dialog, "editor-renamed")
        keys(dialog, "alt+s")
        wait_gone(dialog, RULE_TITLE)
        wait_for(lambda: "editor-renamed" in rules(), 20, 0.5, "the renamed rule")
        self.assertNotIn("editor-added", rules())
        self.assertEqual(rules()["editor-renamed"]["id"], r["id"])

        # Del, Yes: gone.
        time.sleep(1)
        self.select("editor-r")
        keys(main, "Delete")
        self.confirm("y")
        wait_for(lambda: not rules(), 20, 0.5, "the rule deleted")
        self.assertEqual(self.close_editor(), 0)


    def test_an_auth_password_is_saved_and_shown_only_as_set(self):
        """The middle column: an AUTH user and password typed into the
        dialog reach the service (which keeps the password encrypted), and
        neither the command line nor the dialog opened again shows it."""
        password = "Edit0r-s3cret-pw"
        main = self.open_editor()
        keys(main, "Insert")
        dialog = wait_window(RULE_TITLE)
        keys(dialog, "alt+n")
        type_text(dialog, "editor-auth")
        keys(dialog, "alt+h")
        type_text(dialog, "127.0.0.1")
        keys(dialog, "alt+p")
        type_text(dialog, str(AIOSMTPD.port))
        # From the TLS list, Tab passes the certificate fields (greyed
        # without TLS) to the AUTH user; the password box is enabled once
        # there is a user.
        keys(dialog, "alt+l", "Tab")
        type_text(dialog, "monitor")
        keys(dialog, "Tab")
        type_text(dialog, password)
        screenshot(dialog, "rule-dialog-auth")
        keys(dialog, "alt+s")
        wait_gone(dialog, RULE_TITLE)
        r = wait_for(lambda: rules().get("editor-auth"), 20, 0.5, "the added rule")
        self.assertEqual((r["auth_user"], r["auth_password"]), ("monitor", True))
        self.assertTrue(r["drift"])  # the middle column's defaults as the rule's
        self.assertEqual((r["ip_family"], r["auth_mech"]), ("any", "auto"))

        rc, out = smtpwatch("rules", "show", r["id"])
        self.assertEqual(rc, 0, out)
        self.assertNotIn(password, out)
        line = next(l for l in out.split("\n") if l.startswith("AUTH password"))
        self.assertEqual(line.split()[-1], "set", out)

        # Opened again: "Stored: set" beside an empty password box.
        time.sleep(1)
        self.select("editor-au")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        view = wait_for(lambda: (lambda v: v if "Stored: set" in v.texts else None)(
            shown("Rule - SMTP Watch")), 20, 0.5, "the stored rule in the dialog")
        self.assertIn("monitor", view.texts)
        self.assertFalse([t for t in view.texts if password in t], view.texts)
        screenshot(dialog, "rule-dialog-auth-stored")
        # Test the form: the service checks it with the stored password
        # (the form sends none); without one it would be refused beside
        # the password field. aiosmtpd offers no AUTH here: the check
        # reaches AUTH and says so.
        keys(dialog, "alt+t")
        result = wait_window(TEST_RESULT_TITLE)
        report = wait_for(lambda: (lambda v: v if v.texts else None)(
            shown("Test result - SMTP Watch")), 20, 0.5, "the test result")
        self.assertTrue([t for t in report.texts if "AUTH" in t], report.texts)
        self.assertFalse([t for t in report.texts if password in t], report.texts)
        screenshot(result, "rule-dialog-auth-test")
        keys(result, "Escape")
        wait_gone(result, TEST_RESULT_TITLE)
        keys(dialog, "Escape")
        wait_gone(dialog, RULE_TITLE)
        self.assertEqual(self.close_editor(), 0)


    def test_a_round_trip_is_filled_in_and_saved(self):
        """The Round trip page: greyed until a protocol is chosen, its
        fields typed reach the service, a missing probe recipient is
        refused beside its field, and the mailbox password is shown only
        as set, by the command line and by the dialog opened again."""
        password = "Mailb0x-s3cret-pw"
        main = self.open_editor()
        keys(main, "Insert")
        dialog = wait_window(RULE_TITLE)
        keys(dialog, "alt+n")
        type_text(dialog, "editor-round-trip")
        keys(dialog, "alt+h")
        type_text(dialog, "127.0.0.1")
        keys(dialog, "alt+p")
        type_text(dialog, str(AIOSMTPD.port))
        keys(dialog, "alt+b")  # disabled: saved, not run
        # Shift+Tab from the notifiers' list reaches the right column's
        # page choice; Right turns to the Round trip page and Tab to its
        # list, where Down chooses IMAP (the settings, greyed while it is
        # None, come on), and Tab then reaches each setting in turn.
        keys(dialog, "alt+f", "shift+Tab", "Right", "Tab", "Down", "Tab")
        type_text(dialog, "127.0.0.1")
        keys(dialog, "Tab")
        type_text(dialog, "1143")
        keys(dialog, "Tab", "Down", "Tab")  # STARTTLS required
        type_text(dialog, "probe-user")
        keys(dialog, "Tab")
        type_text(dialog, password)
        keys(dialog, "Tab")  # "Remove" is greyed: nothing is stored yet
        type_text(dialog, "Probes")
        keys(dialog, "Tab", "Tab")  # the probe recipient left blank
        type_text(dialog, "monitor@example.com")
        keys(dialog, "Tab")
        type_text(dialog, "120")
        keys(dialog, "Tab")
        type_text(dialog, "30000")
        keys(dialog, "Tab")
        type_text(dialog, "60000")
        keys(dialog, "alt+s")
        view = wait_for(lambda: (lambda v: v if any(
            "Probe recipient is required" in t for t in v.texts) else None)(
                shown("Rule - SMTP Watch")), 20, 0.5, "the missing recipient said")
        self.assertIn(dialog, windows(RULE_TITLE))
        self.assertNotIn("editor-round-trip", rules())
        screenshot(dialog, "rule-dialog-round-trip-error")
        # The first field at fault has the focus.
        type_text(dialog, "probe@example.com")
        keys(dialog, "alt+s")
        wait_gone(dialog, RULE_TITLE)
        r = wait_for(lambda: rules().get("editor-round-trip"), 20, 0.5, "the added rule")
        self.assertEqual(
            (r["round_trip"], r["mailbox_host"], r["mailbox_port"], r["mailbox_tls"],
             r["mailbox_user"], r["mailbox_password"], r["folder"], r["probe_to"],
             r["probe_from"], r["deliver_within_s"], r["delivery_warn_ms"],
             r["delivery_crit_ms"]),
            ("imap", "127.0.0.1", 1143, "starttls", "probe-user", True, "Probes",
             "probe@example.com", "monitor@example.com", 120, 30000, 60000))

        rc, out = smtpwatch("rules", "show", r["id"])
        self.assertEqual(rc, 0, out)
        self.assertNotIn(password, out)
        line = next(l for l in out.split("\n") if l.startswith("Mailbox password"))
        self.assertEqual(line.split()[-1], "set", out)

        # Opened again: the page as saved, the password only "set".
        time.sleep(1)
        self.select("editor-ro")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        keys(dialog, "alt+f", "shift+Tab", "Right")
        view = wait_for(lambda: (lambda v: v if "probe-user" in v.texts else None)(
            shown("Rule - SMTP Watch")), 20, 0.5, "the stored rule in the dialog")
        self.assertIn("Stored: set", view.texts)
        self.assertIn("Probes", view.texts)
        self.assertIn("IMAP (read the folder)", view.texts)
        self.assertFalse([t for t in view.texts if password in t], view.texts)
        screenshot(dialog, "rule-dialog-round-trip")
        keys(dialog, "Escape")
        wait_gone(dialog, RULE_TITLE)
        self.assertEqual(self.close_editor(), 0)


class AlertStateTests(EditorTestCase):

    def test_acknowledge_and_maintenance_show_in_the_list(self):
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        bravo = add_rule("127.0.0.1", "--port", "1", "--name", "bravo-refused",
                         "--interval-s", "10")["id"]
        main = self.open_editor()
        self.wait_shown(lambda v: len(v.rows) == 2 and v.row("bravo-refused")[0] ==
                        "CRITICAL", "bravo-refused CRITICAL")
        # An OK rule has nothing to acknowledge: the button is greyed.
        self.select("alpha")
        view = self.wait_shown(lambda v: "Ac&knowledge..." in v.buttons, "the button")
        self.assertFalse(view.buttons["Ac&knowledge..."])
        # Its server has not changed: there is nothing to accept (docs/drift.md).
        self.assertFalse(view.buttons["Accept &changes"])
        # Ctrl+K on the CRITICAL one asks for a comment and acknowledges it.
        self.select("bravo")
        self.wait_shown(lambda v: v.buttons.get("Ac&knowledge..."), "Acknowledge on")
        keys(main, "ctrl+k")
        dialog = wait_window(ACK_TITLE)
        self.assertIn('Acknowledge "bravo-refused" (CRITICAL)? Its notifications stop '
                      'until its state changes; your comment goes to the events.',
                      shown(ACK_TITLE).texts)
        type_text(dialog, "on it")
        keys(dialog, "Return")
        wait_gone(dialog, ACK_TITLE)
        view = self.wait_shown(lambda v: v.row("bravo-refused")[0] ==
                               "CRITICAL, acknowledged", "bravo-refused acknowledged")
        self.assertEqual(view.row("alpha-ok")[0], "OK")
        record = pipe_status()[bravo]
        self.assertEqual(record.get(T_ACK_COMMENT), "on it")
        self.assertTrue(record.get(T_ACK_BY))
        # The same command takes it back.
        view = self.wait_shown(lambda v: v.buttons.get("Unac&knowledge"), "Unacknowledge")
        keys(main, "ctrl+k")
        self.wait_shown(lambda v: v.row("bravo-refused")[0] == "CRITICAL",
                        "bravo-refused no longer acknowledged")
        self.assertNotIn(T_ACK_BY, pipe_status()[bravo])

        # A maintenance window for every rule, now: both say so.
        now_ms = int(time.time() * 1000)
        reply, = pipe_call(wire.frame(MAINTENANCE_ADD, 2, wire.f_record(
            T_MAINTENANCE, wire.f_bool(T_MAINT_ALL, True),
            wire.f_int(T_MAINT_FROM, now_ms - 60000),
            wire.f_int(T_MAINT_UNTIL, now_ms + 3600000))))
        self.assertEqual(reply.message, MAINTENANCE_OK, reply)
        view = self.wait_shown(
            lambda v: [r[0] for r in v.rows] == ["OK, maintenance", "CRITICAL, maintenance"],
            "both rules in maintenance")
        screenshot(main, "main-window-maintenance")
        self.assertEqual(self.close_editor(), 0)


class RuleAlertsTests(EditorTestCase):

    def test_the_rule_dialog_s_notifications_round_trip(self):
        firewall = add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "firewall",
                            "--interval-s", "10")["id"]
        relay = add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "relay",
                         "--interval-s", "10")["id"]
        add_notifier("log-it", "program", wire.f_str(T_NOTIFIER_COMMAND_LINE,
                                                     "cmd /c echo %SMTPWATCH_STATE%"))
        add_notifier("restart-spooler", "restart_service",
                     wire.f_str(T_NOTIFIER_SERVICE_NAME, "Spooler"))
        main = self.open_editor()
        self.wait_shown(lambda v: len(v.rows) == 2, "two rules")
        self.select("relay")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        view = wait_for(lambda: (lambda v: v if len(v.rows) == 2 else None)(
            shown("Rule - SMTP Watch")), 20, 0.5, "the notifiers listed")
        self.assertEqual(sorted(r[0] for r in view.rows),
                         ["log-it (program: cmd /c echo %SMTPWATCH_STATE%)",
                          "restart-spooler (restart service: Spooler)"])
        first = view.rows[0][0].split(" (")[0]
        self.assertIn("(none)", view.texts)  # depends on nothing yet
        # Check the first notifier, no warnings, 120 s, every 600 s, behind
        # the firewall (the list: "(none)", then the other rules by name).
        time.sleep(1)
        keys(dialog, "alt+f", "Home", "space", "alt+g", "alt+y")
        type_text(dialog, "120")
        keys(dialog, "alt+u")
        type_text(dialog, "600")
        keys(dialog, "alt+k", "Down")
        screenshot(dialog, "rule-dialog-notifications")
        keys(dialog, "alt+s")
        try:
            wait_gone(dialog, RULE_TITLE)
        except AssertionError:
            raise AssertionError("the rule dialog stayed open: %r" %
                                 shown("Rule - SMTP Watch").texts)
        names, stored = rule_alerts(relay)
        self.assertEqual(names, [first])
        self.assertEqual((stored.get(T_ALERT_ON), stored.get(T_ALERT_AFTER_S),
                          stored.get(T_RENOTIFY_S), stored.get(T_DEPENDS_ON)),
                         ("critical,recovered,flapping", 120, 600, firewall))

        # Opened again, the dialog shows what was stored.
        time.sleep(1)
        self.select("relay")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        view = wait_for(lambda: (lambda v: v if "firewall" in v.texts else None)(
            shown("Rule - SMTP Watch")), 20, 0.5, "the stored settings shown")
        self.assertIn("120", view.texts)
        self.assertIn("600", view.texts)
        keys(dialog, "Escape")
        wait_gone(dialog, RULE_TITLE)

        # The firewall may not depend on the relay that depends on it: the
        # rule is saved, its notifications are not, and the dialog says why
        # under "Depends on".
        time.sleep(1)
        self.select("firewall")
        keys(main, "Return")
        dialog = wait_window(RULE_TITLE)
        wait_for(lambda: len(shown("Rule - SMTP Watch").rows) == 2, 20, 0.5,
                 "the notifiers listed")
        time.sleep(1)
        keys(dialog, "alt+k", "Down", "alt+s")
        view = wait_for(lambda: (lambda v: v if any(
            "not its notifications" in t for t in v.texts) else None)(
                shown("Rule - SMTP Watch")), 20, 0.5, "the loop refused")
        self.assertTrue([t for t in view.texts if "depend" in t.lower() and
                         t != "Depends on (held while that rule is not O&K):"],
                        view.texts)
        screenshot(dialog, "rule-dialog-dependency-loop")
        self.assertEqual(rule_alerts(firewall)[1].get(T_DEPENDS_ON, 0), 0)
        keys(dialog, "Escape")
        wait_gone(dialog, RULE_TITLE)
        self.assertEqual(self.close_editor(), 0)


class NotificationsWindowTests(EditorTestCase):

    def test_notifiers_and_the_outbox(self):
        # A default notifier (RULE_ALERTS_SET of rule 0) that a CRITICAL rule
        # sends to: the outbox has its problem.
        add_notifier("log-it", "program", wire.f_str(T_NOTIFIER_COMMAND_LINE,
                                                     "cmd /c echo %SMTPWATCH_STATE%"))
        reply, = pipe_call(wire.frame(RULE_ALERTS_SET, 2, wire.f_record(
            T_RULE_ALERTS, wire.f_int(T_RULE_ID, 0), wire.f_str(T_NOTIFY, "log-it"))))
        self.assertEqual(reply.message, RULE_ALERTS_OK, reply)
        add_rule("127.0.0.1", "--port", "1", "--name", "bravo-refused", "--interval-s", "10")
        main = self.open_editor()
        self.wait_shown(lambda v: v.rows and v.rows[0][0].startswith("CRITICAL"),
                        "bravo-refused CRITICAL")
        keys(main, "ctrl+n")
        window = wait_window(NOTIFICATIONS_TITLE)

        def window_shows(predicate, what):
            return wait_for(lambda: (lambda v: v if predicate(v) else None)(
                shown(NOTIFICATIONS_TITLE)), 30, 0.5, what)
        # Rows: the notifiers' (Name, Kind, Target), then the outbox's.
        view = window_shows(lambda v: len(v.rows) >= 2, "the notifier and the problem")
        self.assertEqual(view.rows[0], ["log-it", "program", "cmd /c echo %SMTPWATCH_STATE%"])
        problem = view.rows[1]
        self.assertRegex(problem[0], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        self.assertEqual(problem[1:6], ["bravo-refused", "log-it", "problem", "CRITICAL",
                                        problem[5]])
        self.assertIn(problem[5], ("pending", "sent", "failed"))

        # A webhook added through the notifier dialog: its URL typed into a
        # password edit, shown back as the host only.
        keys(window, "alt+a")
        dialog = wait_window(NOTIFIER_TITLE)
        type_text(dialog, "hook")
        keys(dialog, "alt+k", "Down", "alt+u")
        type_text(dialog, "https://127.0.0.1/hook/SECRET-TOKEN")
        keys(dialog, "Return")
        wait_gone(dialog, NOTIFIER_TITLE)
        view = window_shows(lambda v: "hook" in [r[0] for r in v.rows], "the webhook")
        self.assertIn(["hook", "webhook (generic)", "https://127.0.0.1/..."], view.rows)
        self.assertFalse([t for t in view.texts + sum(view.rows, []) if "SECRET" in t])
        screenshot(window, "notifications-window")

        # Edited, the URL's edit is empty and says a URL is stored (the
        # notifiers are listed by name: hook, log-it).
        keys(window, "alt+n", "Home")
        keys(window, "alt+e")
        dialog = wait_window(NOTIFIER_TITLE)
        texts = shown("Notifier (change) - SMTP Watch").texts
        self.assertIn("set (leave empty to keep it)", texts)
        self.assertFalse([t for t in texts if "SECRET" in t], texts)
        keys(dialog, "Escape")
        wait_gone(dialog, NOTIFIER_TITLE)

        # Test: what came of it is said under the notifiers.
        keys(window, "alt+n", "Home", "Down", "alt+t")
        view = window_shows(lambda v: any(t.startswith('The test notification of "log-it"')
                                          for t in v.texts), "the test's outcome")
        keys(window, "Escape")
        wait_gone(window, NOTIFICATIONS_TITLE)
        self.assertEqual(self.close_editor(), 0)


class HistoryDialogTests(EditorTestCase):

    def test_history_chart(self):
        # A server of this test's own, stopped for a while: the chart shows
        # answers, then failures, then answers again. 10 s last 0.1 s here.
        port = free_port()
        server = self.start_aiosmtpd(port)
        alpha = add_rule("127.0.0.1", "--port", port, "--name", "alpha-flaky",
                         "--interval-s", "10")["id"]
        add_rule("127.0.0.1", "--port", "1", "--name", "bravo-refused", "--interval-s", "10")

        def results(n, failed=False):
            def enough():
                rc, out = smtpwatch("history", alpha, "--limit", "200", "--json")
                if rc != 0:
                    # Polling goes on; the reason is on the test's output.
                    print("history failed (%s), polling again:\n%s" % (rc, out),
                          file=sys.stderr)
                    return False
                rows = json.loads(out)
                return len([r for r in rows if not failed or r["status"] != "OK"]) >= n
            return enough
        wait_for(results(15), 60, 0.5, "15 results of alpha-flaky")
        stop_process(server)
        wait_for(results(8, failed=True), 60, 0.5, "8 failed checks of alpha-flaky")
        server = self.start_aiosmtpd(port)
        wait_for(results(30), 60, 0.5, "30 results of alpha-flaky")
        main = self.open_editor()
        time.sleep(2)
        self.select("alpha")
        keys(main, "ctrl+h")
        dialog = wait_window(HISTORY_TITLE)
        # Loaded when the caption loses " (loading...)" (docs/editor.md).
        wait_for(lambda: xdo("getwindowname", dialog).strip() == "History - alpha-flaky",
                 30, 0.5, "the history loaded")
        time.sleep(0.5)
        screenshot(dialog, "history-chart")
        texts = shown("History - alpha-flaky").texts
        summary = [t for t in texts if " results from " in t]
        self.assertEqual(len(summary), 1, texts)
        self.assertRegex(summary[0], r" [1-9]\d* failed\.")
        keys(dialog, "Escape")
        wait_gone(dialog, HISTORY_TITLE)
        self.assertEqual(self.close_editor(), 0)


class RoundTripHistoryTests(EditorTestCase):

    def test_delivery_chart_beside_the_response_times(self):
        # A round-trip rule whose SMTP server refuses: every round trip
        # ends at the submission, a "not delivered" cross in the delivery
        # chart; a rule without a round trip gets no delivery chart.
        password = self.dir / "mailbox-password.txt"
        password.write_text("not-used\r\n")
        delta = add_rule("127.0.0.1", "--port", "1", "--name", "delta-round-trip",
                         "--interval-s", "10", "--round-trip", "imap", "--mailbox-host",
                         "127.0.0.1", "--mailbox-user", "probe", "--mailbox-password-file",
                         win_path(password), "--probe-to", "probe@example.com")["id"]
        echo = add_rule("127.0.0.1", "--port", "1", "--name", "echo-plain", "--interval-s",
                        "10")["id"]

        def results(rule_id, n):
            def enough():
                rc, out = smtpwatch("history", rule_id, "--json")
                return rc == 0 and len(json.loads(out)) >= n
            return enough
        wait_for(results(delta, 3), 60, 0.5, "3 results of delta-round-trip")
        wait_for(results(echo, 3), 60, 0.5, "3 results of echo-plain")
        main = self.open_editor()
        time.sleep(2)
        for name, delivery in (("delta", True), ("echo", False)):
            self.select(name)
            keys(main, "ctrl+h")
            dialog = wait_window(HISTORY_TITLE)
            title = "History - %s" % ("delta-round-trip" if delivery else "echo-plain")
            wait_for(lambda: xdo("getwindowname", dialog).strip() == title, 30, 0.5,
                     "the history loaded")
            time.sleep(0.5)
            if delivery:
                screenshot(dialog, "history-delivery-chart")
            texts = shown(title).texts
            self.assertEqual("Delivery time" in texts, delivery, texts)
            keys(dialog, "Escape")
            wait_gone(dialog, HISTORY_TITLE)
        self.assertEqual(self.close_editor(), 0)


class DomainResultTests(EditorTestCase):
    """A mail domain's result in the check result dialog: Test now shows
    the matrix, one line per MX host and address. The domain is served by
    the private NSD and Unbound of tests/fixtures/dns_servers.py; its one
    MX host is this run's aiosmtpd on 127.0.0.1."""

    def test_test_now_shows_the_mx_matrix(self):
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
        from dns_servers import DnsServers
        dns = DnsServers(self.dir / "dns", ["editor MX 10 mxe", "mxe A 127.0.0.1"],
                         lifetime_s=300)
        dns.start()
        self.addCleanup(dns.stop)
        add_rule("--domain", "editor.example.test", "--name", "domain-ed",
                 "--dns-server", "127.0.0.1:%d" % dns.resolver_port,
                 "--port", AIOSMTPD.port, "--timeout-ms", "20000", "--interval-s", "3600")
        main = self.open_editor()
        time.sleep(2)
        self.select("domain")
        keys(main, "ctrl+t")
        result = wait_window(TEST_RESULT_TITLE, 60)
        line = "10 mxe.example.test"
        seen = []

        def matrix_shown():
            seen[:] = [shown("Test result - SMTP Watch")]
            return seen[0] if any(line in t for t in seen[0].texts) else None
        try:
            report = wait_for(matrix_shown, 30, 0.5, "the matrix in the result")
        except AssertionError:
            screenshot(result, "test-now-domain-matrix-missing")
            raise AssertionError("no matrix line in %r" % (seen[0].texts if seen else None))
        rows = [t for t in report.texts if line in t]
        self.assertTrue(any("127.0.0.1:%d" % AIOSMTPD.port in t for t in rows), report.texts)
        self.assertTrue(any("MX hosts and addresses" in t for t in report.texts),
                        report.texts)
        screenshot(result, "test-now-domain-matrix")
        keys(result, "Escape")
        wait_gone(result, TEST_RESULT_TITLE)
        self.assertEqual(self.close_editor(), 0)


class LiveListTests(EditorTestCase):
    """The list kept current by the service's pushes (protocol version 4),
    not by reading every rule's status every 5 s."""

    def test_a_state_change_is_shown_without_a_status_request(self):
        port = free_port()
        server = self.start_aiosmtpd(port)
        add_rule("127.0.0.1", "--port", port, "--name", "alpha-live", "--interval-s", "10")
        self.open_editor()
        self.wait_shown(lambda v: v.row("alpha-live") and v.row("alpha-live")[0] == "OK",
                        "alpha-live OK")

        def info():
            rc, out = smtpwatch("service", "info", "--json")
            self.assertEqual(rc, 0, out)
            return json.loads(out)
        wait_for(lambda: info()["subscribers"] == 1, 20, 0.5, "the editor subscribed")
        # Its one full read, after subscribing, is done once the row shows;
        # from here on, no STATUS.
        asked = info()["status_requests"]
        stop_process(server)  # the real server goes away: the rule fails
        view = self.wait_shown(lambda v: v.row("alpha-live")[0] == "CRITICAL",
                               "alpha-live CRITICAL")
        self.assertIn("Connection refused", view.row("alpha-live")[5])
        time.sleep(6)  # past the old 5 s refresh: none came
        self.assertEqual(info()["status_requests"], asked)
        self.assertEqual(shown(MAIN_TITLE).row("alpha-live")[0], "CRITICAL")
        # A rule added by another client appears, pushed, as well.
        add_rule("127.0.0.1", "--port", port, "--name", "bravo-pushed", "--disabled")
        self.wait_shown(lambda v: v.row("bravo-pushed") is not None, "bravo-pushed listed")
        self.assertEqual(info()["status_requests"], asked)
        self.assertEqual(self.close_editor(), 0)


class TagShape(html.parser.HTMLParser):
    """An HTML page's shape: its tags and their attributes in order, the
    texts left out (the figures move between two reports)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag, ()))


def html_shape(page):
    parser = TagShape()
    parser.feed(page)
    return parser.tags


class ReportTests(EditorTestCase):
    """The "24 h" and "7 d" columns and the report window
    (docs/reports.md, "In the editor")."""

    def test_columns_report_window_and_saved_html(self):
        add_rule("127.0.0.1", "--port", AIOSMTPD.port, "--name", "alpha-ok",
                 "--interval-s", "10")
        add_rule("127.0.0.1", "--port", "1", "--name", "bravo-refused", "--interval-s", "10")
        wait_for(lambda: [s["state"] for s in status()] == ["OK", "CRITICAL"], 30, 0.5,
                 "alpha-ok OK, bravo-refused CRITICAL")
        main = self.open_editor()
        # Cells in ListView column order: ..., Last message, 24 h, 7 d. The
        # figures come after the first load, not with each refresh.
        percent = re.compile(r"^\d{1,3}\.\d\d %$")
        view = self.wait_shown(lambda v: len(v.rows) == 2 and len(v.rows[0]) == 8 and
                               all(percent.match(r[6]) for r in v.rows),
                               "24 h figures for both rules", timeout_s=30)
        self.assertRegex(view.row("alpha-ok")[7], percent)
        self.assertEqual(view.row("bravo-refused")[6:], ["0.00 %", "0.00 %"])

        # Window, Report...: the table of the last 24 hours (rule id order).
        keys(main, "alt+w", "e")
        window = wait_window(REPORT_TITLE)

        def window_shows(predicate, what):
            return wait_for(lambda: (lambda v: v if predicate(v) else None)(
                shown(REPORT_TITLE)), 30, 0.5, what)
        view = window_shows(lambda v: [r[0] for r in v.rows] == ["alpha-ok", "bravo-refused"],
                            "both rules in the report")
        rule, uptime, monitored, _maintenance, outages, _p95 = view.rows[0]
        self.assertRegex(uptime, r"^\d{1,3}\.\d{3} %$")
        self.assertRegex(monitored, r"\d+ (s|min|h)")
        self.assertEqual(outages, "0")
        self.assertEqual(view.rows[1][1], "0.000 %")
        self.assertEqual(view.rows[1][4], "1")
        self.assertTrue([t for t in view.texts if t.startswith("2 rules from ")], view.texts)
        # The refused rule selected: its outage, still open, under the table.
        keys(window, "alt+r", "End")
        view = window_shows(lambda v: len(v.rows) == 3, "bravo-refused's outage")
        self.assertEqual(view.rows[2][1:], ["still open", view.rows[2][2],
                                            "connection_refused"])
        self.assertRegex(view.rows[2][0], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$")
        screenshot(window, "report-window")

        # Save HTML...: the path typed into the Save dialog's file name.
        saved = self.dir / "editor-report.html"
        keys(window, "alt+s")
        dialog = wait_window(SAVE_AS_TITLE)
        keys(dialog, "alt+n")
        type_text(dialog, win_path(saved))
        keys(dialog, "Return")
        wait_gone(dialog, SAVE_AS_TITLE)
        wait_for(lambda: saved.exists() and saved.stat().st_size > 0, 20, 0.2,
                 "the saved report")
        view = window_shows(lambda v: any(t.startswith("Saved to ") for t in v.texts),
                            "where the report went")
        page = saved.read_text(encoding="utf-8")
        self.assertIn("<td>alpha-ok</td>", page)
        # The CLI's --html over the same period: the same page, figures aside.
        cli_html = self.dir / "cli-report.html"
        rc, out = smtpwatch("report", "--period", "24h", "--html", win_path(cli_html))
        self.assertEqual(rc, 0, out)
        cli_page = cli_html.read_text(encoding="utf-8")
        self.assertEqual(page.split("<p>From")[0], cli_page.split("<p>From")[0])
        self.assertEqual(html_shape(page), html_shape(cli_page))
        keys(window, "Escape")
        wait_gone(window, REPORT_TITLE)
        self.assertEqual(self.close_editor(), 0)


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    EDITOR_EXE, SMTPWATCH_EXE, SVC_EXE, WINDOW_TEXT_EXE, PIPE_PROBE_EXE = sys.argv[1:6]
    unittest.main(argv=[sys.argv[0]] + sys.argv[6:], verbosity=2)
