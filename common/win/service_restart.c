#include "service_restart.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

#define WANTED_RIGHTS (SERVICE_STOP | SERVICE_START | SERVICE_QUERY_STATUS)
/* Microsoft's sample polls every tenth of the wait hint, between 1 and
 * 10 s; a lower floor keeps a quick restart quick. */
#define POLL_MIN_MS 250u
#define POLL_MAX_MS 5000u
/* A service whose checkpoint does not move for its wait hint (and at
 * least this long) is stuck. */
#define STUCK_MIN_MS 5000u

/* The rights asked for, each named for the sentence that says which is
 * missing. */
#define RIGHTS_MAP(X) X(SERVICE_QUERY_STATUS) X(SERVICE_STOP) X(SERVICE_START)
#define RIGHT_VALUE(r) r,
#define RIGHT_NAME(r) #r,
static const DWORD rights[] = {RIGHTS_MAP(RIGHT_VALUE)};
static const char *const right_names[] = {RIGHTS_MAP(RIGHT_NAME)};

/* The SCM's states in words: SERVICE_STOPPED (1) to SERVICE_PAUSED (7), in
 * the order winsvc.h numbers them. */
static const char *state_name(DWORD state)
{
  static const char *const names[] = {"stopped",  "starting", "stopping", "running",
                                      "resuming", "pausing",  "paused"};
  return state >= SERVICE_STOPPED && state <= SERVICE_PAUSED
             ? names[state - SERVICE_STOPPED]
             : "in an unknown state";
}

static DWORD ms_left(ULONGLONG deadline)
{
  ULONGLONG now = GetTickCount64();
  return now >= deadline ? 0 : (DWORD)(deadline - now);
}

static bool query(SC_HANDLE svc, SERVICE_STATUS_PROCESS *ss)
{
  DWORD needed = 0;
  return QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)ss, sizeof *ss,
                              &needed);
}

/* Access denied: which of the rights the account lacks, found by asking
 * for each alone. */
static void say_denied(SC_HANDLE scm, const wchar_t *wname, const char *name, char *out,
                       size_t size)
{
  char missing[96] = "";
  for (size_t i = 0; i < SW_COUNTOF(rights); i++) {
    SC_HANDLE h = OpenServiceW(scm, wname, rights[i]);
    if (h)
      CloseServiceHandle(h);
    else if (GetLastError() == ERROR_ACCESS_DENIED)
      snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
               missing[0] ? ", " : "", right_names[i]);
  }
  snprintf(out, size,
           "this account may not restart the service \"%s\": it lacks %s on it (grant "
           "them to NT SERVICE\\SmtpWatch on that service: docs/notifications.md, "
           "\"Restarting a service\")",
           name, missing[0] ? missing : "the rights asked for");
}

static SC_HANDLE open_service(SC_HANDLE scm, const wchar_t *wname, const char *name,
                              char *out, size_t size)
{
  SC_HANDLE svc = OpenServiceW(scm, wname, WANTED_RIGHTS);
  DWORD err = svc ? 0 : GetLastError();
  if (err == ERROR_SERVICE_DOES_NOT_EXIST || err == ERROR_INVALID_NAME)
    snprintf(out, size,
             "there is no service named \"%s\" on this computer (give its key "
             "name, as `sc query` shows it)",
             name);
  else if (err == ERROR_ACCESS_DENIED)
    say_denied(scm, wname, name, out, size);
  else if (err)
    sw_win_error_sentence(out, size, err, "could not open the service \"%s\"", name);
  return svc;
}

/* Polls until the service is in `want`; false when it settles in another
 * state than `pending` (a start that failed, a stop it ignored), makes no
 * progress for its wait hint (and at least STUCK_MIN_MS), or the deadline
 * comes. */
static bool wait_for(SC_HANDLE svc, DWORD want, DWORD pending, ULONGLONG deadline,
                     SERVICE_STATUS_PROCESS *ss)
{
  DWORD checkpoint = ss->dwCheckPoint;
  ULONGLONG progress_at = GetTickCount64();
  while (ss->dwCurrentState != want) {
    ULONGLONG quiet = GetTickCount64() - progress_at;
    DWORD hint = ss->dwWaitHint, pause = hint / 10;
    if (ss->dwCurrentState != pending && quiet > 4 * POLL_MIN_MS)
      return false;
    if (quiet > (hint > STUCK_MIN_MS ? hint : STUCK_MIN_MS) || ms_left(deadline) == 0)
      return false;
    pause = pause < POLL_MIN_MS ? POLL_MIN_MS : pause > POLL_MAX_MS ? POLL_MAX_MS : pause;
    Sleep(pause < ms_left(deadline) ? pause : ms_left(deadline));
    if (!query(svc, ss))
      return false;
    if (ss->dwCheckPoint != checkpoint) {
      checkpoint = ss->dwCheckPoint;
      progress_at = GetTickCount64();
    }
  }
  return true;
}

/* Stops a service that is not stopped, and waits until it is. */
static bool stop(SC_HANDLE svc, const char *name, ULONGLONG deadline,
                 SERVICE_STATUS_PROCESS *ss, char *out, size_t size)
{
  if (ss->dwCurrentState == SERVICE_STOPPED)
    return true;
  if (ss->dwCurrentState != SERVICE_STOP_PENDING) {
    if (ss->dwCurrentState == SERVICE_START_PENDING)
      wait_for(svc, SERVICE_RUNNING, SERVICE_START_PENDING, deadline, ss);
    SERVICE_STATUS st;
    if (!ControlService(svc, SERVICE_CONTROL_STOP, &st)) {
      DWORD err = GetLastError();
      if (err == ERROR_DEPENDENT_SERVICES_RUNNING)
        snprintf(out, size,
                 "other running services depend on \"%s\": stop them first "
                 "(SMTP Watch stops only the service it names)",
                 name);
      else if (err == ERROR_INVALID_SERVICE_CONTROL ||
               err == ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
        snprintf(out, size, "\"%s\" does not accept a stop request now (it is %s)", name,
                 state_name(ss->dwCurrentState));
      else if (err != ERROR_SERVICE_NOT_ACTIVE)
        sw_win_error_sentence(out, size, err, "could not stop \"%s\"", name);
      if (err != ERROR_SERVICE_NOT_ACTIVE)
        return false;
    }
    if (!query(svc, ss))
      ss->dwCurrentState = SERVICE_STOP_PENDING;
  }
  if (wait_for(svc, SERVICE_STOPPED, SERVICE_STOP_PENDING, deadline, ss))
    return true;
  snprintf(out, size, "\"%s\" did not stop in time (it is %s)", name,
           state_name(ss->dwCurrentState));
  return false;
}

static bool start(SC_HANDLE svc, const char *name, ULONGLONG deadline,
                  SERVICE_STATUS_PROCESS *ss, char *out, size_t size)
{
  if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
    DWORD err = GetLastError();
    if (err == ERROR_SERVICE_DISABLED)
      snprintf(out, size, "\"%s\" was stopped but is disabled, so it cannot be started",
               name);
    else
      sw_win_error_sentence(out, size, err, "\"%s\" was stopped but could not be started",
                            name);
    return false;
  }
  if (!query(svc, ss))
    ss->dwCurrentState = SERVICE_START_PENDING;
  if (wait_for(svc, SERVICE_RUNNING, SERVICE_START_PENDING, deadline, ss))
    return true;
  if (ss->dwCurrentState == SERVICE_STOPPED && ss->dwWin32ExitCode)
    sw_win_error_sentence(out, size,
                          ss->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR
                              ? ss->dwServiceSpecificExitCode
                              : ss->dwWin32ExitCode,
                          "\"%s\" stopped again as it was starting", name);
  else
    snprintf(out, size, "\"%s\" did not start in time (it is %s)", name,
             state_name(ss->dwCurrentState));
  return false;
}

bool sw_service_restart(const char *name, uint32_t timeout_ms,
                        struct sw_service_restart_result *out)
{
  memset(out, 0, sizeof *out);
  ULONGLONG deadline = GetTickCount64() + (ALWAYS(timeout_ms > 0) ? timeout_ms : 1);
  wchar_t wname[257];
  if (!name[0] || !sw_wide_from_utf8(name, wname, SW_COUNTOF(wname))) {
    snprintf(out->error, sizeof out->error,
             "\"%.60s\" is not a service name (1 to 256 characters)", name);
    return false;
  }
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!scm) {
    sw_win_error_sentence(out->error, sizeof out->error, GetLastError(),
                          "could not reach the Service Control Manager");
    return false;
  }
  SC_HANDLE svc = open_service(scm, wname, name, out->error, sizeof out->error);
  SERVICE_STATUS_PROCESS ss;
  bool ok = svc != NULL;
  if (ok && !query(svc, &ss)) {
    sw_win_error_sentence(out->error, sizeof out->error, GetLastError(),
                          "could not query the service \"%s\"", name);
    ok = false;
  }
  if (ok) {
    out->old_pid = ss.dwCurrentState == SERVICE_STOPPED ? 0 : ss.dwProcessId;
    ok = stop(svc, name, deadline, &ss, out->error, sizeof out->error) &&
         start(svc, name, deadline, &ss, out->error, sizeof out->error);
    out->new_pid = ss.dwCurrentState == SERVICE_RUNNING ? ss.dwProcessId : 0;
  }
  if (svc)
    CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  return ok;
}
