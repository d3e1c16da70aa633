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

/* Wait hints: how long the SCM should wait for our next checkpoint. The
 * loop reports a checkpoint at every step, so these bound one step. */
#define START_WAIT_HINT_MS 10000
#define STOP_WAIT_HINT_MS 5000

static const struct sw_svc_config *config;
static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static CRITICAL_SECTION status_lock; /* the handler and the loop both report */
static struct sw_svc_loop *loop;     /* set while ServiceMain runs the loop */

/* Reports `state`; pending states get the next checkpoint, the others 0.
 * Caller holds status_lock. */
static void report_locked(DWORD state, DWORD win32_exit, DWORD wait_hint)
{
  if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING)
    status.dwCheckPoint = status.dwCurrentState == state ? status.dwCheckPoint + 1 : 1;
  else
    status.dwCheckPoint = 0;
  status.dwCurrentState = state;
  status.dwWin32ExitCode = win32_exit;
  status.dwWaitHint = wait_hint;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  SetServiceStatus(status_handle, &status);
}

static void report(DWORD state, DWORD win32_exit, DWORD wait_hint)
{
  EnterCriticalSection(&status_lock);
  report_locked(state, win32_exit, wait_hint);
  LeaveCriticalSection(&status_lock);
}

/* Loop hooks: one more checkpoint of whatever is pending, RUNNING, and
 * the first STOP_PENDING when the loop itself decides to stop. */
static void on_progress(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  if (status.dwCurrentState == SERVICE_START_PENDING)
    report_locked(SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);
  else if (status.dwCurrentState == SERVICE_STOP_PENDING)
    report_locked(SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
  LeaveCriticalSection(&status_lock);
}

static void on_running(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  if (status.dwCurrentState == SERVICE_START_PENDING)
    report_locked(SERVICE_RUNNING, NO_ERROR, 0);
  LeaveCriticalSection(&status_lock);
}

static void on_stopping(void *ctx)
{
  (void)ctx;
  EnterCriticalSection(&status_lock);
  if (status.dwCurrentState != SERVICE_STOP_PENDING)
    report_locked(SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
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
    if (status.dwCurrentState != SERVICE_STOP_PENDING)
      report_locked(SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
    if (loop)
      sw_svc_loop_stop(loop, control == SERVICE_CONTROL_STOP ? SW_SVC_STOP_SCM
                                                             : SW_SVC_STOP_SHUTDOWN);
    LeaveCriticalSection(&status_lock);
    return NO_ERROR;
  case SERVICE_CONTROL_INTERROGATE:
    /* Report the current status again (required before Windows Vista, and
     * harmless since). */
    EnterCriticalSection(&status_lock);
    SetServiceStatus(status_handle, &status);
    LeaveCriticalSection(&status_lock);
    return NO_ERROR;
  default:
    return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  (void)argc, (void)argv; /* options come from the command line (binPath) */
  status_handle = RegisterServiceCtrlHandlerExW(SW_SVC_NAME, control_handler, NULL);
  if (!status_handle)
    return; /* NEVER: only fails for a name the dispatcher does not know */
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  report(SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);

  sw_svc_eventlog_open(false);
  DWORD reg_error;
  sw_svc_eventlog_register(&reg_error); /* best effort: the installer does it too */

  DWORD rc;
  if (!config) {
    SW_SVC_EVENT(SW_MSG_SERVICE_START_FAILED, sw__svc_cmdline_error(),
                 "Correct the command line of the service (its binPath).");
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
