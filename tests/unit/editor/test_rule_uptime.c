/* The rule list's "24 h" and "7 d" columns without a window: the figure
 * of a rule's totals (rounded down, none without monitored time), its
 * text, a REPORT page put into the rows, the figures kept across a
 * refresh that replaces the rows, and the columns' sort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rule_uptime.h"

/* A row for rule `id` named `name`, made as the editor makes it. */
static void make_row(struct sw_rule_row *row, int64_t id, const char *name)
{
  struct sw_pipe_status s;
  sw_pipe_status_init(&s);
  s.rule_id = id;
  s.name = (char *)name;
  s.host = (char *)"mail.example.com";
  s.port = 25;
  s.enabled = true;
  assert_int_equal(sw_rule_row_from_status(row, &s), SW_E_OK);
}

/* Rows for rules 1..n, handed to the list. */
static void load(struct sw_rule_rows *r, size_t n)
{
  struct sw_rule_row *rows = calloc(n, sizeof *rows);
  assert_non_null(rows);
  for (size_t i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "Relay %zu", i + 1);
    make_row(&rows[i], (int64_t)i + 1, name);
  }
  assert_int_equal(sw_rule_rows_replace(r, rows, n), SW_E_OK);
}

/* Totals of `ok_ms` OK and `down_ms` CRITICAL over a day. */
static struct sw_avail_totals totals(int64_t ok_ms, int64_t down_ms)
{
  struct sw_avail_totals t = {.period_ms = 86400000};
  t.ms[SW_AVAIL_OK] = ok_ms;
  t.ms[SW_AVAIL_CRITICAL] = down_ms;
  return t;
}

/* What rule `id`'s cell in `column` says. */
static const char *cell(const struct sw_rule_rows *r, int64_t id, enum sw_rule_column c)
{
  static char text[64];
  size_t row = SIZE_MAX;
  if (!sw_rule_rows_find(r, id, &row))
    fail_msg("no row for rule %lld", (long long)id);
  sw_rule_rows_cell(r, row, c, text, sizeof text);
  return text;
}

static void the_figure_rounds_down_and_none_without_monitored_time(void **state)
{
  (void)state;
  struct sw_avail_totals t = totals(86400000 - 60000, 60000); /* 99.9305 % */
  assert_int_equal(sw_uptime_of(&t), 9993);
  t = totals(86400000 - 1, 1); /* down 1 ms: not 100.00 % */
  assert_int_equal(sw_uptime_of(&t), 9999);
  t = totals(86400000, 0);
  assert_int_equal(sw_uptime_of(&t), 10000);
  t = totals(0, 3600000);
  assert_int_equal(sw_uptime_of(&t), 0);
  t = totals(0, 0);
  t.ms[SW_AVAIL_MAINTENANCE] = 86400000; /* all maintenance: nothing monitored */
  assert_int_equal(sw_uptime_of(&t), SW_UPTIME_NONE);

  char text[32];
  sw_uptime_text(9993, text, sizeof text);
  assert_string_equal(text, "99.93 %");
  sw_uptime_text(10000, text, sizeof text);
  assert_string_equal(text, "100.00 %");
  sw_uptime_text(5, text, sizeof text);
  assert_string_equal(text, "0.05 %");
  sw_uptime_text(SW_UPTIME_NONE, text, sizeof text);
  assert_string_equal(text, "\xE2\x80\x94");
}

static void a_page_fills_the_rows_and_a_refresh_keeps_them(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, NULL);
  load(&r, 3);
  /* Before any report: a dash in both columns. */
  assert_string_equal(cell(&r, 2, SW_RULE_COL_UP_DAY), "\xE2\x80\x94");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_UP_WEEK), "\xE2\x80\x94");

  struct sw_pipe_availability rules[] = {
      {.rule_id = 2, .totals = totals(86400000 - 60000, 60000)},
      {.rule_id = 3, .totals = totals(86400000, 0)},
      {.rule_id = 9, .totals = totals(86400000, 0)}, /* deleted since: no row */
  };
  struct sw_report page = {.rules = rules, .count = 3};
  assert_int_equal(sw_rule_uptime_apply(&r, SW_UPTIME_DAY, &page), 2);
  assert_string_equal(cell(&r, 2, SW_RULE_COL_UP_DAY), "99.93 %");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_UP_DAY), "100.00 %");
  assert_string_equal(cell(&r, 1, SW_RULE_COL_UP_DAY), "\xE2\x80\x94");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_UP_WEEK), "\xE2\x80\x94");
  assert_int_equal(sw_rule_uptime_apply(&r, SW_UPTIME_PERIOD_COUNT, &page), 0);

  /* The 5 s refresh replaces every row (and adds rule 4): the figures
   * stay with their rules. */
  load(&r, 4);
  assert_string_equal(cell(&r, 2, SW_RULE_COL_UP_DAY), "99.93 %");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_UP_DAY), "100.00 %");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_UP_DAY), "\xE2\x80\x94");
  sw_rule_rows_free(&r);
}

/* Whether the rows show rules `want[0..n)` top to bottom. */
static bool in_order(const struct sw_rule_rows *r, const int64_t *want, size_t n)
{
  bool same = sw_rule_rows_count(r) == n;
  for (size_t row = 0; same && row < n; row++)
    same = sw_rule_rows_at(r, row)->rule_id == want[row];
  return same;
}

static void the_columns_sort_with_no_figure_first(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, NULL);
  load(&r, 4);
  struct sw_pipe_availability rules[] = {
      {.rule_id = 1, .totals = totals(86400000, 0)},
      {.rule_id = 2, .totals = totals(43200000, 43200000)},
      {.rule_id = 4, .totals = totals(86400000 - 60000, 60000)},
  };
  struct sw_report page = {.rules = rules, .count = 3};
  sw_rule_uptime_apply(&r, SW_UPTIME_WEEK, &page);
  sw_rule_rows_sort(&r, SW_RULE_COL_UP_WEEK, false);
  assert_true(in_order(&r, (const int64_t[]){3, 2, 4, 1}, 4));
  sw_rule_rows_sort(&r, SW_RULE_COL_UP_WEEK, true);
  assert_true(in_order(&r, (const int64_t[]){1, 4, 2, 3}, 4));
  /* The 24 h column has no figures: rule id order both ways. */
  sw_rule_rows_sort(&r, SW_RULE_COL_UP_DAY, true);
  assert_true(in_order(&r, (const int64_t[]){1, 2, 3, 4}, 4));
  sw_rule_rows_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_figure_rounds_down_and_none_without_monitored_time),
      cmocka_unit_test(a_page_fills_the_rows_and_a_refresh_keeps_them),
      cmocka_unit_test(the_columns_sort_with_no_figure_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
