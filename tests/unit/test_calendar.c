/* The UTC calendar: dates and days agree both ways across leap years,
 * centuries and before 1970, weekdays are right, and times print as a user
 * and a JSON reader expect them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calendar.h"

static void test_floor_div_rounds_down(void **state)
{
  (void)state;
  assert_int_equal(sw_floor_div(7, 2), 3);
  assert_int_equal(sw_floor_div(-7, 2), -4);
  assert_int_equal(sw_floor_div(-1, 86400), -1);
  assert_int_equal(sw_floor_div(-86400, 86400), -1);
  assert_int_equal(sw_floor_div(0, 60), 0);
}

static void test_known_dates(void **state)
{
  (void)state;
  assert_int_equal(sw_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(sw_days_from_civil(1969, 12, 31), -1);
  assert_int_equal(sw_days_from_civil(2000, 3, 1) - sw_days_from_civil(2000, 2, 28), 2);
  assert_int_equal(sw_days_from_civil(1900, 3, 1) - sw_days_from_civil(1900, 2, 28), 1);
  assert_int_equal(sw_days_from_civil(2026, 12, 7), 20794);
  assert_int_equal(sw_weekday(sw_days_from_civil(2026, 12, 7)), 1);  /* a Monday */
  assert_int_equal(sw_weekday(sw_days_from_civil(1969, 12, 31)), 3); /* a Wednesday */
  assert_int_equal(sw_weekday(sw_days_from_civil(1600, 1, 1)), 6);   /* a Saturday */
}

/* Every day from 1600 to 2400 comes back as the date it was made from. */
static void test_round_trip(void **state)
{
  (void)state;
  int64_t first = sw_days_from_civil(1600, 1, 1), last = sw_days_from_civil(2400, 12, 31);
  int64_t y = 1600;
  unsigned m = 1, d = 1;
  for (int64_t day = first; day <= last; day++) {
    int64_t gy;
    unsigned gm, gd;
    sw_civil_from_days(day, &gy, &gm, &gd);
    assert_true(gy == y && gm == m && gd == d);
    assert_int_equal(sw_days_from_civil(gy, gm, gd), day);
    /* the next date by hand */
    static const unsigned len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    unsigned month_len = len[m - 1] + (m == 2 && leap);
    if (++d > month_len) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
}

static void test_formats(void **state)
{
  (void)state;
  char text[40];
  sw_utc_format(1748779200, text, sizeof text);
  assert_string_equal(text, "2025-06-01 12:00:00 UTC");
  sw_utc_format_iso(1748779200, text, sizeof text);
  assert_string_equal(text, "2025-06-01T12:00:00Z");
  sw_utc_format_iso(-1, text, sizeof text);
  assert_string_equal(text, "1969-12-31T23:59:59Z");
  sw_utc_format(INT64_C(253402300800), text, sizeof text); /* year 10000 */
  assert_string_equal(text, "?");
  sw_utc_format(0, text, 11); /* cut, still terminated */
  assert_string_equal(text, "1970-01-01");
}

/* Date: headers: the local time of the offset, its day and weekday, and
 * the offset as RFC 5322 writes it. */
static void test_rfc5322_dates(void **state)
{
  (void)state;
  char text[40];
  int64_t at = 1796638623; /* 2026-12-07 10:17:03 UTC, a Monday */
  sw_rfc5322_date_format(at, 0, text, sizeof text);
  assert_string_equal(text, "Mon, 07 Dec 2026 10:17:03 +0000");
  sw_rfc5322_date_format(at, 60, text, sizeof text);
  assert_string_equal(text, "Mon, 07 Dec 2026 11:17:03 +0100");
  sw_rfc5322_date_format(at, 14 * 60, text, sizeof text); /* Kiribati: the next day */
  assert_string_equal(text, "Tue, 08 Dec 2026 00:17:03 +1400");
  sw_rfc5322_date_format(at, -(10 * 60 + 30), text, sizeof text); /* the day before */
  assert_string_equal(text, "Sun, 06 Dec 2026 23:47:03 -1030");
  sw_rfc5322_date_format(at, 24 * 60, text, sizeof text);
  assert_string_equal(text, "?");
  sw_rfc5322_date_format(INT64_C(253402300799), 60, text, sizeof text); /* year 10000 */
  assert_string_equal(text, "?");
  assert_string_equal(sw_month_name(1), "Jan");
  assert_string_equal(sw_month_name(12), "Dec");
  assert_string_equal(sw_month_name(13), "?");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_floor_div_rounds_down),
      cmocka_unit_test(test_known_dates),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_rfc5322_dates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
