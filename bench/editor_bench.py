#!/usr/bin/python3
"""The rule editor with 100,000 rules, as a user drives it: how long each
refresh, sort, filter keystroke and scroll keeps its UI thread busy
(painting included), under Wine on an Xvfb display of its own.

The editor writes each action's time itself (SW_EDITOR_TIMINGS, see
gui/ui_timings.h); this script makes the rules (tests/tools/sw_store_tool),
starts the service in console mode and the editor in a prefix of its own
(build/editor-bench-wineprefix), clicks every column header twice, types
into the filter box, scrolls with PageDown/End/Home, and prints the
figures: per action the count, median and largest time, and what one
wineserver round trip costs (the editor measures it at start). Figures,
never pass/fail.

    bench/editor_bench.py EDITOR_EXE SMTPWATCH_EXE SVC_EXE STORE_TOOL_EXE [RULES]

RULES (100000) are made in four groups of names and hosts, every 3600 s
(so that the service is quiet: few are checked while it runs); the
database is kept in build/editor-bench-data and reused when it has them.
About 5 minutes the first time (making the rules), 2 after.
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import harness  # noqa: E402

TITLE = "SMTP Watch"
MENU_BAR_H, FILTER_ROW_H = 19, 25  # as tests/integration/test_editor.py
# ListView columns in their shown order and widths (gui/main_list.c).
HEADERS = [("Name", 150), ("Server", 160), ("State", 200), ("Response", 70),
           ("Last check", 130), ("Last message", 340)]
GROUPS = [("relay", "127.0.0.1", 1), ("mx", "127.0.0.2", 25),
          ("backup mx", "mail.example.com", 2525), ("archive", "10.0.0.9", 587)]


def xdo(display, *args):
    return subprocess.run(["xdotool"] + [str(a) for a in args], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, DISPLAY=display)).stdout


def make_rules(tool, env, db, rules):
    """The rules, in four groups, unless the database has them already (a
    marker file says how many it was made with)."""
    made = db.with_name("made-%d" % rules)
    if made.exists() and db.exists():
        return
    for old in db.parent.glob("smtpwatch.db*"):
        old.unlink()
    for name, host, port in GROUPS:
        n = rules // len(GROUPS)
        args = ["wine", tool, harness.win_path(db), "add-many", str(n), "--name", name,
                "--host", host, "--port", str(port), "--interval-s", "3600",
                "--timeout-ms", "1000"]
        if name == "archive":
            args.append("--disabled")
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True, timeout=1800)
    made.touch()


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    editor, smtpwatch, svc, tool = (str(Path(a).resolve()) for a in sys.argv[1:5])
    rules = int(sys.argv[5]) if len(sys.argv) > 5 else 100000
    build = ROOT / "build"
    prefix = build / "editor-bench-wineprefix"
    data = build / "editor-bench-data"
    data.mkdir(parents=True, exist_ok=True)
    timings = data / "timings.txt"
    if timings.exists():
        timings.unlink()
    xvfb, display = harness.start_xvfb()
    # The editor and smtpwatch.exe trust a service run with --console (docs).
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all", DISPLAY=display,
               SMTPWATCH_TRUST_CONSOLE_SERVICE="1")
    service = editor_proc = None
    try:
        harness.start_prefix(prefix, env=env)
        print("making %d rules (once)..." % rules, file=sys.stderr)
        make_rules(tool, env, data / "smtpwatch.db", rules)
        service = harness.ConsoleService(
            svc, data, env, lambda: subprocess.run(
                ["wine", smtpwatch, "service", "info"], env=env, capture_output=True,
                timeout=60).returncode == 0)
        editor_proc = subprocess.Popen(
            ["wine", editor], env=dict(env, SW_EDITOR_TIMINGS=harness.win_path(timings)),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        main_win = harness.wait_for(lambda: (xdo(display, "search", "--onlyvisible",
                                                 "--name", "^%s$" % TITLE).split() or
                                             [None])[0], 120, 0.5, "the editor's window")
        harness.wait_for(lambda: any(l.startswith("refresh ") and "of=%d" % rules in l
                                     for l in lines(timings)), 600, 1,
                         "the editor's first list of %d rules" % rules)
        drive(display, main_win)
        time.sleep(2)
    finally:
        if editor_proc:
            harness.stop_process(editor_proc)
        if service:
            service.stop()
        harness.stop_prefix(prefix, env=env)
        harness.stop_process(xvfb)
    report(lines(timings), rules)


def drive(display, win):
    """What a user does: sorts, filters, scrolls."""
    xdo(display, "windowfocus", "--sync", win)
    header_y = 40 + MENU_BAR_H + FILTER_ROW_H
    x = 12
    for _, width in HEADERS:
        for _ in range(2):
            time.sleep(1.2)  # not a double click
            xdo(display, "mousemove", "--window", win, x + 30, header_y, "click", "1")
        x += width
    time.sleep(1)
    xdo(display, "key", "alt+f")
    for text in ("mx 1", "relay 99", "state:pending"):
        xdo(display, "type", "--delay", "150", text)
        time.sleep(1)
        xdo(display, "key", "Escape")
        time.sleep(1)
    xdo(display, "key", "alt+l")
    for key in ["Next"] * 10 + ["End", "Home"] + ["Down"] * 5:
        xdo(display, "key", key)
        time.sleep(0.3)


def report(log, rules):
    by_action, model = {}, {}
    extra = []
    for line in log:
        parts = line.split()
        if parts[0] in ("round_trip", "send"):
            extra.append(line)
        elif len(parts) >= 2 and "refused" not in parts:
            by_action.setdefault(parts[0], []).append(float(parts[1]))
            for p in parts:
                if p.startswith("model="):
                    model.setdefault(parts[0], []).append(float(p[6:]))
    print("SMTP Watch editor benchmark, %s, %d rules, under Wine on Xvfb" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), rules))
    print("%-8s %6s %10s %10s %16s %12s" % ("action", "count", "median ms", "max ms",
                                             "model median ms", "model max ms"))
    for action in ("refresh", "sort", "filter", "scroll"):
        ms, mm = by_action.get(action, []), model.get(action, [])
        if ms:
            print("%-8s %6d %10.1f %10.1f %16s %12s" % (
                action, len(ms), statistics.median(ms), max(ms),
                "%.1f" % statistics.median(mm) if mm else "-",
                "%.1f" % max(mm) if mm else "-"))
    for line in extra:
        print(line)
    print("Figures, not pass/fail: time on the editor's UI thread from the action's "
          "message to the end of its repaint (gui/ui_timings.h).")


if __name__ == "__main__":
    main()
