/* A notifier that restarts a Windows service on this machine (a local
 * SMTP service that hung, say): stop it, wait until it has stopped, start
 * it, wait until it runs. One synchronous call with its own bound: the
 * service runs it on a thread-pool work item, so the checks never wait for
 * it. The rights it needs on that one service, and how to grant them, are
 * in docs/notifications.md ("Restarting a service"). */
#ifndef SW_SERVICE_RESTART_H
#define SW_SERVICE_RESTART_H

#include <stdbool.h>
#include <stdint.h>

#define SW_SERVICE_RESTART_ERROR_MAX 384

struct sw_service_restart_result {
  unsigned long old_pid; /* the process that was stopped; 0 if it was not running */
  unsigned long new_pid; /* the process that now runs it; 0 if none */
  char error[SW_SERVICE_RESTART_ERROR_MAX]; /* "" when restarted */
};

/* Restarts the service `name` (its key name, as `sc query` shows it;
 * UTF-8), asking the SCM for SERVICE_STOP | SERVICE_START |
 * SERVICE_QUERY_STATUS and nothing more. A service that is stopped is only
 * started. Waits are paced by the service's own wait hints, as in
 * Microsoft's "Stopping a Service" sample, and the whole call ends within
 * timeout_ms (> 0) and one poll. Returns true when the service runs
 * again; else false with a sentence: no such service, access denied
 * (naming the rights it lacks), the service refuses to stop or is
 * disabled, other running services depend on it, or it did not stop or
 * start in time. Thread-safe: every handle is the call's own. */
bool sw_service_restart(const char *name, uint32_t timeout_ms,
                        struct sw_service_restart_result *out);

#endif
