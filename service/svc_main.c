/* smtpwatch-svc.exe: the SMTP Watch service. Parses the command line, then
 * runs under the Service Control Manager (svc_scm.c) or, with --console, in
 * the foreground until Ctrl+C. --console is checked before anything talks
 * to the SCM: StartServiceCtrlDispatcherW called from a console fails
 * only after up to ~10 s under Wine (at once on Windows). */
#include <windows.h>
#include <shlobj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "console_out.h"
#include "svc.h"
#include "svc_eventlog.h"
#include "svc_install.h"
#include "svc_show_config.h"
#include "svc_loop.h"
#include "svc_params.h"
#include "svc_stop_wait.h"
#include "sw_macros.h"
#include "win_text.h"

static const char usage[] =
    "Usage: smtpwatch-svc [--console] [--data-dir DIR] [--max-db-mb N]\n"
    "                     [--metrics-textfile DIR] [--metrics-interval-s N]\n"
    "                     [--metrics-url URL]\n"
    "       smtpwatch-svc --install-config | --show-config [--data-dir DIR]\n"
    "       smtpwatch-svc --stop-and-wait\n"
    "\n"
    "The SMTP Watch service. Installed as the Windows service \"SmtpWatch\" it is\n"
    "started by the Service Control Manager; with --console it runs in this\n"
    "window until Ctrl+C, printing its Event Log messages here as well.\n"
    "\n"
    "  --console        run in the foreground instead of as a service\n"
    "  --data-dir DIR   keep the database in DIR (created if missing) instead of\n"
    "                   %ProgramData%\\SmtpWatch\n"
    "  --max-db-mb N    the most data the database keeps, in MB (default 1024;\n"
    "                   0 = no cap): over it the oldest results are deleted\n"
    "  --install-config configure the installed service as the MSI does (its own\n"
    "                   SID, restart on failure) and create the data folder with\n"
    "                   access for SYSTEM, Administrators and the service only;\n"
    "                   needs administrator rights\n"
    "  --show-config    print that configuration as Windows reports it\n"
    "  --stop-and-wait  stop the service and wait until its process has ended, as\n"
    "                   the MSI does before it removes the files\n"
    "  --metrics-textfile DIR  write the Prometheus metrics to DIR\\smtpwatch.prom\n"
    "                   (windows_exporter's textfile collector folder)\n"
    "  --metrics-interval-s N  how often, in seconds (default 15)\n"
    "  --metrics-url URL  answer GET for the metrics through http.sys, e.g.\n"
    "                   http://127.0.0.1:9465/metrics (off by default)\n"
    "                   The installed service reads these three from\n"
    "                   HKLM\\SOFTWARE\\SmtpWatch (docs/metrics.md)\n"
    "  --help           show this text\n"
    "  --version        print the version\n"
    "\n"
    "docs/service.md describes the service, docs/installer.md its installation,\n"
    "docs/events.md its Event Log messages.\n";

/* A command-line problem: a sentence for humans, reported where it can be
 * seen (stderr in a console, the Event Log under the SCM). */
static char cmdline_error[512];

/* What the command line asks for besides running the service
 * (svc_install.h). */
static enum { MODE_RUN, MODE_INSTALL_CONFIG, MODE_SHOW_CONFIG, MODE_STOP_AND_WAIT } mode;

/* Test only (--test-ctrl-c-closes): Ctrl+C is handled as the console's
 * close button, then the process ends as Windows ends it when a close
 * handler returns. Wine cannot send CTRL_CLOSE_EVENT to a program run from
 * a pipe, and GenerateConsoleCtrlEvent sends only Ctrl+C and Ctrl+Break. */
static bool ctrl_c_closes;

static bool to_utf8(const wchar_t *in, char *out, int cap)
{
  return sw_utf8_from_wide(in, out, (size_t)cap);
}

/* Fills cfg->data_dir with %ProgramData%\SmtpWatch. The folder API, not the
 * environment: %ProgramData% is not set for services under Wine. */
static bool default_data_dir(struct sw_svc_config *cfg)
{
  PWSTR base = NULL;
  HRESULT hr = SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &base);
  bool ok =
      SUCCEEDED(hr) && swprintf(cfg->data_dir, MAX_PATH, L"%ls\\SmtpWatch", base) > 0;
  CoTaskMemFree(base);
  if (!ok)
    snprintf(cmdline_error, sizeof cmdline_error,
             "The ProgramData folder could not be found (HRESULT 0x%08lx); start the "
             "service with --data-dir DIR.",
             (unsigned long)hr);
  return ok;
}

/* A whole number from `min` to `max` (digits only) into *out. */
static bool whole_number(const wchar_t *text, unsigned long min, unsigned long max,
                         uint32_t *out)
{
  wchar_t *end;
  unsigned long v = wcstoul(text, &end, 10);
  if (!iswdigit(text[0]) || *end || v < min || v > max)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* The paths that follow from the data directory (`data_dir`, or the
 * default when NULL). Returns 0, or 2 with the problem in cmdline_error. */
static int set_paths(const wchar_t *data_dir, struct sw_svc_config *cfg)
{
  if (data_dir) {
    DWORD n = GetFullPathNameW(data_dir, MAX_PATH, cfg->data_dir, NULL);
    if (n == 0 || n >= MAX_PATH) {
      snprintf(cmdline_error, sizeof cmdline_error,
               "The --data-dir path is not valid or longer than %d characters.",
               MAX_PATH - 1);
      return 2;
    }
    /* "C:\data\" and "C:\data" are the same directory. */
    size_t len = wcslen(cfg->data_dir);
    while (len > 3 && (cfg->data_dir[len - 1] == L'\\' || cfg->data_dir[len - 1] == L'/'))
      cfg->data_dir[--len] = L'\0';
  } else if (!default_data_dir(cfg)) {
    return 2;
  }
  swprintf(cfg->db_path, SW_COUNTOF(cfg->db_path), L"%ls\\%ls", cfg->data_dir,
           SW_SVC_DB_FILE);
  if (!to_utf8(cfg->data_dir, cfg->data_dir_utf8, sizeof cfg->data_dir_utf8) ||
      !to_utf8(cfg->db_path, cfg->db_path_utf8, sizeof cfg->db_path_utf8)) {
    snprintf(cmdline_error, sizeof cmdline_error, "The data directory path is too long.");
    return 2;
  }
  return 0;
}

/* Parses argv into cfg. Returns 0 to go on, or the exit code to end with
 * (after --help/--version, or a problem left in cmdline_error). */
static int parse_args(int argc, wchar_t **argv, struct sw_svc_config *cfg)
{
  const wchar_t *data_dir = NULL;
  struct sw_svc_params_given given = {0};
  int taken;
  cfg->interval_unit_ms = 1000;
  cfg->max_db_mb = SW_SVC_DEFAULT_MAX_DB_MB;
  for (int i = 1; i < argc; i++) {
    const wchar_t *a = argv[i];
    if (!wcscmp(a, L"--help") || !wcscmp(a, L"-h") || !wcscmp(a, L"/?")) {
      sw_console_puts(stdout, usage);
      return -1;
    } else if (!wcscmp(a, L"--version")) {
      sw_console_printf(stdout, "smtpwatch-svc %s\n", SW_VERSION_TEXT);
      return -1;
    } else if (!wcscmp(a, L"--console")) {
      cfg->console = true;
    } else if (!wcscmp(a, L"--install-config")) {
      mode = MODE_INSTALL_CONFIG;
    } else if (!wcscmp(a, L"--show-config")) {
      mode = MODE_SHOW_CONFIG;
    } else if (!wcscmp(a, L"--stop-and-wait")) {
      mode = MODE_STOP_AND_WAIT;
    } else if (!wcscmp(a, L"--data-dir") && i + 1 < argc && argv[i + 1][0]) {
      data_dir = argv[++i];
    } else if (!wcscmp(a, L"--max-db-mb") && i + 1 < argc) {
      if (!whole_number(argv[++i], 0, SW_SVC_MAX_DB_MB_LIMIT, &cfg->max_db_mb)) {
        snprintf(cmdline_error, sizeof cmdline_error,
                 "--max-db-mb wants a whole number of megabytes from 0 (no cap) to %d.",
                 SW_SVC_MAX_DB_MB_LIMIT);
        return 2;
      }
    } else if (!wcscmp(a, L"--stats-file") && i + 1 < argc) {
      /* Benchmark and tests: see struct sw_svc_config. */
      DWORD n = GetFullPathNameW(argv[++i], MAX_PATH, cfg->stats_file, NULL);
      if (n == 0 || n >= MAX_PATH) {
        snprintf(cmdline_error, sizeof cmdline_error,
                 "The --stats-file path is not valid.");
        return 2;
      }
    } else if ((taken = sw_svc_params_option(argc, argv, &i, cfg, &given, cmdline_error,
                                             sizeof cmdline_error)) != 0) {
      if (taken < 0)
        return 2;
    } else if (!wcscmp(a, L"--test-ctrl-c-closes")) {
      /* Test only: see console_ctrl. */
      ctrl_c_closes = true;
    } else if (!wcscmp(a, L"--buffer-results") && i + 1 < argc) {
      /* Test only: see struct sw_svc_config. */
      if (!whole_number(argv[++i], 1, 10000000, &cfg->buffer_results)) {
        snprintf(cmdline_error, sizeof cmdline_error,
                 "--buffer-results wants a whole number from 1 to 10000000.");
        return 2;
      }
    } else if (!wcscmp(a, L"--interval-unit-ms") && i + 1 < argc) {
      /* Test only: see struct sw_svc_config. */
      if (!whole_number(argv[++i], 1, 1000, &cfg->interval_unit_ms)) {
        snprintf(cmdline_error, sizeof cmdline_error,
                 "--interval-unit-ms wants a whole number from 1 to 1000.");
        return 2;
      }
    } else {
      char arg[256];
      if (!to_utf8(a, arg, sizeof arg))
        strcpy(arg, "?");
      snprintf(cmdline_error, sizeof cmdline_error,
               !wcscmp(a, L"--data-dir")
                   ? "--data-dir wants a directory."
                   : "'%s' is not an option of smtpwatch-svc (--help lists them).",
               arg);
      return 2;
    }
  }
  /* A bad value in the product's key costs the metrics, not the checks:
   * the SCM starts the service with no options to fix, and an MSI upgrade
   * runs --install-config with whatever the key holds. */
  if (!sw_svc_params_read(cfg, &given, cfg->metrics_problem, sizeof cfg->metrics_problem))
    sw_svc_params_drop_key(cfg, &given);
  return set_paths(data_dir, cfg);
}

/* --console's loop, for the control handler (which runs on a thread the
 * system creates); NULL once the loop is gone. `console_lock` guards it. */
static struct sw_svc_loop *console_loop;
static CRITICAL_SECTION console_lock;
/* Set once the loop has finished and written what it buffered. */
static HANDLE console_done;

/* How long the handler holds off the end of the process for close, logoff
 * and shutdown: Windows ends the process when the handler returns, and
 * after 5 s for CTRL_CLOSE_EVENT if it has not (Microsoft's HandlerRoutine
 * documentation; 5000 ms, SPI_GETHUNGAPPTIMEOUT, in microsoft/terminal's
 * doc/ConsoleCtrlEvent.md). The loop's own stop writes for at most 2.5 s
 * (svc_loop.c), so this leaves it room and still returns first. */
#define CONSOLE_CLOSE_WAIT_MS 4500

static BOOL WINAPI console_ctrl(DWORD type)
{
  bool closes = type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT ||
                type == CTRL_SHUTDOWN_EVENT || (type == CTRL_C_EVENT && ctrl_c_closes);
  if (!closes && type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT)
    return FALSE;
  EnterCriticalSection(&console_lock);
  if (console_loop)
    sw_svc_loop_stop(console_loop, SW_SVC_STOP_CONSOLE);
  LeaveCriticalSection(&console_lock);
  if (!closes)
    return TRUE; /* Ctrl+C: the loop ends the process once it has saved its results */
  /* The process ends when this returns: first let the loop finish and
   * write what it buffered. */
  WaitForSingleObject(console_done, CONSOLE_CLOSE_WAIT_MS);
  if (type == CTRL_C_EVENT) /* --test-ctrl-c-closes: as Windows does after a close */
    TerminateProcess(GetCurrentProcess(), STATUS_CONTROL_C_EXIT);
  return TRUE;
}

/* --console: the same loop as the service, in the foreground. */
static int run_console(const struct sw_svc_config *cfg)
{
  sw_svc_eventlog_open(true);
  DWORD reg_error;
  if (!sw_svc_eventlog_register(&reg_error))
    sw_console_printf(
        stderr,
        "smtpwatch-svc: note: the Event Log source could not be registered "
        "(error %lu; it needs administrator rights), so Event Viewer may not "
        "render these messages.\n",
        (unsigned long)reg_error);
  InitializeCriticalSection(&console_lock);
  console_done = CreateEventW(NULL, TRUE, FALSE, NULL);
  DWORD rc = sw_svc_loop_create(&console_loop, cfg);
  if (rc == 0) {
    SetConsoleCtrlHandler(console_ctrl, TRUE);
    rc = sw_svc_loop_run(console_loop, NULL);
    EnterCriticalSection(&console_lock);
    sw_svc_loop_destroy(console_loop);
    console_loop = NULL;
    LeaveCriticalSection(&console_lock);
  }
  sw_svc_eventlog_close();
  fflush(stdout);
  fflush(stderr);
  /* A close handler waiting for this may now let the process end. */
  if (console_done)
    SetEvent(console_done);
  return rc == 0 ? 0 : 1;
}

int wmain(int argc, wchar_t **argv)
{
  static struct sw_svc_config cfg; /* ServiceMain reads it on its own thread */
  int rc = parse_args(argc, argv, &cfg);
  if (rc < 0)
    return 0; /* --help, --version */
  if (mode != MODE_RUN) {
    /* Run by the MSI (as LocalSystem) or by hand; never under the SCM. */
    if (rc) {
      sw_console_printf(stderr, "smtpwatch-svc: %s\n", cmdline_error);
      return rc;
    }
    if (cfg.metrics_problem[0])
      sw_console_printf(stderr, "smtpwatch-svc: warning: %s The metrics are off.\n",
                        cfg.metrics_problem);
    if (mode == MODE_SHOW_CONFIG)
      return (int)sw_svc_show_config(&cfg);
    /* A failure is also reported to the Event Log (the MSI registered the
     * source before this runs); stderr already has it. */
    sw_svc_eventlog_open(false);
    DWORD err =
        mode == MODE_STOP_AND_WAIT ? sw_svc_stop_and_wait() : sw_svc_install_config(&cfg);
    sw_svc_eventlog_close();
    return (int)err;
  }
  if (cfg.console) {
    if (rc) {
      sw_console_printf(stderr, "smtpwatch-svc: %s\n", cmdline_error);
      return rc;
    }
    return run_console(&cfg);
  }
  /* Started by the SCM even with a bad command line: ServiceMain then says
   * what is wrong in the Event Log, where an administrator will look. */
  DWORD err = sw_svc_run_under_scm(rc ? NULL : &cfg);
  if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    if (rc)
      sw_console_printf(stderr, "smtpwatch-svc: %s\n", cmdline_error);
    sw_console_printf(
        stderr,
        "smtpwatch-svc: this is the SMTP Watch service; the Service Control Manager "
        "starts it (sc start SmtpWatch). To run it here, add --console.\n");
    return 2;
  }
  return err ? 1 : 0;
}

const char *sw__svc_cmdline_error(void)
{
  return cmdline_error;
}
