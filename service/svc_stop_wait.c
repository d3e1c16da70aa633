/* smtpwatch-svc --stop-and-wait: see svc_stop_wait.h. */
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>

#include "svc_stop_wait.h"
#include "console_out.h"
#include "messages.h"
#include "svc_eventlog.h"
#include "win_error.h"

/* How often the service's status is asked for while it stops: a tenth of
 * its wait hint, within these bounds (Microsoft's sample for stopping a
 * service does the same). */
#define POLL_MIN_MS 50u
#define POLL_MAX_MS 1000u

/* Says on stderr and in the Application log (event 1005) what failed and
 * why; returns `err`. */
static DWORD fail(DWORD err, const char *fmt, ...)
{
  char what[780], sentence[800];
  va_list ap;
  va_start(ap, fmt);
  sw_win_error_vsentence(what, sizeof what, err, fmt, ap);
  va_end(ap);
  snprintf(sentence, sizeof sentence, "%s.", what);
  fflush(stdout);
  sw_console_printf(stderr, "smtpwatch-svc: %s\n", sentence);
  SW_SVC_EVENT(SW_MSG_STOP_WAIT_FAILED, sentence);
  return err;
}

static DWORD poll_ms(const SERVICE_STATUS_PROCESS *st)
{
  DWORD ms = st->dwWaitHint / 10;
  return ms < POLL_MIN_MS ? POLL_MIN_MS : ms > POLL_MAX_MS ? POLL_MAX_MS : ms;
}

static bool query(SC_HANDLE svc, SERVICE_STATUS_PROCESS *st)
{
  DWORD need;
  return QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)st, sizeof *st, &need);
}

/* Asks the service to stop. ControlService, not ControlServiceExW with a
 * stop reason: Wine 8 has no ControlServiceExW (calling it aborts), and
 * the reason would only annotate the System log. */
static bool send_stop(SC_HANDLE svc)
{
  SERVICE_STATUS st;
  return ControlService(svc, SERVICE_CONTROL_STOP, &st);
}

/* Drives the service to SERVICE_STOPPED within SW_SVC_STOP_TIMEOUT_MS.
 * Opens its process (SYNCHRONIZE) into *process while it still has one,
 * before asking it to stop, so that the process can be waited for after. */
static DWORD stop_service(SC_HANDLE svc, HANDLE *process, DWORD *pid)
{
  ULONGLONG deadline = GetTickCount64() + SW_SVC_STOP_TIMEOUT_MS;
  bool asked = false;
  for (;;) {
    SERVICE_STATUS_PROCESS st;
    if (!query(svc, &st))
      return fail(GetLastError(), "The state of the SmtpWatch service cannot be read");
    if (!*process && st.dwProcessId) {
      *pid = st.dwProcessId;
      *process = OpenProcess(SYNCHRONIZE, FALSE, st.dwProcessId);
      if (!*process)
        return fail(GetLastError(),
                    "The process of the SmtpWatch service (%lu) cannot be "
                    "opened to wait for its end",
                    (unsigned long)st.dwProcessId);
    }
    if (st.dwCurrentState == SERVICE_STOPPED) {
      sw_console_printf(stdout, "%s\n",
                        asked ? "SmtpWatch service: stopped"
                              : "SmtpWatch service: not running");
      return 0;
    }
    /* Running or paused: ask once. Starting: wait until it can be asked
     * (it accepts no stop before it runs). Stopping: wait. */
    if (!asked && st.dwCurrentState != SERVICE_START_PENDING &&
        st.dwCurrentState != SERVICE_STOP_PENDING) {
      if (send_stop(svc)) {
        sw_console_printf(stdout, "SmtpWatch service: asked to stop (process %lu)\n",
                          (unsigned long)*pid);
        asked = true;
        continue;
      }
      DWORD err = GetLastError();
      if (err != ERROR_SERVICE_NOT_ACTIVE && err != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
        return fail(err, "The SmtpWatch service cannot be asked to stop");
    }
    if (st.dwCurrentState == SERVICE_STOP_PENDING)
      asked = true; /* someone else asked; the wait is the same */
    if (GetTickCount64() >= deadline)
      return fail(ERROR_SERVICE_REQUEST_TIMEOUT,
                  "The SmtpWatch service did not stop within %u s",
                  SW_SVC_STOP_TIMEOUT_MS / 1000);
    Sleep(poll_ms(&st));
  }
}

DWORD sw_svc_stop_and_wait(void)
{
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!scm)
    return fail(GetLastError(), "The Service Control Manager cannot be opened");
  SC_HANDLE svc = OpenServiceW(scm, SW_SVC_NAME, SERVICE_STOP | SERVICE_QUERY_STATUS);
  DWORD rc = 0;
  if (!svc) {
    rc = GetLastError();
    CloseServiceHandle(scm);
    if (rc == ERROR_SERVICE_DOES_NOT_EXIST) {
      sw_console_puts(stdout, "SmtpWatch service: not installed\n");
      return 0;
    }
    return fail(rc, "The SmtpWatch service cannot be opened to stop it");
  }
  HANDLE process = NULL;
  DWORD pid = 0;
  rc = stop_service(svc, &process, &pid);
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  if (rc == 0 && process) {
    ULONGLONG t0 = GetTickCount64();
    DWORD w = WaitForSingleObject(process, SW_SVC_EXIT_TIMEOUT_MS);
    if (w == WAIT_OBJECT_0)
      sw_console_printf(
          stdout,
          "SmtpWatch service: process %lu ended %llu ms after it was seen stopped\n",
          (unsigned long)pid, (unsigned long long)(GetTickCount64() - t0));
    else if (w == WAIT_TIMEOUT)
      rc = fail(ERROR_SERVICE_REQUEST_TIMEOUT,
                "The SmtpWatch service stopped, but its process (%lu) was still running "
                "%u s later",
                (unsigned long)pid, SW_SVC_EXIT_TIMEOUT_MS / 1000);
    else
      rc = fail(GetLastError(),
                "The process of the SmtpWatch service (%lu) cannot be "
                "waited for",
                (unsigned long)pid);
  }
  if (process)
    CloseHandle(process);
  return rc;
}
