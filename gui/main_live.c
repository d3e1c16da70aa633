/* The main window's live list (editor_live.h): pushes applied to the rows
 * as they come, and the 5 s refresh only while there is no subscription
 * (an older service, or its connection lost). */
#include <stdio.h>

#include "main_window_internal.h"
#include "rule_rows_live.h"

/* "12:03:22": the list is as of now. */
static void mark_updated(struct sw_main_window *w)
{
  SYSTEMTIME now;
  GetLocalTime(&now);
  snprintf(w->updated_at, sizeof w->updated_at, "%02u:%02u:%02u", now.wHour, now.wMinute,
           now.wSecond);
}

static void apply(struct sw_main_window *w, struct sw_pipe_push *p)
{
  if (p->resync) {
    /* The service could not tell what this editor missed. */
    sw__main_refresh(w, true);
    return;
  }
  struct sw_main_marks marks = sw__main_list_marks(w);
  if (sw_rule_rows_apply_push(&w->rows, p) != SW_E_OK) {
    sw__main_refresh(w, true); /* out of memory: the list is read again */
    return;
  }
  if (!w->stale)
    mark_updated(w);
  sw__main_list_rows_changed(w, marks, false);
  sw__main_update_status(w);
}

void sw__main_live_event(struct sw_main_window *w, WPARAM wp, LPARAM lp)
{
  struct sw_pipe_push *p = (struct sw_pipe_push *)lp;
  switch ((enum sw_live_event)wp) {
  case SW_LIVE_SUBSCRIBED:
    /* Read everything once, now that no change can be missed: what
     * changes after this read is pushed. */
    w->live_on = true;
    sw__main_refresh(w, true);
    break;
  case SW_LIVE_PUSH:
    apply(w, p);
    break;
  case SW_LIVE_LOST:
  case SW_LIVE_UNSUPPORTED:
    /* Back to the timer's refresh, from now. */
    if (w->live_on)
      sw__main_refresh(w, true);
    w->live_on = false;
    break;
  }
  sw_live_push_free(wp == SW_LIVE_PUSH ? p : NULL);
}
