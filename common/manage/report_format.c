/* Renders an availability report (report_format.h). Every format shows the
 * same figures; text and HTML round for people, JSON and CSV keep seconds
 * and milliseconds. */
#include "report_format.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "json_writer.h"
#include "manage_view.h"
#include "sw_macros.h"

void sw_report_free(struct sw_report *r)
{
  for (size_t i = 0; i < r->count; i++)
    sw_pipe_availability_free(&r->rules[i]);
  free(r->rules);
  free(r->note);
  memset(r, 0, sizeof *r);
}

void sw__report_duration(int64_t ms, char *out, size_t size)
{
  sw_manage_duration_text(ms / 1000, out, size);
}

static void when(int64_t ms, char *out, size_t size)
{
  sw_utc_format(sw_floor_div(ms, 1000), out, size);
}

static void when_iso(int64_t ms, char *out, size_t size)
{
  sw_utc_format_iso(sw_floor_div(ms, 1000), out, size);
}

/* "99.412 %" or "-" when nothing was monitored. */
static void uptime_text(const struct sw_avail_totals *t, char *out, size_t size)
{
  double up;
  if (sw_avail_uptime(t, &up))
    snprintf(out, size, "%.3f %%", up);
  else
    snprintf(out, size, "-");
}

static int64_t down_ms(const struct sw_avail_totals *t)
{
  return sw_avail_monitored_ms(t) - t->ms[SW_AVAIL_OK];
}

/* "1.52/1.90/2.01" (ms), or "-" for a step without samples. */
static void percentiles_text(const struct sw_pipe_availability *a, enum sw_step step,
                             char *out, size_t size)
{
  snprintf(out, size, "-");
  for (size_t i = 0; i < a->step_count; i++)
    if (a->steps[i].step == step) {
      const int64_t *p = a->steps[i].percentile_us;
      snprintf(out, size, "%.2f/%.2f/%.2f", (double)p[0] / 1000, (double)p[1] / 1000,
               (double)p[2] / 1000);
    }
}

static void outage_line(struct sw_buf *out, enum sw_error *err, const char *rule,
                        const struct sw_outage *o)
{
  char a[40], b[40], d[40];
  when(o->start_ms, a, sizeof a);
  when(o->end_ms, b, sizeof b);
  sw__report_duration(o->end_ms - o->start_ms, d, sizeof d);
  sw_buf_printf_sticky(out, err, "  %s: %s%s .. %s (%s%s), began with %s\n", rule,
                       o->began_before ? "before the period, " : "", a,
                       o->open ? "still open at the period's end" : b, d,
                       o->open ? " so far" : "", sw_outcome_name(o->outcome));
}

static enum sw_error render_text(const struct sw_report *r, struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  char a[40], b[40];
  when(r->from_ms, a, sizeof a);
  when(r->until_ms, b, sizeof b);
  sw_buf_printf_sticky(out, &err, "Availability from %s to %s\n\n", a, b);
  sw_buf_printf_sticky(out, &err, "%-24s %10s %12s %12s %12s %7s %7s  %s\n", "Rule",
                       "Uptime", "Down", "Maintenance", "Unmonitored", "Checks",
                       "Outages", "Connect p50/p95/p99 ms");
  for (size_t i = 0; i < r->count; i++) {
    const struct sw_pipe_availability *x = &r->rules[i];
    char up[24], dn[24], mt[24], um[24], conn[64];
    uptime_text(&x->totals, up, sizeof up);
    sw__report_duration(down_ms(&x->totals), dn, sizeof dn);
    sw__report_duration(x->totals.ms[SW_AVAIL_MAINTENANCE], mt, sizeof mt);
    sw__report_duration(sw_avail_unmonitored_ms(&x->totals), um, sizeof um);
    percentiles_text(x, SW_STEP_CONNECT, conn, sizeof conn);
    sw_buf_printf_sticky(out, &err,
                         "%-24s %10s %12s %12s %12s %7" PRId64 " %7" PRIu64 "  %s\n",
                         x->name ? x->name : "", up, dn, mt, um, x->totals.checks,
                         (uint64_t)x->outage_count, conn);
  }
  bool any = false;
  for (size_t i = 0; i < r->count; i++)
    for (size_t k = 0; k < r->rules[i].outage_count; k++) {
      if (!any)
        sw_buf_printf_sticky(out, &err, "\nOutages:\n");
      any = true;
      outage_line(out, &err, r->rules[i].name ? r->rules[i].name : "",
                  &r->rules[i].outages[k]);
    }
  if (!any)
    sw_buf_printf_sticky(out, &err, "\nNo outages.\n");
  return err ? err : out->truncated ? SW_E_NOMEM : SW_E_OK;
}

static void json_ms(struct sw_json *j, const char *key, int64_t ms)
{
  sw_json_key(j, key);
  sw_json_decimal(j, (double)ms / 1000, 3);
}

static void json_outage(struct sw_json *j, const struct sw_outage *o)
{
  char t[40];
  sw_json_begin_object(j);
  when_iso(o->start_ms, t, sizeof t);
  sw_json_member_string(j, "start", t);
  when_iso(o->end_ms, t, sizeof t);
  sw_json_member_string(j, "end", t);
  json_ms(j, "duration_s", o->end_ms - o->start_ms);
  sw_json_member_string(j, "outcome", sw_outcome_name(o->outcome));
  sw_json_member_bool(j, "open", o->open);
  sw_json_member_bool(j, "began_before_period", o->began_before);
  sw_json_end_object(j);
}

static void json_steps(struct sw_json *j, const struct sw_pipe_availability *a)
{
  static const char *const keys[SW_AVAIL_PERCENTILE_COUNT] = {"p50_ms", "p95_ms",
                                                              "p99_ms"};
  sw_json_key(j, "response_times");
  sw_json_begin_array(j);
  for (size_t i = 0; i < a->step_count; i++) {
    sw_json_begin_object(j);
    sw_json_member_string(j, "step", sw_step_name(a->steps[i].step));
    sw_json_member_int(j, "samples", (int64_t)a->steps[i].samples);
    for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++) {
      sw_json_key(j, keys[p]);
      sw_json_decimal(j, (double)a->steps[i].percentile_us[p] / 1000, 3);
    }
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
}

static void json_rule(struct sw_json *j, const struct sw_pipe_availability *a)
{
  const struct sw_avail_totals *t = &a->totals;
  sw_json_begin_object(j);
  sw_json_member_int(j, "id", a->rule_id);
  sw_json_member_string(j, "name", a->name ? a->name : "");
  sw_json_member_string(j, "host", a->host ? a->host : "");
  sw_json_member_int(j, "port", a->port);
  double up;
  sw_json_key(j, "uptime_percent");
  if (sw_avail_uptime(t, &up))
    sw_json_decimal(j, up, 4);
  else
    sw_json_null(j);
  json_ms(j, "monitored_s", sw_avail_monitored_ms(t));
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++) {
    char key[32];
    snprintf(key, sizeof key, "%s_s", sw_avail_kind_name((enum sw_avail_kind)k));
    json_ms(j, key, t->ms[k]);
  }
  json_ms(j, "unmonitored_s", sw_avail_unmonitored_ms(t));
  sw_json_member_int(j, "checks", t->checks);
  sw_json_key(j, "outages");
  sw_json_begin_array(j);
  for (size_t i = 0; i < a->outage_count; i++)
    json_outage(j, &a->outages[i]);
  sw_json_end_array(j);
  json_steps(j, a);
  sw_json_end_object(j);
}

static enum sw_error render_json(const struct sw_report *r, struct sw_buf *out)
{
  struct sw_json j;
  sw_json_init(&j, out);
  char t[40];
  sw_json_begin_object(&j);
  when_iso(r->from_ms, t, sizeof t);
  sw_json_member_string(&j, "from", t);
  when_iso(r->until_ms, t, sizeof t);
  sw_json_member_string(&j, "until", t);
  sw_json_key(&j, "rules");
  sw_json_begin_array(&j);
  for (size_t i = 0; i < r->count; i++)
    json_rule(&j, &r->rules[i]);
  sw_json_end_array(&j);
  sw_json_end_object(&j);
  enum sw_error err = sw_json_finish(&j);
  if (!err)
    err = sw_buf_appends(out, "\n");
  return err;
}

/* One CSV field (RFC 4180), then `after`: quoted when it holds a comma, a
 * quote or a line break, its quotes doubled. */
static void csv_field(struct sw_buf *out, enum sw_error *err, const char *s,
                      const char *after)
{
  bool quote = strpbrk(s, ",\"\r\n") != NULL;
  if (quote) {
    sw_buf_append_sticky(out, err, "\"", 1);
    for (const char *p = s; *p; p++)
      sw_buf_append_sticky(out, err, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
    sw_buf_append_sticky(out, err, "\"", 1);
  } else {
    sw_buf_append_sticky(out, err, s, strlen(s));
  }
  sw_buf_append_sticky(out, err, after, strlen(after));
}

static void csv_header(struct sw_buf *out, enum sw_error *err)
{
  static const char *const fixed[] = {"rule_id",        "name",       "host",
                                      "port",           "from",       "until",
                                      "uptime_percent", "monitored_s"};
  for (size_t i = 0; i < SW_COUNTOF(fixed); i++)
    csv_field(out, err, fixed[i], ",");
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    sw_buf_printf_sticky(out, err, "%s_s,", sw_avail_kind_name((enum sw_avail_kind)k));
  sw_buf_printf_sticky(out, err, "unmonitored_s,checks,outages,outage_list");
  for (int s = 0; s < SW_STEP_COUNT; s++)
    sw_buf_printf_sticky(out, err, ",%s_p50_ms,%s_p95_ms,%s_p99_ms",
                         sw_step_name((enum sw_step)s), sw_step_name((enum sw_step)s),
                         sw_step_name((enum sw_step)s));
  sw_buf_printf_sticky(out, err, "\r\n");
}

/* "2026-12-03T04:50:01Z..2026-12-03T05:10:01Z connection_refused; ..." */
static void csv_outages(struct sw_buf *out, enum sw_error *err,
                        const struct sw_pipe_availability *a)
{
  struct sw_buf list;
  sw_buf_init(&list, 0);
  for (size_t i = 0; i < a->outage_count; i++) {
    char s[40], e[40];
    when_iso(a->outages[i].start_ms, s, sizeof s);
    when_iso(a->outages[i].end_ms, e, sizeof e);
    sw_buf_printf_sticky(&list, err, "%s%s..%s %s%s", i ? "; " : "", s,
                         a->outages[i].open ? "open" : e,
                         sw_outcome_name(a->outages[i].outcome),
                         a->outages[i].began_before ? " (began before)" : "");
  }
  csv_field(out, err, sw_buf_str(&list), "");
  sw_buf_free(&list);
}

static void csv_rule(struct sw_buf *out, enum sw_error *err, const struct sw_report *r,
                     const struct sw_pipe_availability *a)
{
  char from[40], until[40], up[32] = "";
  when_iso(r->from_ms, from, sizeof from);
  when_iso(r->until_ms, until, sizeof until);
  double u;
  if (sw_avail_uptime(&a->totals, &u))
    snprintf(up, sizeof up, "%.4f", u);
  sw_buf_printf_sticky(out, err, "%" PRId64 ",", a->rule_id);
  csv_field(out, err, a->name ? a->name : "", ",");
  csv_field(out, err, a->host ? a->host : "", ",");
  sw_buf_printf_sticky(out, err, "%" PRId64 ",%s,%s,%s,%.3f,", a->port, from, until, up,
                       (double)sw_avail_monitored_ms(&a->totals) / 1000);
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    sw_buf_printf_sticky(out, err, "%.3f,", (double)a->totals.ms[k] / 1000);
  sw_buf_printf_sticky(out, err, "%.3f,%" PRId64 ",%" PRIu64 ",",
                       (double)sw_avail_unmonitored_ms(&a->totals) / 1000,
                       a->totals.checks, (uint64_t)a->outage_count);
  csv_outages(out, err, a);
  for (int s = 0; s < SW_STEP_COUNT; s++) {
    const struct sw_pipe_step_latency *l = NULL;
    for (size_t i = 0; i < a->step_count; i++)
      if (a->steps[i].step == (enum sw_step)s)
        l = &a->steps[i];
    for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++)
      if (l)
        sw_buf_printf_sticky(out, err, ",%.3f", (double)l->percentile_us[p] / 1000);
      else
        sw_buf_printf_sticky(out, err, ",");
  }
  sw_buf_printf_sticky(out, err, "\r\n");
}

static enum sw_error render_csv(const struct sw_report *r, struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  csv_header(out, &err);
  for (size_t i = 0; i < r->count; i++)
    csv_rule(out, &err, r, &r->rules[i]);
  return err ? err : out->truncated ? SW_E_NOMEM : SW_E_OK;
}

/* report_html.c */
enum sw_error sw__report_render_html(const struct sw_report *r, struct sw_buf *out);

enum sw_error sw_report_render(const struct sw_report *r, enum sw_report_format format,
                               struct sw_buf *out)
{
  switch (format) {
  case SW_REPORT_JSON:
    return render_json(r, out);
  case SW_REPORT_CSV:
    return render_csv(r, out);
  case SW_REPORT_HTML:
    return sw__report_render_html(r, out);
  default:
    return render_text(r, out);
  }
}
