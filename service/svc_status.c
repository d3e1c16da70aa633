/* The SCM status and its checkpoints (see the header). */
#include "svc_status.h"

void sw_svc_status_report(struct sw_svc_status *s, DWORD state, DWORD win32_exit,
                          DWORD wait_hint)
{
  SERVICE_STATUS *st = &s->status;
  if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING)
    st->dwCheckPoint = st->dwCurrentState == state ? st->dwCheckPoint + 1 : 1;
  else
    st->dwCheckPoint = 0;
  st->dwCurrentState = state;
  st->dwWin32ExitCode = win32_exit;
  st->dwWaitHint = wait_hint;
  st->dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  s->set(s->ctx, st);
}

void sw_svc_status_progress(struct sw_svc_status *s)
{
  DWORD state = s->status.dwCurrentState;
  if (state == SERVICE_START_PENDING)
    sw_svc_status_report(s, state, NO_ERROR, SW_SVC_START_WAIT_HINT_MS);
  else if (state == SERVICE_STOP_PENDING)
    sw_svc_status_report(s, state, NO_ERROR, SW_SVC_STOP_WAIT_HINT_MS);
}
