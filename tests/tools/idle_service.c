/* idle_service: a Windows service that does nothing but run, for tests
 * that restart a service (test_alert_senders.py, common/win/
 * service_restart.c). Installed with
 *
 *   sc create NAME binPath= "Z:\...\idle_service.exe [--stop-ms N]"
 *
 * It reports RUNNING and accepts SERVICE_CONTROL_STOP; asked to stop, it
 * reports STOP_PENDING for N ms (default 300), moving its checkpoint every
 * 100 ms with a wait hint of 1 s, as a slow service should, then STOPPED.
 * Run from a console (no SCM), it says so and exits with 1. */
#include <windows.h>

#include <stdio.h>
#include <wchar.h>

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static HANDLE stop_asked;
static DWORD stop_ms = 300;

static void report(DWORD state, DWORD checkpoint, DWORD hint)
{
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
  status.dwWin32ExitCode = NO_ERROR;
  status.dwCheckPoint = checkpoint;
  status.dwWaitHint = hint;
  SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, void *data, void *context)
{
  (void)type, (void)data, (void)context;
  if (control != SERVICE_CONTROL_STOP)
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
  report(SERVICE_STOP_PENDING, 1, 1000);
  SetEvent(stop_asked);
  return NO_ERROR;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
  (void)argc;
  status_handle = RegisterServiceCtrlHandlerExW(argv[0], handler, NULL);
  if (!status_handle)
    return;
  report(SERVICE_RUNNING, 0, 0);
  WaitForSingleObject(stop_asked, INFINITE);
  for (DWORD waited = 0, checkpoint = 2; waited < stop_ms; waited += 100, checkpoint++) {
    Sleep(100);
    report(SERVICE_STOP_PENDING, checkpoint, 1000);
  }
  report(SERVICE_STOPPED, 0, 0);
}

int wmain(int argc, wchar_t **argv)
{
  if (argc == 3 && !wcscmp(argv[1], L"--stop-ms"))
    stop_ms = (DWORD)_wtoi(argv[2]);
  stop_asked = CreateEventW(NULL, TRUE, FALSE, NULL);
  SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)L"", service_main}, {NULL, NULL}};
  if (!StartServiceCtrlDispatcherW(table)) { /* from a console: after ~10 s under Wine */
    fprintf(stderr, "idle_service: not started by the SCM (error %lu)\n", GetLastError());
    return 1;
  }
  return 0;
}
