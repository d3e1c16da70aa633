/* Maintenance windows: one-off windows in UTC, weekly windows in local time
 * that follow daylight saving time (Berlin's 2026 changes: clocks forward
 * at 01:00 UTC on 29 March, back at 01:00 UTC on 25 October), past
 * midnight, and the weekly text an administrator types and reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "maintenance.h"

#define HOUR 3600
#define MINUTE 60

/* Seconds since 1970 of a UTC date and time. */
static int64_t civil(int y, unsigned m, unsigned d, int hh, int mm)
{
  return sw_days_from_civil(y, m, d) * SW_SECONDS_PER_DAY + hh * HOUR + mm * MINUTE;
}

/* Europe/Berlin in 2026: CET (+1), CEST (+2) between the two changes. */
static int64_t berlin(int64_t utc_s, void *ctx)
{
  (void)ctx;
  bool summer = utc_s >= civil(2026, 3, 29, 1, 0) && utc_s < civil(2026, 10, 25, 1, 0);
  return utc_s + (summer ? 2 : 1) * HOUR;
}

static int64_t utc_zone(int64_t utc_s, void *ctx)
{
  (void)ctx;
  return utc_s;
}

static struct sw_maint_window weekly(const char *text)
{
  struct sw_maint_window w;
  char why[200] = "";
  if (!sw_maint_weekly_parse(text, &w, why, sizeof why))
    fail_msg("\"%s\" was refused: %s", text, why);
  return w;
}

static bool active(const struct sw_maint_window *w, int64_t utc_s)
{
  return sw_maint_active(w, utc_s, berlin, NULL);
}

static void test_once_is_utc_from_until(void **state)
{
  (void)state;
  struct sw_maint_window w = {.kind = SW_MAINT_ONCE,
                              .from_s = civil(2026, 12, 24, 17, 0),
                              .until_s = civil(2026, 12, 24, 19, 0)};
  assert_false(active(&w, w.from_s - 1));
  assert_true(active(&w, w.from_s));
  assert_true(active(&w, w.until_s - 1));
  assert_false(active(&w, w.until_s));
  assert_int_equal(sw_maint_next_change(&w, w.from_s - 100, berlin, NULL), w.from_s);
  assert_int_equal(sw_maint_next_change(&w, w.from_s, berlin, NULL), w.until_s);
  assert_true(sw_maint_next_change(&w, w.until_s, berlin, NULL) == INT64_MAX);
}

/* An ordinary Sunday in winter: 02:00-04:00 local is 01:00-03:00 UTC. */
static void test_weekly_in_local_time(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("Sun 02:00-04:00");
  assert_false(active(&w, civil(2026, 3, 22, 0, 59)));
  assert_true(active(&w, civil(2026, 3, 22, 1, 0)));
  assert_true(active(&w, civil(2026, 3, 22, 2, 59)));
  assert_false(active(&w, civil(2026, 3, 22, 3, 0)));
  /* Saturday and Monday at the same times: no. */
  assert_false(active(&w, civil(2026, 3, 21, 1, 30)));
  assert_false(active(&w, civil(2026, 3, 23, 1, 30)));
  assert_int_equal(sw_maint_next_change(&w, civil(2026, 3, 21, 12, 0), berlin, NULL),
                   civil(2026, 3, 22, 1, 0));
}

/* Clocks go forward at 02:00 local (01:00 UTC) to 03:00: the window's
 * 02:00-03:00 does not exist that night, so it runs one hour, from the
 * change to 04:00 CEST (02:00 UTC). */
static void test_weekly_on_the_night_clocks_go_forward(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("Sun 02:00-04:00");
  assert_false(active(&w, civil(2026, 3, 29, 0, 59))); /* 01:59 CET */
  assert_true(active(&w, civil(2026, 3, 29, 1, 0)));   /* 03:00 CEST */
  assert_true(active(&w, civil(2026, 3, 29, 1, 59)));
  assert_false(active(&w, civil(2026, 3, 29, 2, 0))); /* 04:00 CEST */
  assert_int_equal(sw_maint_next_change(&w, civil(2026, 3, 29, 0, 30), berlin, NULL),
                   civil(2026, 3, 29, 1, 0));
  assert_int_equal(sw_maint_next_change(&w, civil(2026, 3, 29, 1, 0), berlin, NULL),
                   civil(2026, 3, 29, 2, 0));
  /* A window wholly inside the skipped hour does not happen that night;
   * the next is a week later (02:00 CEST = 00:00 UTC). */
  struct sw_maint_window skipped = weekly("Sun 02:15-02:45");
  for (int64_t t = civil(2026, 3, 28, 22, 0); t < civil(2026, 3, 29, 4, 0); t += MINUTE)
    assert_false(active(&skipped, t));
  assert_int_equal(
      sw_maint_next_change(&skipped, civil(2026, 3, 28, 22, 0), berlin, NULL),
      civil(2026, 4, 5, 0, 15));
}

/* Clocks go back at 03:00 CEST (01:00 UTC) to 02:00 CET: 02:00-03:00 local
 * happens twice, and the window covers both, three hours in all. */
static void test_weekly_on_the_night_clocks_go_back(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("Sun 02:00-04:00");
  assert_false(active(&w, civil(2026, 10, 24, 23, 59))); /* 01:59 CEST */
  assert_true(active(&w, civil(2026, 10, 25, 0, 0)));    /* 02:00 CEST */
  assert_true(active(&w, civil(2026, 10, 25, 1, 30)));   /* 02:30 CET */
  assert_true(active(&w, civil(2026, 10, 25, 2, 59)));   /* 03:59 CET */
  assert_false(active(&w, civil(2026, 10, 25, 3, 0)));   /* 04:00 CET */
  assert_int_equal(sw_maint_next_change(&w, civil(2026, 10, 25, 0, 0), berlin, NULL),
                   civil(2026, 10, 25, 3, 0));
}

static void test_weekly_past_midnight(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("Sat 22:00-02:00");
  /* Saturday 5 December 2026, winter time: local = UTC + 1. */
  assert_false(active(&w, civil(2026, 12, 5, 20, 59))); /* Sat 21:59 */
  assert_true(active(&w, civil(2026, 12, 5, 21, 0)));   /* Sat 22:00 */
  assert_true(active(&w, civil(2026, 12, 6, 0, 30)));   /* Sun 01:30 */
  assert_false(active(&w, civil(2026, 12, 6, 1, 0)));   /* Sun 02:00 */
  assert_false(active(&w, civil(2026, 12, 4, 22, 0)));  /* Fri 23:00 */
  assert_false(active(&w, civil(2026, 12, 6, 22, 0)));  /* Sun 23:00 */
  assert_false(
      active(&w, civil(2026, 12, 5, 0, 30))); /* Sat 01:30: Friday was not listed */
}

static void test_weekly_whole_days(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("mon-fri 00:00-24:00");
  assert_true(active(&w, civil(2026, 12, 6, 23, 0)));   /* Mon 00:00 */
  assert_true(active(&w, civil(2026, 12, 11, 22, 59))); /* Fri 23:59 */
  assert_false(active(&w, civil(2026, 12, 11, 23, 0))); /* Sat 00:00 */
  struct sw_maint_window always = weekly("Sun-Sat 00:00-24:00");
  assert_true(sw_maint_next_change(&always, civil(2026, 12, 7, 10, 0), berlin, NULL) ==
              INT64_MAX);
}

/* Before 1970 the weekday still comes out right (31 Dec 1969: Wednesday). */
static void test_weekday_before_1970(void **state)
{
  (void)state;
  struct sw_maint_window w = weekly("Wed 00:00-24:00");
  assert_true(sw_maint_active(&w, civil(1969, 12, 31, 12, 0), utc_zone, NULL));
  assert_false(sw_maint_active(&w, civil(1970, 1, 1, 12, 0), utc_zone, NULL));
}

static void check_text(const char *typed, const char *shown)
{
  struct sw_maint_window w = weekly(typed);
  char text[SW_MAINT_WEEKLY_TEXT_MAX];
  sw_maint_weekly_text(&w, text, sizeof text);
  assert_string_equal(text, shown);
  struct sw_maint_window again = weekly(text);
  assert_int_equal(again.days, w.days);
  assert_int_equal(again.start_min, w.start_min);
  assert_int_equal(again.end_min, w.end_min);
}

static void test_weekly_text(void **state)
{
  (void)state;
  check_text("Sun 02:00-04:00", "Sun 02:00-04:00");
  check_text("  sat,SUN   22:00-02:00 ", "Sat,Sun 22:00-02:00");
  check_text("Mon,Tue,Wed 08:30-09:00", "Mon-Wed 08:30-09:00");
  check_text("Fri-Mon 00:00-24:00", "Fri-Mon 00:00-24:00");
  check_text("Sun,Tue,Thu,Sat 23:59-00:01", "Tue,Thu,Sat,Sun 23:59-00:01");
  check_text("Sun-Sat 00:00-24:00", "Mon-Sun 00:00-24:00");
}

static void check_refused(const char *typed, const char *why_has)
{
  struct sw_maint_window w;
  char why[200] = "";
  if (sw_maint_weekly_parse(typed, &w, why, sizeof why))
    fail_msg("\"%s\" was taken", typed);
  if (!strstr(why, why_has))
    fail_msg("\"%s\": \"%s\" does not say \"%s\"", typed, why, why_has);
}

static void test_weekly_refusals_say_why(void **state)
{
  (void)state;
  check_refused("Sonday 02:00-04:00", "\"Sonday\" is not a day");
  check_refused("Mon-Fry 02:00-04:00", "\"Fry\" is not a day");
  check_refused("Sun, 02:00-04:00", "\"\" is not a day");
  check_refused("Sun 25:00-26:00", "\"25:00\" is not a time of day");
  check_refused("Sun 02:00-04:60", "\"04:60\" is not a time of day");
  check_refused("Sun 0200-0400", "\"0200\" is not a time of day");
  check_refused("Sun 02:00", "is not a span of time");
  check_refused("Sun 24:00-02:00", "cannot start at 24:00");
  check_refused("Sun 02:00-02:00", "ends when it starts");
  check_refused("Sun 00:00-00:00", "ends when it starts");
  check_refused("Sun", "Give the days, then the times");
  check_refused("", "Give the days, then the times");
}

/* A one-off window typed in local time: the instant that reading names,
 * the first of a repeated hour, the jump for a skipped one. */
static void test_wall_time_to_utc(void **state)
{
  (void)state;
  assert_int_equal(sw_wall_to_utc(civil(2026, 12, 24, 18, 0), berlin, NULL),
                   civil(2026, 12, 24, 17, 0));
  assert_int_equal(sw_wall_to_utc(civil(2026, 7, 1, 12, 0), berlin, NULL),
                   civil(2026, 7, 1, 10, 0));
  /* 02:30 on 29 March does not exist: the clock goes 01:59:59 -> 03:00. */
  assert_int_equal(sw_wall_to_utc(civil(2026, 3, 29, 2, 30), berlin, NULL),
                   civil(2026, 3, 29, 1, 0));
  assert_int_equal(sw_wall_to_utc(civil(2026, 3, 29, 3, 0), berlin, NULL),
                   civil(2026, 3, 29, 1, 0));
  assert_int_equal(sw_wall_to_utc(civil(2026, 3, 29, 1, 59), berlin, NULL),
                   civil(2026, 3, 29, 0, 59));
  /* 02:30 on 25 October happens twice: at 00:30 UTC (CEST), then 01:30. */
  assert_int_equal(sw_wall_to_utc(civil(2026, 10, 25, 2, 30), berlin, NULL),
                   civil(2026, 10, 25, 0, 30));
  assert_int_equal(sw_wall_to_utc(civil(2026, 10, 25, 3, 0), berlin, NULL),
                   civil(2026, 10, 25, 2, 0));
  assert_int_equal(sw_wall_to_utc(civil(2026, 5, 5, 5, 5), utc_zone, NULL),
                   civil(2026, 5, 5, 5, 5));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_once_is_utc_from_until),
      cmocka_unit_test(test_weekly_in_local_time),
      cmocka_unit_test(test_weekly_on_the_night_clocks_go_forward),
      cmocka_unit_test(test_weekly_on_the_night_clocks_go_back),
      cmocka_unit_test(test_weekly_past_midnight),
      cmocka_unit_test(test_weekly_whole_days),
      cmocka_unit_test(test_weekday_before_1970),
      cmocka_unit_test(test_weekly_text),
      cmocka_unit_test(test_weekly_refusals_say_why),
      cmocka_unit_test(test_wall_time_to_utc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
