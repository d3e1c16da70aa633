/* The history chart's layout as a user reads it: a value axis with round
 * 1-2-5 steps and labels in ms or s, the oldest result on the left, the
 * line broken at failures, failures and slow outliers on the top edge
 * instead of flattening the rest, time ticks at round local times (also
 * across midnight, in a half-hour time zone and over a daylight-saving
 * change), and the odd cases: no result, one, all equal, a window too
 * small, garbage values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cert_expiry.h"
#include "history_chart.h"

/* 2024-05-01 12:03:22 UTC */
#define T0 INT64_C(1714565002000)
#define MIN INT64_C(60000)
#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)
#define MS INT64_C(1000)

static void local_with_offset(int64_t unix_ms, int64_t offset_s, char *out, size_t size)
{
  char text[40];
  int64_t s = unix_ms / 1000 - (unix_ms % 1000 < 0);
  sw_utc_format(s + offset_s, text, sizeof text);
  text[19] = '\0'; /* drop " UTC" */
  snprintf(out, size, "%s", text);
}

/* Two hours east of UTC. */
static void local_plus_two(int64_t unix_ms, char *out, size_t size)
{
  local_with_offset(unix_ms, 7200, out, size);
}

/* India: five and a half hours east. */
static void local_india(int64_t unix_ms, char *out, size_t size)
{
  local_with_offset(unix_ms, 19800, out, size);
}

/* Central Europe around 2024-03-31 01:00 UTC, when clocks went from 02:00
 * to 03:00. */
#define DST_SWITCH INT64_C(1711846800000)
static void local_europe(int64_t unix_ms, char *out, size_t size)
{
  local_with_offset(unix_ms, unix_ms < DST_SWITCH ? 3600 : 7200, out, size);
}

/* A 600 x 300 plot at (40, 10); grid lines 40 px apart at least (7 steps
 * fit), time labels 60 px (10 fit). */
static struct sw_history_layout layout(sw_history_time_fn local_time)
{
  struct sw_history_layout l = {{40, 10, 640, 310}, 40, 60, 0, local_time};
  return l;
}

static struct sw_history_sample ok(int64_t at_ms, int64_t us)
{
  return (struct sw_history_sample){at_ms, us, false, false};
}

static struct sw_history_sample failed(int64_t at_ms, int64_t us)
{
  return (struct sw_history_sample){at_ms, us, true, false};
}

static void assert_y_labels(const struct sw_history_chart *c, const char *const *want,
                            size_t n)
{
  assert_int_equal(c->y_tick_count, n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(c->y_ticks[i].label, want[i]);
  /* 0 on the bottom row of the plot, the top of the scale on its top row */
  assert_int_equal(c->y_ticks[0].pos, 309);
  assert_int_equal(c->y_ticks[n - 1].pos, 10);
}

static void test_no_results(void **state)
{
  (void)state;
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, NULL, 0, &l), SW_E_OK);
  assert_int_equal(c.point_count, 0);
  assert_int_equal(c.run_count, 0);
  assert_int_equal(c.x_tick_count, 0);
  assert_int_equal(c.y_max_us, 100000);
  static const char *const labels[] = {"0", "20 ms", "40 ms", "60 ms", "80 ms", "100 ms"};
  assert_y_labels(&c, labels, 6);
  assert_int_equal(sw_history_chart_hit(&c, 100, 100, 50), SIZE_MAX);
  sw_history_chart_free(&c);
}

static void test_nice_scale_in_ms(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 100 * MS), ok(T0 + MIN, 230 * MS),
                                  ok(T0 + 2 * MIN, 150 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  /* 230 ms and a tenth of headroom fit in 6 steps of 50 ms */
  assert_int_equal(c.y_max_us, 300000);
  static const char *const labels[] = {"0",      "50 ms",  "100 ms", "150 ms",
                                       "200 ms", "250 ms", "300 ms"};
  assert_y_labels(&c, labels, 7);
  /* 230 of 300 ms: 229 of the 299 rows above the bottom one */
  assert_int_equal(c.points[1].y, 309 - 229);
  assert_true(c.points[1].y > 10);
  sw_history_chart_free(&c);
}

static void test_scale_in_seconds_and_below_a_millisecond(void **state)
{
  (void)state;
  struct sw_history_layout l = layout(NULL);
  struct sw_history_chart c;
  struct sw_history_sample slow[] = {ok(T0, 900 * MS), ok(T0 + MIN, 1400 * MS)};
  assert_int_equal(sw_history_chart_build(&c, slow, 2, &l), SW_E_OK);
  static const char *const seconds[] = {"0", "0.5 s", "1 s", "1.5 s", "2 s"};
  assert_y_labels(&c, seconds, 5);
  sw_history_chart_free(&c);

  struct sw_history_sample fast[] = {ok(T0, 300), ok(T0 + MIN, 250)};
  assert_int_equal(sw_history_chart_build(&c, fast, 2, &l), SW_E_OK);
  static const char *const fractions[] = {"0",      "0.2 ms", "0.4 ms",
                                          "0.6 ms", "0.8 ms", "1 ms"};
  assert_y_labels(&c, fractions, 6);
  sw_history_chart_free(&c);
}

static void test_all_equal_values_sit_inside(void **state)
{
  (void)state;
  struct sw_history_sample s[10];
  for (int i = 0; i < 10; i++)
    s[i] = ok(T0 + i * MIN, 5 * MS);
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 10, &l), SW_E_OK);
  assert_int_equal(c.y_max_us, 6000);
  for (size_t i = 0; i < 10; i++) {
    assert_int_equal(c.points[i].y, c.points[0].y);
    assert_int_equal(c.points[i].mark, SW_HISTORY_MARK_LINE);
  }
  assert_true(c.points[0].y > 10 && c.points[0].y < 309);
  assert_int_equal(c.run_count, 1);
  assert_int_equal(c.runs[0].count, 10);
  sw_history_chart_free(&c);
}

static void test_oldest_on_the_left(void **state)
{
  (void)state;
  /* newest first, as the service sends them */
  struct sw_history_sample s[] = {ok(T0 + 2 * MIN, 10 * MS), ok(T0 + MIN, 12 * MS),
                                  ok(T0, 11 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  assert_int_equal(c.from_ms, T0);
  assert_int_equal(c.to_ms, T0 + 2 * MIN);
  assert_int_equal(c.points[0].sample, 2);
  assert_int_equal(c.points[0].x, 40);
  assert_int_equal(c.points[1].sample, 1);
  assert_int_equal(c.points[1].x, 340);
  assert_int_equal(c.points[2].sample, 0);
  assert_int_equal(c.points[2].x, 639);
  sw_history_chart_free(&c);
}

static void test_a_timeout_is_a_marker_and_a_gap(void **state)
{
  (void)state;
  struct sw_history_sample s[10];
  for (int i = 0; i < 10; i++)
    s[i] = ok(T0 + i * MIN, (10 + i) * MS);
  s[4] = failed(T0 + 4 * MIN, 300000 * MS); /* a 300 s timeout */
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 10, &l), SW_E_OK);
  /* the scale is the successes' (19 ms at most), not the timeout's */
  assert_int_equal(c.y_max_us, 25000);
  assert_int_equal(c.failures, 1);
  assert_int_equal(c.points[4].mark, SW_HISTORY_MARK_FAILURE);
  assert_int_equal(c.points[4].y, 10);
  assert_int_equal(c.points[4].x, 40 + (int)(599.0 * 4 / 9 + 0.5));
  /* the line stops before the failure and starts again after it */
  assert_int_equal(c.run_count, 2);
  assert_int_equal(c.runs[0].first, 0);
  assert_int_equal(c.runs[0].count, 4);
  assert_int_equal(c.runs[1].first, 5);
  assert_int_equal(c.runs[1].count, 5);
  /* the successes use the height: the slowest is in the top third */
  assert_true(c.points[9].y < 10 + 300 / 3);
  sw_history_chart_free(&c);
}

static void test_missing_results_are_a_gap(void **state)
{
  (void)state;
  /* one a minute, then nothing for 20 minutes (the service was stopped) */
  struct sw_history_sample s[8];
  for (int i = 0; i < 4; i++)
    s[i] = ok(T0 + i * MIN, 10 * MS);
  for (int i = 4; i < 8; i++)
    s[i] = ok(T0 + (i + 20) * MIN, 10 * MS);
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 8, &l), SW_E_OK);
  assert_int_equal(c.run_count, 2);
  assert_int_equal(c.runs[0].count, 4);
  assert_int_equal(c.runs[1].first, 4);
  sw_history_chart_free(&c);
  /* irregular but without a hole: one line */
  int64_t at[] = {0, 50, 130, 160, 260, 300, 420, 450};
  for (int i = 0; i < 8; i++)
    s[i] = ok(T0 + at[i] * 1000, 10 * MS);
  assert_int_equal(sw_history_chart_build(&c, s, 8, &l), SW_E_OK);
  assert_int_equal(c.run_count, 1);
  sw_history_chart_free(&c);
}

static void test_failures_without_a_time_and_only_failures(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {failed(T0, -1), failed(T0 + MIN, 1200),
                                  failed(T0 + 2 * MIN, 7000 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  assert_int_equal(c.run_count, 0);
  assert_int_equal(c.failures, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(c.points[i].mark, SW_HISTORY_MARK_FAILURE);
    assert_int_equal(c.points[i].y, 10);
  }
  assert_int_equal(c.points[0].x, 40);
  assert_int_equal(c.points[2].x, 639);
  assert_int_equal(c.y_max_us, 100000); /* nothing to scale: 0-100 ms */
  sw_history_chart_free(&c);
  /* with a lane above the scale, in its middle */
  l.lane_px = 16;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(c.points[i].y, 2);
  assert_int_equal(c.y_ticks[c.y_tick_count - 1].pos, 10);
  sw_history_chart_free(&c);
}

static void test_one_slow_success_is_clamped(void **state)
{
  (void)state;
  struct sw_history_sample s[20];
  for (int i = 0; i < 20; i++)
    s[i] = ok(T0 + i * MIN, 10 * MS);
  s[7].response_us = 5000 * MS;
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 20, &l), SW_E_OK);
  assert_true(c.y_max_us <= 50000);
  assert_int_equal(c.off_scale, 1);
  assert_int_equal(c.points[7].mark, SW_HISTORY_MARK_OFF_SCALE);
  assert_int_equal(c.points[7].y, 10);
  /* still a success: the line goes through it */
  assert_int_equal(c.run_count, 1);
  assert_int_equal(c.runs[0].count, 20);
  /* the others are not squashed against the bottom */
  assert_true(c.points[0].y < 309 - 300 / 5);
  sw_history_chart_free(&c);

  /* a real change of level is not an outlier: 3 fast then 3 slow */
  struct sw_history_sample level[] = {ok(T0, 10 * MS),
                                      ok(T0 + MIN, 10 * MS),
                                      ok(T0 + 2 * MIN, 10 * MS),
                                      ok(T0 + 3 * MIN, 900 * MS),
                                      ok(T0 + 4 * MIN, 900 * MS),
                                      ok(T0 + 5 * MIN, 900 * MS)};
  assert_int_equal(sw_history_chart_build(&c, level, 6, &l), SW_E_OK);
  assert_int_equal(c.off_scale, 0);
  assert_true(c.y_max_us >= 900000);
  sw_history_chart_free(&c);
}

static void test_warnings_stay_on_the_line(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 10 * MS), ok(T0 + MIN, 40 * MS),
                                  ok(T0 + 2 * MIN, 12 * MS)};
  s[1].warning = true;
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  assert_int_equal(c.points[1].mark, SW_HISTORY_MARK_WARNING);
  assert_int_equal(c.run_count, 1);
  assert_int_equal(c.runs[0].count, 3);
  sw_history_chart_free(&c);
}

static void test_one_result_in_the_middle(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 8 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 1, &l), SW_E_OK);
  assert_int_equal(c.point_count, 1);
  assert_int_equal(c.points[0].x, 340);
  assert_true(c.points[0].y > 10 && c.points[0].y < 309);
  assert_int_equal(c.run_count, 1);
  /* a minute around it, labelled every 10 s in local time */
  assert_int_equal(c.x_tick_count, 6);
  assert_string_equal(c.x_ticks[0].label, "14:03:00");
  assert_string_equal(c.x_ticks[5].label, "14:03:50");
  assert_true(c.x_ticks[2].pos < 340 && c.x_ticks[3].pos > 340); /* 14:03:22 */
  sw_history_chart_free(&c);
}

static void test_time_ticks_at_round_local_hours(void **state)
{
  (void)state;
  /* 17:33:22 to 03:33:22 the next day, India time */
  struct sw_history_sample s[] = {ok(T0, 10 * MS), ok(T0 + 10 * HOUR, 10 * MS)};
  struct sw_history_layout l = layout(local_india);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_OK);
  static const char *const labels[] = {"18:00", "19:00",       "20:00", "21:00", "22:00",
                                       "23:00", "05-02 00:00", "01:00", "02:00", "03:00"};
  assert_int_equal(c.x_tick_count, 10);
  for (size_t i = 0; i < 10; i++)
    assert_string_equal(c.x_ticks[i].label, labels[i]);
  /* 18:00 local is 26 min 38 s after the first result */
  assert_int_equal(c.x_ticks[0].pos, 40 + (int)(599.0 * 1598 / 36000 + 0.5));
  for (size_t i = 1; i < 10; i++)
    assert_true(c.x_ticks[i].pos > c.x_ticks[i - 1].pos);
  sw_history_chart_free(&c);
}

static void test_time_ticks_by_the_day(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 10 * MS), ok(T0 + 20 * DAY, 10 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_OK);
  assert_true(c.x_tick_count >= 5 && c.x_tick_count <= 11);
  for (size_t i = 0; i < c.x_tick_count; i++)
    assert_int_equal(strlen(c.x_ticks[i].label), 5); /* "05-03" */
  /* at local midnights, two days apart */
  assert_string_equal(c.x_ticks[0].label, "05-03");
  assert_string_equal(c.x_ticks[1].label, "05-05");
  assert_string_equal(c.x_ticks[c.x_tick_count - 1].label, "05-21");
  sw_history_chart_free(&c);
}

static void test_time_ticks_over_a_clock_change(void **state)
{
  (void)state;
  /* 2024-03-30 22:00 to 2024-03-31 06:00 UTC: 23:00 CET to 08:00 CEST */
  int64_t from = DST_SWITCH - 3 * HOUR;
  struct sw_history_sample s[] = {ok(from, 10 * MS), ok(from + 8 * HOUR, 10 * MS)};
  struct sw_history_layout l = layout(local_europe);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_OK);
  static const char *const labels[] = {"23:00", "03-31 00:00", "01:00", "03:00", "04:00",
                                       "05:00", "06:00",       "07:00", "08:00"};
  assert_int_equal(c.x_tick_count, 9);
  for (size_t i = 0; i < 9; i++)
    assert_string_equal(c.x_ticks[i].label, labels[i]);
  for (size_t i = 1; i < 9; i++)
    assert_int_equal(c.x_ticks[i].pos - c.x_ticks[i - 1].pos >= 74, true);
  sw_history_chart_free(&c);
}

static void test_small_plots_and_dense_labels(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 10 * MS), ok(T0 + DAY, 20 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  /* no room for a chart at all */
  l.plot.right = l.plot.left;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_INVALID_ARGUMENT);
  sw_history_chart_free(&c);
  /* 20 px high: only 0 and the top are labelled */
  l = layout(local_plus_two);
  l.plot.bottom = l.plot.top + 20;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_OK);
  assert_int_equal(c.y_tick_count, 2);
  sw_history_chart_free(&c);
  /* labels 1 px wide do not make more ticks than the chart holds */
  l = layout(local_plus_two);
  l.x_gap_px = 1;
  l.y_gap_px = 0;
  assert_int_equal(sw_history_chart_build(&c, s, 2, &l), SW_E_OK);
  assert_true(c.x_tick_count <= SW_HISTORY_TICKS_MAX);
  assert_true(c.y_tick_count <= SW_HISTORY_TICKS_MAX);
  sw_history_chart_free(&c);
}

static void test_garbage_does_not_break_it(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(INT64_MIN, INT64_MAX), ok(INT64_MAX, INT64_MIN),
                                  failed(0, INT64_MAX), ok(-5, 0)};
  struct sw_history_layout l = layout(NULL);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 4, &l), SW_E_OK);
  for (size_t i = 0; i < c.point_count; i++) {
    assert_true(c.points[i].x >= 40 && c.points[i].x < 640);
    assert_true(c.points[i].y >= 10 && c.points[i].y < 310);
  }
  assert_true(c.x_tick_count <= SW_HISTORY_TICKS_MAX);
  sw_history_chart_free(&c);
}

static void test_hit_finds_the_nearest_point(void **state)
{
  (void)state;
  struct sw_history_sample s[] = {ok(T0, 10 * MS), failed(T0 + MIN, -1),
                                  ok(T0 + 2 * MIN, 10 * MS)};
  struct sw_history_layout l = layout(local_plus_two);
  struct sw_history_chart c;
  assert_int_equal(sw_history_chart_build(&c, s, 3, &l), SW_E_OK);
  assert_int_equal(sw_history_chart_hit(&c, 343, 12, 6), 1); /* the failure */
  assert_int_equal(sw_history_chart_hit(&c, 41, c.points[0].y + 2, 6), 0);
  assert_int_equal(sw_history_chart_hit(&c, 200, 200, 6), SIZE_MAX);
  sw_history_chart_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_results),
      cmocka_unit_test(test_nice_scale_in_ms),
      cmocka_unit_test(test_scale_in_seconds_and_below_a_millisecond),
      cmocka_unit_test(test_all_equal_values_sit_inside),
      cmocka_unit_test(test_oldest_on_the_left),
      cmocka_unit_test(test_a_timeout_is_a_marker_and_a_gap),
      cmocka_unit_test(test_missing_results_are_a_gap),
      cmocka_unit_test(test_failures_without_a_time_and_only_failures),
      cmocka_unit_test(test_one_slow_success_is_clamped),
      cmocka_unit_test(test_warnings_stay_on_the_line),
      cmocka_unit_test(test_one_result_in_the_middle),
      cmocka_unit_test(test_time_ticks_at_round_local_hours),
      cmocka_unit_test(test_time_ticks_by_the_day),
      cmocka_unit_test(test_time_ticks_over_a_clock_change),
      cmocka_unit_test(test_small_plots_and_dense_labels),
      cmocka_unit_test(test_garbage_does_not_break_it),
      cmocka_unit_test(test_hit_finds_the_nearest_point),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
