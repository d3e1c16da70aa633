/* clock: the one conversion between FILETIME and Unix time, which the
 * service's timestamps, a certificate's expiry and the local times the
 * command line and the editor show all go through. Checked against
 * Windows' own calendar (SystemTimeToFileTime), not against our own
 * arithmetic. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "clock.h"
#include "maintenance.h"
#include "sw_macros.h"

/* The FILETIME Windows gives for a UTC calendar date. */
static FILETIME windows_filetime(WORD year, WORD month, WORD day, WORD hour, WORD minute,
                                 WORD second, WORD ms)
{
  SYSTEMTIME st = {.wYear = year,
                   .wMonth = month,
                   .wDay = day,
                   .wHour = hour,
                   .wMinute = minute,
                   .wSecond = second,
                   .wMilliseconds = ms};
  FILETIME ft;
  assert_true(SystemTimeToFileTime(&st, &ft));
  return ft;
}

/* 1970-01-01, a certificate's expiry day and a date before 1970 read as
 * the Unix times every other program gives them (date -u -d ... +%s). */
static void test_filetime_reads_as_unix_time(void **state)
{
  (void)state;
  FILETIME epoch = windows_filetime(1970, 1, 1, 0, 0, 0, 0);
  assert_true(sw_clock_unix_us(&epoch) == 0);
  FILETIME expiry = windows_filetime(2025, 6, 1, 12, 0, 0, 250);
  assert_true(sw_clock_unix_us(&expiry) == INT64_C(1748779200250000));
  FILETIME before = windows_filetime(1969, 12, 31, 23, 59, 59, 0);
  assert_true(sw_clock_unix_us(&before) == -1000000);
}

/* Unix time to FILETIME is the way back, to the microsecond. */
static void test_unix_time_becomes_the_same_filetime(void **state)
{
  (void)state;
  FILETIME want = windows_filetime(2025, 6, 1, 12, 0, 0, 250);
  FILETIME got;
  sw_clock_filetime(INT64_C(1748779200250000), &got);
  assert_int_equal(got.dwLowDateTime, want.dwLowDateTime);
  assert_int_equal(got.dwHighDateTime, want.dwHighDateTime);
  const int64_t times[] = {0, 1, -1, INT64_C(1748779200250001),
                           INT64_C(-11644473600000000) /* 1601-01-01 */};
  for (size_t i = 0; i < SW_COUNTOF(times); i++) {
    sw_clock_filetime(times[i], &got);
    assert_true(sw_clock_unix_us(&got) == times[i]);
  }
}

/* The wall clock is Windows' clock read the same way: within a second of
 * GetSystemTimeAsFileTime, and nowhere near 1601 or 1970. */
static void test_wall_clock_is_unix_time_now(void **state)
{
  (void)state;
  FILETIME now;
  GetSystemTimeAsFileTime(&now);
  int64_t want = sw_clock_unix_us(&now);
  int64_t got = sw_clock_wall_us();
  assert_true(got - want > -1000000 && got - want < 1000000);
  assert_true(got > INT64_C(1700000000000000)); /* after November 2023 */
}

/* Times shown to people: a date out of FILETIME's range or before 1970
 * (a damaged record) is "?", not a wrapped-around date. */
static void test_local_text_refuses_what_has_no_date(void **state)
{
  (void)state;
  char out[32];
  sw_clock_local_text(-1, out, sizeof out);
  assert_string_equal(out, "?");
  sw_clock_local_text(INT64_MAX, out, sizeof out);
  assert_string_equal(out, "?");
  sw_clock_local_text(INT64_C(1748779200000), out, sizeof out);
  assert_int_equal(strlen(out), strlen("2025-06-01 12:00:00"));
  assert_memory_equal(out, "2025-06-0", 9); /* any zone: the 1st or 2nd */
}

/* Windows' own rules for "W. Europe Standard Time" (Berlin), from the
 * time zone database every Windows has. */
static bool berlin_zone(DYNAMIC_TIME_ZONE_INFORMATION *out)
{
  for (DWORD i = 0; EnumDynamicTimeZoneInformation(i, out) == ERROR_SUCCESS; i++)
    if (wcscmp(out->TimeZoneKeyName, L"W. Europe Standard Time") == 0)
      return true;
  return false;
}

static int64_t utc(int y, unsigned m, unsigned d, int hh, int mm)
{
  return sw_days_from_civil(y, m, d) * SW_SECONDS_PER_DAY + hh * 3600 + mm * 60;
}

/* Berlin's wall clock around 2026's changes (forward at 01:00 UTC on 29
 * March, back at 01:00 UTC on 25 October), as Windows computes it. */
static void test_zone_wall_clock_follows_daylight_saving(void **state)
{
  (void)state;
  DYNAMIC_TIME_ZONE_INFORMATION berlin;
  assert_true(berlin_zone(&berlin));
  assert_int_equal(sw_clock_zone_wall_s(utc(2026, 1, 15, 12, 0), &berlin),
                   utc(2026, 1, 15, 13, 0));
  assert_int_equal(sw_clock_zone_wall_s(utc(2026, 3, 29, 0, 59), &berlin),
                   utc(2026, 3, 29, 1, 59));
  assert_int_equal(sw_clock_zone_wall_s(utc(2026, 3, 29, 1, 0), &berlin),
                   utc(2026, 3, 29, 3, 0));
  assert_int_equal(sw_clock_zone_wall_s(utc(2026, 10, 25, 0, 59), &berlin),
                   utc(2026, 10, 25, 2, 59));
  assert_int_equal(sw_clock_zone_wall_s(utc(2026, 10, 25, 1, 0), &berlin),
                   utc(2026, 10, 25, 2, 0));
}

/* A weekly maintenance window through Windows' zone: "Sun 02:00-04:00" on
 * the night the clocks go forward runs one hour, from the change. */
static void test_weekly_window_in_a_windows_zone(void **state)
{
  (void)state;
  DYNAMIC_TIME_ZONE_INFORMATION berlin;
  assert_true(berlin_zone(&berlin));
  struct sw_maint_window w;
  char why[200];
  assert_true(sw_maint_weekly_parse("Sun 02:00-04:00", &w, why, sizeof why));
  assert_false(
      sw_maint_active(&w, utc(2026, 3, 29, 0, 59), sw_clock_zone_wall_s, &berlin));
  assert_true(sw_maint_active(&w, utc(2026, 3, 29, 1, 0), sw_clock_zone_wall_s, &berlin));
  assert_false(
      sw_maint_active(&w, utc(2026, 3, 29, 2, 0), sw_clock_zone_wall_s, &berlin));
  assert_int_equal(
      sw_maint_next_change(&w, utc(2026, 3, 29, 1, 0), sw_clock_zone_wall_s, &berlin),
      utc(2026, 3, 29, 2, 0));
}

/* A one-off window typed in Berlin's local time, through Windows' zone:
 * the repeated hour's first time, the skipped hour's jump. */
static void test_local_time_typed_becomes_utc(void **state)
{
  (void)state;
  DYNAMIC_TIME_ZONE_INFORMATION berlin;
  assert_true(berlin_zone(&berlin));
  assert_int_equal(
      sw_wall_to_utc(utc(2026, 12, 24, 18, 0), sw_clock_zone_wall_s, &berlin),
      utc(2026, 12, 24, 17, 0));
  assert_int_equal(
      sw_wall_to_utc(utc(2026, 10, 25, 2, 30), sw_clock_zone_wall_s, &berlin),
      utc(2026, 10, 25, 0, 30));
  assert_int_equal(sw_wall_to_utc(utc(2026, 3, 29, 2, 30), sw_clock_zone_wall_s, &berlin),
                   utc(2026, 3, 29, 1, 0));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filetime_reads_as_unix_time),
      cmocka_unit_test(test_unix_time_becomes_the_same_filetime),
      cmocka_unit_test(test_wall_clock_is_unix_time_now),
      cmocka_unit_test(test_local_text_refuses_what_has_no_date),
      cmocka_unit_test(test_zone_wall_clock_follows_daylight_saving),
      cmocka_unit_test(test_weekly_window_in_a_windows_zone),
      cmocka_unit_test(test_local_time_typed_becomes_utc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
