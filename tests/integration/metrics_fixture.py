"""What the metrics tests share (test_metrics.py, test_prometheus.py): a
test prefix, the rules put in through tests/tools/sw_store_tool.exe, the
service in console mode with metrics options, and a reader of the
Prometheus text format."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import harness
from harness import stop_process, wait_for, win_path

# One sample line: name, the text between the braces, the value.
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """[(name, {label: value}, float)] of every sample line, labels
    unescaped as the format says (\\\\, \\", \\n)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("not a sample line: %r" % line)
        labels = {k: re.sub(r'\\(.)', lambda e: "\n" if e.group(1) == "n" else e.group(1), v)
                  for k, v in LABEL.findall(m.group(2) or "")}
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def value(text, name, **labels):
    """The value of the one sample `name` whose labels include `labels`,
    or None."""
    found = [v for n, l, v in samples(text)
             if n == name and all(l.get(k) == str(x) for k, x in labels.items())]
    if len(found) > 1:
        raise AssertionError("%d samples of %s %s" % (len(found), name, labels))
    return found[0] if found else None


class Prefix:
    """A Wine prefix of the test's own (`env_name` names it in the
    environment, else `default` beside the build's service/), with
    aiosmtpd on loopback and a work folder; close() stops and removes what
    it started."""

    def __init__(self, svc_exe, tool_exe, env_name, default):
        harness.require_files("%s SVC_EXE STORE_TOOL_EXE" % default, svc_exe, tool_exe)
        self.svc_exe, self.tool_exe = svc_exe, tool_exe
        self.path = Path(os.environ.get(env_name) or
                         Path(svc_exe).resolve().parent.parent / default)
        harness.start_prefix(self.path)
        self.env = harness.wine_env(self.path)
        self.workdir = Path(tempfile.mkdtemp(prefix="sw-metrics-"))
        self.aiosmtpd = harness.start_aiosmtpd()

    def wine(self, *args, check=True, timeout=60):
        return harness.run_wine(self.env, *args, check=check, timeout=timeout)

    def add_rule(self, db, name, port, host="127.0.0.1"):
        out = self.wine(self.tool_exe, win_path(db), "add", "--name", name, "--host", host,
                        "--port", port, "--interval-s", 10, "--timeout-ms", 3000)
        return int(out.stdout.split()[0])

    def close(self):
        stop_process(self.aiosmtpd)
        harness.stop_prefix(self.path)
        if not os.environ.get("SW_KEEP_TEST_FILES"):
            shutil.rmtree(self.workdir, ignore_errors=True)


class Service:
    """smtpwatch-svc.exe --console with `args`, its output in console.log
    of its data folder; one second of a rule's interval lasts 100 ms, so
    a 10 s rule runs every second."""

    def __init__(self, prefix, data_dir, *args):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / "console.log"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["wine", str(prefix.svc_exe), "--console", "--data-dir", win_path(self.data_dir),
             "--interval-unit-ms", "100"] + [str(a) for a in args],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            env=prefix.env)

    def console(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_console(self, text, timeout_s=30):
        return wait_for(lambda: text in self.console() or self.exited(), timeout_s, 0.2,
                        "%r on the service's console" % text) and text in self.console()

    def exited(self):
        return self.proc.poll() is not None

    def stop(self):
        stop_process(self.proc, signal.SIGINT, 10)
        self.log.close()
