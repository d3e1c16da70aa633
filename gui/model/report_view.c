/* The report window's model (report_view.h). Figures are written as the
 * HTML report writes them (report_html.c), so the window and the file
 * it saves agree: uptime to three decimals, durations as the other
 * commands write them, times in UTC. */
#include "report_view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"

static const int64_t hour_ms = INT64_C(3600) * 1000;

static const struct {
  const char *label;
  int64_t ms;
} periods[SW_REPORT_PERIOD_COUNT] = {
    [SW_REPORT_24H] = {"Last 24 hours", 24 * hour_ms},
    [SW_REPORT_7D] = {"Last 7 days", 7 * 24 * hour_ms},
    [SW_REPORT_30D] = {"Last 30 days", 30 * 24 * hour_ms},
};

void sw_report_view_init(struct sw_report_view *v)
{
  memset(v, 0, sizeof *v);
}

void sw_report_view_free(struct sw_report_view *v)
{
  sw_report_free(&v->report);
  sw_report_view_init(v);
}

const char *sw_report_view_period_label(enum sw_report_period p)
{
  return (unsigned)p < SW_REPORT_PERIOD_COUNT ? periods[p].label : "";
}

void sw_report_view_start(struct sw_report_view *v, enum sw_report_period p,
                          int64_t now_ms)
{
  sw_report_view_free(v);
  v->period = (unsigned)p < SW_REPORT_PERIOD_COUNT ? p : SW_REPORT_24H;
  v->until_ms = now_ms;
  v->from_ms = now_ms - periods[v->period].ms;
}

void sw_report_view_request(const struct sw_report_view *v, int64_t limit,
                            struct sw_buf *fields)
{
  sw_report_put_request(fields, v->from_ms, v->until_ms, 0, v->after, limit);
}

enum sw_error sw_report_view_add_page(struct sw_report_view *v, const uint8_t *body,
                                      size_t len, bool *more)
{
  size_t before = v->report.count;
  enum sw_error err = sw_report_read_page(body, len, &v->report, more, &v->after);
  /* A page that moved nothing ends it, as smtpwatch report does. */
  *more = !err && *more && v->report.count > before;
  v->complete = !*more;
  return err;
}

size_t sw_report_view_count(const struct sw_report_view *v)
{
  return v->report.count;
}

/* Step `step`'s p95 in "12.40 ms", or "" without samples. */
static void p95(const struct sw_pipe_availability *a, enum sw_step step, char *out,
                size_t size)
{
  out[0] = '\0';
  for (size_t k = 0; k < a->step_count; k++)
    if (a->steps[k].step == step && a->steps[k].samples > 0)
      snprintf(out, size, "%.2f ms", (double)a->steps[k].percentile_us[1] / 1000);
}

void sw_report_view_cell(const struct sw_report_view *v, size_t row,
                         enum sw_report_view_column column, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  if (row >= v->report.count)
    return;
  const struct sw_pipe_availability *a = &v->report.rules[row];
  double up;
  switch (column) {
  case SW_REPORT_COL_NAME:
    snprintf(out, size, "%s", a->name ? a->name : "");
    return;
  case SW_REPORT_COL_UPTIME:
    if (sw_avail_uptime(&a->totals, &up))
      snprintf(out, size, "%.3f %%", up);
    else
      snprintf(out, size, "-");
    return;
  case SW_REPORT_COL_MONITORED:
    sw__report_duration(sw_avail_monitored_ms(&a->totals), out, size);
    return;
  case SW_REPORT_COL_MAINTENANCE:
    sw__report_duration(a->totals.ms[SW_AVAIL_MAINTENANCE], out, size);
    return;
  case SW_REPORT_COL_OUTAGES:
    snprintf(out, size, "%zu", a->outage_count);
    return;
  case SW_REPORT_COL_P95_CONNECT:
    p95(a, SW_STEP_CONNECT, out, size);
    return;
  case SW_REPORT_COL_COUNT:
    break;
  }
}

size_t sw_report_view_outage_count(const struct sw_report_view *v, size_t row)
{
  return row < v->report.count ? v->report.rules[row].outage_count : 0;
}

static void when(int64_t ms, char *out, size_t size)
{
  sw_utc_format(sw_floor_div(ms, 1000), out, size);
}

void sw_report_view_outage_cell(const struct sw_report_view *v, size_t row, size_t k,
                                enum sw_report_outage_column column, char *out,
                                size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  if (k >= sw_report_view_outage_count(v, row))
    return;
  const struct sw_outage *o = &v->report.rules[row].outages[k];
  switch (column) {
  case SW_OUTAGE_COL_START:
    when(o->start_ms, out, size);
    return;
  case SW_OUTAGE_COL_END:
    if (o->open)
      snprintf(out, size, "still open");
    else
      when(o->end_ms, out, size);
    return;
  case SW_OUTAGE_COL_DURATION:
    sw__report_duration(o->end_ms - o->start_ms, out, size);
    return;
  case SW_OUTAGE_COL_OUTCOME:
    snprintf(out, size, "%s", sw_outcome_name(o->outcome));
    return;
  case SW_OUTAGE_COL_COUNT:
    break;
  }
}

void sw_report_view_summary(const struct sw_report_view *v, char *out, size_t size)
{
  char a[40], b[40];
  /* The service's period (whole hours) once a page came; what was asked
   * before. */
  bool answered = v->report.until_ms > 0;
  when(answered ? v->report.from_ms : v->from_ms, a, sizeof a);
  when(answered ? v->report.until_ms : v->until_ms, b, sizeof b);
  size_t n = v->report.count;
  snprintf(out, size, "%zu rule%s from %s to %s%s%s%s", n, n == 1 ? "" : "s", a, b,
           v->complete ? "." : " (reading...)", v->report.note ? " Note: " : "",
           v->report.note ? v->report.note : "");
}

enum sw_error sw_report_view_html(const struct sw_report_view *v, struct sw_buf *out)
{
  return sw_report_render(&v->report, SW_REPORT_HTML, out);
}
