/* The service's single loop thread: the IOCP engine runs the checks the
 * scheduler says are due, the rule-state tracker turns results into state
 * changes (Event Log), and results are written to the store in batches.
 * The store may fail (locked, read-only, corrupt): checking goes on,
 * results wait in a bounded memory buffer, and writing is retried. */
#ifndef SW_SVC_LOOP_H
#define SW_SVC_LOOP_H

#include <windows.h>

#include "svc.h"

struct sw_svc_loop;

/* How the loop tells the SCM shell about its progress; every member may be
 * NULL (console mode). Called on the loop thread. */
struct sw_svc_hooks {
  void *ctx;
  void (*progress)(void *ctx); /* still starting or stopping: next checkpoint */
  void (*running)(void *ctx);  /* started: report SERVICE_RUNNING */
  void (*stopping)(void *ctx); /* a stop began (from sw_svc_loop_stop or a fatal error) */
};

/* Creates the loop and its engine, so that sw_svc_loop_stop works from the
 * moment this returns. Returns 0, or a Win32 error after logging event
 * 1002 (start failed) with the reason. `cfg` must outlive the loop. */
DWORD sw_svc_loop_create(struct sw_svc_loop **out, const struct sw_svc_config *cfg);

/* Runs until sw_svc_loop_stop: creates the data directory, opens the store,
 * restores rule state, then checks rules on schedule. On stop it cancels
 * the checks in flight, writes the buffered results (bounded in time so a
 * stop ends within the SCM's 5 s), and logs event 1001. Returns 0, or a
 * Win32 error if it could not start (event 1002 says why). Once only, on
 * the thread that will be the loop thread. `hooks` must stay valid until
 * sw_svc_loop_destroy has returned: the engine's drain there reports
 * progress through it. */
DWORD sw_svc_loop_run(struct sw_svc_loop *l, const struct sw_svc_hooks *hooks);

/* Asks the loop to stop; returns at once. Any thread, any number of times
 * (the first reason is kept), also before sw_svc_loop_run has started. */
void sw_svc_loop_stop(struct sw_svc_loop *l, enum sw_svc_stop_reason why);

/* Frees the loop after sw_svc_loop_run returned (or instead of it). */
void sw_svc_loop_destroy(struct sw_svc_loop *l);

#endif
