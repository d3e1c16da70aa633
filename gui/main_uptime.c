/* The main window's availability columns, "24 h" and "7 d"
 * (main_window_internal.h, model/rule_uptime.h): REPORT pages of every
 * rule over the last 24 hours and 7 days, each page's figures put into the
 * rows as it comes, the next page asked for after it. Not on each 5 s
 * refresh: a report reads the store's hourly rollups, and a figure over a
 * day moves little in a few minutes. A service older than protocol
 * version 4 answers unknown_message: the columns keep their dashes. */
#include "main_window_internal.h"

#include "clock.h"
#include "pipe_protocol.h"

/* Rules a page asks for: the most the service answers in one. */
#define PAGE 1000

static const int64_t period_ms[SW_UPTIME_PERIOD_COUNT] = {
    [SW_UPTIME_DAY] = INT64_C(24) * 3600 * 1000,
    [SW_UPTIME_WEEK] = INT64_C(7) * 24 * 3600 * 1000,
};

/* Asks for the page of `period` after rule `after`; false if it could
 * not (out of memory: the next fetch tries again). */
static bool ask(struct sw_main_window *w, enum sw_uptime_period period, int64_t after)
{
  struct sw_service_job *job =
      sw_service_job_new(w->hwnd, SW_PIPE_MSG_REPORT, SW_MAIN_TAG_UPTIME + period);
  if (!job)
    return false;
  sw_report_put_request(&job->fields, w->uptime.from_ms[period],
                        w->uptime.until_ms[period], 0, after, PAGE);
  sw_service_submit(w->ed->service, job);
  return true;
}

void sw__main_uptime_fetch(struct sw_main_window *w)
{
  if (!w->ed->service)
    return;
  w->uptime.started = true;
  int64_t now_ms = sw_clock_wall_us() / 1000;
  for (int p = 0; p < SW_UPTIME_PERIOD_COUNT; p++) {
    if (w->uptime.busy[p])
      continue;
    w->uptime.until_ms[p] = now_ms;
    w->uptime.from_ms[p] = now_ms - period_ms[p];
    w->uptime.busy[p] = ask(w, (enum sw_uptime_period)p, 0);
  }
}

/* The rows' figures changed: repaint, and sort again if the list is
 * sorted by the column that changed. */
static void show(struct sw_main_window *w, enum sw_uptime_period period)
{
  if (w->rows.sort_column != (enum sw_rule_column)(SW_RULE_COL_UP_DAY + period)) {
    InvalidateRect(w->list, NULL, FALSE);
    return;
  }
  struct sw_main_marks marks = sw__main_list_marks(w);
  sw_rule_rows_sort(&w->rows, w->rows.sort_column, w->rows.descending);
  sw__main_list_rows_changed(w, marks, false);
}

void sw__main_uptime_done(struct sw_main_window *w, struct sw_service_job *job)
{
  enum sw_uptime_period period = (enum sw_uptime_period)(job->tag - SW_MAIN_TAG_UPTIME);
  w->uptime.busy[period] = false;
  if (job->outcome != SW_JOB_REPLIED || job->reply.frame.message != SW_PIPE_MSG_REPORT_OK)
    return; /* unreachable, refused, or older than REPORT: the next fetch */
  struct sw_report page = {0};
  bool more = false;
  int64_t last = 0;
  enum sw_error err = sw_report_read_page(job->reply.frame.body,
                                          job->reply.frame.body_len, &page, &more, &last);
  if (!err)
    sw_rule_uptime_apply(&w->rows, period, &page);
  bool moved = page.count > 0;
  sw_report_free(&page);
  if (!err && more && moved)
    w->uptime.busy[period] = ask(w, period, last);
  if (!w->uptime.busy[period])
    show(w, period); /* once per fetch, after its last page */
}
