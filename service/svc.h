/* smtpwatch-svc.exe: what its files share. svc_main.c parses the command
 * line and chooses between the SCM (svc_scm.c) and a console run; both
 * drive the loop in svc_loop.c on one thread. */
#ifndef SW_SVC_H
#define SW_SVC_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

/* The SCM's name of the service (sc create SmtpWatch ...). */
#define SW_SVC_NAME L"SmtpWatch"
/* The database file in the data directory. */
#define SW_SVC_DB_FILE L"smtpwatch.db"
/* --max-db-mb: its default and its largest value (1 TB). */
#define SW_SVC_DEFAULT_MAX_DB_MB 1024
#define SW_SVC_MAX_DB_MB_LIMIT 1048576

/* --metrics-interval-s: its default and its range, in seconds. */
#define SW_SVC_METRICS_INTERVAL_DEFAULT_S 15
#define SW_SVC_METRICS_INTERVAL_MAX_S 3600
/* The longest --metrics-url, in characters. */
#define SW_SVC_METRICS_URL_MAX 512

/* What the command line decided. Filled by svc_main.c before anything else
 * runs, then read-only. */
struct sw_svc_config {
  wchar_t data_dir[MAX_PATH];     /* exists by the time the loop starts */
  wchar_t db_path[MAX_PATH + 16]; /* data_dir\smtpwatch.db */
  char data_dir_utf8[MAX_PATH * 3];
  char db_path_utf8[(MAX_PATH + 16) * 3];
  bool console;
  /* --max-db-mb: the most data the database may hold before the oldest
   * results are deleted (svc_prune.h), in MB; 0 = no cap. */
  uint32_t max_db_mb;
  /* Test only (--interval-unit-ms, documented in docs/service.md): how
   * long one second of a rule's interval lasts. 1000 in production. Check
   * timeouts are never scaled. */
  uint32_t interval_unit_ms;
  /* Test only (--buffer-results): the result buffer's size; 0 = default. */
  uint32_t buffer_results;
  /* Benchmark and tests (--stats-file): where the loop writes its figures
   * (checks, schedule lateness) as JSON when it stops; "" = nowhere. */
  wchar_t stats_file[MAX_PATH];
  /* The metrics (docs/metrics.md), from the command line or else from the
   * product's key HKLM\SOFTWARE\SmtpWatch (svc_params.c). metrics_dir: where
   * smtpwatch.prom is written for windows_exporter's textfile collector
   * ("" = not written); metrics_interval_s: how often the figures are
   * taken; metrics_url: the http.sys URL that answers GET /metrics
   * ("" = not served). */
  wchar_t metrics_dir[MAX_PATH];
  char metrics_dir_utf8[MAX_PATH * 3];
  uint32_t metrics_interval_s;
  wchar_t metrics_url[SW_SVC_METRICS_URL_MAX];
  /* Why the metrics settings of HKLM\SOFTWARE\SmtpWatch were not taken
   * ("" = they were, or there are none): the key's options are then off,
   * and the service runs without them (event 4014) rather than not at all. */
  char metrics_problem[512];
};

/* Why the service stopped, as the Event Log shows it (%1 of event 1001). */
enum sw_svc_stop_reason {
  SW_SVC_STOP_NONE,
  SW_SVC_STOP_SCM,      /* SERVICE_CONTROL_STOP */
  SW_SVC_STOP_SHUTDOWN, /* SERVICE_CONTROL_SHUTDOWN */
  SW_SVC_STOP_CONSOLE,  /* Ctrl+C, Ctrl+Break or the console closing */
  SW_SVC_STOP_FAILED    /* the loop could not go on */
};

/* Runs the service under the SCM: StartServiceCtrlDispatcherW with our
 * ServiceMain. Returns when the service has stopped: 0, or the Win32 error
 * of the dispatcher (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT when the SCM
 * did not start us). `cfg` must stay valid until then; NULL means the
 * command line was wrong: ServiceMain logs sw__svc_cmdline_error() and
 * stops with ERROR_INVALID_PARAMETER. Main thread. */
DWORD sw_svc_run_under_scm(const struct sw_svc_config *cfg);

/* The sentence saying what was wrong with the command line ("" if
 * nothing); svc_main.c owns it. */
const char *sw__svc_cmdline_error(void);

#endif
