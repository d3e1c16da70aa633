/* The editor's subscription (protocol version 4, docs/pipe-protocol.md
 * "Subscriptions"): a connection and thread of its own that subscribes to
 * the rules' states and changes, and hands each push to the main window,
 * which applies it to its rows instead of reading every rule's status
 * every 5 s. Against a version 3 service it says so once and ends: the
 * window goes on polling. A lost connection is tried again every few
 * seconds; the window polls meanwhile. */
#ifndef SW_EDITOR_LIVE_H
#define SW_EDITOR_LIVE_H

#include <windows.h>

#include "pipe_push.h"

/* Posted to the window given to sw_live_start; wParam is enum
 * sw_live_event, lParam for SW_LIVE_PUSH a struct sw_pipe_push * the
 * window owns from then on (sw_live_push_free). */
#define WM_SW_LIVE (WM_APP + 3)

enum sw_live_event {
  SW_LIVE_SUBSCRIBED,  /* pushes come from now on: read everything once */
  SW_LIVE_PUSH,        /* lParam: the push */
  SW_LIVE_LOST,        /* the subscription's connection broke: poll */
  SW_LIVE_UNSUPPORTED, /* the service is older than version 4: poll */
};

struct sw_live;

/* Starts the thread on `pipe_name` (NULL: \\.\pipe\SmtpWatch); NULL if it
 * could not start (the window polls). UI thread. */
struct sw_live *sw_live_start(HWND to, const wchar_t *pipe_name);
/* Stops the thread, closes its connection, and frees the pushes posted to
 * the window but not yet taken. UI thread; NULL is fine. */
void sw_live_stop(struct sw_live *l);
/* Frees a push posted with SW_LIVE_PUSH. */
void sw_live_push_free(struct sw_pipe_push *p);

#endif
