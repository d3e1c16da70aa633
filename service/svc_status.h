/* The status the service reports to the SCM, and its checkpoints: what
 * svc_scm.c hands to SetServiceStatus, kept apart so that the sequence a
 * stop produces can be read back by a test through `set` (Wine's SCM does
 * not show checkpoints the way Windows' does). Not thread-safe: the
 * caller serialises (svc_scm.c holds its status lock). */
#ifndef SW_SVC_STATUS_H
#define SW_SVC_STATUS_H

#include <windows.h>

/* Wait hints: how long the SCM should wait for our next checkpoint. Every
 * step of a start or a stop reports one, and the engine's drain one at
 * least every SW_ENGINE_STOP_TICK_MS, so these bound one step. */
#define SW_SVC_START_WAIT_HINT_MS 10000
#define SW_SVC_STOP_WAIT_HINT_MS 5000

struct sw_svc_status {
  SERVICE_STATUS status; /* as last reported */
  /* Reports it: SetServiceStatus in the service, a recorder in tests. */
  void (*set)(void *ctx, const SERVICE_STATUS *status);
  void *ctx;
};

/* Reports `state`. A pending state (START_PENDING, STOP_PENDING) gets the
 * next checkpoint, 1 on entering it; the others 0, as the SCM requires.
 * RUNNING accepts STOP and SHUTDOWN, the other states nothing. */
void sw_svc_status_report(struct sw_svc_status *s, DWORD state, DWORD win32_exit,
                          DWORD wait_hint);

/* Still starting or stopping: the next checkpoint of the pending state,
 * with its wait hint. Nothing in any other state. */
void sw_svc_status_progress(struct sw_svc_status *s);

#endif
