#!/usr/bin/python3
"""End-to-end test of SMTP Watch's MSI under Wine: install, use, upgrade,
refused downgrade, uninstall, reinstall.

Usage: test_msi.py SVC_EXE CLI_EXE EDITOR_EXE WINDOW_TEXT_EXE FILE_VERSION_EXE
                   SERVICE_HANDLE_EXE VERSION [unittest args]

The MSIs are built from installer/smtpwatch.wxs by installer/build-msi.sh
(what the CMake target `msi` runs) from the given programs: one of VERSION
and one a patch level higher, for the upgrade. Everything then happens in a
fresh Wine prefix of this test's own, as an administrator would do it:
`msiexec /i ... /qn`, the installed `smtpwatch.exe` against aiosmtpd (a
healthy server) and a closed port (a failing one), the installed editor
under Xvfb (its rule list and status bar read back with window_text.exe,
and a screenshot), `msiexec /x`. What is checked is what a user would see:
exit codes, the service's state, files, registry values, rules, results and
events, the editor's rows, the downgrade message.

The steps build on each other (an upgrade needs an installation), so the
test methods run in order and a step is skipped once an earlier one
failed. The prefix (SW_MSI_TEST_PREFIX) is deleted and made again at the
start; screenshots and msiexec logs stay in SW_MSI_TEST_DIR. Every process
has a timeout; servers, Xvfb and programs started here are stopped by PID,
the prefix with scripts/wine-prefix.sh stop.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
import harness
from harness import refused_port, stop_process, wait_for, win_path

ROOT = Path(__file__).resolve().parents[2]
BUILD_MSI = ROOT / "installer" / "build-msi.sh"

ARGS = None  # the command line's programs and version
PREFIX = None
WORKDIR = None
DISPLAY = None
PROCS = {}  # name -> Popen, stopped at the end
AIO_PORT = CLOSED_PORT = None
MSI_BASE = MSI_NEXT = None
VERSION = NEXT_VERSION = None

SERVICE_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\SmtpWatch"
EVENTLOG_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\SmtpWatch"
PRODUCT_KEY = r"HKLM\SOFTWARE\SmtpWatch"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"
INSTALL_DIR = "C:\\Program Files\\SmtpWatch"
INSTALLED_CLI = INSTALL_DIR + "\\smtpwatch.exe"
INSTALLED_SVC = INSTALL_DIR + "\\smtpwatch-svc.exe"
INSTALLED_EDITOR = INSTALL_DIR + "\\smtpwatch-editor.exe"
ERROR_INSTALL_FAILURE = 1603 & 0xFF  # Wine cuts exit codes to 8 bits


def wine_env():
    """Every Wine process of the test sees the Xvfb display: one started
    without it gives everything after it a desktop without windows
    (msiexec's message box then never shows)."""
    # The installed service runs under the SCM: the clients verify it
    # without the console opt-in, as on a user's machine.
    return harness.wine_env(PREFIX, display=DISPLAY, shortcuts=False,
                            trust_console_service=False)


def wine(*args, timeout=60):
    """Runs a Windows program in the test prefix; returns the CompletedProcess
    with text output (CRLF made LF). Output goes through files, not pipes: a
    Wine process may start helpers (explorer.exe for a display) that inherit
    its stdout and outlive it, and a pipe would then never end."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.run(["wine"] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                              stdout=out, stderr=err, env=wine_env(),
                              timeout=timeout)
        out.seek(0)
        err.seek(0)
        proc.stdout = out.read().decode("utf-8", "replace").replace("\r\n", "\n")
        proc.stderr = err.read().decode("utf-8", "replace").replace("\r\n", "\n")
    return proc


def describe(proc):
    text = "%s\nexit %s\nstdout:\n%s\nstderr:\n%s" % (
        " ".join(map(str, proc.args)), proc.returncode, proc.stdout, proc.stderr)
    if proc.returncode != 0 and not proc.stdout.strip() and not proc.stderr.strip():
        # A program of ours always says why it fails; a failure with no word
        # at all (seen once: `smtpwatch status` exit 1) is Wine's. Run the
        # same command again with Wine's error channels on, to say more.
        # The test fails either way.
        try:
            with tempfile.TemporaryFile() as err:
                again = subprocess.run(proc.args, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=err,
                                       env=dict(wine_env(), WINEDEBUG="err+all,+process,+seh"),
                                       timeout=60)
                err.seek(0)
                tail = err.read().decode("utf-8", "replace").splitlines()[-40:]
            text += "\nrun again with WINEDEBUG=err+all,+process,+seh: exit %s\n%s" % (
                again.returncode, "\n".join(tail))
        except (OSError, subprocess.SubprocessError) as e:
            text += "\n(could not run it again: %s)" % e
    return text


def smtpwatch(*args):
    return wine(INSTALLED_CLI, *args)


def msiexec(*args, log_name, timeout=120):
    log = WORKDIR / log_name
    proc = wine("msiexec", *args, "/l*v", win_path(log), timeout=timeout)
    proc.log = log.read_text(errors="replace") if log.exists() else ""
    return proc


def drive_c(*parts):
    return PREFIX.joinpath("drive_c", *parts)


def reg_value(key, name):
    """(type, data) of a registry value, or None if the key or value is missing."""
    proc = wine("reg", "query", key, "/v", name)
    if proc.returncode != 0:
        return None
    m = re.search(r"^\s+%s\s+(REG_\w+)\s*(.*)$" % re.escape(name), proc.stdout, re.M)
    return (m.group(1), m.group(2).strip()) if m else None


def key_exists(key):
    return wine("reg", "query", key).returncode == 0


def installed_products():
    """DisplayVersion of every installed product named SMTP Watch."""
    out = wine("reg", "query", UNINSTALL_KEY, "/s").stdout
    versions = []
    for block in re.split(r"\n(?=HKEY_)", out):
        if re.search(r"^\s+DisplayName\s+REG_SZ\s+SMTP Watch$", block, re.M):
            m = re.search(r"^\s+DisplayVersion\s+REG_SZ\s+(\S+)$", block, re.M)
            versions.append(m.group(1) if m else None)
    return versions


def service_state():
    """The SCM's state of SmtpWatch (RUNNING, STOPPED, ...), or None if it is
    not installed."""
    proc = wine("sc", "query", "SmtpWatch")
    m = re.search(r"STATE\s+:\s+\d+\s+(\w+)", proc.stdout)
    return m.group(1) if proc.returncode == 0 and m else None


def screenshot(name):
    path = WORKDIR / name
    subprocess.run(["import", "-window", "root", str(path)], env=dict(os.environ,
                   DISPLAY=DISPLAY), stdin=subprocess.DEVNULL, capture_output=True,
                   timeout=30, check=True)
    return path


def build_msi(version):
    out = WORKDIR / ("smtpwatch-%s-x64.msi" % version)
    subprocess.run([str(BUILD_MSI), str(out), version, ARGS["svc"], ARGS["cli"],
                    ARGS["editor"]], stdin=subprocess.DEVNULL, capture_output=True,
                   timeout=120, check=True)
    return out


def msi_table(msi, table):
    """The rows of an MSI table as dicts (msiinfo export: names, types, key
    line, then tab-separated rows)."""
    out = subprocess.run(["msiinfo", "export", str(msi), table], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    lines = out.split("\r\n") if "\r\n" in out else out.split("\n")
    names = lines[0].split("\t")
    return [dict(zip(names, line.split("\t"))) for line in lines[3:] if line]


def setUpModule():
    global ARGS, PREFIX, WORKDIR, DISPLAY, AIO_PORT, CLOSED_PORT
    global MSI_BASE, MSI_NEXT, VERSION, NEXT_VERSION
    for name in ("svc", "cli", "editor", "window_text", "file_version", "service_handle"):
        if not os.path.isfile(ARGS[name]):
            raise RuntimeError("test_msi.py: %s (%s) does not exist" % (name, ARGS[name]))
    VERSION = ARGS["version"]
    major, minor, patch = (int(x) for x in VERSION.split("."))
    NEXT_VERSION = "%d.%d.%d" % (major, minor, patch + 1)
    build = Path(ARGS["svc"]).resolve().parent.parent
    PREFIX = Path(os.environ.get("SW_MSI_TEST_PREFIX") or build / "msi-test-wineprefix")
    WORKDIR = Path(os.environ.get("SW_MSI_TEST_DIR") or build / "msi-test")
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)

    PROCS["xvfb"], DISPLAY = harness.start_xvfb()
    # A fresh prefix: nothing of an earlier run may be mistaken for ours.
    # Booted with the display too (see wine_env).
    harness.start_prefix(PREFIX, env=dict(os.environ, DISPLAY=DISPLAY), remove=True)

    MSI_BASE = build_msi(VERSION)
    MSI_NEXT = build_msi(NEXT_VERSION)

    PROCS["aiosmtpd"] = harness.start_aiosmtpd()
    AIO_PORT, CLOSED_PORT = PROCS["aiosmtpd"].port, refused_port()


def tearDownModule():
    for proc in PROCS.values():
        stop_process(proc)
    if PREFIX:
        harness.stop_prefix(PREFIX)


def version_resource(exe):
    """A program's version resource as Windows reads it (GetFileVersionInfoW,
    through tests/tools/file_version.exe): {"fixed": "a.b.c.d product
    a.b.c.d", "translation": ..., "FileVersion": ..., ...}."""
    proc = wine(ARGS["file_version"], win_path(Path(exe).resolve()))
    if proc.returncode != 0:
        raise AssertionError(describe(proc))
    return dict(line.split(": ", 1) for line in proc.stdout.splitlines() if ": " in line)


class PackageTests(unittest.TestCase):
    """The programs and the built MSI's tables: what Windows Installer and
    Explorer will see."""

    PROGRAMS = (("svc", "smtpwatch-svc.exe", "SvcExe"),
                ("cli", "smtpwatch.exe", "CliExe"),
                ("editor", "smtpwatch-editor.exe", "EditorExe"))

    def test_programs_carry_the_project_version(self):
        # Issue 12, item 9: the service and the CLI had no version resource.
        # Read as Windows reads it, not by the build's own reader.
        for arg, name, _ in self.PROGRAMS:
            with self.subTest(name):
                v = version_resource(ARGS[arg])
                self.assertEqual(v["fixed"], "{0}.0 product {0}.0".format(VERSION), v)
                self.assertEqual(v["translation"], "0409-04b0", v)
                self.assertEqual(v["FileVersion"], VERSION, v)
                self.assertEqual(v["ProductVersion"], VERSION, v)
                self.assertEqual(v["OriginalFilename"], name, v)
                self.assertEqual(v["InternalName"], name[:-4], v)
                self.assertEqual(v["ProductName"], "SMTP Watch", v)
                self.assertEqual(v["CompanyName"], "SMTP Watch", v)
                self.assertRegex(v["FileDescription"], r"^SMTP Watch \w", v)
                self.assertRegex(v["LegalCopyright"], r"^Copyright \(C\) \d{4} SMTP Watch$", v)

    def test_file_table_holds_each_programs_own_version(self):
        # wixl leaves File.Version empty; build-msi.sh fills it from each
        # program. The higher test MSI packs the same programs: its rows
        # say the programs' version, not its product version.
        for msi in (MSI_BASE, MSI_NEXT):
            rows = {r["File"]: r for r in msi_table(msi, "File")}
            for arg, name, key in self.PROGRAMS:
                with self.subTest(msi=msi.name, file=name):
                    fixed = version_resource(ARGS[arg])["fixed"].split()[0]
                    self.assertEqual(rows[key]["FileName"], name)
                    self.assertEqual(rows[key]["Version"], fixed)
                    self.assertEqual(rows[key]["Language"], "1033")
            # A hash is for unversioned files only.
            self.assertEqual(msi_table(msi, "MsiFileHash"), [])

    def test_tables(self):
        props = {r["Property"]: r["Value"] for r in msi_table(MSI_BASE, "Property")}
        self.assertEqual(props["ProductVersion"], VERSION)
        self.assertEqual(props["ALLUSERS"], "1")  # per machine
        self.assertEqual(props["UpgradeCode"], "{8F0C7D52-6A1E-4B8E-9C3D-2E5A4F7B1C90}")
        next_props = {r["Property"]: r["Value"] for r in msi_table(MSI_NEXT, "Property")}
        self.assertEqual(next_props["UpgradeCode"], props["UpgradeCode"])
        self.assertNotEqual(next_props["ProductCode"], props["ProductCode"])

        [svc] = msi_table(MSI_BASE, "ServiceInstall")
        self.assertEqual(
            (svc["Name"], svc["StartName"], svc["StartType"], svc["ServiceType"]),
            ("SmtpWatch", "NT AUTHORITY\\LocalService", "2", "16"))
        self.assertTrue(svc["Description"])
        [ctl] = msi_table(MSI_BASE, "ServiceControl")
        # Start on install (1), stop on install and uninstall (2 | 32),
        # delete on uninstall (128).
        self.assertEqual(int(ctl["Event"]), 1 | 2 | 32 | 128)

        ca = {r["Action"]: (r["Type"], r["Source"], r["Target"])
              for r in msi_table(MSI_BASE, "CustomAction")}
        # 18 (an installed exe) | 0x400 deferred | 0x800 not impersonated;
        # 0x40: its exit code is ignored.
        self.assertEqual(ca, {
            "ConfigureSmtpWatch": (str(18 | 0x400 | 0x800), "SvcExe", "--install-config"),
            "StopSmtpWatchAndWait": (str(18 | 0x40 | 0x400 | 0x800), "SvcExe",
                                     "--stop-and-wait")})
        seq = {r["Action"]: r for r in msi_table(MSI_BASE, "InstallExecuteSequence")}
        n = {a: int(r["Sequence"]) for a, r in seq.items()}
        self.assertLess(n["InstallValidate"], n["RemoveExistingProducts"])
        self.assertLess(n["RemoveExistingProducts"], n["InstallInitialize"])
        self.assertLess(n["InstallServices"], n["ConfigureSmtpWatch"])
        self.assertLess(n["ConfigureSmtpWatch"], n["StartServices"])
        self.assertEqual(seq["ConfigureSmtpWatch"]["Condition"], 'NOT REMOVE~="ALL"')
        # On removal only, while the file is there and before the SCM stop.
        self.assertLess(n["InstallInitialize"], n["StopSmtpWatchAndWait"])
        self.assertLess(n["StopSmtpWatchAndWait"], n["StopServices"])
        self.assertLess(n["StopServices"], n["RemoveFiles"])
        self.assertEqual(seq["StopSmtpWatchAndWait"]["Condition"], 'REMOVE~="ALL"')

        [cond] = msi_table(MSI_BASE, "LaunchCondition")
        self.assertEqual(cond["Condition"], "NOT WIX_DOWNGRADE_DETECTED")
        self.assertIn("A newer version of SMTP Watch is already installed",
                      cond["Description"])
        reg = {(r["Key"], r["Name"]): r["Value"] for r in msi_table(MSI_BASE, "Registry")}
        source = EVENTLOG_KEY.split("\\", 1)[1]
        self.assertEqual(reg[(source, "EventMessageFile")], "[#SvcExe]")
        self.assertEqual(reg[(source, "TypesSupported")], "#7")
        # Error 1923 (a service not installed) says what to do when the
        # version before left its service marked for deletion.
        errors = {r["Error"]: r["Message"] for r in msi_table(MSI_BASE, "Error")}
        self.assertRegex(errors["1923"], r"^Service \[2\] \(\[3\]\) could not be installed\. "
                         r"If Windows still has it marked for deletion, a program has it open "
                         r"\(the Services console services\.msc, .*\): close those programs "
                         r"and run this installation again")
        files = sorted(r["FileName"] for r in msi_table(MSI_BASE, "File"))
        self.assertEqual(files, ["smtpwatch-editor.exe", "smtpwatch-svc.exe",
                                 "smtpwatch.exe"])


class LifecycleTests(unittest.TestCase):
    """Install, use, upgrade, downgrade, uninstall, reinstall: in order."""

    failed = False

    def setUp(self):
        if LifecycleTests.failed:
            self.skipTest("an earlier step failed")

    def run(self, result=None):
        errors = len(result.errors) + len(result.failures) if result else 0
        out = super().run(result)
        if result and len(result.errors) + len(result.failures) > errors:
            LifecycleTests.failed = True
        return out

    def wait_running(self):
        wait_for(lambda: service_state() == "RUNNING", 30, 0.5, "SmtpWatch RUNNING")
        # Up once it answers on its pipe.
        wait_for(lambda: smtpwatch("service", "info", "--json").returncode == 0, 30, 0.5,
                 "the service answering on its pipe")

    def status(self):
        proc = smtpwatch("status", "--json")
        self.assertEqual(proc.returncode, 0, describe(proc))
        return {s["name"]: s for s in json.loads(proc.stdout)}

    def history_ids(self, rule_id):
        proc = smtpwatch("history", rule_id, "--json", "--limit", "500")
        self.assertEqual(proc.returncode, 0, describe(proc))
        return {r["id"] for r in json.loads(proc.stdout)}

    def assert_installed(self, version):
        self.assertEqual(installed_products(), [version])
        for exe in ("smtpwatch-svc.exe", "smtpwatch.exe", "smtpwatch-editor.exe"):
            self.assertTrue(drive_c("Program Files", "SmtpWatch", exe).is_file(), exe)
        self.assertEqual(reg_value(SERVICE_KEY, "ObjectName"),
                         ("REG_SZ", "NT AUTHORITY\\LocalService"))
        self.assertEqual(reg_value(SERVICE_KEY, "Start"), ("REG_DWORD", "0x2"))
        self.assertEqual(reg_value(SERVICE_KEY, "ImagePath"), ("REG_SZ", INSTALLED_SVC))
        desc = reg_value(SERVICE_KEY, "Description")
        self.assertIsNotNone(desc)
        self.assertIn("Checks SMTP servers on a schedule", desc[1])
        self.assertEqual(reg_value(EVENTLOG_KEY, "EventMessageFile"),
                         ("REG_SZ", INSTALLED_SVC))
        self.assertEqual(reg_value(EVENTLOG_KEY, "TypesSupported"), ("REG_DWORD", "0x7"))
        self.assertEqual(reg_value(PRODUCT_KEY, "InstallDir"),
                         ("REG_SZ", INSTALL_DIR + "\\"))
        links = self.shortcuts()
        self.assertEqual(len(links), 1, links)
        # The shortcut points at the installed editor (a path in the .lnk).
        data = Path(links[0]).read_bytes()
        self.assertTrue(b"smtpwatch-editor.exe" in data or
                        "smtpwatch-editor.exe".encode("utf-16-le") in data, links[0])

    def shortcuts(self):
        """The Start Menu shortcut: all users' menu on Windows, the user's
        menu under Wine; either counts."""
        menus = [drive_c("ProgramData", "Microsoft", "Windows", "Start Menu", "Programs")]
        menus += [Path(p) for p in glob.glob(str(drive_c(
            "users", "*", "AppData", "Roaming", "Microsoft", "Windows", "Start Menu",
            "Programs")))]
        return [str(m / "SMTP Watch" / "SMTP Watch Editor.lnk") for m in menus
                if (m / "SMTP Watch" / "SMTP Watch Editor.lnk").is_file()]

    def assert_configured(self, proc, data_dir_state):
        """What --install-config (the custom action) printed; under Wine its
        output reaches msiexec's."""
        out = proc.stdout
        self.assertRegex(out, r"(?m)^Recovery: restart after 60 s, 2 times; failure count "
                         r"reset after 86400 s\.$")
        self.assertRegex(out, r"(?m)^Data folder: C:\\ProgramData\\SmtpWatch \(%s\); "
                         r"security O:BAD:P\(A;OICI;FA;;;SY\)\(A;OICI;FA;;;BA\)"
                         r"\(A;OICI;0x1301bf;;;(LS|S-1-5-80(-\d+){5})\)$"
                         % data_dir_state)
        self.assertRegex(proc.log, r"Action ended [\d:]+: ConfigureSmtpWatch\. "
                         r"Return value 1\.")

    def test_1_install(self):
        self.assertIsNone(service_state())
        proc = msiexec("/i", win_path(MSI_BASE), "/qn", log_name="install.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assert_configured(proc, "created")
        self.wait_running()
        self.assert_installed(VERSION)
        show = wine(INSTALLED_SVC, "--show-config")
        self.assertEqual(show.returncode, 0, describe(show))
        self.assertRegex(show.stdout, r"(?m)^Account:\s+NT AUTHORITY\\LocalService$")
        self.assertRegex(show.stdout, r"(?m)^Start:\s+automatic$")
        self.assertRegex(show.stdout, r"(?m)^Data folder:\s+C:\\ProgramData\\SmtpWatch$")
        info = json.loads(smtpwatch("service", "info", "--json").stdout)
        self.assertEqual(info["version"], VERSION)
        # The client verified the server as the process the SCM runs the
        # service as (Wine's SCM reports it), without the console opt-in.
        self.assertEqual(info["server_trust"], "service", info)
        self.assertEqual(info["server_image"].lower(), INSTALLED_SVC.lower(), info)
        self.assertEqual(info["data_dir"], "C:\\ProgramData\\SmtpWatch")

    def test_1b_install_config_refuses_links_and_files(self):
        # A data folder prepared by someone else: a link inside it would
        # carry the folder's new ACEs to whatever it points at.
        # (Wine shows a Unix symbolic link to a directory as a reparse
        # point, as Windows shows a junction; one to a file it does not.)
        planted = drive_c("ProgramData", "Planted")
        planted.mkdir()
        drive_c("Elsewhere").mkdir()
        (planted / "logs").symlink_to(drive_c("Elsewhere"))
        proc = wine(INSTALLED_SVC, "--install-config", "--data-dir",
                    "C:\\ProgramData\\Planted")
        # ERROR_CANT_ACCESS_FILE
        self.assertEqual(proc.returncode, 1920 & 0xFF, describe(proc))
        self.assertIn("smtpwatch-svc: C:\\ProgramData\\Planted\\logs is a link "
                      "(reparse point); the data folder may hold only files and folders. "
                      "Remove it and install again.", proc.stderr)
        drive_c("ProgramData", "AFile").write_text("")
        proc = wine(INSTALLED_SVC, "--install-config", "--data-dir",
                    "C:\\ProgramData\\AFile")
        self.assertEqual(proc.returncode, 267 & 0xFF, describe(proc))  # ERROR_DIRECTORY
        self.assertIn("C:\\ProgramData\\AFile is a file, not a folder.", proc.stderr)

    def test_1c_install_config_resets_files_already_there(self):
        # Issue 11, item 6: a standard user made the data folder's files
        # before the installation (anyone may create folders in
        # ProgramData): smtpwatch.db writable by everyone, its -wal and
        # -shm, a subfolder with a file. --install-config must reset each
        # one (owner Administrators, no explicit ACE, only what the folder
        # passes on) and say so; --show-config reads each one back.
        # What Wine can show: the readback is built from Unix mode bits, so
        # "everyone may write" appears as an Everyone ACE with
        # FILE_WRITE_DATA, and the reset clears it (mode o-w).
        # What it cannot show: Wine reports the Unix user as the owner of
        # every file and stores no ACE as such (no owner Administrators, no
        # inherited flags, no per-service SID). The descriptors the reset
        # applies are evaluated for every caller in
        # unit.test_data_folder_acl, and docs/windows-verification.md has
        # the steps for a real Windows (icacls before and after).
        prepared = drive_c("ProgramData", "Prepared")
        (prepared / "logs").mkdir(parents=True)
        planted = ["smtpwatch.db", "smtpwatch.db-wal", "smtpwatch.db-shm",
                   "logs\\old.log"]
        for name in planted:
            path = prepared.joinpath(*name.split("\\"))
            path.write_text("planted")
            path.chmod(0o666)
        data_dir = "C:\\ProgramData\\Prepared"

        def everyone_writes(show, name):
            m = re.search(r"(?m)^  %s: (O:.*)$" % re.escape(name), show)
            self.assertTrue(m, "%s not listed:\n%s" % (name, show))
            return any(int(mask, 16) & 0x2 for mask in
                       re.findall(r"\(A;[A-Z]*;0x([0-9a-f]+);;;WD\)", m.group(1)))

        before = wine(INSTALLED_SVC, "--show-config", "--data-dir", data_dir)
        self.assertRegex(before.stdout, r"(?m)^Data folder contents:\s+owner and DACL of "
                         r"each file and folder$")
        for name in planted:
            self.assertTrue(everyone_writes(before.stdout, name), before.stdout)

        proc = wine(INSTALLED_SVC, "--install-config", "--data-dir", data_dir)
        self.assertEqual(proc.returncode, 0, describe(proc))
        for name in planted + ["logs"]:
            self.assertRegex(proc.stdout, r"(?m)^Reset: %s \(owner was S-1-5-[-\d]+; "
                             r"\d+ explicit ACEs? removed\)$"
                             % re.escape(data_dir + "\\" + name))
        self.assertRegex(proc.stdout, r"(?m)^Data folder contents: 5 items reset to the "
                         r"folder's security\.$")

        after = wine(INSTALLED_SVC, "--show-config", "--data-dir", data_dir)
        for name in planted:
            self.assertFalse(everyone_writes(after.stdout, name), after.stdout)
            path = prepared.joinpath(*name.split("\\"))
            self.assertFalse(path.stat().st_mode & 0o002, name)

    def test_2_rules_results_and_events(self):
        for name, port in (("Healthy relay", AIO_PORT), ("Failing relay", CLOSED_PORT)):
            proc = smtpwatch("rules", "add", "127.0.0.1", "--port", port, "--name", name,
                             "--interval-s", "10", "--timeout-ms", "3000")
            self.assertEqual(proc.returncode, 0, describe(proc))
        # Each rule runs every 10 s; the failing one is CRITICAL after two
        # failures in a row (the default threshold).
        def settled():
            s = self.status()
            return (s.get("Healthy relay", {}).get("state") == "OK" and
                    s.get("Failing relay", {}).get("state") == "CRITICAL") and s
        s = wait_for(settled, 45, 1, "Healthy relay OK and Failing relay CRITICAL")
        self.assertEqual(s["Failing relay"]["outcome"], "connection_refused")
        self.assertEqual(s["Healthy relay"]["outcome"], "ok")
        for name in s:
            self.assertTrue(self.history_ids(s[name]["id"]), name)
        events = json.loads(smtpwatch("events", "--json", "--limit", "50").stdout)
        critical = [e for e in events if e["event_id"] == 2001]
        self.assertTrue(critical, events)
        self.assertIn('Rule "Failing relay"', critical[0]["message"])
        LifecycleTests.before_upgrade = {
            name: (s[name]["id"], self.history_ids(s[name]["id"])) for name in s}
        LifecycleTests.events_before = {e["key"] for e in events}

    def test_3_editor_shows_the_rules(self):
        editor = subprocess.Popen(["wine", INSTALLED_EDITOR], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=wine_env())
        PROCS["editor"] = editor
        try:
            def shown():
                proc = wine(ARGS["window_text"], "SMTP Watch", "--timeout-ms", "5000")
                rows = re.findall(r"(?m)^row: (.*)$", proc.stdout)
                return len(rows) == 2 and all(
                    "OK" in r or "CRITICAL" in r for r in rows) and proc
            proc = wait_for(shown, 60, 1, "the editor listing both rules with their states")
            rows = re.findall(r"(?m)^row: (.*)$", proc.stdout)
            healthy = [r for r in rows if "Healthy relay" in r]
            failing = [r for r in rows if "Failing relay" in r]
            self.assertEqual(len(healthy), 1, proc.stdout)
            self.assertEqual(len(failing), 1, proc.stdout)
            self.assertIn("OK", healthy[0])
            self.assertIn("127.0.0.1:%d" % AIO_PORT, healthy[0])
            self.assertIn("CRITICAL", failing[0])
            self.assertRegex(proc.stdout, r"(?m)^status: .*2 rules")
            shot = screenshot("editor.png")
            # Not a blank screen: the window's colours (state icons) are in it.
            colours = subprocess.run(["identify", "-format", "%k", str(shot)],
                                     capture_output=True, text=True, timeout=30).stdout
            self.assertGreater(int(colours or 0), 8, shot)
        finally:
            stop_process(editor)

    def test_4_upgrade_keeps_rules_and_results(self):
        proc = msiexec("/i", win_path(MSI_NEXT), "/qn", log_name="upgrade.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRegex(proc.log, r"Action ended [\d:]+: RemoveExistingProducts\. "
                         r"Return value 1\.")
        self.assert_configured(proc, "kept")
        self.wait_running()
        self.assert_installed(NEXT_VERSION)
        s = self.status()
        for name, (rule_id, results) in LifecycleTests.before_upgrade.items():
            self.assertEqual(s[name]["id"], rule_id)
            self.assertLessEqual(results, self.history_ids(rule_id), name)
        events = json.loads(smtpwatch("events", "--json", "--limit", "500").stdout)
        self.assertLessEqual(LifecycleTests.events_before, {e["key"] for e in events})

    def test_5_downgrade_is_refused_with_a_message(self):
        # With basic UI, so that the launch condition's message shows (Wine
        # writes it to no log); answered with Enter.
        log = WORKDIR / "downgrade.log"
        msi = subprocess.Popen(["wine", "msiexec", "/i", win_path(MSI_BASE), "/qb", "/l*v",
                                win_path(log)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=wine_env())
        PROCS["msiexec"] = msi
        try:
            box = wine(ARGS["window_text"], "Install Failed", "--timeout-ms", "30000")
            self.assertEqual(box.returncode, 0, "%s\nmsiexec: %s" % (
                describe(box), "exit %s" % msi.returncode if msi.poll() is not None
                else "running"))
            self.assertIn("text: A newer version of SMTP Watch is already installed. To go "
                          "back to this version, uninstall SMTP Watch first", box.stdout)
            screenshot("downgrade-refused.png")
            env = dict(os.environ, DISPLAY=DISPLAY)
            wid = subprocess.run(["xdotool", "search", "--name", "Install Failed"],
                                 capture_output=True, text=True, env=env,
                                 timeout=30).stdout.split()
            self.assertTrue(wid)
            subprocess.run(["xdotool", "windowfocus", "--sync", wid[0], "key", "Return"],
                           env=env, capture_output=True, timeout=30)
            self.assertEqual(msi.wait(60), ERROR_INSTALL_FAILURE)
        finally:
            stop_process(msi)
        self.assertEqual(installed_products(), [NEXT_VERSION])
        self.assertEqual(service_state(), "RUNNING")

    def test_6_uninstall_keeps_only_the_data(self):
        proc = msiexec("/x", win_path(MSI_NEXT), "/qn", log_name="uninstall.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertIsNone(service_state())
        self.assertEqual(installed_products(), [])
        folder = drive_c("Program Files", "SmtpWatch")
        left = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        self.assertEqual(left, [], "left in Program Files\\SmtpWatch; the uninstall log "
                         "says:\n" + "\n".join(line for line in proc.log.splitlines()
                                                if "smtpwatch" in line.lower()
                                                and ("fail" in line.lower()
                                                     or "error" in line.lower()
                                                     or "RemoveFiles" in line)))
        for key in (SERVICE_KEY, EVENTLOG_KEY, PRODUCT_KEY):
            self.assertFalse(key_exists(key), key)
        self.assertEqual(self.shortcuts(), [])
        self.assertTrue(drive_c("ProgramData", "SmtpWatch", "smtpwatch.db").is_file())

    def test_7_reinstall_finds_the_rules(self):
        proc = msiexec("/i", win_path(MSI_NEXT), "/qn", log_name="reinstall.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assert_configured(proc, "kept")
        self.wait_running()
        s = self.status()
        self.assertEqual({n: s[n]["id"] for n in s},
                         {n: v[0] for n, v in LifecycleTests.before_upgrade.items()})
        proc = msiexec("/x", win_path(MSI_NEXT), "/qn", log_name="uninstall-again.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertIsNone(service_state())

    def test_8_upgrade_while_the_service_is_held_open(self):
        # Issue 12, item 9: services.msc open during an upgrade holds the
        # old service, so removing the old version only marks it for
        # deletion. Windows' InstallServices then fails (1923, the MSI's
        # Error table text, checked in PackageTests); Wine 8's ignores the
        # CreateService failure and would leave the new version with a
        # service that vanishes once it stops. --install-config
        # (ConfigureSmtpWatch) refuses the marked service with what to do,
        # and the upgrade fails instead of half-working.
        proc = msiexec("/i", win_path(MSI_BASE), "/qn", log_name="install-held.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.wait_running()
        holder = subprocess.Popen(["wine", ARGS["service_handle"], "SmtpWatch"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=wine_env())
        PROCS["service_handle"] = holder
        try:
            self.assertEqual(holder.stdout.readline().strip(), b"holding SmtpWatch")
            proc = msiexec("/i", win_path(MSI_NEXT), "/qn", log_name="upgrade-held.log")
            # Windows ends a failed installation with 1603; Wine 8's
            # msiexec, when a deferred custom action failed, with 1627
            # (ERROR_FUNCTION_FAILED). Either is a refused upgrade.
            self.assertIn(proc.returncode, (ERROR_INSTALL_FAILURE, 1627 & 0xFF), describe(proc))
            self.assertIn("smtpwatch-svc: The SmtpWatch service is still marked for deletion: "
                          "a program has it open (the Services console services.msc, Event "
                          "Viewer, another MMC console, or the Services tab of Task Manager). "
                          "Close those programs and run the installation again (the rules and "
                          "results in the data folder are kept); if it stays marked, restart "
                          "Windows first.", proc.stderr)
            # The version before was removed first (RemoveExistingProducts
            # ends its own transaction); the new one was rolled back.
            self.assertEqual(installed_products(), [])
        finally:
            holder.stdin.close()
            holder.wait(30)
            stop_process(holder)
        # The handle closed, Windows deletes the service; then the same
        # upgrade MSI installs and finds the rules, as the message says.
        wait_for(lambda: service_state() is None, 30, 0.5, "the marked service deleted")
        proc = msiexec("/i", win_path(MSI_NEXT), "/qn", log_name="install-after-held.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.wait_running()
        self.assertEqual({n: s["id"] for n, s in self.status().items()},
                         {n: v[0] for n, v in LifecycleTests.before_upgrade.items()})
        proc = msiexec("/x", win_path(MSI_NEXT), "/qn", log_name="uninstall-after-held.log")
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertIsNone(service_state())


if __name__ == "__main__":
    if len(sys.argv) < 8:
        sys.exit(__doc__)
    ARGS = dict(zip(("svc", "cli", "editor", "window_text", "file_version",
                     "service_handle", "version"), sys.argv[1:8]))
    unittest.main(argv=[sys.argv[0]] + sys.argv[8:], verbosity=2)
