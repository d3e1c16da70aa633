/* The report window without a window: the periods it offers and the
 * request each sends, pages read until the last one, the table's and the
 * outages' cells as a user reads them, and the HTML it saves, which is
 * byte for byte what `smtpwatch report --html` renders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"
#include "pipe_report.h"
#include "report_view.h"

#define NOW 1765152000000LL /* 2025-12-08T00:00:00Z */
#define HOUR 3600000LL

/* One rule's figures: 23 h OK, 30 min down, 30 min maintenance, one
 * outage refused at 19:00, connect p95 1.9 ms. */
static void sample(struct sw_pipe_availability *a, struct sw_outage *o, int64_t id,
                   const char *name)
{
  *o = (struct sw_outage){.start_ms = NOW - 5 * HOUR,
                          .end_ms = NOW - 5 * HOUR + HOUR / 2,
                          .outcome = SW_OUTCOME_REFUSED};
  *a = (struct sw_pipe_availability){
      .rule_id = id,
      .name = (char *)name,
      .host = "mx.example.com",
      .port = 25,
      .totals = {.period_ms = 24 * HOUR, .checks = 1440},
      .outages = o,
      .outage_count = 1,
      .steps = {{SW_STEP_CONNECT, 1440, {1500, 1900, 2000}}},
      .step_count = 1,
  };
  a->totals.ms[SW_AVAIL_OK] = 23 * HOUR;
  a->totals.ms[SW_AVAIL_CRITICAL] = a->totals.ms[SW_AVAIL_MAINTENANCE] = HOUR / 2;
}

/* A REPORT_OK body with rule `id` ("mx<id>"), and MORE if `more`. */
static void page(struct sw_buf *body, int64_t id, bool more)
{
  struct sw_pipe_availability a;
  struct sw_outage o;
  char name[16];
  snprintf(name, sizeof name, "mx%lld", (long long)id);
  sample(&a, &o, id, name);
  sw_buf_init(body, 0);
  sw_tlv_put_int(body, SW_PIPE_TAG_REPORT_FROM, NOW - 24 * HOUR);
  sw_tlv_put_int(body, SW_PIPE_TAG_REPORT_UNTIL, NOW);
  sw_pipe_put_availability(body, &a);
  if (more)
    sw_tlv_put_bool(body, SW_PIPE_TAG_MORE, true);
}

/* The value of int field `tag` in a request, or -1. */
static int64_t field(const struct sw_buf *fields, uint16_t tag)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, (const uint8_t *)fields->data, fields->len);
  while (sw_tlv_next(&rd, &f))
    if (f.type == SW_TLV_INT && f.tag == tag)
      return f.i;
  return -1;
}

static void add(struct sw_report_view *v, int64_t id, bool more_sent, bool more_expected)
{
  struct sw_buf body;
  bool more = !more_expected;
  page(&body, id, more_sent);
  assert_int_equal(
      sw_report_view_add_page(v, (const uint8_t *)body.data, body.len, &more), SW_E_OK);
  assert_int_equal(more, more_expected);
  sw_buf_free(&body);
}

/* A view started on `p` at NOW. */
static void begin(struct sw_report_view *v, enum sw_report_period p)
{
  sw_report_view_init(v);
  sw_report_view_start(v, p, NOW);
}

static void periods_and_their_requests(void **state)
{
  (void)state;
  struct sw_report_view v;
  sw_report_view_init(&v);
  assert_string_equal(sw_report_view_period_label(SW_REPORT_7D), "Last 7 days");
  assert_string_equal(sw_report_view_period_label(SW_REPORT_PERIOD_COUNT), "");
  sw_report_view_start(&v, SW_REPORT_30D, NOW);
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_report_view_request(&v, 500, &fields);
  assert_true(field(&fields, SW_PIPE_TAG_REPORT_FROM) == NOW - 30 * 24 * HOUR);
  assert_true(field(&fields, SW_PIPE_TAG_REPORT_UNTIL) == NOW);
  assert_int_equal(field(&fields, SW_PIPE_TAG_AFTER), 0);
  assert_int_equal(field(&fields, SW_PIPE_TAG_LIMIT), 500);
  assert_int_equal(field(&fields, SW_PIPE_TAG_RULE_ID), -1); /* every rule */
  /* After a page, the next asks for the rules after its last. */
  add(&v, 4, true, true);
  fields.len = 0;
  sw_report_view_request(&v, 500, &fields);
  assert_int_equal(field(&fields, SW_PIPE_TAG_AFTER), 4);
  assert_false(v.complete);
  /* An unknown choice is the first one; a new start forgets the report. */
  sw_report_view_start(&v, (enum sw_report_period)9, NOW);
  assert_int_equal(v.period, SW_REPORT_24H);
  assert_int_equal(sw_report_view_count(&v), 0);
  assert_true(v.from_ms == NOW - 24 * HOUR);
  sw_buf_free(&fields);
  sw_report_view_free(&v);
}

static void pages_fill_the_table_and_outages(void **state)
{
  (void)state;
  struct sw_report_view v;
  begin(&v, SW_REPORT_24H);
  add(&v, 3, true, true);
  add(&v, 8, false, false);
  assert_true(v.complete);
  assert_int_equal(sw_report_view_count(&v), 2);
  char text[128];
  const struct {
    enum sw_report_view_column col;
    const char *want;
  } cells[] = {
      {SW_REPORT_COL_NAME, "mx8"},
      {SW_REPORT_COL_UPTIME, "97.872 %"},
      {SW_REPORT_COL_MONITORED, "23 h 30 min"},
      {SW_REPORT_COL_MAINTENANCE, "30 min 0 s"},
      {SW_REPORT_COL_OUTAGES, "1"},
      {SW_REPORT_COL_P95_CONNECT, "1.90 ms"},
  };
  for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
    sw_report_view_cell(&v, 1, cells[i].col, text, sizeof text);
    assert_string_equal(text, cells[i].want);
  }
  sw_report_view_cell(&v, 2, SW_REPORT_COL_NAME, text, sizeof text);
  assert_string_equal(text, "");
  assert_int_equal(sw_report_view_outage_count(&v, 0), 1);
  assert_int_equal(sw_report_view_outage_count(&v, 5), 0);
  sw_report_view_outage_cell(&v, 0, 0, SW_OUTAGE_COL_START, text, sizeof text);
  assert_string_equal(text, "2025-12-07 19:00:00 UTC");
  sw_report_view_outage_cell(&v, 0, 0, SW_OUTAGE_COL_END, text, sizeof text);
  assert_string_equal(text, "2025-12-07 19:30:00 UTC");
  sw_report_view_outage_cell(&v, 0, 0, SW_OUTAGE_COL_DURATION, text, sizeof text);
  assert_string_equal(text, "30 min 0 s");
  sw_report_view_outage_cell(&v, 0, 0, SW_OUTAGE_COL_OUTCOME, text, sizeof text);
  assert_string_equal(text, sw_outcome_name(SW_OUTCOME_REFUSED));
  sw_report_view_summary(&v, text, sizeof text);
  assert_string_equal(text,
                      "2 rules from 2025-12-07 00:00:00 UTC to 2025-12-08 00:00:00 UTC.");
  /* After an upgrade, while the old results' rollups are being built. */
  static const char note[] = "rollups being built (40 %)";
  v.report.note = malloc(sizeof note); /* owned by the report */
  assert_non_null(v.report.note);
  memcpy(v.report.note, note, sizeof note);
  char longer[160];
  sw_report_view_summary(&v, longer, sizeof longer);
  assert_string_equal(longer,
                      "2 rules from 2025-12-07 00:00:00 UTC to 2025-12-08 00:00:00 "
                      "UTC. Note: rollups being built (40 %)");
  sw_report_view_free(&v);
}

static void a_rule_with_nothing_monitored_says_so(void **state)
{
  (void)state;
  struct sw_pipe_availability a;
  struct sw_outage o;
  sample(&a, &o, 1, "new");
  memset(&a.totals.ms, 0, sizeof a.totals.ms);
  a.outage_count = 0;
  a.step_count = 0;
  struct sw_report_view v;
  sw_report_view_init(&v);
  v.report = (struct sw_report){
      .from_ms = NOW - 24 * HOUR, .until_ms = NOW, .rules = &a, .count = 1};
  char text[64];
  sw_report_view_cell(&v, 0, SW_REPORT_COL_UPTIME, text, sizeof text);
  assert_string_equal(text, "-");
  sw_report_view_cell(&v, 0, SW_REPORT_COL_P95_CONNECT, text, sizeof text);
  assert_string_equal(text, "");
}

static void a_malformed_page_ends_the_report(void **state)
{
  (void)state;
  struct sw_report_view v;
  begin(&v, SW_REPORT_7D);
  struct sw_buf body;
  page(&body, 2, true);
  bool more = true;
  assert_int_not_equal(
      sw_report_view_add_page(&v, (const uint8_t *)body.data, body.len - 3, &more),
      SW_E_OK);
  assert_false(more);
  assert_true(v.complete);
  sw_buf_free(&body);
  sw_report_view_free(&v);
}

static void the_saved_html_is_the_cli_s(void **state)
{
  (void)state;
  struct sw_report_view v;
  begin(&v, SW_REPORT_24H);
  add(&v, 5, false, false);
  struct sw_buf mine, cli;
  sw_buf_init(&mine, 0);
  sw_buf_init(&cli, 0);
  assert_int_equal(sw_report_view_html(&v, &mine), SW_E_OK);
  assert_int_equal(sw_report_render(&v.report, SW_REPORT_HTML, &cli), SW_E_OK);
  assert_int_equal(mine.len, cli.len);
  assert_memory_equal(mine.data, cli.data, cli.len);
  assert_non_null(strstr(sw_buf_str(&mine), "<td>mx5</td>"));
  assert_non_null(strstr(sw_buf_str(&mine), "<!DOCTYPE html>"));
  sw_buf_free(&mine);
  sw_buf_free(&cli);
  sw_report_view_free(&v);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(periods_and_their_requests),
      cmocka_unit_test(pages_fill_the_table_and_outages),
      cmocka_unit_test(a_rule_with_nothing_monitored_says_so),
      cmocka_unit_test(a_malformed_page_ends_the_report),
      cmocka_unit_test(the_saved_html_is_the_cli_s),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
