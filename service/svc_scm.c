/* The Service Control Manager shell: ServiceMain, the control handler, and
 * the status the SCM sees. The loop runs on ServiceMain's thread; the
 * handler runs on the dispatcher's (main) thread and only records the
 * request and wakes the loop, so a stop takes effect within one turn of
 * the loop even with thousands of checks in flight. */
#include <windows.h>

#include <stdio.h>

#include "svc.h"
#include "svc_eventlog.h"
#include "svc_loop.h"
#include "svc_status.h"
#include "sw_macros.h"

static const struct sw_svc_config *config;
static CRITICAL_SECTION status_lock; /* the handler and the loop both report */
static struct sw_svc_loop *loop;     /* set while ServiceMain runs the loop */

/* ctx: the SERVICE_STATUS_HANDLE. */
static void set_status(void *ctx, const SERVICE_STATUS *st)
{
  SetServiceStatus((SERVICE_STATUS_HANDLE)ctx, (SERVICE_STATUS *)st);
}

static struct sw_svc_status status = {.set = set_status}; /* under status_lock */

/* Caller holds status_lock. */
static void report_locked(DWORD state, DWORD win32_exit, DWORD wait_hint)
{
  sw_svc_status_report(&status, state, win32_exit, wait_hint);
}

static void report(DWORD state, DWORD win32_exit, DWORD wait_hint)
{
  EnterCriticalSection(&status_lock);
  report_locked(state, win32_exit, wait_hint);
  LeaveCriticalSection(&status_lock);
}

/* Loop hooks: one more checkpoint of whatever is pending (also while the
 * engine drains, after the loop has returned), RUNNING, and the first
 * STOP_PENDING when the loop itself decides to stop. */
static void on_progress(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  sw_svc_status_progress(&status);
  LeaveCriticalSection(&status_lock);
}

static void on_running(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  if (status.status.dwCurrentState == SERVICE_START_PENDING)
    report_locked(SERVICE_RUNNING, NO_ERROR, 0);
  LeaveCriticalSection(&status_lock);
}

static void on_stopping(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  if (status.status.dwCurrentState != SERVICE_STOP_PENDING)
    report_locked(SERVICE_STOP_PENDING, NO_ERROR, SW_SVC_STOP_WAIT_HINT_MS);
  LeaveCriticalSection(&status_lock);
}

static DWORD WINAPI control_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID ctx)
{
  (void)event_type, (void)event_data, (void)ctx;
  switch (control) {
  case SERVICE_CONTROL_STOP:
  case SERVICE_CONTROL_SHUTDOWN:
    /* STOP_PENDING first, so the SCM knows the stop was heard even before
     * the loop wakes; the loop reports the checkpoints from there. */
    EnterCriticalSection(&status_lock); /* `loop` is not freed under us */
    if (status.status.dwCurrentState != SERVICE_STOP_PENDING)
      report_locked(SERVICE_STOP_PENDING, NO_ERROR, SW_SVC_STOP_WAIT_HINT_MS);
    if (loop)
      sw_svc_loop_stop(loop, control == SERVICE_CONTROL_STOP ? SW_SVC_STOP_SCM
                                                             : SW_SVC_STOP_SHUTDOWN);
    LeaveCriticalSection(&status_lock);
    return NO_ERROR;
  case SERVICE_CONTROL_INTERROGATE:
    /* Report the current status again (required before Windows Vista, and
     * harmless since). */
    EnterCriticalSection(&status_lock);
    set_status(status.ctx, &status.status);
    LeaveCriticalSection(&status_lock);
    return NO_ERROR;
  default:
    return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  (void)argc, (void)argv; /* options come from the command line (binPath) */
  /* Under the lock: the handler may answer INTERROGATE at once. */
  EnterCriticalSection(&status_lock);
  status.ctx = RegisterServiceCtrlHandlerExW(SW_SVC_NAME, control_handler, NULL);
  status.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  LeaveCriticalSection(&status_lock);
  if (NEVER(!status.ctx))
    return; /* only fails for a name the dispatcher does not know */
  report(SERVICE_START_PENDING, NO_ERROR, SW_SVC_START_WAIT_HINT_MS);

  sw_svc_eventlog_open(false);
  DWORD reg_error;
  sw_svc_eventlog_register(&reg_error); /* best effort: the installer does it too */

  DWORD rc;
  if (!config) {
    SW_SVC_EVENT(
        SW_MSG_SERVICE_START_FAILED, sw__svc_cmdline_error(),
        "Correct the command line of the service (its binPath), or its settings in "
        "HKLM\\SOFTWARE\\SmtpWatch (docs/metrics.md).");
    rc = ERROR_INVALID_PARAMETER;
  } else {
    struct sw_svc_loop *l;
    rc = sw_svc_loop_create(&l, config);
    if (rc == 0) {
      /* The handler may run from now on: it reads `loop`. */
      EnterCriticalSection(&status_lock);
      loop = l;
      LeaveCriticalSection(&status_lock);
      struct sw_svc_hooks hooks = {
          .progress = on_progress, .running = on_running, .stopping = on_stopping};
      rc = sw_svc_loop_run(l, &hooks);
      EnterCriticalSection(&status_lock);
      loop = NULL;
      LeaveCriticalSection(&status_lock);
      sw_svc_loop_destroy(l);
    }
  }
  sw_svc_eventlog_close();
  report(SERVICE_STOPPED, rc, 0);
}

DWORD sw_svc_run_under_scm(const struct sw_svc_config *cfg)
{
  config = cfg;
  InitializeCriticalSection(&status_lock);
  SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)SW_SVC_NAME, service_main}, {NULL, NULL}};
  if (!StartServiceCtrlDispatcherW(table))
    return GetLastError();
  return 0;
}
