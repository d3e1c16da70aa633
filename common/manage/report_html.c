/* The HTML form of an availability report (report_format.h): one file
 * that opens anywhere, alone: its style is inline, it loads nothing, and
 * every text from the service (rule names, hosts) is escaped, so a name
 * like "<b>&" shows as written and can never become markup. */
#include "report_format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"

static const char head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>SMTP Watch availability report</title>\n<style>\n"
    "body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#222}\n"
    "table{border-collapse:collapse;margin:1em 0}\n"
    "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}\n"
    "td.n{text-align:right}th{background:#eee}\n"
    ".bad{color:#a00}.ok{color:#060}\n"
    "</style>\n</head>\n<body>\n<h1>SMTP Watch availability report</h1>\n";

/* Appends `s` with &, <, >, " and ' escaped. */
static void text(struct sw_buf *out, enum sw_error *err, const char *s)
{
  for (const char *p = s ? s : ""; *p; p++) {
    const char *e = *p == '&'    ? "&amp;"
                    : *p == '<'  ? "&lt;"
                    : *p == '>'  ? "&gt;"
                    : *p == '"'  ? "&quot;"
                    : *p == '\'' ? "&#39;"
                                 : NULL;
    sw_buf_append_sticky(out, err, e ? e : p, e ? strlen(e) : 1);
  }
}

static void when(int64_t ms, char *out, size_t size)
{
  sw_utc_format(sw_floor_div(ms, 1000), out, size);
}

/* A cell with an escaped text, right-aligned when `number`. */
static void cell(struct sw_buf *out, enum sw_error *err, const char *s, bool number)
{
  sw_buf_printf_sticky(out, err, number ? "<td class=\"n\">" : "<td>");
  text(out, err, s);
  sw_buf_printf_sticky(out, err, "</td>");
}

static void summary(struct sw_buf *out, enum sw_error *err, const struct sw_report *r)
{
  sw_buf_printf_sticky(out, err,
                       "<h2>Summary</h2>\n<table id=\"summary\">\n<tr><th>Rule</th>"
                       "<th>Host</th><th>Uptime</th><th>Down</th><th>Maintenance</th>"
                       "<th>Unmonitored</th><th>Checks</th><th>Outages</th></tr>\n");
  for (size_t i = 0; i < r->count; i++) {
    const struct sw_pipe_availability *a = &r->rules[i];
    char up[32] = "-", host[300], d[40], m[40], u[40], n[24], o[24];
    double v;
    if (sw_avail_uptime(&a->totals, &v))
      snprintf(up, sizeof up, "%.3f %%", v);
    snprintf(host, sizeof host, "%s:%" PRId64, a->host ? a->host : "", a->port);
    sw__report_duration(sw_avail_monitored_ms(&a->totals) - a->totals.ms[SW_AVAIL_OK], d,
                        sizeof d);
    sw__report_duration(a->totals.ms[SW_AVAIL_MAINTENANCE], m, sizeof m);
    sw__report_duration(sw_avail_unmonitored_ms(&a->totals), u, sizeof u);
    snprintf(n, sizeof n, "%" PRId64, a->totals.checks);
    snprintf(o, sizeof o, "%" PRIu64, (uint64_t)a->outage_count);
    sw_buf_printf_sticky(out, err, "<tr>");
    cell(out, err, a->name, false);
    cell(out, err, host, false);
    cell(out, err, up, true);
    cell(out, err, d, true);
    cell(out, err, m, true);
    cell(out, err, u, true);
    cell(out, err, n, true);
    cell(out, err, o, true);
    sw_buf_printf_sticky(out, err, "</tr>\n");
  }
  sw_buf_printf_sticky(out, err, "</table>\n");
}

static void outages(struct sw_buf *out, enum sw_error *err, const struct sw_report *r)
{
  sw_buf_printf_sticky(out, err,
                       "<h2>Outages</h2>\n<table id=\"outages\">\n<tr><th>Rule</th>"
                       "<th>Start</th><th>End</th><th>Duration</th><th>Began with</th>"
                       "</tr>\n");
  for (size_t i = 0; i < r->count; i++)
    for (size_t k = 0; k < r->rules[i].outage_count; k++) {
      const struct sw_outage *o = &r->rules[i].outages[k];
      char s[40], e[60], d[40];
      when(o->start_ms, s, sizeof s);
      if (o->open)
        snprintf(e, sizeof e, "still open");
      else
        when(o->end_ms, e, sizeof e);
      sw__report_duration(o->end_ms - o->start_ms, d, sizeof d);
      sw_buf_printf_sticky(out, err, "<tr class=\"bad\">");
      cell(out, err, r->rules[i].name, false);
      cell(out, err, s, false);
      cell(out, err, e, false);
      cell(out, err, d, true);
      cell(out, err, sw_outcome_name(o->outcome), false);
      sw_buf_printf_sticky(out, err, "</tr>\n");
    }
  sw_buf_printf_sticky(out, err, "</table>\n");
}

static void latency(struct sw_buf *out, enum sw_error *err, const struct sw_report *r)
{
  sw_buf_printf_sticky(out, err,
                       "<h2>Response times (ms)</h2>\n<table id=\"times\">\n<tr><th>Rule"
                       "</th><th>Step</th><th>Samples</th><th>p50</th><th>p95</th>"
                       "<th>p99</th></tr>\n");
  for (size_t i = 0; i < r->count; i++)
    for (size_t k = 0; k < r->rules[i].step_count; k++) {
      const struct sw_pipe_step_latency *l = &r->rules[i].steps[k];
      char n[24], p[SW_AVAIL_PERCENTILE_COUNT][24];
      snprintf(n, sizeof n, "%" PRIu64, l->samples);
      for (int j = 0; j < SW_AVAIL_PERCENTILE_COUNT; j++)
        snprintf(p[j], sizeof p[j], "%.2f", (double)l->percentile_us[j] / 1000);
      sw_buf_printf_sticky(out, err, "<tr>");
      cell(out, err, r->rules[i].name, false);
      cell(out, err, sw_step_label(l->step), false);
      cell(out, err, n, true);
      for (int j = 0; j < SW_AVAIL_PERCENTILE_COUNT; j++)
        cell(out, err, p[j], true);
      sw_buf_printf_sticky(out, err, "</tr>\n");
    }
  sw_buf_printf_sticky(out, err, "</table>\n");
}

enum sw_error sw__report_render_html(const struct sw_report *r, struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  char a[40], b[40];
  when(r->from_ms, a, sizeof a);
  when(r->until_ms, b, sizeof b);
  sw_buf_append_sticky(out, &err, head, sizeof head - 1);
  sw_buf_printf_sticky(out, &err,
                       "<p>From %s to %s. Uptime is the time OK over the time "
                       "monitored; maintenance and unmonitored time are left "
                       "out and shown.</p>\n",
                       a, b);
  summary(out, &err, r);
  outages(out, &err, r);
  latency(out, &err, r);
  sw_buf_printf_sticky(out, &err, "</body>\n</html>\n");
  return err ? err : out->truncated ? SW_E_NOMEM : SW_E_OK;
}
