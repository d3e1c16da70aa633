/* smtpwatch-svc --stop-and-wait: stop the SmtpWatch service and wait until
 * its process has ended.
 *
 * Windows Installer's StopServices waits only for the SCM to report
 * SERVICE_STOPPED. The service's process reports that as its last act but
 * lives on for a moment while it exits, and for that moment
 * smtpwatch-svc.exe is in use: RemoveFiles then cannot delete it, and the
 * uninstall ends with the file left behind and a restart asked for
 * (seen under Wine every other uninstall). So the MSI runs this first,
 * as a deferred, non-impersonated custom action on removal, before
 * StopServices: it learns the process id while the service runs, opens
 * the process, asks the service to stop and waits for the SCM's
 * SERVICE_STOPPED and then for the process itself. docs/installer.md describes it. */
#ifndef SW_SVC_STOP_WAIT_H
#define SW_SVC_STOP_WAIT_H

#include "svc.h"

/* How long the service may take to reach SERVICE_STOPPED (its own stop
 * takes at most a few seconds: svc_loop.c's flush budget), and how long
 * its process may take to end after that. */
#define SW_SVC_STOP_TIMEOUT_MS 60000u
#define SW_SVC_EXIT_TIMEOUT_MS 30000u

/* Stops the SmtpWatch service if it runs and waits for its process to end,
 * printing one line per step to stdout (UTF-8). A service that is not
 * installed or already stopped is success. Returns 0, or the Win32 error
 * of what failed (ERROR_SERVICE_REQUEST_TIMEOUT when a timeout above ran
 * out), after saying what and why on stderr and in the Application log
 * (event 1005). Needs the right to stop the service (administrators).
 * Main thread, once. */
DWORD sw_svc_stop_and_wait(void);

#endif
