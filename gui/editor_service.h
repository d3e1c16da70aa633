/* The editor's link to the service: requests on the control pipe
 * (docs/pipe-protocol.md) run on a worker thread, never on the UI thread,
 * and their replies come back to a window as a posted message. One
 * connection serves ordinary requests in order; it is opened on demand and
 * opened again after the service restarts. A "test now" (RULE_TEST) can
 * take as long as the rule's timeout, and a notifier's test (NOTIFIER_TEST)
 * as long as its delivery, so each runs on a connection and thread of its
 * own and never holds up the list's refresh.
 *
 * The main window also hears of the connection's state
 * (WM_SW_SERVICE_STATE), for its status bar. */
#ifndef SW_EDITOR_SERVICE_H
#define SW_EDITOR_SERVICE_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "pipe_client.h"
#include "pipe_records.h"
#include "rule_rows.h"
#include "sw_buf.h"

/* Posted to job->reply_to when a job is done; lParam is the job, which the
 * receiver owns from then on and frees with sw_service_job_free. wParam is
 * job->tag. */
#define WM_SW_SERVICE_REPLY (WM_APP + 1)
/* Posted to the window given to sw_service_start when the connection's
 * state changes; wParam is the enum sw_service_state. Read the sentence
 * that goes with it with sw_service_state_text. */
#define WM_SW_SERVICE_STATE (WM_APP + 2)

enum sw_service_state {
  SW_SERVICE_CONNECTING,  /* no request has been answered yet */
  SW_SERVICE_CONNECTED,   /* the last request was answered */
  SW_SERVICE_UNREACHABLE, /* the last attempt failed: not running, denied */
};

enum sw_job_outcome {
  SW_JOB_REPLIED,     /* `reply` holds the service's answer: maybe ERROR
                         (error_code/error are filled) or RULE_INVALID */
  SW_JOB_UNREACHABLE, /* no answer: `error` says why (service stopped...) */
};

struct sw_service_job {
  /* What to send; filled by the caller before sw_service_submit. */
  HWND reply_to;            /* who gets WM_SW_SERVICE_REPLY */
  WPARAM tag;               /* the caller's: comes back as wParam */
  uint16_t message;         /* SW_PIPE_MSG_* */
  struct sw_buf fields;     /* the request's TLV fields (may stay empty) */
  bool all_status;          /* STATUS only: fetch every page into rows[]
                               (rule id order), each record made a row of
                               the list as it is decoded */
  uint32_t test_timeout_ms; /* RULE_TEST and NOTIFIER_TEST only: how long
                               the test may take; the job runs on its own
                               connection */

  /* The answer; filled by the worker. */
  enum sw_job_outcome outcome;
  struct sw_pipe_reply reply; /* the (last) reply frame */
  char error_code[32];        /* an ERROR reply's code ("stale"), or "" */
  char error[512];            /* its sentence, or why the service was not
                                 reached; "" if neither */
  struct sw_rule_row *rows;   /* all_status: every rule's row */
  size_t row_count;
  size_t row_cap; /* the worker's: allocated entries */

  struct sw_service_job *next; /* the worker's queue */
};

struct sw_service;

/* Starts the worker. `state_window` gets WM_SW_SERVICE_STATE. Returns NULL
 * if out of memory or the thread could not start. UI thread only. */
struct sw_service *sw_service_start(HWND state_window);
/* The same on another pipe than \\.\pipe\SmtpWatch (tests). */
struct sw_service *sw_service_start_on(HWND state_window, const wchar_t *pipe_name);
/* Stops the worker (a request in flight is abandoned: its connection is
 * closed) and frees everything, including jobs not yet posted. Test jobs
 * still running finish on their own thread and are freed there. */
void sw_service_stop(struct sw_service *s);

/* A new job for `message` to be answered to `reply_to`; NULL if out of
 * memory. Append request fields to job->fields. */
struct sw_service_job *sw_service_job_new(HWND reply_to, uint16_t message, WPARAM tag);
/* Frees a job and everything it holds, its request fields wiped first
 * (they may hold a secret); NULL is fine. */
void sw_service_job_free(struct sw_service_job *job);
/* Hands the job to the worker (which owns it from now on). Any thread. */
void sw_service_submit(struct sw_service *s, struct sw_service_job *job);

/* The sentence for the current state, for the status bar (UTF-8): "Connected
 * to the SMTP Watch service 0.1.0", "The SMTP Watch service is not running:
 * ..." Copies into `out`. Any thread. */
void sw_service_state_text(struct sw_service *s, char *out, size_t size);

/* For a window's WM_SW_SERVICE_REPLY: hands the job (lParam `lp`) to
 * fn(ctx, job) if ctx is not NULL (the window's context, NULL before
 * WM_INITDIALOG), then frees it. UI thread. */
void sw_service_reply(LPARAM lp, void *ctx,
                      void (*fn)(void *ctx, struct sw_service_job *job));

/* Drops the WM_SW_SERVICE_REPLY messages still queued for `hwnd` (freeing
 * their jobs): call from WM_DESTROY of a window that submitted jobs. */
void sw_service_drain(HWND hwnd);

#endif
